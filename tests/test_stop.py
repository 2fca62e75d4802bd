"""A build told to stop (SIGTERM, Ctrl-C) stops at once in whatever phase it is: it exits
143 or 130 with one line saying so, the previous site as it was, no process left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.test_atomic import assert_complete, make_content
from tests.test_workers import LINUX, end, running, wait_for

ARTICLES = 4000  # a cold build of several seconds: parsing, writing, indexing each >1 s
BOUND = 5.0  # a safety bound, not a timing: a stopped build took 0.1-0.3 s here


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a built site (version 0) and content changed since (version 1)."""
    folder = tmp_path_factory.mktemp("stop")
    make_content(folder / "content", 0, ARTICLES)
    assert subprocess.run(_command(), cwd=folder, capture_output=True, timeout=300).returncode == 0
    assert assert_complete(folder / "site") == 0
    make_content(folder / "content", 1, ARTICLES)
    return folder


def _command() -> list[str]:
    return [sys.executable, "-m", "digest", "build", "--no-cache", "--jobs", "2",
            "--content", "content", "--output", "site", "--quiet"]


def _children(pid: int) -> list[str]:
    """The program names of the build's live child processes."""
    names = []
    for child in running(pid, 1):
        try:
            names.append(Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")[0].decode())
        except OSError:
            continue
    return [Path(name).name for name in names]


def _staged(root: Path, pid: int) -> int:
    """Article folders the build has written into its staging folder so far."""
    try:
        return len(os.listdir(root / f".site.tmp-{pid}" / "articles"))
    except OSError:
        return 0


def parsing(root: Path, pid: int) -> bool:
    return len(_children(pid)) == 2 and not (root / f".site.tmp-{pid}").exists()


def writing(root: Path, pid: int) -> bool:
    return _staged(root, pid) > 200


def indexing(root: Path, pid: int) -> bool:
    return any(name.startswith("pagefind") for name in _children(pid))


PHASES: dict[str, Callable[[Path, int], bool]] = {
    "parsing": parsing, "writing": writing, "indexing": indexing}


@LINUX
@pytest.mark.parametrize(("phase", "sig", "group"), [
    ("parsing", signal.SIGTERM, False),
    ("writing", signal.SIGTERM, False),
    ("writing", signal.SIGINT, True),  # Ctrl-C: the terminal signals the whole group
    ("indexing", signal.SIGTERM, False),
    ("indexing", signal.SIGINT, True),
], ids=["parsing-SIGTERM", "writing-SIGTERM", "writing-Ctrl-C", "indexing-SIGTERM",
        "indexing-Ctrl-C"])
def test_a_stopped_build_ends_at_once_and_leaves_the_site(
        root: Path, phase: str, sig: signal.Signals, group: bool) -> None:
    process = subprocess.Popen(_command(), cwd=root, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert wait_for(lambda: PHASES[phase](root, process.pid), 120), \
            f"never saw the build {phase} (exit {process.poll()})"
        if group:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)
        sent = time.monotonic()
        try:
            _, stderr = process.communicate(timeout=BOUND)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {BOUND} s after {sig.name} while {phase}: "
                        f"{_children(process.pid)}")
        took = time.monotonic() - sent
        assert process.returncode == 128 + sig, (took, stderr.decode())
        assert stderr.decode().splitlines() == [
            f"digest build: stopped by {sig.name}; the output was left as it was"]
        # nothing of it runs on (workers, Pagefind), and its half-made site goes
        assert wait_for(lambda: not running(process.pid, 2), BOUND), running(process.pid, 2)
        assert wait_for(lambda: sorted(p.name for p in root.iterdir()) == ["content", "site"],
                        60), sorted(p.name for p in root.iterdir())
        assert assert_complete(root / "site") == 0  # the previous site, whole
    finally:
        end(process)


BIG_RESULTS = """
from digest import parallel

def task(n):
    return bytes(48 << 20)  # a result that takes a while to pass through the pipe

results = parallel.run(task, range(6), 2)
next(results)  # read whole while the other worker sends its own: it is killed mid-way
results.close()  # (the caller stops: the workers are killed, wherever they are)
print("closed")
"""


@LINUX
def test_a_pool_stopped_while_a_worker_sends_its_result_ends() -> None:
    """A worker killed halfway through sending a result left half a message in the pipe,
    and the pool's thread (and so the build) waited for the rest for ever."""
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", BIG_RESULTS], capture_output=True,
                              timeout=20, start_new_session=True)
        assert done.returncode == 0 and done.stdout == b"closed\n", done.stderr.decode()[-2000:]
        assert not done.stderr, done.stderr.decode()[-2000:]
