"""JSON front matter as Hugo reads it: a '{…}' object opening the file, then the body."""

from __future__ import annotations

import json
import re
from typing import Any

from .base import Document, after_fence, body_format_for, line_at

# '{' then a key or '}': not a Liquid tag ('{%'), a Hugo shortcode ('{{<') or a brace of prose
OPENING = re.compile(r"\A\s*\{\s*[\"}]")
_CLOSING_LINE = re.compile(r"^\}[ \t]*$", re.MULTILINE)


def detect(text: str, suffix: str) -> bool:
    """Does the text open with a JSON object?"""
    return OPENING.match(text) is not None


def read(text: str, rel: str) -> Document:
    """'{…}' body -> Document; invalid JSON is a problem with its line, metadata ignored."""
    start = text.index("{")
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        """JSON object pairs -> dict, noting duplicate keys."""
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        meta, end = json.JSONDecoder(object_pairs_hook=pairs).raw_decode(text, start)
    except json.JSONDecodeError as err:
        return _invalid(text, rel, f"{err.msg[:1].lower()}{err.msg[1:]} at column {err.colno}",
                        err.lineno)
    except Exception as err:  # e.g. RecursionError from absurd nesting
        return _invalid(text, rel, type(err).__name__, line_at(text, start))
    problems = tuple((_key_line(text, key, end), f"duplicate key {key!r} in JSON front matter; "
                      "the last one wins") for key in dict.fromkeys(duplicates))
    newline = text.find("\n", end)
    if text[end:len(text) if newline == -1 else newline].strip():
        # text right after the closing brace, on its line, belongs to the body
        body, body_line = text[end:].lstrip(" \t"), line_at(text, end)
    else:
        body, body_line = after_fence(text, end)
    return Document(meta, body, body_format_for(rel), body_line, "json", problems)


def _invalid(text: str, rel: str, message: str, line: int) -> Document:
    """Invalid JSON: the body starts after the first '}' line, when there is one."""
    closing = _CLOSING_LINE.search(text)
    if closing is None:
        return Document(None, text, body_format_for(rel), 1, "none",
                        ((line, f"{{ front matter is not valid JSON ({message}) and has no "
                          "closing '}' line; read the file as text"),))
    body, body_line = after_fence(text, closing.end())
    return Document({}, body, body_format_for(rel), body_line, "json",
                    ((line, f"{{ front matter is not valid JSON ({message}); metadata "
                      "ignored"),))


def _key_line(text: str, key: str, end: int) -> int | None:
    """The line of the last `"key":` before `end`, or None."""
    found = [m.start() for m in re.finditer(rf'"{re.escape(key)}"\s*:', text[:end])]
    return line_at(text, found[-1]) if found else None
