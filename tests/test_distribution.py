"""digest is installed as `topic-digest` (`digest` on PyPI is an unrelated package), and
everything that names or links to what made a site points at this project, not that one."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

from lxml import etree

from digest import DISTRIBUTION, PROJECT_URL, __version__
from tests.conftest import REPO, BuildSite

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://user.github.io/repo/"


def test_the_distribution_is_ours_and_its_version_is_the_package_version() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION == "topic-digest"
    assert project["scripts"] == {"digest": "digest.cli:run"}  # the command stays `digest`
    assert project["urls"]["Homepage"] == PROJECT_URL
    # the version is read from digest.__version__, so the two cannot disagree
    assert "version" not in project and "version" in project["dynamic"]
    assert importlib.metadata.version(DISTRIBUTION) == __version__


def test_no_file_links_to_the_other_digest_on_pypi() -> None:
    """The README, the theme and the code never send a reader to `pypi.org/project/digest`
    nor tell them to `pip install digest`."""
    checked = [REPO / "README.md", *(REPO / "templates").rglob("*.html"),
               *(REPO / "digest").rglob("*.py"), *(REPO / "digest").rglob("*.yml"),
               *(REPO / "digest").rglob("*.md")]
    wrong = re.compile(r"pypi\.org/project/digest\b|pip install digest\b"
                       r"|metadata\.version\(['\"]digest['\"]\)")
    found = [f"{p.relative_to(REPO)}: {m.group(0)}" for p in checked
             for m in wrong.finditer(p.read_text(encoding="utf-8"))]
    assert not found


def test_footer_and_atom_generator_link_to_this_project(seeds: Path,
                                                        build_site: BuildSite) -> None:
    _, site = build_site(seeds, base_url=BASE, search=False)
    page = (site / "index.html").read_text(encoding="utf-8")
    assert f'Made with <a href="{PROJECT_URL}">digest</a>' in page
    assert "pypi.org" not in page
    for feed in [site / "feed.xml", *site.glob("topics/*/feed.xml")]:
        generator = etree.parse(str(feed)).getroot().find(f"{ATOM}generator")
        assert generator is not None, feed
        assert (generator.text, generator.get("uri"), generator.get("version")) == (
            "digest", PROJECT_URL, __version__)
