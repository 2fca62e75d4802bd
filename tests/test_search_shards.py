"""The search index in shards: an edit indexes only its shard again, and what search finds
follows the articles (an edited word is found, a deleted article is gone)."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from digest.build import build
from digest.output import shards
from digest.output.shards import indexed, shard_names, shard_stats
from tests.browser import launch
from tests.conftest import NOW, BuildSite, make_config, write

MONTHS = {"a": "2024-01-05", "b": "2024-01-20", "c": "2024-02-03", "d": "2024-02-17",
          "e": "2024-03-09", "f": "2024-03-30"}


def article(name: str, words: str = "") -> str:
    return (f"---\ntitle: Story {name.upper()} about harbours\npublishedDateTime: "
            f"{MONTHS[name]}T10:00:00Z\ntopics: [Ports]\nprovider:\n  name: Tide {name}\n---\n\n"
            f"The harbour story {name} tells of cranes and ships. {words}\n")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    for name in MONTHS:
        write(folder, f"{name}.md", article(name))
    return folder


def bundle(out: Path) -> dict[str, bytes]:
    folder = out / "pagefind"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def shard_files(files: dict[str, bytes], name: str) -> dict[str, bytes]:
    return {rel: data for rel, data in files.items() if rel.startswith(name + "/")}


def fragments(out: Path) -> dict[str, str]:
    """{page URL: the text the index holds for it}, over every shard."""
    found = {}
    for path in (out / "pagefind").rglob("*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        found[data["url"]] = data["content"]
    return found


@pytest.fixture
def indexing(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The shards each build hands to Pagefind (the real indexer still does the work)."""
    calls: list[list[str]] = []
    real = shards.index_shards

    def recorded(todo: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(sorted(todo))
        return real(todo, *args, **kwargs)

    monkeypatch.setattr(shards, "index_shards", recorded)
    return calls


def test_articles_are_sharded_by_month_and_big_months_in_parts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    day = datetime(2024, 5, 1, tzinfo=UTC)
    assert shard_names({"a": day, "b": day.replace(day=31), "c": None,
                        "d": day.replace(month=6)}) == {
        "a": "2024-05", "b": "2024-05", "c": "undated", "d": "2024-06"}
    monkeypatch.setattr(shards, "SHARD_SIZE", 2)
    names = shard_names({str(d): day.replace(day=d) for d in (1, 2, 20, 30)})
    assert names == {"1": "2024-05-1", "2": "2024-05-1", "20": "2024-05-2", "30": "2024-05-2"}


def test_pagefind_is_given_the_element_it_indexes() -> None:
    page = (b'<html><head><title>T</title></head><body><nav>menu</nav><article class="s" '
            b'data-pagefind-body><h1>Title</h1><p>Text</p><nav data-pagefind-ignore>Older'
            b'</nav><p data-pagefind-ignore><a data-pagefind-filter="source">Tide</a></p>'
            b'</article><footer>f</footer></body></html>')
    out = indexed(page, "en")
    assert out == (b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body>'
                   b'<article class="s" data-pagefind-body=""><h1>Title</h1><p>Text</p>'
                   b'<p data-pagefind-ignore=""><a data-pagefind-filter="source">Tide</a></p>'
                   b'</article></body></html>')
    plain = b"<html><body><p>no marked element</p></body></html>"
    assert indexed(plain, "en") == plain


def test_a_shards_figures_come_from_its_fragments() -> None:
    def fragment(words: int, **meta: str) -> bytes:
        return gzip.compress(b"pagefind_dcd" + json.dumps(
            {"url": "/x/", "content": "", "word_count": words, "meta": meta}).encode())

    files = {"fragment/en_1.pf_fragment": fragment(40, title="A", source="S"),
             "fragment/en_2.pf_fragment": fragment(2, title="B", image="i.png"),
             "index/en_3.pf_index": b"not a fragment", "pagefind-entry.json": b"{}"}
    assert shard_stats(files) == {"size": 2, "words": 42, "meta": ["image", "source", "title"]}


def test_an_edit_indexes_only_its_shard_again(content: Path, build_site: BuildSite,
                                              indexing: list[list[str]]) -> None:
    result, out = build_site(content)
    assert not result.warnings
    assert indexing == [["2024-01", "2024-02", "2024-03"]]
    listed = json.loads((out / "pagefind" / "shards.json").read_bytes())
    assert [(s["name"], s["path"]) for s in listed["shards"]] == [
        ("2024-01", ""), ("2024-02", "2024-02/"), ("2024-03", "2024-03/")]
    before = bundle(out)
    counted = [json.loads(gzip.decompress(data)[12:])["word_count"]
               for rel, data in shard_files(before, "2024-02").items() if "fragment/" in rel]
    stats = {s["name"]: (s["size"], s["words"], s["meta"]) for s in listed["shards"]}
    assert stats["2024-02"] == (2, sum(counted), ["date", "source", "title"])

    write(content, "c.md", article("c", "A zeppelin moored overnight."))
    result, out = build_site(content)
    assert not result.warnings
    assert indexing[1:] == [["2024-02"]]
    listed = json.loads((out / "pagefind" / "shards.json").read_bytes())
    now = {s["name"]: (s["size"], s["words"], s["meta"]) for s in listed["shards"]}
    assert now["2024-02"] == (2, stats["2024-02"][1] + 4, stats["2024-02"][2])  # 4 words more
    assert {k: v for k, v in now.items() if k != "2024-02"} == {
        k: v for k, v in stats.items() if k != "2024-02"}  # kept: their figures carried on
    after = bundle(out)
    assert shard_files(after, "2024-03") == shard_files(before, "2024-03")
    primary = {rel: data for rel, data in after.items() if rel != "shards.json" and (
        "/" not in rel or rel.startswith(("index/", "fragment/", "filter/")))}
    assert primary.items() <= before.items()  # the primary shard (2024-01) is as it was
    assert shard_files(after, "2024-02") != shard_files(before, "2024-02")
    assert "zeppelin" in fragments(out)["/articles/story-c-about-harbours/index.html"]

    result, out = build_site(content)  # nothing changed: nothing indexed
    assert indexing[2:] == [] and bundle(out) == after


def test_a_deleted_article_leaves_the_index(content: Path, build_site: BuildSite,
                                            indexing: list[list[str]]) -> None:
    _, out = build_site(content)
    assert "/articles/story-e-about-harbours/index.html" in fragments(out)
    (content / "e.md").unlink()
    result, out = build_site(content)
    assert not result.warnings and indexing[1:] == [["2024-03"]]
    found = fragments(out)
    assert "/articles/story-e-about-harbours/index.html" not in found
    assert len(found) == 5
    (content / "f.md").unlink()  # the month's last article: its shard goes
    _, out = build_site(content)
    assert not (out / "pagefind" / "2024-03").exists()
    listed = json.loads((out / "pagefind" / "shards.json").read_bytes())
    assert [s["name"] for s in listed["shards"]] == ["2024-01", "2024-02"]


def test_when_the_oldest_month_goes_the_next_becomes_the_primary(
        content: Path, build_site: BuildSite, indexing: list[list[str]]) -> None:
    _, out = build_site(content)
    for name in "ab":
        (content / f"{name}.md").unlink()
    result, out = build_site(content)
    assert not result.warnings
    assert indexing[1:] == [["2024-02"]]  # moved to the top: indexed there
    listed = json.loads((out / "pagefind" / "shards.json").read_bytes())
    assert [(s["name"], s["path"]) for s in listed["shards"]] == [
        ("2024-02", ""), ("2024-03", "2024-03/")]
    assert not (out / "pagefind" / "2024-02").exists()
    assert sorted(fragments(out)) == [f"/articles/story-{n}-about-harbours/index.html"
                                      for n in "cdef"]
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_bytes())
    assert entry["languages"]["en"]["page_count"] == 2


