"""The preview server with a fake builder: routing, safety, content types, live reload."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from digest.live.routes import (
    NOT_FOUND,
    SCRIPT,
    BuildFailed,
    Hosts,
    Limits,
    Route,
    Site,
    content_type,
    hosts_for,
    inject,
    machine_names,
    moved_to,
    moves,
    route,
    split_host,
    without_folder,
)
from digest.live.serve import Preview


@pytest.mark.parametrize(("path", "base", "expected"), [
    ("/", "/", Route(file="")),
    ("/index.html", "/", Route(file="index.html")),
    ("/articles/a-b/", "/", Route(file="articles/a-b/")),
    ("/articles/a-b", "/", Route(file="articles/a-b")),
    ("/articles/a-b/?utm=1#top", "/", Route(file="articles/a-b/")),
    ("/topics//ai/./", "/", Route(file="topics/ai/")),
    ("/caf%C3%A9/", "/", Route(file="café/")),
    ("/", "/repo/", Route(redirect="/repo/")),
    ("/repo", "/repo/", Route(redirect="/repo/")),
    ("/repo/", "/repo/", Route(file="")),
    ("/repo/feed.xml", "/repo/", Route(file="feed.xml")),
    ("/other/", "/repo/", NOT_FOUND),
    ("/repository/", "/repo/", NOT_FOUND),
    # never out of the site folder, never a hidden file
    ("/../etc/passwd", "/", NOT_FOUND),
    ("/articles/../../etc/passwd", "/", NOT_FOUND),
    ("/%2e%2e/%2e%2e/etc/passwd", "/", NOT_FOUND),
    ("/repo/%2E%2E/secret", "/repo/", NOT_FOUND),
    ("/..%2f..%2fetc/passwd", "/", NOT_FOUND),
    ("/a%5c..%5c..%5cwin.ini", "/", NOT_FOUND),
    ("/a%00.html", "/", NOT_FOUND),
    ("/%ff%fe.html", "/", NOT_FOUND),                   # not UTF-8
    ("/.digest-manifest.json", "/", NOT_FOUND),
    ("/.git/config", "/", NOT_FOUND),
])
def test_route(path: str, base: str, expected: Route) -> None:
    assert route(path, base) == expected


A, B, C = "articles/a/", "articles/b/", "articles/c/"


@pytest.mark.parametrize(("before", "after", "moved", "expected"), [
    ({"x.md": A}, {"x.md": A}, {}, {}),                        # nothing moved
    ({"x.md": A}, {"x.md": B}, {}, {A: B}),                    # a new headline
    ({"x.md": B}, {"x.md": C}, {A: B}, {A: C, B: C}),          # twice: both follow to C
    ({"x.md": B}, {"x.md": A}, {A: B}, {B: A}),                # and back: A is its again
    ({"x.md": B}, {"x.md": B, "y.md": A}, {A: B}, {}),         # another article took A
    ({"x.md": B}, {}, {A: B}, {}),                             # deleted: nowhere to go
    ({"x.md": A, "y.md": B}, {"x.md": B, "y.md": A}, {}, {}),  # swapped: both are live
    ({"x.md": A}, {"z.md": B}, {}, {}),                        # another file: not followed
])
def test_moves(before: dict[str, str], after: dict[str, str], moved: dict[str, str],
               expected: dict[str, str]) -> None:
    assert moves(before, after, moved) == expected


@pytest.mark.parametrize(("file", "expected"), [
    ("articles/a/", "articles/b/"),
    ("articles/a", "articles/b/"),
    ("articles/a/index.html", "articles/b/index.html"),
    ("articles/c/", None),
    ("articles/a/lead.png", None),
])
def test_moved_to(file: str, expected: str | None) -> None:
    assert moved_to(file, ((A, B),)) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("index.html", "text/html; charset=utf-8"),
    ("style.0123456789.css", "text/css; charset=utf-8"),
    ("app.js", "text/javascript; charset=utf-8"),
    ("feed.xml", "application/xml; charset=utf-8"),
    ("atom.atom", "application/atom+xml; charset=utf-8"),
    ("search.json", "application/json; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("CNAME", "application/octet-stream"),
    ("logo.svg", "image/svg+xml; charset=utf-8"),
    ("photo.JPG", "image/jpeg"),
    ("site.webmanifest", "application/manifest+json; charset=utf-8"),
    ("font.woff2", "font/woff2"),
])
def test_content_type(name: str, expected: str) -> None:
    assert content_type(name) == expected


def test_inject_goes_before_the_last_body_end() -> None:
    page = b"<html><body><p>&lt;/body&gt; in text</p></BODY></html>"
    assert inject(page, b"<script></script>") == \
        b"<html><body><p>&lt;/body&gt; in text</p><script></script></BODY></html>"
    assert inject(b"<p>fragment", b"<s>") == b"<p>fragment<s>"


# --- the server, in a thread, with a fake builder ------------------------------------------


class FakeBuilder:
    """Serves a folder; fails with `error` when it is set, as a real builder reports."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.error: Exception | None = None
        self.calls: list[Any] = []

    def __call__(self, changes: Any) -> Site:
        self.calls.append(changes)
        if self.error is not None:
            raise self.error
        return self.site


