"""Hostile and broken input: every case gets a clear problem line and the build goes on."""

from __future__ import annotations

import os
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.config import SiteConfig
from digest.model import Article, SourceFile
from digest.read.files import decode
from digest.read.normalise import normalise
from digest.site.group import group
from digest.site.render import make_environment, pages, render_page, site_context
from tests.conftest import NOW, REPO, BuildSite
from tests.sitecheck import broken_links

HOSTILE = REPO / "tests" / "fixtures" / "hostile"

# file -> a piece of its expected problem line ("file:line: message" as printed)
EXPECTED = {
    "yaml-unclosed-quote.md:2": "invalid front matter: found unexpected end of stream",
    "yaml-no-closing.md:1": "never closed; read the file as text",
    "yaml-list-root.md:2": "front matter is a list, not a mapping",
    "yaml-scalar-root.md:2": "front matter is text, not a mapping",
    "yaml-duplicate-keys.md:3": "duplicate key 'title' in front matter; the last one wins",
    "yaml-alias-bomb.md:2": "too many repeated aliases (an 'alias bomb')",
    "yaml-python-tag.md:2": "which YAML reserves; read as \"!!python/object",
    "types-wrong-shapes.md:3": "images: image is an integer, not a URL",
    "types-wrong-shapes.md:4": "related: related is a mapping, not a list; ignored",
    "types-wrong-shapes.md:5": "provider: provider is a list",
    "empty.md": "empty file; skipped",
    "whitespace-only.txt": "empty file; skipped",
    "no-fields.md": "no title; using the file name 'no fields'",
    "date-impossible.md:3": "impossible date '2023-02-30'",
    "date-free-text.md:3": "cannot read 'sometime last spring' as a date",
    "date-bare-year.md:3": "date is a bare year (2023); a day is needed",
    "date-far-future.md": "date 2999-01-01 is in the future; shown anyway",
    "enc-latin1.txt": "not UTF-8; read as Windows-1252",
    "enc-cp1252.txt": "not UTF-8; read as Windows-1252",
    "enc-invalid-utf8.txt": "2 invalid UTF-8 byte sequence(s) replaced",
    "enc-nul-bytes.txt": "NUL bytes removed",
    "enc-binary.md": "binary file (not text); skipped",
    "size-long-title.md": "title is 11,199 characters long; shown cut to 200",
    # (issue 20: exact duplicates, the same original URL, are one article)
    "same-title-a.md": "exact duplicates merged into this article: same-title-b.md",
    "xss-body.md": "unsafe link 'javascript:' in the body; removed",
    "xss-urls.md:3": "originalUrl: unsafe URL scheme 'javascript:'",
    "xss-urls.md:4": "images: unsafe URL scheme 'data:'",
    "xss-urls.md:6": "related link 'Bad related': unsafe URL scheme 'vbscript:'",
}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    content = tmp_path / "hostile"
    shutil.copytree(HOSTILE, content)
    return content


def problem_lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(p) for p in result.problems]


def test_every_case_has_its_problem_line(hostile: Path, build_site: BuildSite) -> None:
    result, site = build_site(hostile, future=True)  # (by default 2999 is left out, unsaid)
    lines = problem_lines(result)
    for where, message in EXPECTED.items():
        assert any(line.startswith(where + ":") and message in line for line in lines), (
            where, [line for line in lines if line.startswith(where.split(":")[0])])
    # two empty files, one binary, one exact duplicate
    assert result.articles_built == result.articles_read - 4
    assert (site / "index.html").is_file()