def test_the_preview_patches_in_only_the_edited_shard(tmp_path: Path, content: Path,
                                                     indexing: list[list[str]]) -> None:
    # `digest serve --search`: a small change is patched into the output file by file
    # (no swap: the folder stays the same one), through the same shards
    config = make_config(tmp_path, content, search=True)
    assert not build(config, now=NOW, patch=True).warnings
    out = config.resolve(config.output_dir)
    folder = out.stat().st_ino
    before = bundle(out)
    edited = write(content, "c.md", article("c", "A zeppelin moored overnight."))
    assert not build(config, now=NOW, patch=True, changed=frozenset({edited})).warnings
    assert out.stat().st_ino == folder  # patched, not swapped
    assert indexing[1:] == [["2024-02"]]
    after = bundle(out)
    assert shard_files(after, "2024-03") == shard_files(before, "2024-03")
    assert "zeppelin" in fragments(out)["/articles/story-c-about-harbours/index.html"]
    old = set(shard_files(before, "2024-02")) - set(shard_files(after, "2024-02"))
    assert old and not any((out / "pagefind" / rel).exists() for rel in old)


def test_a_damaged_shard_is_indexed_again(content: Path, build_site: BuildSite) -> None:
    _, out = build_site(content)
    whole = bundle(out)
    fragment = next((out / "pagefind" / "2024-02" / "fragment").iterdir())
    fragment.write_bytes(b"damaged")
    result, out = build_site(content)
    assert not result.warnings
    assert bundle(out) == whole


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.mark.browser
def test_search_finds_an_edit_and_forgets_a_deleted_article(tmp_path: Path, content: Path,
                                                            browser: Any) -> None:
    www = tmp_path / "www"
    config = make_config(tmp_path, content, output_dir=www / "repo",
                         base_url="https://user.github.io/repo/")
    assert not build(config, now=NOW).warnings
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/repo/"

    def titles(query: str) -> list[str]:
        page = browser.new_page()
        try:
            page.goto(f"{root}search/index.html?{query}")
            page.wait_for_function("document.getElementById('search-status').textContent"
                                   ".includes('found')")
            return sorted(page.locator("#search-results h2").all_inner_texts())
        finally:
            page.close()

    try:
        assert titles("q=cranes") == [f"Story {n.upper()} about harbours" for n in "abcdef"]
        assert titles("q=zeppelin") == []
        write(content, "c.md", article("c", "A zeppelin moored overnight."))
        (content / "e.md").unlink()
        assert not build(config, now=NOW).warnings
        assert titles("q=zeppelin") == ["Story C about harbours"]
        assert titles("q=cranes") == [f"Story {n.upper()} about harbours" for n in "abcdf"]
        assert titles("source=Tide+d") == ["Story D about harbours"]
    finally:
        server.shutdown()
        server.server_close()


