"""Nothing is lost: a build killed at any moment leaves the previous complete site."""

from __future__ import annotations

import hashlib
import json
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from digest.write import MANIFEST

ARTICLES = 300


def make_content(folder: Path, version: int, articles: int = ARTICLES) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(articles):
        body = "\n\n".join(f"Paragraph {p} of story {i}, version {version}. " * 8
                           for p in range(6))
        (folder / f"story-{i:04d}.md").write_text(
            f"---\ntitle: Story {i}\ndate: 2023-01-{1 + i % 28:02d}T10:00:00Z\n"
            f"topics: [T{i % 7}]\n---\n{body}\n", encoding="utf-8")


def assert_complete(site: Path) -> int:
    """The site is exactly what its manifest says: every file there, every byte right."""
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))["files"]
    for rel, digest in manifest.items():
        data = (site / rel).read_bytes()
        assert hashlib.blake2b(data, digest_size=16).hexdigest() == digest, rel
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert on_disk == set(manifest) | {MANIFEST}
    versions = {int(v) for v in re.findall(
        r"version (\d+)", (site / "articles" / "story-0" / "index.html").read_text())}
    assert len(versions) == 1
    return versions.pop()


def build(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "digest", "build", "--content", "content",
                             "--output", "site", "--quiet"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killed_builds_never_leave_a_broken_site(tmp_path: Path) -> None:
    make_content(tmp_path / "content", 0)
    started = time.perf_counter()
    assert build(tmp_path).wait(timeout=120) == 0
    duration = time.perf_counter() - started
    site = tmp_path / "site"
    assert assert_complete(site) == 0

    rng = random.Random(20261122)
    seen = {0}
    for round_ in range(1, 9):
        # odd rounds rewrite every article, even rounds edit one (a small change)
        make_content(tmp_path / "content", round_, ARTICLES if round_ % 2 else 1)
        process = build(tmp_path)
        time.sleep(rng.uniform(0.05, duration * 1.1))
        process.send_signal(rng.choice([signal.SIGKILL, signal.SIGINT, signal.SIGTERM]))
        process.wait(timeout=60)
        version = assert_complete(site)  # the old site or the new one, never a mix
        assert version in {round_ - 1, round_} or version in seen
        seen.add(version)
    # and the next build after all those kills finishes the job and tidies up
    assert build(tmp_path).wait(timeout=120) == 0
    assert assert_complete(site) == 8
    assert sorted(p.name for p in tmp_path.iterdir()) == [".digest-cache", "content", "site"]
