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
SERVICES = {"postgres", "redis", "migrate", "web", "worker", "beat"}
SCALE = {"web-2", "worker-2", "proxy"}  # the scale profile's
APP = {"migrate", "web", "worker", "beat", "web-2", "worker-2"}  # the RPH image's
LONG_RUNNING = (SERVICES | SCALE) - {"migrate"}
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


def _config(
    tmp_path: Path, *args: str, profiles: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess[str]:
    # An empty --env-file: a developer's .env must not supply what the test leaves out.
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    inherited = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    command = [*_compose(), "--env-file", str(empty_env_file), "-f", "docker-compose.yml"]
    command += [arg for profile in profiles for arg in ("--profile", profile)]
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


def _services(tmp_path: Path, *profiles: str) -> dict[str, dict]:
    result = _config(tmp_path, profiles=profiles, **REQUIRED)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def test_every_service_is_there_with_a_healthcheck(tmp_path: Path) -> None:
    services = _services(tmp_path, "scale")

    assert set(services) == SERVICES | SCALE
    for name in LONG_RUNNING:
        assert services[name]["healthcheck"]["test"], name
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    for name in ("web", "web-2"):
        assert "/readyz" in " ".join(services[name]["healthcheck"]["test"]), name


def test_the_scale_profile_alone_adds_a_second_web_and_worker_and_the_proxy(
    tmp_path: Path,
) -> None:
    services = _services(tmp_path)  # docker-compose 1.x lists them with their profiles

    for name in SERVICES:
        assert not services[name].get("profiles"), name
    for name in SCALE & set(services):
        assert services[name]["profiles"] == ["scale"], name


def test_migrations_run_once_per_deploy_before_any_app_process(tmp_path: Path) -> None:
    services = _services(tmp_path, "scale")

    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    for name in APP - {"migrate"}:
        waits_for = services[name]["depends_on"]
        assert waits_for["migrate"]["condition"] == "service_completed_successfully", name
        assert "migrate" not in " ".join(services[name]["command"]), name


def test_scaled_out_two_web_and_two_workers_run_behind_nginx_with_one_beat(
    tmp_path: Path,
) -> None:
    services = _services(tmp_path, "scale")

    assert services["web-2"]["command"] == services["web"]["command"]
    assert services["worker-2"]["command"] == services["worker"]["command"]
    assert [name for name, s in services.items() if "beat" in s.get("command", [])] == ["beat"]
    assert "ports" not in services["web-2"]  # reached through the proxy only
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["environment"]["RPH_WEB_1"] == "web:8000"
    assert proxy["environment"]["RPH_WEB_2"] == "web-2:8000"
    mounts = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in proxy["volumes"]]
    assert "/etc/nginx/templates/default.conf.template" in mounts
    for name in ("web", "web-2"):
        assert proxy["depends_on"][name]["condition"] == "service_healthy"


def test_the_app_runs_in_production_mode_on_postgres_and_redis(tmp_path: Path) -> None:
    services = _services(tmp_path, "scale")

    for name in APP:
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
