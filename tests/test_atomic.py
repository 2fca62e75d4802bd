"""Nothing is lost: a build killed at any moment leaves the previous complete site."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from digest.build import build as build_site
from digest.config import load_config
from digest.output.lock import hold, lock_file
from digest.output.manifest import MANIFEST, OutputError
from digest.output.staging import Staging
from tests.conftest import NOW, REPO, make_config
from tests.test_write import tree

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


# Two builds of one output at once: the second waits for the first (write.hold).

def assert_as_listed(site: Path) -> dict[str, str]:
    """Every file a site folder's manifest lists is there with the bytes it says."""
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))["files"]
    for rel, digest in manifest.items():
        data = (site / rel).read_bytes()
        assert hashlib.blake2b(data, digest_size=16).hexdigest() == digest, rel
    return manifest


def no_cache_build(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "digest", "build", "--no-cache",
                             "--content", "content", "--output", "site", "--quiet"],
                            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_two_builds_of_one_output_at_once_both_write_it_whole(tmp_path: Path) -> None:
    """Without the lock, one build removed the other's staging folder as a leftover:
    in a third of such pairs the site lacked robots.txt, static/ or pages its manifest
    listed, and both builds exited 0."""
    make_content(tmp_path / "content", 0)
    for trial in range(6):
        first = no_cache_build(tmp_path)
        time.sleep(0.01 * trial)  # the second starts at once, or a little later
        second = no_cache_build(tmp_path)
        errors = [first.communicate(timeout=120)[1], second.communicate(timeout=120)[1]]
        assert (first.returncode, second.returncode) == (0, 0), errors
        assert assert_complete(tmp_path / "site") == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]


def test_a_build_waits_for_the_build_holding_the_output(tmp_path: Path) -> None:
    make_content(tmp_path / "content", 0, articles=20)
    site = tmp_path / "site"
    files = {"index.html": b"the first build's", "robots.txt": b"User-agent: *\n",
             **{f"articles/{n}/index.html": b"page" for n in range(50)}}
    with hold(lock_file(site)):  # a build in progress, half-way through writing
        staging = Staging(site)
        hashes = {rel: staging.put(rel, data) for rel, data in sorted(files.items())[:20]}
        second = subprocess.Popen([sys.executable, "-m", "digest", "build", "--content",
                                   "content", "--output", "site"], cwd=tmp_path, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert second.stderr is not None
        said = ""
        deadline = time.monotonic() + 60  # (a safety net: the line comes in a second)
        while "waiting for" not in said and time.monotonic() < deadline:
            if select.select([second.stderr], [], [], 0.5)[0]:
                line = second.stderr.readline()
                if not line:  # it ended without waiting
                    break
                said += line
        assert f"waiting for another digest build of site/ (pid {os.getpid()})…" in said
        hashes |= {rel: staging.put(rel, data) for rel, data in sorted(files.items())[20:]}
        staging.commit(hashes)
        assert tree(site) == files  # nothing of it was removed meanwhile
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert assert_complete(site) == 0
    assert not (tmp_path / ".site.lock").exists()


def test_a_build_waits_no_longer_than_it_is_told(tmp_path: Path) -> None:
    make_content(tmp_path / "content", 0, articles=3)
    config = make_config(tmp_path, tmp_path / "content", search=False)
    told: list[tuple[Path, int | None]] = []
    with hold(lock_file(tmp_path / "site")), pytest.raises(OutputError, match="still holds"):
        build_site(config, now=NOW, lock_timeout=0.2,
                   waiting=lambda folder, pid: told.append((folder, pid)))
    assert told == [(tmp_path / "site", os.getpid())]
    assert not (tmp_path / "site").exists()
    build_site(config, now=NOW)  # and once it is free, it builds
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_lock_is_free_once_its_holder_is_gone(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time\nfrom pathlib import Path\n"
                               "from digest.output.lock import hold\n"
                               "with hold(Path(sys.argv[1])):\n"
                               "    print('held', flush=True)\n    time.sleep(120)\n",
                               str(tmp_path / ".site.lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert select.select([holder.stdout], [], [], 60)[0], "the holder never said so"
        assert holder.stdout.readline() == "held\n"
        told: list[int | None] = []
        with pytest.raises(OutputError, match=f"pid {holder.pid}"), \
                hold(tmp_path / ".site.lock", timeout=0.2, waiting=told.append):
            pass
        assert told == [holder.pid]
    finally:
        holder.kill()  # SIGKILL: no chance to release anything
        holder.wait(timeout=30)
    with hold(tmp_path / ".site.lock", timeout=30):
        pass
    assert not (tmp_path / ".site.lock").exists()


def test_builds_while_the_preview_rebuilds_leave_every_site_whole(tmp_path: Path) -> None:
    """`digest build` in one terminal while the preview rebuilds on every save in another:
    each waits for the other, and neither site (nor the spare) misses a file it lists."""
    (tmp_path / "digest.yaml").write_text((REPO / "digest.yaml").read_text()
                                          + "\nsearch: false\n")
    content = tmp_path / "content"
    make_content(content, 0, articles=120)
    (content / "draft.md").write_text("---\ntitle: A draft\ndraft: true\n---\nDraft.\n")
    site, spare = tmp_path / "site", tmp_path / ".digest-cache" / "previous-site"
    preview = load_config(tmp_path / "digest.yaml", {"content_dir": content, "output_dir": site,
                                                     "drafts": True}, root=tmp_path)
    build_site(preview, patch=True)  # the preview's first build
    command = [sys.executable, "-m", "digest", "build", "--content", "content", "--quiet"]
    errors: list[str] = []

    def builds() -> None:
        for _ in range(3):
            done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                                  timeout=120)
            if done.returncode:
                errors.append(done.stderr)

    other = threading.Thread(target=builds)
    other.start()
    edits = 0
    while other.is_alive() and edits < 60:  # the preview rebuilds on every save meanwhile
        story = content / f"story-{edits % 120:04d}.md"
        story.write_text(story.read_text().replace("version 0", f"version {edits + 1}"))
        build_site(preview, patch=True, changed=frozenset({story}))
        assert_as_listed(site)
        edits += 1
    other.join(timeout=300)
    assert not other.is_alive() and errors == []
    assert edits > 3
    for folder in (site, spare):
        if (folder / MANIFEST).exists():
            assert_as_listed(folder)
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    clean = subprocess.run([*command, "--no-cache", "--output", "clean"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stderr
    assert tree(site) == tree(tmp_path / "clean")
    assert_as_listed(site)
