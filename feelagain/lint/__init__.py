"""The content linter (the only code that needs pyphen): reading level, safe language, help links, sources.

`rules` holds the rule table and runs it over one page; `plaintext` turns Markdown into graded prose.
The engine uses only what is exported here.
"""
from .rules import RULE_IDS, LintPage, LintSettings, SourceRef, lint_page, settings_from_config

__all__ = ["RULE_IDS", "LintPage", "LintSettings", "SourceRef", "lint_page", "settings_from_config"]
