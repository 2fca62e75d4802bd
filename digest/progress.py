"""A one-line progress bar on the terminal for builds that take longer than a second.

Nothing is shown when stderr is not a terminal (pipes, logs), in CI, or with --quiet,
and nothing at all for a build that finishes within a second, which is most of them.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

DELAY = 1.0  # seconds before the bar appears


class Bar:
    """Called as progress(what, done, total); draws `what [####    ] done/total`."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.shown = False
        self.last = 0.0

    def __call__(self, what: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < DELAY or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 30))
        filled = width * done // max(total, 1)
        line = f"{what:<9} [{'#' * filled}{' ' * (width - filled)}] {done}/{total}"
        self.stream.write("\r" + line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")  # clear the line for the summary
            self.stream.flush()


def wanted(stream: TextIO, enabled: bool = True) -> bool:
    return enabled and stream.isatty() and not os.environ.get("CI")


@contextmanager
def progress_bar(enabled: bool = True,
                 stream: TextIO | None = None) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress callback for build() when a bar is wanted, else None."""
    stream = stream or sys.stderr
    if not wanted(stream, enabled):
        yield None
        return
    bar = Bar(stream)
    try:
        yield bar
    finally:
        bar.close()
