"""`digest fetch` and `digest add` on the command line, and the `sources` key of digest.yaml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from digest.cli import main
from digest.config import ConfigError, Source, load_config
from digest.fetch.store import STATE_NAME
from digest.read.frontmatter import split_front_matter

from .helpers import fixture, write_config
from .test_add import JPEG


def digest(*args: str | Path) -> Result:
    """The command line, in this process (so the loopback guard holds)."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def wire(httpserver: HTTPServer, tmp_path: Path) -> Path:
    """Two feeds on 127.0.0.1 and one that is gone, in a digest.yaml."""
    httpserver.expect_request("/atom.xml").respond_with_data(
        fixture("atom.xml"), content_type="application/atom+xml")
    httpserver.expect_request("/rss.xml").respond_with_data(
        fixture("rss2.xml"), content_type="application/rss+xml")
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    return write_config(tmp_path, [
        {"name": "Example Wire", "feed": httpserver.url_for("/atom.xml"), "topics": ["AI"]},
        {"name": "Daily Bits", "feed": httpserver.url_for("/rss.xml"), "exclude": ["podcast"]},
    ])


def articles(folder: Path) -> list[str]:
    """The article files under folder, relative, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))


def test_fetch_writes_the_feeds_into_the_content_folder(wire: Path, tmp_path: Path) -> None:
    done = digest("fetch", "--config", wire, "--content", tmp_path / "news")
    assert done.exit_code == 0, done.output
    assert articles(tmp_path / "news") == [
        "daily-bits/2024-05-02-regulators-look-at-ai-models.md",
        "example-wire/2024-05-01-meta-releases-llama-4.md",
        "example-wire/2024-05-02-chip-makers-race-to-keep-up.md"]
    assert "digest: 2 feeds, wrote 3 new and 0 updated articles" in done.stdout
    assert (tmp_path / STATE_NAME).is_file()  # beside digest.yaml
    again = digest("fetch", "--config", wire, "--content", tmp_path / "news")
    assert again.exit_code == 0 and "wrote 0 new and 0 updated" in again.stdout


def test_fetch_writes_into_the_configs_content_folder(wire: Path, tmp_path: Path) -> None:
    settings = yaml.safe_load(wire.read_text(encoding="utf-8"))
    wire.write_text(yaml.safe_dump({**settings, "content": "articles"}), encoding="utf-8")
    done = digest("fetch", "--config", wire)
    assert done.exit_code == 0, done.output
    assert len(articles(tmp_path / "articles")) == 3


def test_fetch_options_source_since_dry_run(wire: Path, tmp_path: Path) -> None:
    news = tmp_path / "news"
    dry = digest("fetch", "--config", wire, "--content", news, "--dry-run")
    assert dry.exit_code == 0 and "would write 3 new" in dry.stdout
    assert not news.exists() and not (tmp_path / STATE_NAME).exists()
    done = digest("fetch", "--config", wire, "--content", news, "--source", "example wire",
                  "--since", "2024-05-02")
    assert done.exit_code == 0, done.output
    assert articles(news) == ["example-wire/2024-05-02-chip-makers-race-to-keep-up.md"]
    unknown = digest("fetch", "--config", wire, "--content", news, "--source", "Nope")
    assert unknown.exit_code == 2 and "no source named 'Nope'" in unknown.output


@pytest.mark.parametrize("since", ["yesterday", "2024-13-01", "05/01/2024"])
def test_since_must_be_an_iso_date(wire: Path, since: str) -> None:
    done = digest("fetch", "--config", wire, "--since", since)
    assert done.exit_code == 2
    assert f"'{since}' is not a date; write it as YYYY-MM-DD" in done.stderr


def test_a_failed_feed_is_exit_1_and_the_others_are_written(
        wire: Path, tmp_path: Path, httpserver: HTTPServer) -> None:
    settings = yaml.safe_load(wire.read_text(encoding="utf-8"))
    settings["sources"].append({"name": "Gone", "feed": httpserver.url_for("/gone.xml")})
    wire.write_text(yaml.safe_dump(settings), encoding="utf-8")
    done = digest("fetch", "--config", wire, "--content", tmp_path / "news")
    assert done.exit_code == 1
    assert "error: Gone: HTTP 404" in done.stdout
    assert "1 feeds failed" in done.stdout
    assert len(articles(tmp_path / "news")) == 3


def test_fetch_without_a_config_is_exit_2(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "digest", "fetch"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 2
    assert f"{tmp_path / 'digest.yaml'}: no config here" in done.stderr
    missing = digest("fetch", "--config", tmp_path / "nope.yaml")
    assert missing.exit_code == 2 and "nope.yaml: no such config file" in missing.stderr


def test_a_config_without_sources_fetches_nothing(tmp_path: Path) -> None:
    config = tmp_path / "digest.yaml"
    config.write_text("title: Quiet\n", encoding="utf-8")
    done = digest("fetch", "--config", config)
    assert done.exit_code == 0 and "lists no sources" in done.stdout


@pytest.mark.parametrize(("sources", "message"), [
    ("sources: {name: Wire}", "sources must be a list of feeds"),
    ("sources: [Wire]", "sources[0] must be a mapping"),
    ("sources:\n  - name: Wire\n    feed: https://example.org/f.xml\n    topic: AI",
     "unknown key `topic` in sources[0]: did you mean `topics`?"),
    ("sources:\n  - name: Wire", "sources[0] needs a feed"),
    ("sources:\n  - {name: Wire, feed: ftp://example.org/f.xml}", "sources[0].feed must be an "
     "http(s) URL such as 'https://example.org/feed.xml'"),
])
@pytest.mark.parametrize("command", ["fetch", "add", "build"])
def test_a_bad_source_stops_every_command_naming_file_and_key(
        tmp_path: Path, sources: str, message: str, command: str) -> None:
    config = tmp_path / "digest.yaml"
    config.write_text(f"title: T\n{sources}\n", encoding="utf-8")
    extra = ["https://example.org/a"] if command == "add" else []
    done = digest(command, *extra, "--config", config, "--content", tmp_path / "news")
    assert done.exit_code == 2, done.output
    assert f"error: {config}: {message}" in done.stderr
    assert not (tmp_path / "news").exists()


def test_sources_are_kept_on_the_config(tmp_path: Path) -> None:
    config = tmp_path / "digest.yaml"
    config.write_text("sources:\n  - name: Example Wire\n    feed: https://example.org/f.xml\n"
                      "    topics: [AI]\n    exclude: podcast, sponsored\n", encoding="utf-8")
    assert load_config(config).sources == (Source(
        name="Example Wire", feed="https://example.org/f.xml", topics=("AI",),
        exclude=("podcast", "sponsored")),)
    assert load_config(None).sources == ()
    with pytest.raises(ConfigError, match=r"unknown key `source`: did you mean `sources`"):
        load_config(None, {"source": []})  # the known keys list `sources`


def test_build_accepts_a_config_with_sources(tmp_path: Path) -> None:
    config = tmp_path / "digest.yaml"
    config.write_text("sources:\n  - {name: W, feed: 'https://example.org/f.xml'}\n",
                      encoding="utf-8")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.md").write_text("---\ntitle: Hello\n---\nBody.\n", encoding="utf-8")
    done = digest("build", "--config", config, "--content", tmp_path / "news", "--output",
                  tmp_path / "site", "--no-cache")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "site" / "index.html").is_file()


@pytest.fixture
def page(httpserver: HTTPServer, tmp_path: Path) -> str:
    """An article page with a lead image on 127.0.0.1 -> its URL (and a digest.yaml in
    tmp_path, so that the state file goes there, not into the folder the tests run in)."""
    (tmp_path / "digest.yaml").write_text("title: T\n", encoding="utf-8")
    base = httpserver.url_for("/").rstrip("/").removeprefix("http://")
    httpserver.expect_request("/news/open-models").respond_with_data(
        fixture("article.html").replace(b"BASE", base.encode()),
        content_type="text/html; charset=utf-8")
    httpserver.expect_request("/img/lead.jpg").respond_with_data(JPEG, content_type="image/jpeg")
    httpserver.expect_request("/missing").respond_with_data("gone", status=404)
    return httpserver.url_for("/news/open-models")


def test_add_clips_a_page_with_topics_source_and_lead_image(page: str, tmp_path: Path) -> None:
    news = tmp_path / "news"
    done = digest("add", page, "--config", tmp_path / "digest.yaml", "--content", news,
                  "--topics", "AI, Open models,", "--source", "A Friend")
    assert done.exit_code == 0, done.output
    assert "clipped as clipped/2024-05-01-open-models-catch-up.md" in done.stdout
    rel = "clipped/2024-05-01-open-models-catch-up.md"
    meta = split_front_matter((news / rel).read_text(encoding="utf-8")).meta
    assert meta["topics"] == ["AI", "Open models"]
    assert meta["provider"]["name"] == "A Friend"
    assert (news / rel).with_suffix(".jpg").read_bytes() == JPEG
    again = digest("add", page, "--config", tmp_path / "digest.yaml", "--content", news)
    assert again.exit_code == 0 and "already clipped as" in again.stdout


def test_add_a_saved_file_and_a_missing_page(page: str, tmp_path: Path) -> None:
    saved = tmp_path / "saved.html"
    saved.write_bytes(fixture("article.html").replace(b"BASE", b"example.org"))
    missing = page.replace("/news/open-models", "/missing")
    done = digest("add", saved, missing, "--config", tmp_path / "digest.yaml", "--content",
                  tmp_path / "news")
    assert done.exit_code == 1
    assert f"error: {missing}: HTTP 404; not clipped" in done.stdout
    assert articles(tmp_path / "news") == ["clipped/2024-05-01-open-models-catch-up.md"]
    assert (tmp_path / STATE_NAME).is_file()  # beside digest.yaml


def test_add_without_a_config_keeps_its_state_where_it_runs(page: str, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run([sys.executable, "-m", "digest", "add", page, "--content", "news"],
                          cwd=work, text=True, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert articles(work / "news") == ["clipped/2024-05-01-open-models-catch-up.md"]
    assert (work / STATE_NAME).is_file()


def test_help_lists_the_new_commands() -> None:
    listing = digest("--help").output
    assert "fetch " in listing and "add " in listing
    assert "--since" in digest("fetch", "--help").output
    assert "--topics" in digest("add", "--help").output
    assert digest("add").exit_code == 2  # a URL or a file is needed


def test_the_command_line_starts_without_the_network_edge() -> None:
    """`digest build` does not pay for importing httpx, feedparser and trafilatura."""
    code = "import sys, digest.cli; print(sorted(m for m in sys.modules if m.startswith(" \
           "('digest.fetch.run', 'httpx', 'feedparser', 'trafilatura'))))"
    done = subprocess.run([sys.executable, "-c", code], text=True, capture_output=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_the_state_file_sits_beside_the_build_cache() -> None:
    from digest.cli_fetch import CACHE_DIR as here
    from digest.incremental.cache import CACHE_DIR

    assert here == CACHE_DIR
