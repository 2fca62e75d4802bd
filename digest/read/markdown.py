"""Pure: Markdown -> HTML (cmark-gfm or Python-Markdown) and the sanitiser it goes through."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import cmarkgfm
import markdown
import nh3

from . import commonmark
from .plaintext import Block, strip_controls
from .text import clean_text

_MARKDOWN_EXTENSIONS = ["extra", "sane_lists"]
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"}, "blockquote": {"cite"}, "q": {"cite"}, "time": {"datetime"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}, "ol": {"start"},
}
# Footnotes link to their notes and back by id; any other id could clobber the page's own.
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?[-:][\w-]{1,40}")


def _footnote_ids_only(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if _FOOTNOTE_ID.fullmatch(value) else None
    return value


_SANITISER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES | {tag: ALLOWED_ATTRIBUTES.get(tag, set()) | {"id"}
                                     for tag in ("a", "sup", "li")},
    attribute_filter=_footnote_ids_only,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template",
                        "noscript", "textarea", "select", "svg", "math"})
_URL_ATTRIBUTE = re.compile(r"\b(?:href|src)\s*=", re.IGNORECASE)
_UNSAFE_ATTRIBUTE = re.compile(
    r"""\b(?:href|src)\s*=\s*["']?\s*((?:j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|vbscript|data|"""
    r"""file)\s*:)""", re.IGNORECASE)


def url_attributes(text: str) -> Iterator[int]:
    """Where `href=` or `src=` (any case, spaces around '=') starts in text, as
    _URL_ATTRIBUTE.finditer finds them. Each ends at an '=', so they are found from the
    few '=' backwards: a scan of the whole body with the case-blind pattern took longer
    than rendering its Markdown."""
    equals = text.find("=")
    while equals != -1:
        name_end = equals
        while name_end and text[name_end - 1].isspace():  # str.isspace is re's \s
            name_end -= 1
        for start in (name_end - 4, name_end - 3):  # 'href', 'src'
            found = _URL_ATTRIBUTE.match(text, start) if start >= 0 else None
            if found and found.end() == equals + 1:  # 'src==': the second '=' starts none
                yield start
                break
        equals = text.find("=", equals + 1)


# cmark-gfm (GitHub's renderer, in C) reads CommonMark plus tables, strikethrough, bare
# URLs and footnotes in ~0.1 ms an article, against ~2.5 ms for Python-Markdown
# with `extra`, which was most of a cold build. Raw HTML is let through here (UNSAFE)
# because nh3 below is what decides what survives.
_CMARK_OPTIONS = (cmarkgfm.Options.CMARK_OPT_UNSAFE | cmarkgfm.Options.CMARK_OPT_FOOTNOTES
                  | cmarkgfm.Options.CMARK_OPT_VALIDATE_UTF8)
# No task lists: their checkboxes are form controls, which the sanitiser removes, and a
# literal "[x]" says more than a bullet that lost its box.
_CMARK_EXTENSIONS = ("table", "strikethrough", "autolink")


@lru_cache(maxsize=1)
def _python_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=_MARKDOWN_EXTENSIONS, output_format="html")


def _to_html(text: str, engine: str) -> str:
    if engine == "python-markdown":  # for sites written for Pelican: `extra` syntax
        converter = _python_markdown()
        converter.reset()
        return converter.convert(text)
    return commonmark.to_html(text, _CMARK_OPTIONS, _CMARK_EXTENSIONS)


def render_markdown(text: str, engine: str = "commonmark") -> tuple[str, list[str]]:
    """Markdown (with raw HTML) -> sanitised HTML; headings shift down so h1 stays the title."""
    return sanitise_html(_to_html(strip_controls(text), engine))


def sanitise_html(raw: str) -> tuple[str, list[str]]:
    """HTML (rendered Markdown, an .html or .rst body) -> sanitised HTML and what was removed;
    headings shift down so h1 stays the title."""
    # Browsers decode entities in attributes: "java&#x09;script:" is javascript: too.
    text = html.unescape(raw) if "&" in raw else raw
    found = (_UNSAFE_ATTRIBUTE.match(text, start)
             for start in url_attributes(text))  # few, so the slow pattern runs little
    problems = [f"unsafe link {''.join(m.group(1).split())!r} in the body; removed"
                for m in found if m]
    raw = re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", raw)
    cleaned = _SANITISER.clean(raw).strip()
    return cleaned, problems


def render_blocks(blocks: Iterable[Block]) -> str:
    """Plain-text blocks -> escaped HTML."""
    parts = []
    for block in blocks:
        if block.kind == "h":
            parts.append(f"<h2>{html.escape(block.text, quote=False)}</h2>")
        elif block.kind == "ul":
            items = "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in block.items)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{html.escape(block.text, quote=False)}</p>")
    return "\n".join(parts)


def html_text(fragment: str) -> str:
    return clean_text(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))
