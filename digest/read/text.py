"""Pure text helpers for front-matter values: clean, shorten, safe URLs."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

import nh3

from .plaintext import strip_controls


class FieldProblem(Exception):
    """A front-matter value that could not be used, and what was done instead.

    `partial` is what could be used all the same (e.g. the good links of a list).
    """

    def __init__(self, message: str, partial: Any = None) -> None:
        super().__init__(message)
        self.partial = partial


_KINDS = ((bool, "true/false"), (int, "an integer"), (float, "a number"), (str, "text"),
          (list, "a list"), (tuple, "a list"), (dict, "a mapping"), (type(None), "null"))


def kind_of(value: Any) -> str:
    """A parsed value -> what a reader calls it: 3 -> 'an integer', {} -> 'a mapping'."""
    import datetime as dt

    if isinstance(value, dt.date | dt.time):
        return "a date" if not isinstance(value, dt.time) else "a time"
    return next((name for kind, name in _KINDS if isinstance(value, kind)),
                f"a {type(value).__name__}")


def clean_text(value: str) -> str:
    """Collapse white space and drop control, zero-width and bidi characters."""
    return " ".join(strip_controls(value).split())


def text_of(value: Any, field: str) -> str:
    """A front-matter value that should be text -> text (numbers are fine, lists joined)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        raise FieldProblem(f"{field} is a boolean ({value}), not text; ignored")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        if value:
            return clean_text(" ".join(str(v) for v in value))
        return ""
    raise FieldProblem(f"{field} is {kind_of(value)}, not text; ignored")


def strip_tags(value: str) -> str:
    """HTML fragment -> its text, for excerpts and titles that arrive with markup."""
    if "<" not in value and "&" not in value:
        return value
    return clean_text(html.unescape(nh3.clean(value, tags=set())))


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary before `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def first_words(text: str, count: int) -> str:
    words = text.split()
    if len(words) <= count:
        return text
    return " ".join(words[:count]).rstrip(",;:.-–—") + "…"


def safe_url(value: Any, allow_relative: bool = True) -> str:
    """Only http(s), mailto and relative URLs survive; anything else raises FieldProblem."""
    if not isinstance(value, str):
        raise FieldProblem(f"URL is {kind_of(value)}, not text; dropped")
    url = re.sub(r"[\x00-\x20\x7f]+", "", strip_controls(value)) if value.strip() else ""
    if not url:
        return ""
    scheme = urlsplit(url).scheme.lower() if ":" in url.split("/", 1)[0] else ""
    if scheme in {"http", "https"}:
        if not urlsplit(url).netloc:
            raise FieldProblem(f"URL {shorten(value, 60)!r} has no host; dropped")
        return url
    if scheme == "mailto":
        return url
    if scheme:
        raise FieldProblem(f"unsafe URL scheme {scheme + ':'!r} in {shorten(value, 60)!r}; "
                           "dropped")
    if url.startswith("//"):
        return "https:" + url
    if not allow_relative:
        raise FieldProblem(f"URL {shorten(value, 60)!r} is not absolute; dropped")
    return url
