#!/usr/bin/env python3
"""Save-to-reload latency of the dev server (`python build.py serve`), seen from a real browser.

    python bench/serve_latency.py                    # bundled site + 1,000-page corpus, 20 edits each
    python bench/serve_latency.py --edits 5 --pages 0   # bundled site only, quick

For each site it copies the site into a temporary folder, starts `python build.py serve` on a free loopback
port, opens one page in Debian's Chromium (Playwright, /usr/bin/chromium or $CHROMIUM_PATH) and then, N times:
changes one sentence of that page's Markdown, and measures the time from the end of the write until the
reloaded page's DOM (DOMContentLoaded) contains the new sentence. Both clocks are this machine's wall clock
(Python's time.time() at the save, the page's Date.now() at the load).

It prints one table row per site: the median, minimum, 90th percentile and maximum save→visible time, and
the median build time the server reported ("Rebuilt in X s"), so you can see how much of the latency is the
build and how much is noticing the save (inotify, or a 0.25 s poll without it) and reloading. The search index
is rebuilt after the reload, in the background: "save→search" is the median time from the save until
/__feelagain__/status.json says the index shows the edit, and "index run" the median run the server reported.
Each edit waits for the index to catch up before the next one, so every edit starts from a quiet server.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
REPORT_JS = """
document.addEventListener('DOMContentLoaded', () => {
  const main = document.querySelector('main') || document.body;
  window.__faLoaded(Date.now(), main ? main.innerText : '');
});
"""


@dataclass
class Scenario:
    """One site to measure."""

    name: str
    pages: int
    site: Path
    path: str  # URL path of the page that is edited and watched
    edit: callable  # edit(i) -> the new sentence that must become visible
    rows: list[float] = field(default_factory=list)
    builds: list[float] = field(default_factory=list)
    searchable: list[float] = field(default_factory=list)  # save → the search index shows the edit
    index_runs: list[float] = field(default_factory=list)
    watching: str = "?"
    first_build: float | None = None


def free_port() -> int:
    """Return a port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_project(site: Path, names: tuple[str, ...] = ("content", "templates", "assets")) -> None:
    """Copy folders of the project into site (templates and assets too: edits to the project's own files
    while the benchmark runs must not start builds that it would count)."""
    for name in names:
        shutil.copytree(ROOT / name, site / name, ignore=shutil.ignore_patterns(".*"), dirs_exist_ok=True)


def bundled_scenario(tmp: Path) -> Scenario:
    """The project's own site (content, templates, assets copied), editing the last paragraph of causes.md."""
    site = tmp / "bundled"
    copy_project(site)
    page = site / "content" / "causes.md"
    original = page.read_text(encoding="utf-8").rstrip("\n")

    def edit(i: int) -> str:
        sentence = f"Latency probe number {i} is here."
        page.write_text(f"{original}\n\n{sentence}\n", encoding="utf-8")
        return sentence

    count = len(list((site / "content").glob("*.md")))
    return Scenario("bundled site", count, site, "/causes/", edit)


def corpus_scenario(tmp: Path, pages: int) -> Scenario:
    """bench/corpus.py's synthetic site, editing page N//2 with corpus.edit_one_page."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import corpus
    except ImportError:
        sys.exit("bench/corpus.py is missing (it provides make_corpus and edit_one_page)")
    site = corpus.make_corpus(pages, tmp / f"corpus{pages}", seed=1)
    copy_project(site, ("templates", "assets"))
    index = max(1, pages // 2)
    slug = corpus.page_slug(index)

    def edit(_i: int) -> str:
        path = corpus.edit_one_page(site, index)
        return re.findall(r"This is edit number \d+\.", path.read_text(encoding="utf-8"))[-1]

    return Scenario(f"corpus of {pages:,} pages", pages + 2, site, f"/{slug}/", edit)


class Server:
    """`python build.py serve` for one site, with its output collected."""

    def __init__(self, site: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--site", str(site), "--port", str(self.port)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> re.Match[str]:
        """Return the first match of pattern in the output lines from `start` on."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                found = re.search(pattern, line)
                if found:
                    return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"serve never printed {pattern!r}:\n" + "\n".join(self.lines[-30:]))

    def status(self) -> dict:
        """Return /__feelagain__/status.json."""
        import json

        with urllib.request.urlopen(self.url + "/__feelagain__/status.json", timeout=30) as response:
            return json.load(response)

    def browsers(self) -> int:
        """Return how many browser tabs listen for reloads."""
        return self.status()["browsers"]

    def wait_indexed(self, generation: int, timeout: float) -> float | None:
        """Wait until the search index shows reload generation `generation`; return when (None: no such status)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            search = self.status().get("search")
            if not isinstance(search, dict):
                return None  # a server from before the index was built in the background
            if (search.get("generation") or 0) >= generation:
                return time.time()
            if search.get("error"):
                raise RuntimeError(f"the search index failed: {search['error']}")
            time.sleep(0.02)
        raise RuntimeError(f"the search index never caught up with generation {generation} within {timeout} s")

    def stop(self) -> None:
        """Ctrl-C, then make sure the whole process group is gone."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(30)


