"""MDX (Markdown with JSX), read as Markdown with its JSX lines dropped.

Dropped: `import` and `export` statements (to the end of their braces), lines that are
a JSX element with a capitalised tag (`<Chart data={x} />`, `<Note>`, `</Note>`, a
fragment `<>`), a multi-line opening tag up to its '>', and `{/* … */}` comments. Each
dropped line becomes a blank line, so paragraphs stay apart and lines keep their numbers.
Fenced code blocks are left alone.
"""

from __future__ import annotations

import re

from .base import Document, body_format_for
from .header import read_header

# ESM at the start of a line: `import … from '…'`, `import '…'`, `import {`, `export const …`
_ESM = re.compile(r"import\s+(?:['\"{*]|.*\bfrom\s*['\"])|"
                  r"export\s+(?:(?:const|let|var|function|class|default|async)\b|[{*])")
_ELEMENT = re.compile(r"\s*</?(?:[A-Z][\w.]*(?:\s[^<>]*)?)?/?>\s*$")  # whole line, one tag
_OPEN_TAG = re.compile(r"\s*<[A-Z][\w.]*(?:\s[^<>]*)?$")  # a tag whose '>' comes later
_COMMENT = re.compile(r"\{/\*.*?\*/\}")
_FENCE = re.compile(r"\s{0,3}(`{3,}|~{3,})")


def detect(text: str, suffix: str) -> bool:
    """Is it an .mdx file?"""
    return suffix == ".mdx"


def read(text: str, rel: str) -> Document:
    """MDX (maybe under front matter) -> Document with a Markdown body, JSX lines dropped."""
    header = read_header(text, rel)
    body = header.body if header else text
    cleaned, dropped = strip_jsx(body)
    problems = list(header.problems) if header else []
    if dropped:
        problems.append((None, f"MDX: read as Markdown; {dropped} JSX line"
                         f"{'s' if dropped != 1 else ''} (imports, exports, components, "
                         "comments) dropped"))
    return Document(header.meta if header else None, cleaned, body_format_for(rel),
                    header.body_line if header else 1, "mdx", tuple(problems))


def strip_jsx(text: str) -> tuple[str, int]:
    """MDX body -> the Markdown left when JSX is blanked, and how many lines and comments were."""
    lines = text.split("\n")
    dropped = 0
    fence: str | None = None
    state = ""  # "esm": in an import/export; "tag": in a multi-line tag; "comment": in {/* */}
    depth = 0  # open braces, brackets and parentheses of an import/export
    for index, line in enumerate(lines):
        if fence is not None:
            closing = _FENCE.match(line)
            if closing and closing.group(1).startswith(fence):
                fence = None
            continue
        if state == "comment":
            end = line.find("*/}")
            lines[index] = "" if end == -1 else line[end + 3:]
            if end == -1:
                continue
            state, line = "", lines[index]
        elif state == "esm":
            depth += _balance(line)
            lines[index], dropped = "", dropped + 1
            state = "esm" if depth > 0 else ""
            continue
        elif state == "tag":
            lines[index], dropped = "", dropped + 1
            state = "" if line.rstrip().endswith(">") else "tag"
            continue
        if "{/*" in line:
            line, comments = _COMMENT.subn("", line)
            dropped += comments
            if "{/*" in line:  # a comment that goes on below
                line, state, dropped = line[:line.index("{/*")], "comment", dropped + 1
            lines[index] = line
            if not line.strip():
                continue
        fenced = _FENCE.match(line)
        if fenced:
            fence = fenced.group(1)
        elif _ESM.match(line):
            depth = _balance(line)
            state = "esm" if depth > 0 else ""
            lines[index], dropped = "", dropped + 1
        elif _ELEMENT.fullmatch(line) and re.match(r"\s*(?:</?[A-Z]|</?>)", line):
            lines[index], dropped = "", dropped + 1
        elif _OPEN_TAG.match(line):
            state = "tag"
            lines[index], dropped = "", dropped + 1
    return "\n".join(lines), dropped


def _balance(line: str) -> int:
    """Brackets opened minus closed on a line."""
    return line.count("{") + line.count("(") + line.count("[") - line.count("}") \
        - line.count(")") - line.count("]")
