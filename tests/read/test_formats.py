"""digest.read.formats: each reader on inline strings, the table's order, and its safety net."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from digest.read import formats
from digest.read.formats import Document, Reader, read_document, title_from_heading
from digest.read.formats.mdx import strip_jsx


def read(text: str, rel: str = "a.md") -> Document:
    return read_document(text, rel)


# ------------------------------------------------------------------ which reader


@pytest.mark.parametrize(("text", "rel", "reader", "body_format"), [
    ("---\ntitle: A\n---\nBody", "a.md", "yaml", "markdown"),
    ("\ufeff---\ntitle: A\n---\nBody", "a.md", "yaml", "markdown"),
    ("\n\n---\ntitle: A\n---\nBody", "a.md", "yaml", "markdown"),
    ("---\r\ntitle: A\r\n---\r\nBody", "a.md", "yaml", "markdown"),
    ("+++\ntitle = 'A'\n+++\nBody", "a.md", "toml", "markdown"),
    ('{\n  "title": "A"\n}\nBody', "a.md", "json", "markdown"),
    ("Title: A\nDate: 2024-03-05\n\nBody", "a.md", "pelican", "markdown"),
    ("---\nTitle: A\nDate: 2024-03-05\n---\nBody", "a.md", "pelican", "markdown"),
    ("A title\n=======\n\n:date: 2024-03-05\n\nBody.", "a.rst", "rst", "html"),
    ("<html><head><title>A</title></head><body><p>B</p></body></html>", "a.html", "html",
     "html"),
    ("---\ntitle: A\n---\n<p>B</p>", "a.html", "yaml", "html"),
    ("import X from './x'\n\n# Hi", "a.mdx", "mdx", "markdown"),
    ("# Just Markdown", "a.md", "none", "markdown"),
    ("Just text", "a.txt", "none", "plain"),
    ("---\ntitle: A\n---\nBody", "a.txt", "yaml", "plain"),
    ("Note: Pelican has no such key\n\nBody", "a.md", "none", "markdown"),
    ("{% include x.html %}\nBody", "a.md", "none", "markdown"),
    ("{{< shortcode >}}\nBody", "a.md", "none", "markdown"),
    ("Title: A\n\nBody", "x/2024-01-01-a.Rmd", "pelican", "markdown"),
])
def test_the_first_matching_reader_reads_it(text: str, rel: str, reader: str,
                                            body_format: str) -> None:
    document = read(text, rel)
    assert (document.format, document.body_format) == (reader, body_format)


def test_the_table_is_in_its_documented_order() -> None:
    assert [r.name for r in formats.READERS] == [
        "mdx", "rst", "toml", "pelican", "yaml", "json", "html", "pelican", "none"]


def test_a_reader_that_fails_costs_the_file_its_metadata_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, rel: str) -> Document:
        raise RuntimeError("boom")

    monkeypatch.setattr(formats, "READERS", (Reader("yaml", lambda t, s: True, broken),))
    document = read("---\ntitle: A\n---\nBody")
    assert document.meta is None and document.body == "---\ntitle: A\n---\nBody"
    assert document.problems == ((None, "the yaml reader failed (RuntimeError: boom); read as "
                                  "text without metadata"),)


# ------------------------------------------------------------------ YAML


@pytest.mark.parametrize(("text", "meta", "body", "body_line"), [
    ("---\ntitle: A\ndate: 2024-03-05\n---\nBody\n", {"title": "A", "date": "2024-03-05"},
     "Body\n", 5),
    ("---\ntitle: A\n---\n\n\nBody", {"title": "A"}, "Body", 6),
    ("---\ntitle: A\n...\nBody", {"title": "A"}, "Body", 4),
    ("---\n---\nBody", {}, "Body", 3),
    ("---\ntags:\n- a\n- b\n---\n", {"tags": ["a", "b"]}, "", 6),
    ("---\ntitle: A\n---", {"title": "A"}, "", 3),
])
def test_yaml_front_matter(text: str, meta: dict[str, Any], body: str, body_line: int) -> None:
    document = read(text)
    assert (document.meta, document.body, document.body_line, document.problems) == (
        meta, body, body_line, ())


def test_yaml_keeps_the_safety_checks_of_load_yaml() -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(6)) + "---\nBody"
    document = read(bomb)
    assert any("alias bomb" in message for _, message in document.problems)
    assert read("---\n!!python/object/apply:os.system [ls]\n---\n").meta == {}


def test_duplicate_yaml_keys_name_their_line() -> None:
    document = read("---\ntitle: A\ntitle: B\n---\n")
    assert document.meta == {"title": "B"}
    assert document.problems == ((3, "duplicate key 'title' in front matter; the last one "
                                  "wins"),)


def test_an_unquoted_colon_is_read_as_the_text_it_plainly_is() -> None:
    document = read("---\ntitle: Breaking: tunnel closed\ndate: 2024-03-05\n---\nBody\n")
    assert document.meta == {"title": "Breaking: tunnel closed", "date": "2024-03-05"}
    assert document.problems == ((2, "title: the value has ': ' in it; read as 'Breaking: "
                                  "tunnel closed' — put it in quotes"),)
    assert (document.body, document.body_line) == ("Body\n", 5)


def test_several_broken_lines_each_get_their_problem_and_the_rest_is_kept() -> None:
    document = read("---\n"
                    "title: Breaking: tunnel closed\n"  # 2
                    "tags: [roads, tunnels]\n"  # 3
                    "summary: Traffic: diverted: via the bridge  # comment\n"  # 4
                    "author: @desk\n"  # 5
                    "source: Port News\n"  # 6
                    "---\nBody")
    assert document.meta == {"title": "Breaking: tunnel closed", "tags": ["roads", "tunnels"],
                             "summary": "Traffic: diverted: via the bridge",
                             "author": "@desk", "source": "Port News"}
    assert [line for line, _ in document.problems] == [2, 4, 5]
    assert document.problems[2][1] == ("author: the value starts with '@', which YAML "
                                       "reserves; read as '@desk' — put it in quotes")


@pytest.mark.parametrize(("broken", "line", "what"), [
    ('title: "He said "no""', 2, "title: invalid front matter"),  # quotes: not plain text
    ("tags: [roads, tunnels", 2, "tags: invalid front matter"),  # an open list
    ("related:\n  - title: x\n   url: y", 4, "related: invalid front matter"),  # nesting
])
def test_a_broken_line_that_is_not_simple_is_a_problem_and_the_rest_is_kept(
        broken: str, line: int, what: str) -> None:
    document = read(f"---\n{broken}\ndate: 2024-03-05\nslug: a-b\n---\nBody")
    assert document.meta == {"date": "2024-03-05", "slug": "a-b"}
    assert len(document.problems) == 1
    assert document.problems[0][0] == line
    assert document.problems[0][1].startswith(what)
    assert document.problems[0][1].endswith("; this entry is ignored, the other fields are "
                                            "kept")


def test_trouble_between_entries_is_still_reported() -> None:
    document = read("---\na: *undefined\n---\n")
    assert document.meta == {}
    assert document.problems and document.problems[0][0] == 2


@pytest.mark.parametrize(("text", "meta", "problem"), [
    ("---\n- a\n- b\n---\nx", {}, (2, "front matter is a list, not a mapping of keys to "
                                   "values; metadata ignored")),
    ("---\ntitle: A\n", {"title": "A"}, (1, "front matter opened with '---' on line 1 is "
                                         "never closed; read it all as front matter")),
    ("---\nA paragraph.\n", None, (1, "'---' on line 1 opens front matter that is never "
                                   "closed; read the file as text without front matter")),
    ("\n---\nA paragraph.\n", None, (2, "'---' on line 2 opens front matter that is never "
                                     "closed; read the file as text without front matter")),
])
def test_yaml_that_is_no_mapping_or_never_closed(text: str, meta: dict[str, Any] | None,
                                                 problem: tuple[int, str]) -> None:
    document = read(text)
    assert (document.meta, document.problems) == (meta, (problem,))


# ------------------------------------------------------------------ TOML and JSON


def test_toml_dates_are_dates() -> None:
    document = read("+++\ntitle = 'A'\ndate = 2024-04-02T08:00:00\nday = 2024-04-03\n"
                    "at = 2024-04-04T10:00:00+02:00\ntags = ['a', 'b']\n+++\n\nBody")
    assert document.meta == {
        "title": "A", "date": datetime(2024, 4, 2, 8), "day": date(2024, 4, 3),
        "at": datetime(2024, 4, 4, 10, tzinfo=timezone(timedelta(hours=2))),
        "tags": ["a", "b"]}
    assert (document.body, document.body_line, document.problems) == ("Body", 9, ())


@pytest.mark.parametrize(("text", "meta", "problem"), [
    ("+++\ntitle = 'A'\ndate = \n+++\nBody", {},
     (3, "+++ front matter is not valid TOML (invalid value at column 8); metadata ignored")),
    ("+++\ntitle = 'A'\ntitle = 'B'\n+++\nBody", {},
     (3, "+++ front matter is not valid TOML (cannot overwrite a value at column 12); "
         "metadata ignored")),
    ("+++\ntitle = 'A'\n", None, (1, "'+++' on line 1 opens TOML front matter that is never "
                                  "closed; read the file as text without front matter")),
])
def test_invalid_toml_names_its_line_and_is_never_a_silent_fallback(
        text: str, meta: dict[str, Any] | None, problem: tuple[int, str]) -> None:
    document = read(text)
    assert (document.meta, document.problems) == (meta, (problem,))


@pytest.mark.parametrize(("text", "meta", "body", "body_line"), [
    ('{\n  "title": "A",\n  "tags": ["x"]\n}\nBody', {"title": "A", "tags": ["x"]}, "Body", 5),
    ('{"title": "A"}\n\nBody', {"title": "A"}, "Body", 3),
    ('{"title": "A"} Body on the same line', {"title": "A"}, "Body on the same line", 1),
    ("{}\nBody", {}, "Body", 2),
])
def test_json_front_matter_as_hugo_reads_it(text: str, meta: dict[str, Any], body: str,
                                            body_line: int) -> None:
    document = read(text)
    assert (document.meta, document.body, document.body_line, document.problems) == (
        meta, body, body_line, ())


@pytest.mark.parametrize(("text", "meta", "body", "problem"), [
    ('{\n  "title": "A",\n  "date": \n}\nBody', {}, "Body",
     (4, "{ front matter is not valid JSON (expecting value at column 1); metadata ignored")),
    ('{\n  "title": "A"\n  "date": "x"\n}\nBody', {}, "Body",
     (3, "{ front matter is not valid JSON (expecting ',' delimiter at column 3); metadata "
         "ignored")),
    ('{"title": "A",\nBody', None, '{"title": "A",\nBody',
     (2, "{ front matter is not valid JSON (expecting property name enclosed in double quotes "
         "at column 1) and has no closing '}' line; read the file as text")),
    ('{\n "a": 1,\n "a": 2\n}\nBody', {"a": 2}, "Body",
     (3, "duplicate key 'a' in JSON front matter; the last one wins")),
])
def test_json_trouble_names_its_line(text: str, meta: dict[str, Any] | None, body: str,
                                     problem: tuple[int, str]) -> None:
    document = read(text)
    assert (document.meta, document.body, document.problems) == (meta, body, (problem,))


# ------------------------------------------------------------------ Pelican


@pytest.mark.parametrize(("text", "meta", "body", "body_line"), [
    ("Title: A\nDate: 2024-03-05 09:30\nTags: x, y\nAuthors: Ada; Lin Wei\n\nBody",
     {"title": "A", "date": "2024-03-05 09:30", "tags": ["x", "y"],
      "authors": ["Ada", "Lin Wei"]}, "Body", 6),
    ("title: A\ntags: storms; coast, wind\nslug: s\n\nBody",
     {"title": "A", "tags": ["storms", "coast, wind"], "slug": "s"}, "Body", 5),
    ("Title: A long\n    title continued\nSummary: One\n    two\n\nBody",
     {"title": "A long title continued", "summary": "One two"}, "Body", 6),
    ("Title: A\nCustom_Key: kept\n\nBody", {"title": "A", "custom_key": "kept"}, "Body", 4),
    ("Title: A\nThis line is body\nmore", {"title": "A"}, "This line is body\nmore", 2),
    ("Title: A", {"title": "A"}, "", 1),
    ("---\nTitle: A\nDate: 2024-03-05\n---\n\nBody", {"title": "A", "date": "2024-03-05"},
     "Body", 6),
    ("---\nTitle: Breaking: tunnel closed\nTags: a, b\n---\nBody",
     {"title": "Breaking: tunnel closed", "tags": ["a", "b"]}, "Body", 5),
])
def test_pelican_header(text: str, meta: dict[str, Any], body: str, body_line: int) -> None:
    document = read(text)
    assert document.format == "pelican"
    assert (document.meta, document.body, document.body_line) == (meta, body, body_line)


def test_a_key_pelican_keeps_once_defined_twice_keeps_the_first() -> None:
    document = read("Title: A\nDate: 2024-03-05\nDate: 2024-03-06\n\nBody")
    assert document.meta == {"title": "A", "date": "2024-03-05"}
    assert document.problems == ((3, "date: defined twice in the header; the first one is "
                                  "used"),)


@pytest.mark.parametrize("text", [
    "---\nTitle: A\ntags: [a, b]\n---\n",  # structure: YAML's
    "---\ntitle: A\ndate: 2024-03-05\n---\n",  # lower-case keys: YAML's (the same values)
    "---\nTitle: A\n  nested: x\n---\n",
    "---\nTitle: A\n\nDate: x\n---\n",
])
def test_yaml_like_blocks_stay_yaml(text: str) -> None:
    assert read(text).format == "yaml"


# ------------------------------------------------------------------ reStructuredText

RST = """\
Harbour traffic doubles
#######################

