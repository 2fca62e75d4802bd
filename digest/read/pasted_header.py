"""Pure: the byline and dates near the top of pasted web text.

    read_pasted_header(lines, zone) -> Header          byline and dates near the top

Standard library only; nothing here reads a clock or a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from .pasted import (
    Byline,
    PastedDate,
    byline_of,
    parse_byline,
    parse_pasted_date,
    pasted_date_of,
)


@dataclass(frozen=True)
class Header:
    author: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    consumed_lines: tuple[int, ...] = ()  # indexes into the lines given
    dropped: tuple[str, ...] = ()  # those lines, as they were
    byline: Byline | None = None


HEADER_LINES = 12
_PIECE = re.compile(r"\s+(?:\||·|•|—|–)\s+|\s+(?=by\s)", re.IGNORECASE)


def read_pasted_header(lines: Sequence[str], zone: tzinfo, limit: int = HEADER_LINES) -> Header:
    """Lines after the title -> the byline and dates among the first `limit` non-blank ones."""
    byline: Byline | None = None
    dates: dict[str, datetime] = {}
    consumed: list[int] = []
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > limit:
            break
        found = _header_line(line, zone)
        if found is None:
            continue
        line_byline, line_date = found
        if (line_byline and byline) or (line_date and _taken(line_date, dates)):
            continue  # a second byline or date is text (or another article's)
        byline = byline or line_byline
        if line_date:
            for kind in ("published", "updated"):
                if getattr(line_date, kind):
                    dates[kind] = getattr(line_date, kind)
        consumed.append(index)
    return Header(byline.author if byline else "", dates.get("published"), dates.get("updated"),
                  tuple(consumed), tuple(lines[i] for i in consumed), byline)


def _taken(found: PastedDate, dates: dict[str, datetime]) -> bool:
    return any(getattr(found, kind) and kind in dates for kind in ("published", "updated"))


def _header_line(line: str, zone: tzinfo) -> tuple[Byline | None, PastedDate | None] | None:
    """A byline, a date, or both ('By Lars Nielsen | 22 November 2026'); None for text."""
    line = " ".join(line.split())  # (once: most of the cost of a paragraph's line)
    if byline := byline_of(line):
        return byline, None
    if stamp := pasted_date_of(line, zone):
        return None, stamp
    # A piece over 140 characters is neither a byline (120 at most) nor a date (140): a
    # paragraph is no header line once its first piece is that long. (White space is one
    # space now, so a separator that starts by 140 is whole in the first 146 characters,
    # and a line of over 290 without one has a comma-split piece over 140 too.)
    if len(line) > 290 and not _PIECE.search(line, 0, 146):
        return None
    first = _PIECE.search(line)
    if first and first.start() > 140:
        return None
    # no separator: 'By Lars Nielsen, 22 November 2026'; one piece is the line: neither
    pieces = [p for p in _PIECE.split(line) if p] if first else line.split(",", 1)
    # each piece is a byline or a date, never both (a byline has no digit, a date has one):
    # the first piece that is neither settles it
    bylines: list[Byline] = []
    dates: list[PastedDate] = []
    for piece in pieces:
        if not (found := parse_byline(piece) or parse_pasted_date(piece, zone)):
            return None
        (bylines if isinstance(found, Byline) else dates).append(found)
    if len(bylines) != 1 or not dates:
        return None
    return bylines[0], PastedDate(next((d.published for d in dates if d.published), None),
                                  next((d.updated for d in dates if d.updated), None))
