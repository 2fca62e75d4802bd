"""Search and social metadata in every page's <head>: canonical, Open Graph, Twitter card,
JSON-LD, feed discovery. Read back with lxml's HTML parser, as a crawler would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from digest.config import load_config
from digest.model import Article, Image
from digest.site.meta import _og_locale, shareable_image
from tests.conftest import BuildSite, write

BASE = "https://user.github.io/repo/"


def head(page: Path) -> Any:
    return html.parse(str(page)).getroot().head


def og(document: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in document.xpath("//meta[@property or @name]"):
        key = meta.get("property") or meta.get("name")
        found.setdefault(key, []).append(meta.get("content"))
    return found


def json_ld(document: Any) -> dict[str, Any]:
    scripts = document.xpath("//script[@type='application/ld+json']/text()")
    assert len(scripts) == 1
    return json.loads(scripts[0])


@pytest.fixture
def site(tmp_path: Path, build_site: BuildSite) -> Path:
    """A dated article with a lead image, author and source; an undated one; remote images on."""
    content = tmp_path / "content"
    write(content, "a.md", """---
title: Meta buys chips
published: 2024-03-01T10:00:00+01:00
updated: 2024-03-02T08:00:00Z
author: Jane Doe
excerpt: Meta orders another ton of GPUs.
source: {name: Example News, domain: example.com}
url: https://example.com/meta-chips
image: {url: "https://cdn.example.com/chips.jpg", width: 1200, height: 630, alt: A chip}
topics: [Chips, Meta]
---

