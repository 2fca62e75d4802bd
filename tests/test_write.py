"""write.py: atomic replacement, unchanged files kept, other people's files never lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from digest.write import (
    MANIFEST,
    OutputError,
    check_relative,
    file_hash,
    patch_site,
    read_manifest,
    write_site,
)


def test_first_write_creates_the_folder_and_a_manifest(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "site"
    result = write_site({"index.html": b"home", "a/b/index.html": b"ab"}, out)
    assert (out / "index.html").read_bytes() == b"home"
    assert (out / "a/b/index.html").read_bytes() == b"ab"
    assert sorted(json.loads((out / MANIFEST).read_text())["files"]) == ["a/b/index.html",
                                                                        "index.html"]
    assert (result.written, result.unchanged, result.removed) == (2, 0, 0)


def test_rewrite_keeps_unchanged_files_and_removes_only_ours(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"same.html": b"same", "gone.html": b"old", "changed.html": b"v1"}, out)
    inode = (out / "same.html").stat().st_ino
    (out / "CNAME").write_text("example.com")  # the user's own file
    (out / "notes").mkdir()
    (out / "notes" / "todo.txt").write_text("mine")
    result = write_site({"same.html": b"same", "changed.html": b"v2"}, out)
    assert (out / "same.html").stat().st_ino == inode  # not rewritten
    assert (out / "changed.html").read_bytes() == b"v2"
    assert not (out / "gone.html").exists()
    assert (out / "CNAME").read_text() == "example.com"
    assert (out / "notes" / "todo.txt").read_text() == "mine"
    assert (result.written, result.unchanged, result.removed) == (1, 1, 1)
    assert sorted(result.kept) == ["CNAME", "notes/todo.txt"]


def test_refuses_a_folder_digest_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputError, match="not written by digest"):
        write_site({"index.html": b"x"}, out)
    assert (out / "thesis.tex").read_text() == "years of work"
    assert sorted(os.listdir(tmp_path)) == ["precious"]  # no staging folder left behind


def test_an_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    write_site({"index.html": b"x"}, tmp_path / "site")
    assert (tmp_path / "site" / "index.html").exists()


def test_leftovers_of_an_interrupted_build_are_cleaned(tmp_path: Path) -> None:
    (tmp_path / ".site.tmp-99999").mkdir()
    (tmp_path / ".site.tmp-99999" / "half.html").write_text("half")
    write_site({"index.html": b"x"}, tmp_path / "site")
    assert sorted(os.listdir(tmp_path)) == ["site"]


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../x", "a\\b", "", "a/./b"])
def test_paths_outside_the_output_are_refused(path: str) -> None:
    with pytest.raises(OutputError):
        check_relative(path)


def test_a_bad_path_leaves_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"index.html": b"good"}, out)
    with pytest.raises(OutputError):
        write_site({"index.html": b"new", "../evil": b"x"}, out)
    assert (out / "index.html").read_bytes() == b"good"
    assert not (tmp_path / "evil").exists()


def test_a_patch_writes_changes_removes_only_ours_and_keeps_theirs(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"same.html": b"same", "gone/index.html": b"old", "changed.html": b"v1"}, out)
    inode = (out / "same.html").stat().st_ino
    (out / "CNAME").write_text("example.com")
    hashes = {"same.html": file_hash(b"same"), "changed.html": file_hash(b"v2"),
              "new/index.html": file_hash(b"new")}
    result = patch_site(out, {"changed.html": b"v2", "new/index.html": b"new"}, hashes)
    assert (result.written, result.unchanged, result.removed) == (2, 1, 1)
    assert (out / "same.html").stat().st_ino == inode
    assert (out / "changed.html").read_bytes() == b"v2"
    assert (out / "new/index.html").read_bytes() == b"new"
    assert not (out / "gone").exists()  # its folder held only our file
    assert (out / "CNAME").read_text() == "example.com"
    assert read_manifest(out) == hashes
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


def test_files_of_an_interrupted_patch_count_as_ours_with_unknown_bytes(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a.html": b"a", "b.html": b"b"}, out)
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["pending"] = ["b.html", "half-written.html"]
    (out / MANIFEST).write_text(json.dumps(manifest))
    (out / "half-written.html").write_bytes(b"hal")
    assert read_manifest(out) == {"a.html": file_hash(b"a"), "b.html": "",
                                  "half-written.html": ""}
    result = write_site({"a.html": b"a", "b.html": b"b"}, out)  # b is written again
    assert (result.written, result.unchanged, result.removed) == (1, 1, 1)
    assert not (out / "half-written.html").exists()
