"""Pure: a sidecar NAME.yaml (or NAME.meta.yaml) beside NAME.txt -> fields that add to or
replace the article's own, without editing the article.

    sidecar_names(rel) -> the sidecar paths to look for, the first found wins
    read_sidecar(sidecar) -> (mapping, problems naming the sidecar)
    with_sidecar(front, side) -> the front matter with the sidecar's fields in their place

normalise merges SourceFile.sidecar when it is set, and files.find_sidecar reads one.
Wiring left to the scan and the build cache (digest/incremental, build.py, owned by
another branch): call find_sidecar beside each article, pass it as SourceFile.sidecar,
put its bytes in the article's cache key (and its stat beside the article's), and have
the watcher's change of a sidecar rebuild its article. Until then builds ignore sidecars.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from ..model import Problem, Sidecar
from .fields import FIELDS
from .frontmatter import YamlProblem, load_yaml

SIDECAR_SUFFIXES = (".yaml", ".meta.yaml")


def sidecar_names(rel: str) -> tuple[str, ...]:
    """'news/001.txt' -> ('news/001.yaml', 'news/001.meta.yaml')."""
    path = PurePosixPath(rel)
    return tuple(str(path.with_suffix(suffix)) for suffix in SIDECAR_SUFFIXES)


def read_sidecar(sidecar: Sidecar) -> tuple[dict[str, Any], list[Problem]]:
    """A sidecar's text -> its mapping; a broken one -> {} and a problem naming it."""
    try:
        value, duplicates = load_yaml(sidecar.text)
    except YamlProblem as err:
        return {}, [Problem(sidecar.rel, f"sidecar is not valid YAML: {err.message}; "
                            "its fields were not used", err.line)]
    except RecursionError:
        return {}, [Problem(sidecar.rel, "sidecar is nested too deeply; its fields were not "
                            "used")]
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [Problem(sidecar.rel, "sidecar must be a mapping of keys to values "
                            "(`date: 2026-12-01`); its fields were not used")]
    problems = [Problem(sidecar.rel, f"duplicate key {key!r}; the last one is used", line)
                for key, line in duplicates]
    return {str(k): v for k, v in value.items()}, problems


def with_sidecar(front: dict[str, Any], side: dict[str, Any]) -> dict[str, Any]:
    """Front matter + sidecar -> one mapping; a field the sidecar sets under any of its
    keys ('date' or 'publishedDateTime') replaces the front matter's, whichever key that
    used, so the first-key-wins order of the field table cannot bring the old one back."""
    replaced = {key for spec in FIELDS.values() if any(k in side for k in spec.keys)
                for key in spec.keys}
    return {**{k: v for k, v in front.items() if k not in replaced}, **side}
