"""The build's temporary body store (cache.DiskStore): values read back as stored, tags answer without a read."""
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
