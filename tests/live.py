"""The portal served by real worker processes (gunicorn) on the test database, and a small
HTTP client with cookies and CSRF tokens, for tests that need more than one process."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, *, workers: int = 2, env: dict | None = None) -> Iterator[str]:
    """Serve the portal with ``workers`` gunicorn processes; yields the base URL."""
    port = free_port()
    environment = {
        **os.environ,
        "PORTAL_ENV": "testing",
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": "gunicorn-test-key",
        "PORTAL_DEFAULT_LOCALE": "en",
        **(env or {}),
    }
    binary = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(binary),
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--bind",
            f"127.0.0.1:{port}",
            "portal:create_app()",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them; answers (status, body, location)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def get(self, path: str, timeout: float = 60) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path), timeout)

    def form_token(self, path: str) -> str:
        """The CSRF token of the form at ``path``."""
        _status, page, _location = self.get(path)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def post(self, path: str, data: dict, *, token: str | None = None, timeout: float = 60):
        """Post ``data`` with a CSRF token (by default, of the form at ``path``, just read)."""
        token = token or self.form_token(path)
        body = urllib.parse.urlencode({**data, "csrf_token": token}, doseq=True).encode()
        return self._open(urllib.request.Request(self.base + path, body), timeout)

    def _open(self, request, timeout: float) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location", "")

    def log_in(self, email: str, password: str) -> None:
        status, _body, _location = self.post("/login", {"email": email, "password": password})
        assert status == 302, status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
