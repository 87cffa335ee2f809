"""The dev server (`python build.py serve`): the only code that imports tornado and livereload.

`server` owns the watcher, the rebuilder and its served-file state; `http` is the HTTP side, which reads the
rebuilder only through the `BuildState` protocol it declares.
"""
from .server import serve

__all__ = ["serve"]