:date: 2024-03-15 16:20
:tags: shipping, harbour, Statistics
:category: Reports
:slug: harbour-traffic-doubles
:authors: Noor Haddad; Lin Wei
:summary: Calls rose from 41 to 83.
:status: draft
:modified: 2024-03-16

Container calls *rose*.

A section
=========

More text.
"""


def test_rst_title_fields_and_html_body() -> None:
    document = read(RST, "reports/a.rst")
    assert document.meta == {
        "title": "Harbour traffic doubles", "date": "2024-03-15 16:20",
        "tags": ["shipping", "harbour", "Statistics"], "category": "Reports",
        "slug": "harbour-traffic-doubles", "authors": ["Noor Haddad", "Lin Wei"],
        "summary": "Calls rose from 41 to 83.", "status": "draft", "modified": "2024-03-16"}
    assert (document.format, document.body_format, document.problems) == ("rst", "html", ())
    assert "<p>Container calls <em>rose</em>.</p>" in document.body
    assert "<h2" in document.body and "A section" in document.body
    assert "<html" not in document.body and "stylesheet" not in document.body
    assert "docinfo" not in document.body and "2024-03-15" not in document.body


@pytest.mark.parametrize("directive", [
    ".. raw:: html\n\n   <script>alert(1)</script>",
    ".. include:: /etc/passwd",
    ".. csv-table::\n   :file: /etc/passwd",
])
def test_rst_raw_html_and_file_inclusion_are_disabled(directive: str) -> None:
    document = read(f"Title\n=====\n\nText.\n\n{directive}\n", "a.rst")
    assert "<script" not in document.body and "root:" not in document.body
    assert any(line == 6 and ("disabled" in message or "deactivated" in message)
               for line, message in document.problems)


def test_rst_warnings_become_problems_with_lines() -> None:
    document = read("Title\n=====\n\nText with `broken\n\nMore\n", "a.rst")
    assert document.problems == (
        (4, "reStructuredText: Inline interpreted text or phrase reference start-string "
            "without end-string."),)
    assert "System Message" not in document.body


def test_rst_without_a_document_title_says_so() -> None:
    document = read("One\n===\n\nA.\n\nTwo\n===\n\nB.\n", "a.rst")
    assert "title" not in (document.meta or {})
    assert document.problems == ((None, "no document title: an rst document's title is its "
                                  "one top-level section heading"),)


def test_rst_under_front_matter() -> None:
    document = read("---\ntitle: From YAML\ntags: [a]\n---\nRst title\n=========\n\n:slug: s"
                    "\n\nText.\n", "a.rst")
    assert document.meta == {"title": "From YAML", "tags": ["a"], "slug": "s"}
    assert document.format == "rst" and "<p>Text.</p>" in document.body


# ------------------------------------------------------------------ HTML

PAGE = """\
<html>
  <head>
    <title>Fish &amp; chips</title>
    <meta name="date" content="2024-03-05 09:30" />
    <meta name="tags" content="food, harbour" />
    <meta name="keywords" content="fish" />
    <meta name="Category" content="Food">
    <meta name="authors" content="Ada; Lin" />
    <meta name="summary" content="Back on the quay." />
    <meta name="slug" content="fish-and-chips" />
    <meta name="status" content="hidden" />
    <meta property="og:title" content="ignored: no name" />
  </head>
  <body class="x">
    <p>It's <b>back</b> &mdash; on the quay.</p>
  </body>
