"""Hypothesis: the readers and detect_site take any text without raising."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.read import sites
from digest.read.formats import Document, read_document, title_from_heading

SUFFIXES = ("a.md", "a.markdown", "a.txt", "a.rst", "a.html", "a.mdx", "a.Rmd", "a")
OPENINGS = ("", "---\n", "+++\n", "{", '{"', "Title: ", "---\nTitle: ", "\ufeff---\n", "\n\n---\n",
            "<html><head>", "import x from 'y'\n", "A\n===\n\n:date: ")
# text with the characters that mean something to one of the formats
TEXT = st.text(alphabet=st.sampled_from(list("-+{}[]:\"',#=*&!|>< \t\n\r.ab1_/\\%@`")) |
               st.characters(), max_size=300)
CONFIGS = st.sampled_from(sites.CONFIG_FILES)
LIGHT = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def well_formed(document: Document) -> None:
    assert document.meta is None or isinstance(document.meta, dict)
    assert document.body_format in {"markdown", "html", "plain"}
    assert document.format in {"yaml", "toml", "json", "pelican", "rst", "html", "mdx", "none"}
    assert document.body_line >= 1
    assert all(line is None or line >= 1 for line, _ in document.problems)
    assert all(isinstance(message, str) and message for _, message in document.problems)


@LIGHT
@given(text=TEXT, rel=st.sampled_from(SUFFIXES))
def test_read_document_never_raises(text: str, rel: str) -> None:
    well_formed(read_document(text, rel))


@LIGHT
@given(opening=st.sampled_from(OPENINGS), text=TEXT, closing=st.sampled_from(
    ("", "\n---\n", "\n+++\n", "\n}\n", "\n...\n", "\n\n")), rest=TEXT,
    rel=st.sampled_from(SUFFIXES))
def test_read_document_never_raises_after_any_opening(opening: str, text: str, closing: str,
                                                      rest: str, rel: str) -> None:
    well_formed(read_document(opening + text + closing + rest, rel))


@LIGHT
@given(key=st.sampled_from(("title", "date", "tags", "summary")), value=TEXT.filter(
    lambda v: "\n" not in v and "\r" not in v))
def test_a_broken_line_never_costs_the_other_fields(key: str, value: str) -> None:
    document = read_document(f"---\nslug: kept\n{key}: {value}\nsource: also kept\n---\nB", "a.md")
    if document.meta is None:  # a value with a NUL or the like: YAML refuses the reader
        return
    assert document.meta.get("slug") == "kept" or document.problems
    if document.meta.get("slug") == "kept" and key != "source":
        assert document.meta.get("source") == "also kept"


@LIGHT
@given(body=TEXT)
def test_title_from_heading_never_raises_and_only_takes(body: str) -> None:
    title, rest = title_from_heading(body)
    assert (title is None and rest == body) or (title and len(rest) < len(body))


@LIGHT
@given(files=st.dictionaries(CONFIGS, TEXT, max_size=3),
       folders=st.none() | st.lists(st.sampled_from(("_posts", "content", "x")), max_size=3))
def test_detect_site_never_raises(files: dict[str, str], folders: list[str] | None) -> None:
    site = sites.detect_site(files, folders)
    assert site.tool in {"hugo", "jekyll", "pelican", "none"}
    assert site.zone is not None


@LIGHT
@given(name=CONFIGS, key=st.sampled_from(("timeZone", "timezone", "TIMEZONE", "PATH",
                                          "DEFAULT_DATE", "permalink", "contentDir")),
       value=TEXT)
def test_detect_site_never_raises_on_odd_values(name: str, key: str, value: str) -> None:
    text = {"toml": f"{key} = {value!r}", "json": f'{{"{key}": {value!r}}}',
            "py": f"{key} = {value!r}"}.get(name.rsplit(".", 1)[-1], f"{key}: {value}")
    sites.detect_site({name: text})


@LIGHT
@given(text=TEXT, tool=st.sampled_from(("hugo", "jekyll", "pelican", "none")),
       rel=st.sampled_from(("content/posts/a.md", "_posts/2024-01-01-a.md", "_drafts/x.md",
                            "content/pages/b.rst", "content/x/index.md", "a.html")))
def test_the_rules_never_raise_on_what_the_readers_give(text: str, tool: str, rel: str) -> None:
    site = sites.Site(tool=tool, content_dir="content" if tool in {"hugo", "pelican"} else "",
                      timezone="Europe/Paris")
    meta = read_document(text, rel).meta
    tree = sites.scan_tree(site, {rel: meta})
    reading = sites.conventions(site, rel, meta, tree, mtime=datetime(2024, 1, 1, tzinfo=UTC))
    assert reading.role.kind in {"article", "draft", "skip"}
    reading.role.published(datetime(2026, 1, 1, tzinfo=UTC))


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT |
    st.dates() | st.datetimes() | st.datetimes(timezones=st.just(UTC)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(("draft", "render", "list", "_target", "path", "kind", "x")), inner,
        max_size=3), max_leaves=8)
KEYS = st.sampled_from(("title", "Title", "date", "publishDate", "expiryDate", "lastmod", "tags",
                        "tag", "categories", "category", "slug", "url", "aliases", "permalink",
                        "draft", "published", "status", "lang", "save_as", "build", "cascade",
                        "headless", "authors", "author"))


@LIGHT
@given(meta=st.dictionaries(KEYS, VALUES, max_size=8),
       tool=st.sampled_from(("hugo", "jekyll", "pelican")),
       rel=st.sampled_from(("content/posts/a.md", "_posts/2024-01-01-a.md", "_drafts/x.md",
                            "content/x/_index.md", "content/x/index.md", "content/x/y.md")),
       pattern=st.sampled_from(("", "/:year/:title/", "{date:%Y}/{slug}.html", "{nope}",
                                "/:categories/:i_month/")))
def test_the_rules_never_raise_on_any_front_matter(meta: dict[str, object], tool: str, rel: str,
                                                   pattern: str) -> None:
    site = sites.Site(tool=tool, content_dir="content" if tool in {"hugo", "pelican"} else "",
                      timezone="Asia/Tokyo", permalink=pattern,
                      article_url=pattern or "{slug}.html",
                      permalinks=(("posts", pattern),) if pattern else ())
    tree = sites.scan_tree(site, {rel: meta, "content/x/_index.md": meta})
    reading = sites.conventions(site, rel, meta, tree)
    assert reading.role.kind in {"article", "draft", "skip"}
    assert all(isinstance(t, str) for t in reading.tags)
    assert all(p.startswith("/") for p in reading.old_paths)
