"""Pure rules of the preview: what a request path asks for, and which Host names it."""

from __future__ import annotations

import ipaddress
import mimetypes
import os
import posixpath
import re
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ENDPOINT = "/__digest__/"
EVENTS = ENDPOINT + "events"
SCRIPT = ENDPOINT + "reload.js"
HEARTBEAT = 15.0  # seconds between SSE comments, so a closed tab's thread notices

TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript",
    ".mjs": "text/javascript", ".json": "application/json", ".xml": "application/xml",
    ".rss": "application/rss+xml", ".atom": "application/atom+xml", ".txt": "text/plain",
    ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json",
    ".ico": "image/x-icon", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".woff2": "font/woff2",
    ".woff": "font/woff", ".map": "application/json", ".pdf": "application/pdf",
}
_TEXT = ("text/", "application/json", "application/xml", "application/rss+xml",
         "application/atom+xml", "application/manifest+json", "image/svg+xml")


@dataclass(frozen=True)
class Site:
    """What a successful build hands the server: the folder to serve and its URL prefix."""

    folder: Path
    base_path: str = "/"  # '/repo/' when base_url is https://user.github.io/repo/
    # article pages that moved while the preview ran (a new headline, a new slug):
    # (old site path, new site path) pairs, 'articles/old/' -> 'articles/new/'
    moved: tuple[tuple[str, str], ...] = ()

    def same_place(self, other: Site | None) -> bool:
        """Is `other` the same folder under the same URL prefix (what moved aside)?"""
        return other is not None and (self.folder, self.base_path) == (other.folder,
                                                                        other.base_path)


Builder = Callable[[Sequence[Any]], Site]


class BuildFailed(Exception):
    """What a builder raises for a build that failed for a reason it has reported (a bad
    template, a broken config); the message names the file and line. Anything else it
    raises is a bug, logged with its traceback, and shown the same way."""


def content_type(name: str) -> str:
    """File name -> Content-Type header value, with a charset for text."""
    suffix = posixpath.splitext(name)[1].lower()
    kind = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT) else kind


@dataclass(frozen=True)
class Route:
    """Where a request path leads: a file inside the site, a redirect, or nowhere."""

    file: str | None = None  # path inside the site folder ('' is the home page)
    redirect: str | None = None


NOT_FOUND = Route()


def route(path: str, base_path: str) -> Route:
    """A request path (percent-encoded, maybe with a query) -> a Route. Pure.

    Only paths under the site's prefix exist; '..', NULs and backslashes never reach
    the file system, and neither do hidden files such as the build manifest.
    """
    path = urlsplit(path).path or "/"
    if path in {"/", ""} and base_path != "/":
        return Route(redirect=base_path)
    if path + "/" == base_path:
        return Route(redirect=base_path)
    if not path.startswith(base_path):
        return NOT_FOUND
    try:
        rel = unquote(path[len(base_path):], errors="strict")
    except UnicodeDecodeError:
        return NOT_FOUND
    if "\x00" in rel or "\\" in rel:
        return NOT_FOUND
    parts = [part for part in rel.split("/") if part not in {"", "."}]
    if any(part == ".." or part.startswith(".") for part in parts):
        return NOT_FOUND
    clean = "/".join(parts)
    return Route(file=clean + "/" if clean and rel.endswith("/") else clean)


def moves(before: Mapping[str, str], after: Mapping[str, str],
          moved: Mapping[str, str]) -> dict[str, str]:
    """{article: its URL} of the last build and of this one, and what had moved before ->
    every old URL still worth following, to where its article is now. Pure.

    An article moved twice leads from both old URLs to the newest; an old URL that an
    article has now is that article's again; one whose article is gone leads nowhere.
    """
    found = {old: after[path] for path, old in before.items()
             if path in after and after[path] != old}
    for old, target in moved.items():
        found.setdefault(old, target)
    live = set(after.values())
    found = {old: target for old, target in found.items() if old not in live}
    out = {}
    for old, target in found.items():
        seen = {old}
        while target in found and target not in seen:  # (a cycle ends where it started)
            seen.add(target)
            target = found[target]
        if target in live:
            out[old] = target
    return out


