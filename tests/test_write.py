"""output/write.py and helpers: atomic replacement, unchanged files kept, others' never lost."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.output import manifest, records, staging, write
from digest.output.manifest import MANIFEST, OutputError, check_relative, file_hash, read_manifest
from digest.output.records import intact
from digest.output.staging import Staging
from digest.output.write import patch_site, write_site


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


def _placed_by_workers(files: dict[str, bytes], out: Path, spare: Path) -> None:
    """write_site as assemble._replace writes rendered pages: folders made first, each
    page placed as a render worker places it, or put() when place() leaves it."""
    staging = Staging(out.absolute(), spare)
    staging.folders_for(sorted(files))
    hashes = {}
    for path in sorted(files):
        digest = file_hash(files[path])
        status = staging.place(path, files[path], digest)
        if status is None:
            staging.put(path, files[path], digest)
        else:
            staging.note(path, status, digest)
        hashes[path] = digest
    staging.commit(hashes)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.dictionaries(
    st.sampled_from(["a.html", "b", "b/index.html", "b/c/index.html", "d", "d/index.html",
                     "d/e/f.html"]), st.sampled_from([b"1", b"2", b"3"]), max_size=5),
    st.booleans()), min_size=1, max_size=6))
def test_pages_placed_by_workers_are_written_exactly(
        tmp_path_factory: pytest.TempPathFactory, sites: list[tuple[dict[str, bytes], bool]],
) -> None:
    """Placed in the staging folder (new files) or put (reused, or in the way): the site,
    its manifest, and the spare's links to unchanged files are as write_site makes them."""
    root = tmp_path_factory.mktemp("placed")
    out, spare = root / "site", root / "spare"
    for files, by_workers in sites:
        files = {k: v for k, v in files.items()
                 if not any(other.startswith(k + "/") for other in files)}
        if by_workers:
            _placed_by_workers(files, out, spare)
        else:
            write_site(files, out, spare)
        assert tree(out) == files
        assert read_manifest(out) == {k: file_hash(v) for k, v in files.items()}


def test_a_page_the_previous_site_has_is_left_to_put(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"a/index.html": b"same"}, out)
    staging = Staging(out)
    assert staging.place("a/index.html", b"same", file_hash(b"same")) is None  # linked
    assert staging.place("a/../x.html", b"x", file_hash(b"x")) is None  # put() refuses it
    status = staging.place("b/index.html", b"new", file_hash(b"new"))
    assert status is not None and status.st_size == 3
    staging.abort()


# The record of folders (records.FolderRecord): a folder whose ctime and inode are as
# recorded is not listed again; these pin that it finds what listing every folder finds.

@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    settle(monkeypatch)


