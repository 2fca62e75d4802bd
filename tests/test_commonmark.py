"""cmark-gfm through digest.read.commonmark: the same HTML as cmarkgfm's own call, no leak."""

from __future__ import annotations

import sys

import cmarkgfm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.read import commonmark
from digest.read.markdown import _CMARK_EXTENSIONS, _CMARK_OPTIONS

MARKDOWN = st.lists(st.sampled_from([
    "# Title", "Some *text* and **more**", "| a | b |\n|---|---|\n| 1 | 2 |", "~~gone~~",
    "www.example.com", "[^1]\n\n[^1]: a note", "- item\n- item", "<div>raw</div>",
    "```\ncode\n```", "> quote", "![img](x.png)", "\n", "é ✓ 日本",
]) | st.text(), max_size=12).map("\n\n".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWN)
def test_the_same_html_as_cmarkgfm(text: str) -> None:
    assert commonmark.to_html(text, _CMARK_OPTIONS, _CMARK_EXTENSIONS) == \
        cmarkgfm.markdown_to_html_with_extensions(text, _CMARK_OPTIONS, list(_CMARK_EXTENSIONS))


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_rendering_gives_its_memory_back() -> None:
    assert commonmark.FREES is not None  # the frees are reachable on this platform
    text = "\n\n".join(f"Paragraph {i} with a [link](https://example.com/{i}) and *words*."
                       for i in range(200))
    for _ in range(50):  # settle the allocator
        commonmark.to_html(text, _CMARK_OPTIONS, _CMARK_EXTENSIONS)
    before = _resident_mb()
    for _ in range(2000):
        commonmark.to_html(text, _CMARK_OPTIONS, _CMARK_EXTENSIONS)
    # cmarkgfm's own call keeps each tree and string it made: over 700 MB here
    assert _resident_mb() - before < 20


def test_an_unknown_extension_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown cmark-gfm extension"):
        commonmark.to_html("x", _CMARK_OPTIONS, ["no-such-extension"])
