"""The dev server (`python build.py serve`, feelagain/serve.py): a real process on a free loopback port.

Browser tests drive Debian's Chromium through Playwright (see conftest.py). Every test works on a copy of the
site in tmp_path and kills its server's whole process group at the end.
"""
from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feelagain.errors import SourceLocation
from feelagain.frontmatter import parse as parse_front_matter
from feelagain.schema import validate_meta
from feelagain.serve import http as devhttp
from feelagain.serve import server as devserver
from feelagain.writers import check_output_folder

from .conftest import ROOT, ServeProcess, copy_site, free_port, start_server

RELOAD_TIMEOUT = 20_000  # ms: save → build → reload on a loaded 2-core machine, with room to spare
BAD_TITLE = "title: Causes: of numbness"  # "mapping values are not allowed here" on line 2 of the file


def set_ending(page: Path, sentence: str, *, broken: bool = False) -> None:
    """Rewrite a page with `sentence` as its last paragraph (and, if broken, invalid YAML on line 2)."""
    original = page.with_suffix(".orig")
    if not original.exists():
        original.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    lines = original.read_text(encoding="utf-8").rstrip("\n").split("\n")
    if broken:
        assert lines[1].startswith("title:"), lines[1]
        lines[1] = BAD_TITLE
    page.write_text("\n".join(lines) + f"\n\n{sentence}\n", encoding="utf-8")


