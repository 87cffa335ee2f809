"""The dev server's change watcher (feelagain/serve/server.py ChangeWatcher), in-process on a real IOLoop."""
from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

import pytest
from tornado import ioloop

from feelagain.serve import server as devserver

BUDGET = 5.0  # seconds: a generous limit for "it never came", not a speed goal


def run_watcher(folder: Path, monkeypatch: pytest.MonkeyPatch, action, wait: float) -> tuple[list[float], str]:
    """Start a ChangeWatcher on folder, do action() on the loop, run the loop for up to `wait` seconds or until
    the watched callback ran; return the callback's times (relative to the action) and the watcher's mode.

    The loop runs on a thread of its own (Playwright's tests may leave an asyncio loop on the main thread)."""
    monkeypatch.setattr(devserver, "SAFETY_POLL_SECONDS", 3600.0)  # only an event can call back in time
    monkeypatch.setattr(devserver, "POLL_SECONDS", 3600.0)
    calls: list[float] = []
    modes: list[str] = []

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        loop = ioloop.IOLoop.current()
        started: list[float] = []
        watcher = devserver.ChangeWatcher(lambda: False, modes.append)

        def callback() -> None:
            calls.append(time.monotonic() - started[0])
            loop.stop()

        def begin() -> None:
            watcher.watch(str(folder), callback, ignore=devserver.IgnoreUnder(folder))
            watcher.start(lambda: None)
            started.append(time.monotonic())
            action()
            loop.call_later(wait, loop.stop)

        loop.add_callback(begin)
        try:
            loop.start()
        finally:
            watcher.stop()
            loop.close(all_fds=True)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(wait + 30)
    assert not thread.is_alive(), "the watcher's loop did not stop"
    return calls, modes[0] if modes else "none"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_a_save_is_heard_through_inotify_without_polling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "content").mkdir()
    page = tmp_path / "content" / "causes.md"
    page.write_text("old\n")
    calls, mode = run_watcher(tmp_path / "content", monkeypatch, lambda: page.write_text("new\n"), BUDGET)
    assert mode == "events"
    assert len(calls) == 1, calls


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_editor_temp_files_and_hidden_folders_start_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    (content / ".git").mkdir(parents=True)

    def scribble() -> None:
        (content / "4913").write_text("vim probes")
        (content / ".causes.md.swp").write_text("swap")
        (content / "causes.md~").write_text("backup")
        (content / ".git" / "index").write_text("git")

    calls, mode = run_watcher(content, monkeypatch, scribble, 1.0)
    assert mode == "events"
    assert calls == []


def test_reading_the_inputs_is_not_a_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build and the fingerprint open every input: those opens must not start another look (a loop)."""
    page = tmp_path / "causes.md"
    page.write_text("text\n")
    calls, _ = run_watcher(tmp_path, monkeypatch, lambda: page.read_text(), 1.0)
    assert calls == []
