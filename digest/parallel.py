"""Run one function over chunks of work on every core, or on one when that is all there is.

Worker processes are forked, so they start at once and see the parent's memory (the
parsed site, the compiled templates) without copying it. Forking a process that runs
other threads (the live-preview server) can deadlock the child, so there the work runs
in this process instead. Any failure to start workers also falls back to one process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_TASK: Callable[[Any], Any] | None = None  # what forked workers run; set just before forking


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def run(task: Callable[[T], R], chunks: Sequence[T], jobs: int) -> Iterator[R]:
    """task(chunk) for every chunk, results in order; in `jobs` processes when that is safe."""
    if jobs <= 1 or len(chunks) <= 1 or not can_fork():
        yield from map(task, chunks)
        return
    global _TASK, _PARENT
    _TASK, _PARENT = task, os.getpid()
    done = 0
    # What the workers inherit stays out of their garbage collections: a full collection
    # in a worker would walk (and write to) every object of the parsed site.
    try:
        with frozen():
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context,
                                     initializer=_die_with_parent) as pool:
                for result in pool.map(_run_task, chunks):
                    done += 1
                    yield result
    except (BrokenProcessPool, OSError):
        # no workers (a sandbox without fork, out of memory): do the rest here
        yield from map(task, chunks[done:])
    finally:
        _TASK = None


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Every object alive now is left out of the cycle collector's passes until the end.
    (Objects someone else froze, the live preview between its rebuilds, stay frozen.)
    Not for a loop: gc.get_freeze_count walks every frozen object (240 calls in a
    build's rendering cost it a fifth more CPU)."""
    ours = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if ours:
            gc.unfreeze()


@contextlib.contextmanager
def collector(on: bool) -> Iterator[None]:
    """The cycle collector on or off until the end, then as it was.

    A build pauses it: what a build makes lives until the build ends (articles, pages,
    keys: millions of objects at 100,000 articles) and has no cycles, yet each object
    added was one more for every full collection to walk, 6 s of a 30 s rebuild at
    100,000. Rendering turns it back on: Jinja leaves ~60 objects in cycles a page.
    (Workers are forked with the site frozen out of its way, see `run`.)"""
    was = gc.isenabled()
    if on:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def _die_with_parent() -> None:
    """A worker whose build was killed (SIGKILL gives it no chance to stop its pool) must
    not wait for work forever: Linux ends it when its parent dies."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != _PARENT:  # the parent died before that took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1
_PARENT = os.getpid()  # set again by run() before it forks


def _run_task(chunk: Any) -> Any:
    assert _TASK is not None
    return _TASK(chunk)


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
