"""TOML front matter between '+++' lines (Hugo's), read with tomllib.

TOML's own date-times and dates arrive as datetime and date values (a local date-time is
naive: the caller reads it in the site's zone).
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from .base import Document, Problems, after_fence, body_format_for

OPENING = re.compile(r"\A(?:[ \t]*\n)*[ \t]*\+{3}[ \t]*\n")
CLOSING = re.compile(r"^\+{3}[ \t]*$", re.MULTILINE)
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def detect(text: str, suffix: str) -> bool:
    """Does the text open with a '+++' line (after blank lines)?"""
    return text.startswith(("+", "\n", " ", "\t")) and OPENING.match(text) is not None


def read(text: str, rel: str) -> Document:
    """'+++' TOML '+++' body -> Document; a TOML error names its line, metadata ignored."""
    opening = OPENING.match(text)
    if opening is None:  # pragma: no cover - detect() said yes
        return Document(None, text, body_format_for(rel), 1, "none")
    start = opening.end()
    first_line = text.count("\n", 0, start) + 1
    closing = CLOSING.search(text, start)
    if closing is None:
        message = (f"'+++' on line {first_line - 1} opens TOML front matter that is never "
                   "closed; read the file as text without front matter")
        return Document(None, text[start:], body_format_for(rel), first_line, "none",
                        ((first_line - 1, message),))
    meta, problems = parse_block(text[start:closing.start()], first_line)
    body, body_line = after_fence(text, closing.end())
    return Document(meta, body, body_format_for(rel), body_line, "toml", problems)


def parse_block(block: str, first_line: int) -> tuple[dict[str, Any], Problems]:
    """TOML text starting at file line `first_line` -> mapping and problems (never raises)."""
    try:
        return tomllib.loads(block), ()
    except tomllib.TOMLDecodeError as err:
        message, line = error_place(str(err))
        at = first_line + line - 1 if line else first_line
        return {}, ((at, f"+++ front matter is not valid TOML ({message}); metadata "
                     "ignored"),)
    except Exception as err:  # e.g. RecursionError from absurd nesting
        return {}, ((first_line, f"+++ front matter could not be read as TOML "
                     f"({type(err).__name__}); metadata ignored"),)


def error_place(message: str) -> tuple[str, int | None]:  # also for TOML configs
    """'Invalid value (at line 2, column 9)' -> ('invalid value at column 9', 2)."""
    found = _AT.search(message)
    if found is None:
        return message[:1].lower() + message[1:], None
    text = message[:found.start()]
    return f"{text[:1].lower()}{text[1:]} at column {found.group(2)}", int(found.group(1))
