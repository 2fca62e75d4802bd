"""Test helpers that read a built site: internal links, pages and their text."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def links_of(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal href/src of every HTML page must name a file that exists.

    404.html is the one exception to relative links: GitHub Pages shows it at any
    depth, so its links start at the site's base path ('/' or '/repo/')."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        rooted = page == site / "404.html"
        for link in links_of(page):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#") or not parts.path:
                continue
            if parts.path.startswith("/") and not (rooted and
                                                   parts.path.startswith(base_path)):
                broken.append(f"{page.relative_to(site)}: root-absolute link {link}")
                continue
            if rooted != parts.path.startswith("/"):
                broken.append(f"{page.relative_to(site)}: relative link {link}")
                continue
            folder = site if rooted else page.parent
            path = parts.path[len(base_path):] if rooted else parts.path
            target = (folder / unquote(path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or not target.is_relative_to(site.resolve()):
                broken.append(f"{page.relative_to(site)}: {link}")
    return broken


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")
