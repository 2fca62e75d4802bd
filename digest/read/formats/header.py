"""The front-matter readers alone, for readers whose body is another format (rst, MDX)."""

from __future__ import annotations

from . import json_fm, pelican, toml_fm, yaml_fm
from .base import Document, Reader, suffix_of

HEADERS: tuple[Reader, ...] = (
    Reader("toml", toml_fm.detect, toml_fm.read),
    Reader("pelican", pelican.detect_fenced, pelican.read),  # before YAML: see detect_fenced
    Reader("yaml", yaml_fm.detect, yaml_fm.read),
    Reader("json", json_fm.detect, json_fm.read),
)


def read_header(text: str, rel: str) -> Document | None:
    """Text -> the Document of its front matter and body; None when it opens with none."""
    suffix = suffix_of(rel)
    for reader in HEADERS:
        if reader.detect(text, suffix):
            return reader.read(text, rel)
    return None
