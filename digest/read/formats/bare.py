"""Files with no header at all, and the Markdown title rule for them."""

from __future__ import annotations

import re

from .base import Document, body_format_for

_ATX = re.compile(r"[ ]{0,3}#[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"[ ]{0,3}=+[ \t]*$")
# a line that starts a list, quote, heading, table, HTML or code block is no Setext title
_NOT_PARAGRAPH = re.compile(r"(?:[ ]{4}|\t|[ ]{0,3}(?:[-*+>#|<]|\d{1,9}[.)](?:\s|$)|```|~~~))")


def detect(text: str, suffix: str) -> bool:
    """Always: the last entry of the table."""
    return True


def read(text: str, rel: str) -> Document:
    """Text -> Document with no metadata: the whole text is the body."""
    return Document(None, text, body_format_for(rel), 1, "none")


def title_from_heading(body: str) -> tuple[str | None, str]:
    """Markdown -> (its leading level-1 heading, the body without it); (None, body) if none.

    ATX (`# Title`) or Setext (`Title` over `===`), as the first thing in the body.
    """
    stripped = body.lstrip("\n")
    lines = stripped.split("\n", 2)
    first = lines[0]
    atx = _ATX.fullmatch(first)
    if atx and atx.group("title").strip():
        return atx.group("title").strip(), stripped[len(first) + 1:].lstrip("\n")
    if len(lines) > 1 and first.strip() and _SETEXT.fullmatch(lines[1]) \
            and not _NOT_PARAGRAPH.match(first):
        return " ".join(first.split()), (lines[2] if len(lines) > 2 else "").lstrip("\n")
    return None, body
