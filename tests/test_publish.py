"""Feeds, sitemap, robots.txt, .nojekyll and CNAME: read back by the clients that use them
(feedparser, lxml, the sitemaps.org schema)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from digest.config import ConfigError, SiteConfig, load_config
from digest.model import Article, Image, Source, Topic
from digest.site.group import group
from digest.site.publish import feed_links, publish, sitemaps, xml_text
from tests.conftest import REPO, BuildSite, write

BASE = "https://user.github.io/repo/"
ATOM = "{http://www.w3.org/2005/Atom}"
XSD = REPO / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
                    r"Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$")
DAY = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def config(**values: Any) -> SiteConfig:
    return load_config(None, {"base_url": BASE, **values}, root=Path("/nonexistent"))


def article(n: int, **fields: Any) -> Article:
    values: dict[str, Any] = {
        "path": f"a{n}.md", "slug": f"story-{n}", "title": f"Story {n}",
        "published": DAY - timedelta(hours=n), "excerpt": f"Summary {n}.",
        "body": f'<p>Body {n} <a href="../story-0/">see</a> <img src="pic.png" alt=""></p>'
                .encode(),
        "topics": (Topic("Chips", "chips"),),
    }
    values.update(fields)
    return Article(**values)


def files_for(articles: list[Article], **values: Any) -> dict[str, bytes]:
    cfg = config(**values)
    return publish(group(articles, cfg), cfg).files


def parse_feed(data: bytes) -> Any:
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def schema() -> etree.XMLSchema | None:
    if XSD.is_file():
        return etree.XMLSchema(etree.parse(str(XSD)))
    if os.environ.get("DIGEST_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{XSD} is missing: run `npm ci` (CI installs the sitemaps.org schema)")
    pytest.skip("sitemaps.org schema not installed (run `npm ci`)")


# ------------------------------------------------------------------ feeds


@pytest.mark.parametrize("name", ["feed.xml", "rss.xml"])
def test_xml_feeds_parse_cleanly_with_every_entry_and_absolute_links(name: str) -> None:
    files = files_for([article(n) for n in range(3)] + [article(9, published=None)])
    feed = parse_feed(files[name])
    assert feed.version == ("atom10" if name == "feed.xml" else "rss20")
    # RSS carries the undated story last, without a date; Atom cannot date it (no git here)
    dated = ["Story 0", "Story 1", "Story 2"]
    assert [e.title for e in feed.entries] == dated + (["Story 9"] if name == "rss.xml" else [])
    for entry in feed.entries:
        assert entry.link.startswith(BASE + "articles/story-")
        assert entry.id == entry.link  # stable: the permalink
        assert (entry.get("published_parsed") is None) == (entry.title == "Story 9")
        assert entry.summary.startswith("Summary")
        body = entry.content[0].value
        assert f'href="{BASE}articles/story-0/"' in body  # ../story-0/ made absolute
        assert re.search(r'src="https://user\.github\.io/repo/articles/story-\d/pic\.png"', body)
        assert [t.term for t in entry.tags] == ["Chips"]


def test_feed_dates_are_rfc3339_in_atom_and_rfc822_in_rss() -> None:
    files = files_for([article(1, updated=DAY + timedelta(days=1))])
    atom = etree.fromstring(files["feed.xml"])
    dates = [e.text for e in atom.iter(f"{ATOM}published", f"{ATOM}updated")]
    assert dates and all(RFC3339.match(d) for d in dates)
    assert atom.findtext(f"{ATOM}updated") == "2024-03-02T09:30:00Z"  # newest change
    rss = etree.fromstring(files["rss.xml"])
    dates = [e.text for e in rss.iter("pubDate", "lastBuildDate")]
    assert dates and all(RFC822.match(d) for d in dates)


def test_atom_structure() -> None:
    """What RFC 4287 requires of a feed and each entry (lxml reads it, not a regex)."""
    root = etree.fromstring(files_for([article(n) for n in range(2)])["feed.xml"])
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{tag}")) == 1, tag
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == BASE + "feed.xml"
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for tag in ("id", "title", "updated", "published", "summary", "content"):
            assert len(entry.findall(f"{ATOM}{tag}")) == 1, tag
        assert entry.find(f"{ATOM}content").get("type") == "html"
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(BASE)
        assert entry.find(f"{ATOM}author/{ATOM}name").text


def test_rss_structure() -> None:
    root = etree.fromstring(files_for([article(n) for n in range(2)])["rss.xml"])
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for tag in ("title", "link", "description"):
        assert channel.findtext(tag), tag
    assert channel.find(f"{ATOM}link[@rel='self']").get("href") == BASE + "rss.xml"
    for item in channel.findall("item"):
        assert item.findtext("title") and item.findtext("link").startswith(BASE)
        assert item.find("guid").get("isPermaLink") == "true"
        assert item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")


def test_json_feed() -> None:
    data = json.loads(files_for([article(n) for n in range(2)], remote_images=True)[
        "feed.json"])
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "feed.json" and data["home_page_url"] == BASE
    assert [i["id"] for i in data["items"]] == [BASE + "articles/story-0/",
                                                BASE + "articles/story-1/"]
    for item in data["items"]:
        assert RFC3339.match(item["date_published"])
        assert item["content_html"].startswith("<p>") and item["summary"]
        assert BASE + "articles/story-0/" in item["content_html"]


def test_titles_with_control_characters_and_markup_stay_well_formed() -> None:
    nasty = "Bad \x00\x01\x0b\x1f\ufffe title <b>&amp;</b> ]]> \ud800 & <script>"
    files = files_for([article(1, title=nasty, excerpt="a\x0cb <i>", author="A\x02B")])
    for name in ("feed.xml", "rss.xml"):
        etree.fromstring(files[name])  # well-formed, or it raises
        entry = parse_feed(files[name]).entries[0]
        assert entry.title == "Bad  title <b>&amp;</b> ]]>  & <script>"
    item = json.loads(files["feed.json"])["items"][0]
    assert item["title"] == "Bad  title <b>&amp;</b> ]]>  & <script>"


@settings(max_examples=60, deadline=None)
@given(title=st.text(min_size=1), excerpt=st.text(), author=st.text(), body=st.text())
def test_any_text_makes_well_formed_feeds(title: str, excerpt: str, author: str,
                                          body: str) -> None:
    files = files_for([article(1, title=title, excerpt=excerpt, author=author,
                               body=f"<p>{body}</p>".encode(), topics=(Topic(title, "t"),))])
    names = [name for name in files if name.endswith(".xml")]
    assert len(names) == 5  # the site's and the topic's Atom and RSS, and the sitemap
    for name in names:
        root = etree.fromstring(files[name])  # raises unless well-formed
        assert len(root.xpath("//*[local-name()='entry' or local-name()='item' or "
                              "local-name()='url']")) >= 1
    assert json.loads(files["feed.json"])["items"][0]["title"] == xml_text(title)


def test_xml_text_keeps_everything_xml_allows() -> None:
    assert xml_text("tab\tnl\ncr\r é 中 😀 \ue000") == "tab\tnl\ncr\r é 中 😀 \ue000"
    assert xml_text("\x00\x08\x0b\x0c\x0e\x1f\ud800\ufffe\uffff") == ""


def test_undated_stories_follow_the_dated_and_drafts_stay_out_of_every_feed() -> None:
    cfg = config(drafts=True)
    digest = group([article(1), article(2, published=None), article(3, draft=True),
                    article(4, published=None, path="b.md", slug="b"),
                    article(5, published=None, draft=True, path="c.md", slug="c")], cfg)
    result = publish(digest, cfg)
    assert result.undated == 2  # left out of Atom: nothing says when they entered
    assert [e.title for e in parse_feed(result.files["feed.xml"]).entries] == ["Story 1"]
    rss = parse_feed(result.files["rss.xml"]).entries
    assert [e.title for e in rss] == ["Story 1", "Story 2", "Story 4"]
    assert [bool(e.get("published_parsed")) for e in rss] == [True, False, False]
    items = json.loads(result.files["feed.json"])["items"]
    assert [i["title"] for i in items] == ["Story 1", "Story 2", "Story 4"]
    assert ["date_published" in i for i in items] == [True, False, False]
    assert ["date_modified" in i for i in items] == [True, False, False]
    assert "Story 3" not in result.files["sitemap.xml"].decode()


def test_atom_dates_an_undated_story_by_when_it_entered_the_digest() -> None:
    """Given the first commit of its file, an undated story is an Atom entry with that
    <updated> and no <published> (a publication date it does not have)."""
    cfg = config()
    entered = {"a2.md": DAY + timedelta(days=3)}
    digest = group([article(1), article(2, published=None), article(3, published=None)], cfg)
    result = publish(digest, cfg, entered)
    assert result.undated == 1
    root = etree.fromstring(result.files["feed.xml"])
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Story 1", "Story 2"]
    assert entries[1].findtext(f"{ATOM}updated") == "2024-03-04T09:30:00Z"
    assert entries[1].find(f"{ATOM}published") is None
    assert root.findtext(f"{ATOM}updated") == "2024-03-04T09:30:00Z"  # the newest change
    for entry in entries:  # what RFC 4287 requires of every entry
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{tag}")) == 1, tag
    assert parse_feed(result.files["feed.xml"]).entries[1].updated_parsed is not None
    # RSS and JSON Feed stay as they were: no date there, the commit is not a pubDate
    assert "date_published" not in json.loads(result.files["feed.json"])["items"][1]


def test_feed_size_keeps_the_latest() -> None:
    files = files_for([article(n) for n in range(8)], feed_size=3)
    assert [e.title for e in parse_feed(files["rss.xml"]).entries] == [
        "Story 0", "Story 1", "Story 2"]


def test_topic_feeds() -> None:
    files = files_for([article(1), article(2, topics=(Topic("Chips", "chips"),
                                                     Topic("Llama", "llama")))])
    assert [e.title for e in parse_feed(files["topics/llama/feed.xml"]).entries] == ["Story 2"]
    chips = parse_feed(files["topics/chips/rss.xml"])
    assert len(chips.entries) == 2 and chips.feed.link == BASE + "topics/chips/"
    assert json.loads(files["topics/llama/feed.json"])["feed_url"] == \
        BASE + "topics/llama/feed.json"


def test_a_topic_with_only_undated_stories_has_no_atom_feed_and_links_none() -> None:
    cfg = config()
    digest = group([article(1), article(2, published=None,
                                         topics=(Topic("Llama", "llama"),))], cfg)
    publication = publish(digest, cfg)
    files = publication.files
    assert "topics/chips/feed.xml" in files and "topics/llama/feed.xml" not in files
    assert "topics/llama/rss.xml" in files and "topics/llama/feed.json" in files
    assert "lastBuildDate" not in files["topics/llama/rss.xml"].decode()  # nothing dates it
    links = feed_links(publication.feeds, cfg)("topics/llama/index.html")
    assert [link.href for link in links if "llama" in link.href] == [
        BASE + "topics/llama/rss.xml", BASE + "topics/llama/feed.json"]


def test_without_base_url_there_are_no_feeds_or_sitemap() -> None:
    cfg = load_config(None, {}, root=Path("/nonexistent"))
    result = publish(group([article(1)], cfg), cfg)
    assert not result.feeds
    assert sorted(result.files) == [".nojekyll", "robots.txt"]
    assert "Sitemap" not in result.files["robots.txt"].decode()


def test_remote_lead_image_goes_into_json_feed_only_when_remote_images_are_on() -> None:
    lead = Image("https://cdn.example.com/a.jpg", 1200, 630)
    off = json.loads(files_for([article(1, image=lead)])["feed.json"])
    on = json.loads(files_for([article(1, image=lead)], remote_images=True)["feed.json"])
    assert "image" not in off["items"][0]
    assert on["items"][0]["image"] == "https://cdn.example.com/a.jpg"


def test_author_falls_back_to_the_source() -> None:
    source = Source("Futurism", "futurism.com", "futurism")
    entry = parse_feed(files_for([article(1, source=source)])["feed.xml"]).entries[0]
    assert entry.author == "Futurism"


# ------------------------------------------------------------------ sitemap, robots, CNAME


def test_sitemap_is_valid_against_the_sitemaps_org_schema(seeds: Path,
                                                         build_site: BuildSite) -> None:
    xsd = schema()
    _, out = build_site(seeds, base_url=BASE)
    document = etree.parse(str(out / "sitemap.xml"))
    assert xsd.validate(document), xsd.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = document.xpath("//s:loc/text()", namespaces=ns)
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                   if p.name != "404.html")
    assert sorted(loc.removeprefix(BASE) + "index.html" for loc in locs) == pages
    assert document.xpath("//s:lastmod/text()", namespaces=ns)  # the dated ones have one


def test_a_large_site_gets_a_sitemap_index() -> None:
    entries = [(f"{BASE}p{n}/", "2024-03-01T00:00:00Z" if n % 2 else None) for n in range(5)]
    files = sitemaps(entries, config(), limit=2)
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = etree.fromstring(files["sitemap.xml"])
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert [e.text for e in index.iter("{*}loc")] == [f"{BASE}sitemap-{n}.xml"
                                                      for n in (1, 2, 3)]
    xsd = schema()
    for n in (1, 2, 3):
        assert xsd.validate(etree.fromstring(files[f"sitemap-{n}.xml"]))


def test_robots_points_at_the_sitemap() -> None:
    robots = files_for([article(1)])["robots.txt"].decode()
    assert robots.splitlines() == ["User-agent: *", "Disallow:", "",
                                   f"Sitemap: {BASE}sitemap.xml"]


def test_nojekyll_always_and_cname_when_configured() -> None:
    assert files_for([])[".nojekyll"] == b""
    assert "CNAME" not in files_for([])
    assert files_for([], cname="News.Example.org")["CNAME"] == b"news.example.org\n"


def test_cname_sets_the_base_url_unless_one_is_given() -> None:
    root = Path("/nonexistent")
    assert load_config(None, {"cname": "news.example.org"}, root=root).base_url == \
        "https://news.example.org/"
    assert load_config(None, {"cname": "news.example.org", "base_url": BASE},
                       root=root).base_url == BASE
    with pytest.raises(ConfigError, match="bare domain"):
        load_config(None, {"cname": "https://news.example.org/"}, root=root)


def test_publishing_output_is_deterministic(seeds: Path, build_site: BuildSite) -> None:
    _, out = build_site(seeds, base_url=BASE)
    first = {p: (out / p).read_bytes() for p in ("feed.xml", "rss.xml", "feed.json",
                                                  "sitemap.xml")}
    _, out = build_site(seeds, base_url=BASE)
    assert first == {p: (out / p).read_bytes() for p in first}


def test_seed_build_writes_every_publishing_file(seeds: Path, build_site: BuildSite) -> None:
    result, out = build_site(seeds, base_url=BASE)
    for name in ("feed.xml", "rss.xml", "feed.json", "sitemap.xml", "robots.txt",
                 "404.html", ".nojekyll"):
        assert (out / name).is_file(), name
    assert result.feed_undated == len(result.digest.undated) > 0
    site = parse_feed((out / "feed.xml").read_bytes())
    assert len(site.entries) == len([a for a in result.digest.articles if a.published])


def test_feeds_read_from_real_markdown_with_markup_in_the_title(tmp_path: Path,
                                                                build_site: BuildSite) -> None:
    content = tmp_path / "content"
    write(content, "a.md", "---\ntitle: \"<b>Chips</b> & Dips \\x07 ]]> 1 < 2\"\n"
          "published: 2024-03-01T10:00:00Z\ntopics: [Chips]\n---\n\nSee [more](other/) & "
          "![x](img/p.png).\n")
    result, out = build_site(content, base_url=BASE)
    title = result.digest.articles[0].title
    assert "Dips" in title and "]]>" in title
    for name in ("feed.xml", "rss.xml", "topics/chips/feed.xml"):
        entry = parse_feed((out / name).read_bytes()).entries[0]
        assert entry.title == title
        assert f'href="{BASE}{result.digest.articles[0].url}other/"' in entry.content[0].value


def test_pages_workflow_builds_with_the_pages_url_and_deploys() -> None:
    """The workflow GitHub runs: read as YAML (PyYAML reads `on:` as True)."""
    import yaml

    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text())
    triggers = workflow[True]
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["group"] == "pages"
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "") for step in build["steps"]]
    assert any(u.startswith("actions/configure-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    script = next(s for s in build["steps"] if "digest build" in s.get("run", ""))
    assert script["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert '--base-url "$BASE_URL"' in script["run"] and "digest check" in script["run"]
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    # what is uploaded is _site less digest's own files (tests/test_workflow.py runs that step)
    assert upload["with"]["path"] == "_public" and "--output _site" in script["run"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_every_feed_of_the_seed_build_reads_cleanly(seeds: Path, build_site: BuildSite) -> None:
    """Every feed file the build wrote: no bozo, absolute links, parsed dates; RSS and JSON
    Feed carry every published story (the undated last, without a date), Atom the dated
    ones (the seeds' copy is not in git, so nothing dates the undated); every topic has
    RSS and JSON Feed, and Atom when it has a dated story."""
    result, out = build_site(seeds, base_url=BASE)
    digest = result.digest
    every = {"": list(digest.articles)}
    every |= {f"topics/{g.topic.slug}/": list(g.articles) for g in digest.topics}
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                     if p.name in {"feed.xml", "rss.xml", "feed.json"})
    assert written == sorted(
        [folder + name for folder in every for name in ("rss.xml", "feed.json")]
        + [folder + "feed.xml" for folder, stories in every.items()
           if any(a.published for a in stories)])
    assert len(digest.undated) == 3  # of 4: the seeds
    for name in written:
        folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
        stories = [a for a in every[folder] if a.published or not name.endswith("feed.xml")]
        titles = [a.title for a in stories]
        if name.endswith(".json"):
            items = json.loads((out / name).read_bytes())["items"]
            assert [i["title"] for i in items] == titles
            for item, story in zip(items, stories, strict=True):
                assert item["url"].startswith(BASE)
                assert RFC3339.match(item["date_published"]) if story.published else \
                    "date_published" not in item
            continue
        feed = parse_feed((out / name).read_bytes())
        assert [e.title for e in feed.entries] == titles, name
        assert feed.feed.link == BASE + folder
        for entry, story in zip(feed.entries, stories, strict=True):
            assert entry.link.startswith(BASE), name
            assert bool(entry.get("published_parsed")) == bool(story.published), name
            assert (out / entry.link.removeprefix(BASE) / "index.html").is_file()
