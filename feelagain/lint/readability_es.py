"""Spanish for the linter: reading ease (Szigriszt-Pazos, INFLESZ scale) and safe-messaging wording.

Szigriszt-Pazos = 206.835 - 62.3 * (syllables / words) - (words / sentences). INFLESZ bands: under 40 "muy
difícil", 40-55 "algo difícil", 55-65 "normal", 65-80 "bastante fácil", 80 and over "muy fácil". Our target is
"bastante fácil" (65) or easier.

Syllables are the pieces pyphen's Spanish dictionary splits a word into, with left=1 and right=1 so that
one-letter syllables at a word's start or end (a-quí, dí-a) count too: pyphen's default of 2 letters would
under-count them and flatter the score. Sentences end at . ! ? … : or ; followed by a space (Spanish opens
questions with ¿, so the English rule "a capital letter follows" does not work), and each paragraph or list item
is at least one sentence. This matches /work/brief/es_readability.py, the reference the Spanish pages were
written against.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pyphen import Pyphen

MIN_EASE = 65.0  # "bastante fácil"
WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+(?:-[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+)*|\d+(?:[.,]\d+)?")
SENTENCE_END = re.compile(r"[.!?…:;]+(?=\s|$)")
ENDS_WITH_STOP = re.compile(r"[.!?…:;]\W*$")

# Mentions of suicide, self-harm or overdose in Spanish (the help-link rule needs them).
RISK = re.compile(
    r"\b(?:suicid\w*|autolesi\w*|sobredosis"
    r"|(?:hacer|hacerte|hacerse|hacerme|hacerle)\s+daño"
    r"|(?:quitar|quitarte|quitarse|quitarme|quitó|quitaron)\s+la\s+vida)\b",
    re.I,
)
RISK_KEYS = ("suicid", "autolesi", "sobredosis", "daño", "vida")
MORIR = 'di "morir por suicidio" o "quitarse la vida"'
# Wording that Spanish-language media guidance (e.g. the WHO's guide for media professionals in Spanish)
# advises against: (pattern, better wording).
PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bcomet(?:e|en|er|ió|ieron|ido|iendo|a|an)\s+(?:un\s+)?suicidios?\b", re.I), MORIR),
    (re.compile(r"\bsuicidios?\s+(?:exitosos?|consumados?|logrados?)\b", re.I), MORIR),
    (re.compile(r"\bsuicidios?\s+fallidos?\b", re.I), 'di "intento de suicidio"'),
    (re.compile(r"\bintentos?\s+(?:de\s+suicidio\s+)?fallidos?\b", re.I), 'di "intento de suicidio"'),
)
PHRASE_KEYS = ("suicid", "intento")


@lru_cache(maxsize=1)
def _hyphenator() -> Pyphen:
    """Return pyphen's Spanish dictionary (loaded on first use)."""
    return Pyphen(lang="es", left=1, right=1)


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Return the syllables of one word (a number counts one per digit: numbers are rare in our prose)."""
    if word[0].isdigit():
        return max(1, len(word))
    return sum(len(_hyphenator().inserted(part.lower()).split("-")) for part in word.split("-"))


def counts(units: Iterable[str]) -> tuple[int, int, int]:
    """Return (words, sentences, syllables) of prose units (paragraphs, list items, titles)."""
    words = sentences = syl = 0
    for unit in units:
        found = WORD.findall(unit)
        if not found:
            continue
        words += len(found)
        syl += sum(syllables(w) for w in found)
        sentences += len(SENTENCE_END.findall(unit)) + (0 if ENDS_WITH_STOP.search(unit) else 1)
    return words, sentences, syl


def szigriszt_pazos(units: Iterable[str]) -> tuple[float, int]:
    """Return (Szigriszt-Pazos reading ease, word count) of prose units; (0, 0) for no words."""
    words, sentences, syl = counts(units)
    if not words:
        return 0.0, 0
    return 206.835 - 62.3 * syl / words - words / sentences, words


def band(score: float) -> str:
    """Return the INFLESZ band of a Szigriszt-Pazos score."""
    return ("muy difícil" if score < 40 else "algo difícil" if score < 55 else "normal" if score < 65
            else "bastante fácil" if score < 80 else "muy fácil")


def sentence_words(text: str) -> list[tuple[int, int]]:
    """Return (start offset, word count) of each sentence of a block of text."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        out.append((start, len(WORD.findall(text[start:m.end()]))))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(WORD.findall(text[start:]))))
    return out
