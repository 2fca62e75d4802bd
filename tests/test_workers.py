"""Workers die with their build: killed, stopped or failed mid-render, nothing goes on."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import write
from tests.test_topics_cap import many_topics

ENDLESS = "{% for i in range(10 ** 12) %}{% endfor %}"  # a page that never finishes


def project(root: Path, article_template: str | None = None) -> Path:
    """A site whose topic pages (250 of them: rendered by workers) never finish rendering."""
    (root / "digest.yaml").write_text("max_topics: 300\nsearch: false\n")
    write(root / "seeds", "many.md", many_topics(250))
    write(root / "templates", "topic.html", ENDLESS)
    if article_template is not None:
        write(root / "templates", "article.html", article_template)
    return root


def start_build(root: Path) -> subprocess.Popen[bytes]:
    """`digest build` in a process group of its own (its workers are in it too)."""
    with (root / "stderr.txt").open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "digest", "build", "--no-cache", "--jobs", "2", "-q"],
            cwd=root, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)


def _stat(pid: str) -> list[str]:
    """/proc/<pid>/stat after the command name: state, parent, process group, …"""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def running(where: int, field: int) -> list[int]:
    """The live processes (no zombies) whose parent (field 1) or group (field 2) is `where`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = _stat(entry)
            except OSError:
                continue
            if stat[0] != "Z" and int(stat[field]) == where:
                found.append(int(entry))
    return found


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    """Poll check() until it holds or the time is up (a safety net, not a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def stopped(process: subprocess.Popen[bytes]) -> bool:
    """The build and every process of its group have ended (bounded wait)."""
    return wait_for(lambda: process.poll() is not None and not running(process.pid, 2), 30)


def end(process: subprocess.Popen[bytes]) -> None:
    """Whatever happened, nothing of the build goes on running after the test."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@LINUX
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_workers_die_with_a_build_killed_mid_render(tmp_path: Path, sig: signal.Signals) -> None:
    root = project(tmp_path)
    process = start_build(root)
    try:
        # fewer articles than it takes to parse in workers: these two render
        assert wait_for(lambda: len(running(process.pid, 1)) == 2, 60), \
            (root / "stderr.txt").read_text()
        process.send_signal(sig)
        assert stopped(process), f"still running: {running(process.pid, 2)}"
        if sig == signal.SIGTERM:  # (SIGKILL leaves it for the next build to remove)
            assert not [p for p in os.listdir(root) if p.startswith(".site")]  # no half site
    finally:
        end(process)


@LINUX
def test_a_template_error_stops_the_other_workers(tmp_path: Path) -> None:
    """The article page fails at once; the other worker is on a topic page that would
    never end: the build reports the error, exits, and takes its workers along."""
    root = project(tmp_path, article_template="{{ no_such_value }}")
    process = start_build(root)
    try:
        assert stopped(process), f"still running: {running(process.pid, 2)}"
        assert process.returncode == 2
        assert "templates/article.html:1" in (root / "stderr.txt").read_text()
    finally:
        end(process)
