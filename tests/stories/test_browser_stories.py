"""A site with a story of several sources, judged by axe-core and the Nu HTML Checker:
the story markup ("Also covered by", other coverage, related reading) stays clean."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from digest.build import build
from tests.conftest import NOW, make_config
from tests.test_browser import AXE, AXE_TAGS, VNU, Quiet, browser, need, open_page

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
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root / "www")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/repo/", output
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
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        problems = [f"{v['id']} ({v['impact']}): {v['help']} at "
                    f"{[n['target'] for n in v['nodes']][:5]}" for v in result["violations"]]
        assert not problems, f"{path} in {scheme}:\n" + "\n".join(problems)


def test_nu_html_checker_finds_no_errors_on_story_pages(site: tuple[str, Path]) -> None:
    _, output = site
    need(VNU.is_file(), f"{VNU} is missing (npm ci)")
    need(shutil.which("java") is not None, "java is not installed")
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                          "--skip-non-html", str(output)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').rsplit('/repo/', 1)[-1]}:{m.get('lastLine')}: "
                f"{m['message']}" for m in messages]
    assert not problems, "\n".join(problems)
