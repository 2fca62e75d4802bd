"""Pure: the built site -> links that would break once it is published.

Two mistakes break a site served under a subpath such as https://user.github.io/repo/:
a root-absolute link ('/static/x.css') that ignores the base path, and a link to a
file that is not there. Every href/src in every HTML page is checked, and so is every
URL under base_url in the feeds and sitemaps.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..config import SiteConfig
from ..site.meta import NOT_FOUND
from .manifest import MANIFEST, file_hash

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_URL_ATTRIBUTES = ("href", "src", "poster", "action", "data")
_SRCSET_ATTRIBUTES = ("srcset", "imagesrcset")


@dataclass(frozen=True)
class LinkProblem:
    file: str  # output path of the page or feed
    link: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.link!r}: {self.message}"


_URL_SELECTOR = ",".join(f"[{name}]" for name in (*_URL_ATTRIBUTES, *_SRCSET_ATTRIBUTES))
_PARSED: dict[str, tuple[str, ...]] = {}  # page hash -> its links; pages repeat across builds


def html_links(page: bytes, digest: str | None = None) -> tuple[str, ...]:
    """An HTML page (and its manifest.file_hash, when the caller has it) -> the URLs it
    points at, in document order.

    Lexbor parses as a browser does (entities in attributes decoded, comments and script
    text ignored) at a tenth of html.parser's cost, which was most of a cold build's
    link check. A page whose bytes did not change since the last build is not parsed again.
    """
    key = digest or file_hash(page)
    if key not in _PARSED:
        found: list[str] = []
        for node in LexborHTMLParser(page).css(_URL_SELECTOR):
            for name, value in node.attributes.items():
                if value is None:
                    continue
                if name in _URL_ATTRIBUTES:
                    found.append(value)
                elif name in _SRCSET_ATTRIBUTES:
                    found.extend(part.strip().split()[0] for part in value.split(",")
                                 if part.strip())
        if len(_PARSED) > 4096:  # a rebuild re-checks few pages; a first build, all
            _PARSED.clear()
        _PARSED[key] = tuple(found)
    return _PARSED[key]


def xml_links(document: bytes, base_url: str) -> list[str]:
    """URLs under base_url in a feed or sitemap (element text and href attributes)."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError:
        return []
    found = []
    for element in root.iter():
        for value in (element.text, element.get("href")):
            if value and value.strip().startswith(base_url) and " " not in value.strip():
                found.append(value.strip())
    return found


def json_links(document: bytes, base_url: str) -> list[str]:
    def walk(value: object) -> Iterator[str]:
        if isinstance(value, str):
            if value.startswith(base_url) and not any(c.isspace() for c in value):
                yield value
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)

    try:
        return list(walk(json.loads(document)))
    except ValueError:
        return []


def check_site(files: Mapping[str, bytes], config: SiteConfig,
               exists: Collection[str] | None = None,
               hashes: Mapping[str, str] | None = None) -> list[LinkProblem]:
    """{output path: bytes} -> every link that ignores the base path or leads nowhere.

    `exists` is every file of the site when `files` holds only some of them (a build that
    rendered only the pages whose inputs changed); `hashes`, the files' file_hash if known.
    """
    present = files if exists is None else exists
    problems: list[LinkProblem] = []
    for path in sorted(files):
        links: Sequence[str]
        if path.endswith(".html"):
            links = html_links(files[path], hashes.get(path) if hashes else None)
        elif config.base_url and path.endswith(".xml"):
            links = xml_links(files[path], config.base_url)
        elif config.base_url and path.endswith(".json"):
            links = json_links(files[path], config.base_url)
        else:
            continue
        folder, not_found = posixpath.dirname(path), path == NOT_FOUND
        for link in dict.fromkeys(links):  # each distinct link once per file
            message = _check(folder, not_found, link, present, config)
            if message:
                problems.append(LinkProblem(path, link, message))
    return problems


def check_link(page: str, link: str, files: Collection[str],
               config: SiteConfig) -> str | None:
    """One link on one page -> what is wrong with it, or None."""
    return _check(posixpath.dirname(page), page == NOT_FOUND, link, files, config)


def _check(folder: str, not_found: bool, link: str, files: Collection[str],
           config: SiteConfig) -> str | None:
    folder, link = _climb(folder, link.strip())
    if not not_found and _PLAIN.match(link):
        # most links: a path down from the folder, nothing to decode or normalise
        target = f"{folder}/{link}" if folder else link
        if link.endswith("/"):
            found = target + "index.html" in files
        else:
            found = target in files or target + "/index.html" in files
        return None if found else "broken link: no such file in the output"
    problem, target, is_folder = _resolve(folder, not_found, link, config.base_url,
                                          config.base_path)
    if problem is not None or target is None or _exists(target, is_folder, files):
        return problem
    return "broken link: no such file in the output"


# Segments that are names (no '.', '..' or empty ones), nothing to decode, no query,
# fragment or scheme: such a link is the file folder/link. (Resolving each link through
# `_resolve` missed its cache at 100,000 articles: every page links its neighbours.)
_PLAIN = re.compile(r"[\w~-][\w~.-]*(?:/[\w~-][\w~.-]*)*/?\Z", re.ASCII)


def _climb(folder: str, link: str) -> tuple[str, str]:
    """'../x' from folder 'a/b' is 'x' from 'a'. Every article has a folder of its own,
    so without this no two article pages would share the work of resolving a link."""
    if not folder or not link.startswith("../"):
        return folder, link
    parts = folder.split("/")
    up = 1
    while up < len(parts) and link.startswith("../", 3 * up):
        up += 1
    rest = link[3 * up:]
    if not rest or rest[0] in "#?/" or _SCHEME.match(rest):
        return folder, link  # not a plain relative path on its own: resolved as it is
    return "/".join(parts[:-up]), rest


@lru_cache(maxsize=65536)
def _resolve(folder: str, not_found: bool, link: str, base_url: str,
             base_path: str) -> tuple[str | None, str | None, bool]:
    """A link on a page in `folder` -> (what is wrong with it, or the site file it
    points to and whether that is a folder). Pages in one folder share most of their
    links, so each is worked out once."""
    if not link or link.startswith("#"):
        return None, None, False
    if base_url and link.startswith(base_url):
        target = link[len(base_url):]
    elif link.startswith("//") or _SCHEME.match(link):
        return None, None, False  # another site, mailto:, data: …
    elif link.startswith("/"):
        if not link.startswith(base_path):
            return (f"root-absolute link outside the base path {base_path!r}: it breaks "
                    "when the site is served from a subpath"), None, False
        if not not_found:
            return ("root-absolute link: it breaks when the site is opened from disk or "
                    "moved; templates should use url()"), None, False
        target = link[len(base_path):]
    elif not_found:
        return ("relative link in 404.html: GitHub Pages shows this page at any depth, "
                "so its links must start at the base path (Links(rooted=True))"), None, False
    else:
        target = posixpath.join(folder, link) if folder else link
    target = unquote(urlsplit(target).path)
    normal = posixpath.normpath(target) if target else "."
    if normal == ".." or normal.startswith("../"):
        return "points outside the site", None, False
    return None, normal, target.endswith("/") or target == ""


def _exists(path: str, folder: bool, files: Collection[str]) -> bool:
    index = "index.html" if path == "." else f"{path}/index.html"
    if folder:
        return index in files
    return path in files or index in files


def read_output(folder: Path) -> dict[str, bytes]:
    """A built site on disk -> {output path: bytes} (what check_site reads)."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files
