"""reStructuredText, as Pelican reads it: docutils makes the body an HTML fragment.

The document's title is the title; the field list under it (docutils' docinfo: `:date:`,
`:tags:`, `:slug:`, `:category:`, `:authors:`, `:summary:`, `:status:`, `:modified:`, …)
gives the other fields, keys lower-cased. Raw HTML and file inclusion are disabled, no
docutils.conf on the machine is read, and docutils' messages become problems with their
lines instead of text in the page. Hugo-style front matter above the document is read too
and wins over the field list.
"""

from __future__ import annotations

import io
from typing import Any

import docutils.core
import docutils.io
import docutils.parsers
import docutils.writers
from docutils import nodes
from docutils.readers import standalone

from .base import Document, Problems, split_list
from .header import read_header

SETTINGS: dict[str, Any] = {
    "_disable_config": True,  # never read a docutils.conf that happens to be on the machine
    "raw_enabled": False,
    "file_insertion_enabled": False,
    "report_level": 5,  # nothing in the output; messages are collected by an observer
    "halt_level": 5,  # never stop on a message
    "warning_stream": io.StringIO(),
    "traceback": True,  # raise, never sys.exit, on an internal error
    "initial_header_level": 2,  # h1 is the page's title
    "input_encoding": "unicode",
    "output_encoding": "unicode",
    "syntax_highlight": "none",
    "embed_stylesheet": False,
    "language_code": "en",
}
LIST_FIELDS = frozenset({"tags", "keywords"})


def detect(text: str, suffix: str) -> bool:
    """Is it a .rst file?"""
    return suffix == ".rst"


def read(text: str, rel: str) -> Document:
    """reStructuredText (maybe under front matter) -> Document with an HTML body."""
    header = read_header(text, rel)
    source, offset = (header.body, header.body_line - 1) if header else (text, 0)
    problems: list[tuple[int | None, str]] = list(header.problems) if header else []
    try:
        body, fields, messages = _publish(source)
    except (Exception, SystemExit) as err:  # docutils is big; one file must not stop a build
        problems.append((None, f"could not read the reStructuredText ({type(err).__name__}: "
                         f"{str(err)[:80]}); shown as plain text"))
        return Document(header.meta if header else None, source, "plain", offset + 1, "rst",
                        tuple(problems))
    problems.extend((line + offset if line else None, message) for line, message in messages)
    meta: dict[str, Any] | None = fields | (header.meta or {}) if header else fields
    if not meta and (header is None or header.meta is None):
        meta = None  # neither a title nor a field: no metadata at all
    if "title" not in (meta or {}):
        problems.append((None, "no document title: an rst document's title is its one "
                         "top-level section heading"))
    return Document(meta, body, "html", offset + 1, "rst", tuple(problems))


class _Reader(standalone.Reader):  # type: ignore[misc]
    """The standalone reader, collecting every message docutils reports."""

    def __init__(self) -> None:
        """A standalone reader with an empty message list."""
        super().__init__()
        self.messages: list[nodes.system_message] = []

    def new_document(self) -> nodes.document:
        """The new document, its reporter observed."""
        document = super().new_document()
        document.reporter.attach_observer(self.messages.append)
        return document


def _publish(source: str) -> tuple[str, dict[str, Any], Problems]:
    """rst text -> body HTML, docinfo fields and (line, message) for warnings and errors."""
    reader = _Reader()
    publisher = docutils.core.Publisher(
        reader=reader, parser=docutils.parsers.get_parser_class("restructuredtext")(),
        writer=docutils.writers.get_writer_class("html5")(),
        source_class=docutils.io.StringInput, destination_class=docutils.io.StringOutput)
    publisher.process_programmatic_settings(None, dict(SETTINGS, warning_stream=io.StringIO()),
                                            None)
    publisher.set_source(source=source, source_path="<rst>")
    publisher.set_destination()
    publisher.publish()
    document = publisher.document
    fields = _fields(document)
    messages = tuple((m.get("line"), _message_text(m)) for m in reader.messages
                     if m.get("level", 0) >= 2)
    return publisher.writer.parts["body"], fields, tuple(dict.fromkeys(messages))


def _fields(document: nodes.document) -> dict[str, Any]:
    """The document title and its docinfo, as Pelican's rst reader takes them."""
    fields: dict[str, Any] = {}
    index = document.first_child_matching_class(nodes.title)
    if index is not None:
        fields["title"] = " ".join(document[index].astext().split())
    for docinfo in document.findall(nodes.docinfo):
        for element in docinfo.children:
            if element.tagname == "field" and len(element.children) == 2:
                name, value = element[0].astext(), element[1].astext().strip()
            elif element.tagname == "authors":
                name, value = "authors", [child.astext() for child in element.children]
            else:
                name, value = element.tagname, element.astext().strip()
            name = name.lower()
            fields[name] = split_list(value) if name in LIST_FIELDS else value
    return fields


def _message_text(message: nodes.system_message) -> str:
    """A docutils system message -> one line of text."""
    text = message.children[0].astext() if message.children else message.astext()
    return f"reStructuredText: {' '.join(text.split())}"
