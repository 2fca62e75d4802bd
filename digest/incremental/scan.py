"""The content folder scanned against the cache: which files there are, and each one's key.

A file is read and hashed only when the cache does not know its bytes by its stat; told
which files changed (the preview's watcher), only those are looked at again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from ..config import SiteConfig
from ..model import Problem
from ..output.assemble import BuildError
from ..output.images import ImageStat, image_files, listed
from ..read.files import (
    find_sources,
    not_content,
    passed,
    prefetch,
    read_file,
    relative_name,
    walked,
)
from ..read.sidecar import pair_sidecars, sidecar_of
from .cache import Cache, Entry, entry_key, paired_sha

# More changed files than this (a git checkout) and walking the folder costs no more.
RESCAN_FILES = 200


@dataclass
class Scan:
    """The content folder's files, and the cache key of each one that could be read."""

    root: Path
    paths: list[Path]
    rels: list[str]
    problems: list[Problem]  # what find_sources passed over
    images: dict[str, ImageStat]  # every image file (a lead image can change on its own)
    hashed: dict[str, str] = field(default_factory=dict)  # rel -> cache key
    unreadable: dict[str, tuple[str | None, Entry]] = field(default_factory=dict)
    yamls: dict[str, Path] = field(default_factory=dict)  # every .yaml file: sidecars maybe
    sidecars: dict[str, str] = field(default_factory=dict)  # article -> its sidecar's rel


def scan_sources(config: SiteConfig, cache: Cache | None,
                 changed: Collection[Path] | None = None) -> Scan:
    """Find the article files; with a cache, also know each file's hash (by its bytes, or
    by its unchanged stat when the cache hashed it before).

    `changed` names the only files that changed since this process's last scan (the
    watcher's word for it); then only those are looked at, and the rest of the last scan
    is kept. None: walk the whole content folder.
    """
    last = cache.recall("scan") if cache is not None and changed is not None else None
    if cache is not None:
        cache.keep("scan", None)  # until this scan is whole: a failed one leaves nothing
    content = config.resolve(config.content_dir)
    output = config.resolve(config.output_dir)
    if not content.is_dir():
        raise BuildError(f"{content}: the content folder does not exist (set `content:` in "
                         "digest.yaml or pass --content DIR)")
    root = content.resolve()
    again = _rescan(last, changed, output) if last is not None and changed is not None \
        and last.root == root else None
    if again is not None:
        scan, todo = again
    else:
        yamls: list[Path] = []
        paths, problems = find_sources(content, exclude=not_content(config), yamls=yamls)
        scan = Scan(root, paths, [_rel(path, root) for path in paths], problems,
                    image_files(root))
        settings = _rel(config.config_path, root) if config.config_path else None
        scan.yamls = {rel: path for path in yamls if (rel := _rel(path, root)) != settings}
        todo = list(zip(paths, scan.rels, strict=True))
    scan.sidecars = pair_sidecars(scan.rels, scan.yamls)
    if cache is None:
        return scan
    sidecars = {scan.sidecars[rel]: scan.yamls[scan.sidecars[rel]] for _, rel in todo
                if rel in scan.sidecars}
    shas = _hashes(cache, root, todo + [(path, rel) for rel, path in sidecars.items()],
                   scan.unreadable, sidecars)
    for _, rel in todo:
        if (sha := shas.get(rel)) is None:
            continue
        if (sidecar := scan.sidecars.get(rel)) is not None:
            sha = paired_sha(sha, sidecar, shas.get(sidecar) or "unreadable")
        scan.hashed[rel] = entry_key(rel, sha)
    cache.forget_files_but(set(scan.hashed) | set(scan.sidecars.values()))
    cache.keep("scan", scan)
    return scan


