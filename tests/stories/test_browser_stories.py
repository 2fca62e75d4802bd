"""A site with a story of several sources, judged by axe-core and the Nu HTML Checker:
the story markup ("Also covered by", other coverage, related reading) stays clean."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from digest.build import build
from tests.conftest import NOW, make_config
from tests.test_browser import AXE, axe_problems, browser, need, nu_problems, open_page, serve

from .test_build import content

pytestmark = pytest.mark.browser
__all__ = ["browser", "open_page"]  # the fixtures, from the seeds' browser tests

PAGES = ["index.html", "topics/ai/index.html", "sources/daily/index.html",
         "articles/facebook-owner-gives-away-llama-2-with-microsoft/index.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("stories")
    content(root / "content")
    output = root / "www" / "repo"
    result = build(make_config(root, root / "content", output_dir=output,
                               base_url="https://user.github.io/repo/"), now=NOW)
    assert [str(p) for p in result.problems if "exact duplicates" not in p.message] == []
    server, thread, url = serve(root / "www")
    try:
        yield url + "repo/", output
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations_on_story_pages(site: tuple[str, Path], open_page: Any,
                                                path: str) -> None:
    base, output = site
    need(AXE.is_file(), f"{AXE} is missing (npm ci)")
    assert "Also covered by" in (output / path).read_text() or "Other coverage" in \
        (output / path).read_text()
    for scheme in ("light", "dark"):
        page = open_page(base + path, color_scheme=scheme)
        problems = axe_problems(page)
        assert not problems, f"{path} in {scheme}:\n" + "\n".join(problems)


def test_nu_html_checker_finds_no_errors_on_story_pages(site: tuple[str, Path]) -> None:
    _, output = site
    problems = nu_problems(output)
    assert not problems, "\n".join(problems)
