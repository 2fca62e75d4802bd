"""Reading the scanned files, kept from the last load (incremental/loaded.py): after any
edit, add, removal, rename or broken file, the articles, problems and keys are a clean
load's, and an article whose file did not change is the object it was."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from digest.build import load_articles, with_site
from digest.config import SiteConfig
from digest.incremental.builds import BuildCache
from tests.conftest import NOW, make_config, write
from tests.test_cache import article

LoadOut = tuple[list, list, int, dict]


def loaded(config: SiteConfig, changed: set[Path] | None) -> LoadOut:
    with BuildCache.open(config, True) as known:
        return load_articles(known.scan(changed), config, NOW, known)


def step(content: Path, rng: random.Random, n: int) -> set[Path]:
    """One random change in the content folder -> the files it touched."""
    names = sorted(p.name for p in content.iterdir() if p.is_file())
    name = rng.choice(names)
    path = content / name
    kind = rng.choice(["edit", "edit", "edit", "same", "add", "remove", "rename", "broken",
                       "empty", "future", "many"])
    if kind == "edit":
        write(content, name, article(f"Edited {n}", day=rng.randint(1, 9), body=f"Text {n}."))
    elif kind == "same":
        write(content, name, path.read_bytes())
    elif kind == "add":
        return {write(content, f"new-{n}.md", article(f"New {n}", day=rng.randint(1, 9)))}
    elif kind == "remove" and len(names) > 2:
        path.unlink()
    elif kind == "rename":
        moved = content / f"moved-{n}-{name}"
        path.rename(moved)
        return {path, moved}
    elif kind == "broken":  # a problem, and no date
        write(content, name, "---\ntitle: [unclosed\n---\n\nBody.\n")
    elif kind == "empty":  # no article at all
        write(content, name, "")
    elif kind == "future":
        write(content, name, article(f"Later {n}", body="x").replace("2024-03", "2999-03"))
    elif kind == "many":
        picked = rng.sample(names, min(3, len(names)))
        for other in picked:
            write(content, other, article(f"Many {n} {other}", day=rng.randint(1, 9)))
        return {content / other for other in picked}
    return {path}


@pytest.mark.parametrize("seed", range(5))
def test_a_kept_load_is_a_clean_one(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    content = tmp_path / "content"
    for i in range(12):
        write(content, f"a-{i:02}.md", article(f"Article {i}", day=i % 9 + 1, body=f"Words {i}."))
    config = with_site(make_config(tmp_path, content, future=rng.choice([True, False])))[0]
    last = loaded(config, None)
    for n in range(25):
        touched = {path.resolve() for path in step(content, rng, n)}
        got = loaded(config, touched)
        clean = loaded(replace(config, root=tmp_path / f"clean-{n}"), None)
        assert got[0] == clean[0] and got[1:] == clean[1:]
        was = {a.path: a for a in last[0]}
        for a in got[0]:  # an untouched file's article is the object it was
            if (content / a.path).resolve() not in touched and a.path in was:
                assert a is was[a.path]
        last = got
