"""The live preview: an HTTP server for the built site that reloads open pages.

It is handed a `builder` callable and knows nothing about building: the builder
returns the `Site` to serve (its folder and URL prefix) or raises, and the message
of what it raised is shown in every open page until a build succeeds again. The
last good site keeps being served meanwhile. Pages learn about rebuilds through
Server-Sent Events from a small script added to HTML responses here, never to the
files a build writes.

It answers only requests whose Host names it (a page elsewhere whose name resolves to
127.0.0.1 reads nothing), and it takes on a bounded number of connections, each given
a bounded time, so that a flood or a slow client cannot hang it.
"""

from __future__ import annotations

import contextlib
import errno
import html
import io
import ipaddress
import json
import math
import mimetypes
import os
import posixpath
import re
import secrets
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

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


class Preview:
    """The preview's state (last good site, last error, build number) and its HTTP server."""

    def __init__(self, builder: Builder, *, log: Callable[[str], None] = print,
                 folder: Path | None = None, limits: Limits = Limits()) -> None:
        self.builder = builder
        self.log = log
        self.folder = folder  # the site's own folder: error messages name files from there
        self.limits = limits
        self.hosts = Hosts(frozenset(LOOPBACK), 0)  # set by bind()
        self.streams = threading.BoundedSemaphore(limits.streams)
        self._refused: set[str] = set()  # Host values logged once
        self.site: Site | None = None
        self.error: str | None = None
        self.version = 0
        self.server_id = secrets.token_hex(6)  # a restarted server is another one
        self.closing = False
        self.changed = threading.Condition()
        self.httpd: ThreadingHTTPServer | None = None
        self._serving = False
        # While a rebuild writes its pages, they are rendered on request from here; other
        # files (styles, images, feeds) wait until the writing is done.
        self.live: Callable[[str], bytes | None] | None = None
        self.writing = False
        self._early = False  # this rebuild's pages were announced before being written
        self._building = threading.Lock()  # one rebuild at a time

    # --- building -----------------------------------------------------------------------

    def rebuild(self, changes: Sequence[Any] = ()) -> bool:
        """Run the builder; on success serve its site and reload the pages, else show why."""
        with self._building:
            self._early = False
            try:
                site = self.builder(changes)
            except Exception as err:  # whatever the builder raises is shown, and we go on
                # a page sees the files named from the site's folder, not where it lives
                message = without_folder(str(err), self.folder) or type(err).__name__
                if not isinstance(err, BuildFailed):
                    self.log("".join(traceback.format_exception(err)).rstrip())
                with self.changed:
                    self.error = message
                    self.live, self.writing = None, False
                    self.changed.notify_all()
                return False
            with self.changed:
                self.site, self.error = site, None
                if not self._early:  # else the pages were told to reload already
                    self.version += 1
                self.live, self.writing = None, False
                self.changed.notify_all()
            return True

    def ready(self, site: Site, render: Callable[[str], bytes | None]) -> None:
        """What a builder calls once the new site's pages are known, before it writes them:
        the open pages reload now, and their pages are rendered on request meanwhile. On a
        large site this is most of a rebuild sooner. Not on a first build, a new folder or
        base path, or after a failed build: then the pages reload when all is written."""
        with self.changed:
            if site != self.site or self.error is not None:
                return
            self.live, self.writing, self._early = render, True, True
            self.version += 1
            self.changed.notify_all()

    def render_live(self, file: str) -> bytes | None:
        """A page of the site being written, rendered now; None when there is none."""
        with self.changed:
            render = self.live
        if render is None:
            return None
        try:
            return render(file)
        except Exception:  # a broken template: the rebuild will report it
            return None

    def written(self, timeout: float = 60.0) -> None:
        """Wait until a rebuild that is writing the site is done."""
        with self.changed:
            self.changed.wait_for(lambda: not self.writing or self.closing, timeout=timeout)

    def state(self) -> dict[str, Any]:
        with self.changed:
            return {"server": self.server_id, "version": self.version, "error": self.error}

    def refused(self, host: str) -> None:
        """Say once per Host value (for the first few) that a request for it was refused."""
        with self.changed:
            if host in self._refused or len(self._refused) >= 20:
                return
            self._refused.add(host)
        self.log(f"refused a request for host {_shown(host)}: not this preview's address "
                 "(see Live preview in the README)")

    # --- serving ------------------------------------------------------------------------

    def bind(self, host: str, port: int, tries: int = 10) -> int:
        """Listen on host:port, or on the next free port (0 for any). Returns the port."""
        handler = type("Handler", (_Handler,), {"preview": self})
        candidates = [port, *range(port + 1, port + tries), 0] if port else [0]
        for candidate in candidates:
            try:
                self.httpd = _Server((host, candidate), handler, self.limits.connections)
            except OSError as err:
                if err.errno != errno.EADDRINUSE:
                    raise
                continue
            bound = self.httpd.server_address[1]
            self.hosts = hosts_for(host, bound, machine_names())
            return bound
        raise OSError(errno.EADDRINUSE, f"no free port near {port}")

    def url(self) -> str:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        base = self.site.base_path if self.site else "/"
        return f"http://{shown}:{port}{base}"

    def serve_forever(self) -> None:
        """Serve until stop() is called from another thread (or Ctrl-C interrupts)."""
        assert self.httpd is not None
        self._serving = True
        try:
            self.httpd.serve_forever(poll_interval=0.1)
        finally:
            self._serving = False

    def stop(self) -> None:
        """End serve_forever and every open event stream, and close the socket."""
        with self.changed:
            self.closing = True
            self.changed.notify_all()
        if self.httpd is not None:
            if self._serving:
                self.httpd.shutdown()
            self.httpd.server_close()