</html>
"""


def test_html_head_and_body_as_pelican_reads_them() -> None:
    document = read(PAGE, "a.html")
    assert document.meta == {
        "title": "Fish & chips", "date": "2024-03-05 09:30", "tags": ["food", "harbour", "fish"],
        "category": "Food", "authors": ["Ada", "Lin"], "summary": "Back on the quay.",
        "slug": "fish-and-chips", "status": "hidden"}
    assert document.body.strip() == "<p>It's <b>back</b> &mdash; on the quay.</p>"
    assert document.body_line == 14 and document.format == "html"


def test_an_html_fragment_is_a_body_without_metadata() -> None:
    document = read("<p>Just a <em>fragment</em>.</p>\n", "a.htm")
    assert (document.meta, document.body, document.body_format) == (
        None, "<p>Just a <em>fragment</em>.</p>\n", "html")


def test_html_without_body_tag() -> None:
    document = read("<html><head><title>T</title></head><p>Text</p></html>", "a.html")
    assert document.meta == {"title": "T"} and document.body == "<p>Text</p>"


# ------------------------------------------------------------------ MDX

MDX = """\
---
title: Charts
---
import { Chart } from '../components/chart'
import {
  Note,
  Warning,
} from '../components'
export const meta = {
  author: 'x',
}

