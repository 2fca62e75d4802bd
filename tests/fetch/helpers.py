"""Shared by the fetch tests: fixture bytes, a digest.yaml writer, a fast client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from digest.fetch.http import Client

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    """A fixture file's bytes."""
    return (FIXTURES / name).read_bytes()


def write_config(folder: Path, sources: list[dict[str, Any]]) -> Path:
    """A digest.yaml with these sources -> its path."""
    path = folder / "digest.yaml"
    path.write_text(yaml.safe_dump({"title": "Test", "sources": sources}), encoding="utf-8")
    return path


def fast_client(**overrides: Any) -> Client:
    """A client with short timeouts and no real waiting between retries."""
    values: dict[str, Any] = {"timeout": 2.0, "retries": 1, "backoff": 0.0,
                              "sleep": lambda seconds: None, **overrides}
    return Client(**values)


def files(folder: Path) -> dict[str, bytes]:
    """Every article file under folder -> its bytes, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*.md"))}