def moved_to(file: str, moved: Iterable[tuple[str, str]]) -> str | None:
    """A site path asked for ('articles/old/', '…/old/index.html', '…/old') -> where that
    page is now ('articles/new/', '…/new/index.html'), or None if it did not move."""
    page = file[: -len("index.html")] if file.endswith("/index.html") else file
    page = page if page.endswith("/") else page + "/"
    target = dict(moved).get(page)
    if target is None:
        return None
    return target + "index.html" if file.endswith("/index.html") else target


def inject(page: bytes, tag: bytes) -> bytes:
    """HTML bytes -> the same with `tag` just before the last </body> (or at the end)."""
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def without_folder(message: str, folder: Path | None) -> str:
    """An error message -> the same with `folder/` and the home folder's path left out."""
    folders = {str(folder), str(folder.resolve())} if folder is not None else set()
    for shown in sorted(folders, key=len, reverse=True):
        if shown.rstrip(os.sep):
            message = message.replace(shown.rstrip(os.sep) + os.sep, "")
    home = str(Path.home()).rstrip(os.sep)
    return message.replace(home + os.sep, "~" + os.sep) if home else message


# --- who may ask: the Host header ----------------------------------------------------------

LOOPBACK = ("localhost", "127.0.0.1", "::1")
_HOST = re.compile(r"(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9_.-]+))(?::(?P<port>[0-9]{1,5}))?")


def _address(host: str) -> str | None:
    """'127.0.0.1', '::0001' -> the address written the usual way; None for a name."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def split_host(value: str) -> tuple[str, int | None] | None:
    """A Host header value -> (lower-case name or address, port or None); None if malformed."""
    found = _HOST.fullmatch(value.strip().lower())
    if found is None:
        return None
    port = int(found["port"]) if found["port"] else None
    if port is not None and port > 65535:
        return None
    if found["v6"] is not None:
        address = _address(found["v6"])
        return (address, port) if address is not None and ":" in address else None
    return _address(found["name"]) or found["name"], port


@dataclass(frozen=True)
class Hosts:
    """The Host header values the preview answers: its names and addresses, and its port."""

    names: frozenset[str]
    port: int
    any_address: bool = False  # listening everywhere: any IP address may be this machine's

    def allows(self, value: str) -> bool:
        """Host header value -> whether it names this preview (no port means port 80)."""
        parsed = split_host(value)
        if parsed is None:
            return False
        host, port = parsed
        if (80 if port is None else port) != self.port:
            return False
        return host in self.names or (self.any_address and _address(host) is not None)


def hosts_for(bound: str, port: int, machine: Iterable[str] = ()) -> Hosts:
    """The address listened on, its port, this machine's names -> the Hosts to answer.

    Always the loopback names and the address given; when that is every address
    ('0.0.0.0', '::'), also any IP address and the machine's names, never other names.
    """
    address = _address(bound)
    everywhere = bound == "" or (address is not None and ipaddress.ip_address(address)
                                 .is_unspecified)
    names = {*LOOPBACK, address or bound.lower()}
    if everywhere:
        names |= {name.lower() for name in machine if name}
    return Hosts(frozenset(names), port, everywhere)


def machine_names() -> list[str]:
    """This computer's host name, as `hostname` prints it, with and without '.local'."""
    name = socket.gethostname().lower()
    short = name.split(".")[0]
    return sorted({name, short, short + ".local"} - {".local"})


@dataclass(frozen=True)
class Limits:
    """How much the preview takes on at once, and how long a client may take."""

    connections: int = 256  # at once; past it a client is told 503 at once
    streams: int = 64  # open event streams (one per visible tab), among the connections
    request_seconds: float = 5.0  # to send a request's line and headers, or to idle between
    send_seconds: float = 30.0  # to take in one answer, or one event of the stream
