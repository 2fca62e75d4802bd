"""The seeds' whole site, pinned by a manifest of file hashes (tests/golden/seeds.sha256).

A safety net for moves of code that must not change output (the layout of digest/).
After an intended output change, regenerate and review the diff:
    .venv/bin/python -m pytest tests/test_seeds_hashes.py --update-golden && git diff tests/golden
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import REPO, BuildSite

MANIFEST = REPO / "tests" / "golden" / "seeds.sha256"


def hashes(root: Path) -> str:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}"
             for p in sorted(root.rglob("*")) if p.is_file()]
    return "\n".join(lines) + "\n"


def test_seeds_site_matches_its_hash_manifest(seeds: Path, build_site: BuildSite,
                                              request: pytest.FixtureRequest) -> None:
    # Pagefind's bundle is versioned with pagefind, not with us (tests/test_search.py).
    _, site = build_site(seeds, base_url="https://user.github.io/repo/", search=False)
    actual = hashes(site)
    if request.config.getoption("--update-golden"):
        MANIFEST.write_text(actual, encoding="utf-8")
        pytest.skip("seeds hash manifest rewritten; review it with git diff")
    hint = "run pytest tests/test_seeds_hashes.py --update-golden and review the diff"
    assert actual == MANIFEST.read_text(encoding="utf-8"), hint
