"""Shared fixtures: the repository's seeds, and a helper that builds a site into tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from digest.build import BuildResult, build
from digest.config import SiteConfig, load_config

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # injected "now": builds never depend on the clock


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of seeds/ (tests never write into the repository)."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def make_config(root: Path, content: Path, **overrides: Any) -> SiteConfig:
    """The repository's digest.yaml (topic rules and all), pointed at tmp folders."""
    values = {"content_dir": content, "output_dir": root / "site", **overrides}
    return load_config(REPO / "digest.yaml", values, root=root)


BuildSite = Callable[..., tuple[BuildResult, Path]]


@pytest.fixture
def build_site(tmp_path: Path) -> BuildSite:
    """build_site(content_dir, **config overrides) -> (result, output folder)."""

    def run(content: Path, **overrides: Any) -> tuple[BuildResult, Path]:
        config = make_config(tmp_path, content, **overrides)
        result = build(config, now=NOW)
        return result, config.resolve(config.output_dir)

    return run


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write an article file into a content folder (bytes verbatim, text as UTF-8)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output (review the diff!)")
