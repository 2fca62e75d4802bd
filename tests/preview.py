"""Running `digest serve` / `digest watch` as a real process, for end-to-end and browser tests."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import REPO, SEEDS


def copy_site(root: Path) -> Path:
    """A private copy of the repository's site (seeds + digest.yaml) in root."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copy(REPO / "digest.yaml", root / "digest.yaml")
    return root


def _ctrl_c_reaches_it() -> None:
    """Tests stop the process with SIGINT, as Ctrl-C does; a shell ignores SIGINT in the
    jobs it starts in the background (`pytest &`), and the process would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Process:
    """`digest <command> …` in a folder; its output is collected line by line."""

    def __init__(self, root: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "digest", *args], cwd=root, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_ctrl_c_reaches_it)
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))

    def mark(self) -> int:
        """How many lines there are now: expect(…, since=mark()) looks only after them."""
        while not self._queue.empty():
            self.lines.append(self._queue.get())
        return len(self.lines)

    def expect(self, pattern: str, since: int = 0, timeout: float = 20.0) -> re.Match[str]:
        """Wait for an output line matching pattern, among the lines after `since`."""
        deadline = time.monotonic() + timeout
        seen = since
        while True:
            for line in self.lines[seen:]:
                if found := re.search(pattern, line):
                    return found
            seen = len(self.lines)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line matching {pattern!r} in:\n" +
                                     "\n".join(self.lines))
            try:
                self.lines.append(self._queue.get(timeout=min(left, 0.2)))
            except queue.Empty:
                if self.proc.poll() is not None and self._queue.empty():
                    raise AssertionError("the process ended:\n" + "\n".join(self.lines)) from None

    def interrupt(self, timeout: float = 15.0) -> int:
        """Ctrl-C; returns the exit status (and kills it if it does not stop in time).

        The bound is a safety net, not a measure: on a loaded 2-core machine a serve that
        is mid-rebuild was seen to take over 5 s to wind down its workers."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        finally:
            self._reader.join(2)
            while not self._queue.empty():
                self.lines.append(self._queue.get())


class Serve(Process):
    """`digest serve` on a free port; `url` is where it serves."""

    def __init__(self, root: Path, *args: str) -> None:
        super().__init__(root, "serve", "--port", "0", "--debounce", "0.05", *args)
        found = self.expect(r"Serving (http://127\.0\.0\.1:(\d+)(/\S*)) ")
        self.url, self.port, self.base = found[1], int(found[2]), found[3]

    def get(self, path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def head(self, path: str) -> tuple[int, dict[str, str]]:
        """HEAD path, redirects not followed -> (status, headers)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("HEAD", path)
            response = conn.getresponse()
            response.read()
            return response.status, dict(response.getheaders())
        finally:
            conn.close()

    def state(self) -> dict[str, Any]:
        """The live-reload state a page hears first: server, build version, last error."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", "/__digest__/events")
            response = conn.getresponse()
            for raw in response:
                line = raw.decode().strip()
                if line.startswith("data: "):
                    return dict(json.loads(line[6:]))
            raise AssertionError("no event")
        finally:
            conn.close()

    def until_state(self, check: Callable[[dict[str, Any]], bool],
                    timeout: float = 20.0) -> dict[str, Any]:
        """The live-reload state once check(state) holds (a build's files land before it)."""
        deadline = time.monotonic() + timeout
        while not check(state := self.state()):
            if time.monotonic() > deadline:
                raise AssertionError(f"state still {state}")
            time.sleep(0.05)
        return state

    def until(self, path: str, check: Callable[[int, str], bool],
              timeout: float = 20.0) -> tuple[int, str]:
        """GET path until check(status, text) holds; the last answer."""
        deadline = time.monotonic() + timeout
        while True:
            status, text = self.get(path)
            if check(status, text):
                return status, text
            if time.monotonic() > deadline:
                raise AssertionError(f"{path}: still {status}:\n{text[:2000]}\n" +
                                     "\n".join(self.lines))
            time.sleep(0.05)
