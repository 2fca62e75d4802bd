"""The progress bar: only on a terminal, only after a second, cleared at the end."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from digest import parallel
from digest.progress import Bar, progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_in_a_pipe_in_ci_or_when_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with progress_bar(stream=io.StringIO()) as bar:
        assert bar is None
    with progress_bar(enabled=False, stream=Terminal()) as bar:
        assert bar is None
    monkeypatch.setenv("CI", "true")
    with progress_bar(stream=Terminal()) as bar:
        assert bar is None


def test_the_bar_waits_a_second_then_draws_and_clears() -> None:
    clock = iter([0.0, 0.5, 1.5, 2.0]).__next__
    stream = Terminal()
    bar = Bar(stream, clock=clock)
    bar("parsing", 1, 10)  # at 0.5 s: too early
    assert stream.getvalue() == ""
    bar("parsing", 5, 10)
    assert "parsing" in stream.getvalue() and "5/10" in stream.getvalue()
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_work_runs_in_this_process_when_forking_is_unsafe(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert list(parallel.run(sum, [[1, 2], [3]], jobs=2)) == [3, 3]


def test_work_runs_in_worker_processes() -> None:
    """In a fresh interpreter: this one may still hold an earlier test's thread (a local
    server, Playwright's child watcher), and with a thread alive forking is unsafe, so
    parallel.run rightly works in this process instead (the test above)."""
    script = ("import os\nfrom digest import parallel\n"
              "pids = list(parallel.run(lambda _: os.getpid(), [[1], [2], [3]], jobs=2))\n"
              "assert len(pids) == 3 and os.getpid() not in pids, pids\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
