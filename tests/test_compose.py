"""docker-compose.yml as an operator runs it: valid, complete, refusing to start without secrets.

Needs `docker compose` or `docker-compose` (no Docker engine: `config` only reads the file);
`make browser` installs docker-compose.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"postgres", "redis", "web", "worker", "beat"}
REQUIRED = {
    "SECRET_KEY": "compose-config-test-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "rph.example.no",
    "POSTGRES_PASSWORD": "compose-config-test",
}


def _compose() -> list[str]:
    if shutil.which("docker"):
        plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if plugin.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail("Neither `docker compose` nor `docker-compose` is installed (`make browser`).")


def _config(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # An empty --env-file: a developer's .env must not supply what the test leaves out.
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    inherited = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    command = [*_compose(), "--env-file", str(empty_env_file), "-f", "docker-compose.yml"]
    return subprocess.run(
        [*command, "config", *args],
        cwd=REPO_ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_compose_file_is_valid(tmp_path: Path) -> None:
    result = _config(tmp_path, "-q", **REQUIRED)

    assert result.returncode == 0, result.stderr


def test_every_service_is_there_with_a_healthcheck(tmp_path: Path) -> None:
    result = _config(tmp_path, **REQUIRED)

    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == SERVICES
    for name in SERVICES:
        assert services[name]["healthcheck"]["test"], name
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_the_app_runs_in_production_mode_on_postgres_and_redis(tmp_path: Path) -> None:
    services = yaml.safe_load(_config(tmp_path, **REQUIRED).stdout)["services"]

    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_DEBUG"] == "false", name
        assert env["SECRET_KEY"] == REQUIRED["SECRET_KEY"], name
        assert env["DATABASE_URL"].startswith("postgres://rph:"), name
        assert env["DATABASE_URL"].endswith("@postgres:5432/rph"), name
        assert env["REDIS_URL"] == "redis://redis:6379/0", name
        assert env["RPH_HTTPS"] == "true", name


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_it_refuses_to_start_without_a_required_variable(tmp_path: Path, missing: str) -> None:
    env = {name: value for name, value in REQUIRED.items() if name != missing}

    result = _config(tmp_path, "-q", **env)

    assert result.returncode != 0
    assert f"set {missing}" in result.stderr
