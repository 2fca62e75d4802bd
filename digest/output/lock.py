"""One build writes a site at a time: a lock file beside the output, waited for."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .manifest import OutputError

LOCK_TIMEOUT = 600.0  # seconds a build waits for another one to finish with the same site


def lock_file(folder: Path) -> Path:
    """The file a build locks while it writes `folder` (or its cache): a hidden sibling."""
    return folder.parent / f".{folder.name}.lock"


@contextlib.contextmanager
def hold(file: Path, timeout: float = LOCK_TIMEOUT,
         waiting: Callable[[int | None], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock (flock) on `file` while the block runs; it is made if need be
    and removed when released. If another process holds it, call `waiting(its pid)` once
    and wait, for `timeout` seconds at most (then OutputError). The kernel releases the
    lock of a process that dies, so a killed build never keeps others waiting."""
    deadline = time.monotonic() + timeout
    told = False
    while True:
        descriptor = os.open(file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            if time.monotonic() >= deadline:
                raise OutputError(
                    f"another digest build{f' (pid {holder})' if holder else ''} still holds "
                    f"{file} after {timeout:.0f} s of waiting; nothing was written. Build "
                    "again when it is done.") from None
            if not told and waiting is not None:
                waiting(holder)
                told = True
            time.sleep(0.05)
            continue
        except BaseException:
            os.close(descriptor)
            raise
        try:  # the holder we waited for removed the file: lock the one there now
            same = os.fstat(descriptor).st_ino == os.stat(file).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(descriptor)
    try:
        with contextlib.suppress(OSError):  # (only for the message of whoever waits)
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):  # while still holding it (see above)
            os.unlink(file)
        os.close(descriptor)


def _holder(descriptor: int) -> int | None:
    """The pid written into a lock file by the process holding it."""
    try:
        return int(os.pread(descriptor, 32, 0).decode().strip() or "x")
    except (OSError, ValueError, UnicodeDecodeError):
        return None
