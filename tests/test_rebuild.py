"""What serve and watch print on every rebuild (digest/live/rebuild.py), with a fake builder:
only what is new is listed; what was seen before is counted."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from digest.cli import print_summary
from digest.config import SiteConfig
from digest.live.rebuild import Rebuild
from digest.live.watch import Change, Kind
from digest.model import Problem
from digest.output.check import LinkProblem
from digest.results import BuildResult
from digest.site.group import group


def broken(n: int) -> LinkProblem:
    return LinkProblem(f"articles/a{n}/index.html", f"../b{n}/", "broken link")


class FakeBuilder:
    """Hands back the next prepared result on every call, as build.build would."""

    def __init__(self, *results: BuildResult) -> None:
        self.results = list(results)

    def __call__(self, config: SiteConfig, **_: Any) -> BuildResult:
        return self.results.pop(0)


def result(links: Sequence[LinkProblem], problems: Sequence[Problem] = (),
           warnings: Sequence[str] = ()) -> BuildResult:
    return BuildResult(articles_built=1, link_problems=list(links), problems=list(problems),
                       warnings=list(warnings), digest=group([], SiteConfig()))


@pytest.mark.parametrize("quiet", [False, True])
def test_a_rebuild_lists_only_new_broken_links_and_counts_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], quiet: bool) -> None:
    config = SiteConfig(root=tmp_path)
    builder = FakeBuilder(
        result([broken(1), broken(2), broken(3)], warnings=["the site warns"]),
        result([broken(1), broken(2), broken(3)], warnings=["the site warns"]),
        result([broken(1), broken(2), broken(3), broken(4)], [Problem("x.md", "odd")]),
        result([broken(2)]))
    rebuild = Rebuild(lambda: config, builder, print_summary, strict=False, quiet=quiet)
    edit = [Change(Kind.ARTICLE, tmp_path / "seeds" / "a.md")]

    rebuild([])
    first = capsys.readouterr()
    assert all(f"'../b{n}/': broken link" in first.err for n in (1, 2, 3))

    rebuild(edit)  # the same three: none listed again, counted
    same = capsys.readouterr()
    assert "broken link" not in same.err.replace("broken links seen before", "")
    assert "the site warns" not in same.err
    if quiet:
        assert "warning: 3 broken links seen before (not listed again)" in same.err
    else:
        assert same.out.rstrip().endswith("removed), 3 broken links seen before")

    rebuild(edit)  # one more: that one is listed, the rest counted
    more = capsys.readouterr()
    assert "'../b4/': broken link" in more.err
    assert not any(f"'../b{n}/'" in more.err for n in (1, 2, 3))
    assert "x.md: odd" in more.err
    if not quiet:
        assert ", 1 new problem (above), 1 new broken link (above), 3 broken links seen " \
            "before" in more.out

    rebuild(edit)  # fewer: nothing new
    fewer = capsys.readouterr()
    assert "'../b" not in fewer.err
    assert "1 broken link seen before" in (fewer.err if quiet else fewer.out)
