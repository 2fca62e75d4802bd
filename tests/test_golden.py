"""A small fixture site, compared file by file with the reviewed output in tests/golden/.

After an intended change to templates or output, regenerate and review the diff:
    .venv/bin/python -m pytest tests/test_golden.py --update-golden && git diff tests/golden
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, BuildSite

FIXTURE = REPO / "tests" / "fixtures" / "small"
GOLDEN = REPO / "tests" / "golden" / "small"


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_small_site_matches_golden(tmp_path: Path, build_site: BuildSite,
                                   request: pytest.FixtureRequest) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    _, site = build_site(content, title="Small digest", description="A fixture.",
                         base_url="https://example.org/news/", timezone="Europe/Paris",
                         # Pagefind's bundle (its own JS and wasm, versioned with pagefind)
                         # is not ours to pin here; tests/test_search.py covers search.
                         search=False)
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(site, GOLDEN)
        pytest.skip("golden output rewritten; review it with git diff")
    hint = "run pytest tests/test_golden.py --update-golden and review the diff"
    expected, actual = files(GOLDEN), files(site)
    assert sorted(actual) == sorted(expected), hint
    for name, data in expected.items():
        assert actual[name] == data, f"{name} differs from tests/golden ({hint})"
