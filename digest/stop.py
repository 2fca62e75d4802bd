"""Ctrl-C and SIGTERM: both stop a command the same way, a KeyboardInterrupt, and a
stopped build says so and exits with the status a shell gives a process the signal ended."""

from __future__ import annotations

import signal
import sys
from typing import Any, NoReturn

import click

_stopped_by = [signal.SIGINT]  # the signal of the last KeyboardInterrupt


def stop_on_sigterm() -> None:
    """SIGTERM stops build, serve and watch the way Ctrl-C does."""
    def interrupt(signum: int, frame: Any) -> None:
        _stopped_by[0] = signal.Signals(signum)
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)


def exit_stopped(what: str) -> NoReturn:
    """One line on stderr, then exit 130 (Ctrl-C) or 143 (SIGTERM)."""
    stop = _stopped_by[0]
    click.echo(f"{what}: stopped by {stop.name}; the output was left as it was", err=True)
    sys.exit(128 + stop)
