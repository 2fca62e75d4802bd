"""YAML front matter between '---' lines, read forgivingly.

Strict YAML first (digest.read.frontmatter.load_yaml: the safe loader with its duplicate-key and
alias-bomb checks). When that fails, each top-level entry is read on its own, so one bad
line costs only its own field, and a simple `key: value` line that YAML refuses (the
commonest case: `title: Breaking: tunnel closed`) is kept as the text it plainly is.
"""

from __future__ import annotations

import re
from typing import Any

from ..frontmatter import YamlProblem, load_yaml
from ..text import kind_of
from .base import (
    KEY_LINE,
    RESERVED_START,
    STRUCTURED_START,
    Document,
    Problems,
    after_fence,
    body_format_for,
)

OPENING = re.compile(r"\A(?:[ \t]*\n)*[ \t]*-{3,}[ \t]*\n")
CLOSING = re.compile(r"^(?:-{3,}|\.{3})[ \t]*$", re.MULTILINE)
_ENTRY_START = re.compile(r"[^\s#-]")  # a top-level key starts in column 0


def detect(text: str, suffix: str) -> bool:
    """Does the text open with a '---' line (after blank lines)?"""
    return text.startswith(("-", "\n", " ", "\t")) and OPENING.match(text) is not None


def read(text: str, rel: str) -> Document:
    """'---' YAML '---' body -> Document; YAML trouble becomes problems with their lines."""
    opening = OPENING.match(text)
    if opening is None:  # pragma: no cover - detect() said yes
        return Document(None, text, body_format_for(rel), 1, "none")
    start = opening.end()
    first_line = text.count("\n", 0, start) + 1
    closing = CLOSING.search(text, start)
    if closing is None:
        return _unclosed(text, rel, start, first_line)
    meta, problems = parse_block(text[start:closing.start()], first_line)
    body, body_line = after_fence(text, closing.end())
    return Document(meta, body, body_format_for(rel), body_line, "yaml", problems)


def parse_block(block: str, first_line: int) -> tuple[dict[str, Any], Problems]:
    """YAML text starting at file line `first_line` -> mapping and problems (never raises)."""
    try:
        value, duplicates = load_yaml(block)
    except YamlProblem as err:
        if err.line is None:  # not a mistake on a line (an alias bomb): refuse it whole
            return {}, ((first_line, f"invalid front matter: {err.message}; metadata "
                         "ignored"),)
        return _recover(block, first_line, err.message, err.line)
    except Exception as err:  # e.g. RecursionError from absurd nesting
        return _recover(block, first_line, f"{type(err).__name__} (YAML)", None)
    problems = [(first_line + line - 1, f"duplicate key {key!r} in front matter; the last "
                 "one wins") for key, line in duplicates]
    if value is None:
        return {}, tuple(problems)
    if not isinstance(value, dict):
        problems.append((first_line, f"front matter is {kind_of(value)}, not a mapping "
                         "of keys to values; metadata ignored"))
        return {}, tuple(problems)
    return {str(k): v for k, v in value.items()}, tuple(problems)


def _entries(block: str) -> list[tuple[int, list[str]]]:
    """YAML text -> its top-level entries: (0-based first line, lines), comments and
    indented or '- ' lines going with the key above them."""
    entries: list[tuple[int, list[str]]] = []
    for index, line in enumerate(block.split("\n")):
        if _ENTRY_START.match(line) or not entries:
            entries.append((index, [line]))
        else:
            entries[-1][1].append(line)
    return entries


def _recover(block: str, first_line: int, message: str,
             line: int | None) -> tuple[dict[str, Any], Problems]:
    """Strict YAML failed: read entry by entry, keep what reads, say what did not."""
    meta: dict[str, Any] = {}
    problems: list[tuple[int | None, str]] = []
    for offset, lines in _entries(block):
        where = first_line + offset
        key_line = KEY_LINE.match(lines[0])
        try:
            value, duplicates = load_yaml("\n".join(lines))
        except Exception as err:  # YamlProblem, or anything else the loader raised
            problem = err.message if isinstance(err, YamlProblem) else type(err).__name__
            literal = _literal(lines, key_line)
            if key_line is not None and literal is not None:
                key = key_line.group("key")
                _put(meta, key, literal, where, problems)
                problems.append((where, f"{key}: {_why(literal)}; read as {literal!r} — put "
                                 "it in quotes"))
                continue
            err_line = err.line if isinstance(err, YamlProblem) and err.line else 1
            name = f"{key_line.group('key')}: " if key_line else ""
            problems.append((where + err_line - 1, f"{name}invalid front matter: {problem}; "
                             "this entry is ignored, the other fields are kept"))
            continue
        problems.extend((where + dup_line - 1, f"duplicate key {key!r} in front matter; the "
                         "last one wins") for key, dup_line in duplicates)
        if isinstance(value, dict):
            for key, item in value.items():
                _put(meta, str(key), item, where, problems)
        elif value is not None:
            problems.append((where, f"{kind_of(value)} where a 'key: value' line was "
                             "expected; ignored"))
    if not any(p for p in problems if "duplicate key" not in p[1]):
        # every entry reads alone, so the trouble is between them (an alias, a stray marker)
        at = first_line + line - 1 if line else first_line
        problems.append((at, f"invalid front matter: {message}; read the fields one by one"))
    return meta, tuple(problems)


def _literal(lines: list[str], key_line: re.Match[str] | None) -> str | None:
    """A one-line `key: plain text` entry -> the text; anything more structured -> None."""
    rest = [line for line in lines[1:] if line.strip() and not line.lstrip().startswith("#")]
    if key_line is None or rest:
        return None
    value = key_line.group("value") or ""
    value = re.sub(r"[ \t]+#.*$", "", value).strip()  # YAML ends a plain value at ' #'
    if not value or value.startswith(STRUCTURED_START):
        return None
    return value


def _why(value: str) -> str:
    """Why YAML refused a plain value, in words."""
    if ": " in value or value.endswith(":"):
        return "the value has ': ' in it"
    if value.startswith(RESERVED_START):
        return f"the value starts with {value[0]!r}, which YAML reserves"
    if "\t" in value:
        return "the value has a tab in it"
    return "YAML cannot read the value as written"


def _put(meta: dict[str, Any], key: str, value: Any, line: int,
         problems: list[tuple[int | None, str]]) -> None:
    """Set one recovered field, noting a duplicate."""
    if key in meta:
        problems.append((line, f"duplicate key {key!r} in front matter; the last one wins"))
    meta[key] = value


def _unclosed(text: str, rel: str, start: int, first_line: int) -> Document:
    """'---' never closed: all front matter if the rest is a mapping, else all body."""
    rest = text[start:]
    try:
        value, _ = load_yaml(rest)
    except Exception:  # YamlProblem, RecursionError, …
        value = None
    opening_line = first_line - 1
    if isinstance(value, dict) and value:
        message = (f"front matter opened with '---' on line {opening_line} is never closed; "
                   "read it all as front matter")
        return Document({str(k): v for k, v in value.items()}, "", body_format_for(rel),
                        text.count("\n") + 1, "yaml", ((opening_line, message),))
    message = (f"'---' on line {opening_line} opens front matter that is never closed; read "
               "the file as text without front matter")
    return Document(None, rest, body_format_for(rel), first_line, "none",
                    ((opening_line, message),))