def settle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds whose last change to a folder is a clock tick before the record is taken,
    as in a large site (in a small one they fall in the same tick, and every folder is
    then left to be listed)."""
    clock = records._clock

    def later(folder: Path) -> int:
        time.sleep(0.02)
        return clock(folder)

    for module in (records, staging, write):  # each calls the clock it imported
        monkeypatch.setattr(module, "_clock", later)


def agree(site: Path, spare: Path) -> list[str]:
    """The files not ours the record finds, checked against a listing of every folder."""
    live, kept = records._records(spare)
    ours, record = records._read_site(site, kept if site == spare else live)
    assert record is not None
    found = records._files_not_ours(site, ours, record)
    assert found == records._files_not_ours(site, ours)
    return found


SITE = {"index.html": b"home", "a/index.html": b"a", "a/b/index.html": b"ab",
        "c/d/e/index.html": b"cde"}


def test_renaming_a_site_changes_the_ctime_of_its_top_folder_only(tmp_path: Path) -> None:
    write_site(SITE, tmp_path / "site")
    before = {p: (p.stat().st_ctime_ns, p.stat().st_ino) for p in (tmp_path / "site").rglob("*")
              if p.is_dir()}
    time.sleep(0.02)
    (tmp_path / "elsewhere").mkdir()
    os.rename(tmp_path / "site", tmp_path / "elsewhere" / "site")
    after = {tmp_path / "site" / p.relative_to(tmp_path / "elsewhere" / "site"):
             (p.stat().st_ctime_ns, p.stat().st_ino)
             for p in (tmp_path / "elsewhere" / "site").rglob("*") if p.is_dir()}
    assert after == before


def test_unchanged_folders_are_not_listed(tmp_path: Path, settled: None,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    files = {f"articles/{n}/index.html": b"page" for n in range(20)} | SITE
    for _ in range(3):
        write_site(files, out, spare)
    _, record = records._read_site(out, records._records(spare)[0])
    assert record is not None and None not in {ctime for ctime, _ in record.folders.values()}
    listed: list[str] = []
    scandir = os.scandir

    def counted(path: str) -> object:
        listed.append(str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counted)
    write_site(files | {"a/b/index.html": b"changed"}, out, spare)
    listed = [path for path in listed if path != str(tmp_path)]  # (looking for leftovers)
    assert sorted(listed) == sorted([str(out), str(tmp_path / f".site.tmp-{os.getpid()}")])


@pytest.mark.parametrize("mine", ["CNAME", "a/b/mine.txt", "a/new/deeper/mine.txt"])
def test_a_users_file_is_found_in_any_folder(tmp_path: Path, settled: None, mine: str) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    write_site(SITE, out, spare)
    write_site(SITE, out, spare)
    (out / mine).parent.mkdir(parents=True, exist_ok=True)
    (out / mine).write_text("mine")
    assert agree(out, spare) == [mine]
    result = write_site(SITE | {"index.html": b"new home"}, out, spare)
    assert result.kept == [mine]
    assert (out / mine).read_text() == "mine"
    write_site(SITE, out, spare)  # the spare had it too: not lost, and not doubled
    assert tree(out) == SITE | {mine: b"mine"}


def test_a_folder_whose_times_are_set_back_is_still_listed(tmp_path: Path, settled: None) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    write_site(SITE, out, spare)
    write_site(SITE, out, spare)
    folder = out / "c" / "d"
    times = folder.stat()
    (folder / "mine.txt").write_text("mine")
    os.utime(folder, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert folder.stat().st_mtime_ns == times.st_mtime_ns
    assert agree(out, spare) == ["c/d/mine.txt"]
    write_site(SITE, out, spare)
    assert (folder / "mine.txt").read_text() == "mine"


def test_a_users_file_removed_does_not_come_back(tmp_path: Path, settled: None) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    write_site(SITE, out, spare)
    (out / "a" / "b" / "mine.txt").write_text("mine")
    write_site(SITE, out, spare)
    write_site(SITE, out, spare)
    assert agree(out, spare) == ["a/b/mine.txt"] and agree(spare, spare) == ["a/b/mine.txt"]
    (out / "a" / "b" / "mine.txt").unlink()
    assert agree(out, spare) == []
    for _ in range(2):  # the spare still holds it the first time
        write_site(SITE, out, spare)
        assert tree(out) == SITE


def test_a_file_put_into_the_spare_is_deleted(tmp_path: Path, settled: None) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    for _ in range(3):
        write_site(SITE, out, spare)
    (spare / "a" / "b" / "stray.txt").write_text("stray")
    assert agree(spare, spare) == ["a/b/stray.txt"]
    write_site(SITE, out, spare)
    assert tree(out) == SITE


@pytest.mark.parametrize("record", ["missing", "corrupt", "of another manifest",
                                    "of another site", "of another moment"])
def test_without_a_usable_record_every_folder_is_listed(tmp_path: Path, settled: None,
                                                        record: str) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    write_site(SITE, out, spare)
    write_site(SITE, out, spare)
    live = records._records(spare)[0]
    data = json.loads(live.read_text())
    if record == "missing":
        live.unlink()
    elif record == "corrupt":
        data["folders"][0] = "a/../.."
    elif record == "of another manifest":  # a patch, or an older digest, wrote it since
        data["manifest"] = file_hash(b"another")
    elif record == "of another site":
        data["site"] = spare.stat().st_ino
    else:  # the folders have changed since
        data["ctimes"] = [1 for _ in data["folders"]]
    if live.exists():
        live.write_text(json.dumps(data))
    (out / "a" / "b" / "mine.txt").write_text("mine")
    ours, found = records._read_site(out, live)
    assert (found is None) == (record != "of another moment")
    assert records._files_not_ours(out, ours, found) == ["a/b/mine.txt"]
    write_site(SITE, out, spare)
    assert tree(out) == SITE | {"a/b/mine.txt": b"mine"}


def test_the_record_is_kept_in_the_cache_not_in_the_site(tmp_path: Path, settled: None) -> None:
    """The manifest stays byte for byte the same when the site does (a site kept in git)."""
    out, spare = tmp_path / "site", tmp_path / "spare"
    write_site(SITE, out, spare)
    manifest = (out / MANIFEST).read_bytes()
    write_site(SITE, out, spare)
    assert (out / MANIFEST).read_bytes() == manifest
    assert all(path.exists() for path in records._records(spare))


def test_a_patch_leaves_every_folder_to_be_listed(tmp_path: Path, settled: None) -> None:
    out, spare = tmp_path / "site", tmp_path / "spare"
    write_site(SITE, out, spare)
    write_site(SITE, out, spare)
    hashes = {rel: file_hash(data) for rel, data in SITE.items()}
    hashes["a/b/index.html"] = file_hash(b"patched")
    patch_site(out, {"a/b/index.html": b"patched"}, hashes)
    assert records._read_site(out, records._records(spare)[0]) == (hashes, None)
    (out / "c" / "d" / "mine.txt").write_text("mine")
    write_site(SITE, out, spare)
    assert tree(out) == SITE | {"c/d/mine.txt": b"mine"}


def test_a_file_added_in_the_clock_tick_of_the_build_is_found(tmp_path: Path) -> None:
    """The file system stamps ctimes from a clock that ticks every few milliseconds: a
    file added right after a build may leave its folder's ctime as the build left it."""
    out, spare = tmp_path / "site", tmp_path / "spare"
    for round in range(30):
        write_site(SITE | {"a/b/index.html": str(round).encode()}, out, spare)
        (out / "a" / "b" / f"mine-{round}.txt").write_text("mine")
        assert agree(out, spare) == sorted(f"a/b/mine-{n}.txt" for n in range(round + 1))


