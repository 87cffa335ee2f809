"""Feel Again: a static site generator for safe, accessible health information."""
from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from .errors import BuildError, BuildFailed  # noqa: E402

if TYPE_CHECKING:
    from .config import SiteConfig, load_config


def __getattr__(name: str) -> Any:
    """Import the configuration on first use, so `python build.py` can report a missing PyYAML itself."""
    if name in ("SiteConfig", "load_config"):
        from . import config

        return getattr(config, name)
    raise AttributeError(f"module 'feelagain' has no attribute {name!r}")


def build(config: "SiteConfig", **options: object) -> object:
    """Build a site (see feelagain.pipeline.build)."""
    from .pipeline import build as _build

    return _build(config, **options)  # type: ignore[arg-type]


__all__ = ["__version__", "build", "load_config", "BuildError", "BuildFailed", "SiteConfig"]
