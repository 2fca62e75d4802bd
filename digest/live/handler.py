"""The preview's HTTP side: a bounded server, and the handler that answers each request."""

from __future__ import annotations

import contextlib
import errno
import html
import io
import json
import math
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

from .pages import _ERROR_PAGE, _NOT_FOUND_PAGE, _SCRIPT_JS, _shown
from .routes import (
    EVENTS,
    HEARTBEAT,
    SCRIPT,
    Hosts,
    Limits,
    Site,
    content_type,
    inject,
    moved_to,
    route,
)


class Answering(Protocol):
    """What the handler reads from the preview it answers for (serve.Preview)."""

    site: Site | None
    error: str | None
    hosts: Hosts
    limits: Limits
    streams: threading.BoundedSemaphore
    changed: threading.Condition
    closing: bool
    log: Callable[[str], None]

    def state(self) -> dict[str, Any]: ...
    def refused(self, host: str) -> None: ...
    def render_live(self, file: str) -> bytes | None: ...
    def written(self, timeout: float = 60.0) -> None: ...


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
        thread = threading.Thread(target=self.process_request_thread,
                                  args=(request, client_address), daemon=True)
        try:
            thread.start()  # from here on the thread gives the slot back
        except RuntimeError:  # no thread could be started: the slot is still ours
            self.slots.release()
            raise
        # Not on any other exception: Ctrl-C while start() waits for the thread to run is
        # a KeyboardInterrupt here, and the running thread releases the slot itself (a
        # second release raised ValueError, which the server logged, swallowing Ctrl-C).

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
    preview: Answering
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
        elif target.file is not None and (moved := moved_to(target.file, site.moved)):
            # an article whose URL changed (a new headline): follow it, so that an open
            # tab's reload lands on the new page, not on a 404
            self._redirect(site.base_path + quote(moved), body)
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
