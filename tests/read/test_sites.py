"""digest.read.sites: detecting the tool and each of its rules, table by table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from digest.read import sites
from digest.read.sites import Role, Site, Tree, detect_site, read_date

HUGO = Site(tool="hugo", timezone="America/New_York", content_dir="content", future=False)
JEKYLL = Site(tool="jekyll", timezone="Asia/Tokyo", future=False)
PELICAN = Site(tool="pelican", timezone="Europe/Berlin", content_dir="content")
NONE = Site()
NY, TOKYO, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


# ------------------------------------------------------------------ detect_site


@pytest.mark.parametrize(("files", "expected"), [
    ({}, {"tool": "none", "timezone": ""}),
    ({"README.md": "# x"}, {"tool": "none"}),
    ({"hugo.toml": 'timeZone = "America/New_York"\ncontentDir = "posts/"'},
     {"tool": "hugo", "timezone": "America/New_York", "content_dir": "posts"}),
    ({"hugo.yaml": "timezone: Europe/Paris\nbuildFuture: true\nbuildExpired: true"},
     {"tool": "hugo", "timezone": "Europe/Paris", "content_dir": "content", "future": True,
      "expired": True}),
    ({"hugo.json": '{"TimeZone": "Asia/Tokyo", "uglyURLs": true}'},
     {"tool": "hugo", "timezone": "Asia/Tokyo", "ugly_urls": True}),
    ({"config.toml": 'baseURL = "https://example.org/"'}, {"tool": "hugo", "future": False}),
    ({"config.yaml": "title: not obviously Hugo"}, {"tool": "none"}),
    ({"hugo.toml": '[taxonomies]\ntag = "tags"\nseries = "series"\n[languages.fr]\n'
                   'weight = 2\n[languages.en]\nweight = 1\n[permalinks]\nposts = "/:year/:slug/"'},
     {"taxonomies": ("tags", "series"), "languages": ("fr", "en"),
      "permalinks": (("posts", "/:year/:slug/"),)}),
    ({"hugo.toml": '[[module.mounts]]\nsource = "content/en"\ntarget = "content"'},
     {"content_dir": "content/en"}),
    ({"_config.yml": "timezone: Asia/Tokyo\npermalink: pretty\nfuture: true\n"
                     "exclude: [drafts-old/]"},
     {"tool": "jekyll", "timezone": "Asia/Tokyo", "permalink": "pretty", "future": True,
      "exclude": ("drafts-old",)}),
    ({"_config.yml": "title: x"}, {"tool": "jekyll", "future": False, "permalink": ""}),
    ({"pelicanconf.py": 'TIMEZONE = "Europe/Paris"\nPATH = "content"\n'
                        "DEFAULT_DATE = (2012, 3, 2, 14, 1, 1)\nDEFAULT_CATEGORY = 'news'\n"
                        "USE_FOLDER_AS_CATEGORY = False\nPAGE_PATHS = ['static-pages']\n"
                        "ARTICLE_PATHS = ['posts']\nREADERS = {'html': None}"},
     {"tool": "pelican", "timezone": "Europe/Paris", "content_dir": "content",
      "default_date": (2012, 3, 2, 14, 1, 1), "default_category": "news",
      "use_folder_as_category": False, "page_paths": ("static-pages",),
      "article_paths": ("posts",), "readers_off": (".html",)}),
    ({"pelican.conf.py": "DEFAULT_DATE = 'fs'"},
     {"tool": "pelican", "default_date": "fs", "content_dir": "content", "future": True}),
])
def test_detect_site(files: dict[str, str], expected: dict[str, Any]) -> None:
    site = detect_site(files)
    assert {k: getattr(site, k) for k in expected} == expected
    assert site.problems == ()


def test_config_files_may_be_given_by_path() -> None:
    assert detect_site({"my-site/_config.yml": "timezone: UTC"}).tool == "jekyll"


@pytest.mark.parametrize(("folders", "content_dir"), [
    (None, "content"), (["content", "theme"], "content"), (["posts"], "")])
def test_pelican_without_path_reads_content_when_there_is_one(
        folders: list[str] | None, content_dir: str) -> None:
    assert detect_site({"pelicanconf.py": "AUTHOR = 'x'"}, folders).content_dir == content_dir


def test_a_folder_with_posts_and_no_config_is_jekyll() -> None:
    site = detect_site({}, ["_posts", "css"])
    assert (site.tool, site.future) == ("jekyll", False)
    assert site.problems == (("", None, "no config file; read as a Jekyll site, which _posts/ "
                              "or _drafts/ make it"),)
    assert detect_site({}, ["posts"]).tool == "none"


def test_pelicanconf_is_parsed_never_run(tmp_path: Path) -> None:
    witness = tmp_path / "ran"
    text = (f"TIMEZONE = open({str(witness)!r}, 'w').name\n"
            "import os\nPATH = os.path.join('con', 'tent')\nDEFAULT_CATEGORY = 'ok'\n")
    site = detect_site({"pelicanconf.py": text})
    assert not witness.exists()
    assert (site.tool, site.timezone, site.default_category) == ("pelican", "", "ok")
    assert site.problems == (
        ("pelicanconf.py", 1, "TIMEZONE is computed, not a plain value; Pelican's default is "
                              "used"),
        ("pelicanconf.py", 3, "PATH is computed, not a plain value; Pelican's default is used"))


@pytest.mark.parametrize(("files", "problem"), [
    ({"pelicanconf.py": "TIMEZONE = 'Europe/Paris'\nif x:\n"},
     ("pelicanconf.py", 2, "cannot be parsed as Python (IndentationError); Pelican's "
                           "defaults are used")),
    ({"hugo.toml": 'timeZone = "Mars/Olympus"'},
     ("hugo.toml", 1, "time zone 'Mars/Olympus' is not an IANA zone name; naive dates are "
                      "read in UTC")),
    ({"_config.yml": "timezone: [1, 2"},
     ("_config.yml", 1, "not valid YAML: did not find expected ',' or ']' (YAML); its settings "
                        "are not used")),
    ({"hugo.toml": "title = 'x'\ntimeZone = = 'UTC'"},
     ("hugo.toml", 2, "not valid TOML: invalid value at column 12; its settings are not "
                      "used")),
    ({"hugo.json": "[1]"}, ("hugo.json", 1, "is a list, not a mapping of settings; not used")),
    ({"hugo.toml": "", "_config.yml": ""},
     ("hugo.toml", None, "also found _config.yml; the folder is read as Hugo's (hugo.toml)")),
])
def test_config_trouble_is_a_problem_naming_the_file(files: dict[str, str],
                                                     problem: tuple[str, int | None, str]) -> None:
    site = detect_site(files)
    assert site.problems == (problem,)
    assert site.zone is UTC or site.timezone


# ------------------------------------------------------------------ slugs and dates


@pytest.mark.parametrize(("title", "slug"), [
    ("FILENAME_METADATA example", "filename_metadata-example"),
    ("Café Économie: ça marche, même en mars", "cafe-economie-ca-marche-meme-en-mars"),
    ("Fish & chips: it's back — 100%!", "fish-chips-its-back-100"),
    ("<em>Bold</em> move  -- again", "bold-move-again"),
    ("Fish &amp; chips", "fish-chips"),
    ("北京 news", "bei-jing-news"),
    ("", ""),
])
def test_pelican_slugify(title: str, slug: str) -> None:
    assert sites.pelican_slugify(title) == slug


@pytest.mark.parametrize(("name", "pretty", "default"), [
    ("hash-#1", "hash-1", "hash-1"),
    ("escape-+ %20[]", "escape-+-20", "escape-20"),
    ("special-chars-(+)", "special-chars-(+)", "special-chars"),
    ("Mixed-Case_Name", "Mixed-Case_Name", "mixed-case-name"),
    ("été à Paris", "été-à-Paris", "été-à-paris"),
])
def test_jekyll_slugify(name: str, pretty: str, default: str) -> None:
    assert sites.jekyll_slugify(name, "pretty") == pretty
    assert sites.jekyll_slugify(name, "default", cased=False) == default


@pytest.mark.parametrize(("name", "path"), [
    ("Mixed Case Name", "Mixed-Case-Name"), ("Été à Paris", "Été-à-Paris"),
    ("a - b", "a-b"), ("what?! (really)", "what-really"), ("50%25 off", "50%25-off"),
    ("  lead", "lead"), ("C++ & C#", "C++-C#"),
])
def test_hugo_urlize(name: str, path: str) -> None:
    assert sites.hugo_urlize(name) == path


PLUS_1 = timezone(timedelta(hours=1))


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-03-05", datetime(2024, 3, 5, tzinfo=NY)),
    ("2024-03-05 09:30", datetime(2024, 3, 5, 9, 30, tzinfo=NY)),
    ("2024-03-05T09:30:15.25Z", datetime(2024, 3, 5, 9, 30, 15, 250000, tzinfo=UTC)),
    ("2024/03/08 10:00", datetime(2024, 3, 8, 10, tzinfo=NY)),
    ("2024-03-06 18:45:00 +0100", datetime(2024, 3, 6, 18, 45, tzinfo=PLUS_1)),
    ("2024-03-07T22:15:00+05:30",
     datetime(2024, 3, 7, 22, 15, tzinfo=timezone(timedelta(hours=5, minutes=30)))),
    ("Tue, 05 Mar 2024 10:00:00 GMT", datetime(2024, 3, 5, 10, tzinfo=UTC)),
    ("March 5, 2024", datetime(2024, 3, 5, tzinfo=NY)),
    ("5 March 2024 10:30", datetime(2024, 3, 5, 10, 30, tzinfo=NY)),
    (datetime(2024, 4, 2, 8), datetime(2024, 4, 2, 8, tzinfo=NY)),
    (date(2024, 4, 2), datetime(2024, 4, 2, tzinfo=NY)),
    (1709632800, datetime(2024, 3, 5, 10, tzinfo=UTC)),
])
def test_read_date(value: Any, expected: datetime) -> None:
    found, why = read_date(value, NY)
    assert (found, why) == (expected, None)
    assert found is not None and found.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("value", "why"), [
    ("2024-02-30", "impossible date '2024-02-30'"),
    ("soon", "cannot read 'soon' as a date"),
    (True, "True is not a date"),
    (["2024-01-01"], "a list is not a date"),
    (10**20, "100000000000000000000 is out of range for a Unix time"),
    ("2024-03-05 10:00 +2500", "impossible offset in '2024-03-05 10:00 +2500'"),
])
def test_read_date_says_why_not(value: Any, why: str) -> None:
    assert read_date(value, NY) == (None, why)


def test_read_date_lenient_reads_ruby_forms() -> None:
    odd = "2023-01-29 18:30:22 2023 -0800"
    assert read_date(odd, UTC)[0] is None
    assert read_date(odd, UTC, lenient=True)[0] == datetime(
        2023, 1, 29, 18, 30, 22, tzinfo=timezone(timedelta(hours=-8)))


# ------------------------------------------------------------------ Hugo

TREE = Tree(leaf_bundles=frozenset({"posts/trip", "snippets"}), headless=frozenset({"snippets"}),
            cascades={"drafts": ({"draft": True},),
                      "docs": ({"build": {"render": "never"}, "_target": {"path": "/docs/**"}},
                               {"tags": ["cascaded"], "_target": {"kind": "section"}})})


@pytest.mark.parametrize(("rel", "meta", "kind", "reason"), [
    ("content/posts/x.md", {"title": "X"}, "article", ""),
    ("content/posts/x.md", None, "article", ""),  # no front matter: still a page
    ("content/_index.md", {}, "skip", "the home page's list page (_index), not an article"),
    ("content/posts/_index.md", {}, "skip", "a section's list page (_index), not an article"),
    ("content/posts/trip/index.md", {}, "article", ""),
    ("content/posts/trip/notes.md", {}, "skip",
     "a resource of the leaf bundle posts/trip/ (only its index is a page)"),
    ("content/posts/trip/deeper/more.md", {}, "skip",
     "a resource of the leaf bundle posts/trip/ (only its index is a page)"),
    ("content/snippets/index.md", {}, "skip", "headless: true: the bundle is never published"),
    ("content/snippets/a.md", {}, "skip",
     "a resource of the headless bundle snippets/ (only its index is a page)"),
    ("content/posts/photo.jpg", None, "skip", "not a content file: a resource, copied as it is"),
    ("README.md", None, "skip", "outside Hugo's content folder (content/)"),
    ("content/posts/x.md", {"Draft": True}, "draft", "draft: true"),
    ("content/posts/x.md", {"draft": "true"}, "draft", "draft: true"),
    ("content/drafts/x.md", {}, "draft", "draft: true by cascade from a section"),
    ("content/drafts/x.md", {"draft": False}, "article", ""),  # its own value wins
    ("content/docs/glossary/x.md", {}, "skip", "build: render: never"),
    ("content/posts/x.md", {"build": {"render": "never"}}, "skip", "build: render: never"),
    ("content/posts/x.md", {"build": {"list": "never"}}, "article", ""),
])
def test_hugo_role(rel: str, meta: dict[str, Any] | None, kind: str, reason: str) -> None:
    found = sites.role(HUGO, rel, meta is not None, meta, TREE)
    assert (found.kind, found.reason) == (kind, reason)


def test_hugo_publish_and_expiry_dates_are_left_to_the_caller() -> None:
    meta = {"date": "2024-04-08", "publishDate": "2099-06-01T09:00:00Z", "expiryDate": "2100-01-01"}
    found = sites.role(HUGO, "content/posts/x.md", True, meta, TREE)
    assert found == Role("article", "", datetime(2099, 6, 1, 9, tzinfo=UTC),
                         datetime(2100, 1, 1, tzinfo=NY))
    assert not found.published(NOW)
    assert found.published(datetime(2099, 6, 1, 9, tzinfo=UTC))
    assert not found.published(datetime(2100, 1, 2, tzinfo=UTC))
    late = Site(tool="hugo", content_dir="content", future=True, expired=True)
    assert sites.role(late, "content/posts/x.md", True, meta).published(NOW)


def test_scan_tree_finds_bundles_and_cascades() -> None:
    metas = {"content/posts/trip/index.md": {"title": "Trip"},
             "content/posts/trip/photo.png": None,
             "content/snippets/index.fr.md": {"Headless": True},
             "content/drafts/_index.md": {"cascade": {"draft": True}},
             "content/docs/_index.md": {"cascade": [{"draft": True}, "junk"]},
             "content/posts/x.md": {"cascade": {"draft": True}},  # only _index cascades
             "static/index.md": {}}
    site = Site(tool="hugo", content_dir="content", languages=("fr",))
    assert sites.scan_tree(site, metas) == Tree(
        frozenset({"posts/trip", "snippets"}), frozenset({"snippets"}),
        {"drafts": ({"draft": True},), "docs": ({"draft": True},)})
    assert sites.scan_tree(JEKYLL, metas) == Tree()


@pytest.mark.parametrize(("rel", "meta", "slug", "paths"), [
    ("content/posts/Mixed Case Name.md", {}, "mixed-case-name", ("/posts/mixed-case-name/",)),
    ("content/posts/Été à Paris.md", {}, "été-à-paris", ("/posts/été-à-paris/",)),
    ("content/about.md", {}, "about", ("/about/",)),
    ("content/posts/trip/index.md", {}, "trip", ("/posts/trip/",)),
    ("content/posts/inner/md-blog.md", {}, "md-blog", ("/posts/inner/md-blog/",)),
    ("content/posts/x.md", {"slug": "My-Slug"}, "my-slug", ("/posts/my-slug/",)),
    ("content/posts/x.md", {"url": "/News/Upper/", "aliases": ["/old/x/", "older"]}, "Upper",
     ("/News/Upper/", "/old/x/", "/older")),
    ("content/news/2024-05-01-harbour-opens.md", {"date": "2024-05-01"},
     "2024-05-01-harbour-opens", ("/news/2024-05-01-harbour-opens/",)),
])
def test_hugo_slug_and_old_paths(rel: str, meta: dict[str, Any], slug: str,
                                 paths: tuple[str, ...]) -> None:
    assert sites.slug(HUGO, rel, meta, TREE) == slug
    assert sites.old_paths(HUGO, rel, meta, TREE) == paths


def test_hugo_languages_permalinks_and_ugly_urls() -> None:
    site = Site(tool="hugo", content_dir="content", languages=("en", "fr"),
                permalinks=(("posts", "/:year/:month/:slug/"),), ugly_urls=True)
    meta = {"title": "Markdown Syntax", "date": "2019-03-11"}
    assert sites.old_paths(site, "content/posts/markdown-syntax.fr.md", meta) == (
        "/fr/2019/03/markdown-syntax/",)
    assert sites.old_paths(site, "content/notes/a b.md", meta) == ("/notes/a-b.html",)


@pytest.mark.parametrize(("meta", "date_value", "source"), [
    ({"date": "2024-04-03", "lastmod": "2024-04-09"}, datetime(2024, 4, 3, tzinfo=NY), "date"),
    ({"publishDate": "2024-04-06T12:00:00"}, datetime(2024, 4, 6, 12, tzinfo=NY),
     "publishdate"),
    ({"pubdate": "2024-04-06"}, datetime(2024, 4, 6, tzinfo=NY), "pubdate"),
    ({"published": "2024-04-06"}, datetime(2024, 4, 6, tzinfo=NY), "published"),
    ({"lastmod": "2024-04-09T10:00:00-04:00"},
     datetime(2024, 4, 9, 10, tzinfo=timezone(timedelta(hours=-4))), "lastmod"),
    ({"modified": 1709632800}, datetime(2024, 3, 5, 10, tzinfo=UTC), "modified"),
    ({"date": datetime(2024, 4, 2, 8)}, datetime(2024, 4, 2, 8, tzinfo=NY), "date"),
    ({}, None, ""),
])
def test_hugo_date_fallbacks_and_no_file_name_date(meta: dict[str, Any],
                                                   date_value: datetime | None,
                                                   source: str) -> None:
    dated = sites.date_of(HUGO, "content/news/2024-05-01-x.md", meta)
    assert (dated.date, dated.source, dated.problems) == (date_value, source, ())


def test_hugo_bad_date_falls_through_with_a_problem() -> None:
    dated = sites.date_of(HUGO, "content/x.md", {"date": "soon", "lastmod": "2024-01-02"})
    assert (dated.date, dated.problems) == (datetime(2024, 1, 2, tzinfo=NY),
                                            ("date: cannot read 'soon' as a date",))


@pytest.mark.parametrize(("meta", "terms"), [
    ({"tags": ["tides", "Online"], "categories": ["Harbour"]}, ("tides", "Online", "Harbour")),
    ({"Tags": "a, b"}, ("a, b",)),  # a string is one term
    ({"series": ["s"], "tags": []}, ()),
    ({}, ()),
])
def test_hugo_tags(meta: dict[str, Any], terms: tuple[str, ...]) -> None:
    assert sites.tags(HUGO, "content/x.md", meta) == terms


def test_hugo_cascade_gives_tags_and_title_only_where_targeted() -> None:
    tree = Tree(cascades={"docs": ({"tags": ["c"], "title": "T"},)})
    assert sites.tags(HUGO, "content/docs/x.md", {}, tree) == ("c",)
    assert sites.title(HUGO, "content/docs/x.md", {}, tree) == "T"
    assert sites.title(HUGO, "content/docs/x.md", {"title": "Own"}, tree) == "Own"
    assert sites.title(HUGO, "content/other/x.md", {}, tree) is None


# ------------------------------------------------------------------ Jekyll


@pytest.mark.parametrize(("rel", "meta", "kind", "reason"), [
    ("_posts/2024-03-05-some-slug.md", {"title": "x"}, "article", ""),
    ("_posts/2024-03-11-no-front-matter.md", None, "article", ""),
    ("_posts/2017-2-5-short.markdown", {}, "article", ""),
    ("_posts/es/2024-03-05-x.text", {}, "article", ""),
    ("sports/_posts/2024-03-13-match.md", {}, "article", ""),
    ("_posts/notes.md", {}, "skip", "in _posts/ but not named YYYY-MM-DD-title.ext: not a post"),
    ("_posts/2024-02-30-x.md", {}, "skip", "in _posts/ with an impossible date in its name"),
    ("_posts/2008-02-03-wrong-extension.yml", {}, "skip",
     "a YAML data file in _posts/, not a post"),
    ("_posts/2024-03-07-x.md", {"published": False}, "draft", "published: false"),
    ("_drafts/plans.md", {}, "draft", "in _drafts/: published only with --drafts"),
    ("about.md", {"title": "About"}, "skip", "a page with front matter, not a post"),
    ("README.md", None, "skip", "no front matter outside _posts/: a static file, not a post"),
    ("_tutorials/x.md", {}, "skip", "in _tutorials/: not a folder of posts"),
    ("_tutorials/_posts/2024-01-01-x.md", {}, "skip", "in _tutorials/: not a folder of posts"),
    ("_site/2024/x.md", {}, "skip", "excluded from Jekyll's build"),
    ("_config.yml", None, "skip", "the site's config, not content"),
])
def test_jekyll_role(rel: str, meta: dict[str, Any] | None, kind: str, reason: str) -> None:
    found = sites.role(JEKYLL, rel, meta is not None, meta)
    assert (found.kind, found.reason) == (kind, reason)


def test_jekyll_future_posts_wait_unless_future_is_true() -> None:
    rel = "_posts/2099-01-01-future.md"
    assert sites.role(JEKYLL, rel, True, {}).not_before == datetime(2099, 1, 1, tzinfo=TOKYO)
    assert not sites.role(JEKYLL, rel, True, {}).published(NOW)
    assert sites.role(Site(tool="jekyll", future=True), rel, True, {}).published(NOW)


def test_jekyll_excludes_and_defaults() -> None:
    site = Site(tool="jekyll", exclude=("old",),
                defaults=(("", "posts", {"permalink": "/blog/:title/", "tags": "d"}),))
    assert sites.role(site, "old/_posts/2024-01-01-x.md", True, {}).kind == "skip"
    assert sites.old_paths(site, "_posts/2024-01-01-x.md", {}) == ("/blog/x/",)
    assert sites.tags(site, "_posts/2024-01-01-x.md", {"tags": "own"}) == ("own",)
    assert sites.tags(site, "_posts/2024-01-01-x.md", {}) == ("d",)


@pytest.mark.parametrize(("rel", "meta", "date_value", "source"), [
    ("_posts/2024-03-05-x.md", {}, datetime(2024, 3, 5, tzinfo=TOKYO), "file name"),
    ("_posts/2024-03-06-x.md", {"date": "2024-03-06 18:45:00 +0100"},
     datetime(2024, 3, 7, 2, 45, tzinfo=TOKYO), "date"),
    ("_posts/2024-03-10-x.md", {"date": "2024-03-10 07:30"},
     datetime(2024, 3, 10, 7, 30, tzinfo=TOKYO), "date"),
    ("_drafts/x.md", {}, None, ""),
    ("about.md", {}, None, ""),
])
def test_jekyll_dates(rel: str, meta: dict[str, Any], date_value: datetime | None,
                      source: str) -> None:
    dated = sites.date_of(JEKYLL, rel, meta)
    assert (dated.date, dated.source) == (date_value, source)
    if date_value is not None:
        assert dated.date is not None and dated.date.utcoffset() == timedelta(hours=9)


def test_jekyll_drafts_are_dated_by_the_mtime_given() -> None:
    mtime = datetime(2024, 5, 1, 12, tzinfo=UTC)
    dated = sites.date_of(JEKYLL, "_drafts/x.md", {}, mtime=mtime)
    assert (dated.date, dated.source) == (mtime, "mtime")


@pytest.mark.parametrize(("rel", "meta", "terms"), [
    ("_posts/2024-03-05-x.md", {"tags": "weather fair", "categories": "news local"},
     ("weather", "fair", "news", "local")),
    ("_posts/2024-03-05-x.md", {"category": "Travel News", "tags": ["Ferries"]},
     ("Ferries", "Travel News")),
    ("_posts/2024-03-05-x.md", {"tag": "One Tag", "tags": "ignored then"}, ("One Tag",)),
    ("sports/local/_posts/2024-03-05-x.md", {"categories": ["sports", "x"]},
     ("sports", "local", "x")),
    ("_posts/es/2024-03-05-x.md", {}, ()),
])
def test_jekyll_tags(rel: str, meta: dict[str, Any], terms: tuple[str, ...]) -> None:
    assert sites.tags(JEKYLL, rel, meta) == terms


@pytest.mark.parametrize(("site", "rel", "meta", "slug", "paths"), [
    (JEKYLL, "_posts/2024-03-05-some-slug.md", {"categories": "news local"}, "some-slug",
     ("/news/local/2024/03/05/some-slug.html",)),
    (JEKYLL, "_posts/2024-03-12-Mixed-Case_Name.md", {"category": "Travel News"},
     "Mixed-Case_Name", ("/travel news/2024/03/12/Mixed-Case_Name.html",)),
    (JEKYLL, "_posts/2024-03-08-x.md", {"permalink": "/special/harbour-lights/"},
     "harbour-lights", ("/special/harbour-lights/",)),
    (JEKYLL, "_posts/2024-03-10-x.md", {"slug": "prize-bakery"}, "prize-bakery",
     ("/2024/03/10/prize-bakery.html",)),
    (JEKYLL, "_posts/2024-03-06-x.md", {"date": "2024-03-06 18:45:00 +0100"}, "x",
     ("/2024/03/07/x.html",)),  # the URL's day is the site zone's
    (JEKYLL, "_posts/2011-04-12-text-extension.text", {}, "text-extension.text",
     ("/2011/04/12/text-extension.text",)),
    (JEKYLL, "_posts/2018-10-12-trailing-dots...markdown", {}, "trailing-dots",
     ("/2018/10/12/trailing-dots.html",)),
    (Site(tool="jekyll", permalink="/news/:year/:month/:day/:title/"),
     "_posts/2024-03-05-x.md", {}, "x", ("/news/2024/03/05/x/",)),
    (Site(tool="jekyll", permalink="pretty"), "_posts/2024-03-05-x.md", {"categories": "a"},
     "x", ("/a/2024/03/05/x/",)),
    (Site(tool="jekyll", permalink="/:year/:month/"), "_posts/2024-03-05-Some-Post.md", {},
     "Some-Post", ("/2024/03/",)),
    (JEKYLL, "_drafts/harbour-plans.md", {}, "harbour-plans", ()),
])
def test_jekyll_slug_and_old_paths(site: Site, rel: str, meta: dict[str, Any], slug: str,
                                   paths: tuple[str, ...]) -> None:
    assert sites.slug(site, rel, meta) == slug
    assert sites.old_paths(site, rel, meta) == paths


@pytest.mark.parametrize(("rel", "meta", "title"), [
    ("_posts/2024-03-09-no-title.md", {"layout": "post"}, "No Title"),
    ("_posts/2024-03-11-no-yaml.md", None, "No Yaml"),
    ("_posts/2024-03-11-x.md", {"title": "Own  title"}, "Own title"),
    ("_drafts/harbour-plans.md", {}, "Harbour Plans"),
    ("about.md", {}, None),
])
def test_jekyll_title(rel: str, meta: dict[str, Any] | None, title: str | None) -> None:
    assert sites.title(JEKYLL, rel, meta) == title


# ------------------------------------------------------------------ Pelican

BASE = {"title": "A title", "date": "2024-03-05 09:30"}


@pytest.mark.parametrize(("site", "rel", "meta", "kind", "reason"), [
    (PELICAN, "content/a.md", BASE, "article", ""),
    (PELICAN, "content/a.rst", BASE, "article", ""),
    (PELICAN, "content/a.txt", None, "skip", "Pelican has no reader for .txt"),
    (PELICAN, "content/pages/about.md", BASE, "skip",
     "under a page folder (PAGE_PATHS): a page, not an article"),
    (PELICAN, "content/a.md", BASE | {"status": "draft"}, "draft",
     "Status: draft: written to drafts/, not published"),
    (PELICAN, "content/a.md", BASE | {"status": "Skip"}, "skip",
     "Status: skip: Pelican does not process it"),
    (PELICAN, "content/a.md", {"date": "2024-03-05"}, "skip", "no title: Pelican skips it"),
    (PELICAN, "content/a.md", {"title": "A"}, "skip",
     "no date and no DEFAULT_DATE: Pelican skips it"),
    (PELICAN, "content/2024-03-12-a.md", {"title": "A"}, "article", ""),
    (Site(tool="pelican", content_dir="content", default_date=(2012, 3, 2)), "content/a.md",
     {"title": "A"}, "article", ""),
    (Site(tool="pelican", content_dir="content", readers_off=(".html",)), "content/a.html",
     BASE, "skip", "Pelican has no reader for .html"),
    (Site(tool="pelican", content_dir="content", article_paths=("posts",)), "content/a.md",
     BASE, "skip", "outside ARTICLE_PATHS"),
    (PELICAN, "theme/a.md", BASE, "skip", "outside Pelican's PATH (content/)"),
    (PELICAN, "pelicanconf.py", None, "skip", "the site's settings, not content"),
])
def test_pelican_role(site: Site, rel: str, meta: dict[str, Any] | None, kind: str,
                      reason: str) -> None:
    found = sites.role(site, rel, meta is not None, meta)
    assert (found.kind, found.reason) == (kind, reason)


def test_pelican_hidden_is_a_draft() -> None:
    """Pelican lists a hidden article nowhere (no index, feed or tag page): a draft here."""
    found = sites.role(PELICAN, "content/a.md", True, BASE | {"status": "hidden"})
    assert (found.kind, found.hidden, found.published(NOW)) == ("draft", True, False)


@pytest.mark.parametrize(("site", "rel", "meta", "date_value", "source"), [
    (PELICAN, "content/a.md", {"date": "2024-03-05 09:30"},
     datetime(2024, 3, 5, 9, 30, tzinfo=BERLIN), "date"),
    (PELICAN, "content/a.md", {"date": "2024-03-05_09:30"},
     datetime(2024, 3, 5, 9, 30, tzinfo=BERLIN), "date"),
    (PELICAN, "content/a.md", {"date": "2024-03-07T22:15:00+05:30"},
     datetime(2024, 3, 7, 22, 15, tzinfo=timezone(timedelta(hours=5, minutes=30))), "date"),
    (PELICAN, "content/2012-11-30_x.rst", {}, datetime(2012, 11, 30, tzinfo=BERLIN),
     "file name"),
    (PELICAN, "content/2024-03-12-x.md", {"date": "2024-01-01"},
     datetime(2024, 1, 1, tzinfo=BERLIN), "date"),  # the header's date wins
    (Site(tool="pelican", default_date=(2012, 3, 2, 14, 1, 1)), "a.md", {},
     datetime(2012, 3, 2, 14, 1, 1, tzinfo=UTC), "DEFAULT_DATE"),
    (Site(tool="pelican", filename_metadata=r"(?P<slug>.*)"), "2024-03-12-x.md", {}, None, ""),
])
def test_pelican_dates(site: Site, rel: str, meta: dict[str, Any], date_value: datetime | None,
                       source: str) -> None:
    dated = sites.date_of(site, rel, meta)
    assert (dated.date, dated.source) == (date_value, source)


@pytest.mark.parametrize(("rel", "meta", "terms"), [
    ("content/a.md", {"category": "Economy", "tags": ["market"]}, ("Economy", "market")),
    ("content/reports/a.rst", {"tags": ["x"]}, ("reports", "x")),
    ("content/world/europe/a.md", {}, ("europe",)),
    ("content/a.md", {"tags": "People, LIGHTHOUSES, people"},
     ("misc", "People", "LIGHTHOUSES", "people")),
    ("content/a.md", {"tags": "storms; coast"}, ("misc", "storms", "coast")),
])
def test_pelican_tags_with_the_category_first(rel: str, meta: dict[str, Any],
                                             terms: tuple[str, ...]) -> None:
    assert sites.tags(PELICAN, rel, meta) == terms


def test_pelican_category_settings() -> None:
    site = Site(tool="pelican", content_dir="content", use_folder_as_category=False,
                default_category="")
    assert sites.tags(site, "content/reports/a.md", {}) == ()


@pytest.mark.parametrize(("site", "meta", "slug", "paths"), [
    (PELICAN, {"title": "Café Économie: ça marche"}, "cafe-economie-ca-marche",
     ("/cafe-economie-ca-marche.html",)),
    (PELICAN, {"title": "x", "slug": "own-slug"}, "own-slug", ("/own-slug.html",)),
    (PELICAN, {"title": "Oh yeah", "lang": "fr"}, "oh-yeah-fr", ("/oh-yeah-fr.html",)),
    (PELICAN, {"title": "Baz", "save_as": "tag/baz.html", "url": "tag/baz.html"}, "baz",
     ("/tag/baz.html",)),
    (PELICAN, {"title": "Notes", "status": "draft"}, "notes", ("/drafts/notes.html",)),
    (Site(tool="pelican", content_dir="content", article_url="{date:%Y}/{slug}/",
          article_save_as="{date:%Y}/{slug}/index.html"),
     {"title": "X", "date": "2024-03-05"}, "x", ("/2024/x/", "/2024/x/index.html")),
    (Site(tool="pelican", content_dir="content", article_url="{category}/{slug}.html"),
     {"title": "X", "category": "Big News"}, "x", ("/big-news/x.html", "/x.html")),
    (Site(tool="pelican", content_dir="content", slugify_source="basename"), {"title": "X"},
     "my-file", ("/my-file.html",)),
])
def test_pelican_slug_and_old_paths(site: Site, meta: dict[str, Any], slug: str,
                                    paths: tuple[str, ...]) -> None:
    assert sites.slug(site, "content/my-file.md", meta) == slug
    assert sites.old_paths(site, "content/my-file.md", meta) == paths


# ------------------------------------------------------------------ no tool


def test_without_a_tool_every_rule_leaves_it_to_digest() -> None:
    reading = sites.conventions(NONE, "a.md", {"title": "A", "date": "2024-01-01"})
    assert reading == sites.Reading(Role("article"), "A", sites.Dated(None), (), None, ())
