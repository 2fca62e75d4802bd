"""Stories dated after the build are left out until their day (as Hugo and Jekyll do),
counted in the summary; `--future` shows them. The time is read once, at the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest import cli
from tests.conftest import NOW, BuildSite, write

BASE = "https://example.org/news/"


def story(title: str, day: datetime, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {day.date().isoformat()}\n{extra}---\nText.\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    now = datetime.now(UTC)
    folder = tmp_path / "news"
    write(folder, "past.md", story("Yesterday's news", now - timedelta(days=1)))
    write(folder, "ahead.md", story("Next week's news", now + timedelta(days=7)))
    write(folder, "ahead-draft.md", story("A draft for later", now + timedelta(days=7),
                                          "draft: true\n"))
    return folder


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120, check=False)


def titles(site: Path) -> list[str]:
    return [item["title"] for item in json.loads((site / "feed.json").read_text())["items"]]


def test_left_out_by_default_with_a_summary_line(content: Path, tmp_path: Path) -> None:
    done = run("build", "--content", "news", "--output", "site", "--base-url", BASE,
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "built 1 article" in done.stdout
    assert "1 story dated in the future left out (use --future to include it)" in done.stdout
    assert "1 draft left out" in done.stdout
    assert "in the future" not in done.stderr  # no warning for a story that waits its day
    assert titles(tmp_path / "site") == ["Yesterday's news"]
    assert not (tmp_path / "site" / "articles" / "next-week-s-news").exists()


def test_future_includes_them_and_drafts_stay_out(content: Path, tmp_path: Path) -> None:
    done = run("build", "--content", "news", "--output", "site", "--base-url", BASE,
               "--future", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "built 2 articles" in done.stdout and "dated in the future" not in done.stdout
    assert "1 draft left out" in done.stdout
    assert titles(tmp_path / "site") == ["Next week's news", "Yesterday's news"]


@pytest.mark.parametrize("command", ["build", "serve", "watch"])
def test_every_building_command_has_the_option(command: str, tmp_path: Path) -> None:
    done = CliRunner().invoke(cli.main, [command, "--help"])
    assert "--future / --no-future" in done.output and "leave them out" in done.output


def test_future_true_in_the_config_includes_them(content: Path, tmp_path: Path) -> None:
    (tmp_path / "digest.yaml").write_text("content: news\nfuture: true\n")
    done = run("build", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "built 2 articles" in done.stdout


def test_the_cli_passes_its_clock_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What is "the future" is the time the CLI read, handed to the build: pinned at 2020,
    a story of 2023 waits (the core never reads the clock itself)."""
    write(tmp_path / "news", "a.md", story("Old", datetime(2019, 5, 1, tzinfo=UTC)))
    write(tmp_path / "news", "b.md", story("Not yet in 2020", datetime(2023, 5, 1, tzinfo=UTC)))
    monkeypatch.setattr(cli, "clock", lambda: datetime(2020, 1, 1, tzinfo=UTC))
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(cli.main, ["build", "--content", "news", "--output", "site",
                                         "--no-cache"])
    assert done.exit_code == 0, done.output
    assert "built 1 article\n" in done.output
    assert "1 story dated in the future left out" in done.output
    monkeypatch.setattr(cli, "clock", lambda: datetime(2024, 1, 1, tzinfo=UTC))
    done = CliRunner().invoke(cli.main, ["build", "--content", "news", "--output", "site",
                                         "--no-cache"])
    assert "built 2 articles" in done.output and "in the future" not in done.output


@pytest.mark.parametrize(("site_files", "future", "shown"), [
    ({"pelicanconf.py": "AUTHOR = 'x'\nPATH = 'content'\n"}, None, True),  # Pelican shows them
    ({"pelicanconf.py": "PATH = 'content'\nWITH_FUTURE_DATES = False\n"}, None, False),
    ({"pelicanconf.py": "AUTHOR = 'x'\nPATH = 'content'\n"}, False, False),  # digest.yaml wins
    ({"hugo.toml": 'title = "x"\n'}, None, False),  # Hugo: not without buildFuture
    ({"hugo.toml": 'title = "x"\nbuildFuture = true\n'}, None, True),
    ({}, None, False),  # no site's tool: as Hugo and Jekyll
    ({}, True, True),
])
def test_unset_future_follows_the_site_tool(tmp_path: Path, build_site: BuildSite,
                                             site_files: dict[str, str], future: bool | None,
                                             shown: bool) -> None:
    """Without `future` in digest.yaml or on the command line, a Hugo, Jekyll or Pelican
    site's own setting decides, as its tool would have; else future stories wait."""
    for name, text in site_files.items():
        write(tmp_path / "site-src", name, text)
    content = tmp_path / "site-src" / "content"
    write(content, "a.md", story("Old", datetime(2020, 5, 1, tzinfo=UTC)))
    write(content, "b.md", story("Ahead", NOW + timedelta(days=30)))
    result, _ = build_site(content, **({} if future is None else {"future": future}))
    assert (result.articles_built, result.future_skipped) == ((2, 0) if shown else (1, 1))
