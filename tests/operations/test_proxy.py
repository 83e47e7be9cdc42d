"""Two web processes behind nginx, as docker-compose's scale profile runs them.

Real processes on free ports: a redis-server of the test's own, two gunicorns on one
database of their own, and Debian's nginx in the foreground on deploy/nginx/rph.conf.template
with a certificate made for the test, in production mode (DEBUG off, HTTPS on). A login
through the proxy must hold on both web processes; the proxy must go on serving when one
stops; readiness must drop when Redis stops, while liveness holds.
"""

import http.cookiejar
import os
import secrets
import shutil
import ssl
import string
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest

from rph.accounts.demo import DEMO_USERS
from tests.processes import (
    LOG_TAIL,
    REPO_ROOT,
    free_port,
    manage,
    own_database,
    own_redis,
    start,
    stop,
    wait_until_healthy,
)

NGINX_TEMPLATE = REPO_ROOT / "deploy" / "nginx" / "rph.conf.template"
THERAPIST = next(demo for demo in DEMO_USERS if demo.username == "behandler")
SIGNED_IN = f"{THERAPIST.first_name} {THERAPIST.last_name}"
REQUESTS = 8  # through the proxy, per step: round robin gives each web process half


@dataclass
class Response:
    status: int
    location: str
    body: str


