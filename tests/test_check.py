"""The link check: root-absolute links that ignore the base path, and links to nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import hypothesis
import pytest
from click.testing import CliRunner
from hypothesis import strategies as st

from digest.cli import main
from digest.config import load_config
from digest.output import check
from digest.output.check import check_link, check_site, read_output
from tests.conftest import REPO, BuildSite, write

BASE = "https://user.github.io/repo/"
FILES = {"index.html": b"", "articles/a/index.html": b"", "static/s.css": b"",
         "feed.xml": b"", "404.html": b"", "topics/x/page/2/index.html": b""}


@pytest.mark.parametrize(("page", "link", "base", "problem"), [
    ("articles/a/index.html", "../../static/s.css", BASE, None),
    ("articles/a/index.html", "../../index.html", BASE, None),
    ("articles/a/index.html", "../../", BASE, None),
    ("articles/a/index.html", "./", BASE, None),
    ("articles/a/index.html", "../a/index.html#top", BASE, None),
    ("articles/a/index.html", "#main", BASE, None),
    ("articles/a/index.html", "", BASE, None),
    ("articles/a/index.html", "https://example.com/x", BASE, None),
    ("articles/a/index.html", "mailto:a@b.c", BASE, None),
    ("articles/a/index.html", "//cdn.example.com/x.js", BASE, None),
    ("articles/a/index.html", BASE + "articles/a/", BASE, None),
    ("articles/a/index.html", BASE + "feed.xml", BASE, None),
    ("index.html", "topics/x/page/2/", BASE, None),
    ("index.html", "topics/x/page/2/index.html?utm=1", BASE, None),
    ("404.html", "/repo/static/s.css", BASE, None),
    ("404.html", "/repo/index.html", BASE, None),
    ("404.html", "/index.html", "", None),
    # the mistakes
    ("articles/a/index.html", "/static/s.css", BASE, "outside the base path"),
    ("index.html", "/static/s.css", BASE, "outside the base path"),
    ("404.html", "/static/s.css", BASE, "outside the base path"),
    ("articles/a/index.html", "/repo/static/s.css", BASE, "opened from disk"),
    ("index.html", "/static/s.css", "", "opened from disk"),
    ("404.html", "static/s.css", BASE, "any depth"),
    ("articles/a/index.html", "../../static/missing.css", BASE, "no such file"),
    ("articles/a/index.html", "../b/", BASE, "no such file"),
    ("articles/a/index.html", BASE + "articles/b/", BASE, "no such file"),
    ("articles/a/index.html", "../../../x.html", BASE, "outside the site"),
    ("index.html", "static/s.css/", BASE, "no such file"),
])
def test_check_link(page: str, link: str, base: str, problem: str | None) -> None:
    config = load_config(None, {"base_url": base}, root=Path("/x"))
    message = check_link(page, link, FILES, config)
    if problem is None:
        assert message is None
    else:
        assert message is not None and problem in message


@pytest.mark.parametrize("base_url", [None, BASE, "https://news.example.org/"])
@pytest.mark.parametrize("clean_links", [False, True])
def test_seed_builds_have_no_link_problems(seeds: Path, build_site: BuildSite,
                                           base_url: str | None, clean_links: bool) -> None:
    result, out = build_site(seeds, base_url=base_url, clean_links=clean_links)
    assert result.link_problems == []
    config = load_config(None, {"base_url": base_url}, root=Path("/x"))
    assert check_site(read_output(out), config) == []  # and the same from disk


def test_a_root_absolute_link_in_a_template_is_reported_with_file_and_link(
        tmp_path: Path, seeds: Path) -> None:
    templates = tmp_path / "templates"
    write(templates, "topics.html", '{% extends "!default/topics.html" %}'
          '{% block main %}<a href="/archive/">Archive</a><img src="/static/logo.png" '
          'alt="">{{ super() }}{% endblock %}')
    write(tmp_path, "digest.yaml", f"content: {seeds}\noutput: out\n")
    runner = CliRunner()
    built = runner.invoke(main, ["build", "--config", str(tmp_path / "digest.yaml"),
                                 "--base-url", BASE, "--strict"])
    assert built.exit_code == 1
    assert "out/topics/index.html: '/archive/': root-absolute link outside the base path" \
        in built.output
    assert "'/static/logo.png'" in built.output
    assert "2 broken or root-absolute links" in built.output

    checked = runner.invoke(main, ["check", "--config", str(tmp_path / "digest.yaml"),
                                   "--base-url", BASE])
    assert checked.exit_code == 1
    assert "topics/index.html: '/archive/'" in checked.output


def test_digest_check_passes_a_good_site_and_catches_a_broken_link(
        tmp_path: Path, seeds: Path, build_site: BuildSite) -> None:
    _, out = build_site(seeds, base_url=BASE)
    runner = CliRunner()
    config = shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")  # (its cache: here)
    ok = runner.invoke(main, ["check", "--config", config, "--output", str(out),
                              "--base-url", BASE])
    assert ok.exit_code == 0, ok.output
    assert "every link resolves" in ok.output
    (out / "topics" / "index.html").unlink()
    broken = runner.invoke(main, ["check", "--config", config, "--output", str(out),
                                  "--base-url", BASE])
    assert broken.exit_code == 1
    assert "index.html: '../topics/index.html': broken link" in broken.output
    assert f"sitemap.xml: '{BASE}topics/': broken link" in broken.output


def test_digest_check_without_a_site(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--output", str(tmp_path / "none")])
    assert result.exit_code == 2 and "no built site" in result.output


def test_build_summary_tells_about_feeds(seeds: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    config = shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")  # (its cache: here)
    args = ["build", "--config", str(config), "--content", str(seeds),
            "--output", str(tmp_path / "out")]
    without = runner.invoke(main, args)
    assert without.exit_code == 0, without.output
    assert "feeds and sitemap not written" in without.output
    with_base = runner.invoke(main, [*args, "--base-url", BASE])
    # every story in RSS and JSON Feed; not in git, the 3 undated ones are not in Atom, so
    # the two topics with only undated stories have no Atom feed
    assert "7 feeds (RSS, JSON Feed; 5 in Atom too), sitemap of 19 URLs" in with_base.output
    assert ("3 undated stories in RSS and JSON Feed only: Atom needs a time, and no git "
            "commit gives one") in with_base.output


_FILES = frozenset({"index.html", "a/index.html", "a/b/index.html", "a/b.html", "a/b/c.css",
                    "x y/index.html", "é/index.html", "a/.hidden/index.html"})


@hypothesis.given(
    folder=st.sampled_from(["", "a", "a/b", "a/b/c", "é"]),
    link=st.text(alphabet="ab./-_~%?#:é 2", max_size=12) | st.builds(
        "/".join, st.lists(st.sampled_from(
            ["a", "b", "c.css", "b.html", ".", "..", "", "x y", "x%20y", "é", ".hidden", "a#b"]),
            min_size=1, max_size=4)),
    base_path=st.sampled_from(["/", "/repo/"]))
@hypothesis.example(folder="", link="a/", base_path="/")
@hypothesis.example(folder="a", link="b", base_path="/")
@hypothesis.example(folder="a/b", link="../b.html", base_path="/")
@hypothesis.example(folder="a", link=".hidden/", base_path="/")
@hypothesis.settings(max_examples=300)
def test_a_plain_link_is_judged_as_the_full_resolution_judges_it(
        folder: str, link: str, base_path: str) -> None:
    """_check's shortcut for plain paths gives what resolving the link in full gives."""
    config = load_config(None, {"base_url": f"https://example.org{base_path}"})
    climbed, rest = check._climb(folder, link.strip())
    problem, target, is_folder = check._resolve(climbed, False, rest, config.base_url,
                                                config.base_path)
    if problem is None and target is not None and not check._exists(target, is_folder, _FILES):
        problem = "broken link: no such file in the output"
    assert check._check(folder, False, link, _FILES, config) == problem
