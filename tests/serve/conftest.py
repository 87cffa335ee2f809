"""Fixtures for the dev-server tests: a copy of the site in tmp_path, `python build.py serve` as a real
process on a free loopback port, and Debian's Chromium for Playwright.

The project's own content/, dist/ and cache are never touched: each test serves a copy in tmp_path.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
START_TIMEOUT = 90.0  # a first build on a loaded 2-core machine, plus Python start-up
BUILD_TIMEOUT = 60.0


def free_port() -> int:
    """Return a TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_site(dest: Path) -> Path:
    """Copy the project's content/ (and templates/ and assets/, so edits by others never reach us) to dest."""
    for name in ("content", "templates", "assets"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    return dest


class ServeProcess:
    """`python build.py serve` in its own process group, with its output collected line by line."""

    def __init__(self, site: Path, port: int, *extra: str) -> None:
        self.site, self.port = site, port
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--site", str(site), "--port", str(port), *extra],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        """Everything the server printed so far."""
        return "\n".join(self.lines)

    def wait_for_line(self, pattern: str, timeout: float = START_TIMEOUT) -> str:
        """Return the first output line matching pattern; fail if it does not come in time."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if regex.search(line):
                    return line
            if self.proc.poll() is not None:
                self.reader.join(5)
                for line in self.lines:
                    if regex.search(line):
                        return line
                pytest.fail(f"serve exited ({self.proc.returncode}) before printing {pattern!r}:\n{self.output}")
            time.sleep(0.05)
        pytest.fail(f"serve did not print {pattern!r} within {timeout} s:\n{self.output}")

    def get(self, path: str) -> tuple[int, str]:
        """Return (status, body) of a GET (no redirects followed)."""
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(self.url + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace")

    def status(self) -> dict:
        """Return /__feelagain__/status.json."""
        code, body = self.get("/__feelagain__/status.json")
        assert code == 200, body
        return json.loads(body)

    def wait_status(self, check: Callable[[dict], bool], timeout: float = BUILD_TIMEOUT, what: str = "") -> dict:
        """Poll status.json until check(status) holds; return it."""
        deadline = time.monotonic() + timeout
        status: dict = {}
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"serve died:\n{self.output}"
            status = self.status()
            if check(status):
                return status
            time.sleep(0.1)
        pytest.fail(f"status.json never showed {what or 'the expected state'}: {status}\n{self.output}")

    def wait_page(self, path: str, text: str, timeout: float = BUILD_TIMEOUT) -> str:
        """Poll a page until its body contains text; return the body."""
        deadline = time.monotonic() + timeout
        body = ""
        while time.monotonic() < deadline:
            code, body = self.get(path)
            if code == 200 and text in body:
                return body
            time.sleep(0.1)
        pytest.fail(f"{path} never contained {text!r}\n{self.output}")

    def interrupt(self, timeout: float = 30) -> int:
        """Send SIGINT (Ctrl-C) to the server alone and return its exit code."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout)
        self.reader.join(5)
        return code

    def kill(self) -> None:
        """Kill the whole process group (the server and any build workers)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(30)
        self.reader.join(5)


def start_server(site: Path, *extra: str) -> ServeProcess:
    """Start serve on a free port (retrying if another process grabbed the port); wait until it listens."""
    for _attempt in range(3):
        server = ServeProcess(site, free_port(), *extra)
        try:
            server.wait_for_line(r"^Serving http://127\.0\.0\.1:\d+/|cannot listen on")
        except BaseException:
            server.kill()
            raise
        if "cannot listen on" not in server.output:
            return server
        server.kill()
    pytest.fail(f"could not start serve on a free port:\n{server.output}")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the project's site in tmp_path."""
    return copy_site(tmp_path / "site")


@pytest.fixture
def server(site: Path):
    """A running dev server for `site`; killed (whole process group) after the test."""
    running = start_server(site)
    yield running
    running.kill()


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base URL: these tests open the dev server's full addresses. Replaces pytest-playwright's own fixture,
    a method of a plugin class, which pytest deprecates (it warned once per run)."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's chromium (never `playwright install`)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install -y chromium", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM}