class Client:
    """Just enough of a browser: cookies, no redirects followed, TLS checked against our CA."""

    def __init__(self, origin: str, ca: Path) -> None:
        self.origin = origin
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies),
            urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca)),
            _NoRedirects,
        )

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.cookies if c.name == name)

    def get(self, path: str) -> Response:
        return self._send(urllib.request.Request(self.origin + path))

    def post(self, path: str, fields: dict[str, str]) -> Response:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.cookie("csrftoken")})
        request = urllib.request.Request(
            self.origin + path, data=data.encode(), headers={"Origin": self.origin}
        )
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> Response:
        return _open(self._opener, request)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _open(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> Response:
    try:
        with opener.open(request, timeout=20) as answer:
            return Response(answer.status, "", answer.read().decode())
    except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx, 5xx
        return Response(answer.code, answer.headers.get("Location", ""), answer.read().decode())


def _direct(backend: str, path: str, session: str = "") -> Response:
    """A request straight to one web process, as the proxy passes it on."""
    headers = {"X-Forwarded-Proto": "https"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    request = urllib.request.Request(backend + path, headers=headers)
    return _open(urllib.request.build_opener(_NoRedirects), request)


def _certificate(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1, as fullchain.pem and privkey.pem."""
    folder.mkdir()
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt"),
            *("ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
    )
    return folder / "fullchain.pem"


def _nginx_config(workdir: Path, backends: list[str], https_port: int, tls: Path) -> Path:
    """The shipped template, filled in as the nginx image's envsubst would, inside a main
    configuration that keeps every file of this nginx in the test's folder."""
    site = string.Template(NGINX_TEMPLATE.read_text()).safe_substitute(
        RPH_WEB_1=backends[0].removeprefix("http://"),
        RPH_WEB_2=backends[1].removeprefix("http://"),
        RPH_HTTP_PORT=str(free_port()),
        RPH_HTTPS_PORT=str(https_port),
        RPH_TLS_DIR=str(tls),
    )
    (workdir / "rph.conf").write_text(site)
    temp = {name: workdir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = workdir / "nginx.conf"
    main.write_text(
        # As root, nginx's workers would otherwise run as nobody, who cannot enter workdir.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {workdir / 'nginx.pid'};\n"
        + f"error_log {workdir / 'nginx-error.log'} warn;\n"
        + "events { worker_connections 64; }\n"
        + "http {\n"
        + f"  access_log {workdir / 'nginx-access.log'};\n"
        + f"  client_body_temp_path {temp['body']};\n  proxy_temp_path {temp['proxy']};\n"
        + f"  fastcgi_temp_path {temp['fastcgi']};\n  uwsgi_temp_path {temp['uwsgi']};\n"
        + f"  scgi_temp_path {temp['scgi']};\n"
        + f"  include {workdir / 'rph.conf'};\n"
        + "}\n"
    )
    return main


def _nginx() -> str:
    executable = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")
    if executable is None:
        pytest.fail("nginx is not installed; `make browser` installs it.")
    return executable


def _server_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rph.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),  # one key for both, as in production
        "ALLOWED_HOSTS": "127.0.0.1",
        "RPH_HTTPS": "true",
        "RPH_TRUST_X_FORWARDED_FOR": "true",
        "RPH_STATIC_MANIFEST": "false",
        "RPH_ALLOW_SYNTHETIC_FNR": "true",
        "RPH_MFA_REQUIRED": "true",
        "CACHE_KEY_PREFIX": f"rph-proxy-{secrets.token_hex(4)}",
    }


def _served(log: Path) -> int:
    """Requests for the home page in a gunicorn access log."""
    return log.read_text().count('"GET / HTTP/1.')


@dataclass
class Cluster:
    proxy: str
    ca: Path
    backends: list[str]
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]
    redis: subprocess.Popen[bytes]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with own_redis(tmp_path) as (redis_url, redis), own_database(tmp_path, "proxy") as database:
        env = _server_env(database, redis_url)
        manage(env, "migrate", "--noinput", "-v0")
        backends = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
        logs = [tmp_path / f"web-{n}.log" for n in (1, 2)]
        gunicorn = [sys.executable, "-m", "gunicorn", "rph.wsgi", "--workers", "1"]
        processes = [
            start([*gunicorn, "--bind", url[7:], "--access-logfile", "-"], env=env, log=log)
            for url, log in zip(backends, logs, strict=True)
        ]
        https_port = free_port()
        config = _nginx_config(tmp_path, backends, https_port, tmp_path / "tls")
        ca = _certificate(tmp_path / "tls")
        nginx = start(
            [_nginx(), "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"],
            env=env,
            log=tmp_path / "nginx.log",
        )
        try:
            manage(env, "load_demo")  # while gunicorn boots
            for process, url, log in zip(processes, backends, logs, strict=True):
                wait_until_healthy(process, url, log)
            if nginx.poll() is not None:
                pytest.fail((tmp_path / "nginx-error.log").read_text()[-LOG_TAIL:])
            yield Cluster(f"https://127.0.0.1:{https_port}", ca, backends, processes, logs, redis)
        finally:
            for process in [nginx, *processes]:
                stop(process)


def _log_in(client: Client) -> None:
    assert client.get("/accounts/login/").status == 200
    password = client.post(
        "/accounts/login/", {"login": THERAPIST.username, "password": THERAPIST.password}
    )
    assert (password.status, password.location) == (302, "/accounts/2fa/authenticate/")
    totp = pyotp.TOTP(THERAPIST.totp_secret)
    if totp.interval - time.time() % totp.interval < 2:
        time.sleep(2)  # a code about to roll over
    code = client.post("/accounts/2fa/authenticate/", {"code": totp.now()})
    assert (code.status, code.location) == (302, "/")


def test_a_login_through_the_proxy_holds_on_both_web_processes_and_outlives_one(
    cluster: Cluster,
) -> None:
    client = Client(cluster.proxy, cluster.ca)
    _log_in(client)
    session = client.cookie("sessionid")

    # Valid on each web process on its own ...
    for backend in cluster.backends:
        page = _direct(backend, "/", session)
        assert page.status == 200, backend
        assert SIGNED_IN in page.body, backend
    anonymous = _direct(cluster.backends[0], "/")
    assert (anonymous.status, anonymous.location) == (302, "/accounts/login/?next=/")
    # ... and through the proxy, which sends the requests to both.
    before = [_served(log) for log in cluster.logs]
    pages = [client.get("/") for _ in range(REQUESTS)]
    assert [p.status for p in pages] == [200] * REQUESTS
    assert all(SIGNED_IN in p.body for p in pages)
    served = [_served(log) - n for log, n in zip(cluster.logs, before, strict=True)]
    assert all(n >= 1 for n in served), served

    # One web process stops (a deploy, a crash): the proxy serves every request from the other.
    stop(cluster.processes[0])
    pages = [client.get("/") for _ in range(REQUESTS)]
    assert [p.status for p in pages] == [200] * REQUESTS
    assert all(SIGNED_IN in p.body for p in pages)

    # Redis stops: the web process that is left is alive, but not ready.
    assert client.get("/readyz") == Response(200, "", "ready")
    stop(cluster.redis)
    assert client.get("/readyz") == Response(503, "", "unavailable")
    assert client.get("/healthz") == Response(200, "", "ok")
    assert _direct(cluster.backends[1], "/readyz").status == 503
    assert _direct(cluster.backends[1], "/healthz").status == 200
