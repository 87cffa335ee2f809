"""Feel Again: a static site generator for safe, accessible health information.

The public API: build(), load_config(), SiteConfig, BuildError, BuildFailed. Engine modules never import this
package itself (only its modules), so the facade cannot form an import cycle.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import BuildError, BuildFailed
from .version import VERSION as __version__

if TYPE_CHECKING:
    from .config import SiteConfig, load_config
    from .pipeline import BuildResult


def __getattr__(name: str) -> Any:
    """Import the configuration on first use, so `python build.py` can report a missing PyYAML itself."""
    if name in ("SiteConfig", "load_config"):
        from . import config

        return getattr(config, name)
    raise AttributeError(f"module 'feelagain' has no attribute {name!r}")


def build(config: SiteConfig, **options: Any) -> BuildResult:
    """Build a site (see feelagain.pipeline.build)."""
    from .pipeline import build as _build

    return _build(config, **options)


__all__ = ["BuildError", "BuildFailed", "SiteConfig", "__version__", "build", "load_config"]
