"""URL and output-path rules are pure functions."""
from __future__ import annotations

from pathlib import PurePosixPath

from feelagain.model import dest_for, join_url, relative_href, root_prefix, url_for


def test_urls_and_destinations():
    assert url_for("index") == "" and url_for("causes") == "causes/"
    assert dest_for("") == PurePosixPath("index.html")
    assert dest_for("causes/") == PurePosixPath("causes/index.html")
    assert dest_for("embed/signs/") == PurePosixPath("embed/signs/index.html")


def test_relative_links_work_from_any_depth():
    assert root_prefix("") == "" and root_prefix("causes/") == "../" and root_prefix("embed/a/") == "../../"
    assert relative_href("causes/", "signs/") == "../signs/"
    assert relative_href("causes/", "") == "../"
    assert relative_href("", "") == "./"


def test_absolute_urls_keep_the_sub_path():
    assert join_url("https://clinic.example/numbness/", "causes/") == "https://clinic.example/numbness/causes/"
    assert join_url("https://clinic.example/numbness/", "") == "https://clinic.example/numbness/"