_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
         b"Content-Length: 37\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
         b"digest preview: too many connections\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = socket.SOMAXCONN  # a burst of connections waits, none is dropped

    def __init__(self, address: tuple[str, int], handler: Any, connections: int) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.slots = threading.BoundedSemaphore(connections)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection, or past the limit a 503 at once (from this thread:
        one short send into an empty buffer never blocks, and no thread is started)."""
        if not self.slots.acquire(blocking=False):
            request.setblocking(False)
            with contextlib.suppress(OSError):
                request.send(_BUSY)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away is no news; anything else is a bug, with its traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Deadline(io.RawIOBase):
    """A socket's reads, each given only the time left until `deadline` (monotonic)."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self.sock = sock
        self.deadline = math.inf

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took too long")
        self.sock.settimeout(None if left == math.inf else left)
        return self.sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    preview: Preview
    server_version = "digest-preview"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal gets one line per rebuild, not one per request."""

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # read through a deadline instead
        self.reader = _Deadline(self.connection)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        # The request line and headers must all come within request_seconds of starting
        # to wait for them (a client that dribbles a byte a second is dropped too), and so
        # must the next request on a kept-alive connection: an idle one is closed.
        self.reader.deadline = time.monotonic() + self.preview.limits.request_seconds
        super().handle_one_request()

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        self.reader.deadline = math.inf  # the request is in; now the answer has its time
        self.connection.settimeout(self.preview.limits.send_seconds)
        try:
            if (refusal := self._refusal()) is not None:
                status, text = refusal
                self.close_connection = True
                self._send(status, text.encode(), "text/plain; charset=utf-8", body,
                           {"Connection": "close"})
                return
            path = urlsplit(self.path).path
            if path == EVENTS:
                self._events(body)
            elif path == SCRIPT:
                self._send(HTTPStatus.OK, _SCRIPT_JS, content_type("reload.js"), body)
            else:
                self._site(body)
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def _refusal(self) -> tuple[HTTPStatus, str] | None:
        """Why this request is not answered (status, text), or None to answer it.

        Only a Host naming this preview is answered, so a page on another site whose name
        is made to resolve to 127.0.0.1 (DNS rebinding) reads nothing. A request without
        a Host cannot come from a browser: answered in HTTP/1.0, refused in HTTP/1.1.
        """
        if not self.path.startswith("/"):  # 'GET http://other/ HTTP/1.1' names its host
            return HTTPStatus.BAD_REQUEST, "digest preview: the path must start with /\n"
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            return HTTPStatus.BAD_REQUEST, "digest preview: more than one Host header\n"
        if not hosts:
            if self.request_version in {"HTTP/0.9", "HTTP/1.0"}:
                return None
            return HTTPStatus.BAD_REQUEST, "digest preview: the request has no Host header\n"
        if self.preview.hosts.allows(hosts[0]):
            return None
        self.preview.refused(hosts[0])
        return HTTPStatus.MISDIRECTED_REQUEST, "digest preview: not answered for this host name\n"

    def _site(self, body: bool) -> None:
        site = self.preview.site
        if site is None:
            error = self.preview.error or "The site is being built."
            page = _ERROR_PAGE.format(message=html.escape(error)).encode(errors="replace")
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._live(page), content_type("x.html"),
                       body)
            return
        target = route(self.path, site.base_path)
        if target.redirect is not None:
            self._redirect(target.redirect, body)
            return
        if target.file is not None:
            page = target.file
            if page == "" or page.endswith("/"):
                page += "index.html"
            if page.endswith(".html") and (data := self.preview.render_live(page)) is not None:
                self._send(HTTPStatus.OK, self._live(data), content_type(page), body)
                return
        self.preview.written()
        site = self.preview.site or site
        file = self._find(site.folder, target.file) if target.file is not None else None
        if file == "redirect" and target.file is not None:
            self._redirect(site.base_path + quote(target.file) + "/", body)
        elif isinstance(file, Path) and (data := _read(file)) is not None:
            kind = content_type(file.name)
            if kind.startswith("text/html"):
                data = self._live(data)
            self._send(HTTPStatus.OK, data, kind, body)
        else:
            self._not_found(site, body)

    def _not_found(self, site: Site, body: bool) -> None:
        custom = self._find(site.folder, "404.html")
        page = _read(custom) if isinstance(custom, Path) else None
        if page is None:
            page = _NOT_FOUND_PAGE.format(path=html.escape(unquote(self.path)),
                                          home=html.escape(site.base_path)).encode()
        self._send(HTTPStatus.NOT_FOUND, self._live(page), content_type("404.html"), body)

    def _find(self, folder: Path, rel: str) -> Path | str | None:
        """_find, with a path the system refuses logged in one line and taken as missing."""
        try:
            return _find(folder, rel)
        except (OSError, ValueError) as err:
            why = getattr(err, "strerror", None) or str(err)
            self.preview.log(f"{self.command} {_shown(self.path)}: {why}; answered 404")
            return None

    def _live(self, page: bytes) -> bytes:
        state = self.preview.state()
        tag = (f'<script src="{SCRIPT}" data-server="{state["server"]}" '
               f'data-version="{state["version"]}"></script>\n')
        return inject(page, tag.encode())

    def _redirect(self, location: str, body: bool) -> None:
        self._send(HTTPStatus.FOUND, b"", "text/plain; charset=utf-8", body,
                   {"Location": location})

    def _send(self, status: HTTPStatus, data: bytes, kind: str, body: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self, body: bool) -> None:
        """The event stream, if there are not too many open already (else 503: the page's
        script asks again a second later)."""
        self.close_connection = True  # it has no length: it ends when the connection does
        if not self.preview.streams.acquire(blocking=False):
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"digest preview: too many event streams\n",
                       "text/plain; charset=utf-8", body, {"Retry-After": "1"})
            return
        try:
            self._stream(body)
        finally:
            self.preview.streams.release()

    def _stream(self, body: bool) -> None:
        """Server-Sent Events: 'hello' with the state now, then 'reload' or 'failed'.

        No read timeout applies (nothing more is read), but each write must be taken in
        within send_seconds: a page that stops reading is let go of.
        """
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if not body:
            return
        preview = self.preview
        seen = preview.state()  # one snapshot: a rebuild right after hello is still sent
        self._event("hello", seen, retry=500)
        while True:
            with preview.changed:
                preview.changed.wait_for(
                    lambda seen=seen: preview.closing or preview.state() != seen,
                    timeout=HEARTBEAT)
                if preview.closing:
                    return
                now = preview.state()
            if now == seen:
                self.wfile.write(b": still here\n\n")
                self.wfile.flush()
            elif now["error"] is not None:
                self._event("failed", now)
            else:
                self._event("reload", now)
            seen = now

    def _event(self, name: str, data: dict[str, Any], retry: int | None = None) -> None:
        text = (f"retry: {retry}\n" if retry else "") + f"event: {name}\n"
        text += f"data: {json.dumps(data)}\n\n"
        self.wfile.write(text.encode())
        self.wfile.flush()


def _read(file: Path) -> bytes | None:
    """The file's bytes, or None if a rebuild removed it a moment ago."""
    try:
        return file.read_bytes()
    except OSError:
        return None


