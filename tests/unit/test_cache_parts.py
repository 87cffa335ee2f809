"""cache.py's parts: the build's temporary body store (DiskStore) reads values back as stored and answers tags without
a read; keys made part by part (KeyMaker) equal make_key."""
from __future__ import annotations

import pickle

import pytest

from feelagain.cache import DiskStore


def test_values_and_tags_read_back_as_stored(tmp_path):
    store: DiskStore[str] = DiskStore(tmp_path)
    try:
        store.add("a", pickle.dumps("body a"), "key-a")
        store.add("b", pickle.dumps("body b"))
        assert store["a"] == "body a" and store["b"] == "body b"
        assert store.tag("a") == "key-a" and store.tag("b") == ""
        store.add("a", pickle.dumps("body a again"))  # stored again without a tag: the old tag goes too
        assert store["a"] == "body a again" and store.tag("a") == ""
        with pytest.raises(KeyError):
            store.tag("missing")
    finally:
        store.close()


def test_a_key_made_part_by_part_equals_make_key_and_parts_never_run_together():
    from feelagain.cache import KeyMaker, make_key

    assert KeyMaker("a").add("bc").add(b"d").hexdigest() == make_key("a", "bc", "d") == KeyMaker("a", "bc", "d").hexdigest()
    assert make_key("ab", "c") != make_key("a", "bc") != make_key("abc")


def test_unused_entries_are_dropped_when_a_build_missed_a_share_of_its_look_ups(tmp_path):
    import sqlite3

    from feelagain.cache import PRUNE_SHARE, RenderCache

    def stored() -> set[str]:
        with sqlite3.connect(tmp_path / "render.sqlite") as db:
            return {key for (key,) in db.execute("SELECT key FROM entries")}

    cache = RenderCache(tmp_path)
    for i in range(100):
        cache.put(f"k{i}", i)
    cache.save()
    edit = RenderCache(tmp_path)  # one page edited: 99 hits and one miss
    assert all(edit.get(f"k{i}") == i for i in range(99)) and edit.get("new") is None
    edit.put("new", "x")
    edit.save()
    assert stored() == {f"k{i}" for i in range(100)} | {"new"}  # the old version waits for a later build
    assert 1 / 100 < PRUNE_SHARE <= 10 / 60
    busy = RenderCache(tmp_path)  # a new day: many misses
    assert all(busy.get(f"k{i}") == i for i in range(50)) and all(busy.get(f"m{i}") is None for i in range(10))
    busy.save()
    assert stored() == {f"k{i}" for i in range(50)}