def _hashes(cache: Cache, root: Path, files: list[tuple[Path, str]],
            unreadable: dict[str, tuple[str | None, Entry]],
            sidecars: Collection[str]) -> dict[str, str]:
    """Files -> the sha256 of each one read (by its unchanged stat when the cache hashed it
    before); an article that cannot be read goes into `unreadable`, with why (a sidecar
    that cannot be read: its article says why when it is parsed)."""
    shas: dict[str, str] = {}
    unknown: list[tuple[Path, str, os.stat_result | None]] = []
    for path, rel in files:
        try:
            stat = os.stat(path)
        except OSError:
            stat = None
        sha = cache.known_hash(rel, stat) if stat is not None else None
        if sha is None:
            unknown.append((path, rel, stat))
        else:
            shas[rel] = sha
    for start in range(0, len(unknown), _AHEAD):
        batch = unknown[start:start + _AHEAD]
        prefetch(path for path, _, _ in batch)
        for path, rel, stat in batch:
            found, data, read_problems = read_file(path, root)
            if data is None:
                if rel not in sidecars:
                    unreadable[found] = (None, (None, read_problems))
                continue
            sha = hashlib.sha256(data).hexdigest()
            if stat is not None:
                cache.remember_hash(rel, stat, sha)
            shas[rel] = sha
    return shas


_AHEAD = 64  # files asked of the disk at once (see read/files.prefetch)


def _rescan(last: Scan, changed: Collection[Path],
            output: Path) -> tuple[Scan, list[tuple[Path, str]]] | None:
    """The last scan with the changed files taken out, and those of them to hash again;
    None when a change is not that simple (a folder, a symlink, a file outside the
    content folder) or the last walk met trouble: then the whole folder is walked again."""
    if last.problems or len(changed) > RESCAN_FILES:
        return None
    prefix = str(last.root) + os.sep
    out = str(output) + os.sep
    files = dict(zip(last.rels, last.paths, strict=True))
    images = dict(last.images)
    yamls = dict(last.yamls)
    looked: dict[str, Path] = {}
    gone: list[str] = []
    sidecars: list[str] = []  # .yaml files that came, went or changed
    for path in changed:
        text = str(path)
        if not text.startswith(prefix) or text.startswith(out):
            return None
        rel = text[len(prefix):].replace(os.sep, "/")
        if os.path.realpath(os.path.dirname(text)) != os.path.dirname(text):
            return None  # reached through a symlink: let the walk decide
        try:
            stat = os.lstat(text)
        except FileNotFoundError:
            inside = rel + "/"
            if any(r.startswith(inside) for r in files) or any(
                    r.startswith(inside) for r in images):
                return None  # a folder went, and what was in it
            if files.pop(rel, None) is not None:
                gone.append(rel)
            images.pop(rel, None)
            if yamls.pop(rel, None) is not None:
                sidecars.append(rel)
            continue
        except OSError:
            return None
        if not S_ISREG(stat.st_mode):
            return None  # a folder came, or a symlink: let the walk decide
        article, image = walked(rel), listed(rel)
        if article:
            files[rel] = looked[rel] = Path(text)
        elif image:
            images[rel] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        elif rel.endswith(".yaml") and passed(rel):
            yamls[rel] = Path(text)
            sidecars.append(rel)
    for rel in sidecars:  # its article is keyed by both files: hash it again
        for article in sidecar_of(rel):
            if article in files:
                looked[article] = files[article]
    rels = sorted(files)
    hashed = dict(last.hashed)  # (of files in the last scan only)
    for rel in (*gone, *looked):
        hashed.pop(rel, None)
    unreadable = {rel: entry for rel, entry in last.unreadable.items()
                  if rel in files and rel not in looked}
    scan = Scan(last.root, [files[rel] for rel in rels], rels, [], images, hashed, unreadable,
                yamls)
    return scan, [(path, rel) for rel, path in looked.items()]


def _rel(path: Path, root: Path) -> str:
    """A path found under root -> its path inside root, as read_file names it."""
    text, prefix = str(path), str(root) + os.sep
    if text.startswith(prefix) and not os.path.islink(text):
        return text[len(prefix):].replace(os.sep, "/")
    return relative_name(path, root)
