#!/usr/bin/env python3
"""Deterministic synthetic corpus for build benchmarks.

``python bench/corpus.py N DIR [--seed 1]`` writes a complete site folder that
``python build.py build --site DIR`` builds::

    DIR/content/site.yml
    DIR/content/crisis.yml
    DIR/content/index.md          home page
    DIR/content/get-help.md       help page (site.yml help_page)
    DIR/content/page-00001.md … page-NNNNN.md

So a corpus of N has N + 2 pages. Every ``page-*.md`` has valid front matter and
about 820 words of plain prose in short sentences (headings, lists, a table every
few pages, bold/emphasis, and 2–4 links to other pages, some with an anchor to a
heading that exists in the target page).

Importable API: ``make_corpus(n, dest, seed=1) -> Path`` and
``edit_one_page(dest, index=None) -> Path`` (for rebuild benchmarks).
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

TARGET_WORDS = 820
REVIEWED = "2026-11-01"
NEXT_REVIEW = "2027-11-01"

# --------------------------------------------------------------------------- vocabulary
# Plain, short, non-stigmatising words so that a content linter stays quiet.

SUBJECTS = [
    "You", "Many people", "Some people", "A friend", "Your body", "Your mind",
    "A doctor", "A nurse", "This feeling", "Good sleep", "Stress", "A short walk",
    "A calm space", "Your family", "A support group", "A talking therapy",
    "A daily routine", "Each small step", "Your breathing", "A kind word",
    "A trusted person", "Time outside", "Regular meals", "A quiet hour",
    "Music", "A pet", "Writing things down", "A GP", "A therapist", "Rest",
]
VERBS = [
    "can notice", "may feel", "often needs", "can change", "might miss",
    "will find", "can help with", "may bring", "can ease", "often shapes",
    "can protect", "may lift", "can show", "might hide", "can build",
    "may soften", "can support", "often follows", "can reduce", "may slow",
    "can guide", "might affect", "can steady", "may shift", "can restore",
]
OBJECTS = [
    "small changes", "a quiet moment", "your mood", "a sense of calm",
    "daily tasks", "old habits", "your energy", "feelings of joy",
    "the next step", "your sleep", "a flat mood", "strong emotions",
    "simple plans", "a busy week", "your thoughts", "close ties",
    "a fresh start", "new skills", "hard days", "a little hope",
    "your appetite", "your focus", "a safe routine", "warm contact",
    "the body and mind", "a good night", "a slow morning", "your needs",
]
TAILS = [
    "over time", "at work", "during the day", "after a long week",
    "with some support", "at home", "in small ways", "for a while",
    "when you feel ready", "step by step", "with a friend", "each morning",
    "most evenings", "in the long run", "without much effort", "at your own pace",
    "", "", "", "",
]
OPENERS = [
    "", "", "", "", "", "Often, ", "Sometimes, ", "For many, ", "Over time, ",
    "In most cases, ", "At first, ", "Later, ", "Slowly, ", "Each day, ",
]
SHORT_LINES = [
    "This is common.", "It can take time.", "You are not alone.",
    "Small steps count.", "Help is there.", "It is okay to ask.",
    "Go at your own pace.", "Be kind to yourself.", "Change is possible.",
    "Notice what helps.", "Rest is part of it.", "Keep it simple.",
]
GERUNDS = [
    "Noticing", "Naming", "Tracking", "Sharing", "Easing", "Building",
    "Planning", "Finding", "Keeping", "Changing", "Spotting", "Talking about",
    "Caring for", "Making room for", "Looking after", "Getting back",
    "Understanding", "Managing", "Protecting", "Handling",
]
HEAD_NOUNS = [
    "small changes", "your mood", "daily routines", "sleep", "feelings",
    "stress", "energy", "close ties", "work life", "hard days", "your body",
    "simple goals", "support", "old habits", "calm moments", "your needs",
    "warning signs", "next steps", "good days", "low days", "numb days",
    "rest", "meals", "movement", "hope",
]
TITLE_TOPICS = [
    "Feeling flat", "Feeling numb", "Low mood", "Emotional numbness",
    "Stress and the body", "Sleep and mood", "Finding joy again",
    "Talking to others", "Work and feelings", "Small daily steps",
    "After a hard time", "Grief and numbness", "Caring for yourself",
    "Getting support", "Mood and movement", "Noticing feelings",
    "When joy fades", "Rest and recovery", "Numbness in teens",
    "Numbness in older age", "Busy minds", "Slow mornings", "Feeling far away",
]
TITLE_ANGLES = [
    "a short guide", "what to know", "first steps", "common questions",
    "what can help", "signs to look for", "a plain guide", "ideas to try",
    "how it feels", "when to get help",
]
TABLE_ROWS = [
    ("Morning", "a short walk", "more energy"),
    ("Midday", "a proper meal", "steady focus"),
    ("Afternoon", "a call with a friend", "warm contact"),
    ("Evening", "a calm routine", "better sleep"),
    ("Weekend", "time outside", "a lift in mood"),
    ("Any time", "slow breathing", "a calmer body"),
    ("Work days", "short breaks", "less stress"),
    ("Low days", "one small task", "a sense of progress"),
]
LINK_PHRASES = [
    "Read more in {t}.", "See also {t}.", "There is more on this in {t}.",
    "You may find {t} useful.", "{T} covers this in more detail.",
    "Learn more in {t}.",
]
ASPECTS = ["causes", "symptoms", "treatment", "", "", ""]

_SLUG_RE = re.compile(r"[^\w\s-]")
_SPACE_RE = re.compile(r"[-\s]+")


def heading_id(text: str) -> str:
    """The id Python-Markdown's ``toc`` extension gives a plain-ASCII heading."""
    return _SPACE_RE.sub("-", _SLUG_RE.sub("", text).strip().lower())