def test_well_formed_oddities_build_quietly(hostile: Path, build_site: BuildSite) -> None:
    result, site = build_site(hostile)
    quiet = ["enc-utf8-bom.txt", "enc-utf16-bom.txt", "enc-crlf.txt", "enc-cr-only.txt",
             "date-epoch.md", "date-naive.md", "date-offset.md", "types-title-number.md",
             "types-topics-string.md", "name with spaces #1 ?x %20.md", "ünïcödé-名前.md",
             "-leading-dash.md"]
    noisy = {p.path for p in result.problems}
    assert not noisy & set(quiet)
    titles = {a.path: a.title for a in result.digest.articles}  # type: ignore[union-attr]
    assert titles["enc-utf8-bom.txt"] == "UTF-8 with BOM — fine"
    assert titles["enc-utf16-bom.txt"] == "UTF-16 title — ok"
    assert titles["enc-latin1.txt"] == "Café crème à la française"
    assert titles["enc-cp1252.txt"] == "Smart “quotes” — cp1252"
    assert titles["types-title-number.md"] == "1984"
    assert titles["types-title-list.md"] == "Part One"
    assert titles["controls.md"] == "Bidi gnp.exe and bell and zerowidth"
    articles = {a.path: a for a in result.digest.articles}  # type: ignore[union-attr]
    assert [t.name for t in articles["types-topics-string.md"].topics] == ["AI", "Chips"]
    assert [t.name for t in articles["types-topics-nested.md"].topics] == ["AI", "Robots"]
    crlf = articles["enc-crlf.txt"].body_html
    assert crlf == "<p>First paragraph.</p>\n<p>Second paragraph.</p>"
    assert articles["enc-cr-only.txt"].body_html == crlf
    assert articles["date-naive.md"].published.isoformat() == "2023-09-11T14:30:00+00:00"
    # the only dangling link is the author's own relative <img src="x"> in xss-body.md
    assert broken_links(site) == ["articles/script-in-the-body/index.html: x"]


def test_topic_spellings_merge(hostile: Path, build_site: BuildSite) -> None:
    result, _site = build_site(hostile)
    ai = [g for g in result.digest.topics if g.topic.slug == "ai"]  # type: ignore[union-attr]
    assert len(ai) == 1 and ai[0].topic.name == "AI"
    assert {a.path for a in ai[0].articles} >= {"topic-ai-upper.md", "topic-ai-lower.md",
                                                "topic-ai-spaces.md"}


def test_no_script_survives_anywhere(hostile: Path, build_site: BuildSite) -> None:
    _, site = build_site(hostile)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # the theme's own: JSON-LD data, its search and days scripts and its two search forms
        assert not re.search(r"<script(?![^>]*(application/ld\+json"
                             r'|src="(\.\./)*static/(search|days)\.[0-9a-f]{10}\.js"))', html), page
        assert not re.search(r"\son[a-z]+\s*=", html), page
        assert not re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|vbscript|data):", html,
                             re.IGNORECASE), page
        assert "<iframe" not in html and "<object" not in html
        assert html.count("<form") == html.count('<form class="site-search" role="search"'
                                                 ) + html.count('<form id="search" '), page
        assert "<style" not in html.split("</head>", 1)[1]
    template = next(site.glob("articles/config-raw-x-endraw/index.html")).read_text()
    assert "{{ config }} {% raw %}x{% endraw %}" in template  # shown literally
    assert "{{ site.title }} stays literal." in template


def test_nothing_is_executed(hostile: Path, build_site: BuildSite, tmp_path: Path) -> None:
    marker = Path("/tmp/digest-pwned")
    marker.unlink(missing_ok=True)
    build_site(hostile)
    assert not marker.exists()


