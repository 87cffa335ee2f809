"""The content linter (the only code that needs pyphen): reading level, safe language, help links, sources.

`rules` holds the rule table and runs it over one page; `plaintext` turns Markdown into graded prose.
The engine uses only what is exported here.
"""
from .plaintext import counted_syllables, counts_id, known_syllables, remember_syllables
from .rules import BUILD_CHECKS, RULE_IDS, LintPage, LintSettings, SourceRef, lint_page

__all__ = ["BUILD_CHECKS", "RULE_IDS", "LintPage", "LintSettings", "SourceRef", "counted_syllables", "counts_id",
           "known_syllables", "lint_page", "remember_syllables"]