def raw_get(port: int, target: str) -> tuple[int, str]:
    """Send a request line exactly as given (urllib would normalise the path) and return (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", f"127.0.0.1:{port}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def watch_csp(page) -> list[str]:
    """Collect console messages about the Content-Security-Policy (the dev server sends the production CSP)."""
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    return found


# ------------------------------------------------------------------------------------------- browser


@pytest.mark.slow
@pytest.mark.browser
def test_saving_a_page_reloads_it_in_the_browser(server, site, page) -> None:
    from playwright.sync_api import expect

    csp = watch_csp(page)
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(server.url + "/causes/")
    expect(page.locator("h1")).to_contain_text("What causes emotional numbness?")
    server.wait_status(lambda s: s["browsers"] >= 1, what="the page on the live-reload socket")
    set_ending(site / "content" / "causes.md", "A brand new sentence about gentle walks.")
    expect(page.locator("main")).to_contain_text("A brand new sentence about gentle walks.", timeout=RELOAD_TIMEOUT)
    assert any(url.endswith("/livereload") for url in sockets), sockets
    assert csp == [], csp
    assert "Traceback" not in server.output


@pytest.mark.slow
@pytest.mark.browser
def test_a_broken_page_shows_the_error_overlay_until_it_is_fixed(server, site, page) -> None:
    from playwright.sync_api import expect

    csp = watch_csp(page)
    page.goto(server.url + "/causes/")
    server.wait_status(lambda s: s["browsers"] >= 1, what="the page on the live-reload socket")
    overlay = page.locator("#feelagain-error-overlay")
    expect(overlay).to_have_count(0)

    set_ending(site / "content" / "causes.md", "This text never makes it.", broken=True)
    expect(overlay).to_be_visible(timeout=RELOAD_TIMEOUT)
    expect(overlay).to_have_attribute("role", "alert")
    expect(overlay.locator("h2")).to_have_text("The last change could not be built")
    expect(overlay).to_contain_text("content/causes.md:2")
    expect(overlay).to_contain_text("invalid YAML")
    expect(overlay).to_contain_text("The page below is the last good version.")
    assert overlay.evaluate("el => getComputedStyle(el).position") == "sticky"  # overlay.css was allowed and applied
    expect(page.locator("h1")).to_contain_text("What causes emotional numbness?")  # the last good page
    expect(page.locator("main")).not_to_contain_text("This text never makes it.")
    assert re.search(r"^content/causes\.md:2: invalid YAML: .+ — .+", server.output, re.M), server.output
    status = server.status()
    assert status["ok"] is False
    assert {"path": "content/causes.md", "line": 2} .items() <= status["errors"][0].items()

    set_ending(site / "content" / "causes.md", "Fixed, and this sentence is new.")
    expect(page.locator("main")).to_contain_text("Fixed, and this sentence is new.", timeout=RELOAD_TIMEOUT)
    expect(overlay).to_have_count(0)
    assert server.status()["ok"] is True
    assert csp == [], csp


@pytest.mark.slow
@pytest.mark.browser
def test_a_page_that_missed_the_reload_catches_up(server, site, page) -> None:
    """A page still loading when a reload is sent is not on the socket yet; its reload guard catches up."""
    from playwright.sync_api import expect

    held = []
    # Hold the first page's live-reload client until the build is over; let later ones through.
    page.route("**/livereload.js*", lambda route: route.continue_() if held else held.append(route))
    page.goto(server.url + "/causes/", wait_until="commit")
    while not held:
        page.wait_for_timeout(50)
    before = server.status()["generation"]
    set_ending(site / "content" / "causes.md", "Written while the page was loading.")
    server.wait_status(lambda s: s["generation"] > before and not s["building"], what="the next generation")
    assert server.status()["browsers"] == 0  # nobody heard that reload
    held[0].continue_()
    expect(page.locator("main")).to_contain_text("Written while the page was loading.", timeout=RELOAD_TIMEOUT)


@pytest.mark.slow
@pytest.mark.browser
def test_two_hundred_fast_edits_leave_the_server_serving_the_last_good_text(server, site, page) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/causes/")
    server.wait_status(lambda s: s["browsers"] >= 1, what="the page on the live-reload socket")
    target = site / "content" / "causes.md"
    for i in range(200):
        set_ending(target, f"This is edit {i}.", broken=i % 3 == 2)
        if i % 25 == 0:
            time.sleep(0.4)  # let a few builds land in the middle of the burst
        if i % 10 == 0:
            code, _ = server.get("/causes/")
            assert code == 200, f"edit {i}: HTTP {code}"
    last = "This is edit 199."  # 199 % 3 == 1: a good edit
    server.wait_status(lambda s: s["ok"] and not s["building"], what="a good build after the burst")
    body = server.wait_page("/causes/", last)
    assert "This is edit 198." not in body
    expect(page.locator("main")).to_contain_text(last, timeout=RELOAD_TIMEOUT)
    expect(page.locator("#feelagain-error-overlay")).to_have_count(0)
    assert server.proc.poll() is None
    assert "Traceback" not in server.output and "internal error" not in server.output, server.output


# ---------------------------------------------------------------------------------------- no browser


TRAVERSALS = [
    "/../content/site.yml",
    "/..%2fcontent/site.yml",
    "/%2e%2e/content/site.yml",
    "/%2E%2E%2Fcontent%2Fsite.yml",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/assets/..%2f..%2fcontent/site.yml",
    "/.%2e/.%2e/etc/passwd",
    "/..\\..\\etc\\passwd",
    "//etc/passwd",
    "///etc/passwd",
    "/etc/passwd",
    "/%00/etc/passwd",
    "http://evil.example/etc/passwd",
]


@pytest.mark.slow
def test_paths_outside_the_served_folder_are_404(server, site, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("<p>TOP SECRET</p>")
    dist = devserver.preview_folder(site)  # the folder serve builds and serves
    (dist / "leak.txt").symlink_to(secret)
    (dist / "leakdir").symlink_to(outside, target_is_directory=True)
    (dist / "inside.html").symlink_to(dist / "404.html")  # a link that stays inside is fine

    for target in TRAVERSALS + ["/leak.txt", "/leakdir/", "/leakdir/index.html", "/leakdir"]:
        code, body = raw_get(server.port, target)
        assert code == 404, f"{target}: HTTP {code}"
        assert "TOP SECRET" not in body and "root:" not in body and "base_url" not in body, target
    code, body = raw_get(server.port, "/this-page-does-not-exist")
    assert code == 404 and "Page not found" in body  # the site's own 404.html, with its status
    assert raw_get(server.port, "/inside.html")[0] == 200
    assert "Traceback" not in server.output


@pytest.mark.slow
def test_folders_are_never_listed(server) -> None:
    assert raw_get(server.port, "/")[0] == 200
    assert raw_get(server.port, "/causes/")[0] == 200
    for folder in ("/assets/", "/assets", "/api/pages/", "/oembed/"):
        code, body = raw_get(server.port, folder)
        assert code in (404, 302), f"{folder}: HTTP {code}"
        assert "Page not found" in body or code == 302
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", "/causes")
    response = conn.getresponse()
    assert response.status == 302 and response.getheader("Location") == "/causes/"
    conn.close()


@pytest.mark.slow
def test_listens_on_loopback_only_says_so_and_stops_cleanly_on_ctrl_c(server) -> None:
    assert f"Serving http://127.0.0.1:{server.port}/ — press Ctrl-C to stop" in server.lines
    tcp = Path("/proc/net/tcp")
    if tcp.exists():
        listening = [row.split()[1] for row in tcp.read_text().splitlines()[1:] if row.split()[3] == "0A"]
        ours = [addr for addr in listening if addr.endswith(f":{server.port:04X}")]
        assert ours == [f"0100007F:{server.port:04X}"], ours
    other = _non_loopback_address()
    if other:
        with pytest.raises(OSError):
            socket.create_connection((other, server.port), timeout=5).close()
    status = server.status()
    assert status["ok"] is True
    assert server.interrupt() == 0
    assert "Stopped." in server.lines
    assert "Traceback" not in server.output and "KeyboardInterrupt" not in server.output, server.output


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # no packet is sent; this only picks the outgoing address
            address = sock.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.mark.slow
def test_a_public_host_gets_a_warning_and_a_failed_bind_a_clear_line(site) -> None:
    server = ServeProcess(site, free_port(), "--host", "192.0.2.1")  # TEST-NET: not an address of this machine
    try:
        server.proc.wait(60)
        server.reader.join(5)
    finally:
        server.kill()
    assert server.proc.returncode == 1
    assert any(line.startswith("warning: --host 192.0.2.1 lets other computers") for line in server.lines)
    assert any(re.match(r"cannot listen on 192\.0\.2\.1:\d+ \(.+\) — use an address of this computer", line)
               for line in server.lines), server.output
    assert "Traceback" not in server.output


@pytest.mark.slow
def test_a_failed_first_build_still_serves_and_recovers(tmp_path) -> None:
    site = copy_site(tmp_path / "site")
    set_ending(site / "content" / "causes.md", "Broken from the start.", broken=True)
    server = start_server(site)
    try:
        assert re.search(r"^content/causes\.md:2: invalid YAML", server.output, re.M), server.output
        code, body = server.get("/causes/")
        assert code == 404 and 'id="feelagain-error-overlay"' in body and "content/causes.md:2" in body
        # Nothing good was ever built here: the overlay must not call the not-found page "the last good version".
        assert "No good build has made this page yet" in body and "last good version" not in body
        assert '<script src="/livereload.js?port=' in body  # so the open tab reloads once it is fixed
        set_ending(site / "content" / "causes.md", "Working at last.")
        server.wait_status(lambda s: s["ok"], what="the fixed build")
        body = server.wait_page("/causes/", "Working at last.")
        assert "feelagain-error-overlay" not in body
    finally:
        server.kill()


@pytest.mark.slow
def test_new_creates_a_page_with_valid_front_matter(site) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)

    made = run("new", "Sleep and numbness", "--site", str(site))
    assert made.returncode == 0, made.stderr
    assert "Created content/sleep-and-numbness.md" in made.stdout
    path = site / "content" / "sleep-and-numbness.md"
    text = path.read_text(encoding="utf-8")
    loc = SourceLocation(Path("content/sleep-and-numbness.md"))
    raw, lines, _body, _line = parse_front_matter(text, loc)
    meta, errors = validate_meta(raw, loc, lines, text.split("\n"))
    assert errors == [] and meta is not None and meta.title == "Sleep and numbness"

    checked = run("check", "--site", str(site))
    output = checked.stdout + checked.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert re.search(r"content/sleep-and-numbness\.md:\d+: no sources — add at least", output), output
    assert run("new", "Sleep and numbness", "--site", str(site)).returncode == 1  # never overwrites


# ------------------------------------------------------------------------------------ units (no server)


@pytest.mark.parametrize("name", ["causes.md~", ".#causes.md", "#causes.md#", "4913", ".causes.md.swp",
                                  "causes.md.swp", ".hidden", "x.tmp"])
def test_editor_temp_files_are_ignored(name: str) -> None:
    assert devserver.is_editor_temp_file(f"/site/content/{name}")


@pytest.mark.parametrize("name", ["causes.md", "site.yml", "site.css", "base.html", "favicon.svg"])
def test_real_inputs_are_watched(name: str) -> None:
    assert not devserver.is_editor_temp_file(f"/site/content/{name}")


def test_resolve_request_only_returns_files_under_the_root(tmp_path: Path) -> None:
    root = tmp_path / "dist"
    (root / "causes").mkdir(parents=True)
    (root / "causes" / "index.html").write_text("x")
    (root / "index.html").write_text("x")
    (root / ".index.html.tmp").write_text("x")
    (root / "assets").mkdir()
    (tmp_path / "dist-secret").mkdir()
    (tmp_path / "dist-secret" / "x.txt").write_text("x")
    assert devhttp.resolve_request(root, "/") == ("file", (root / "index.html").resolve())
    assert devhttp.resolve_request(root, "/causes/") == ("file", (root / "causes" / "index.html").resolve())
    assert devhttp.resolve_request(root, "/causes/index.html") == ("file", (root / "causes" / "index.html").resolve())
    assert devhttp.resolve_request(root, "/causes") == ("redirect", "/causes/")
    for bad in ["/assets/", "/../dist-secret/x.txt", "/..%2fdist-secret/x.txt", "/%2e%2e/dist-secret/x.txt",
                "//dist-secret/x.txt", "/.index.html.tmp", "/index.html/", "/causes//index.html", "/%ff",
                "/causes/%2findex.html", "relative", "/a\\..\\b"]:
        assert devhttp.resolve_request(root, bad) == ("missing", None), bad


def test_overlay_is_added_after_body_and_escaped() -> None:
    page = b"<!doctype html><html><head><title>t</title></head><body class='x'><h1>Hi</h1></body></html>"
    errors = [{"path": "content/a.md", "line": 3, "problem": "bad <b>", "hint": "fix & go", "text": ""}]
    out = devhttp.decorate_html(page, errors, "/livereload.js?port=1").decode()
    assert out.index("<body class='x'>") < out.index('<div role="alert" id="feelagain-error-overlay">') < out.index("<h1>")
    assert "<code>content/a.md:3</code>: bad &lt;b&gt;" in out and "— fix &amp; go" in out
    assert out.index('<script src="/livereload.js?port=1"></script>') < out.index("</head>")
    assert out.index('href="/__feelagain__/overlay.css"') < out.index("</head>")
    assert "style=" not in out  # no inline styles: the pages carry a strict CSP
    assert '<meta name="feelagain-generation" content="0">' in out
    assert out.index('<script src="/__feelagain__/reload-guard.js"></script>') < out.index("</head>")
    clean = devhttp.decorate_html(page, [], "/livereload.js?port=1").decode()
    assert "feelagain-error-overlay" not in clean and "overlay.css" not in clean
    assert "The page below is the last good version." in out
    missing = devhttp.decorate_html(page, errors, "/livereload.js?port=1", found=False).decode()
    assert "No good build has made this page yet" in missing and "last good version" not in missing


def test_fingerprint_sees_a_second_save_in_the_same_clock_tick(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    page = folder / "a.md"
    page.write_text("one")
    inputs = devserver.InputFiles([folder])
    first = inputs.fingerprint()
    stat = page.stat()
    page.write_text("two")  # same size…
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # …and the same mtime
    assert inputs.racy
    assert inputs.fingerprint() != first
    (folder / ".a.md.swp").write_text("x")
    (folder / "a.md~").write_text("x")
    second = inputs.fingerprint()
    assert inputs.fingerprint() == second


def test_output_folders_that_would_lose_files_are_refused(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    assert check_output_folder(site / "dist", site) is None
    assert check_output_folder(tmp_path / "new-folder", site) is None
    assert check_output_folder(site, site)
    assert check_output_folder(tmp_path, site)
    assert check_output_folder(site / "content" / "out", site)
    assert check_output_folder(ROOT, site)
    other = tmp_path / "documents"
    other.mkdir()
    (other / "letter.txt").write_text("keep me")
    assert check_output_folder(other, site)


def test_is_loopback() -> None:
    assert devserver.is_loopback("127.0.0.1") and devserver.is_loopback("localhost") and devserver.is_loopback("::1")
    assert not devserver.is_loopback("0.0.0.0") and not devserver.is_loopback("192.168.1.2") and not devserver.is_loopback("example.org")