Meta said so on [its blog](https://about.meta.com/).
""")
    write(content, "b.md", "---\ntitle: Undated story\ntopics: [Chips]\n---\n\nText.\n")
    _, out = build_site(content, base_url=BASE, remote_images=True)
    return out


def test_article_page_has_open_graph_twitter_and_canonical(site: Path) -> None:
    document = head(site / "articles/meta-buys-chips/index.html")
    url = BASE + "articles/meta-buys-chips/"
    assert document.xpath("//link[@rel='canonical']/@href") == [url]
    tags = og(document)
    assert tags["og:title"] == ["Meta buys chips"]
    assert tags["og:description"] == ["Meta orders another ton of GPUs."]
    assert tags["og:type"] == ["article"]
    assert tags["og:url"] == [url]
    assert tags["og:site_name"] and tags["og:locale"] == ["en"]
    assert tags["og:image"] == ["https://cdn.example.com/chips.jpg"]
    assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["630"]
    assert tags["og:image:alt"] == ["A chip"]
    assert tags["article:published_time"] == ["2024-03-01T09:00:00Z"]
    assert tags["article:modified_time"] == ["2024-03-02T08:00:00Z"]
    assert tags["article:tag"] == ["Chips", "Meta"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["twitter:image"] == ["https://cdn.example.com/chips.jpg"]


def test_article_json_ld_is_a_complete_news_article(site: Path) -> None:
    data = json_ld(head(site / "articles/meta-buys-chips/index.html"))
    url = BASE + "articles/meta-buys-chips/"
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Meta buys chips"
    assert data["datePublished"] == "2024-03-01T09:00:00Z"
    assert data["dateModified"] == "2024-03-02T08:00:00Z"
    assert data["image"] == {"@type": "ImageObject", "url": "https://cdn.example.com/chips.jpg",
                             "width": 1200, "height": 630}
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["url"] == BASE
    assert data["author"] == {"@type": "Person", "name": "Jane Doe"}
    assert data["sourceOrganization"]["name"] == "Example News"
    assert data["isBasedOn"] == "https://example.com/meta-chips"


def test_undated_article_says_nothing_about_dates(site: Path) -> None:
    document = head(site / "articles/undated-story/index.html")
    assert "article:published_time" not in og(document)
    assert "datePublished" not in json_ld(document)


def test_every_page_has_title_description_canonical_and_og(site: Path) -> None:
    for page in sorted(site.rglob("*.html")):
        document = head(page)
        tags = og(document)
        assert document.findtext("title"), page
        assert tags["description"][0] and tags["og:title"][0] and tags["og:description"][0]
        assert tags["twitter:card"], page
        if page.name == "404.html":
            assert tags["robots"] == ["noindex"]
            assert not document.xpath("//link[@rel='canonical']")
            continue
        canonical = document.xpath("//link[@rel='canonical']/@href")
        assert canonical == tags["og:url"] and canonical[0].startswith(BASE), page
        expected = BASE + page.relative_to(site).parent.as_posix() + "/"
        assert canonical[0] == expected.replace(f"{BASE}./", BASE), page
        data = json_ld(document)
        assert data["@type"] in {"NewsArticle", "CollectionPage"}


def test_list_pages_carry_an_item_list(site: Path) -> None:
    data = json_ld(head(site / "topics/chips/index.html"))
    assert data["@type"] == "CollectionPage"
    items = data["mainEntity"]["itemListElement"]
    assert [i["url"] for i in items] == [BASE + "articles/meta-buys-chips/",
                                         BASE + "articles/undated-story/"]
    assert [i["position"] for i in items] == [1, 2]


def test_feeds_are_advertised_on_the_front_page_and_topic_pages(site: Path) -> None:
    def alternates(page: str) -> list[tuple[str, str]]:
        return [(link.get("type"), link.get("href"))
                for link in head(site / page).xpath("//link[@rel='alternate']")]

    site_feeds = [("application/atom+xml", BASE + "feed.xml"),
                  ("application/rss+xml", BASE + "rss.xml"),
                  ("application/feed+json", BASE + "feed.json")]
    assert alternates("index.html") == site_feeds
    chips = [(kind, href.replace(BASE, BASE + "topics/chips/")) for kind, href in site_feeds]
    assert alternates("topics/chips/index.html") == chips + site_feeds
    for _, href in chips + site_feeds:
        assert (site / href.removeprefix(BASE)).is_file()


def test_without_base_url_no_relative_url_pretends_to_be_absolute(
        seeds: Path, build_site: BuildSite) -> None:
    _, out = build_site(seeds, remote_images=True)
    for page in sorted(out.rglob("*.html")):
        document = head(page)
        tags = og(document)
        assert "og:url" not in tags and "og:image" not in tags, page
        assert not document.xpath("//link[@rel='alternate' or @rel='canonical']"), page
        text = json.dumps(json_ld(document)) if page.name != "404.html" else ""
        assert '"url"' not in text and "mainEntityOfPage" not in text, page


@pytest.mark.parametrize(("url", "base", "remote", "expected"), [
    ("https://cdn.example.com/a.jpg", BASE, True, "https://cdn.example.com/a.jpg"),
    ("https://cdn.example.com/a.jpg", BASE, False, None),  # owner keeps remote images off
    (BASE + "static/a.jpg", BASE, False, BASE + "static/a.jpg"),  # our own image
    ("img/a.jpg", BASE, False, BASE + "articles/s/img/a.jpg"),
    ("/repo/static/a.jpg", BASE, False, BASE + "static/a.jpg"),
    ("img/a.jpg", "", True, None),  # relative and nowhere to anchor it
    ("https://cdn.example.com/a.jpg", "", True, "https://cdn.example.com/a.jpg"),
])
def test_shareable_image(url: str, base: str, remote: bool, expected: str | None) -> None:
    config = load_config(None, {"base_url": base, "remote_images": remote}, root=Path("/x"))
    article = Article(path="s.md", slug="s", title="S", published=None, image=Image(url))
    image = shareable_image(article, config)
    assert (image.url if image else None) == expected


@pytest.mark.parametrize(("language", "locale"), [
    ("en", "en"), ("pt-BR", "pt_BR"), ("de_at", "de_AT"), ("zh-Hant-TW", "zh"), ("", None),
])
def test_og_locale(language: str, locale: str | None) -> None:
    assert _og_locale(language) == locale


def test_every_page_of_a_topic_advertises_its_feed(tmp_path: Path,
                                                   build_site: BuildSite) -> None:
    content = tmp_path / "content"
    for n in (1, 2):
        write(content, f"{n}.md", f"---\ntitle: Story {n}\npublished: 2024-03-0{n}\n"
              "topics: [Chips]\n---\n\nText.\n")
    _, out = build_site(content, base_url=BASE, page_size=1)
    hrefs = head(out / "topics/chips/page/2/index.html").xpath(
        "//link[@rel='alternate']/@href")
    assert hrefs[0] == BASE + "topics/chips/feed.xml" and BASE + "feed.xml" in hrefs
    article = head(out / "articles/story-1/index.html").xpath("//link[@rel='alternate']/@href")
    assert article == [BASE + "feed.xml", BASE + "rss.xml", BASE + "feed.json"]


def test_drafts_are_noindex(seeds: Path, build_site: BuildSite) -> None:
    result, out = build_site(seeds, drafts=True, base_url=BASE)
    drafts = [a for a in result.digest.articles if a.draft]
    assert drafts
    for article in result.digest.articles:
        robots = og(head(out / article.url / "index.html")).get("robots")
        assert robots == (["noindex"] if article.draft else None), article.path


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image as Picture

    buffer = io.BytesIO()
    Picture.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_every_lead_image_reference_points_at_the_published_file(
        tmp_path: Path, build_site: BuildSite) -> None:
    """A relative lead image and a remote one with a local copy are both published as
    'lead.png' beside the article: og:image, JSON-LD and feed.json name that file, and
    `digest check` finds nothing broken."""
    from click.testing import CliRunner

    from digest.cli import main

    content = tmp_path / "content"
    write(content, "tgv.md", "---\ntitle: The TGV at 320\ndate: 2025-05-01\n"
          "image: pictures/tgv.png\n---\nFast trains.\n")
    write(content, "pictures/tgv.png", _png(40, 20))
    write(content, "ice.md", "---\ntitle: The ICE in winter\ndate: 2025-05-02\n"
          "image: https://cdn.example.com/photos/ice.png\n---\nSnow on the line.\n")
    write(content, "ice.png", _png(30, 30))
    result, out = build_site(content, base_url=BASE)
    assert result.link_problems == []
    published = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}

    def file_of(url: str) -> str:
        assert url.startswith(BASE), url
        return url[len(BASE):]

    feed = json.loads((out / "feed.json").read_text())
    feed_images = {item["title"]: item["image"] for item in feed["items"]}
    for slug, title, size in [("the-tgv-at-320", "The TGV at 320", (40, 20)),
                              ("the-ice-in-winter", "The ICE in winter", (30, 30))]:
        document = head(out / "articles" / slug / "index.html")
        [card] = og(document)["og:image"]
        assert file_of(card) == f"articles/{slug}/lead.png"
        ld = json_ld(document)["image"]
        assert (ld["url"], ld["width"], ld["height"]) == (card, *size)
        assert feed_images[title] == card
        assert file_of(card) in published

    config = tmp_path / "digest.yaml"
    config.write_text(f"output: {out}\n")
    checked = CliRunner().invoke(main, ["check", "--config", str(config), "--base-url", BASE])
    assert checked.exit_code == 0, checked.output