def test_a_folder_changed_in_the_clocks_last_tick_is_left_to_be_listed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(Where the kernel stamps a change after an lstat with a finer clock, as Linux does
    since 6.13, the test above passes without this; on older kernels it does not.)"""
    site = tmp_path / "site"
    for folder in ("a", "b"):
        (site / folder).mkdir(parents=True)
        (site / folder / "index.html").write_text("ours")
    time.sleep(0.02)
    (site / "a" / "index.html").unlink()
    (site / "a" / "index.html").write_text("ours, new")
    now = (site / "a").stat().st_ctime_ns
    monkeypatch.setattr(records, "_clock", lambda folder: now)  # within the same tick
    record = records._record(site, ["a/index.html", "b/index.html"], [])
    assert record.folders["a"] == (None, None) and None not in record.folders["b"]


FOLDERS = ["", "a", "a/b", "c/d", "c/d/e", "new", "new/deep"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(
    st.dictionaries(st.sampled_from([*SITE, "a/x.html", "c/d/e/f/index.html"]),
                    st.sampled_from([b"1", b"2"]), max_size=6),
    st.lists(st.tuples(st.sampled_from(["add", "remove", "add and set back", "stray in spare"]),
                       st.sampled_from(FOLDERS)), max_size=3)),
    min_size=1, max_size=6))
def test_the_record_finds_what_listing_every_folder_finds(
        tmp_path_factory: pytest.TempPathFactory,
        steps: list[tuple[dict[str, bytes], list[tuple[str, str]]]]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        settle(monkeypatch)
        run_steps(tmp_path_factory.mktemp("record"), steps)


def run_steps(root: Path, steps: list[tuple[dict[str, bytes], list[tuple[str, str]]]]) -> None:
    out, spare = root / "site", root / "spare"
    mine: dict[str, bytes] = {}
    for files, changes in steps:
        files = {k: v for k, v in files.items()
                 if not any(other.startswith(k + "/") for other in files)}
        write_site(files, out, spare)
        mine = {rel: data for rel, data in mine.items() if rel not in files}
        assert tree(out) == files | mine
        for action, folder in changes:
            site = spare if action == "stray in spare" else out
            target = site / folder / ("stray.txt" if site == spare else "mine.txt")
            if not site.is_dir():
                continue
            times = (site / folder).stat() if (site / folder).is_dir() else None
            if action == "remove":
                with contextlib.suppress(OSError):
                    target.unlink()
                    mine.pop(target.relative_to(out).as_posix(), None)
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()  # (a file of the spare may be a link to the site's)
                target.write_text(action)
            except OSError:  # a file of ours is where the folder would be
                continue
            if site == out:
                mine[target.relative_to(out).as_posix()] = action.encode()
            if action == "add and set back" and times is not None:
                os.utime(site / folder, ns=(times.st_atime_ns, times.st_mtime_ns))
        for site in (out, spare):
            if site.is_dir():
                agree(site, spare)


def test_a_folder_with_a_subfolder_not_in_the_record_is_listed(tmp_path: Path,
                                                               settled: None) -> None:
    """A file added to a folder leaves its parent's ctime as it was: a folder is recorded
    only when all its subfolders are."""
    site = tmp_path / "site"
    (site / "a" / "unknown").mkdir(parents=True)
    (site / "a" / "index.html").write_text("ours")
    (site / "b").mkdir()
    (site / "b" / "index.html").write_text("ours")
    record = records._record(site, ["a/index.html", "b/index.html"], [])
    assert record.folders["a"] == (None, None) and None not in record.folders["b"]
    (site / "a" / "unknown" / "mine.txt").write_text("mine")
    ours = {"a/index.html": "", "b/index.html": ""}
    assert records._files_not_ours(site, ours, record) == ["a/unknown/mine.txt"]


@pytest.mark.parametrize(("rels", "plain"), [
    ([], True), (["a", "a/b", "a.b/..c", ".x/y."], True), ([""], False), (["a/"], False),
    (["/a"], False), (["a//b"], False), (["."], False), (["a/.."], False), (["../a"], False),
    (["a/./b"], False), (["a", 1], False), (["a\x00"], False)])
def test_a_record_names_only_paths_inside_the_site(rels: list[object], plain: bool) -> None:
    assert manifest._plain(rels) == plain


# A forged or damaged manifest, and symlinks on the way: nothing outside the folder is
# ever deleted, written or followed.

def victims(root: Path) -> dict[Path, bytes]:
    """Files beside a site that a forged manifest names, and their bytes."""
    found = {root / "victim.txt": b"precious", root / "outside" / "deep" / "x": b"x",
             root / "abs.txt": b"absolute"}
    for path, data in found.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return found


def forge(site: Path, root: Path) -> None:
    """List paths outside the site in its manifest, as files and as files in flight."""
    manifest = json.loads((site / MANIFEST).read_text())
    outside = ["../victim.txt", "../outside/deep/x", str(root / "abs.txt"),
               "a/../../victim.txt", "./../outside/deep/x"]
    manifest["files"] |= {rel: file_hash(b"x") for rel in outside}
    manifest["pending"] = ["../victim.txt", "../../" + str(root / "abs.txt")]
    (site / MANIFEST).write_text(json.dumps(manifest))


def test_a_forged_manifest_never_makes_a_patch_delete_outside_the_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"index.html": b"1", "a/index.html": b"a"}, out)
    kept = victims(tmp_path)
    forge(out, tmp_path)
    hashes = {"index.html": file_hash(b"2"), "a/index.html": file_hash(b"a")}
    result = patch_site(out, {"index.html": b"2"}, hashes)
    assert {path: path.read_bytes() for path in kept} == kept
    assert tree(out) == {"index.html": b"2", "a/index.html": b"a"}
    assert read_manifest(out) == hashes  # the forged entries are gone from it
    assert result.removed == 0
    assert len(result.warnings) == 1 and str(out / MANIFEST) in result.warnings[0]
    assert "not a plain path" in result.warnings[0]


def test_a_forged_spare_manifest_never_deletes_outside_the_spare(tmp_path: Path) -> None:
    out, spare = tmp_path / "site", tmp_path / "cache" / "previous-site"
    write_site({"index.html": b"1"}, out, spare)
    write_site({"index.html": b"2"}, out, spare)  # the first site is the spare now
    kept = victims(tmp_path)
    forge(spare, tmp_path)
    result = write_site({"index.html": b"3"}, out, spare)
    assert {path: path.read_bytes() for path in kept} == kept
    assert tree(out) == {"index.html": b"3"}
    assert any(str(spare / MANIFEST) in warning for warning in result.warnings)


def test_a_manifest_read_back_lists_only_plain_paths_inside(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"index.html": b"1"}, out)
    forge(out, tmp_path)
    ignored: list[str] = []
    assert read_manifest(out, ignored) == {"index.html": file_hash(b"1")}
    assert "../victim.txt" in ignored and str(tmp_path / "abs.txt") in ignored


def test_a_symlinked_folder_in_the_output_is_never_followed_by_a_patch(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"index.html": b"1", "media/x.html": b"ours", "media/y.html": b"ours"}, out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.html").write_bytes(b"the user's own")
    shutil.rmtree(out / "media")
    (out / "media").symlink_to(elsewhere)  # the user's: media/ lives somewhere else now
    hashes = {"index.html": file_hash(b"2")}
    result = patch_site(out, {"index.html": b"2"}, hashes)  # media/x.html is to go
    assert (elsewhere / "x.html").read_bytes() == b"the user's own"
    assert any("media/x.html: not deleted" in warning for warning in result.warnings)
    with pytest.raises(NotADirectoryError):  # nothing is written through it either
        patch_site(out, {"media/new.html": b"new"}, hashes | {"media/new.html": "x"})
    assert sorted(os.listdir(elsewhere)) == ["x.html"]
    assert read_manifest(out) == hashes


def test_a_symlink_in_the_spare_is_never_written_through(tmp_path: Path) -> None:
    out, spare = tmp_path / "site", tmp_path / "cache" / "previous-site"
    write_site({"index.html": b"1", "a": b"file"}, out, spare)
    write_site({"index.html": b"2", "a": b"file"}, out, spare)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x").write_bytes(b"not ours")
    (spare / "a").unlink()
    (spare / "a").symlink_to(elsewhere)  # listed as the file `a` in the spare's manifest
    write_site({"index.html": b"3", "a/x": b"ours", "a/y": b"ours"}, out, spare)
    assert sorted(os.listdir(elsewhere)) == ["x"] and (elsewhere / "x").read_bytes() == b"not ours"
    assert tree(out) == {"index.html": b"3", "a/x": b"ours", "a/y": b"ours"}


# Files kept from the last build are checked, not trusted (records.Stamps).

def corrupt(path: Path, how: str) -> None:
    """Change a file's bytes the ways a probe did: its size, its inode, or in place with
    its times set back."""
    status = path.stat()
    data = path.read_bytes()
    if how == "truncated":
        with open(path, "r+b") as file:
            file.truncate(len(data) // 2)
    elif how == "replaced":
        path.unlink()
        path.write_bytes(data.upper())
    else:  # edited in place, the same size: the bytes a hard link shares change too
        with open(path, "r+b") as file:
            file.write(data.upper())
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.read_bytes() != data


@pytest.mark.parametrize("how", ["truncated", "replaced", "edited in place"])
def test_a_damaged_file_in_the_spare_is_never_published(tmp_path: Path, how: str) -> None:
    out, spare = tmp_path / "site", tmp_path / "cache" / "previous-site"
    first = {"a.html": b"page one " * 20, "b.html": b"b1", "c/d.html": b"cd " * 30}
    write_site(first, out, spare)
    write_site(first | {"a.html": b"page two", "c/d.html": b"other"}, out, spare)
    corrupt(spare / "a.html", how)
    corrupt(spare / "c" / "d.html", how)
    write_site(first, out, spare)  # the spare holds these bytes, if it is as written
    assert tree(out) == first


@pytest.mark.parametrize("how", ["truncated", "replaced", "edited in place"])
def test_a_live_file_changed_is_not_kept_by_the_next_build(tmp_path: Path, how: str) -> None:
    """A page unchanged between builds is one file, hard-linked into the live site and the
    spare: edited in place, both change."""
    out, spare = tmp_path / "site", tmp_path / "cache" / "previous-site"
    files = {"a.html": b"page a " * 20, "b.html": b"b1"}
    write_site(files, out, spare)
    write_site(files | {"b.html": b"b2"}, out, spare)
    corrupt(out / "a.html", how)
    assert not intact(out, read_manifest(out) or {}, spare)
    write_site(files | {"b.html": b"b3"}, out, spare)
    assert tree(out) == files | {"b.html": b"b3"}
    assert intact(out, read_manifest(out) or {}, spare)


def test_files_as_written_are_trusted_without_reading_them(
        tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The speed of a rebuild: a file whose stamp is as recorded costs one lstat."""
    out, spare = tmp_path / "site", tmp_path / "spare"
    files = {f"articles/{n}/index.html": f"page {n}".encode() for n in range(30)} | SITE
    for n in range(3):
        write_site(files | {"index.html": f"home {n}".encode()}, out, spare)
    opened: list[str] = []

    def counted(path: str, *args: Any) -> Any:
        opened.append(path)
        return open(path, *args)

    monkeypatch.setattr(records, "open", counted, raising=False)
    assert intact(out, read_manifest(out) or {}, spare)
    assert opened == []
    write_site(files | {"index.html": b"home 3"}, out, spare)  # the others from the spare
    write_site(files | {"index.html": b"home 3"}, out, spare)  # home 3 linked from the site
    write_site(files | {"index.html": b"home 3"}, out, spare)  # … and then from the spare
    assert opened == []
    assert tree(out) == files | {"index.html": b"home 3"}


def test_a_file_stamped_in_the_clocks_last_tick_is_read_to_be_trusted(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_bytes(b"a")
    status = os.lstat(site / "a.html")
    stamp = records._stamp(status, file_hash(b"a"))
    stamps = records.Stamps(os.stat(site).st_ino, {"a.html": stamp})
    record = tmp_path / "stamps.json"
    stamps.save(record, status.st_ctime_ns)  # the clock had not moved on: racy
    assert records.Stamps.load(record, site).files["a.html"][3] == -1
    stamps.save(record, status.st_ctime_ns + 1)
    assert records.Stamps.load(record, site).files == stamps.files
