"""Errors shared by config.py and the modules it reads sections with (no imports of its own
from digest)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file."""


def unknown_key(where: str, name: str, known: Iterable[str], inside: str = "") -> ConfigError:
    """An unknown key -> "digest.yaml:3: unknown key `tittle`: did you mean `title`?", or,
    with nothing close, the keys that are known (the documented names, in order)."""
    known = list(known)
    place = f" in {inside}" if inside else ""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return ConfigError(f"{where}: unknown key `{name}`{place}: did you mean `{close[0]}`?")
    return ConfigError(f"{where}: unknown key `{name}`{place} (known keys: "
                       f"{', '.join(known)})")
