"""Fingerprints: MinHash signatures that estimate Jaccard, key terms, normalised text."""

from __future__ import annotations

import re
import zlib

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from digest.stories.fingerprint import (
    _TERM,
    _shingle_hashes,
    fingerprint,
    key_terms,
    normalised_hash,
    signature,
)
from digest.stories.pairs import index, lean
from digest.stories.pairs import jaccard as _jaccard


def test_signatures_estimate_the_jaccard_of_their_sets() -> None:
    rng = np.random.default_rng(7)
    universe = rng.choice(1 << 31, size=3000, replace=False).astype(np.uint32)
    for shared in (0, 250, 500, 750, 1000):
        a = universe[:1000]
        b = np.concatenate([universe[:shared], universe[1000: 2000 - shared]])
        true = shared / (2000 - shared)
        assert abs(_jaccard(signature(a), signature(b)) - true) < 0.15, shared
    assert signature(np.array([], dtype=np.uint32)) == b""


def test_datasketch_lsh_takes_the_signatures() -> None:
    same = fingerprint("A", "word " * 5 + "the ministry said on Friday it would cut the rate "
                       "by half and review the plan next year in full.").shingles
    other = fingerprint("B", "an entirely different text about football clubs and their "
                        "new stadium plans in the north of the country.").shingles
    lsh = index(0.5)
    lsh.insert("same", lean(same))
    lsh.insert("other", lean(other))
    assert lsh.query(lean(same)) == ["same"]


def test_key_terms_are_names_figures_and_title_words() -> None:
    terms = key_terms("Meta unveils Llama 3", "Meta Platforms released it on Tuesday. "
                      "Mark Zuckerberg said GPT-3.5 and Microsoft’s models trail by 11.3%.")
    # not 'Mark' (a sentence's start), 'Tuesday' (a weekday) or '3' (one digit)
    assert terms == ("11.3%", "gpt-3.5", "llama", "meta", "microsoft", "platforms",
                     "unveils", "zuckerberg")


def test_normalised_text_ignores_case_and_spacing() -> None:
    assert normalised_hash("Hello  World\n") == normalised_hash("hello world")
    assert normalised_hash("hello world") != normalised_hash("hello, world")
    assert normalised_hash("  ") == ""


# _TERM as it was first written; the one in fingerprint.py is the same, reordered for speed
_TERM_AS_WRITTEN = re.compile(r"(?<![.!?]\s)\b(?:[A-Z][\w'’-]*(?:\.\d+)?|\d[\d.,]*%?)")


@given(st.text(alphabet="aZx1٣9 .!?\n'’-,%_ß", max_size=60))
def test_key_term_pattern_finds_what_it_was_written_to_find(text: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[int, str]]:
        return [(m.start(), m.group()) for m in pattern.finditer(text)]

    assert found(_TERM) == found(_TERM_AS_WRITTEN)


@given(st.lists(st.text(max_size=6), max_size=12))
def test_shingle_hashes_are_each_words_crc32_mixed(tokens: list[str]) -> None:
    """The words' hashes, looked up once worked out, are their CRC-32s."""
    hashed = np.array([zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in tokens],
                      dtype=np.uint64)
    if len(hashed) >= 3:
        hashed = hashed[:-2] * np.uint64(0x9E3779B1) + hashed[1:-1] * np.uint64(0x85EBCA77) \
            + hashed[2:]
        hashed = hashed ^ (hashed >> np.uint64(32))
    assert _shingle_hashes(tokens).tolist() == hashed.astype(np.uint32).tolist()
    assert _shingle_hashes(tokens).tolist() == hashed.astype(np.uint32).tolist()
