"""The new site put where the output is in one step (renameat2's exchange where the kernel
has it), the previous site kept as the spare for the next build or deleted."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def swap(staging: Path, output: Path, spare: Path | None = None) -> None:
    """Put staging where output is, in one step when the kernel can (renameat2 EXCHANGE);
    the previous site goes to `spare` for the next build, or is deleted."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        _retire(staging, spare)  # staging now holds the previous site
        return
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    os.rename(output, old)
    try:
        os.rename(staging, output)
    except OSError:
        os.rename(old, output)  # the previous site goes back where it was
        raise
    _retire(old, spare)


def _retire(previous: Path, spare: Path | None) -> None:
    if spare is not None:
        shutil.rmtree(spare, ignore_errors=True)
        with contextlib.suppress(OSError):
            spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(previous, spare)
            return
    shutil.rmtree(previous, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(libc_name, use_errno=True)
        result = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                                _RENAME_EXCHANGE)
        return result == 0
    return False
