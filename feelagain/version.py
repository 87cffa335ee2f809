"""The engine version (printed by --version, written into every page's generator tag and the cache keys)."""

VERSION = "0.1.0"
