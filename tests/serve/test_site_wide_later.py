"""The dev server writes the site-wide files (print page, sitemap, embed index…) after the reload.

In process: a dev-server build (writers.Served with defer) writes the edited page and leaves the site-wide
files to `Served.later`; once that ran, the served folder equals a fresh in-place build byte for byte.
With a real server: the edited page is reloaded before the print page and the sitemap are rewritten, and when
everything has settled the preview equals a fresh build of the same content.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path, PurePosixPath

import pytest

from feelagain.config import load_config
from feelagain.errors import BuildError, BuildFailed, SourceLocation
from feelagain.pipeline import build
from feelagain.serve.server import preview_folder
from feelagain.writers import Served
from tests.support.sites import snapshot

from .conftest import BUILD_TIMEOUT, ServeProcess, copy_site

DEV_SCRIPT = "/livereload.js?port=8000"


def fresh_build(site: Path, out: Path, dev_script: str = DEV_SCRIPT) -> dict[str, bytes]:
    """Build site from scratch in place into out, the way the dev server's first build does; return the files."""
    build(load_config(site, out, dev_script=dev_script), served=Served(), use_cache=False)
    return snapshot(out)


def edit(site: Path, sentence: str, reviewed: str = "2026-11-28") -> None:
    """Add a sentence to the end of causes.md and change its review date (the sitemap shows it)."""
    page = site / "content" / "causes.md"
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"^reviewed: .*$", f"reviewed: {reviewed}", text, count=1, flags=re.M)
    page.write_text(text.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")


class DevBuilds:
    """The dev server's builds of one site, in process: the first writes everything, later ones defer."""

    def __init__(self, site: Path, out: Path) -> None:
        self.site, self.out = site, out
        self.served = Served()
        self.build()
        self.served.defer = True

    def build(self) -> None:
        self.served.later = None
        build(load_config(self.site, self.out, dev_script=DEV_SCRIPT), served=self.served)


@pytest.fixture
def dev(tmp_path: Path) -> DevBuilds:
    return DevBuilds(copy_site(tmp_path / "site"), tmp_path / "preview")


def test_the_edited_page_is_written_first_and_the_site_wide_files_after(dev: DevBuilds, tmp_path: Path) -> None:
    out = dev.out
    sitemap, printed = (out / "sitemap.xml").read_bytes(), (out / "print" / "index.html").read_bytes()
    edit(dev.site, "A sentence about slow mornings.")
    dev.build()
    later = dev.served.later
    assert later is not None, "a page edit should leave the site-wide files for after the reload"
    assert "A sentence about slow mornings." in (out / "causes" / "index.html").read_text(encoding="utf-8")
    assert (out / "print" / "index.html").read_bytes() == printed  # not yet: no page shows it
    assert (out / "sitemap.xml").read_bytes() == sitemap
    assert later() > 0
    assert "A sentence about slow mornings." in (out / "print" / "index.html").read_text(encoding="utf-8")
    assert "2026-11-28" in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert snapshot(out) == fresh_build(dev.site, tmp_path / "fresh")


def test_an_edit_to_a_spanish_page_reaches_the_spanish_print_page_after_the_reload(dev: DevBuilds,
                                                                                   tmp_path: Path) -> None:
    """The Spanish guide's own print page, offline notice and embed guide are site-wide files of the preview too."""
    out = dev.out
    for name in ("es/print/index.html", "es/offline/index.html", "es/embed/index.html", "es/api/pages.json"):
        assert (out / name).is_file(), name
    printed = (out / "es" / "print" / "index.html").read_bytes()
    page = dev.site / "content" / "es" / "causas.md"
    page.write_text(page.read_text(encoding="utf-8").rstrip("\n") + "\n\nUna frase sobre las mañanas lentas.\n",
                    encoding="utf-8")
    dev.build()
    later = dev.served.later
    assert later is not None
    assert "Una frase sobre las mañanas lentas." in (out / "es" / "causas" / "index.html").read_text(encoding="utf-8")
    assert (out / "es" / "print" / "index.html").read_bytes() == printed  # not yet: no page shows it
    assert later() > 0
    assert "Una frase sobre las mañanas lentas." in (out / "es" / "print" / "index.html").read_text(encoding="utf-8")
    assert snapshot(out) == fresh_build(dev.site, tmp_path / "fresh")


def test_a_newer_build_supersedes_site_wide_files_still_waiting(dev: DevBuilds, tmp_path: Path) -> None:
    edit(dev.site, "The first of two quick edits.")
    dev.build()
    first = dev.served.later
    edit(dev.site, "The second of two quick edits.", reviewed="2026-11-27")
    dev.build()
    assert first is not None and dev.served.later is not None and dev.served.later is not first
    dev.served.later()  # only the newest runs, as the server does
    assert snapshot(dev.out) == fresh_build(dev.site, tmp_path / "fresh")


def test_a_template_change_writes_the_site_wide_files_in_the_same_build(dev: DevBuilds, tmp_path: Path) -> None:
    template = dev.site / "templates" / "print.html"
    text = template.read_text(encoding="utf-8")
    assert "{%- block content %}" in text
    template.write_text(text.replace("{%- block content %}", "{%- block content %}<p>Printed here.</p>", 1),
                        encoding="utf-8")
    dev.build()
    assert dev.served.later is None  # a site-wide input changed: a problem in it must fail this build
    assert "Printed here." in (dev.out / "print" / "index.html").read_text(encoding="utf-8")
    assert snapshot(dev.out) == fresh_build(dev.site, tmp_path / "fresh")


def test_a_failed_site_wide_run_makes_the_next_build_write_them_itself(dev: DevBuilds) -> None:
    edit(dev.site, "An edit whose site-wide files fail.")
    dev.build()
    later = dev.served.later
    assert later is not None

    def broken() -> dict[PurePosixPath, bytes]:
        raise BuildError(SourceLocation(PurePosixPath("templates/print.html")), "broken", "fix it")

    later.make = broken  # as a template error in a site-wide page would
    with pytest.raises(BuildFailed):
        later()
    edit(dev.site, "The next edit.")
    dev.build()
    assert dev.served.later is None
    assert "The next edit." in (dev.out / "print" / "index.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------- real server


def wait_settled(server: ServeProcess, before: dict) -> dict:
    """Wait until a build newer than the status before has finished and its site-wide files and search index
    caught up; return that status."""
    return server.wait_status(
        lambda s: s["generation"] > before["generation"] and s["site_wide"]["generation"] == s["generation"]
        and not s["site_wide"]["pending"] and not s["building"] and not s["search"]["indexing"],
        timeout=BUILD_TIMEOUT, what="the site-wide files and the search index caught up")


def assert_preview_equals_fresh_build(site: Path, server: ServeProcess, tmp_path: Path) -> None:
    """The folder the server serves equals, byte for byte, a fresh build of the site with the server's script."""
    assert snapshot(preview_folder(site)) == fresh_build(site, tmp_path / "fresh", f"/livereload.js?port={server.port}")


@pytest.mark.slow
def test_the_server_reloads_before_it_rewrites_the_print_page_and_ends_equal_to_a_fresh_build(
        site: Path, server: ServeProcess, tmp_path: Path) -> None:
    before = server.status()
    start = len(server.lines)
    edit(site, "A sentence the print page gets after the reload.")
    server.wait_page("/causes/", "A sentence the print page gets after the reload.")
    settled = wait_settled(server, before)
    lines = server.lines[start:]
    rebuilt = next(i for i, line in enumerate(lines) if line.startswith("Rebuilt in"))
    site_wide = next(i for i, line in enumerate(lines) if line.startswith("Site-wide files"))
    assert rebuilt < site_wide, lines  # the reload went out first
    assert "A sentence the print page gets after the reload." in server.get("/print/")[1]
    assert_preview_equals_fresh_build(site, server, tmp_path)
    assert settled["errors"] == []


@pytest.mark.slow
def test_after_quick_edits_the_preview_settles_equal_to_a_fresh_build(site: Path, server: ServeProcess,
                                                                       tmp_path: Path) -> None:
    before = server.status()
    for i in range(6):  # saves faster than the server builds: the last one must win everywhere
        edit(site, f"Quick edit number {i}.", reviewed=f"2026-11-{20 + i:02d}")
    server.wait_page("/causes/", "Quick edit number 5.")
    wait_settled(server, before)
    assert "Quick edit number 5." in server.get("/print/")[1]
    assert_preview_equals_fresh_build(site, server, tmp_path)


def test_the_site_wide_write_waits_for_the_reloaded_page_to_load(tmp_path: Path) -> None:
    import asyncio

    from tornado import ioloop

    from feelagain.serve import http as devhttp
    from feelagain.serve import server as devserver

    site = copy_site(tmp_path / "site")
    rebuilder = devserver.Rebuilder(site, tmp_path / "preview", 8000)
    rebuilder.built_fingerprint = rebuilder.inputs.fingerprint()  # so that no build starts after the write
    calls: list[float] = []

    def later() -> int:
        calls.append(devhttp.Activity.answered)
        return 0

    async def scenario() -> None:
        rebuilder.later = later  # type: ignore[assignment]  # stands in for a build's SiteWideLater
        rebuilder.reloaded_at, rebuilder.reloaded_browsers = devserver.time.monotonic(), 1
        devhttp.Activity.answered = 0.0  # no request since the reload yet: the browser is still on its way
        rebuilder.write_site_wide()
        await asyncio.sleep(devserver.QUIET_SECONDS * 3)
        assert calls == [] and rebuilder.later is not None and not rebuilder.finishing
        devhttp.Activity.answered = devserver.time.monotonic()  # the reloaded page was served
        for _ in range(200):  # generous: a loaded machine
            if calls and not rebuilder.finishing:
                break
            await asyncio.sleep(0.05)
        assert calls and calls[0] > rebuilder.reloaded_at
        assert rebuilder.later is None and rebuilder.site_wide_generation == rebuilder.later_generation

    failures: list[BaseException] = []

    def run() -> None:  # a thread of its own: Playwright's tests may have left an event loop on this one
        loop = ioloop.IOLoop(make_current=False)
        try:
            loop.run_sync(scenario, timeout=30)
        except BaseException as exc:  # re-raised on the test thread
            failures.append(exc)
        finally:
            loop.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the scenario hung"
    if failures:
        raise failures[0]


def test_status_polls_do_not_count_as_loading_a_page() -> None:
    from feelagain.serve import http as devhttp

    devhttp.Activity.answered = 0.0

    class Finished:
        def get_status(self) -> int:
            return 200

    status = devhttp.StatusHandler.__new__(devhttp.StatusHandler)
    status.get_status = lambda: 200  # type: ignore[method-assign]
    devhttp.log_request(status)
    assert devhttp.Activity.answered == 0.0
    devhttp.log_request(Finished())  # type: ignore[arg-type]
    assert devhttp.Activity.answered > 0.0
