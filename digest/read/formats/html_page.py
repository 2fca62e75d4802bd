"""HTML article files, as Pelican's HTML reader reads them.

`<title>` is the title and each `<meta name=… content=…>` in `<head>` a field (`keywords`
become `tags`; `tags`, `authors` split into lists); the body is the inner HTML of `<body>`,
exactly as written (the caller sanitises it like Markdown's raw HTML). A fragment with no
`<html>`, `<head>` or `<body>` is all body, with no metadata.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from .base import Document, line_at, split_list

_DOCUMENT = re.compile(r"<(?:html|head|body)\b", re.IGNORECASE)
LIST_FIELDS = frozenset({"tags", "authors"})


def detect(text: str, suffix: str) -> bool:
    """Is it an .html or .htm file?"""
    return suffix in {".html", ".htm"}


def read(text: str, rel: str) -> Document:
    """HTML page -> Document: head's title and meta as fields, body's inner HTML as body."""
    if not _DOCUMENT.search(text):
        return Document(None, text, "html", 1, "html")
    parser = _Page(text)
    problems: tuple[tuple[int | None, str], ...] = ()
    try:
        parser.feed(text)
        parser.close()
    except Exception as err:  # html.parser is lenient, but one file must not stop a build
        problems = ((None, f"could not read the HTML ({type(err).__name__}); read what came "
                     "before"),)
    meta: dict[str, Any] = {}
    if parser.title is not None:
        meta["title"] = " ".join(html.unescape(parser.title).split())
    for name, values in parser.meta.items():
        if name in LIST_FIELDS:
            meta[name] = [item for value in values for item in split_list(value)]
        else:
            meta[name] = values[0] if len(values) == 1 else values
    start = parser.body_start if parser.body_start is not None else parser.head_end or 0
    end = parser.body_end if parser.body_end is not None and parser.body_end >= start \
        else len(text)
    body = text[start:end]
    if parser.body_start is None:  # no <body>: what follows the head, without </html>
        body = re.sub(r"</html\s*>\s*\Z", "", body, flags=re.IGNORECASE)
    return Document(meta, body.strip("\n"), "html", line_at(text, start), "html", problems)


class _Page(HTMLParser):
    """Finds the head's title and meta tags and where the body's inner HTML starts and ends."""

    def __init__(self, text: str) -> None:
        """A parser for `text`, knowing where each of its lines starts."""
        super().__init__(convert_charrefs=False)
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.title: str | None = None
        self.meta: dict[str, list[str]] = {}
        self.body_start: int | None = None
        self.body_end: int | None = None
        self.head_end: int | None = None
        self._in_title = False

    def _offset(self) -> int:
        """Where in the text the tag being handled starts."""
        line, column = self.getpos()
        return self.starts[min(line - 1, len(self.starts) - 1)] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Title, meta and body tags, until the body starts."""
        if self.body_start is not None:
            return
        if tag == "title":
            self._in_title, self.title = True, ""
        elif tag == "meta":
            self._meta(dict(attrs))
        elif tag == "body":
            self.body_start = self._offset() + len(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closed `<meta … />`."""
        if tag == "meta" and self.body_start is None:
            self._meta(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        """The end of the title, the head and the body."""
        if tag == "title":
            self._in_title = False
        elif tag == "head" and self.head_end is None:
            self.head_end = self._offset() + len(tag) + 3
        elif tag == "body" and self.body_start is not None:
            self.body_end = self._offset()

    def handle_data(self, data: str) -> None:
        """The title's text."""
        if self._in_title and self.title is not None:
            self.title += data

    def handle_entityref(self, name: str) -> None:
        """An entity in the title, kept for html.unescape."""
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        """A character reference in the title, kept for html.unescape."""
        self.handle_data(f"&#{name};")

    def _meta(self, attrs: dict[str, str | None]) -> None:
        """`<meta name=… content=…>` -> one more value of that field."""
        name = (attrs.get("name") or "").strip().lower()
        if not name:
            return
        content = attrs.get("content") or attrs.get("contents") or ""
        self.meta.setdefault("tags" if name == "keywords" else name, []).append(content)
