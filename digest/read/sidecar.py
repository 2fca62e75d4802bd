"""Pure: a sidecar NAME.yaml (or NAME.meta.yaml) beside NAME.txt -> fields that add to or
replace the article's own, without editing the article.

    sidecar_names(rel) -> the sidecar paths to look for, the first found wins
    read_sidecar(sidecar) -> (mapping, problems naming the sidecar)
    with_sidecar(front, side) -> the front matter with the sidecar's fields in their place

    pair_sidecars(articles, yamls) -> {article: its sidecar}, for the articles that have one
    sidecar_of(rel) -> the articles a YAML file could be the sidecar of

normalise merges SourceFile.sidecar when it is set. The scan (incremental/scan.py) finds
the YAML files beside the articles and pairs them; the build reads the pair
(files.load_sidecar) and keys the parsed article by both files' bytes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import PurePosixPath
from typing import Any

from ..model import Problem, Sidecar
from .fields import FIELDS
from .frontmatter import YamlProblem, load_yaml

SIDECAR_SUFFIXES = (".yaml", ".meta.yaml")
# The articles a sidecar can describe: plain text and Markdown (front matter or none).
WITH_SIDECAR = (".txt", ".md", ".markdown")


def sidecar_names(rel: str) -> tuple[str, ...]:
    """'news/001.txt' -> ('news/001.yaml', 'news/001.meta.yaml')."""
    path = PurePosixPath(rel)
    return tuple(str(path.with_suffix(suffix)) for suffix in SIDECAR_SUFFIXES)


def pair_sidecars(articles: Iterable[str], yamls: Collection[str]) -> dict[str, str]:
    """Article paths and the YAML files beside them -> {article: its sidecar}; NAME.yaml
    before NAME.meta.yaml. A YAML file with no article of its name pairs with nothing."""
    if not yamls:
        return {}
    pairs: dict[str, str] = {}
    for rel in articles:
        if not rel.lower().endswith(WITH_SIDECAR):
            continue
        for name in sidecar_names(rel):
            if name in yamls:
                pairs[rel] = name
                break
    return pairs


def sidecar_of(rel: str) -> tuple[str, ...]:
    """A YAML file -> the article paths it would be the sidecar of ('a/x.meta.yaml' ->
    a/x.txt, a/x.md, … and a/x.meta.txt, …)."""
    stems = [rel[:-len(".yaml")]]
    if rel.endswith(".meta.yaml"):
        stems.insert(0, rel[:-len(".meta.yaml")])
    return tuple(stem + suffix for stem in stems for suffix in WITH_SIDECAR)


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
