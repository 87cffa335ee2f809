"""Issue #13 items 5, 18 and 21: the dev server against hostile requests, its warnings, and a busy port.

Each test runs `python build.py serve` as a real process on a copy of the site (see conftest.py).
"""
from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feelagain.serve import http as devhttp

from .conftest import ROOT, ServeProcess, start_server

pytestmark = pytest.mark.slow


def request(port: int, target: str, host: str | None = None) -> tuple[int, str]:
    """Send GET target with exactly this Host header (default 127.0.0.1:port); return (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


# --- item 5 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/" + "a" * 256, "/causes/" + "b" * 1000 + "/index.html", "/" + "%41" * 300 + "/"])
def test_a_name_longer_than_255_characters_is_404_with_one_line(server, target: str) -> None:
    before = len(server.lines)
    status, body = request(server.port, target)
    assert status == 404
    assert "<h1>" in body  # the site's 404 page, not tornado's error page
    time.sleep(0.3)
    new = server.lines[before:]
    assert "Traceback" not in server.output and "server error" not in server.output, server.output
    assert len(new) == 1 and "longer than 255 characters" in new[0], new


def test_only_the_preview_addresses_are_answered(server) -> None:
    port = server.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert request(port, "/", host)[0] == 200, host
        assert request(port, "/__feelagain__/status.json", host)[0] == 200, host
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "127.0.0.1",
                 f"127.0.0.1:{port + 1}", f"localhost:{port}@evil.example", ""):
        for target in ("/", "/causes/", "/__feelagain__/status.json", "/livereload.js", "/livereload",
                       "/__feelagain__/overlay.css"):
            status, body = request(port, target, host)
            assert status in (400, 403), (host, target, status)  # tornado itself answers 400 to a malformed Host
            assert '"errors"' not in body and "need help" not in body.lower(), body
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a WebSocket handshake from a foreign page
    try:
        conn.putrequest("GET", "/livereload", skip_host=True, skip_accept_encoding=True)
        for name, value in (("Host", f"evil.example:{port}"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
                            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13")):
            conn.putheader(name, value)
        conn.endheaders()
        assert conn.getresponse().status == 403
    finally:
        conn.close()
    assert "Traceback" not in server.output


def _live_reload_files(dist: Path) -> list[str]:
    return [p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file() and b"livereload" in p.read_bytes()]


def test_a_build_after_serve_publishes_no_live_reload(site: Path) -> None:
    """Serve, stop, build (once failing, once working): dist/ never holds a page with the live-reload script."""
    assert subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site", str(site)],
                          cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    server = start_server(site)
    try:
        assert "/livereload.js" in server.get("/causes/")[1]
        assert (site / ".feelagain-cache" / ".preview.search").is_dir()  # the search index, beside the preview
        assert server.interrupt() == 0
    finally:
        server.kill()
    assert not (site / ".feelagain-cache" / ".preview.search").exists()  # Ctrl-C cleaned it up
    assert _live_reload_files(site / "dist") == []  # the preview is built elsewhere: dist/ is what was published
    page = site / "content" / "causes.md"
    good = page.read_text(encoding="utf-8")
    page.write_text(good.replace("title:", "title: [", 1), encoding="utf-8")
    for expected in (1, 0):
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site", str(site)],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == expected, result.stderr
        assert _live_reload_files(site / "dist") == []
        page.write_text(good, encoding="utf-8")


# --- item 18 -----------------------------------------------------------------------------------------------


def test_warnings_show_in_a_calm_collapsible_overlay(site: Path) -> None:
    page = site / "content" / "causes.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n# A second title\n\nMore words.\n", encoding="utf-8")
    server = start_server(site)
    try:
        status = server.status()
        assert status["ok"] is True and status["warnings"], status
        code, body = server.get("/causes/")
        assert code == 200
        assert f'id="{devhttp.WARNINGS_ID}"' in body and 'id="feelagain-error-overlay"' not in body
        block = body[body.index(f'id="{devhttp.WARNINGS_ID}"'):]
        block = block[:block.index("</details>")]
        assert "<summary>" in block and "warning" in block
        assert re.search(r"content/causes\.md:\d+</code>: a level-1 heading in the body", block), block
        assert 'role="alert"' not in block
    finally:
        server.kill()


# --- item 21 -----------------------------------------------------------------------------------------------


def test_a_busy_port_stops_serve_before_it_builds(site: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        server = ServeProcess(site, port)
        try:
            server.proc.wait(60)
            server.reader.join(5)
        finally:
            server.kill()
        seconds = time.monotonic() - started
    assert server.proc.returncode == 1, server.output
    assert server.lines == [f"cannot listen on 127.0.0.1:{port} (Address already in use) — "
                            f"is another preview running? Try --port {port + 1}"], server.output
    assert not (site / "dist").exists()  # it did not build first
    assert seconds < 30


@pytest.mark.browser
def test_the_warnings_box_is_folded_calm_and_opens(site: Path, page) -> None:
    from playwright.sync_api import expect

    target = site / "content" / "causes.md"
    target.write_text(target.read_text(encoding="utf-8") + "\n# A second title\n\nMore words.\n", encoding="utf-8")
    server = start_server(site)
    try:
        csp: list[str] = []
        page.on("console", lambda msg: csp.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.goto(server.url + "/causes/")
        box = page.locator(f"#{devhttp.WARNINGS_ID}")
        expect(box).to_be_visible()
        expect(box.locator("summary")).to_contain_text("1 warning")
        item = box.locator("li").first
        expect(item).to_be_hidden()  # folded: one calm line until the editor opens it
        box.locator("summary").click()
        expect(item).to_be_visible()
        expect(item).to_contain_text("a level-1 heading in the body")
        style = box.evaluate("el => [getComputedStyle(el).position, getComputedStyle(el).backgroundColor]")
        assert style[0] != "sticky"  # unlike the error overlay, it scrolls away with the page
        red, green, blue = (int(v) for v in re.findall(r"\d+", style[1])[:3])
        assert red > 200 and green > 200 and blue < 240, style  # a pale yellow (the stylesheet was allowed)
        assert page.locator("#feelagain-error-overlay").count() == 0
        assert csp == [], csp
    finally:
        server.kill()


def test_host_allowlist_rules() -> None:
    allowed = devhttp.allowed_hosts("127.0.0.1", 8000)
    assert allowed == {"127.0.0.1:8000", "localhost:8000"}
    assert devhttp.host_is_allowed("LocalHost:8000", allowed, "127.0.0.1")
    assert not devhttp.host_is_allowed("192.168.1.5:8000", allowed, "127.0.0.1")
    assert devhttp.allowed_hosts("::1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    lan = devhttp.allowed_hosts("0.0.0.0", 8000)  # --host 0.0.0.0: a phone on the network uses an address
    assert devhttp.host_is_allowed("192.168.1.5:8000", lan, "0.0.0.0")
    assert not devhttp.host_is_allowed("192.168.1.5:8001", lan, "0.0.0.0")
    assert not devhttp.host_is_allowed("attacker.example:8000", lan, "0.0.0.0")  # a name could be rebound
