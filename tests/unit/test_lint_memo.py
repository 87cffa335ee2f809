"""The linter's per-build memory (syllable counts per word, plain text per Markdown line) never changes a finding:
a varied corpus gets the same errors and warnings, on the same lines, whether those memories start empty for
every page, are shared across the corpus, are filled in another order, or come from an earlier build."""
from __future__ import annotations

import random
from datetime import date
from pathlib import PurePosixPath

from feelagain.lint import plaintext
from feelagain.lint.plaintext import counted_syllables, known_syllables, plain, remember_syllables, syllables
from feelagain.lint.rules import LintPage, LintSettings, lint_page

TODAY = date(2026, 6, 1)
SHORT = ["You may feel flat.", "This is common.", "It can take time.", "Help is there.", "Rest is part of it."]
LONG_WORDS = ["overwhelming", "particularly", "unquestionably", "psychological", "responsibilities",
              "disorientation", "depersonalisation", "characteristically", "interpersonal", "communication"]
RISKY = ["Some people think about suicide when they feel numb.", "He committed suicide last year.",
         "Self-harm can feel like the only way out.", "Call 0800 123 4567 tonight.", "Text HOME to 85258 now.",
         "About 46% of people said so.", "One in four people feel this way.", "It was a cry for help."]


def body(rng: random.Random) -> str:
    """Return a Markdown body mixing plain prose, hard prose, long sentences, risk words and statistics."""
    parts = []
    for _ in range(rng.randint(4, 9)):
        kind = rng.random()
        if kind < 0.15:
            parts.append("## " + rng.choice(LONG_WORDS).title() + " and " + rng.choice(LONG_WORDS))
        elif kind < 0.3:
            parts.append("\n".join("- " + rng.choice(SHORT + RISKY) for _ in range(rng.randint(2, 4))))
        elif kind < 0.5:  # one long sentence of long words: long-sentence and grade rules
            parts.append(" ".join(rng.choice(LONG_WORDS) for _ in range(rng.randint(20, 40))).capitalize() + ".")
        else:
            parts.append(" ".join(rng.choice(SHORT + RISKY + [w.capitalize() + " matters." for w in LONG_WORDS])
                                  for _ in range(rng.randint(3, 9))))
    return "\n\n".join(parts) + "\n"


def corpus(count: int = 40) -> list[LintPage]:
    """Return count varied pages (deterministic)."""
    rng = random.Random(16)
    return [LintPage(path=PurePosixPath(f"content/p{i}.md"), slug=f"p{i}", body_md=body(rng), body_start_line=8,
                     body_html="<p>x</p>", sources_count=2, sources_line=5, reviewed=date(2026, 1, 1),
                     next_review=date(2027, 1, 1), reviewed_line=3, next_review_line=4, links=(),
                     known_numbers=frozenset({"116123"}))
            for i in range(count)]


def findings(page: LintPage) -> list[str]:
    errors, warnings = lint_page(page, LintSettings(), TODAY)
    return [f"{e} [{e.rule}]" for e in errors + warnings]


def forget() -> None:
    syllables.cache_clear()
    plain.cache_clear()


def test_memoisation_never_changes_a_finding():
    pages = corpus()
    cold = []
    for page in pages:
        forget()
        cold.append(findings(page))
    forget()
    warm = [findings(page) for page in pages]
    backwards = [findings(page) for page in reversed(pages)][::-1]
    assert warm == cold
    assert backwards == cold
    # The corpus is varied enough to mean something: the reading, safety and number rules all fire.
    rules = {line.rsplit("[", 1)[1].rstrip("]") for page in cold for line in page}
    assert {"grade-page", "grade-paragraph", "long-sentence", "safe-language", "help-link",
            "statistic-footnote", "crisis-number"} <= rules, rules


def test_counts_kept_from_an_earlier_build_give_the_same_findings_without_the_dictionary():
    pages = corpus()
    plaintext._COUNTS.clear()
    forget()
    counted_syllables()
    try:
        expected = [findings(page) for page in pages]
        counted = counted_syllables()
        assert counted and counted == known_syllables()  # every count was made with the dictionary here
        plaintext._COUNTS.clear()  # a new process…
        forget()
        plaintext._hyphenator.cache_clear()
        remember_syllables(counted)  # …that the build gives the counts it kept
        assert [findings(page) for page in pages] == expected
        assert plaintext._hyphenator.cache_info().currsize == 0  # every word was known: no dictionary loaded
        assert counted_syllables() == {}
    finally:
        plaintext._COUNTS.clear()
        forget()


def test_a_number_counts_one_syllable_as_pyphen_counts_it():
    hyphenator = plaintext._hyphenator()
    for word in ["0", "7", "12", "46", "2026", "0800", "85258", "116123", "1234567890123"]:
        forget()
        assert syllables(word) == len(hyphenator.positions(word)) + 1 == 1
    assert not any(char.isdigit() for pattern in hyphenator.hd.patterns for char in pattern)  # why it holds
