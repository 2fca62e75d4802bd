"""The format fixtures (tests/fixtures/formats/*/) read by the pure layer alone.

Every file goes through read_document, then the site's rules; title, date (with its
offset), tags, slug, URL and draft/published must be what the real tool recorded in
expected.json. What is left to the pipeline: the body (rendering, sanitising) and how
digest names and groups articles.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from digest.read import sites
from digest.read.formats import Document, read_document
from tests.conftest import NOW, REPO

FORMATS = REPO / "tests" / "fixtures" / "formats"
TOOLS = ("pelican", "hugo", "jekyll")


@cache
def fixture(tool: str) -> tuple[sites.Site, sites.Tree, dict[str, Document | None],
                                dict[str, Any]]:
    """One fixture folder read: its site, tree, documents and expected records."""
    folder = FORMATS / tool
    records = json.loads((folder / "expected.json").read_text("utf-8"))["files"]
    configs = {p.name: p.read_text("utf-8") for p in folder.iterdir()
               if p.name in sites.CONFIG_FILES}
    site = sites.detect_site(configs, [p.name for p in folder.iterdir() if p.is_dir()])
    documents: dict[str, Document | None] = {}
    for rel in records:
        try:
            documents[rel] = read_document((folder / rel).read_text("utf-8"), rel)
        except UnicodeDecodeError:  # an image: the pipeline would not read it as text
            documents[rel] = None
    tree = sites.scan_tree(site, {r: d.meta if d else None for r, d in documents.items()})
    return site, tree, documents, records


def cases() -> list[tuple[str, str]]:
    return [(tool, rel) for tool in TOOLS for rel in fixture(tool)[3]]


@pytest.mark.parametrize("tool", TOOLS)
def test_the_fixture_site_is_detected(tool: str) -> None:
    site = fixture(tool)[0]
    assert (site.tool, site.problems) == (tool, ())
    assert site.timezone == {"pelican": "Europe/Berlin", "hugo": "America/New_York",
                             "jekyll": "Asia/Tokyo"}[tool]


@pytest.mark.parametrize(("tool", "rel"), cases())
def test_each_file_is_what_the_tool_made_of_it(tool: str, rel: str) -> None:
    site, tree, documents, records = fixture(tool)
    record = records[rel]
    document = documents[rel]
    meta = document.meta if document else None
    reading = sites.conventions(site, rel, meta, tree)
    assert reading.role.published(NOW) == record["published"], reading.role
    if "title" not in record:  # not an article at all
        return
    if record["draft"]:
        assert reading.role.kind == "draft"
    if record.get("hidden"):
        assert reading.role.hidden
    assert reading.title == record["title"]
    want = datetime.fromisoformat(record["date"]) if record["date"] else None
    assert reading.date.date == want
    if want is not None:
        assert reading.date.date is not None
        assert reading.date.date.utcoffset() == want.utcoffset()
    terms = record["tags"] + record.get("categories", []) + (
        [record["category"]] if record.get("category") else [])
    assert sorted(t.casefold() for t in reading.tags) == sorted(t.casefold() for t in terms)
    assert reading.slug == record["slug"]
    if record["url"]:
        assert reading.old_paths and unquote(reading.old_paths[0]) == unquote(record["url"])
    assert document is not None and not document.problems


def test_hugo_aliases_are_old_paths_too() -> None:
    site, tree, documents, _ = fixture("hugo")
    meta = documents["content/posts/json-post.md"].meta  # type: ignore[union-attr]
    assert sites.old_paths(site, "content/posts/json-post.md", meta, tree) == (
        "/custom/bridge-repairs/", "/posts/old-bridge-story/")


def test_every_format_of_the_fixtures_is_read() -> None:
    formats = {d.format for tool in TOOLS for d in fixture(tool)[2].values() if d}
    assert formats == {"yaml", "toml", "json", "pelican", "rst", "none"}


def test_bodies_start_after_the_header(tmp_path: Path) -> None:
    _, _, documents, _ = fixture("pelican")
    first = documents["content/first-light.md"]
    assert first is not None and first.body.startswith("The refurbished dome")
    assert first.body_line == 10
    report = documents["content/reports/harbour-report.rst"]
    assert report is not None and report.body.startswith("<p>Container calls")
