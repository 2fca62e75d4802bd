"""digest add: clipping pages from a local server and saved files."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer

from digest.fetch.clip import clip
from digest.fetch.run import add
from digest.read.frontmatter import split_front_matter

from .helpers import FIXTURES, fast_client, files, fixture

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def run_add(targets: list[str], tmp_path: Path, **options: object) -> tuple[int, str]:
    """add() into tmp_path/content -> (exit status, output)."""
    out = io.StringIO()
    status = add(targets, tmp_path / "content", tmp_path / ".digest-cache", out=out,
                 client=fast_client(), **options)  # type: ignore[arg-type]
    return status, out.getvalue()


@pytest.fixture
def site(httpserver: HTTPServer) -> HTTPServer:
    """A news site on 127.0.0.1: an article page with a lead image, a plain page, a 404."""
    base = httpserver.url_for("/").rstrip("/").removeprefix("http://")
    page = fixture("article.html").replace(b"BASE", base.encode())
    httpserver.expect_request("/news/open-models").respond_with_data(
        page, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/img/lead.jpg").respond_with_data(JPEG,
                                                                 content_type="image/jpeg")
    httpserver.expect_request("/farm").respond_with_data(fixture("plain.html"),
                                                         content_type="text/html")
    httpserver.expect_request("/missing").respond_with_data("gone", status=404)
    httpserver.expect_request("/pdf").respond_with_data(b"%PDF", content_type="application/pdf")
    return httpserver


def test_add_clips_an_article_with_metadata(site: HTTPServer, tmp_path: Path,
                                            build_site) -> None:
    url = site.url_for("/news/open-models") + "?utm_source=newsletter&fbclid=1"
    status, out = run_add([url], tmp_path, topics=("AI", "Open models"))
    assert status == 0, out
    written = files(tmp_path / "content")
    assert list(written) == ["clipped/2024-05-01-open-models-catch-up.md"]
    parsed = split_front_matter(written["clipped/2024-05-01-open-models-catch-up.md"].decode())
    assert parsed.problems == ()
    meta = parsed.meta
    assert meta["title"] == "Open models catch up"
    assert meta["author"] == "Ada Lovelace"
    assert meta["publishedDateTime"] == "2024-05-01T10:20:00Z"
    assert meta["originalUrl"] == site.url_for("/news/open-models")
    assert meta["provider"] == {"name": "The Example Times",
                                "domain": urlsplit(url).hostname}
    assert meta["topics"] == ["AI", "Open models"]
    assert meta["images"] == [{"url": site.url_for("/img/lead.jpg")}]
    assert "## What the numbers say" in parsed.body
    assert "- Coding: a gap of nine points" in parsed.body
    assert "[new benchmark report](https://bench.example.org/report)" in parsed.body
    assert "Subscribe" not in parsed.body and "tracker" not in parsed.body
    image = tmp_path / "content/clipped/2024-05-01-open-models-catch-up.jpg"
    assert image.read_bytes() == JPEG
    assert "lead image 2024-05-01-open-models-catch-up.jpg" in out
    result, _ = build_site(tmp_path / "content")
    assert result.articles_built == 1


def test_the_same_page_is_not_clipped_twice(site: HTTPServer, tmp_path: Path) -> None:
    url = site.url_for("/news/open-models")
    run_add([url], tmp_path)
    before = files(tmp_path / "content")
    status, out = run_add([url + "?utm_campaign=x", url + "#comments"], tmp_path)
    assert status == 0
    assert out.count("already clipped as clipped/2024-05-01-open-models-catch-up.md") == 2
    assert files(tmp_path / "content") == before


def test_add_a_page_with_only_visible_text(site: HTTPServer, tmp_path: Path) -> None:
    status, out = run_add([site.url_for("/farm")], tmp_path, source="Valley Gazette")
    assert status == 0, out
    (name, data), = files(tmp_path / "content").items()
    assert name == "clipped/2024-03-03-farmers-try-drones-for-watering.md"
    meta = split_front_matter(data.decode()).meta
    assert meta["title"] == "Farmers try drones for watering"
    assert meta["publishedDateTime"] == "2024-03-03"
    assert meta["provider"]["name"] == "Valley Gazette"
    assert "images" not in meta


def test_add_a_saved_file_and_failures(site: HTTPServer, tmp_path: Path) -> None:
    saved = tmp_path / "saved.html"
    saved.write_bytes(fixture("plain.html"))
    status, out = run_add([str(saved), site.url_for("/pdf"), site.url_for("/missing"),
                           str(tmp_path / "nope.html")], tmp_path)
    assert status == 1
    assert f"{saved}: clipped as clipped/2024-03-03-farmers-try-drones-for-watering.md" in out
    assert "application/pdf, not a web page" in out
    assert "HTTP 404" in out
    assert "nope.html" in out
    assert run_add([str(saved)], tmp_path)[1].endswith(
        "already clipped as clipped/2024-03-03-farmers-try-drones-for-watering.md\n")


def test_clip_is_pure() -> None:
    clipping = clip(fixture("article.html").replace(b"BASE", b"news.example.com"),
                    "https://news.example.com/news/open-models")
    assert clipping is not None
    assert clipping.url == "http://news.example.com/news/open-models"  # the canonical
    assert clipping.source == "The Example Times"
    assert clipping.image == "http://news.example.com/img/lead.jpg"
    assert clip(b"<html><body></body></html>") is None
    assert (FIXTURES / "article.html").exists()
