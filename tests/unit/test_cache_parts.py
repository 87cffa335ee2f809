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
