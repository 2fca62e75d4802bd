"""CommonMark -> HTML with cmark-gfm (GitHub's renderer, in C), without its leak.

cmarkgfm's `markdown_to_html_with_extensions` frees neither the document tree it parses
nor the HTML string it renders: about 38 KB an article, never given back. A worker that
parsed 50,000 articles held a gigabyte it could not use, and paid a page fault for every
4 KB of it. The package's cffi module does not declare the two functions that free
them, but its library exports them, so they are called through ctypes. Where that
library cannot be opened so (another platform's build), the leaking call is used.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence

import cmarkgfm
from cmarkgfm import _cmark
from cmarkgfm import cmark as _api

Free = Callable[[int], None]


class _Allocator(ctypes.Structure):
    """cmark_mem: the allocator whose `free` gives back what cmark_render_html returned."""

    _fields_ = [("calloc", ctypes.c_void_p), ("realloc", ctypes.c_void_p),
                ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p))]


def _native_frees() -> tuple[Free, Free] | None:
    """(cmark_node_free, the default allocator's free), or None where ctypes cannot
    reach them. Opening the loaded library again gives the same copy (same allocator,
    same registered extensions)."""
    try:
        native = ctypes.CDLL(_cmark.__file__)
        node_free = native.cmark_node_free
        node_free.argtypes, node_free.restype = [ctypes.c_void_p], None
        allocator = native.cmark_get_default_mem_allocator
        allocator.argtypes, allocator.restype = [], ctypes.POINTER(_Allocator)
        free = allocator().contents.free
    except (OSError, AttributeError, ValueError):  # pragma: no cover - other builds
        return None
    return node_free, free


FREES = _native_frees()


def _address(pointer: object) -> int:
    return int(_cmark.ffi.cast("uintptr_t", pointer))


def to_html(text: str, options: int, extensions: Sequence[str]) -> str:
    """What cmarkgfm.markdown_to_html_with_extensions returns, with its memory freed."""
    if FREES is None:  # pragma: no cover - other builds
        return cmarkgfm.markdown_to_html_with_extensions(text, options, list(extensions))
    node_free, free = FREES
    _api.core_extensions_ensure_registered()
    parser = _api.parser_new(options=options)
    try:
        for name in extensions:
            extension = _api.find_syntax_extension(name)
            if extension is None:
                raise ValueError(f"unknown cmark-gfm extension {name!r}")
            _api.parser_attach_syntax_extension(parser, extension)
        _api.parser_feed(parser, text)
        root = _api.parser_finish(parser)
        try:
            rendered = _cmark.lib.cmark_render_html(
                root, options, _api.parser_get_syntax_extensions(parser))
            try:
                return _cmark.ffi.string(rendered).decode("utf-8")
            finally:
                free(_address(rendered))
        finally:
            node_free(_address(root))
    finally:
        _api.parser_free(parser)
