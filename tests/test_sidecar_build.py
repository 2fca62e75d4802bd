"""Sidecars in the build: NAME.yaml beside NAME.txt gives the article its fields, is no
article of its own, keys the article's parse, and a change to it alone rebuilds it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.build import build
from digest.config import load_config
from digest.live.watch import Kind, classify, site_targets
from digest.results import BuildResult
from tests.conftest import NOW, make_config, write

TEXT = "Night trains return to Oslo\n\nThe sleeper service starts again on Monday.\n"


def built(root: Path, content: Path, **options: object) -> BuildResult:
    return build(make_config(root, content), now=NOW, **options)  # type: ignore[arg-type]


def only(result: BuildResult) -> tuple[datetime | None, list[str], str | None]:
    assert result.digest is not None
    [article] = result.digest.articles
    source = article.source.name if article.source else None
    return article.published, [t.name for t in article.topics], source


@pytest.mark.parametrize("name", ["001.yaml", "001.meta.yaml"])
def test_a_sidecar_gives_a_text_its_fields(tmp_path: Path, name: str) -> None:
    content = tmp_path / "news"
    write(content, "001.txt", TEXT)
    write(content, name, "date: 2025-11-30T08:00:00Z\ntopics: [Rail]\nsource: NRK\n")
    result = built(tmp_path, content)
    assert result.articles_read == 1  # the sidecar is not an article
    assert only(result) == (datetime(2025, 11, 30, 8, tzinfo=UTC), ["Rail"], "NRK")
    assert not [p for p in result.problems if p.path.endswith(".yaml")]


def test_a_sidecar_beside_markdown_replaces_its_front_matter(tmp_path: Path) -> None:
    content = tmp_path / "news"
    write(content, "a.md", "---\ntitle: A\ndate: 2025-01-01\nsource: Old\n---\nText.\n")
    write(content, "a.yaml", "source: New\n")
    assert only(built(tmp_path, content))[2] == "New"


def test_a_yaml_file_without_an_article_of_its_name_is_nothing(tmp_path: Path) -> None:
    content = tmp_path / "news"
    write(content, "001.txt", TEXT)
    write(content, "002.yaml", "date: 2025-11-30\nsource: NRK\n")  # an export, no 002.txt
    write(content, "001.json.yaml", "source: NRK\n")  # not 001's either
    result = built(tmp_path, content)
    assert result.articles_read == 1 and only(result)[2] is None


def test_digest_yaml_is_no_sidecar(tmp_path: Path) -> None:
    """The site's own config beside a `digest.txt` in the same folder stays the config."""
    write(tmp_path, "digest.yaml", "content: .\noutput: out\n")
    write(tmp_path, "digest.txt", TEXT)
    config = load_config(tmp_path / "digest.yaml", {}, root=tmp_path)
    result = build(config, now=NOW)
    assert only(result) == (None, ["Uncategorized"], None)


def test_a_broken_sidecar_names_itself_and_the_article_still_builds(tmp_path: Path) -> None:
    content = tmp_path / "news"
    write(content, "001.txt", TEXT)
    write(content, "001.yaml", "source: NRK\ndate: [2025\n")
    result = built(tmp_path, content)
    assert result.digest is not None
    assert [a.title for a in result.digest.articles] == [
        "Night trains return to Oslo"]
    [problem] = [p for p in result.problems if p.path == "001.yaml"]
    assert "sidecar is not valid YAML" in problem.message and problem.line is not None
    write(content, "001.yaml", "date: not a date\n")
    [problem] = [p for p in built(tmp_path, content).problems if p.path == "001.yaml"]
    assert problem.line == 1


def test_editing_only_the_sidecar_rebuilds_its_article(tmp_path: Path) -> None:
    content = tmp_path / "news"
    write(content, "001.txt", TEXT)
    write(content, "002.txt", "Another story\n\nText.\n")
    write(content, "001.yaml", "source: NRK\n")
    assert only_source(built(tmp_path, content)) == "NRK"
    write(content, "001.yaml", "source: Aftenposten\n")
    assert only_source(built(tmp_path, content)) == "Aftenposten"  # not the cached parse
    (content / "001.yaml").unlink()
    assert only_source(built(tmp_path, content)) is None


def test_the_watchers_word_for_a_sidecar_rebuilds_its_article(tmp_path: Path) -> None:
    """`changed` (the live preview's rescan of just the changed files): adding, editing and
    removing the sidecar each reach its article."""
    content = tmp_path / "news"
    write(content, "001.txt", TEXT)
    write(content, "002.txt", "Another story\n\nText.\n")
    assert only_source(built(tmp_path, content)) is None
    side = write(content, "001.yaml", "source: NRK\n")
    assert only_source(built(tmp_path, content, changed={side.resolve()})) == "NRK"
    write(content, "001.yaml", "source: Aftenposten\n")
    assert only_source(built(tmp_path, content, changed={side.resolve()})) == "Aftenposten"
    side.unlink()
    assert only_source(built(tmp_path, content, changed={side.resolve()})) is None


def only_source(result: BuildResult) -> str | None:
    assert result.digest is not None
    articles = result.digest.articles
    [article] = [a for a in articles if a.path == "001.txt"]
    return article.source.name if article.source else None


def test_the_watcher_sees_a_sidecar(tmp_path: Path) -> None:
    content = tmp_path / "news"
    targets = site_targets(make_config(tmp_path, content))
    assert classify(targets.content / "001.yaml", targets) is Kind.ARTICLE
    assert classify(targets.content / "a" / "001.meta.yaml", targets) is Kind.ARTICLE
    assert classify(targets.content / ".001.yaml", targets) is Kind.IGNORED


def test_a_binary_sidecar_is_a_problem_and_the_article_builds(tmp_path: Path) -> None:
    content = tmp_path / "news"
    write(content, "001.txt", TEXT)
    write(content, "001.yaml", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    for _ in range(2):  # and again from the cache: the same problem, the same article
        result = built(tmp_path, content)
        assert [p.path for p in result.problems] == ["001.yaml"]
        assert "its fields were not used" in result.problems[0].message
        assert result.articles_built == 1
