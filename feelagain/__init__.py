"""Feel Again: a static site generator for safe, accessible health information."""
from __future__ import annotations

__version__ = "0.1.0"

from .config import SiteConfig, load_config  # noqa: E402
from .errors import BuildError, BuildFailed  # noqa: E402


def build(config: SiteConfig, **options: object) -> object:
    """Build a site (see feelagain.pipeline.build)."""
    from .pipeline import build as _build

    return _build(config, **options)  # type: ignore[arg-type]


__all__ = ["__version__", "build", "load_config", "BuildError", "BuildFailed", "SiteConfig"]