# Pages where each shard's own statistics order the results otherwise than one index
# would, for each query: in January "zephyr" is rare (a high idf there), in February and
# March it is everywhere, the months' pages differ in length, and one title matches.
RANKED = {
    "j1": ("2024-01-10", "Quiet January", "zephyr " + "calm water and long quays " * 12),
    "j2": ("2024-01-12", "Tide tables", "gale " + "cranes and ships " * 10),
    "j3": ("2024-01-14", "Dock workers", "cranes and ships " * 14),
    "j4": ("2024-01-16", "Night shift", "gale gale " + "cranes " * 20),
    "f1": ("2024-02-03", "Windy February", "zephyr zephyr zephyr gale over the quay"),
    "f2": ("2024-02-05", "A gale warning", "zephyr gale " + "ships at anchor " * 6),
    "f3": ("2024-02-07", "Zephyr over the harbour", "zephyr " + "calm " * 30),
    "m1": ("2024-03-02", "March winds", "zephyr zephyr gale gale " + "long quays " * 20),
    "m2": ("2024-03-04", "Spring tides", "zephyr " + "ships " * 8),
}

_ASK_ALL = """async ([bundle, shards, queries]) => {
  const pf = await import(bundle);
  if (shards) {
    const list = await (await fetch(shards)).json();
    for (const shard of list.shards) {
      if (shard.path) await pf.mergeIndex(new URL(shard.path, bundle).pathname);
    }
  }
  const out = [];
  for (const [q, filters] of queries) {
    const found = await pf.search(q, { filters });
    out.push(await Promise.all(found.results.map(async r => [(await r.data()).url, r.score])));
  }
  return out;
}"""


@pytest.mark.browser
def test_merged_shards_rank_as_one_whole_index(tmp_path: Path, browser: Any) -> None:
    from pagefind.service import get_executable

    content = tmp_path / "content"
    for name, (day, title, words) in RANKED.items():
        topic = "Weather" if name in ("j1", "f1", "f3", "m1") else "Ports"
        write(content, f"{name}.md", f"---\ntitle: {title}\npublishedDateTime: {day}T10:00:00Z"
              f"\ntopics: [{topic}]\nprovider:\n  name: Tide {name}\n---\n\n{words}\n")
    www = tmp_path / "www"
    config = make_config(tmp_path, content, output_dir=www / "repo",
                         base_url="https://user.github.io/repo/")
    assert not build(config, now=NOW).warnings
    out = www / "repo"
    subprocess.run([str(get_executable()), "--site", str(out), "--glob", "articles/*/index.html",
                    "--output-path", str(out / "whole"), "--force-language", "en",
                    "--keep-index-url", "--quiet"], check=True)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/repo/"
    queries = [("zephyr", {}), ("zephyr gale", {}), ("gale", {}),
               ("zephyr", {"topic": "Weather"})]
    try:
        page = browser.new_page()
        page.goto(root + "index.html")
        asked = [[words, filters] for words, filters in queries]
        whole = page.evaluate(_ASK_ALL, [root + "whole/pagefind.js", None, asked])
        merged = page.evaluate(_ASK_ALL, [root + "pagefind/pagefind.js",
                                          root + "pagefind/shards.json", asked])
        shown = []
        for words, filters in queries:
            query = urllib.parse.urlencode({"q": words, **filters})
            page.goto(f"{root}search/index.html?{query}")
            page.wait_for_function("document.getElementById('search-status').textContent"
                                   ".includes('found')")
            shown.append([new.split("/repo")[-1] for new in page.eval_on_selector_all(
                "#search-results h2 a", "links => links.map(a => new URL(a.href).pathname)")])
        page.close()
    finally:
        server.shutdown()
        server.server_close()
    assert len(whole[-1]) == 4  # the topic filter keeps the Weather pages
    for query, one, bare, ours in zip(queries, whole, merged, shown, strict=True):
        scores = [score for _, score in one]
        assert len(set(scores)) == len(scores), (query, one)  # no ties: one right order
        expected = [url.split("/repo")[-1] for url, _ in one]
        assert ours == expected, query
        # (and the bare merge orders them by each shard's own statistics)
        assert [url.split("/repo")[-1] for url, _ in bare] != expected, query
