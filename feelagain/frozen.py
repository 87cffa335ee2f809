"""Pickling frozen slots dataclasses as a call of the class with their field values.

A dataclass with frozen=True and slots=True pickles by default through dataclasses' own __setstate__, a Python
loop over fields() for every object: loading a page's front matter from the cache (six such objects) spent half
its time there. `__reduce__ = by_fields` makes pickle call the class instead, the same values in the same order.
Only for classes whose every field is an __init__ argument, with no __post_init__.
"""
from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, TypeVar

_GETTERS: dict[type, Callable[[Any], Any]] = {}
T = TypeVar("T")


def by_fields(self: Any) -> tuple[Any, tuple[Any, ...]]:
    """Return (class, field values): pickle's recipe to make the object again by calling its class."""
    cls = type(self)
    getter = _GETTERS.get(cls)
    if getter is None:
        names = cls.__match_args__  # a dataclass's positional __init__ arguments, in order
        if len(names) < 2:
            raise TypeError(f"{cls.__name__}: by_fields is for dataclasses of two fields or more")
        getter = _GETTERS[cls] = operator.attrgetter(*names)
    return cls, getter(self)


def replaced(obj: T, **changes: Any) -> T:
    """Return a copy of a by_fields object with some fields changed (dataclasses.replace, a few times faster:
    it looks no field up by name; a build makes one per page several times over)."""
    cls, values = by_fields(obj)
    names = cls.__match_args__
    unknown = changes.keys() - set(names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
    made: T = cls(*[changes[name] if name in changes else value for name, value in zip(names, values)])
    return made