class Running:
    def __init__(self, preview: Preview, port: int, builder: FakeBuilder,
                 logged: list[str] | None = None, host: str = "127.0.0.1") -> None:
        self.preview, self.port, self.builder = preview, port, builder
        self.logged = logged if logged is not None else []
        self.host = host

    def request(self, path: str, method: str = "GET", host: str | None = None
                ) -> tuple[int, dict[str, str], bytes]:
        """One request; `host` is the Host header to send instead of the usual one."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True, skip_host=host is not None)
            if host is not None:
                conn.putheader("Host", host)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()


def start(folder: Path, base_path: str = "/", host: str = "127.0.0.1",
          **options: Any) -> tuple[Running, threading.Thread]:
    builder = FakeBuilder(Site(folder, base_path))
    logged: list[str] = []
    preview = Preview(builder, log=logged.append, **options)
    port = preview.bind(host, 0)
    preview.rebuild()
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    return Running(preview, port, builder, logged, host), thread


def raw(port: int, data: bytes, timeout: float = 5.0, host: str = "127.0.0.1") -> bytes:
    """Send bytes as they are; the whole answer, until the server closes the connection."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_all(sock, time.monotonic() + timeout)


def read_all(sock: socket.socket, deadline: float) -> bytes:
    """Everything until the server closes the connection (TimeoutError after deadline)."""
    reply = b""
    while True:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            return reply
        reply += chunk


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    for rel, text in {
        "index.html": "<!doctype html><html><body><h1>Home</h1></body></html>",
        "articles/a/index.html": "<html><body><h1>A</h1></body></html>",
        "static/style.abc.css": "body{}",
        "feed.xml": "<?xml version='1.0'?><feed/>",
        "articles/draft/index.html": "<html><body><p>DRAFT-TEXT</p></body></html>",
        ".digest-manifest.json": "{}",
    }.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    (tmp_path / "secret.txt").write_text("TOP-SECRET-CONTENT")
    (folder / "escape").symlink_to(tmp_path / "secret.txt")
    return folder


@pytest.fixture
def server(site: Path) -> Iterator[Running]:
    running, thread = start(site)
    yield running
    running.preview.stop()
    thread.join(5)
    assert not thread.is_alive()


