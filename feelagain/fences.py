"""The code fences Python-Markdown's fenced_code accepts, and our own blocks' fences: one set of rules for the
converter (markup.py) and the linter (lint/plaintext.py), which may not import each other."""
from __future__ import annotations

import re

# An opening fence as its FENCED_BLOCK_RE has it: at the very start of the line, with only a .lang or {attrs} after
# it ("```code``` is inline" opens nothing); group 2 is the language.
FENCE = re.compile(r"""^(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?([\w#.+-]*)[ ]*(?:hl_lines=("|').*?\3[ ]*)?)$""")
CLOSING_FENCE = re.compile(r"^(`{3,}|~{3,})[ ]*$")
# The opening line of one of our blocks (markup.py turns them into checklists and crisis lists); group 2: its kind.
OWN_BLOCK = re.compile(r"^(```|~~~)\s*(checklist|crisis-directory|support-lines)\s*$")
