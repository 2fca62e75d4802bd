"""A site built for https://user.github.io/repo/ really works under /repo/: serve it the way
GitHub Pages does (folders answer with index.html, a missing URL gets 404.html) and crawl
every page, asset, feed and sitemap URL."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import pytest
from lxml import etree, html

from tests.conftest import BuildSite

BASE = "https://user.github.io/repo/"


class PagesHandler(SimpleHTTPRequestHandler):
    """Static files like GitHub Pages: the site's 404.html for anything missing."""

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "repo" / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """(folder served as /repo/, its local root URL) while the test runs."""
    root = tmp_path / "www"
    (root / "repo").mkdir(parents=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 partial(PagesHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield root / "repo", f"http://127.0.0.1:{server.server_address[1]}/repo/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get_content_type(), err.read()


def links_in(url: str, kind: str, body: bytes, local: str) -> set[str]:
    """Every URL a page, stylesheet, feed or sitemap points at, made local and absolute."""
    found: set[str] = set()
    if kind == "text/html":
        document = html.fromstring(body, base_url=url)
        document.make_links_absolute(url)
        found = {link for _, _, link, _ in document.iterlinks()}
    elif kind == "text/css":
        found = {urljoin(url, m) for m in re.findall(r"url\(['\"]?([^'\")]+)", body.decode())}
    elif kind in {"application/xml", "text/xml"} or url.endswith(".xml"):
        root = etree.fromstring(body)
        for element in root.iter():
            for value in (element.text, element.get("href")):
                if value and value.strip().startswith(BASE):
                    found.add(value.strip())
    elif url.endswith(".json"):
        text = json.dumps(json.loads(body))
        found = set(re.findall(re.escape(BASE) + r"[^\"\s]*", text))
    return {urldefrag(link.replace(BASE, local))[0] for link in found}


def crawl(start: list[str], local: str) -> dict[str, int]:
    """Breadth-first over every same-site URL reachable from `start`: URL -> status."""
    seen: dict[str, int] = {}
    queue = list(start)
    while queue:
        url = queue.pop(0)
        if url in seen or not url.startswith(local):
            continue
        status, kind, body = fetch(url)
        seen[url] = status
        if status == 200:
            queue.extend(links_in(url, kind, body, local) - seen.keys())
    return seen


@pytest.mark.parametrize("clean_links", [False, True])
def test_every_url_answers_200_under_the_subpath(seeds: Path, build_site: BuildSite,
                                                 served: tuple[Path, str],
                                                 clean_links: bool) -> None:
    folder, local = served
    result, out = build_site(seeds, base_url=BASE, output_dir=folder, clean_links=clean_links)
    assert out == folder and result.link_problems == []
    start = [local, local + "sitemap.xml", local + "robots.txt", local + "feed.xml",
             local + "rss.xml", local + "feed.json"]
    statuses = crawl(start, local)
    broken = {url: status for url, status in statuses.items() if status != 200}
    assert broken == {}
    # The crawl reached every file the build wrote (but the 404 page, reached below).
    written = {p.relative_to(out).as_posix() for p in out.rglob("*")
               if p.is_file() and not p.name.startswith(".")}
    reached = {u.removeprefix(local) for u in statuses}
    reached |= {u + "index.html" for u in reached if u == "" or u.endswith("/")}
    # The search bundle is fetched by search.js, not linked: the browser tests search
    # under /repo/; here its entry points must answer too.
    bundle = {w for w in written if w.startswith("pagefind/")}
    assert {"pagefind/pagefind.js", "pagefind/pagefind-entry.json"} <= bundle
    assert all(fetch(local + w)[0] == 200 for w in sorted(bundle))
    assert written - reached - bundle == {"404.html"}
    assert any(u.endswith("/feed.xml") and "/topics/" in u for u in statuses)


def test_the_404_page_works_at_any_depth(seeds: Path, build_site: BuildSite,
                                         served: tuple[Path, str]) -> None:
    folder, local = served
    build_site(seeds, base_url=BASE, output_dir=folder)
    for missing in ("nope", "articles/gone/", "a/b/c/d/e.html"):
        status, kind, body = fetch(local + missing)
        assert status == 404 and b"Page not found" in body
        links = {link for link in links_in(local + missing, kind, body, local)
                 if link.startswith(local) and link != local + missing}  # not '#main'
        assert len(links) >= 5 and all(fetch(link)[0] == 200 for link in links), missing