def test_serves_pages_with_the_reload_script_only_in_html(server: Running, site: Path) -> None:
    status, headers, body = server.request("/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.endswith(b'data-version="1"></script>\n</body></html>')
    assert SCRIPT.encode() in body
    assert int(headers["Content-Length"]) == len(body)
    assert SCRIPT.encode() not in (site / "index.html").read_bytes()  # the file is untouched
    status, headers, body = server.request("/static/style.abc.css")
    assert (status, body, headers["Content-Type"]) == (200, b"body{}", "text/css; charset=utf-8")
    status, headers, body = server.request("/feed.xml")
    assert status == 200 and SCRIPT.encode() not in body
    status, headers, body = server.request(SCRIPT)
    assert status == 200 and b'new EventSource("/__digest__/events")' in body


def test_folder_without_slash_redirects(server: Running) -> None:
    status, headers, _ = server.request("/articles/a")
    assert status == 302 and headers["Location"] == "/articles/a/"
    assert server.request("/articles/a/")[0] == 200


def test_head_sends_headers_only(server: Running) -> None:
    status, headers, body = server.request("/articles/a/", method="HEAD")
    get = server.request("/articles/a/")
    assert status == 200 and body == b""
    assert headers["Content-Length"] == str(len(get[2]))


@pytest.mark.parametrize("path", ["/nope/", "/.digest-manifest.json", "/escape",
                                  "/../secret.txt", "/%2e%2e/secret.txt", "/articles/"])
def test_missing_and_forbidden_paths_are_404(server: Running, path: str) -> None:
    status, headers, body = server.request(path)
    assert status == 404 and b"Not found" in body and b"TOP-SECRET" not in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_raw_traversal_request_is_404(server: Running) -> None:
    """A client that sends '..' verbatim (curl --path-as-is) gets nothing either."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /../../../../etc/passwd HTTP/1.0\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.0 404") and b"root:" not in reply


def test_the_site_404_page_is_used_when_there_is_one(server: Running, site: Path) -> None:
    (site / "404.html").write_text("<html><body>Our own 404</body></html>")
    status, _, body = server.request("/missing")
    assert status == 404 and b"Our own 404" in body and SCRIPT.encode() in body


def test_serves_under_the_base_path(site: Path) -> None:
    running, thread = start(site, "/repo/")
    try:
        status, headers, _ = running.request("/")
        assert status == 302 and headers["Location"] == "/repo/"
        assert running.request("/repo/articles/a/")[0] == 200
        assert running.request("/articles/a/")[0] == 404
        assert running.request("/repo/articles/a")[2] == b""
        assert running.request("/repo/articles/a")[1]["Location"] == "/repo/articles/a/"
    finally:
        running.preview.stop()
        thread.join(5)


class Events:
    """Reads a Server-Sent Events stream one event at a time."""

    def __init__(self, port: int, host: str | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        self.conn.request("GET", "/__digest__/events", headers={"Host": host} if host else {})
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"

    def next(self) -> tuple[str, dict[str, Any]]:
        name, data = "", ""
        while True:
            line = self.response.readline().decode()
            if line == "":
                raise EOFError
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and name:
                return name, json.loads(data)

    def close(self) -> None:
        self.conn.close()


def test_events_say_reload_after_a_build_and_show_failures(server: Running) -> None:
    events = Events(server.port)
    try:
        name, hello = events.next()
        assert name == "hello" and hello["version"] == 1 and hello["error"] is None
        assert server.preview.rebuild(["a change"])
        name, data = events.next()
        assert (name, data["version"]) == ("reload", 2)

        server.builder.error = BuildFailed("templates/base.html:3: TemplateSyntaxError: oops")
        assert not server.preview.rebuild()
        name, data = events.next()
        assert name == "failed" and data["error"].startswith("templates/base.html:3:")
        # the last good site is still served, and a new page hears of the error at once
        assert server.request("/")[0] == 200
        late = Events(server.port)
        assert late.next()[1]["error"].startswith("templates/base.html:3")
        late.close()

        server.builder.error = None
        assert server.preview.rebuild()
        assert events.next() == ("reload", {"server": hello["server"], "version": 3,
                                            "error": None})
    finally:
        events.close()


def test_an_unexpected_builder_error_is_logged_and_shown(server: Running) -> None:
    server.builder.error = ZeroDivisionError("division by zero")
    logged: list[str] = []
    server.preview.log = logged.append
    assert not server.preview.rebuild()
    assert "Traceback" in logged[0] and "ZeroDivisionError" in logged[0]
    assert server.preview.state()["error"] == "division by zero"


def test_stop_ends_open_event_streams(site: Path) -> None:
    running, thread = start(site)
    events = Events(running.port)
    assert events.next()[0] == "hello"
    running.preview.stop()
    thread.join(5)
    assert not thread.is_alive()
    with pytest.raises((EOFError, ConnectionError)):
        events.next()
    events.close()


def test_a_first_build_that_fails_shows_an_error_page(site: Path) -> None:
    builder = FakeBuilder(Site(site))
    builder.error = BuildFailed("digest.yaml:4: invalid YAML: <oops>")
    preview = Preview(builder, log=lambda _: None)
    port = preview.bind("127.0.0.1", 0)
    preview.rebuild()
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    try:
        status, _, body = Running(preview, port, builder).request("/any/page/")
        assert status == 503
        assert b"digest.yaml:4: invalid YAML: &lt;oops&gt;" in body and SCRIPT.encode() in body
    finally:
        preview.stop()
        thread.join(5)


def test_a_taken_port_moves_to_a_free_one(site: Path) -> None:
    first = Preview(FakeBuilder(Site(site)))
    port = first.bind("127.0.0.1", 0)
    second = Preview(FakeBuilder(Site(site)))
    try:
        other = second.bind("127.0.0.1", port)
        assert other != port
    finally:
        first.stop()
        second.stop()


class WritingBuilder(FakeBuilder):
    """A builder that announces its pages (`ready`), then takes its time writing them
    until `release` is set, as a real rebuild of a large site does."""

    def __init__(self, site: Site) -> None:
        super().__init__(site)
        self.preview: Preview | None = None
        self.announced = threading.Event()
        self.release = threading.Event()
        self.pages: dict[str, bytes] = {}

    def __call__(self, changes: Any) -> Site:
        if changes and self.preview is not None:
            self.preview.ready(self.site, self.pages.get)
            self.announced.set()
            assert self.release.wait(5)
            (self.site.folder / "static/style.abc.css").write_text("body{color:red}")
        return super().__call__(changes)


def test_pages_are_served_before_they_are_written(site: Path) -> None:
    builder = WritingBuilder(Site(site))
    preview = Preview(builder, log=lambda _: None)
    builder.preview = preview
    port = preview.bind("127.0.0.1", 0)
    preview.rebuild()
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    server = Running(preview, port, builder)
    events = Events(port)
    try:
        assert events.next()[0] == "hello"
        builder.pages["articles/a/index.html"] = b"<html><body><h1>A, new</h1></body></html>"
        rebuild = threading.Thread(target=preview.rebuild, args=(["a.md"],))
        rebuild.start()
        assert builder.announced.wait(5)
        assert events.next() == ("reload", {"server": preview.server_id, "version": 2,
                                            "error": None})
        status, headers, body = server.request("/articles/a/")
        assert status == 200 and b"A, new" in body and SCRIPT.encode() in body
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        # anything else waits for the writing to finish: no stale style sheet
        styles: list[bytes] = []
        fetch = threading.Thread(target=lambda: styles.append(
            server.request("/static/style.abc.css")[2]))
        fetch.start()
        fetch.join(0.3)
        assert fetch.is_alive() and not styles
        builder.release.set()
        fetch.join(5)
        rebuild.join(5)
        assert styles == [b"body{color:red}"]
        assert preview.state()["version"] == 2  # one reload for one rebuild
        assert preview.live is None
        assert b"<h1>A</h1>" in server.request("/articles/a/")[2]  # the disk again
    finally:
        builder.release.set()
        events.close()
        preview.stop()
        thread.join(5)


def test_a_first_build_or_a_failed_one_does_not_announce_early(site: Path) -> None:
    builder = WritingBuilder(Site(site))
    preview = Preview(builder, log=lambda _: None)
    builder.preview = preview
    builder.release.set()
    preview.ready(builder.site, builder.pages.get)  # before any build: nothing to serve yet
    assert preview.live is None and preview.state()["version"] == 0
    preview.rebuild()
    builder.error = BuildFailed("templates/base.html:1: oops")
    assert not preview.rebuild(["a.md"])  # announced, then failed
    assert preview.live is None and not preview.writing
    assert preview.state()["error"] == "templates/base.html:1: oops"
    preview.ready(builder.site, builder.pages.get)  # while the error shows: wait for all
    assert preview.live is None


# --- who may ask: the Host header (DNS rebinding) -----------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("127.0.0.1:8000", ("127.0.0.1", 8000)),
    ("LocalHost:8000", ("localhost", 8000)),
    ("localhost", ("localhost", None)),
    ("[::1]:8000", ("::1", 8000)),
    ("[0:0:0:0:0:0:0:1]", ("::1", None)),
    ("my-laptop.local:8000", ("my-laptop.local", 8000)),
    ("", None),
    ("evil.example@127.0.0.1:8000", None),  # no user info
    ("127.0.0.1:8000/x", None),
    ("127.0.0.1:99999", None),
    ("127.0.0.1:", None),
    ("::1:8000", None),                     # an IPv6 address needs its brackets
    ("[evil.example]:8000", None),
    ("[127.0.0.1]:8000", None),
    ("caf\u00e9.example:8000", None),
    ("localhost:8000 x", None),
])
def test_split_host(value: str, expected: tuple[str, int | None] | None) -> None:
    assert split_host(value) == expected


LOCAL = hosts_for("127.0.0.1", 8000, ["my-laptop"])
EVERYWHERE = hosts_for("0.0.0.0", 8000, machine=["my-laptop", "my-laptop.local"])


@pytest.mark.parametrize(("hosts", "value", "allowed"), [
    (LOCAL, "127.0.0.1:8000", True),
    (LOCAL, "localhost:8000", True),
    (LOCAL, "LOCALHOST:8000", True),
    (LOCAL, "[::1]:8000", True),
    (LOCAL, "127.0.0.1:8001", False),        # another port
    (LOCAL, "127.0.0.1", False),             # no port is port 80
    (LOCAL, "evil.example:8000", False),     # a name made to resolve to 127.0.0.1
    (LOCAL, "127.0.0.1.nip.io:8000", False),
    (LOCAL, "localhost.evil.example:8000", False),
    (LOCAL, "my-laptop:8000", False),        # the machine's names only when listening widely
    (LOCAL, "192.168.1.20:8000", False),
    (hosts_for("127.0.0.1", 80), "localhost", True),
    (hosts_for("::1", 8000), "[::1]:8000", True),
    (hosts_for("192.168.1.20", 8000), "192.168.1.20:8000", True),
    (hosts_for("192.168.1.20", 8000), "192.168.1.21:8000", False),
    (hosts_for("preview.test", 8000), "Preview.Test:8000", True),
    (EVERYWHERE, "0.0.0.0:8000", True),
    (EVERYWHERE, "192.168.1.20:8000", True),  # an address is never someone else's name
    (EVERYWHERE, "[fe80::1]:8000", True),
    (EVERYWHERE, "my-laptop:8000", True),
    (EVERYWHERE, "my-laptop.local:8000", True),
    (EVERYWHERE, "evil.example:8000", False),
    (EVERYWHERE, "192.168.1.20:8001", False),
    (hosts_for("::", 8000, ["my-laptop"]), "10.0.0.2:8000", True),
    (hosts_for("", 8000, ["my-laptop"]), "my-laptop:8000", True),
])
def test_hosts_allowed(hosts: Hosts, value: str, allowed: bool) -> None:
    assert hosts.allows(value) is allowed


def test_machine_names_are_the_host_name_with_and_without_local() -> None:
    name = socket.gethostname().lower()
    names = machine_names()
    assert name in names and name.split(".")[0] + ".local" in names


BAD_HOSTS = ["evil.example:{port}", "evil.example", "127.0.0.1.nip.io:{port}",
             "localhost:{other}", "127.0.0.1", "localhost.:{port}", "x@127.0.0.1:{port}"]


@pytest.mark.parametrize("path", ["/", "/articles/draft/", "/feed.xml", SCRIPT,
                                  "/__digest__/events", "/nope/"])
@pytest.mark.parametrize("bad", BAD_HOSTS)
def test_other_hosts_are_refused(server: Running, path: str, bad: str) -> None:
    host = bad.format(port=server.port, other=server.port + 1)
    status, headers, body = server.request(path, host=host)
    assert status == 421 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body == b"digest preview: not answered for this host name\n"


def test_a_refused_host_is_logged_once(server: Running) -> None:
    for _ in range(3):
        assert server.request("/articles/draft/", host="evil.example:80")[0] == 421
    assert server.request("/", host="other.example:80")[0] == 421
    refused = [line for line in server.logged if line.startswith("refused")]
    assert refused == [
        "refused a request for host evil.example:80: not this preview's address "
        "(see Live preview in the README)",
        "refused a request for host other.example:80: not this preview's address "
        "(see Live preview in the README)"]


@pytest.mark.parametrize("good", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}",
                                  "[::1]:{port}"])
def test_the_preview_own_hosts_are_answered(server: Running, good: str) -> None:
    host = good.format(port=server.port)
    status, _, body = server.request("/articles/draft/", host=host)
    assert status == 200 and b"DRAFT-TEXT" in body
    events = Events(server.port, host=host)
    try:
        assert events.next()[0] == "hello"
    finally:
        events.close()


def test_ipv6_loopback_is_answered_when_bound_there(site: Path) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        running, thread = start(site, host="::1")
    except OSError as err:
        pytest.skip(f"cannot listen on ::1: {err}")
    try:
        status, _, body = running.request("/articles/draft/")  # http.client: [::1]:PORT
        assert status == 200 and b"DRAFT-TEXT" in body
        assert running.request("/", host=f"[::1]:{running.port}")[0] == 200
        assert running.request("/", host=f"localhost:{running.port}")[0] == 200
        assert running.request("/", host=f"evil.example:{running.port}")[0] == 421
    finally:
        running.preview.stop()
        thread.join(5)


@pytest.mark.parametrize(("request_head", "status"), [
    (b"GET / HTTP/1.1\r\n\r\n", b"400"),                             # HTTP/1.1 needs a Host
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n", b"400"),
    (b"GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n", b"400"),
    (b"GET / HTTP/1.0\r\n\r\n", b"200"),                             # no browser sends this
    (b"GET /articles/draft/ HTTP/1.0\r\nHost: evil.example\r\n\r\n", b"421"),
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n", b"200"),
])
def test_requests_without_one_good_host(server: Running, request_head: bytes,
                                        status: bytes) -> None:
    reply = raw(server.port, request_head.replace(b"{port}", str(server.port).encode()))
    assert reply.split(b" ")[1] == status
    assert (b"DRAFT-TEXT" in reply) is False


def test_error_messages_name_files_from_the_site_folder(site: Path, tmp_path: Path) -> None:
    builder = FakeBuilder(Site(site))
    builder.error = BuildFailed(f"{tmp_path}/templates/base.html:3: TemplateSyntaxError: oops")
    preview = Preview(builder, log=lambda _: None, folder=tmp_path)
    preview.rebuild()
    assert preview.state()["error"] == "templates/base.html:3: TemplateSyntaxError: oops"


@pytest.mark.parametrize(("message", "expected"), [
    ("{folder}/digest.yaml:4: invalid YAML", "digest.yaml:4: invalid YAML"),
    ("{folder}/seeds: the content folder does not exist", "seeds: the content folder does not "
     "exist"),
    ("{folder}-other/x.html: oops", "{folder}-other/x.html: oops"),  # only the folder itself
    ("{home}/elsewhere/x.html: oops", "~/elsewhere/x.html: oops"),
    ("no path here", "no path here"),
])
def test_without_folder(message: str, expected: str) -> None:
    folder, home = Path.home() / "blog", str(Path.home())
    fill = {"folder": str(folder), "home": home}
    assert without_folder(message.format(**fill), folder) == \
        expected.format(**fill).replace(home + "/", "~/")


# --- how much it takes on: connections, slow clients -------------------------------------


def get_head(port: int) -> bytes:
    return f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()


def test_a_burst_of_connections_is_all_answered(site: Path) -> None:
    """200 connections at once, made before the server accepts any: none is dropped (a
    listen backlog of 5 kept them waiting for retries of the TCP handshake, for seconds)."""
    preview = Preview(FakeBuilder(Site(site)), log=lambda _: None)
    port = preview.bind("127.0.0.1", 0)
    preview.rebuild()
    socks: list[socket.socket] = []
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    try:
        for _ in range(200):
            sock = socket.create_connection(("127.0.0.1", port), timeout=3)
            socks.append(sock)
            sock.sendall(get_head(port))
        thread.start()
        deadline = time.monotonic() + 30  # a safety net, not a measure
        replies = [read_all(sock, deadline) for sock in socks]
        assert all(reply.startswith(b"HTTP/1.0 200 OK") for reply in replies)
        assert all(reply.endswith(b"</body></html>") for reply in replies)
    finally:
        for sock in socks:
            sock.close()
        preview.stop()
        thread.join(5)


def test_a_slow_client_is_dropped_and_others_are_served(site: Path) -> None:
    running, thread = start(site, limits=Limits(request_seconds=0.5))
    try:
        stalled = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        stalled.sendall(b"GET / HT")  # half a request line, then nothing
        dribbler = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        dribbler.sendall(b"GET / HTTP/1.1\r\n")
        idle = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        for _ in range(3):  # meanwhile everyone else is served
            assert running.request("/articles/a/")[0] == 200
        # a byte every 0.1 s keeps each read short, but not the whole request
        sent = 0
        with contextlib.suppress(ConnectionError):
            while sent < 100:
                dribbler.sendall(b"X")
                sent += 1
                time.sleep(0.1)
        assert sent < 100, "the dribbling client was never dropped"
        deadline = time.monotonic() + 10
        for sock in (stalled, dribbler, idle):
            with contextlib.suppress(ConnectionResetError):
                assert read_all(sock, deadline) == b""  # closed without an answer
            sock.close()
        assert running.request("/")[0] == 200
    finally:
        running.preview.stop()
        thread.join(5)


def test_the_event_stream_outlives_the_request_timeout(site: Path) -> None:
    running, thread = start(site, limits=Limits(request_seconds=0.2))
    events = Events(running.port)
    try:
        assert events.next()[0] == "hello"
        time.sleep(1.0)  # five request timeouts
        assert running.preview.rebuild(["a change"])
        assert events.next()[0] == "reload"
    finally:
        events.close()
        running.preview.stop()
        thread.join(5)


def until_answered(running: Running, path: str, status: int, tries: int = 100) -> None:
    """Ask until the answer has that status (a closed connection frees its slot soon after)."""
    for _ in range(tries):
        if running.request(path)[0] == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path}: never {status}")


def test_connections_past_the_limit_are_told_503_at_once(site: Path) -> None:
    running, thread = start(site, limits=Limits(connections=4, request_seconds=30))
    held = [socket.create_connection(("127.0.0.1", running.port), timeout=5) for _ in range(4)]
    try:
        # accepted in order: these four hold every slot, so the next one is refused
        reply = raw(running.port, get_head(running.port), timeout=5)
        assert reply.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert reply.endswith(b"\r\n\r\ndigest preview: too many connections\n")
        assert b"Retry-After: 1\r\n" in reply
        for sock in held:
            sock.close()
        until_answered(running, "/", 200)
    finally:
        for sock in held:
            sock.close()
        running.preview.stop()
        thread.join(5)


def test_event_streams_past_the_limit_are_told_503(site: Path) -> None:
    running, thread = start(site, limits=Limits(streams=2))
    streams = [Events(running.port), Events(running.port)]
    try:
        assert [s.next()[0] for s in streams] == ["hello", "hello"]
        status, headers, body = running.request("/__digest__/events")
        assert (status, headers["Retry-After"]) == (503, "1")
        assert body == b"digest preview: too many event streams\n"
        assert running.request("/")[0] == 200  # pages are still served
        streams.pop().close()
        # the stream's thread lets go when a write fails (the first one after the page
        # closed only brings back a reset): rebuild until a stream is free again. (Asked
        # with a stream itself: a HEAD's 200 came before its thread let go of its own
        # place, and the stream opened right after it was told 503.)
        for _ in range(100):
            assert running.preview.rebuild(["a change"])
            with contextlib.suppress(AssertionError):  # told 503: not free yet
                streams.append(Events(running.port))
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the closed stream's place was never freed")
        assert streams[-1].next()[0] == "hello"
    finally:
        for stream in streams:
            stream.close()
        running.preview.stop()
        thread.join(5)


# --- paths the file system refuses --------------------------------------------------------


LONG = "x" * 300  # past the 255 bytes a file name may have


@pytest.mark.parametrize("path", [f"/{LONG}", f"/{LONG}/", f"/articles/{LONG}",
                                  f"/articles/{LONG}/index.html", f"/{'%C3%A9' * 130}"])
def test_a_name_too_long_is_404_and_one_line(server: Running, path: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    status, _, body = server.request(path)
    assert status == 404 and b"Not found" in body
    assert server.request("/")[0] == 200  # still serving
    lines = [line for line in server.logged if "answered 404" in line]
    assert len(lines) == 1 and lines[0].startswith("GET /")
    assert "File name too long" in lines[0] and len(lines[0]) < 200
    assert "Traceback" not in capsys.readouterr().err


def test_a_symlink_loop_is_404_and_one_line(server: Running, site: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (site / "loop").symlink_to(site / "loop")
    (site / "ping").symlink_to(site / "pong")
    (site / "pong").symlink_to(site / "ping")
    for path in ["/loop", "/loop/", "/ping/index.html", "/loop/x"]:
        assert server.request(path)[0] == 404
    assert server.request("/")[0] == 200
    assert any("symbolic links" in line for line in server.logged)
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_a_folder_it_may_not_read_is_404(server: Running, site: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    closed = site / "closed"
    (closed / "inner").mkdir(parents=True)
    (closed / "inner" / "index.html").write_text("<p>hidden</p>")
    closed.chmod(0)
    try:
        for path in ["/closed/inner", "/closed/inner/", "/closed/x.css"]:
            assert server.request(path)[0] == 404
    finally:
        closed.chmod(0o755)
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("target", [
    b"/a\x00b.html", b"/%00", b"/index.html%00.css", b"/%zz", b"/%ff%fe", b"/%",
    b"/articles/%2e%2e/%2e%2e/secret.txt", b"/articles/..%2F..%2Fsecret.txt",
    b"/" + b"%" * 300, b"/\xff\xfe", b"/a\\..\\..\\secret.txt",
])
def test_odd_paths_are_404(server: Running, target: bytes,
                           capsys: pytest.CaptureFixture[str]) -> None:
    host = f"Host: 127.0.0.1:{server.port}\r\n".encode()
    reply = raw(server.port, b"GET " + target + b" HTTP/1.1\r\n" + host + b"\r\n")
    assert reply.startswith(b"HTTP/1.0 404") and b"TOP-SECRET" not in reply
    assert server.request("/")[0] == 200
    assert "Traceback" not in capsys.readouterr().err


def test_ctrl_c_while_a_connection_thread_starts_stops_the_server(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C lands in the main thread wherever it is, often while it starts a connection's
    thread: that KeyboardInterrupt must end serve_forever, and the connection's slot is
    given back once, by its thread. (It was released twice; the ValueError that raised
    was logged by the server and swallowed Ctrl-C: `digest serve` went on serving.)"""
    builder = FakeBuilder(Site(site))
    preview = Preview(builder, log=lambda _: None)
    port = preview.bind("127.0.0.1", 0)
    preview.rebuild()
    answered: list[int] = []
    interrupted = threading.Event()

    def client() -> None:
        answered.append(Running(preview, port, builder).request("/")[0])
        if not interrupted.wait(5):
            preview.stop()  # only if Ctrl-C was lost: serve_forever then ends without raising

    original = threading.Thread

    class Interrupted(original):  # type: ignore[misc, valid-type]
        def start(self) -> None:
            # (a thread forgets its target once it has run: ask before it starts)
            serves = self._target == preview.httpd.process_request_thread  # type: ignore[union-attr]
            super().start()
            if serves:
                self.join(5)  # the main thread is not scheduled until the answer is sent
                raise KeyboardInterrupt

    asker = threading.Thread(target=client, daemon=True)
    asker.start()
    monkeypatch.setattr(threading, "Thread", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        preview.serve_forever()
    interrupted.set()
    monkeypatch.undo()
    preview.stop()
    asker.join(10)
    assert answered == [200]
    slots = preview.httpd.slots  # type: ignore[union-attr]
    assert all(slots.acquire(timeout=5) for _ in range(preview.limits.connections))
    with pytest.raises(ValueError):  # every slot was back, and no more than that
        slots.release()
        for _ in range(preview.limits.connections):
            slots.release()
