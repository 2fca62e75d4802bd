"""digest check --content: what each article lacks, with the fix; advice, so exit 0."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from digest.config import SiteConfig
from digest.model import Article, Source, Topic
from digest.read.advice import Advice, advice_summary, content_advice
from tests.conftest import write

TODAY = date(2026, 12, 1)
WHEN = datetime(2026, 11, 30, tzinfo=UTC)
WIRED = Source("Wired", "wired.com", "wired")
AI = (Topic("AI", "ai"),)
DEFAULT = (Topic("Uncategorized", "uncategorized"),)


def art(published: datetime | None = WHEN, topics: tuple[Topic, ...] = AI,
        source: Source | None = WIRED) -> Article:
    return Article(path="seeds/001.txt", slug="a", title="A", published=published,
                   topics=topics, source=source)


CASES = [
    (art(), []),
    (art(published=None), ["no date"]),
    (art(topics=DEFAULT), ["no topic but the default (Uncategorized)"]),
    (art(topics=(Topic("uncategorized", "uncategorized"),)),
     ["no topic but the default (Uncategorized)"]),
    (art(topics=(*DEFAULT, *AI)), []),  # a topic of its own besides the default
    (art(source=None), ["no source"]),
    (art(None, DEFAULT, None),
     ["no date", "no topic but the default (Uncategorized)", "no source"]),
]


@pytest.mark.parametrize(("article", "lacks"), CASES)
def test_content_advice(article: Article, lacks: list[str]) -> None:
    assert [a.lack for a in content_advice([article], SiteConfig(), TODAY)] == lacks


def test_each_lack_says_its_fix() -> None:
    advice = content_advice([art(None, DEFAULT, None)], SiteConfig(), TODAY)
    assert str(advice[0]) == ("seeds/001.txt: no date — add `date: 2026-12-01` to a sidecar "
                              "`001.yaml` beside it (the text stays as it is)")
    assert "`topics: [Topic name]`" in advice[1].fix and "topics.rules" in advice[1].fix
    assert "`source: Outlet name`" in advice[2].fix


@pytest.mark.parametrize(("path", "where"), [
    ("news/a.md", "to its front matter (a `---` block at the top of the file), or to a "
                  "sidecar `a.yaml` beside it"),
    ("news/a.html", "to its front matter (a `---` block at the top of the file)"),
    ("news/a.rst", "to its front matter (a `---` block at the top of the file)"),
])
def test_the_fix_says_where_the_field_goes(path: str, where: str) -> None:
    article = Article(path=path, slug="a", title="A", published=None, topics=AI, source=WIRED)
    [advice] = content_advice([article], SiteConfig(), TODAY)
    assert advice.fix == f"add `date: 2026-12-01` {where}"


def test_summary() -> None:
    two = [Advice("a.txt", "no date", "x"), Advice("a.txt", "no source", "y")]
    assert advice_summary(two, 3) == ("digest check --content: 1 of 3 article(s) could say more "
                                      "(advice only; the site builds as it is)")
    assert "2 article(s), each with a date, a topic and a source" in advice_summary([], 2)


def test_check_content_on_the_command_line(tmp_path: Path) -> None:
    write(tmp_path, "digest.yaml", "content: news\n")
    write(tmp_path / "news", "001.txt", "A title\n\nSome text.\n")
    write(tmp_path / "news", "b.md", "---\ntitle: B\ndate: 2026-01-01\ntopics: [AI]\n"
          "source: Wired\n---\nText.\n")
    done = subprocess.run([sys.executable, "-m", "digest", "check", "--content"], cwd=tmp_path,
                          text=True, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(" — ")[0] for line in lines[:-1]] == [
        "news/001.txt: no date", "news/001.txt: no topic but the default (Uncategorized)",
        "news/001.txt: no source"]
    assert lines[-1].startswith("digest check --content: 1 of 2 article(s)")
    assert not (tmp_path / "site").exists()  # it reads; it builds nothing
    # the fix it gives, done: a sidecar beside the text, which is not an article of its own
    write(tmp_path / "news", "001.yaml", "date: 2026-11-30\ntopics: [Rail]\nsource: NRK\n")
    done = subprocess.run([sys.executable, "-m", "digest", "check", "--content"], cwd=tmp_path,
                          text=True, capture_output=True, timeout=120)
    assert done.stdout.splitlines() == [
        "digest check --content: 2 article(s), each with a date, a topic and a source"]
