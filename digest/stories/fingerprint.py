"""Pure: an article's title and text -> Fingerprint (MinHash signatures and key terms).

Computed once per file when it is parsed (read/normalise.py), so the build cache keeps
it beside the parsed article: a rebuild after an edit computes one fingerprint, not all.

- `shingles`: MinHash of the word 3-grams of the text: near-duplicates and syndicated
  copies (whatever their headline) have most 3-grams in common.
- `terms`: what a rewrite of the same report keeps: names (capitalised words inside a
  sentence), numbers, and the title's words.
- `text_hash`: the normalised text (case and spacing ignored): an exact duplicate.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache

import numpy as np

from ..model import Fingerprint

NUM_PERM = 64  # 64 permutations: a Jaccard estimate within ~0.06, 256 bytes a signature
SHINGLE = 3  # words per shingle
MAX_WORDS = 150  # the start of a story says what it is about; longer texts cost more
MAX_TERMS = 60
TERMS_FROM = 2000  # characters: the names and figures of a report are in its first lines

_WORD = re.compile(r"\w+")

_STOPWORDS_TEXT = """
a about after again against all also an and any are as at be because been before being but
by can could did do does during each for from had has have he her here hers him his how i
if in into is it its itself just may me might more most much must my new no nor not now of
off on once one only or other our out over own said same says she should so some such than
that the their them then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yet amid
says say year years week weeks day days today yesterday monday tuesday wednesday thursday
friday saturday sunday mr mrs ms dr january february march april may june july august
september october november december
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """NUM_PERM affine permutations h -> a * h + b (mod 2^32, `a` odd), fixed for good:
    signatures made by another build must compare with these."""
    gen = np.random.RandomState(1)
    a = gen.randint(1, 1 << 32, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
    b = gen.randint(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)
    return a.astype(np.uint32), b.astype(np.uint32)


def signature(values: np.ndarray) -> bytes:
    """32-bit hash values -> their MinHash signature, NUM_PERM uint32 values as bytes.

    The scheme is datasketch's "affine32" (MurmurHash3's finaliser, then the affine
    permutations, then the minimum of each), so datasketch's LSH and LeanMinHash take the
    signatures as they are; it is computed here with numpy because importing datasketch
    imports scipy (50 MB and 0.3 s in every process of every build), while only LSH for
    undated articles needs it (cluster.py imports it then).
    """
    if len(values) == 0:
        return b""
    h = np.asarray(values, dtype=np.uint32)
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    h = h ^ (h >> np.uint32(16))
    a, b = _permutations()
    return (h[:, None] * a[None, :] + b[None, :]).min(axis=0).astype(np.uint32).tobytes()


def words(text: str) -> list[str]:
    """Text -> its words, lowercased."""
    return _WORD.findall(text.casefold())


def _hash32(word: str) -> int:
    return zlib.crc32(word.encode("utf-8", "surrogatepass"))


class _Hashes(dict[str, int]):
    """word -> _hash32(word), each worked out once: most words of a site are in many of
    its articles (2,085 distinct in the 10,000 bench articles' first 150), and a lookup
    costs a fifth of encoding and hashing the word."""

    def __missing__(self, word: str) -> int:
        if len(self) >= 1 << 16:  # (a long-lived preview meets ever more words)
            self.clear()
        self[word] = found = _hash32(word)
        return found


_HASHES = _Hashes()


def _shingle_hashes(tokens: list[str]) -> np.ndarray:
    """Words -> one 32-bit hash per word 3-gram (a short text: per word), repeats kept:
    they change no minimum (signature), and np.unique cost a third of a fingerprint."""
    hashed = np.fromiter(map(_HASHES.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    if len(hashed) < SHINGLE:
        return hashed.astype(np.uint32)
    mixed = hashed[:-2] * np.uint64(0x9E3779B1) + hashed[1:-1] * np.uint64(0x85EBCA77) \
        + hashed[2:]
    return (mixed ^ (mixed >> np.uint64(32))).astype(np.uint32)


# A name or a number: a capitalised word that does not start a sentence, or a figure
# ('GPT-4', '11.3%', 'Meta’s' stay whole). It is
# (?<![.!?]\s)\b(?:[A-Z][\w'’-]*(?:\.\d+)?|\d[\d.,]*%?) with its first character first
# and the look-behinds one character longer: a pattern that starts with a character class
# is searched for by that class, at a third of the cost (the same matches).
_TERM = re.compile(r"[A-Z\d](?<![.!?]\s.)(?<!\w.)(?:(?<=[A-Z])[\w'’-]*(?:\.\d+)?"
                   r"|(?<=\d)[\d.,]*%?)", re.DOTALL)
_POSSESSIVE = re.compile(r"['’]s?$")


def key_terms(title: str, text: str) -> tuple[str, ...]:
    """Names, numbers and title words -> sorted, at most MAX_TERMS (the earliest)."""
    found: dict[str, None] = {}
    for word in words(title):
        if word not in STOPWORDS and len(word) > 1:
            found[word] = None
    for match in _TERM.finditer(text, 0, TERMS_FROM):
        if match.start() == 0 or text[match.start() - 1] == "\n":  # a sentence's start
            continue
        word = _POSSESSIVE.sub("", match.group().casefold().rstrip(".,"))
        if word not in STOPWORDS and len(word) > 1:
            found[word] = None
            if len(found) >= MAX_TERMS:
                break
    return tuple(sorted(found))


def normalised_hash(text: str, tokens: list[str] | None = None) -> str:
    """Text with case and spacing ignored -> a hash ('' for no text); `tokens`: its
    split(), if the caller has it."""
    tokens = text.split() if tokens is None else tokens
    if not tokens:
        return ""
    return hashlib.blake2b(" ".join(tokens).casefold().encode("utf-8", "surrogatepass"),
                           digest_size=12).hexdigest()


def fingerprint(title: str, text: str) -> Fingerprint:
    """An article's title and plain text -> its Fingerprint."""
    tokens = words(text[:MAX_WORDS * 8])[:MAX_WORDS] or words(title)
    terms = key_terms(title, text)
    spaced = text.split()
    return Fingerprint(
        shingles=signature(_shingle_hashes(tokens)) if tokens else b"",
        terms=" ".join(terms),
        text_hash=normalised_hash(text, spaced),
        words=len(spaced),
    )
