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
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_TASK: Callable[[Any], Any] | None = None  # what forked workers run; set just before forking
AHEAD = 4  # chunks handed out a worker, beyond the one awaited


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
            pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context,
                                       initializer=_worker_start)
            try:
                # (not pool.map: stopped, it cancels the chunks not done, and the pool's
                # thread, failing them as the workers are killed, raised InvalidStateError
                # on a cancelled one, a traceback on stderr)
                # A few chunks ahead of the one awaited, not all: results this process
                # has not taken yet wait in memory, and rendered pages are big (when
                # this process falls behind, they piled up by the hundred megabytes).
                ahead: deque[Future[R]] = deque()
                todo = iter(chunks)
                for chunk in islice(todo, AHEAD * jobs):
                    with held(STOPS):  # (the first forks the workers)
                        ahead.append(pool.submit(_run_task, chunk))
                while ahead:
                    result = ahead.popleft().result()  # (popped: done with, it is freed)
                    for chunk in islice(todo, 1):
                        with held(STOPS):
                            ahead.append(pool.submit(_run_task, chunk))
                    done += 1
                    yield result
            except BaseException:
                # SIGTERM (a KeyboardInterrupt here), an error, or the caller stopped
                # early: what the workers are doing is of no use now, and one chunk can
                # take minutes (shutdown would wait for it). They go at once.
                _kill_workers(pool)
                raise
            finally:
                pool.shutdown(wait=True)  # (not cancel_futures: see above)
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


@contextlib.contextmanager
def held(signals: frozenset[signal.Signals]) -> Iterator[None]:
    """These signals wait until the end. Ctrl-C or SIGTERM while the workers are forked
    was raised in one of Python's fork handlers, which swallow it, or before the pool
    knew every worker: the build then went on, or left a worker running."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


STOPS = frozenset({signal.SIGINT, signal.SIGTERM})


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """End every worker of the pool now, wherever it is in its chunk."""
    processes = getattr(pool, "_processes", None) or {}  # (Python 3.14 has kill_workers)
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    # A worker killed while it sent its chunk's result leaves half a message in the pipe,
    # and the pool's thread waits for the rest for ever (and shutdown for that thread:
    # 1 Ctrl-C in 5 mid-render hung). This process's end of the pipe is then the last one
    # open for writing: closed, the wait ends when the killed workers' ends close.
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    with contextlib.suppress(OSError, AttributeError):
        writer.close()  # type: ignore[union-attr]


def _worker_start() -> None:
    """A worker dies with its build. Ctrl-C, which the terminal sends to the whole process
    group, is the parent's to act on (it ends its workers); SIGTERM ends a worker at once
    (the parent's handler would make it an error in the chunk). A build killed outright
    (SIGKILL gives it no chance to end them): Linux ends its workers when it dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)  # held while it was forked
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
