"""One outlet is one source page, whether or not a file gives its URL."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import BuildSite, write


def test_one_source_page_per_outlet(tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "content"
    write(content, "a.md", "---\ntitle: A\ndate: 2025-12-01\nsource: The Verge\n"
          "url: https://www.theverge.com/a\n---\nText.\n")
    write(content, "b.md", "---\ntitle: B\ndate: 2025-12-01\nsource: the verge\n---\nText.\n")
    write(content, "c.md", "---\ntitle: C\ndate: 2025-12-01\nsource: The Verge\n---\nText.\n")
    _, site = build_site(content)
    pages = sorted(p.parent.name for p in (site / "sources").glob("*/index.html"))
    assert pages == ["the-verge"]
    page = (site / "sources" / "the-verge" / "index.html").read_text(encoding="utf-8")
    assert "3 stories" in page and "theverge.com" in page
    listing = (site / "sources" / "index.html").read_text(encoding="utf-8")
    assert "The Verge" in listing and "theverge.com" in listing
