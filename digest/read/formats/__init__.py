"""The reader table: each file is read by the first reader whose cheap test says it is its.

    read_document(text, rel) -> Document       (pure; never raises)
    title_from_heading(body) -> (title, body)  (a Markdown body's leading '# Title')

The order, as Pelican registers its readers, first match wins:

1. `mdx`     .mdx files: front matter (as 3-6 read it), then Markdown with the JSX dropped
2. `rst`     .rst files: front matter if any, then docutils (title, docinfo fields, HTML body)
3. `toml`    '+++' … '+++' (Hugo)
4. `pelican` '---', then only simple lines with Pelican's capitalised keys, then '---'
5. `yaml`    '---' … '---' (also after a BOM or blank lines), read forgivingly
6. `json`    a '{"…": …}' object opening the file (Hugo)
7. `html`    .html/.htm files without front matter: Pelican's HTML reader
8. `pelican` `Key: value` header lines, when the first key is one Pelican knows
9. `none`    everything else: no metadata, the whole text is the body

The body's format comes from the file name (base.body_format_for): Markdown suffixes
(.md, .markdown, .mkd, .mdown, .text, .Rmd, .mdx, …) give "markdown", .html/.htm/.rst
"html", anything else (.txt) "plain". A BOM is dropped and line ends become '\n' first. A
reader that fails unexpectedly costs the file its metadata, with a problem, never the build.

In the pipeline (once digest/read/ is in place): read_document replaces split_front_matter
for every file; its problems become Problem(rel, message, line); `meta` goes through the
field table as before; a Markdown body is rendered and sanitised as now, an "html" body
(rst, .html) only sanitised, a "plain" body read for its structure; title_from_heading
applies to a Markdown body whose metadata has no title. Site conventions: digest.read.sites.
"""

from __future__ import annotations

from . import bare, html_page, mdx, pelican, rst
from .bare import title_from_heading
from .base import Document, Reader, body_format_for, suffix_of
from .header import HEADERS

__all__ = ["READERS", "Document", "Reader", "body_format_for", "read_document",
           "title_from_heading"]

READERS: tuple[Reader, ...] = (
    Reader("mdx", mdx.detect, mdx.read),
    Reader("rst", rst.detect, rst.read),
    *HEADERS,
    Reader("html", html_page.detect, html_page.read),
    Reader("pelican", pelican.detect, pelican.read),
    Reader("none", bare.detect, bare.read),
)


def read_document(text: str, rel: str) -> Document:
    """A file's text and its path in the content folder -> Document (never raises)."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    suffix = suffix_of(rel)
    for reader in READERS:
        try:
            if reader.detect(text, suffix):
                return reader.read(text, rel)
        except Exception as err:  # a bug in one reader must cost one file its metadata only
            message = (f"the {reader.name} reader failed ({type(err).__name__}: "
                       f"{str(err)[:80]}); read as text without metadata")
            return Document(None, text, body_format_for(rel), 1, "none", ((None, message),))
    return bare.read(text, rel)  # pragma: no cover - bare.detect is always true
