"""Pure: the structure of a plain-text article (title, dateline, paragraphs, promo lines)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Protocol

from .pasted import (
    CAPTION,
    FURNITURE_HEADERS,
    FURNITURE_PATTERNS,
    is_furniture,
    lists_under_lines,
)
from .pasted_header import read_pasted_header


@dataclass(frozen=True)
class Block:
    kind: str  # "p", "h" (subheading) or "ul"
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlainDoc:
    title: str
    standfirst: str
    dateline: date | None
    blocks: tuple[Block, ...]
    dropped: tuple[str, ...] = ()  # promo and reading-time lines that left the text
    author: str = ""  # from a byline near the top ('By Ingrid Berg')
    published: datetime | None = None  # from a pasted dateline ('Published 22 November 2026')
    updated: datetime | None = None  # 'Updated: 3 Dec 2026 14:05 GMT'


_MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
     ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
     ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TAIL = r"(?:[,.]?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,5})?)?\s*[,.;]?\s*"
_DATELINE_PATTERNS = (
    re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
               rf"{_TAIL}$", re.IGNORECASE),
    re.compile(rf"^{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})"
               rf"{_TAIL}$", re.IGNORECASE),
    re.compile(rf"^(?:published|updated|posted)?:?\s*(?P<year>\d{{4}})-(?P<monthnum>\d{{2}})-"
               rf"(?P<day>\d{{2}}){_TAIL}$", re.IGNORECASE),
)
_READING_TIME = re.compile(r"^\d+\s*(?:-\s*\d+\s*)?min(?:ute)?s?\.?\s*(?:read|reading)?"
                           r"(?:\s*time)?\.?$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*+•·▪‣◦]|\d{1,3}[.)])\s+(?=\S)")
_FINAL_PUNCTUATION = ".,;:!?…"
_CLOSERS = "\"'”’»)]"


class Matcher(Protocol):
    def match(self, line: str) -> object: ...  # truthy: the line is a promo line


@dataclass(frozen=True)
class _Needing:
    """A whole-line pattern tried only on lines with `char` in them: it matches no other."""

    char: str
    pattern: re.Pattern[str]

    def match(self, line: str) -> object:
        return self.char in line and self.pattern.match(line)


# Patterns that scan the whole line from its start (most lines are no promo, and they
# cost most of the matching: the caption 0.53 s of 0.93 over the 10,000 bench articles'
# lines), each with a character it needs, which has no other case (the match ignores
# case). They have no groups, so the others' group numbers are as they were.
_NEEDS = {CAPTION: ":", r".*\[email\s*protected\]": "["}


@lru_cache(maxsize=16)
def promo_matchers(patterns: tuple[str, ...]) -> list[Matcher]:
    """The patterns as few expressions (one match a line instead of one per pattern): a
    line is a promo line when one of them matches it."""
    matchers: list[Matcher] = []
    if rest := tuple(p for p in patterns if p not in _NEEDS):
        matchers.append(_whole_line(rest))
    for char in dict.fromkeys(_NEEDS[p] for p in patterns if p in _NEEDS):
        matchers.append(_Needing(char, _whole_line(
            tuple(p for p in patterns if _NEEDS.get(p) == char))))
    return matchers


def _whole_line(patterns: tuple[str, ...]) -> re.Pattern[str]:
    either = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"^\s*(?:{either})\s*$", re.IGNORECASE)


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKUP = re.compile(r"[*_`#>]+")
_MD_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")


def strip_promo_markdown(text: str, patterns: tuple[str, ...]) -> tuple[str, list[str]]:
    """Markdown -> the same without promo lines ('**Related coverage:** [a](…)'); a bare
    promo header ('More stories:') also takes the list of links right after it."""
    promo = promo_matchers(patterns)
    if not promo:
        return text, []
    kept: list[str] = []
    dropped: list[str] = []
    in_fence = taking_list = False
    lines = text.split("\n")
    if "](" in text:
        linked = "\n".join(_MD_LINK.sub(r"\1", line) if "](" in line else line for line in lines)
    else:
        linked = text
    plains = _strip_markup(linked).split("\n")
    for line, plain in zip(lines, plains, strict=True):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        plain = plain.strip()
        if in_fence or not plain:
            taking_list = taking_list and not plain
            kept.append(line)
            continue
        if taking_list and _MD_LIST_ITEM.match(line):
            dropped.append(line)
            continue
        taking_list = False
        if any(p.match(plain) for p in promo):
            dropped.append(line)
            taking_list = _is_header(plain)
            continue
        kept.append(line)
    return "\n".join(kept), dropped


def _strip_markup(text: str) -> str:
    """_MD_MARKUP.sub("", text) at a tenth of the cost: its characters are ASCII, so they
    are single bytes in UTF-8, which bytes.translate deletes in one pass."""
    return text.encode("utf-8", "surrogatepass").translate(None, _MARKUP_BYTES).decode(
        "utf-8", "surrogatepass")


_MARKUP_BYTES = b"*_`#>"  # what _MD_MARKUP matches


def parse_dateline(line: str) -> date | None:
    """'Monday September 11, 2023,' -> date(2023, 9, 11); anything else -> None."""
    line = line.strip()
    if len(line) > 60:
        return None
    for pattern in _DATELINE_PATTERNS:
        match = pattern.match(line)
        if match:
            parts = match.groupdict()
            month = int(parts["monthnum"]) if parts.get("monthnum") else _MONTHS[
                parts["month"].lower()]
            try:
                return date(int(parts["year"]), month, int(parts["day"]))
            except ValueError:
                return None
    return None


def parse_plain(text: str, promo_patterns: tuple[str, ...] = (),
                title: str | None = None, zone: tzinfo = UTC) -> PlainDoc:
    """Plain text -> title, standfirst, byline, dates and body blocks (paragraphs, headings,
    lists); naive pasted dates are read in `zone`.

    Without a known `title` (from front matter), the first non-empty line is the title.
    """
    promo = promo_matchers(promo_patterns)
    lines = [line.strip() for line in text.split("\n")]
    if title is None:
        start = next((i for i, line in enumerate(lines) if line), None)
        if start is None:
            return PlainDoc("", "", None, ())
        title = _clean_inline(lines[start])
        rest = lines[start + 1:]
    else:
        rest = lines
    header = read_pasted_header(rest, zone)
    if header.consumed_lines:
        consumed = set(header.consumed_lines)
        rest = [line for i, line in enumerate(rest) if i not in consumed]
    by_blank_lines = any(not line for line in _trim(rest))
    units = _units(rest, by_blank_lines)
    if by_blank_lines:
        units = [part for unit in units for part in lists_under_lines(unit)]
    dropped: list[str] = []
    standfirst = ""
    dateline: date | None = None
    kept: list[list[str]] = []
    skip_tail = False
    for index, unit in enumerate(units):
        first = unit[0]
        if skip_tail:
            if _is_link_line(first, by_blank_lines):
                dropped.extend(unit)
                continue
            skip_tail = False
        if len(unit) == 1 and _same_title(first, title):
            # a repeated title: whatever came before it was a standfirst (subtitle)
            if kept and not standfirst and all(len(u) == 1 for u in kept):
                standfirst = " ".join(_clean_inline(u[0]) for u in kept)
                kept = []
            continue
        if len(unit) == 1 and index < 6 and dateline is None and (found := parse_dateline(first)):
            dateline = found
            continue
        if len(unit) == 1 and _READING_TIME.match(first):
            dropped.append(first)
            continue
        if promo and any(p.match(line) for p in promo for line in unit[:1]):
            dropped.append(first)
            remainder = unit[1:]
            if _is_header(first):
                dropped.extend(remainder)
                skip_tail = True
            elif remainder:
                kept.append(remainder)
            continue
        kept.append(unit)
    # only a paragraph broken over several lines needs the words of the whole text
    broken = any(len(unit) > 1 for unit in kept)
    blocks = _blocks(kept, _vocabulary(kept) if broken else Counter())
    return PlainDoc(title, standfirst, dateline, tuple(blocks), tuple(dropped),
                    header.author, header.published, header.updated)


def _trim(lines: list[str]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if line), len(lines))
    end = len(lines) - next((i for i, line in enumerate(reversed(lines)) if line), 0)
    return lines[start:end]


def _units(lines: list[str], by_blank_lines: bool) -> list[list[str]]:
    """Lines -> units: blank-line separated groups, or one line each when there are no blanks."""
    if not by_blank_lines:
        return [[line] for line in lines if line]
    units: list[list[str]] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            units.append(current)
            current = []
    return units


def _vocabulary(units: list[list[str]]) -> Counter[str]:
    words = (w for unit in units for line in unit for w in re.findall(r"\w+", line))
    return Counter(w.casefold() for w in words)


def _join_lines(lines: list[str], vocabulary: Counter[str]) -> str:
    """Lines of one paragraph -> one line. A word broken across two lines ('a' + 'nd') is
    mended when the whole word occurs elsewhere in the text and the second half never does."""
    text = lines[0]
    for line in lines[1:]:
        head = re.search(r"(\w+)$", text)
        tail = re.match(r"[a-z]\w*", line)
        if head and tail and vocabulary[(head.group(1) + tail.group(0)).casefold()] \
                and vocabulary[tail.group(0).casefold()] == 1:
            text += line
        else:
            text += " " + line
    return text


def _blocks(units: list[list[str]], vocabulary: Counter[str]) -> list[Block]:
    """Units -> blocks: list items gather into lists; short title-like lines become headings."""
    blocks: list[Block] = []
    for position, unit in enumerate(units):
        if all(_BULLET.match(line) for line in unit):
            items = tuple(_clean_inline(_BULLET.sub("", line)) for line in unit)
            if blocks and blocks[-1].kind == "ul":
                blocks[-1] = Block("ul", items=blocks[-1].items + items)
            else:
                blocks.append(Block("ul", items=items))
            continue
        between = 0 < position < len(units) - 1
        if len(unit) == 1 and between and _is_heading(unit[0]):
            blocks.append(Block("h", _clean_inline(unit[0])))
            continue
        blocks.append(Block("p", _clean_inline(_join_lines(unit, vocabulary))))
    return blocks


def _is_heading(line: str) -> bool:
    """A short, capitalised line with no final punctuation: a subheading."""
    words = line.split()
    if not 1 <= len(words) <= 12 or len(line) > 90 or _BULLET.match(line):
        return False
    if line.rstrip(_CLOSERS)[-1:] in _FINAL_PUNCTUATION or not line[0].isupper():
        return False
    long_words = [w for w in words if len(w) > 3] or words
    capitalised = sum(1 for w in long_words if w[0].isupper() or not w[0].isalpha())
    return capitalised / len(long_words) >= 0.5


def _is_header(line: str) -> bool:
    """A promo line with nothing after it ('Also Read', 'Read Also:') introduces links."""
    if len(line.split()) > 4 or line.rstrip(":").endswith((".", "!", "?")):
        return False
    # trap: of the page furniture only the headers ('More stories') take the links after
    # them; 'Advertisement' or 'Share' is short too, but the lines after it are the text
    return is_furniture(line, FURNITURE_HEADERS) or not is_furniture(line, FURNITURE_PATTERNS)


def _is_link_line(line: str, by_blank_lines: bool) -> bool:
    """After 'Read Also:': a bulleted line, or a short headline when lines are paragraphs."""
    if _BULLET.match(line):
        return True
    return not by_blank_lines and len(line.split()) <= 20 and not line.endswith(".")


def _same_title(line: str, title: str) -> bool:
    # folding a whole paragraph to compare it with a title is most of the cost: a line
    # more than twice as long (plus punctuation) cannot be the same title
    return len(line) <= 2 * len(title) + 20 and _fold(line) == _fold(title)


def _fold(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
                      r"\u2066-\u2069\ufeff\ufff9-\ufffb]")


def _clean_inline(text: str) -> str:
    """Collapse white space and remove control, zero-width and bidi-override characters."""
    return " ".join(strip_controls(text).split())


def strip_controls(text: str) -> str:
    # printable ASCII has none of them: most text, told at 0.3 µs a line instead of 0.7
    if text.isascii() and text.isprintable():
        return text
    return _CONTROL.sub("", text)
