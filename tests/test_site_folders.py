"""Building a Hugo, Jekyll or Pelican folder: the site found, its rules applied, old URLs kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.build import build
from digest.config import SiteConfig, load_config
from digest.model import Article, Topic
from digest.output.redirects import redirect_file, redirect_html, redirect_pages
from digest.read.conventions import apply_site, kept_slug, not_articles_line
from digest.read.files import find_site
from digest.read.sites import Site
from tests.conftest import NOW, BuildSite, write

HUGO = 'title = "Harbour"\ntimeZone = "Asia/Tokyo"\n'


def hugo_site(root: Path) -> Path:
    """A small Hugo site in root/: hugo.toml, content/ with a section, a bundle and a draft."""
    write(root, "hugo.toml", HUGO)
    content = root / "content"
    write(content, "_index.md", "---\ntitle: Home\n---\n")
    write(content, "posts/_index.md", "---\ntitle: Posts\n---\n")
    write(content, "posts/first.md", '+++\ntitle = "First light"\ndate = 2024-03-05T09:00:00\n'
          'tags = ["Harbour"]\n+++\nThe lamp is lit.\n')
    write(content, "posts/my-trip/index.md", "---\ntitle: My trip\ndate: 2024-03-06\n---\nGone.\n")
    write(content, "posts/my-trip/packing-list.md", "---\ntitle: Packing\n---\nSocks.\n")
    write(content, "posts/draft.md", "---\ntitle: Not yet\ndraft: true\ndate: 2024-03-01\n---\nx\n")
    write(content, "news/2024-05-01-opens.md", "---\ntitle: Opens\n---\nNo file-name date.\n")
    return content


def config_for(root: Path, content: Path, **values: object) -> SiteConfig:
    return load_config(None, {"content_dir": content, "output_dir": root / "out", **values},
                       root=root)


# ---------------------------------------------------------------- finding the site


def test_a_hugo_site_around_the_content_folder_is_found(tmp_path: Path) -> None:
    content = hugo_site(tmp_path)
    site, prefix, problems = find_site(content)
    assert (site.tool, site.timezone, prefix, problems) == ("hugo", "Asia/Tokyo", "content/", [])
    site, prefix, _ = find_site(tmp_path)  # pointed at the site's own folder
    assert (site.tool, prefix) == ("hugo", "")


def test_a_plain_folder_is_no_site(tmp_path: Path) -> None:
    write(tmp_path, "notes/a.md", "# A\n")
    assert find_site(tmp_path / "notes") == (Site(), "", [])


def test_a_broken_site_config_is_a_problem_naming_it(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml", 'title = "x\n')
    write(tmp_path, "content/a.md", "---\ntitle: A\n---\n")
    _, _, problems = find_site(tmp_path / "content")
    assert problems and problems[0].path == "../hugo.toml"


# ---------------------------------------------------------------- the rules, applied


def test_hugo_rules_decide_what_is_published_and_how(tmp_path: Path,
                                                     build_site: BuildSite) -> None:
    content = hugo_site(tmp_path / "hugo")
    result, _ = build_site(content, timezone="")  # digest.yaml's UTC would win otherwise
    assert result.digest is not None
    by_path = {a.path: a for a in result.digest.articles}
    assert sorted(by_path) == ["news/2024-05-01-opens.md", "posts/first.md",
                               "posts/my-trip/index.md"]
    first = by_path["posts/first.md"]
    assert first.published == datetime(2024, 3, 5, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert [t.name for t in first.topics] == ["Harbour"]
    assert by_path["posts/my-trip/index.md"].slug == "my-trip"  # the bundle's name
    assert by_path["news/2024-05-01-opens.md"].published is None  # Hugo: no file-name date
    assert result.drafts_skipped == 1
    assert "3 files are not articles in this Hugo site" in result.not_articles
    assert "_index" in result.not_articles


def test_the_site_timezone_yields_to_digest_yaml(tmp_path: Path, build_site: BuildSite) -> None:
    content = hugo_site(tmp_path / "hugo")
    result, _ = build_site(content, timezone="UTC")
    assert result.digest is not None
    first = next(a for a in result.digest.articles if a.path == "posts/first.md")
    assert first.published is not None and first.published.utcoffset() == timedelta(0)


def test_a_changed_hugo_toml_parses_again(tmp_path: Path) -> None:
    content = hugo_site(tmp_path)
    build(config_for(tmp_path, content), now=NOW)
    write(tmp_path, "hugo.toml", HUGO.replace("Asia/Tokyo", "Europe/Paris"))
    result = build(config_for(tmp_path, content), now=NOW)
    assert result.parsed > 0 and result.digest is not None
    first = next(a for a in result.digest.articles if a.path == "posts/first.md")
    assert first.published == datetime(2024, 3, 5, 9, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_plain_folder_is_built_as_before() -> None:
    article = Article(path="a.md", slug="a", title="A", published=None)
    assert apply_site([article], SiteConfig(), NOW).articles == [article]


def test_publish_and_expiry_dates_are_decided_with_now(tmp_path: Path) -> None:
    content = hugo_site(tmp_path)
    write(content, "posts/later.md", "---\ntitle: Later\ndate: 2024-01-01\n"
          "publishDate: 2030-01-01\n---\nx\n")
    write(content, "posts/gone.md", "---\ntitle: Gone\ndate: 2024-01-01\n"
          "expiryDate: 2025-01-01\n---\nx\n")
    result = build(config_for(tmp_path, content), now=NOW, cache=False)
    assert result.digest is not None
    paths = {a.path for a in result.digest.articles}
    assert "posts/later.md" not in paths and "posts/gone.md" not in paths
    assert "expired (expiryDate)" in result.not_articles
    later = build(config_for(tmp_path, content), now=datetime(2031, 1, 1, tzinfo=NOW.tzinfo),
                  cache=False)
    assert later.digest is not None
    assert "posts/later.md" in {a.path for a in later.digest.articles}


@pytest.mark.parametrize(("slug", "kept"), [
    ("my-trip", "my-trip"),
    ("Mixed-Case_Name", "Mixed-Case_Name"),
    ("special-chars-(+)", "special-chars"),
    ("../etc", "etc"),
    ("con", "con-1"),
    ("x" * 100, "x" * 80),
])
def test_kept_slug(slug: str, kept: str) -> None:
    assert kept_slug(slug) == kept


def test_the_summary_line_names_the_reasons() -> None:
    content = Article(path="a.md", slug="a", title="A", published=None)
    assert not_articles_line(apply_site([content], SiteConfig(), NOW), "none") == ""


# ---------------------------------------------------------------- formats in a plain folder


def test_new_formats_in_a_plain_folder(tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "content"
    write(content, "toml.md", '+++\ntitle = "From TOML"\ndate = 2024-03-05\n+++\nBody.\n')
    write(content, "page.html", "<html><head><title>An HTML body</title></head><body>"
          "<p>Safe.</p><script>alert(1)</script></body></html>")
    write(content, "heading.md", "# A heading title\n\nThe body.\n")
    write(content, "doc.rst", "A reStructuredText title\n========================\n\n"
          ":date: 2024-03-06\n\nSome *text*.\n")
    result, _ = build_site(content)
    assert result.digest is not None
    titles = {a.path: a.title for a in result.digest.articles}
    assert titles == {"toml.md": "From TOML", "page.html": "An HTML body",
                      "heading.md": "A heading title", "doc.rst": "A reStructuredText title"}
    page = next(a for a in result.digest.articles if a.path == "page.html")
    assert "<script" not in page.body_html and "Safe." in page.body_html
    heading = next(a for a in result.digest.articles if a.path == "heading.md")
    assert "A heading title" not in heading.body_html


def test_static_and_templates_inside_the_content_folder_are_not_read(
        tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: A\n---\nx\n")
    write(tmp_path, "static/x.html", "<p>theme</p>")
    write(tmp_path, "templates/y.html", "<p>{{ x }}</p>")
    result = build(config_for(tmp_path, tmp_path), now=NOW)
    assert result.digest is not None
    assert [a.path for a in result.digest.articles] == ["a.md"]


# ---------------------------------------------------------------- old URLs


@pytest.mark.parametrize(("old", "file"), [
    ("/posts/my-trip/", "posts/my-trip/index.html"),
    ("/2024/03/05/x.html", "2024/03/05/x.html"),
    ("/about", "about/index.html"),
    ("/", None),
    ("/a/../b/", None),
])
def test_redirect_file(old: str, file: str | None) -> None:
    assert redirect_file(old) == file


def test_a_redirect_page_sends_the_reader_on() -> None:
    page = redirect_html("../../articles/a/", "https://example.org/articles/a/").decode()
    assert '<meta http-equiv="refresh" content="0; url=../../articles/a/">' in page
    assert '<link rel="canonical" href="https://example.org/articles/a/">' in page
    assert 'content="noindex"' in page and '<a href="../../articles/a/">' in page


def test_redirects_never_replace_a_page_of_ours() -> None:
    articles = [Article(path="a.md", slug="a", title="A", published=None,
                        old_paths=("/posts/a/", "/archive/")),
                Article(path="b.md", slug="b", title="B", published=None,
                        old_paths=("/posts/a/",))]
    files, problems = redirect_pages(articles, SiteConfig(), {"archive/index.html"})
    assert list(files) == ["posts/a/index.html"]
    assert b"../../articles/a/" in files["posts/a/index.html"]
    assert [(p.path, "a page of this site" in p.message) for p in problems] == [
        ("a.md", True), ("b.md", False)]


def test_old_urls_are_written_and_listed(tmp_path: Path) -> None:
    content = hugo_site(tmp_path)
    config = config_for(tmp_path, content)
    build(config, now=NOW)
    out = tmp_path / "out"
    page = (out / "posts" / "my-trip" / "index.html").read_text("utf-8")
    assert 'url=../../articles/my-trip/' in page
    assert "posts/my-trip/index.html" in (out / ".digest-manifest.json").read_text("utf-8")
    assert (out / "posts" / "first" / "index.html").is_file()


def test_topics_are_the_tools_terms() -> None:
    assert Topic("Harbour", "harbour") in apply_site(
        [Article(path="a.md", slug="a", title="A", published=None,
                 topics=(Topic("Harbour", "harbour"),))], SiteConfig(), NOW).articles[0].topics


def test_the_summary_says_what_the_site_left_out(tmp_path: Path) -> None:
    content = hugo_site(tmp_path)
    result = build(config_for(tmp_path, content), now=NOW, cache=False)
    assert result.left_out()[0] == "1 draft left out (use --drafts to include it)"
    assert result.left_out()[-1].startswith("3 files are not articles in this Hugo site (")
