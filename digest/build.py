"""The one orchestrator: load -> normalise -> group -> render -> write, top to bottom.

Reading the articles (through the cache) is here; turning the digest into the output
folder is assemble.py's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from stat import S_ISREG
from typing import Any

from jinja2 import TemplateError

from . import parallel
from .config import SiteConfig
from .incremental.cache import (
    Cache,
    Entry,
    cache_folder,
    code_fingerprint,
    entry_key,
    parse_fingerprint,
)
from .incremental.keys import KeyMemo
from .incremental.templates import compiled_templates
from .model import Article, Problem
from .output.assemble import SPARE, BuildError, Progress, Ready, read_static, write_output
from .output.images import ImageStat, find_local_images, image_files, listed
from .output.lock import LOCK_TIMEOUT, hold, lock_file
from .output.manifest import MANIFEST, WriteResult, read_manifest
from .output.records import intact
from .output.write import disk_error
from .parallel import chunked, cores
from .read.files import decode_source, find_sources, prefetch, read_file, relative_name, walked
from .read.normalise import future_problem, normalise
from .read.slugs import assign_slugs, duplicate_urls
from .results import BuildResult
from .site.group import group
from .site.publish import publish
from .site.render import shared_environment

Waiting = Callable[[Path, int | None], None]  # (folder another build holds, its pid)


# Below this, starting worker processes costs more than it saves.
PARALLEL_FILES = 64
# More changed files than this (a git checkout) and walking the folder costs no more.
RESCAN_FILES = 200


@parallel.collector(on=False)
def build(config: SiteConfig, *, now: datetime | None = None,
          progress: Progress | None = None, cache: bool = True,
          jobs: int | None = None, patch: bool = False,
          changed: Collection[Path] | None = None, ready: Ready | None = None,
          waiting: Waiting | None = None, lock_timeout: float = LOCK_TIMEOUT) -> BuildResult:
    """Build the whole site into config.output_dir; raises BuildError (or OutputError) on
    fatal problems.

    One build at a time writes an output folder, and one uses a cache: a build holds a lock
    beside the output (`.site.lock`) and one in the cache for all it does, and waits for
    another build holding them (`waiting` is told), for `lock_timeout` seconds at most.
    The live preview takes them for each rebuild, so a `digest build` can run in between.

    With `cache`, parsed articles and page keys are kept in `.digest-cache/` (and in this
    process's memory for the next build); without it, nothing is read from or written to it.
    `jobs` is how many processes parse and render when there is much to do (default: one per
    core). The output is always replaced in one atomic swap, except with `patch` (the live
    preview, where an edit must show in milliseconds): then a small change is written into
    the output file by file. `changed`, when the caller knows it (the preview's watcher),
    names the only content files that changed since this process's last build. `ready`,
    if given, is handed a renderer of the new site's pages before they are written (see
    assemble.write_output).
    """
    output = config.resolve(config.output_dir)
    with contextlib.ExitStack() as locks:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            locks.enter_context(hold(lock_file(output), lock_timeout, _told(waiting, output)))
        except OSError as err:  # a read-only folder, a full disk
            raise disk_error(err, output) from err
        if cache:
            folder = cache_folder(config)
            # (a cache that cannot be written, a read-only checkout, is built without)
            with contextlib.suppress(OSError):
                folder.mkdir(parents=True, exist_ok=True)
                locks.enter_context(hold(folder / "lock", lock_timeout,
                                         _told(waiting, folder)))
        return _build(config, now, progress, cache, jobs, patch, changed, ready)


def _told(waiting: Waiting | None, folder: Path) -> Callable[[int | None], None] | None:
    return (lambda pid: waiting(folder, pid)) if waiting is not None else None


def _build(config: SiteConfig, now: datetime | None, progress: Progress | None, cache: bool,
           jobs: int | None, patch: bool, changed: Collection[Path] | None,
           ready: Ready | None) -> BuildResult:
    """build(), once it holds the locks."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    jobs = jobs or cores()
    result = BuildResult()
    store = Cache.open(cache_folder(config), parse_fingerprint(config)) if cache else None
    try:
        # Templates, static files and config as they are before this build reads them. Taken
        # at the end, a template saved during the build would be recorded as built, and
        # the rebuild its save asks for would find nothing to do.
        settings = _settings_key(config) if store is not None else ""
        scan = scan_sources(config, store, changed)
        # (told that something changed, it is not worth asking whether anything did)
        inputs = _inputs_key(settings, scan) if store is not None and changed is None else ""
        if inputs and store is not None and (done := _already_built(store, inputs, config,
                                                                    now)):
            store.save_files()  # what it learnt about the files' hashes
            done.seconds = time.perf_counter() - started
            return done
        articles, problems, result.articles_read, keys = load_articles(
            scan, config, now, store, jobs, progress, result)
        result.problems.extend(problems)

        # Drafts and future articles leave before slugs are assigned, so a published
        # article never changes its URL because a draft with the same title exists.
        published = []
        for article in articles:
            if article.draft and not config.drafts:
                result.drafts_skipped += 1
            elif not config.future and article.published and article.published > now:
                result.future_skipped += 1
            else:
                published.append(article)
        published, slug_problems = assign_slugs(published)
        result.problems.extend(slug_problems)

        digest = group(published, config)
        result.digest = digest
        result.articles_built = len(digest.articles)
        result.undated = len(digest.undated)

        publication = publish(digest, config)
        images, image_problems = find_local_images(digest.articles, scan.root, scan.images)
        result.problems.extend(image_problems)
        result.feeds, result.feed_undated = len(publication.feeds), publication.undated
        result.sitemap_urls = publication.sitemap_urls
        page_keys = keys if store is not None else None
        old_pages = store.pages() if store is not None else {}
        spare = cache_folder(config) / SPARE if store is not None else None
        # a patch only into the site the last build left: not after another process (a
        # `digest build` between two rebuilds of the preview) wrote it since
        patch = patch and store is not None and _left_as_built(store, config)
        memo = None
        if store is not None:
            memo = store.recall("keys") or KeyMemo()
            store.keep("keys", memo)
        result.write, new_pages = write_output(digest, config, publication, images, page_keys,
                                               old_pages, jobs, progress, result, patch, spare,
                                               memo, ready)
        result.problems.extend(duplicate_urls(published))  # (after `ready`: warnings only)
        result.problems.sort(key=lambda p: (p.path, p.line or 0))
        if store is not None:
            store.save(set(keys.values()), new_pages)
            inputs = inputs or _inputs_key(settings, scan)
            store.set_last_build(_LastBuild(inputs, now.timestamp(), _valid_until(articles, now),
                                            _manifest_hash(config), _summary(result)))
    finally:
        if store is not None:
            store.close()
    result.seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class _LastBuild:
    """What a build left behind, to tell the next one that there is nothing to do."""

    inputs: str  # key of everything the build read
    now: float  # its clock…
    valid_until: float  # …and the moment an article's date would change what it shows
    manifest: str  # hash of the manifest it wrote
    summary: dict[str, Any]  # BuildResult fields for the report


_SUMMARY_FIELDS = ("articles_read", "articles_built", "drafts_skipped", "future_skipped",
                   "undated", "problems", "pages", "feeds", "feed_undated", "sitemap_urls",
                   "link_problems", "warnings")


def _summary(result: BuildResult) -> dict[str, Any]:
    return {name: getattr(result, name) for name in _SUMMARY_FIELDS}


def _settings_key(config: SiteConfig) -> str:
    """What a build reads besides the articles: code, config, templates, static files."""
    try:
        _, templates = shared_environment(
            config, partial(compiled_templates, cache_folder(config) / "templates"))
    except TemplateError:
        templates = "unreadable"
    digest = hashlib.sha256(f"{code_fingerprint()}|{config!r}|{templates}".encode())
    for rel, data in sorted(read_static(config).items()):
        digest.update(f"|{rel}|{hashlib.sha256(data).hexdigest()}".encode(errors="surrogateescape"))
    return digest.hexdigest()


def _inputs_key(settings: str, scan: Scan) -> str:
    """Everything a build reads: its settings (_settings_key) and every article file."""
    digest = hashlib.sha256(settings.encode())
    digest.update(repr(sorted(scan.hashed.items())).encode())
    digest.update(repr(sorted(scan.images.items())).encode())
    digest.update(repr(sorted(scan.unreadable.items()) + scan.problems).encode())
    return digest.hexdigest()


def _valid_until(articles: list[Article], now: datetime) -> float:
    """When the clock next changes a result: an article stops being in the future, or
    comes within the day before its date (the 'in the future' warning)."""
    moments = [moment for a in articles if a.published is not None
               for moment in (a.published.timestamp() - 86400, a.published.timestamp())
               if moment > now.timestamp()]
    return min(moments, default=float("inf"))


def _manifest_hash(config: SiteConfig) -> str:
    try:
        data = (config.resolve(config.output_dir) / MANIFEST).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest()


def _left_as_built(store: Cache, config: SiteConfig) -> bool:
    """Whether the output's manifest is the one the last build with this cache wrote."""
    last = store.last_build()
    return isinstance(last, _LastBuild) and bool(last.manifest) and \
        _manifest_hash(config) == last.manifest


def _already_built(store: Cache, inputs: str, config: SiteConfig,
                   now: datetime) -> BuildResult | None:
    """The last build's result when nothing it read has changed and its output is intact."""
    last = store.last_build()
    if not isinstance(last, _LastBuild) or last.inputs != inputs:
        return None
    if not last.now <= now.timestamp() < last.valid_until:
        return None
    output = config.resolve(config.output_dir)
    if not last.manifest or _manifest_hash(config) != last.manifest:
        return None
    manifest = read_manifest(output) or {}
    if not intact(output, manifest, cache_folder(config) / SPARE):  # edited, truncated, gone
        return None
    result = BuildResult(**{k: list(v) if isinstance(v, list) else v
                            for k, v in last.summary.items()})
    result.write = WriteResult(unchanged=len(manifest))
    return result


def read_articles(config: SiteConfig, now: datetime, cache: Cache | None = None,
                  jobs: int = 1, progress: Progress | None = None,
                  result: BuildResult | None = None,
                  ) -> tuple[list[Article], list[Problem], int, dict[str, str]]:
    """Content folder -> normalised articles (drafts included), problems, files read, and
    {article path: cache key of its file}.

    Every file is read and hashed; only files the cache does not know are decoded, parsed
    and rendered from Markdown, in several processes when there are many.
    """
    return load_articles(scan_sources(config, cache), config, now, cache, jobs, progress,
                         result)


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
        paths, problems = find_sources(content, exclude=(output,))
        scan = Scan(root, paths, [_rel(path, root) for path in paths], problems,
                    image_files(root))
        todo = list(zip(paths, scan.rels, strict=True))
    if cache is None:
        return scan
    unknown: list[tuple[Path, str, os.stat_result | None]] = []
    for path, rel in todo:
        try:
            stat = os.stat(path)
        except OSError:
            stat = None
        sha = cache.known_hash(rel, stat) if stat is not None else None
        if sha is None:
            unknown.append((path, rel, stat))
        else:
            scan.hashed[rel] = entry_key(rel, sha)
    for start in range(0, len(unknown), _AHEAD):
        batch = unknown[start:start + _AHEAD]
        prefetch(path for path, _, _ in batch)
        for path, rel, stat in batch:
            rel, data, read_problems = read_file(path, root)
            if data is None:
                scan.unreadable[rel] = (None, (None, read_problems))
                continue
            sha = hashlib.sha256(data).hexdigest()
            if stat is not None:
                cache.remember_hash(rel, stat, sha)
            scan.hashed[rel] = entry_key(rel, sha)
    cache.forget_files_but(set(scan.hashed))
    cache.keep("scan", scan)
    return scan


_AHEAD = 64  # files asked of the disk at once (see load.prefetch)


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
    looked: dict[str, Path] = {}
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
            files.pop(rel, None)
            images.pop(rel, None)
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
    rels = sorted(files)
    hashed = {rel: key for rel, key in last.hashed.items() if rel in files and rel not in looked}
    unreadable = {rel: entry for rel, entry in last.unreadable.items()
                  if rel in files and rel not in looked}
    scan = Scan(last.root, [files[rel] for rel in rels], rels, [], images, hashed, unreadable)
    return scan, [(path, rel) for rel, path in looked.items()]


def load_articles(scan: Scan, config: SiteConfig, now: datetime, cache: Cache | None = None,
                  jobs: int = 1, progress: Progress | None = None,
                  result: BuildResult | None = None,
                  ) -> tuple[list[Article], list[Problem], int, dict[str, str]]:
    """Scanned files -> what read_articles returns; parses what the cache does not know."""
    root, paths, rels, hashed = scan.root, scan.paths, scan.rels, scan.hashed
    problems = list(scan.problems)
    entries: dict[str, tuple[str | None, Entry]] = dict(scan.unreadable)
    todo: list[Path] = paths
    if cache is not None:
        todo = []
        found = cache.entries(hashed.values())
        for path, rel in zip(paths, rels, strict=True):
            if rel in hashed and hashed[rel] in found:
                entries[rel] = (hashed[rel], found[hashed[rel]])
            elif rel not in entries:
                todo.append(path)
    if result is not None:
        result.parsed = len(todo)
    chunks = chunked(todo, 32)
    task = partial(_parse_files, root, config)
    done = 0
    for parsed in parallel.run(task, chunks, jobs if len(todo) >= PARALLEL_FILES else 1):
        for rel, key, entry in parsed:
            entries[rel] = (key, entry)
            if cache is not None and key is not None:
                cache.add(key, entry)
        done += len(parsed)
        if progress is not None:
            progress("parsing", done, len(todo))

    articles: list[Article] = []
    keys: dict[str, str] = {}
    for rel in rels:
        key, (article, article_problems) = entries[rel]
        problems.extend(article_problems)
        if article is None:
            continue
        if (future := future_problem(article, config, now)) is not None:
            problems.append(future)
        articles.append(article)
        if key is not None:
            keys[article.path] = key
    return articles, problems, len(paths), keys


def _rel(path: Path, root: Path) -> str:
    """A path found under root -> its path inside root, as read_file names it."""
    text, prefix = str(path), str(root) + os.sep
    if text.startswith(prefix) and not os.path.islink(text):
        return text[len(prefix):].replace(os.sep, "/")
    return relative_name(path, root)


def _parse_files(root: Path, config: SiteConfig,
                 paths: Sequence[Path]) -> list[tuple[str, str | None, Entry]]:
    """Files -> (path in the content folder, cache key, (article or None, problems)) each."""
    out: list[tuple[str, str | None, Entry]] = []
    prefetch(paths)
    for path in paths:
        rel, data, problems = read_file(path, root)
        if data is None:
            out.append((rel, None, (None, problems)))
            continue
        sha = hashlib.sha256(data).hexdigest()
        key = entry_key(rel, sha)
        source, problems = decode_source(rel, data, path.suffix.lower(), sha)
        if source is None:
            out.append((rel, key, (None, problems)))
            continue
        article, article_problems = normalise(source, config)  # no `now`: cacheable
        out.append((rel, key, (article, problems + article_problems)))
    return out


def with_drafts(config: SiteConfig, drafts: bool) -> SiteConfig:
    return replace(config, drafts=drafts)


def output_path(config: SiteConfig) -> Path:
    return config.resolve(config.output_dir)
