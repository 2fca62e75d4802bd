"""I/O: when each article file entered the digest, read from git, for Atom's <updated>.

An undated story still belongs in the feeds, and Atom requires an entry time. The one
honest time digest can know is when the story's file was first committed: one
`git log` over the content folder, following renames, gives it for every file at once.
The answer only changes with the commit checked out, so it is kept per commit (in this
process, and in `.digest-cache/history.json` for the next build).

No git, a folder outside a repository, or a file not committed yet: no time, and the story
stays out of Atom only. A shallow clone (CI's default `fetch-depth: 1`) would date every
file at the one commit it has, so it gives no times either, and says why. Never the build
time or a file's mtime: both change on every checkout.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

GIT_TIMEOUT = 120  # seconds; the log of a very large history
HISTORY_FILE = "history.json"
FORMAT = 1

SHALLOW = ("the content is in a shallow git clone, so the time a story entered the digest "
           "cannot be known: undated stories are left out of the Atom feeds (check out the "
           "whole history: actions/checkout with `fetch-depth: 0`)")


@dataclass(frozen=True)
class History:
    """Each committed file's first commit time ({path in the content folder: time}), and
    the commit this was read at ('' when there is no usable git history)."""

    commit: str = ""
    entered: dict[str, datetime] = field(default_factory=dict)
    warning: str = ""


_memory: dict[tuple[str, str], History] = {}


def read_history(content: Path, cache: Path | None) -> History:
    """Content folder (and the cache folder, if caching) -> its git history, or none."""
    git = shutil.which("git")
    if git is None:
        return History()
    head = _run(git, content, "rev-parse", "--is-shallow-repository", "HEAD")
    if head is None:
        return History()  # not in a repository, or no commit yet
    shallow, commit = [*head.split(), "", ""][:2]
    if shallow == "true":
        return History(commit=commit, warning=SHALLOW)
    key = (str(content.resolve()), commit)
    if key in _memory:
        return _memory[key]
    history = _load(cache, commit) if cache is not None else None
    if history is None:
        log = _run(git, content, "log", "-z", "--format=%x00%aI", "--name-status",
                   "--diff-filter=AR", "-M", "--relative", "--", ".")
        history = History(commit=commit, entered=first_added(log or ""))
        if cache is not None:
            _store(cache, history)
    _memory.clear()  # one site per process, as a rule: keep the latest only
    _memory[key] = history
    return history


def first_added(log: str) -> dict[str, datetime]:
    """`git log -z --format=%x00%aI --name-status --diff-filter=AR` (newest first) ->
    {file: when it was first added}, following each rename back to the file's first name."""
    commits: list[tuple[datetime, list[list[str]]]] = []
    tokens = log.split("\0")
    i = 0
    while i < len(tokens):
        if tokens[i] != "" or i + 1 >= len(tokens) or not tokens[i + 1]:
            i += 1
            continue
        try:
            when = datetime.fromisoformat(tokens[i + 1])
        except ValueError:
            i += 1
            continue
        changes: list[list[str]] = []
        i += 2
        while i < len(tokens) and tokens[i] != "":
            status = tokens[i].lstrip("\n")
            width = 2 if status[:1] in {"R", "C"} else 1
            changes.append([status[:1], *tokens[i + 1: i + 1 + width]])
            i += 1 + width
        commits.append((when, changes))
    entered: dict[str, datetime] = {}
    for when, changes in reversed(commits):  # oldest first
        for change in changes:
            if change[0] == "A" and len(change) == 2:
                entered[change[1]] = when
            elif change[0] == "R" and len(change) == 3:
                entered[change[2]] = entered.pop(change[1], when)
    return entered


def _run(git: str, folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run([git, "-C", str(folder), *args], capture_output=True,
                              timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="surrogateescape")


def _load(cache: Path, commit: str) -> History | None:
    try:
        data = json.loads((cache / HISTORY_FILE).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("commit") != commit:
            return None
        entered = {path: datetime.fromisoformat(when) for path, when in data["entered"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return History(commit=commit, entered=entered)


def _store(cache: Path, history: History) -> None:
    data = {"format": FORMAT, "commit": history.commit,
            "entered": {path: when.isoformat() for path, when in sorted(history.entered.items())}}
    with contextlib.suppress(OSError, UnicodeEncodeError):  # a read-only checkout: no cache
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / f"{HISTORY_FILE}.tmp"
        partial.write_text(json.dumps(data), encoding="utf-8")
        partial.replace(cache / HISTORY_FILE)
