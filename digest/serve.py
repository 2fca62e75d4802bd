"""The live preview: an HTTP server for the built site that reloads open pages.

It is handed a `builder` callable and knows nothing about building: the builder
returns the `Site` to serve (its folder and URL prefix) or raises, and the message
of what it raised is shown in every open page until a build succeeds again. The
last good site keeps being served meanwhile. Pages learn about rebuilds through
Server-Sent Events from a small script added to HTML responses here, never to the
files a build writes.
"""

from __future__ import annotations

import errno
import html
import json
import mimetypes
import posixpath
import secrets
import socket
import threading
import traceback
from collections.abc import Callable, Sequence
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


class Preview:
    """The preview's state (last good site, last error, build number) and its HTTP server."""

    def __init__(self, builder: Builder, *, log: Callable[[str], None] = print) -> None:
        self.builder = builder
        self.log = log
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
                message = str(err) or type(err).__name__
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

    # --- serving ------------------------------------------------------------------------

    def bind(self, host: str, port: int, tries: int = 10) -> int:
        """Listen on host:port, or on the next free port (0 for any). Returns the port."""
        handler = type("Handler", (_Handler,), {"preview": self})
        candidates = [port, *range(port + 1, port + tries), 0] if port else [0]
        for candidate in candidates:
            try:
                self.httpd = _Server((host, candidate), handler)
            except OSError as err:
                if err.errno != errno.EADDRINUSE:
                    raise
                continue
            return self.httpd.server_address[1]
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: Any) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    preview: Preview
    server_version = "digest-preview"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal gets one line per rebuild, not one per request."""

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        try:
            path = urlsplit(self.path).path
            if path == EVENTS:
                self._events(body)
            elif path == SCRIPT:
                self._send(HTTPStatus.OK, _SCRIPT_JS, content_type("reload.js"), body)
            else:
                self._site(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

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
        file = _find(site.folder, target.file) if target.file is not None else None
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
        custom = _find(site.folder, "404.html")
        page = _read(custom) if isinstance(custom, Path) else None
        if page is None:
            page = _NOT_FOUND_PAGE.format(path=html.escape(unquote(self.path)),
                                          home=html.escape(site.base_path)).encode()
        self._send(HTTPStatus.NOT_FOUND, self._live(page), content_type("404.html"), body)

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
        """Server-Sent Events: 'hello' with the state now, then 'reload' or 'failed'."""
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
    """
    root = folder.resolve()
    candidate = root / rel
    if rel == "" or rel.endswith("/"):
        candidate = candidate / "index.html"
    elif candidate.is_dir():
        return "redirect" if (candidate / "index.html").is_file() else None
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(root) and real.is_file() else None


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
