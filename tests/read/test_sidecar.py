"""Sidecars: NAME.yaml beside NAME.txt adds or replaces fields; a broken one is a problem
naming it. (Pure rules, normalise, and the read edge; the build does not look for them yet.)"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from digest.config import SiteConfig
from digest.model import Article, Problem, Sidecar, SourceFile
from digest.read.files import find_sidecar
from digest.read.normalise import normalise
from digest.read.sidecar import read_sidecar, sidecar_names, with_sidecar
from tests.conftest import NOW, write

NAMES = [
    ("001.txt", ("001.yaml", "001.meta.yaml")),
    ("news/2026-12-01-x.md", ("news/2026-12-01-x.yaml", "news/2026-12-01-x.meta.yaml")),
]


@pytest.mark.parametrize(("rel", "names"), NAMES)
def test_sidecar_names(rel: str, names: tuple[str, ...]) -> None:
    assert sidecar_names(rel) == names


MERGES = [
    ({"title": "T"}, {"date": "2026-12-01"}, {"title": "T", "date": "2026-12-01"}),
    # the sidecar's field replaces the front matter's under any of the field's keys
    ({"publishedDateTime": "2020-01-01", "title": "T"}, {"date": "2026-12-01"},
     {"title": "T", "date": "2026-12-01"}),
    ({"tags": ["a"], "categories": ["b"]}, {"topics": ["AI"]}, {"topics": ["AI"]}),
    ({"provider": {"name": "X"}}, {"source": "Wired"}, {"source": "Wired"}),
    ({"x": 1}, {}, {"x": 1}),
]


@pytest.mark.parametrize(("front", "side", "merged"), MERGES)
def test_with_sidecar(front: dict[str, Any], side: dict[str, Any],
                      merged: dict[str, Any]) -> None:
    assert with_sidecar(front, side) == merged


BROKEN = [
    ("date: [2026\n", "sidecar is not valid YAML"),
    ("- a list\n- of things\n", "sidecar must be a mapping"),
    ("date: 2026-12-01\ndate: 2026-12-02\n", "duplicate key 'date'"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_broken_sidecar_is_a_problem_naming_it(text: str, message: str) -> None:
    _, problems = read_sidecar(Sidecar("news/001.yaml", text))
    assert [p.path for p in problems] == ["news/001.yaml"]
    assert message in problems[0].message


def article(text: str, side: str, rel: str = "news/001.txt") -> tuple[Article, list[Problem]]:
    source = SourceFile(rel, text, "0", ".txt", Sidecar("news/001.yaml", side))
    result, problems = normalise(source, SiteConfig(), NOW)
    assert result is not None
    return result, problems


def test_normalise_takes_the_sidecar_fields() -> None:
    a, problems = article("A title\n\nThe text.\n",
                          "date: 2025-12-01\ntopics: [AI]\nsource: Wired\n"
                          "url: https://www.wired.com/x\nauthor: Eva Holm\n")
    assert problems == []
    assert a.published == datetime(2025, 12, 1, tzinfo=UTC)
    assert [t.name for t in a.topics] == ["AI"]
    assert a.source is not None and (a.source.name, a.source.domain) == ("Wired", "wired.com")
    assert (a.original_url, a.author, a.title) == ("https://www.wired.com/x", "Eva Holm",
                                                   "A title")


def test_sidecar_overrides_front_matter() -> None:
    a, _ = article("---\ntitle: Old\ndate: 2020-01-01\n---\nText.\n", "title: New\n")
    assert a.title == "New" and a.published == datetime(2020, 1, 1, tzinfo=UTC)


def test_bad_value_in_a_sidecar_names_the_sidecar_and_line() -> None:
    _, problems = article("A title\n\nText.\n", "topics: [AI]\ndate: someday\n")
    bad = [p for p in problems if "date" in p.message]
    assert [(p.path, p.line) for p in bad] == [("news/001.yaml", 2)]


def test_broken_sidecar_leaves_the_article_as_it_is() -> None:
    a, problems = article("A title\n\nText.\n", "date: [2026\n")
    assert a.title == "A title" and a.published is None
    assert [p.path for p in problems] == ["news/001.yaml"]


def test_find_sidecar(tmp_path: Path) -> None:
    article_path = write(tmp_path / "news", "001.txt", "A title\n")
    assert find_sidecar(article_path, tmp_path) == (None, b"", [])
    write(tmp_path / "news", "001.meta.yaml", "date: 2026-12-02\n")
    assert find_sidecar(article_path, tmp_path)[0] == Sidecar("news/001.meta.yaml",
                                                              "date: 2026-12-02\n")
    write(tmp_path / "news", "001.yaml", "date: 2026-12-01\n")  # NAME.yaml comes first
    sidecar, data, problems = find_sidecar(article_path, tmp_path)
    assert sidecar == Sidecar("news/001.yaml", "date: 2026-12-01\n")
    assert (data, problems) == (b"date: 2026-12-01\n", [])
    write(tmp_path / "news", "001.yaml", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    sidecar, _, problems = find_sidecar(article_path, tmp_path)
    assert sidecar is None and [p.path for p in problems] == ["news/001.yaml"]
