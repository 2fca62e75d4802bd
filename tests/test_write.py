"""write.py: atomic replacement, unchanged files kept, other people's files never lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}


def test_the_replaced_site_is_kept_as_the_next_builds_start(tmp_path: Path) -> None:
    out, spare = tmp_path / "site", tmp_path / "cache" / "previous-site"
    write_site({"a.html": b"a1", "b/index.html": b"b1"}, out, spare)
    assert not spare.exists()  # nothing was replaced yet
    write_site({"a.html": b"a2", "b/index.html": b"b1", "c.html": b"c1"}, out, spare)
    assert tree(spare) == {"a.html": b"a1", "b/index.html": b"b1"}
    (out / "CNAME").write_text("news.example.org")  # the user's, kept in every site
    (spare / "stray.txt").write_text("not in the spare's manifest")
    result = write_site({"a.html": b"a1", "c.html": b"c2"}, out, spare)
    assert tree(out) == {"CNAME": b"news.example.org", "a.html": b"a1", "c.html": b"c2"}
    assert (result.written, result.unchanged, result.removed) == (2, 0, 1)
    assert result.kept == ["CNAME"]
    (out / "CNAME").unlink()  # gone from the output: it must not come back from the spare
    write_site({"a.html": b"a1"}, out, spare)
    assert tree(out) == {"a.html": b"a1"}


def test_a_file_in_the_spare_is_replaced_never_written_over(tmp_path: Path) -> None:
    """Unchanged files are hard links shared by the live site and the spare: writing
    into one would change the page the live site serves."""
    out, spare = tmp_path / "site", tmp_path / "spare"
    write_site({"a.html": b"one"}, out, spare)
    write_site({"a.html": b"one", "b.html": b"x"}, out, spare)
    assert (spare / "a.html").stat().st_ino == (out / "a.html").stat().st_ino
    write_site({"a.html": b"two"}, out, spare)
    assert (out / "a.html").read_bytes() == b"two"
    assert (spare / "a.html").read_bytes() == b"one"


def test_a_file_may_become_a_folder_and_back(tmp_path: Path) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    states = [{"x": b"file"}, {"x/index.html": b"page"}, {"x": b"file again"},
              {"x/y/z.html": b"deep"}, {"x": b"file"}]
    for files in states:
        write_site(files, out, spare)
        assert tree(out) == files


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a.html", "b", "b/index.html", "b/c/index.html",
                                                 "d", "d/index.html", "d/e/f.html",
                                                 "static/x.css"]),
                                st.sampled_from([b"1", b"2", b"3"]), max_size=5),
                min_size=1, max_size=6))
def test_any_sequence_of_sites_is_written_exactly(tmp_path_factory: pytest.TempPathFactory,
                                                   sites: list[dict[str, bytes]]) -> None:
    root = tmp_path_factory.mktemp("seq")
    out, spare = root / "site", root / "spare"
    for files in sites:
        # a name cannot be both a file and a folder in one site
        files = {k: v for k, v in files.items()
                 if not any(other.startswith(k + "/") for other in files)}
        write_site(files, out, spare)
        assert tree(out) == files
        assert read_manifest(out) == {k: file_hash(v) for k, v in files.items()}
