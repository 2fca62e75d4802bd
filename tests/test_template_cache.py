"""Compiled templates in .digest-cache/templates/: a damaged file is deleted and rebuilt."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from digest.incremental.cache import CACHE_DIR, CACHE_FILE
from digest.incremental.templates import TemplateCache, _checked_payload
from tests.conftest import REPO, SEEDS


def digest_build(root: Path) -> subprocess.CompletedProcess[str]:
    """`digest build` in its own process: a segfault fails the test, not pytest."""
    return subprocess.run([sys.executable, "-m", "digest", "build", "--config", "digest.yaml"],
                          cwd=root, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project (the seeds, digest.yaml) built once, with its compiled templates on disk."""
    root = tmp_path_factory.mktemp("built")
    shutil.copy(REPO / "digest.yaml", root / "digest.yaml")
    shutil.copytree(SEEDS, root / "seeds")
    done = digest_build(root)
    assert done.returncode == 0, done.stderr
    assert list((root / CACHE_DIR / "templates").iterdir())
    return root


def flipped(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(24):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


Damage = Callable[[bytes, random.Random, bytes], bytes]  # (file, rng, another file) -> file
DAMAGE: dict[str, Damage] = {
    "garbage": lambda data, rng, other: rng.randbytes(len(data)),
    "empty": lambda data, rng, other: b"",
    "cut-in-header": lambda data, rng, other: data[:30],
    "cut-in-code": lambda data, rng, other: data[:len(data) * 2 // 3],
    "bit-flips": lambda data, rng, other: flipped(data, rng),
    "bit-flips-in-code": lambda data, rng, other: data[:200] + flipped(data[200:], rng),
    "another-template": lambda data, rng, other: other,
}


@pytest.mark.parametrize("name", list(DAMAGE))
def test_a_damaged_compiled_template_is_rebuilt(built: Path, tmp_path: Path, name: str) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    compiled = sorted((root / CACHE_DIR / "templates").iterdir())
    originals = [path.read_bytes() for path in compiled]
    for i, path in enumerate(compiled):
        other = originals[(i + 1) % len(originals)]
        path.write_bytes(DAMAGE[name](originals[i], random.Random(f"{name}:{i}"), other))
    for path in (root / CACHE_DIR).glob(f"{CACHE_FILE}*"):
        path.unlink()  # no page keys: every page is rendered again, every template loaded

    done = digest_build(root)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in (root / CACHE_DIR / "templates").iterdir()) == \
        [p.name for p in compiled]
    for path in compiled:
        assert _checked_payload(path.read_bytes()) is not None, path.name
    again = digest_build(root)  # the files written in place of the damaged ones load
    assert again.returncode == 0, again.stderr


def test_a_damaged_file_is_deleted_and_a_good_one_loads(tmp_path: Path) -> None:
    env = Environment(loader=DictLoader({"t.html": "Hello {{ name }}"}))
    env.bytecode_cache = TemplateCache(str(tmp_path))
    assert env.get_template("t.html").render(name="a") == "Hello a"
    [stored] = tmp_path.iterdir()
    good = stored.read_bytes()

    fresh = Environment(loader=env.loader, bytecode_cache=TemplateCache(str(tmp_path)))
    assert fresh.get_template("t.html").render(name="b") == "Hello b"
    assert stored.read_bytes() == good  # loaded, not written again

    stored.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    cache = TemplateCache(str(tmp_path))
    bucket = cache.get_bucket(env, "t.html", None, "Hello {{ name }}")
    assert bucket.code is None
    assert not stored.exists()