def measure(scenario: Scenario, browser, edits: int, timeout: float) -> None:
    """Fill scenario.rows with save→visible seconds and scenario.builds with the server's build times."""
    server = Server(scenario.site)
    try:
        built = server.wait_for(r"^Built \d+ pages in ([\d.]+) s", timeout)
        scenario.first_build = float(built.group(1))
        server.wait_for(r"^Serving http://", 60)
        page = browser.new_page()
        loads: list[tuple[float, str]] = []
        page.expose_function("__faLoaded", lambda stamp, text: loads.append((stamp / 1000, text)))
        page.add_init_script(REPORT_JS)
        page.goto(server.url + scenario.path, timeout=timeout * 1000)
        deadline = time.monotonic() + 60
        while server.browsers() < 1:
            if time.monotonic() > deadline:
                raise RuntimeError("the page never connected to the live-reload socket")
            page.wait_for_timeout(50)
        for i in range(edits):
            start_line = len(server.lines)
            sentence = scenario.edit(i)
            saved = time.time()
            seen = wait_for_text(page, loads, sentence, saved, timeout)
            scenario.rows.append(seen - saved)
            status = server.status()
            indexed = server.wait_indexed(int(status["generation"]), timeout)
            rebuilt = server.wait_for(r"^Rebuilt in ([\d.]+) s", 30, start_line)
            scenario.builds.append(float(rebuilt.group(1)))
            note = ""
            if indexed is not None:
                scenario.searchable.append(indexed - saved)
                run = server.wait_for(r"^Search index updated in ([\d.]+) s", 30, start_line)
                scenario.index_runs.append(float(run.group(1)))
                note = f", searchable after {indexed - saved:.2f} s"
            scenario.watching = str(status.get("watching", "polling every 0.25 s"))
            print(f"  {scenario.name}: edit {i + 1}/{edits}: {seen - saved:.2f} s "
                  f"(build {scenario.builds[-1]:.2f} s{note})", file=sys.stderr)
            page.wait_for_timeout(300)
        page.close()
    finally:
        server.stop()


def wait_for_text(page, loads: list[tuple[float, str]], sentence: str, saved: float, timeout: float) -> float:
    """Return the wall-clock time of the first page load after `saved` whose text contains sentence."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for stamp, text in loads:
            if stamp >= saved - 0.05 and sentence in text:
                loads.clear()
                return stamp
        page.wait_for_timeout(20)  # lets Playwright deliver the page's __faLoaded calls
    raise RuntimeError(f"the page never showed {sentence!r} within {timeout} s")


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def median_s(values: list[float]) -> str:
    """Return the median in seconds for the table, or a dash when there is none."""
    return f"{statistics.median(values):.2f} s" if values else "–"


def print_table(scenarios: list[Scenario]) -> None:
    """Print the results as a Markdown table."""
    print("| site | pages | edits | first build | median save→visible | min | p90 | max | median rebuild "
          "| median save→search | median index run |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in scenarios:
        if not s.rows:
            continue
        print(f"| {s.name} | {s.pages:,} | {len(s.rows)} | {s.first_build or 0:.2f} s | "
              f"{statistics.median(s.rows):.2f} s | {min(s.rows):.2f} s | {percentile(s.rows, 0.9):.2f} s | "
              f"{max(s.rows):.2f} s | {median_s(s.builds)} | {median_s(s.searchable)} | {median_s(s.index_runs)} |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    watching = ", ".join(sorted({s.watching for s in scenarios if s.rows}))
    print(f"\n{os.cpu_count()} CPUs, load average {load:.1f} at the end; saves noticed by: {watching}.")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20, help="edits per site (default 20)")
    parser.add_argument("--pages", type=int, default=1000, help="corpus size; 0 skips the corpus (default 1000)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for a build or a reload")
    args = parser.parse_args(argv)
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="feelagain-serve-bench-") as tmp, sync_playwright() as pw:
        scenarios = [bundled_scenario(Path(tmp))]
        if args.pages:
            scenarios.append(corpus_scenario(Path(tmp), args.pages))
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        try:
            for scenario in scenarios:
                measure(scenario, browser, args.edits, args.timeout)
        finally:
            browser.close()
    print_table(scenarios)
    return 0


if __name__ == "__main__":
    sys.exit(main())
