"""The search index: built from the rendered pages, deterministic, and optional."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import cbor2
import pytest
from click.testing import CliRunner
from lxml import html

from digest.cli import main
from digest.output.search import searchable, stabilise
from tests.conftest import REPO, BuildSite


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical_search_index_included(seeds: Path,
                                                             build_site: BuildSite) -> None:
    first, out1 = build_site(seeds, output_dir=seeds.parent / "one")
    second, out2 = build_site(seeds, output_dir=seeds.parent / "two")
    assert not first.warnings and not second.warnings
    one, two = tree(out1), tree(out2)
    assert any(path.startswith("pagefind/filter/") for path in one)
    assert one == two


def test_the_index_holds_the_article_pages(seeds: Path, build_site: BuildSite) -> None:
    result, out = build_site(seeds)
    listed = json.loads((out / "pagefind" / "shards.json").read_bytes())["shards"]
    assert [(s["name"], s["path"]) for s in listed] == [("2023-09", ""), ("undated", "undated/")]
    counts = [json.loads((out / "pagefind" / s["path"] / "pagefind-entry.json").read_bytes())
              ["languages"]["en"]["page_count"] for s in listed]
    assert counts == [1, 3] and sum(counts) == result.articles_built
    # what search.js ranks by: each shard's pages, the words Pagefind counted, meta fields
    assert [s["size"] for s in listed] == counts
    assert all(s["words"] > 50 * s["size"] for s in listed)
    assert listed[0]["meta"] == ["date", "title"]  # (the 2023-09 article names no source)
    article = html.fromstring((out / "articles" / "mark-zuckerbergs-meta-setting-the-stage-for-"
                               "an-ai-revolution-against-openai" / "index.html").read_bytes())
    body = article.xpath("//*[@data-pagefind-body]")[0]
    assert body.get("data-pagefind-meta") == "date[data-date]"
    assert body.get("data-date") == "11 Sep 2023"
    assert article.xpath("//*[@data-pagefind-filter='topic']/text()") == [
        "Meta AI", "OpenAI", "Llama", "Generative AI"]
    assert article.xpath("//*[@data-pagefind-filter='source']") == []  # it names no source


def test_a_build_without_pagefind_succeeds_and_says_why(seeds: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pagefind.service", None)  # import fails as if uninstalled
    out = tmp_path / "out"
    config = shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")  # (its cache: here)
    run = CliRunner().invoke(main, ["build", "--config", str(config),
                                    "--content", str(seeds), "--output", str(out)])
    assert run.exit_code == 0, run.output
    assert ("warning: the pagefind package is not installed, so the site has no search index "
            "(pip install 'pagefind[extended]')") in run.output
    assert (out / "search" / "index.html").is_file()
    assert not (out / "pagefind").exists()


def test_the_index_has_the_headline_as_title_not_as_the_start_of_the_text(
        seeds: Path, build_site: BuildSite) -> None:
    """A result shows the title above an excerpt of the text: the h1 is indexed as the
    title (meta) and left out of the text, so the excerpt does not repeat it."""
    import gzip

    _, out = build_site(seeds)
    fragments = []
    for path in (out / "pagefind").rglob("fragment/*"):  # (every shard's)
        data = gzip.decompress(path.read_bytes())  # a signature, then the page as JSON
        fragments.append(json.loads(data[data.index(b"{"):]))
    titles = sorted(f["meta"]["title"] for f in fragments)
    assert len(titles) == 4 and "Meta Doubles down on Generative AI with Billion-Dollar " \
        "Investment" in titles
    for fragment in fragments:
        assert fragment["meta"]["title"] not in fragment["content"], fragment["content"][:200]


def test_search_can_be_switched_off(seeds: Path, build_site: BuildSite) -> None:
    result, out = build_site(seeds, search=False)
    assert not result.warnings
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert b'role="search"' not in (out / "index.html").read_bytes()


def test_only_article_pages_are_searchable() -> None:
    files = {"index.html": b"", "articles/a/index.html": b"a", "articles/index.html": b"",
             "articles/a/lead.png": b"", "topics/t/index.html": b""}
    assert searchable(files) == {"articles/a/index.html": b"a"}


def _pf(value: object) -> bytes:
    return gzip.compress(b"pagefind_dcd" + cbor2.dumps(value), mtime=0)


def _bundle(order: list[int]) -> dict[str, bytes]:
    """A minimal Pagefind bundle whose filter values come in the given order."""
    values = [["T0", [0]], ["T1", [1]], ["T2", [2]]]
    filter_hash = f"en_{''.join(map(str, order))}abcd"
    return {
        "pagefind/pagefind-entry.json": json.dumps(
            {"version": "1.5.2", "languages": {"en": {"hash": "en_0123456789", "wasm": "en",
                                                      "page_count": 3}}}).encode(),
        "pagefind/pagefind.en_0123456789.pf_meta": _pf(
            ["1.5.2", [], [], [["topic", filter_hash]], [], ["title"]]),
        f"pagefind/filter/{filter_hash}.pf_filter": _pf(["topic", [values[i] for i in order]]),
        "pagefind/fragment/en_1111111.pf_fragment": b"unchanged",
    }


def test_stabilise_sorts_filters_and_renames_what_points_at_them() -> None:
    one = stabilise(_bundle([2, 0, 1]), "pagefind/")
    two = stabilise(_bundle([1, 2, 0]), "pagefind/")
    assert one == two
    entry = json.loads(one["pagefind/pagefind-entry.json"])
    meta = cbor2.loads(gzip.decompress(
        one[f"pagefind/pagefind.{entry['languages']['en']['hash']}.pf_meta"])[12:])
    name = meta[3][0][1]
    assert len(name) == len("en_201abcd")
    values = cbor2.loads(gzip.decompress(one[f"pagefind/filter/{name}.pf_filter"])[12:])
    assert values == ["topic", [["T0", [0]], ["T1", [1]], ["T2", [2]]]]
    assert one["pagefind/fragment/en_1111111.pf_fragment"] == b"unchanged"


def test_stabilise_leaves_an_unknown_format_alone() -> None:
    odd = {"pagefind/pagefind-entry.json": b'{"languages": {"en": {"hash": "en_1"}}}'}
    assert stabilise(odd, "pagefind/") == odd


def _wrapper(folder: Path, script: str) -> Path:
    """A stand-in for the Pagefind binary: a shell script around the real one."""
    from pagefind.service import get_executable

    path = folder / "pagefind-wrapper"
    path.write_text(f"#!/bin/sh\nREAL='{get_executable()}'\n{script}", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_a_failing_indexer_leaves_a_site_without_search_and_says_why(
        seeds: Path, build_site: BuildSite, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(_wrapper(tmp_path, "exit 3\n")))
    result, out = build_site(seeds)
    assert result.warnings == ["pagefind failed (exit status 3), so the site has no search "
                               "index"]
    assert (out / "search" / "index.html").is_file() and not (out / "pagefind").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_build_takes_pagefind_with_it(seeds: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    pid_file = tmp_path / "pagefind.pid"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(
        _wrapper(tmp_path, f"echo $$ > '{pid_file}.tmp' && mv '{pid_file}.tmp' '{pid_file}'\n"
                           "exec sleep 60\n")))
    config = shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")  # (its cache: here)
    build = subprocess.Popen([sys.executable, "-m", "digest", "build", "--config",
                              str(config), "--content", str(seeds),
                              "--output", str(tmp_path / "site"), "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists():
            assert build.poll() is None and time.monotonic() < deadline, "pagefind never ran"
            time.sleep(0.05)
        indexer = int(pid_file.read_text())
    finally:
        build.kill()
        build.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{indexer}").exists() and _state(indexer) != "Z":
        assert time.monotonic() < deadline, "pagefind outlived the build that started it"
        time.sleep(0.05)


def _state(pid: int) -> str:
    """A process's state letter ('Z' once it is a zombie waiting for its reaper)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return "X"
