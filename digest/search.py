"""Output edge: rendered article pages -> a Pagefind search bundle, as files in memory.

Pagefind's Python API drives the binary its wheel ships, in a subprocess. It reads the
HTML that render produced (never the output folder), and its bundle joins the other
files before write.py swaps the new site into place, so write.py still owns the output.

Pagefind writes its filter indexes in hash-map order, which changes from run to run
(upstream issue Pagefind/pagefind#638). `stabilise` re-sorts them and renames the files
that name them, so two builds of the same site stay byte-identical.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .config import SiteConfig

BUNDLE = "pagefind/"
_SIGNATURE = b"pagefind_dcd"
_ARTICLE_PAGE = re.compile(r"articles/[^/]+/index\.html")


class SearchUnavailable(Exception):
    """The search index could not be built; the message says why and what to do."""


def searchable(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Every output file -> the article pages, the only pages search results point to."""
    return {path: data for path, data in sorted(files.items()) if _ARTICLE_PAGE.fullmatch(path)}


def search_index(files: Mapping[str, bytes], config: SiteConfig) -> dict[str, bytes]:
    """Rendered site files -> {'pagefind/…': bytes}; raises SearchUnavailable."""
    try:
        from pagefind.index import PagefindIndex
        from pagefind.service import get_executable
    except ImportError as err:
        raise SearchUnavailable("the pagefind package is not installed, so the site has no "
                                "search index (pip install 'pagefind[extended]')") from err
    if get_executable() is None:
        raise SearchUnavailable("the pagefind binary was not found, so the site has no search "
                                "index (pip install 'pagefind[extended]')")
    pages = searchable(files)
    language = config.language.split("-")[0].lower() or "en"

    # One request for the whole folder: the service answers one message per 0.1 s, so
    # adding pages one by one would cost 0.1 s per article.
    async def run(site: Path, bundle: Path) -> None:
        index_config: Any = {"force_language": language,
                             "keep_index_url": not config.clean_links,
                             "output_path": str(bundle)}
        async with PagefindIndex(index_config) as index:  # writes the bundle on success
            await index.add_directory(str(site))

    with tempfile.TemporaryDirectory(prefix="digest-search-") as folder:
        site, bundle = Path(folder) / "site", Path(folder) / "bundle"
        site.mkdir()
        for path, data in pages.items():  # a private copy: the output folder is write.py's
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_bytes(data)
        try:
            asyncio.run(run(site, bundle))
        except Exception as err:  # the subprocess can fail in many ways; all mean "no search"
            raise SearchUnavailable(f"pagefind failed, so the site has no search index: "
                                    f"{type(err).__name__}: {err}") from err
        result = {BUNDLE + p.relative_to(bundle).as_posix(): p.read_bytes()
                  for p in sorted(bundle.rglob("*")) if p.is_file()}
    if not result:
        raise SearchUnavailable("pagefind wrote no search index")
    return stabilise(result)


def stabilise(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """A Pagefind bundle -> the same bundle with filter indexes in sorted order.

    A filter file is named by a hash of its content and listed in the language's
    metadata file, which is itself named by hash in pagefind-entry.json; so a sorted
    filter file gets a new name, and the names that point to it change with it.
    Anything unexpected (another Pagefind format) leaves the bundle as it was.
    """
    try:
        import cbor2
    except ImportError:
        return bundle
    entry_path = BUNDLE + "pagefind-entry.json"
    try:
        entry = json.loads(bundle[entry_path])
        out = dict(bundle)
        for language in entry["languages"].values():
            meta_path = f"{BUNDLE}pagefind.{language['hash']}.pf_meta"
            meta = _decode(bundle[meta_path], cbor2)
            filters = []
            for name, old in meta[3]:
                values = _decode(out.pop(f"{BUNDLE}filter/{old}.pf_filter"), cbor2)
                values[1] = sorted(values[1], key=lambda pair: pair[0])
                data = _encode(values, cbor2)
                new = _hashed_name(old, data)
                out[f"{BUNDLE}filter/{new}.pf_filter"] = data
                filters.append([name, new])
            meta[3] = sorted(filters)
            data = _encode(meta, cbor2)
            language["hash"] = _hashed_name(language["hash"], data)
            del out[meta_path]
            out[f"{BUNDLE}pagefind.{language['hash']}.pf_meta"] = data
        out[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"),
                                     sort_keys=True).encode("utf-8")
    except (KeyError, IndexError, TypeError, ValueError, OSError, EOFError):
        return bundle
    return dict(sorted(out.items()))


def _decode(data: bytes, cbor2: Any) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("not a pagefind file")
    return cbor2.loads(raw[len(_SIGNATURE):])


def _encode(value: Any, cbor2: Any) -> bytes:
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def _hashed_name(old: str, data: bytes) -> str:
    """'en_3b80956' + new content -> 'en_<hash of the content>' of the same length."""
    prefix, _, digest = old.rpartition("_")
    return f"{prefix}_{hashlib.sha256(data).hexdigest()[:len(digest)]}"