def page_slug(i: int) -> str:
    return f"page-{i:05d}"


# --------------------------------------------------------------------------- generator

_PLURAL = {"you", "many people", "some people"}
POOL_SIZE = 40_000  # distinct sentences drawn once per corpus, then sampled per page


class _Gen:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.r = rng.random
        self.pool = [self.make_sentence() for _ in range(POOL_SIZE)]

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def sentence(self) -> str:
        return self.pool[int(self.r() * POOL_SIZE)]

    def make_sentence(self) -> str:
        r = self.r
        if r() < 0.12:
            return self.pick(SHORT_LINES)
        obj = self.pick(OBJECTS)
        x = r()
        if x < 0.06:
            obj = f"**{obj}**"
        elif x < 0.12:
            obj = f"*{obj}*"
        opener = self.pick(OPENERS)
        subj = self.pick(SUBJECTS)
        if opener:
            subj = subj[0].lower() + subj[1:]
        tail = self.pick(TAILS)
        verb = self.pick(VERBS)
        if subj.lower() in _PLURAL and verb.startswith("often "):
            verb = verb[:-1]  # "often needs" -> "often need"
        s = f"{opener}{subj} {verb} {obj}"
        if tail:
            s += " " + tail
        return s + "."

    def paragraph(self, n_min=3, n_max=5) -> str:
        n = n_min + int(self.r() * (n_max - n_min + 1))
        return " ".join(self.rng.choices(self.pool, k=n))

    def headings(self, k: int) -> list[str]:
        seen, out = set(), []
        while len(out) < k:
            h = f"{self.pick(GERUNDS)} {self.pick(HEAD_NOUNS)}"
            hid = heading_id(h)
            if hid in seen:
                continue
            seen.add(hid)
            out.append(h)
        return out

    def bullets(self) -> str:
        n = 3 + int(self.r() * 3)
        items = []
        for _ in range(n):
            items.append(f"- {self.pick(GERUNDS)} {self.pick(HEAD_NOUNS)} {self.pick(TAILS) or 'each day'}.")
        return "\n".join(items)

    def numbered(self) -> str:
        n = 3 + int(self.r() * 3)
        items = []
        for k in range(1, n + 1):
            s = self.sentence()
            items.append(f"{k}. {s}")
        return "\n".join(items)

    def table(self) -> str:
        rows = self.rng.sample(TABLE_ROWS, 4)
        out = ["| When | What to try | What it may bring |", "| --- | --- | --- |"]
        out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
        return "\n".join(out)


def _words(text: str) -> int:
    return text.count(" ") + text.count("\n") + 1