def _find(folder: Path, rel: str) -> Path | str | None:
    """A site path -> the file to send, 'redirect' for a folder without its slash, or None.

    The resolved file must still be inside the site folder (a symlink could point out).
    A path that is not there is None; one the system refuses to look up (a name too long,
    a symlink loop, no permission) raises OSError.
    """
    root = folder.resolve()
    candidate = root / rel
    if rel == "" or rel.endswith("/"):
        candidate = candidate / "index.html"
    elif candidate.is_dir():
        return "redirect" if (candidate / "index.html").is_file() else None
    try:
        real = candidate.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except RuntimeError as err:  # Python 3.11 says so for a symlink loop
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP)) from err
    return real if real.is_relative_to(root) and real.is_file() else None


def _shown(text: str, width: int = 80) -> str:
    """Text a client sent -> safe to print: escaped, and cut short if long."""
    cut = text[:width]
    return ascii(cut)[1:-1] + ("…" if len(text) > width else "")


_SCRIPT_JS = b"""// digest preview: reload this page after every rebuild; show build errors over it.
(() => {
  const me = document.currentScript;
  const seen = {server: me.dataset.server, version: Number(me.dataset.version)};
  let overlay = null;
  function show(error) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "digest-build-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#1f1f1f;color:#fff;" +
        "border-top:4px solid #e5484d;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;" +
        "white-space:pre-wrap;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "digest: the last build failed; showing the last good site.\\n\\n" +
      error + "\\n\\nFix the file and save: this page reloads by itself.";
  }
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  // A tab in the background lets go of its connection (browsers allow only six per
  // server), and asks again when it is shown: `hello` then says if it missed a rebuild.
  let source = null;
  function connect() {
    if (source || document.hidden) { return; }
    source = new EventSource("EVENTS");
    source.addEventListener("hello", (e) => {
      const now = JSON.parse(e.data);
      if (now.server !== seen.server || now.version !== seen.version) {
        location.reload();
        return;
      }
      if (now.error) { show(now.error); } else { hide(); }
    });
    source.addEventListener("reload", () => location.reload());
    source.addEventListener("failed", (e) => show(JSON.parse(e.data).error));
    source.onerror = () => {
      if (source && source.readyState === EventSource.CLOSED) {
        disconnect();
        setTimeout(connect, 1000);
      }
    };
  }
  function disconnect() {
    if (source) { source.close(); source = null; }
  }
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) { disconnect(); } else { connect(); }
  });
  connect();
})();
""".replace(b"EVENTS", EVENTS.encode())

_ERROR_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Build failed · digest preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem">
<h1>The site could not be built</h1>
<pre style="white-space:pre-wrap;background:#f4f4f4;padding:1rem">{message}</pre>
<p>Fix the file and save: this page reloads by itself.</p>
</body>
</html>
"""

_NOT_FOUND_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Not found · digest preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:2rem">
<h1>Not found</h1>
<p>There is no page at <code>{path}</code> in this site.</p>
<p><a href="{home}">Go to the front page</a></p>
</body>
</html>
"""
