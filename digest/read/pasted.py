"""Pure: what pasted web text carries besides its paragraphs.

    parse_byline(line) -> Byline | None               'By Ingrid Berg, Transport correspondent'
    parse_pasted_date(line, zone) -> PastedDate | None 'Updated: 3 Dec 2026 14:05 GMT'
    (byline_of, pasted_date_of: the same of a line with its white space single spaces)
    FURNITURE_PATTERNS                                 page furniture, one regex a whole line
    is_furniture(line, patterns) -> bool               as promo_patterns are matched
    lists_under_lines(unit) -> units                   '- ' items right under a text line
    (read_pasted_header, the byline and dates near the top: pasted_header.py)

Standard library only; nothing here reads a clock or a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache

# ------------------------------------------------------------------ bylines


@dataclass(frozen=True)
class Byline:
    names: tuple[str, ...]
    role: str = ""

    @property
    def author(self) -> str:
        """('A', 'B', 'C') -> 'A, B and C'."""
        if len(self.names) < 2:
            return "".join(self.names)
        return ", ".join(self.names[:-1]) + " and " + self.names[-1]


_BY = re.compile(r"^(?:(?:words|written|reporting|reported|story|text|interview)\s+)?by\s+(?=\S)",
                 re.IGNORECASE)
_ROLE_SEPARATOR = re.compile(r"\s+[|–—-]\s+|\s*;\s*")
_PLACE = re.compile(r"\s+in\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}$")
_NAME_JOINER = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_PARTICLES = frozenset(
    "van von der den de del della da di du le la al el bin ibn ten ter y".split())  # noqa: SIM905
# words that start a sentence 'By …' and never a name
_NOT_NAMES = frozenset("""
    the a an this that these those then now far way default design chance contrast comparison
    accident mistake law hand night day noon midnight midday dawn dusk early late mid end next
    last using doing making taking being having getting adding comparing contrast christmas
    easter summer winter spring autumn fall monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november
    december one two three some most all many much no none
    """.split())  # noqa: SIM905
_NAME_TOKEN = re.compile(r"(?:[A-Z][a-z]?\.)+|[A-ZÀ-ÖØ-Þ][\w'’.-]*|(?:Mc|Mac|O['’])[A-Z]\w*",
                         re.UNICODE)
_INITIALS = re.compile(r"(?:[A-Z]\.)+|Jr\.|Sr\.|St\.")


def parse_byline(line: str) -> Byline | None:
    """'By Ingrid Berg, Transport correspondent' -> Byline(('Ingrid Berg',), 'Transport …')."""
    return byline_of(" ".join(line.split()))


def byline_of(line: str) -> Byline | None:
    """parse_byline of a line whose white space is single spaces already."""
    match = _BY.match(line)
    if not match or len(line) > 120:
        return None
    rest, place = line[match.end():], ""
    if located := _PLACE.search(rest):  # 'By Sean O'Brien in Dublin'
        rest, place = rest[:located.start()], located.group(0).strip()
    head, *tail = _ROLE_SEPARATOR.split(rest)  # 'names, role | role; role'
    segments = head.split(",")
    names: list[str] = []
    while segments and (found := _names(segments[0])):
        names.extend(found)
        segments.pop(0)
    role = ", ".join(s.strip() for s in [*segments, *tail, place] if s.strip())
    if not names or (role and not _is_role(role)) or _sentence_end(role or names[-1]):
        return None
    return Byline(tuple(names), role)


def _names(segment: str) -> list[str] | None:
    """'Lars Nielsen and Eva Holm' -> both names; None when any part is not a name."""
    parts = _NAME_JOINER.split(segment.strip())
    names = [p.strip() for p in parts]
    return names if names and all(_is_name(n) for n in names) else None


def _is_name(text: str) -> bool:
    """'Ingrid Berg', 'AP', 'Ludwig van Beethoven', 'J.R. Smith'; not 'the end'."""
    words = text.split()
    if not 1 <= len(words) <= 5 or words[0].casefold().strip(".") in _NOT_NAMES:
        return False
    if words[-1].casefold() in _PARTICLES or any(ch.isdigit() for ch in text):
        return False
    return all((w.casefold() in _PARTICLES and i > 0) or _NAME_TOKEN.fullmatch(w)
               for i, w in enumerate(words))


def _is_role(role: str) -> bool:
    """'Transport correspondent', 'in Oslo': short, no digits, no clause after it."""
    words = role.split()
    if not 1 <= len(words) <= 8 or any(ch.isdigit() for ch in role):
        return False
    return words[0].casefold() not in {"who", "which", "that", "the", "a", "an", "it", "he", "she",
                                       "they", "we", "i", "you", "prices", "there"}


def _sentence_end(text: str) -> bool:
    """Ends with '.', '!' or '?' that is not an initial ('Jr.', 'J.')."""
    last = text.split()[-1] if text.split() else ""
    return last[-1:] in "!?" or (last.endswith(".") and not _INITIALS.fullmatch(last))


# ------------------------------------------------------------------ dates


@dataclass(frozen=True)
class PastedDate:
    published: datetime | None = None
    updated: datetime | None = None


_MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
     ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
     ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
_ZONES = {"gmt": 0, "utc": 0, "z": 0, "wet": 0, "bst": 60, "west": 60, "cet": 60, "cest": 120,
          "eet": 120, "eest": 180, "msk": 180, "est": -300, "edt": -240, "cst": -360,
          "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "jst": 540,
          "aest": 600, "aedt": 660}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WD = (r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?|monday|tuesday|wednesday|thursday"
       r"|friday|saturday|sunday),?\s+")
_ORD = r"(?:st|nd|rd|th)?"
_DATE = (rf"(?:{_WD})?(?:(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<month>{_MONTH_NAMES})\.?,?"
         rf"\s+(?P<year>\d{{4}})|(?P<month2>{_MONTH_NAMES})\.?\s+(?P<day2>\d{{1,2}}){_ORD},?"
         rf"\s+(?P<year2>\d{{4}})|(?P<year3>\d{{4}})-(?P<monthnum>\d{{2}})-(?P<day3>\d{{2}}))")
_TIME = (r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
         r"\s*(?P<ampm>[ap]\.?m\.?)?")
_ZONE = (r"\(?(?P<zone>" + "|".join(sorted(_ZONES, key=len, reverse=True))
         + r")?\s*(?P<offset>[+-]\d{1,2}(?::?\d{2})?)?\)?")
_STAMP = re.compile(
    rf"(?:{_DATE})(?:(?:\s*[,.·|]\s*|\s+|T)(?:at\s+)?{_TIME}(?:\s*{_ZONE})?)?$",
    re.IGNORECASE)
_TIME_FIRST = re.compile(rf"{_TIME}(?:\s*{_ZONE})?\s*[,·|]?\s+(?P<rest>.+)$", re.IGNORECASE)
_LABEL = re.compile(
    r"(?:^|(?<=[\s,;|·(]))(?P<label>(?:first\s+|originally\s+)?(?:published|posted)"
    r"|(?:last\s+)?(?:updated|modified|edited)|date)(?:\s+on)?\s*:?\s*(?=\w)",
    re.IGNORECASE)
_SEPARATORS = " \t,;|·•-–—()"


def parse_pasted_date(line: str, zone: tzinfo) -> PastedDate | None:
    """'Published 22 Nov 2026, updated 23 Nov 2026 09:30 GMT' -> both datetimes, aware."""
    return pasted_date_of(" ".join(line.split()), zone)


def pasted_date_of(line: str, zone: tzinfo) -> PastedDate | None:
    """parse_pasted_date of a line whose white space is single spaces already."""
    if not 6 <= len(line) <= 140 or not any(ch.isdigit() for ch in line):
        return None
    labels = list(_LABEL.finditer(line))
    if labels and line[:labels[0].start()].strip(_SEPARATORS):
        return None  # words before the first label: a sentence
    starts = [m.end() for m in labels] or [0]
    ends = [m.start() for m in labels[1:]] + [len(line)]
    kinds = [_kind(m.group("label")) for m in labels] or ["published"]
    found: dict[str, datetime] = {}
    for kind, start, end in zip(kinds, starts, ends, strict=True):
        stamp = parse_stamp(line[start:end].strip(_SEPARATORS), zone)
        if stamp is None:
            return None
        found.setdefault(kind, stamp)
    return PastedDate(found.get("published"), found.get("updated"))


def _kind(label: str) -> str:
    """'Last updated' -> 'updated'; 'Posted' -> 'published'."""
    words = label.casefold()
    return "updated" if any(w in words for w in ("updated", "modified", "edited")) else "published"


def parse_stamp(text: str, zone: tzinfo) -> datetime | None:
    """'Mon 1 Dec 2026 14.05 CET' -> an aware datetime; the zone named wins over `zone`."""
    match = _STAMP.match(text)
    if match is None and (first := _TIME_FIRST.match(text)):  # '14:05 GMT, 3 December 2026'
        rest = _STAMP.match(first.group("rest"))
        if rest is None or rest.group("hour"):
            return None
        return _build(rest.groupdict() | _time_parts(first.groupdict()), zone)
    return _build(match.groupdict(), zone) if match else None


def _time_parts(parts: dict[str, str | None]) -> dict[str, str | None]:
    keys = ("hour", "minute", "second", "ampm", "zone", "offset")
    return {key: parts.get(key) for key in keys}


def _build(parts: dict[str, str | None], zone: tzinfo) -> datetime | None:
    """Matched parts -> datetime, or None for an impossible date or time."""
    year = int(parts["year"] or parts["year2"] or parts["year3"] or 0)
    name = (parts["month"] or parts["month2"] or "").lower()
    month = int(parts["monthnum"]) if parts["monthnum"] else _MONTHS[name]
    day = int(parts["day"] or parts["day2"] or parts["day3"] or 0)
    hour, minute, second = (int(parts[k] or 0) for k in ("hour", "minute", "second"))
    if parts["hour"] and not parts["minute"] and not parts["ampm"]:
        return None  # '1 December 2026 5' is no time
    if parts["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if parts["ampm"].lower().startswith("p") else 0)
    offset = _offset(parts["zone"], parts["offset"])
    if not 1900 <= year <= 2100 or offset is False:
        return None
    try:
        return datetime(year, month, day, hour, minute, second,
                        tzinfo=zone if offset is None else offset)
    except ValueError:
        return None


def _offset(name: str | None, offset: str | None) -> timezone | bool | None:
    """'CET', '+01:00', 'GMT+1' -> a fixed zone; None when none is named; False when bad."""
    minutes = _ZONES[name.lower()] if name else None
    if offset:
        digits = offset[1:].replace(":", "")
        hours, mins = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        if hours > 14 or mins > 59:
            return False
        minutes = (minutes or 0) + (-1 if offset[0] == "-" else 1) * (hours * 60 + mins)
    if minutes is None:
        return None
    return timezone(timedelta(minutes=minutes)) if abs(minutes) < 24 * 60 else False


# ------------------------------------------------------------------ furniture

_NETWORKS = r"(?:facebook|twitter|x|linkedin|whatsapp|e-?mail|reddit|pinterest|telegram|bluesky" \
            r"|threads|messenger|flipboard|mastodon|copy link|print)"
# one way only to read the space between two buttons: nested optional spaces backtrack
_BETWEEN = r"(?:\s*[,/|•·]\s*|\s+(?:or\s+|and\s+)?)"

# A caption after the text ('… on Monday. Photograph: Ana Ruiz'); it scans the line from
# its start (plaintext.promo_matchers tries it only on lines with a colon)
CAPTION = r".{1,300}[.!?)’”]\s+(?:photograph|photo|image|illustration|composite):\s*[^.]{1,80}"

# Each is matched, case-insensitively, against a whole line, as promo_patterns are.
# Those in FURNITURE_HEADERS introduce a list of links, which goes with them.
FURNITURE_HEADERS: tuple[str, ...] = (
    r"(?:related|more|recommended|popular|latest|top|trending|further) (?:articles|stories"
    r"|content|links|posts|news|reading|coverage|videos|topics)(?: for you)?:?",
    r"most (?:read|popular|viewed|shared|commented|watched)(?: (?:articles|stories|today|now))?:?",
    r"recommended(?: for you)?:?",
    r"you (?:may|might) also (?:like|enjoy|be interested in):?",
    r"(?:trending|popular) now:?",
    r"editor'?s picks:?",
    r"what to read next:?",
)
FURNITURE_PATTERNS: tuple[str, ...] = (
    r"(?:advertisement|advertising|sponsored(?: content)?|paid (?:content|post|partnership))"
    r"(?: feature)?",
    r"(?:story|article) continues (?:below|after)(?: (?:this|the))? (?:advertisement|ad)",
    r"share(?: (?:this|the) (?:article|story|page|post))?(?: (?:on|via|to) .{1,60})?:?",
    rf"share(?: (?:on|via|to))? {_NETWORKS}(?:{_BETWEEN}{_NETWORKS})*",
    rf"{_NETWORKS}(?:{_BETWEEN}{_NETWORKS})+",  # a row of share buttons
    r"read more(?:\s*[:»›→>…]+.*|\.{3})?",
    r"(?:continue|keep) reading(?: (?:the|this) (?:main )?(?:story|article))?(?:\s*[:»›→>…].*)?",
    r"(?:read|see) the (?:full|original) (?:story|article)(?: here| (?:at|on) .{1,60})?[.:]?",
    r"subscribe(?: now| today| here)?(?:\s+(?:to|for)\s+(?=.{0,70}$).*)?[.!]?",
    r"(?:already a subscriber|subscribe to continue reading|become a subscriber)\b.{0,80}",
    r"(?:sign up|register|subscribe)(?: now| today| here)? (?:to|for) (?:our|the|my|a)"
    r" .{0,60}(?:newsletter|bulletin|briefing|email|updates).{0,80}",
    r"(?:get|receive) (?:our|the) .{0,40}(?:newsletter|briefing)\b.{0,80}",
    r"(?:newsletter(?: sign[- ]?up)?|sign up(?: now| today| here)?)[.!:]?",
    r"(?:click|tap) here\b(?=.{0,150}$).*",
    r"(?:photo(?:graph)?|image|picture|pic|credit|illustration|video|main image|top image"
    r"|header image|caption|photo credit|image credit)s?\s*:.{1,150}",
    r"(?:photo|image|illustration|picture)s? (?:by|courtesy of|via) (?=.{1,100}$).*",
    CAPTION,
    r"listen to (?:this|the) (?:article|story)\b(?=.{0,60}$).*",
    r"skip to (?:main |the )?(?:content|navigation|main|footer|search)\b.{0,30}",
    r"(?:we use cookies|this (?:site|website) uses cookies"
    r"|by (?:using|continuing to (?:use|browse)) (?:this|our) (?:site|website)"
    r"|accept(?: all)? cookies|reject all cookies"
    r"|(?:cookie|privacy|consent) (?:settings|preferences|policy)"
    r"|manage (?:cookies|consent|(?:your )?(?:cookie |privacy )?preferences)"
    r"|do not sell my (?:personal )?information)\b.{0,300}",
    r"(?:©|\(c\)|copyright\s*(?:©|\(c\))?)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)\b.{0,120}",
    r"all rights reserved\.?",
    r"follow us on .{1,60}",
    r"(?:download|get) (?:our|the) (?:free )?app\b.{0,60}",
    *FURNITURE_HEADERS,
)


@lru_cache(maxsize=16)
def _matcher(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """The patterns as one whole-line, case-insensitive expression, as promo_patterns are."""
    if not patterns:
        return None
    return re.compile(r"^\s*(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\s*$",
                      re.IGNORECASE)


def is_furniture(line: str, patterns: tuple[str, ...] = FURNITURE_PATTERNS) -> bool:
    """'Share this article' -> True; 'Readers who subscribe to the theory …' -> False."""
    matcher = _matcher(patterns)
    return bool(matcher and matcher.match(line))


# ------------------------------------------------------------------ lists

_ITEM = re.compile(r"^\s*[-*•]\s+(?=\S)")


def lists_under_lines(unit: Sequence[str]) -> list[list[str]]:
    """['Key points:', '- a', '- b'] -> [['Key points:'], ['- a', '- b']]; others unchanged.

    A single '- ' line inside a paragraph is a dash that wrapped, not a list: only a run
    of items that ends the unit, or of two or more, is split off.
    """
    runs: list[list[str]] = []
    for line in unit:
        if runs and _is_item(line) == _is_item(runs[-1][0]):
            runs[-1].append(line)
        else:
            runs.append([line])
    out: list[list[str]] = []
    after_list = True  # nothing to extend yet
    for index, run in enumerate(runs):
        is_list = _is_item(run[0]) and (index == len(runs) - 1 or len(run) > 1)
        if is_list or after_list:
            out.append(list(run))
        else:
            out[-1].extend(run)  # a wrapped dash inside a paragraph: still the paragraph
        after_list = is_list
    return out


def _is_item(line: str) -> bool:
    return bool(_ITEM.match(line))
