"""Output edge: the article pages -> the search bundle as shards, indexing again only the
shards whose indexed text changed.

Pagefind cannot update an index (Pagefind/pagefind#71), and one index of every article
costs time and memory in proportion to the site (35 s and 2.5 GB at 10,000 articles).
So the articles are indexed by month of publication, each month a bundle of its own
(a month of more than SHARD_SIZE articles is cut into parts by day, undated articles
by a hash of their path), and the reader's browser merges them with Pagefind's
`mergeIndex`. The oldest shard lives at `pagefind/` beside Pagefind's script and
WebAssembly (the primary index), every other one in `pagefind/<name>/`; `shards.json`
lists them for search.js and records what each was built from:

- `pages`: a hash of the shard's page files, and `key`: a hash of what Pagefind was
  given, the `data-pagefind-body` element of each page. A shard whose pages kept
  their bytes is kept without reading them; one whose pages changed is read and kept
  when its indexed text did not change (an edit elsewhere changed a "newer" link);
  only the rest are indexed again.
- `size` and `words`: its pages and the words Pagefind counted on them, and `meta`: the
  metadata fields they have. Pagefind scores a page by BM25 over its own index's
  statistics (page count, average page length, pages holding a word); search.js puts
  these together into the whole site's, so that the merged results are ranked as one
  index of every article would rank them.

The files kept are those of the last build's output (the caller checks they are still
as written); everything goes through the same staging folder and swap as the pages.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import math
import re
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from importlib import metadata
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ..config import SiteConfig
from .search import BUNDLE, Document, index_shards

SHARDS = BUNDLE + "shards.json"
# Articles a shard holds at most (a month of more is cut into parts). An edit indexes its
# shard again, ~1.4 s of Pagefind's CPU time per 400 articles; every shard is one more
# pair of requests when the reader's first search loads the index, and one more request
# per word searched. At 10,000 articles: 24 months of ~330, undated ones in 5 parts.
SHARD_SIZE = 500
_FORMAT = 2
_SIGNATURE = b"pagefind_dcd"
# A shard's own files; the rest of a bundle (pagefind.js, its worker, the WebAssembly)
# is the same in every shard and kept once, at the top.
_OWN = re.compile(r"(?:pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|(?:index|fragment|filter)/.+)")


def shard_names(published: Mapping[str, datetime | None]) -> dict[str, str]:
    """{article page file: its publication time} -> {page file: its shard's name}:
    '2024-05', '2024-05-2' for a part of a big month, 'undated', 'undated-3'."""
    months: dict[str, list[str]] = {}
    for file, when in published.items():
        months.setdefault(when.strftime("%Y-%m") if when else "undated", []).append(file)
    out: dict[str, str] = {}
    for month, files in months.items():
        parts = math.ceil(len(files) / SHARD_SIZE)
        for file in files:
            if parts == 1:
                out[file] = month
                continue
            when = published[file]
            part = ((when.day - 1) * parts // 31 if when
                    else zlib.crc32(file.encode("utf-8")) % parts)
            out[file] = f"{month}-{part + 1}"
    return out


def indexed(page: bytes, language: str) -> bytes:
    """An article page -> what Pagefind indexes of it, as a page of its own: the elements
    marked `data-pagefind-body`, without the parts marked `data-pagefind-ignore` that hold
    no filter or metadata (the "newer"/"older" links, related reading), so that a change
    there is no change to the index; the whole page when nothing is marked."""
    tree = LexborHTMLParser(page)
    bodies = tree.css("[data-pagefind-body]")
    if not bodies:
        return page
    for node in tree.css("[data-pagefind-body] [data-pagefind-ignore]"):
        if node.parent is not None and not node.css_first(
                "[data-pagefind-filter], [data-pagefind-meta]"):
            node.decompose()
    lang = html.escape(language, quote=True)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head><body>'
            + "".join(body.html or "" for body in bodies) + "</body></html>").encode("utf-8")


def search_bundle(config: SiteConfig, shard_of: Mapping[str, str], hashes: dict[str, str],
                  previous: Mapping[str, str], state: bytes | None,
                  read: Callable[[str], bytes], jobs: int = 1) -> dict[str, bytes]:
    """The article pages ({page file: shard}) -> the bundle's files to write; the files
    of the last bundle that still fit (`previous`, with its `state`, the shards.json it
    wrote) are added to `hashes` instead. `read(file)` gives a page's bytes. Raises
    SearchUnavailable."""
    settings = _settings(config)
    groups: dict[str, list[str]] = {}
    for file, name in sorted(shard_of.items()):
        groups.setdefault(name, []).append(file)
    if not groups:
        return {}
    root = min(groups)
    old = _old_shards(state, settings, previous)
    keys: dict[str, str] = {}  # of the shards read
    stats: dict[str, dict[str, object]] = {}
    read_before: dict[str, list[Document]] = {}  # (read to compare, then to be indexed)

    def documents(name: str) -> list[Document]:
        """A shard's pages as Pagefind is given them; read when a shard is indexed (in
        the indexing threads, so a cold build reads while Pagefind works)."""
        found = read_before.pop(name, None)
        if found is None:
            found = [("/" + f, indexed(read(f), config.language)) for f in groups[name]]
            keys[name] = _hash("\n".join(f"{url} {_hash(doc)}" for url, doc in found))
        return found

    kept: dict[str, str] = {}
    todo: dict[str, Callable[[], list[Document]]] = {}
    for name, files in sorted(groups.items()):
        path = "" if name == root else name + "/"
        before = old.get(name, {})
        own = _files(previous, path) if before.get("path") == path else {}
        if own and before.get("pages") == _hash("\n".join(files)) and all(
                previous.get(f) == hashes.get(f) for f in files):
            keys[name] = before["key"]  # no page changed
            stats[name] = before["stats"]
        elif own:  # pages changed: is what Pagefind would be given the same?
            read_before[name] = documents(name)
            if keys[name] != before["key"]:
                todo[name] = partial(documents, name)
            else:
                del read_before[name]
                stats[name] = before["stats"]
        else:  # nothing to compare with: read while indexing
            todo[name] = partial(documents, name)
        if name not in todo:
            kept.update(own)
    common = {rel: digest for rel, digest in previous.items()
              if rel.startswith(BUNDLE) and _common(rel[len(BUNDLE):])}
    if not todo and not common:  # (the top files are gone: index the primary again)
        todo[root] = partial(documents, root)
        kept = {rel: d for rel, d in kept.items() if rel not in _files(previous, "")}
    out: dict[str, bytes] = {}
    for name, files in index_shards(todo, config, jobs).items():
        path = "" if name == root else name + "/"
        stats[name] = shard_stats(files)
        for rel, data in files.items():
            if _OWN.fullmatch(rel):
                out[BUNDLE + path + rel] = data
            elif rel.startswith(("pagefind", "wasm.")) and "/" not in rel:
                out.setdefault(BUNDLE + rel, data)  # the same in every shard
    if todo:
        common = {}
    hashes.update(kept | common)
    shards = [{"name": name, "path": "" if name == root else name + "/",
               "pages": _hash("\n".join(files)), "key": keys[name], **stats[name]}
              for name, files in sorted(groups.items())]
    out[SHARDS] = json.dumps({"format": _FORMAT, "settings": settings, "shards": shards},
                             sort_keys=True, separators=(",", ":")).encode("utf-8")
    return out


def shard_stats(files: Mapping[str, bytes]) -> dict[str, object]:
    """A shard's bundle files -> {"size": its pages, "words": the words Pagefind counted
    on them, "meta": its metadata fields}, from its fragments (one per page: gzip,
    Pagefind's signature, JSON)."""
    size = words = 0
    meta: set[str] = set()
    for rel, data in files.items():
        if rel.startswith("fragment/"):
            fragment = json.loads(gzip.decompress(data)[len(_SIGNATURE):])
            size += 1
            words += int(fragment["word_count"])
            meta.update(fragment.get("meta", {}))
    return {"size": size, "words": words, "meta": sorted(meta)}


def _settings(config: SiteConfig) -> str:
    """What else decides every shard: Pagefind's version, the language, the URLs' form."""
    try:
        version = metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        version = "?"
    return f"pagefind {version}|{config.language}|clean {config.clean_links}"


def _old_shards(state: bytes | None, settings: str, previous: Mapping[str, str]
                ) -> dict[str, dict[str, Any]]:
    """The last build's shards.json -> {name: its record}; {} when it does not fit."""
    if state is None or not previous.get(SHARDS):
        return {}
    try:
        data = json.loads(state)
        if data.get("format") != _FORMAT or data.get("settings") != settings:
            return {}
        return {s["name"]: {**{k: str(s[k]) for k in ("path", "pages", "key")},
                            "stats": {"size": int(s["size"]), "words": int(s["words"]),
                                      "meta": [str(m) for m in s["meta"]]}}
                for s in data["shards"]}
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}


def _files(previous: Mapping[str, str], path: str) -> dict[str, str]:
    """The last bundle's files of the shard at `path` ('' for the primary) -> hashes."""
    prefix = BUNDLE + path
    return {rel: digest for rel, digest in previous.items()
            if rel.startswith(prefix) and _OWN.fullmatch(rel[len(prefix):])}


def _common(rel: str) -> bool:
    """A path in the bundle -> whether it is one of Pagefind's top files."""
    return "/" not in rel and rel != "shards.json" and not _OWN.fullmatch(rel)


def _hash(data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()[:32]