# Charts

Some text.
<Chart data={[1, 2]} />
More text.

<Note>
Inside a note.
</Note>

<Warning
  level="high"
>
{/* a comment */}
A line with {/* an inline comment */} in it.

```jsx
import React from 'react'
<Chart />
```
"""


def test_mdx_is_markdown_with_its_jsx_dropped() -> None:
    document = read(MDX, "a.mdx")
    assert (document.format, document.body_format) == ("mdx", "markdown")
    assert document.meta == {"title": "Charts"}
    lines = document.body.split("\n")
    assert len(lines) == len(MDX.split("\n")) - 3  # dropped lines stay, blank
    kept = [line for line in lines if line.strip()]
    assert kept == ["# Charts", "Some text.", "More text.", "Inside a note.",
                    "A line with  in it.", "```jsx", "import React from 'react'", "<Chart />",
                    "```"]
    assert document.problems == ((None, "MDX: read as Markdown; 16 JSX lines (imports, "
                                  "exports, components, comments) dropped"),)


@pytest.mark.parametrize(("text", "kept", "dropped"), [
    ("export controls rose\nimport tariffs from China fell", "export controls rose\nimport "
     "tariffs from China fell", 0),  # prose, not ESM
    ("A {/* a comment\nover lines */} B", "A \n B", 1),
    ("```\n{/* code */}\n<Chart />\n```", "```\n{/* code */}\n<Chart />\n```", 0),
    ("<>\nFragment\n</>", "\nFragment\n", 2),
    ("<Foo.Bar x='1'/>", "", 1),
])
def test_strip_jsx(text: str, kept: str, dropped: int) -> None:
    assert strip_jsx(text) == (kept, dropped)


def test_mdx_keeps_lower_case_html_and_says_nothing_when_nothing_is_dropped() -> None:
    assert strip_jsx("<div>\nHTML stays\n</div>\n<br/>") == ("<div>\nHTML stays\n</div>\n<br/>",
                                                             0)
    assert read("# Plain\n\nText.", "a.mdx").problems == ()


# ------------------------------------------------------------------ no header


@pytest.mark.parametrize(("body", "title", "rest"), [
    ("# Tunnel closed\n\nTraffic diverted.", "Tunnel closed", "Traffic diverted."),
    ("\n\n# Tunnel closed #\nText", "Tunnel closed", "Text"),
    ("Tunnel closed\n=============\n\nText", "Tunnel closed", "Text"),
    ("# Only a title", "Only a title", ""),
    ("## A subheading\n\nText", None, "## A subheading\n\nText"),
    ("#Not a heading\n\nText", None, "#Not a heading\n\nText"),
    ("Text first.\n\n# Heading later", None, "Text first.\n\n# Heading later"),
    ("- item\n=====", None, "- item\n====="),
    ("    code\n====", None, "    code\n===="),
    ("Setext two\n---\n\nText", None, "Setext two\n---\n\nText"),
    ("", None, ""),
])
def test_title_from_heading(body: str, title: str | None, rest: str) -> None:
    assert title_from_heading(body) == (title, rest)


def test_markdown_without_front_matter_has_no_metadata() -> None:
    document = read("# Tunnel closed\n\nText.")
    assert (document.meta, document.body, document.body_line, document.format) == (
        None, "# Tunnel closed\n\nText.", 1, "none")
