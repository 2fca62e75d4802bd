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

_ESM = re.compile(r"(?:import|export)\b")
_ELEMENT = re.compile(r"\s*</?(?:[A-Z][\w.]*(?:\s[^<>]*)?)?/?>\s*$")  # whole line, one tag
_OPEN_TAG = re.compile(r"\s*<[A-Z][\w.]*(?:\s[^<>]*)?$")  # a tag whose '>' comes later
_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.DOTALL)
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
    """MDX body -> the Markdown left when JSX lines are blanked, and how many were."""
    if "{/*" in text:
        text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    lines = text.split("\n")
    dropped = 0
    fence: str | None = None
    depth = 0  # open braces and brackets of an import/export statement, or -1 in a tag
    for index, line in enumerate(lines):
        fenced = _FENCE.match(line)
        if fence is not None:
            if fenced and fenced.group(1).startswith(fence):
                fence = None
            continue
        if depth > 0 or depth == -1:
            if depth == -1:
                depth = 0 if line.rstrip().endswith(">") else -1
            else:
                depth += _balance(line)
            lines[index], dropped = "", dropped + 1
            continue
        if fenced:
            fence = fenced.group(1)
        elif _ESM.match(line):
            depth = max(0, _balance(line))
            lines[index], dropped = "", dropped + 1
        elif _ELEMENT.fullmatch(line) and (line.strip()[:3] in ("<>", "</>") or
                                            re.match(r"\s*</?[A-Z]", line)):
            lines[index], dropped = "", dropped + 1
        elif _OPEN_TAG.match(line):
            depth = -1
            lines[index], dropped = "", dropped + 1
    return "\n".join(lines), dropped


def _balance(line: str) -> int:
    return line.count("{") + line.count("(") + line.count("[") - line.count("}") \
        - line.count(")") - line.count("]")
