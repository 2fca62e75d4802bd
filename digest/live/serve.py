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

import errno
import secrets
import threading
import traceback
from collections.abc import Callable, Sequence
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .handler import _Handler, _Server
from .pages import _shown
from .routes import (
    LOOPBACK,
    Builder,
    BuildFailed,
    Hosts,
    Limits,
    Site,
    hosts_for,
    machine_names,
    without_folder,
)

LIMITS = Limits()  # the defaults


class Preview:
    """The preview's state (last good site, last error, build number) and its HTTP server."""

    def __init__(self, builder: Builder, *, log: Callable[[str], None] = print,
                 folder: Path | None = None, limits: Limits = LIMITS) -> None:
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
            if not site.same_place(self.site) or self.error is not None:
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
