"""Slugs through python-slugify, end to end: the article's folder and its topic's."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import BuildSite, write


def test_transliterated_slugs_name_the_pages(tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "content"
    write(content, "a.md", "---\ntitle: Zürich–Łódź by night train\ntopics: [Łódź]\n"
          "date: 2025-12-01\n---\nText.\n")
    write(content, "b.md", "---\ntitle: Berlin–Paris\ndate: 2025-12-01\n---\nText.\n")
    write(content, "c.md", "---\ntitle: Berlin—Paris\ndate: 2025-12-02\n---\nText.\n")
    result, site = build_site(content)
    assert (site / "articles" / "zurich-lodz-by-night-train" / "index.html").is_file()
    assert (site / "topics" / "lodz" / "index.html").is_file()
    assert (site / "articles" / "berlin-paris" / "index.html").is_file()
    # the collision rule stays: the later file gets -2, and says so
    assert (site / "articles" / "berlin-paris-2" / "index.html").is_file()
    assert any(p.path == "c.md" and "already taken" in p.message for p in result.problems)
