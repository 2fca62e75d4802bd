"""Lighthouse (Google's page audit, npm's `lighthouse` in Debian's Chromium) on every page
type of the seeds site: accessibility, best practices and SEO stay at 100.

Two builds: the default one (`digest build` with the repository's digest.yaml: no
base_url, no drafts), and the published one (base_url set, under a subpath). Performance
is printed but not asserted: it is a timing on a shared machine (targets live in bench/).
The 404 page is meant to be left out of search engines (noindex), so its SEO is not 100.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.build import build
from tests.browser import CHROMIUM, need
from tests.conftest import NOW, REPO, SEEDS, make_config
from tests.test_browser import serve

pytestmark = pytest.mark.browser

TOOL = REPO / "tests" / "tools" / "lighthouse.mjs"
ASSERTED = ("accessibility", "best-practices", "seo")


def _page_types(output: Path) -> list[str]:
    article = sorted(p.parent.name for p in output.glob("articles/*/index.html"))[0]
    topic = sorted(p.parent.name for p in output.glob("topics/*/index.html"))[0]
    return ["", f"articles/{article}/", f"topics/{topic}/", "topics/", "archive/",
            "sources/", "search/", "404.html"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """The URL of every page type of both builds, each served where it expects to be (the
    default build at /, the published one under /repo/), on 127.0.0.1."""
    root = tmp_path_factory.mktemp("lighthouse")
    shutil.copytree(SEEDS, root / "seeds")
    builds = {"default": ("", {}),
              "published": ("repo/", {"base_url": "https://user.github.io/repo/"})}
    urls, servers = [], []
    for name, (subpath, overrides) in builds.items():
        output = root / name / subpath
        build(make_config(root, root / "seeds", output_dir=output, **overrides), now=NOW)
        server, thread, base = serve(root / name)
        servers.append((server, thread))
        urls += [f"{base}{subpath}{page}" for page in _page_types(output)]
    try:
        yield urls
    finally:
        for server, thread in servers:
            server.shutdown()
            server.server_close()
            thread.join()


def test_every_page_type_scores_100(served: list[str]) -> None:
    node = shutil.which("node")
    need(node is not None, "node is not installed")
    need((REPO / "node_modules" / "lighthouse").is_dir(), "lighthouse is not installed (npm ci)")
    need(CHROMIUM.exists(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    assert len(served) == 16
    run = subprocess.run([str(node), str(TOOL), *served], capture_output=True, text=True,
                         timeout=900, cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout)
    problems = []
    for url, found in report.items():
        asserted = [k for k in ASSERTED if not (url.endswith("404.html") and k == "seo")]
        low = {k: v for k, v in found["scores"].items() if k in asserted and v != 1}
        if low:
            problems.append(f"{url}: {low}; failing: {found['failing']}")
    performance = {url: found["scores"]["performance"] for url, found in report.items()}
    print("Lighthouse performance:", json.dumps(performance, indent=1))
    assert not problems, "\n".join(problems)
