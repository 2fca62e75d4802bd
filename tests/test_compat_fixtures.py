"""The format fixtures (tests/fixtures/formats/) and bench/compat.py's comparison.

The expected.json files are the real tools' answers (bench/compat.py --write-expected); these
tests check they are well-formed and cover every file. Whether digest agrees with them is the
last test, expected to fail until digest's readers for these formats land.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, REPO

_spec = importlib.util.spec_from_file_location("bench_compat", REPO / "bench" / "compat.py")
assert _spec is not None and _spec.loader is not None
compat = sys.modules["bench_compat"] = importlib.util.module_from_spec(_spec)  # for dataclasses
_spec.loader.exec_module(compat)

FORMATS = REPO / "tests" / "fixtures" / "formats"
TOOLS = ["pelican", "hugo", "jekyll"]
RECORD = {"published", "title", "date", "tags", "slug", "url", "draft"}
OPTIONAL = {"why", "hidden"}


def expected(tool: str) -> dict[str, Any]:
    return json.loads((FORMATS / tool / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("tool", TOOLS)
def test_expected_json_covers_every_file_of_its_folder(tool: str) -> None:
    document = expected(tool)
    assert document["tool"] == tool
    assert list(document["files"]) == compat.site_files(FORMATS / tool)


@pytest.mark.parametrize("tool", TOOLS)
def test_every_record_is_well_formed(tool: str) -> None:
    grouping = {"category"} if tool == "pelican" else {"categories"}
    for path, record in expected(tool)["files"].items():
        assert isinstance(record["published"], bool), path
        if "title" not in record:  # not an article: says why not
            assert not record["published"] and set(record) <= {"published", "why"}, path
            assert record.get("why"), f"{path}: an unpublished file says why"
            continue
        assert set(record) - OPTIONAL == RECORD | grouping, path
        assert isinstance(record["title"], str) and record["title"].strip(), path
        assert all(isinstance(t, str) and t.strip() for t in record["tags"]), path
        if tool == "pelican":
            assert record["category"] is None or isinstance(record["category"], str), path
        else:
            assert all(isinstance(c, str) for c in record["categories"]), path
        if record["date"] is not None:
            assert datetime.fromisoformat(record["date"]).tzinfo is not None, \
                f"{path}: the date has its offset"
        assert isinstance(record["draft"], bool), path
        if record["published"]:
            assert not record["draft"], path
            assert record["url"].startswith("/"), path
            assert record["slug"] == compat.url_slug(record["url"]), path
        else:
            assert record.get("why"), f"{path}: an unpublished file says why"


@pytest.mark.parametrize("tool", TOOLS)
def test_each_fixture_has_what_the_issue_needs(tool: str) -> None:
    """Published articles, drafts and non-articles: each folder has all three."""
    files = expected(tool)["files"].values()
    assert sum(r["published"] for r in files) >= 8
    assert any(r.get("draft") for r in files)
    assert any("title" not in r for r in files)


@pytest.mark.parametrize(("url", "slug"), [
    ("/posts/my-trip/", "my-trip"),
    ("/2024/03/05/some-slug.html", "some-slug"),
    ("/special/harbour-lights/index.html", "harbour-lights"),
    ("/travel%20news/2024/03/12/Mixed-Case_Name.html", "Mixed-Case_Name"),
    ("/tag/baz.html", "baz"),
])
def test_url_slug(url: str, slug: str) -> None:
    assert compat.url_slug(url) == slug


def tool_article(**values: Any) -> Any:
    defaults = {"source": "a.md", "title": "A title", "date": "2024-03-05T00:00:00+09:00",
                "tags": ["Harbour"], "category": "News", "slug": "a-title",
                "url": "/a-title.html"}
    return compat.ToolArticle(**(defaults | values))


def digest_article(**values: Any) -> Any:
    defaults = {"path": "a.md", "title": "A  title", "date": "2024-03-04T15:00:00+00:00",
                "topics": ["news", "harbour"], "slug": "a-title", "url": "/articles/a-title/",
                "draft": False}
    return compat.DigestArticle(**(defaults | values))


@pytest.mark.parametrize(("tool", "mine", "failed"), [
    ({}, {}, set()),  # same instant, tags as a set whatever their case, title spacing
    ({}, {"date": "2024-03-05T00:00:00+00:00"}, {"date"}),
    ({}, {"topics": ["harbour"]}, {"tags"}),  # Pelican's category is one of the topics
    ({"tags": [], "category": None}, {"topics": ["Uncategorized"]}, set()),
    ({}, {"slug": "a-title-2"}, {"url"}),
    ({"url": "/custom/path/"}, {"slug": "x", "url": "/custom/path/"}, set()),
    ({"date": None}, {"date": None}, set()),
    ({"title": "Fish &amp; chips"}, {"title": "Fish & chips"}, set()),
])
def test_compare(tool: dict[str, Any], mine: dict[str, Any], failed: set[str]) -> None:
    (row,), extras = compat.compare([tool_article(**tool)], [digest_article(**mine)])
    assert extras == []
    assert {k for k in ("title", "date", "tags", "url") if not getattr(row, k)} == failed
    assert row.all == (not failed)


def test_compare_counts_what_digest_alone_publishes() -> None:
    tool = [tool_article(), tool_article(source="draft.md", published=False, draft=True)]
    rows, extras = compat.compare(tool, [digest_article(path="draft.md")])
    assert [(r.source, r.found) for r in rows] == [("a.md", False)]
    assert extras == ["draft.md"]


def test_a_missing_tool_is_reported_not_raised(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat.shutil, "which", lambda _name: None)
    run = compat.run_tool("jekyll", FORMATS / "jekyll", tmp_path)
    assert "jekyll is not installed" in run.error
    report = compat.make_report(FORMATS / "jekyll", run, compat.DigestRun(), NOW)
    assert "FAILED" in compat.format_report(report)


@pytest.mark.parametrize("tool", TOOLS)
def test_the_harness_reads_expected_json(tool: str, tmp_path: Path) -> None:
    report, _ = compat.compat(FORMATS / tool, tool, now=NOW, expected=True, keep=tmp_path)
    assert not report.digest_error
    assert report.published == sum(r["published"] for r in expected(tool)["files"].values())
    json.dumps(compat.report_json(report))
    assert "score:" in compat.format_report(report)


@pytest.mark.parametrize("tool", TOOLS)
def test_digest_publishes_what_the_tool_publishes(tool: str, tmp_path: Path) -> None:
    report, _ = compat.compat(FORMATS / tool, tool, now=NOW, expected=True, keep=tmp_path)
    assert [r.source for r in report.rows if not r.all] == []
    assert report.extras == []