def _yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _front_matter(title, description, summary, sources, order=None, aspect="") -> str:
    lines = ["---", f"title: {_yaml_str(title)}", f"description: {_yaml_str(description)}"]
    if order is not None:
        lines.append(f"order: {order}")
    lines += [f"reviewed: {REVIEWED}", f"next_review: {NEXT_REVIEW}", "sources:"]
    for n in sources:
        lines.append(f"  - {{publisher: Corpus Publisher, title: Synthetic source {n}, url: https://corpus.example/source/{n}}}")
    lines.append("summary:")
    lines += [f"  - {_yaml_str(s)}" for s in summary]
    if aspect:
        lines.append(f"aspect: {aspect}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def _plan(n: int, g: _Gen) -> list[dict]:
    plans = []
    for i in range(1, n + 1):
        title = f"{g.pick(TITLE_TOPICS)}: {g.pick(TITLE_ANGLES)} ({i})"
        plans.append({"title": title, "headings": g.headings(4 + int(g.r() * 3))})
    return plans


def _link(g: _Gen, i: int, n: int, plans: list[dict]) -> str:
    if n <= 1:
        return g.pick(LINK_PHRASES).format(t="[getting help](get-help.md)", T="[Getting help](get-help.md)")
    j = i
    while j == i:
        j = 1 + int(g.r() * n)
    target = plans[j - 1]
    href = f"{page_slug(j)}.md"
    text = target["title"].split(":")[0].lower()
    if g.r() < 0.4:
        h = g.pick(target["headings"])
        href += "#" + heading_id(h)
        text = h.lower()
    return g.pick(LINK_PHRASES).format(t=f"[{text}]({href})", T=f"[{text[0].upper() + text[1:]}]({href})")


def _page_body(i: int, n: int, plan: dict, plans: list[dict], g: _Gen) -> str:
    parts: list[str] = []
    words = 0

    def add(block: str):
        nonlocal words
        parts.append(block)
        words += _words(block)

    n_links = 2 + int(g.r() * 3)  # 2–4
    heads = plan["headings"]
    # Spread links over sections: section index -> number of links.
    link_at = [int(g.r() * len(heads)) for _ in range(n_links)]
    with_table = i % 4 == 0
    table_at = int(g.r() * len(heads))
    per_section = (TARGET_WORDS - 100) // len(heads) - 15

    add(g.paragraph(3, 5))
    add(g.paragraph(2, 4))
    for s, h in enumerate(heads):
        add(f"## {h}")
        target = words + per_section
        links_here = link_at.count(s)
        if with_table and s == table_at:
            add(g.paragraph(2, 3))
            add(g.table())
        kind = g.r()
        if kind < 0.3:
            add(g.paragraph(2, 4))
            add(g.bullets())
        elif kind < 0.5:
            add(g.paragraph(2, 4))
            add(g.numbered())
        elif kind < 0.7:
            add(g.paragraph(3, 5))
            add(f"### {g.pick(GERUNDS)} {g.pick(HEAD_NOUNS)} {g.pick(['today', 'this week', 'at home', 'at work', 'with others'])}")
        for _ in range(links_here):
            add(g.paragraph(1, 3) + " " + _link(g, i, n, plans))
        while words < target:
            add(g.paragraph(2, 5))
    return "\n\n".join(parts) + "\n"


def _description(g: _Gen, title: str) -> str:
    topic = title.split(":")[0].lower()
    d = f"A plain guide to {topic}. {g.sentence()} {g.pick(SHORT_LINES)}"
    return d[:157].rstrip() + "…" if len(d) > 160 else d


def _summary(g: _Gen) -> list[str]:
    return [g.sentence().replace("**", "").replace("*", "") for _ in range(3)]


def _site_yml(n: int) -> str:
    nav = ["index", "get-help"] + [page_slug(i) for i in range(1, min(n, 6) + 1)]
    return (
        "title: Corpus Site\n"
        "tagline: A synthetic corpus for build benchmarks\n"
        "base_url: https://corpus.example/\n"
        "language: en\n"
        "organisation: Corpus Organisation\n"
        "licence:\n"
        "  name: CC BY-SA 4.0\n"
        "  url: https://creativecommons.org/licenses/by-sa/4.0/\n"
        "default_region: uk\n"
        "exit_url: https://www.google.com/\n"
        f"nav: [{', '.join(nav)}]\n"
        "help_page: get-help\n"
    )


CRISIS_YML = """\
regions:
  - code: uk
    name: United Kingdom
    emergency:
      number: "999"
      verified_on: 2026-11-20
      source: https://www.samaritans.org
    lines:
      - name: Samaritans
        description: Free, any time, for anyone who is struggling.
        hours: 24/7
        url: https://www.samaritans.org
        verified_on: 2026-11-20
        source: https://www.samaritans.org
        contacts:
          - {kind: call, number: "116 123"}
  - code: us
    name: United States
    emergency:
      number: "911"
      verified_on: 2026-11-20
      source: https://988lifeline.org
    lines:
      - name: 988 Suicide & Crisis Lifeline
        description: Free and confidential support for people in distress.
        hours: 24/7
        url: https://988lifeline.org
        verified_on: 2026-11-20
        source: https://988lifeline.org
        contacts:
          - {kind: call, number: "988"}
"""


def _index_md(n: int, plans: list[dict], g: _Gen) -> str:
    fm = _front_matter(
        "Corpus Site", "A synthetic site for build benchmarks. It has short, plain pages.",
        _summary(g), [1, 2])
    body = [g.paragraph(3, 5), "## Start here", g.paragraph(2, 3)]
    items = [f"- [{plans[i - 1]['title']}]({page_slug(i)}.md)" for i in range(1, min(n, 8) + 1)]
    items.append("- [Get help now](get-help.md)")
    body.append("\n".join(items))
    body += ["## About these pages", g.paragraph(3, 5)]
    return fm + "\n\n".join(body) + "\n"


def _help_md(g: _Gen) -> str:
    fm = _front_matter(
        "Get help now", "Where to get help now. Free lines are open day and night.",
        ["Help is there, day and night.", "You can call or talk to a GP.", "In an emergency, call for help now."],
        [1, 2])
    body = [
        "If you feel unsafe right now, call your local emergency number.",
        "## Talk to someone today", g.paragraph(3, 4),
        "## Other ways to get support", g.paragraph(3, 4),
        "- Talk to a GP.\n- Talk to a friend.\n- Call a free helpline.",
        "[Go back to the home page](index.md).",
    ]
    return fm + "\n\n".join(body) + "\n"


def make_corpus(n: int, dest: Path, seed: int = 1) -> Path:
    """Write a site folder with ``n`` generated pages (+ index and get-help) to ``dest``."""
    if n < 1:
        raise ValueError("n must be >= 1")
    dest = Path(dest)
    content = dest / "content"
    content.mkdir(parents=True, exist_ok=True)
    for old in content.glob("page-*.md"):
        old.unlink()
    g = _Gen(random.Random(seed))
    plans = _plan(n, g)
    (content / "site.yml").write_text(_site_yml(n), encoding="utf-8")
    (content / "crisis.yml").write_text(CRISIS_YML, encoding="utf-8")
    (content / "index.md").write_text(_index_md(n, plans, g), encoding="utf-8")
    (content / "get-help.md").write_text(_help_md(g), encoding="utf-8")
    for i, plan in enumerate(plans, start=1):
        fm = _front_matter(
            plan["title"], _description(g, plan["title"]), _summary(g),
            [2 * i - 1, 2 * i], order=i, aspect=g.pick(ASPECTS))
        body = _page_body(i, n, plan, plans, g)
        (content / f"{page_slug(i)}.md").write_text(fm + body, encoding="utf-8")
    return dest


_EDIT_RE = re.compile(r"^This is edit number (\d+)\.$", re.M)


def count_pages(dest: Path) -> int:
    return sum(1 for _ in (Path(dest) / "content").glob("page-*.md"))


def edit_file(path: Path) -> Path:
    """Change one word in a Markdown file: append, or bump, a line "This is edit number K."."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    m = _EDIT_RE.search(text)
    if m:
        k = int(m.group(1)) + 1
        text = text[: m.start()] + f"This is edit number {k}." + text[m.end():]
    else:
        text = text.rstrip("\n") + "\n\nThis is edit number 1.\n"
    path.write_text(text, encoding="utf-8")
    return path


def edit_one_page(dest: Path, index: int | None = None) -> Path:
    """Change one word in one page body (default: page N//2). Each call changes it again."""
    if index is None:
        index = max(1, count_pages(dest) // 2)
    return edit_file(Path(dest) / "content" / f"{page_slug(index)}.md")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of generated pages (index and get-help are added)")
    ap.add_argument("dest", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    t = time.perf_counter()
    make_corpus(a.n, a.dest, a.seed)
    print(f"wrote {a.n + 2} pages to {a.dest} in {time.perf_counter() - t:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
