"""An article with thousands of topics stays small."""

from __future__ import annotations

from pathlib import Path

from digest.build import build
from tests.conftest import NOW, make_config, write


def many_topics(count: int) -> str:
    names = ", ".join(f"Topic {i}" for i in range(count))
    return f"---\ntitle: Many topics\ndate: 2024-01-01\ntopics: [{names}]\n---\nBody.\n"


def test_an_article_with_5000_topics_builds_small_with_a_warning(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write(content, "many.md", many_topics(5000))
    write(content, "other.md", "---\ntitle: Other\ndate: 2024-01-02\ntopics: [X]\n---\nBody.\n")
    result = build(make_config(tmp_path, content, search=False), now=NOW)
    assert [str(p) for p in result.problems] == [
        "many.md:4: 5,000 topics; only the first 20 are kept (max_topics in digest.yaml)"]
    site = tmp_path / "site"
    assert len(list((site / "topics").iterdir())) == 20 + 1 + 1  # + X + index.html
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    assert size < 3_000_000  # uncapped: 1,000 topics made 87 MB, 5,000 ~2 GB