def test_symlinks_outside_are_not_followed_and_loops_end(tmp_path: Path,
                                                         build_site: BuildSite) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret outside\n---\nPrivate.")
    content = tmp_path / "content"
    (content / "sub").mkdir(parents=True)
    (content / "ok.md").write_text("---\ntitle: Inside\n---\nFine.")
    os.symlink(secret, content / "leak.md")
    os.symlink(tmp_path, content / "up")
    os.symlink(content, content / "sub" / "loop")
    os.symlink(content / "ok.md", content / "sub" / "alias.md")
    result, site = build_site(content)
    lines = problem_lines(result)
    assert any(line.startswith("leak.md: symlink points outside") for line in lines)
    assert any(line.startswith("up: symlink points outside") for line in lines)
    assert any("sub/loop" in line and "loop" in line for line in lines)
    titles = sorted(a.title for a in result.digest.articles)  # type: ignore[union-attr]
    assert "Secret outside" not in titles
    assert not any("Private." in p.read_text() for p in site.rglob("*.html"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_among_the_articles_is_skipped_not_waited_on(
        tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "ok.md").write_text("---\ntitle: Inside\n---\nFine.")
    os.mkfifo(content / "pipe.md")  # opened for reading, it would wait for a writer
    done: list[tuple[object, Path]] = []
    worker = threading.Thread(target=lambda: done.append(build_site(content)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    if not done:
        pytest.fail("the build waited on a named pipe")
    result, _site = done[0]
    assert "pipe.md: not a regular file (a pipe, socket or device); skipped" in problem_lines(
        result)
    assert [a.title for a in result.digest.articles] == ["Inside"]  # type: ignore[attr-defined]


def test_a_20_megabyte_file_and_a_huge_line(tmp_path: Path, build_site: BuildSite) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "huge.md").write_text("---\ntitle: Huge\n---\n" + ("Some words here. " * 60
                                                                   + "\n\n") * 20000)
    (content / "line.txt").write_text("x" * 3_000_000)
    result, _site = build_site(content)
    lines = problem_lines(result)
    assert any(line.startswith("huge.md: body is over 2,000,000 characters") for line in lines)
    assert any(line.startswith("line.txt: body is over 2,000,000 characters") for line in lines)
    assert any(line.startswith("line.txt: title is 2,000,000 characters") for line in lines)
    assert result.articles_built == 2


def test_file_names_with_odd_characters_get_safe_urls(hostile: Path,
                                                      build_site: BuildSite) -> None:
    result, site = build_site(hostile)
    for article in result.digest.articles:  # type: ignore[union-attr]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article.slug), article.slug
    for path in site.rglob("*"):
        assert path.resolve().is_relative_to(site.resolve())


# elements an article's metadata can add to a page (chips, source, dates, images)
_TEMPLATE_TAGS = {"html", "head", "meta", "title", "link", "body", "a", "header", "div", "nav",
                  "ul", "li", "main", "article", "h1", "h2", "p", "span", "time", "section",
                  "footer", "figure", "img", "figcaption", "small", "strong", "em", "br"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def page_of(article: Article) -> str:
    config = SiteConfig()
    digest = group([article], config)
    env = make_environment(config)
    site = site_context(digest, config) | {"assets": {"style.css": "static/style.css"}}
    page = next(p for p in pages(digest, config) if p.template == "article.html")
    return render_page(env, page, site, config).decode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".md", ".txt"]))
def test_any_bytes_never_raise_and_never_make_markup(data: bytes, suffix: str) -> None:
    text, _ = decode(data)
    if text is None:
        return
    article, _ = normalise(SourceFile("x" + suffix, text, "0", suffix), SiteConfig(), NOW)
    if article is None:
        return
    baseline = _Tags()
    baseline.feed(page_of(Article(path="b", slug="b", title="t", published=None,
                                  body=article.body)))
    parser = _Tags()
    parser.feed(page_of(article))
    assert parser.handlers == []
    # title, excerpt, topics and source are text: they add no element of their own
    assert set(parser.tags) <= _TEMPLATE_TAGS | set(baseline.tags)
    if suffix == ".txt" and not text.lstrip().startswith("---"):
        tags = set(re.findall(r"</?([a-zA-Z0-9]+)", article.body_html))
        assert tags <= {"p", "h2", "ul", "li"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/ &;:abcjvsript()\n#[]!-*`")), max_size=300))
def test_markdown_bodies_never_carry_script(body: str) -> None:
    article, _ = normalise(SourceFile("x.md", "---\ntitle: t\n---\n" + body, "0", ".md"),
                           SiteConfig(), NOW)
    assert article is not None
    html = article.body_html.lower()
    assert "<script" not in html and "javascript:" not in html
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)
