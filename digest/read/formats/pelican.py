"""Pelican's Markdown header: `Key: value` lines up to the first blank line.

As Python-Markdown's `meta` extension reads it (Pelican's Markdown reader): keys are
case-insensitive (stored lower-cased), an indented line continues the value above it, and
a `---` line above and below the header is accepted too. Values stay text, as Pelican
gives them; `tags`, `authors` and `keywords` become lists (split at ';' if the value has
one, else at ','). Only a header whose first key is one Pelican knows is taken, so a plain
text that starts with "Note: …" stays text.
"""

from __future__ import annotations

import re
from typing import Any

from .base import STRUCTURED_START, Document, body_format_for, line_at, split_list

KNOWN_KEYS = frozenset({"title", "date", "modified", "category", "tags", "slug", "summary",
                        "author", "authors", "status", "lang", "translation", "save_as", "url",
                        "template", "keywords"})
LIST_KEYS = frozenset({"tags", "authors", "keywords"})
SINGLE_KEYS = frozenset({"tags", "date", "modified", "status", "category", "author",
                         "save_as", "url", "authors", "slug"})  # Pelican keeps the first
_META = re.compile(r"[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")  # Python-Markdown's
_MORE = re.compile(r"[ ]{4,}(?P<value>.*)")
_FENCED_START = re.compile(r"---[ \t]*\n[ ]{0,3}[A-Z][A-Za-z0-9_-]*:")
_BEGIN = re.compile(r"-{3}(\s.*)?$")
_END = re.compile(r"(?:-{3}|\.{3})(\s.*)?$")


def detect(text: str, suffix: str) -> bool:
    """Is the first line a `Key: value` line with a key Pelican knows?"""
    first = _META.match(text[:200])
    return first is not None and first.group("key").lower() in KNOWN_KEYS


def detect_fenced(text: str, suffix: str) -> bool:
    """'---', then only simple `Key: value` lines with Pelican's capitalised keys, then '---'.

    Such a block reads the same as YAML and as a Pelican header, except for the case of its
    keys; YAML with structure (lists, quotes, nesting) or lower-case keys stays YAML's.
    """
    if _FENCED_START.match(text) is None:  # the cheap test first: most '---' files are YAML
        return False
    lines = text.split("\n", 60)
    if not _BEGIN.match(lines[0]) or lines[0].strip() != "---":
        return False
    first = _META.match(lines[1]) if len(lines) > 1 else None
    if first is None or first.group("key").lower() not in KNOWN_KEYS \
            or not first.group("key")[0].isupper():
        return False
    for line in lines[1:60]:
        if _END.match(line):
            return True
        found = _META.match(line)
        if found is None or not line[:1].strip() or found.group("value").startswith(
                STRUCTURED_START):
            return False
    return False


def read(text: str, rel: str) -> Document:
    """Header lines, then the body -> Document (keys lower-cased, values text or lists)."""
    lines = text.split("\n")
    index = 1 if _BEGIN.match(lines[0]) else 0
    values: dict[str, list[str]] = {}
    problems: list[tuple[int | None, str]] = []
    key: str | None = None
    while index < len(lines):
        line = lines[index]
        if not line.strip() or _END.match(line):
            index += 1  # the blank line or closing '---' ends the header
            break
        found = _META.match(line)
        more = None if found else _MORE.match(line)
        if found:
            key = found.group("key").lower()
            if key in values and key in SINGLE_KEYS:
                problems.append((index + 1, f"{key}: defined twice in the header; the first "
                                 "one is used"))
            values.setdefault(key, []).append(found.group("value").strip())
        elif more and key is not None:  # an indented line continues the value above
            values[key][-1] = f"{values[key][-1]} {more.group('value').strip()}".strip()
        else:
            break  # not a header line: the body starts here
        index += 1
    meta: dict[str, Any] = {}
    for name, found_values in values.items():
        if name in LIST_KEYS:
            chosen = found_values[:1] if name in SINGLE_KEYS else found_values
            meta[name] = [item for value in chosen for item in split_list(value)]
        elif len(found_values) == 1 or name in SINGLE_KEYS:
            meta[name] = found_values[0]
        else:
            meta[name] = found_values
    start = min(sum(len(line) + 1 for line in lines[:index]), len(text))
    while text.startswith("\n", start):
        start += 1
    return Document(meta, text[start:], body_format_for(rel), line_at(text, start), "pelican",
                    tuple(problems))
