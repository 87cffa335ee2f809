"""The preview's search page while the index catches up (the reload guard script in feelagain/serve/http.py).

A real tornado server with the dev server's own handlers, on a thread, serves a small search page; the test
decides what /__feelagain__/status.json says (index catching up or not), so each step is deterministic, and
Chromium runs the script.
"""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tornado import httpserver, ioloop, netutil, web

from feelagain.serve import http as devhttp

from .conftest import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Locator

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEARCH_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Search</title></head>
<body><main><h1>Search</h1>
<form data-search-form><input name="q" aria-label="Search"><button>Search</button></form>
<p data-search-status></p><ol data-search-results hidden></ol></main></body></html>
"""


class PreviewState:
    """What the rebuilder tells the HTTP side; here the test sets whether the index is catching up."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.errors: list[dict[str, object]] = []
        self.warning_items: list[dict[str, object]] = []
        self.dev_script = "/livereload.js"
        self.generation = 1
        self.indexing = False

    def status(self) -> dict[str, object]:
        return {"ok": True, "building": False, "generation": self.generation,
                "search": {"generation": 1 if not self.indexing else 0, "indexing": self.indexing, "error": None}}

    def search_bundle(self) -> Path | None:
        return None

    def search_pages(self) -> tuple[Path, ...]:
        return (self.out_dir / "search" / "index.html",)

    def language_prefixes(self) -> tuple[str, ...]:
        return ()


@pytest.fixture
def preview(tmp_path: Path):
    """Serve tmp_path/preview with the dev server's handlers on a free port; yield (url, state)."""
    out = tmp_path / "preview"
    (out / "search").mkdir(parents=True)
    (out / "search" / "index.html").write_text(SEARCH_PAGE, encoding="utf-8")
    state = PreviewState(out)
    port = free_port()
    ready = threading.Event()
    loops: list[ioloop.IOLoop] = []

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        app = web.Application([
            (r"/__feelagain__/status\.json", devhttp.StatusHandler, {"rebuilder": state}),
            (r"/__feelagain__/reload-guard\.js", devhttp.DevFileHandler,
             {"content_type": "text/javascript", "text": devhttp.GUARD_JS}),
            (r"/.*", devhttp.SiteHandler, {"rebuilder": state}),
        ], log_function=lambda _handler: None)
        httpserver.HTTPServer(app).add_sockets(netutil.bind_sockets(port, address="127.0.0.1"))
        loops.append(ioloop.IOLoop.current())
        ready.set()
        loops[0].start()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(30), "the test server did not start"
    yield f"http://127.0.0.1:{port}", state
    loops[0].add_callback(loops[0].stop)
    thread.join(10)


def open_while_indexing(preview, page) -> tuple[PreviewState, Locator, list[str]]:
    """Open the search page for "walks" while the index is catching up; return the preview state, the note's
    locator and the list of the page's loads (it grows with each load from now on)."""
    url, state = preview
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    state.indexing = True
    page.goto(url + "/search/?q=walks")
    return state, page.locator("#" + devhttp.SEARCH_NOTE_ID), loads


def test_the_search_page_says_it_lags_and_searches_again_when_the_index_is_ready(preview, page) -> None:
    from playwright.sync_api import expect

    state, note, loads = open_while_indexing(preview, page)
    expect(note).to_contain_text("search is catching up with your last save", timeout=10_000)
    assert note.get_attribute("role") == "status"
    assert len(loads) == 1
    state.indexing = False
    expect(note).to_have_count(0, timeout=10_000)  # the page loaded again, and the index is current now
    assert len(loads) == 2 and loads[-1].endswith("/search/?q=walks"), loads


def test_a_query_being_typed_is_not_thrown_away(preview, page) -> None:
    from playwright.sync_api import expect

    state, note, loads = open_while_indexing(preview, page)
    expect(note).to_be_visible(timeout=10_000)
    page.locator("input[name=q]").fill("sleep problems")  # typed, not sent yet
    state.indexing = False
    expect(note).to_contain_text("Reload the page to include your last save", timeout=10_000)
    assert page.locator("input[name=q]").input_value() == "sleep problems"
    assert len(loads) == 1, loads


def test_no_note_when_the_index_is_current(preview, page) -> None:
    from playwright.sync_api import expect

    url, state = preview
    page.goto(url + "/search/?q=walks")
    expect(page.locator("[data-search-form]")).to_be_visible()
    page.wait_for_timeout(1500)  # three of the script's status checks, had it kept polling
    expect(page.locator("#" + devhttp.SEARCH_NOTE_ID)).to_have_count(0)
