"""What every reader returns, and the small helpers the readers share."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Problems = tuple[tuple[int | None, str], ...]

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mkd", ".mdown", ".mkdn", ".mdwn",
                               ".text", ".rmd", ".mdx"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".rst"})  # rst is converted to HTML


@dataclass(frozen=True)
class Document:
    """One file as read: its metadata (None: no header at all), body and what went wrong."""

    meta: dict[str, Any] | None
    body: str
    body_format: str  # "markdown" | "html" | "plain"
    body_line: int  # 1-based line of the file where the body starts
    format: str  # the reader: "yaml", "toml", "json", "pelican", "rst", "html", "mdx", "none"
    problems: Problems = ()


@dataclass(frozen=True)
class Reader:
    """One entry of the reader table: a cheap test of the text, and the reader itself."""

    name: str
    detect: Callable[[str, str], bool]  # (text, lower-case suffix) -> is it mine?
    read: Callable[[str, str], Document]  # (text, rel) -> Document; never raises


def suffix_of(rel: str) -> str:
    """'posts/A.Markdown' -> '.markdown' (as PurePosixPath.suffix, a tenth of the cost)."""
    name = rel.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def body_format_for(rel: str) -> str:
    """The body's format from the file name: Markdown, HTML (also rst, converted) or plain."""
    suffix = suffix_of(rel)
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in HTML_SUFFIXES:
        return "html"
    return "plain"


def line_at(text: str, index: int) -> int:
    """1-based line number of the character at `index`."""
    return text.count("\n", 0, index) + 1


def after_fence(text: str, fence_end: int) -> tuple[str, int]:
    """Text and the end of a closing fence line -> the body (blank lines dropped) and its line."""
    newline = text.find("\n", fence_end)
    start = len(text) if newline == -1 else newline + 1
    while text.startswith("\n", start):
        start += 1
    return text[start:], line_at(text, start)


def plain_document(text: str, rel: str, problems: Problems = ()) -> Document:
    """The whole text as the body, without metadata."""
    return Document(None, text, body_format_for(rel), 1, "none", problems)


STRUCTURED_START = tuple("\"'[{|>&*")  # a YAML value starting so is more than plain text
RESERVED_START = tuple("!%@`")  # YAML refuses a plain value starting so


def split_list(value: Any) -> list[str]:
    """Pelican's list rule: a list stays a list; text splits at ';' if it has one, else ','."""
    if isinstance(value, list | tuple):
        items = [str(v) for v in value if v is not None and not isinstance(v, dict | list)]
    elif isinstance(value, str):
        items = value.split(";") if ";" in value else value.split(",")
    else:
        items = [str(value)]
    return list(dict.fromkeys(s for s in (i.strip() for i in items) if s))


KEY_LINE = re.compile(r"(?P<key>[A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")
