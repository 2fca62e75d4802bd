"""The one orchestrator: scan -> parse -> normalise -> group -> publish -> write, top to bottom.

The cache is asked a few named questions (incremental/builds.py: BuildCache) and never
threaded through the body; turning the digest into the output folder is output/assemble.py's.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from . import parallel
from .config import SiteConfig
from .incremental.builds import BuildCache
from .incremental.cache import (
    Entry,
    cache_folder,
    entry_key,
    paired_sha,
)
from .incremental.history import History, read_history
from .incremental.loaded import Loaded
from .incremental.scan import Scan
from .model import Article, Problem
from .output.assemble import BuildError as BuildError  # re-exported: callers catch it here
from .output.assemble import Progress, Ready, write_output
from .output.images import find_local_images, find_resources
from .output.lock import LOCK_TIMEOUT, hold, lock_file
from .output.write import disk_error
from .parallel import chunked, cores
from .passes import Passes, undated
from .passes import published as shown_at
from .read.conventions import apply_site, not_articles_line
from .read.files import (
    decode_source,
    find_site,
    load_sidecar,
    prefetch,
    read_file,
)
from .read.normalise import future_problem, normalise
from .read.slugs import assign_slugs, duplicate_urls
from .results import BuildResult
from .site.group import group
from .site.publish import publish
from .stories.duplicates import collapse_duplicates

Waiting = Callable[[Path, int | None], None]  # (folder another build holds, its pid)


# Below this, starting worker processes costs more than it saves.
PARALLEL_FILES = 64


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
    config, site_problems = with_site(config)  # before the cache: the site keys the parse
    # When each file entered the digest (its first commit), for undated stories in Atom:
    # read from git at this edge, once per commit, and handed to publish() as data. Only
    # feeds need it, and only a build with a base_url writes them.
    history = read_history(config.resolve(config.content_dir),
                           cache_folder(config) if cache else None) if config.base_url \
        else History()
    with BuildCache.open(config, cache) as known:
        known.also_read(history.commit)
        scan = known.scan(changed)
        if (done := known.already_built(scan, changed, now)) is not None:
            done.seconds = time.perf_counter() - started
            return done
        articles, problems, result.articles_read, keys = load_articles(
            scan, config, now, known, jobs, progress, result)
        result.problems.extend(site_problems + problems)

        # Drafts and future articles leave before slugs are assigned, so a published
        # article never changes its URL because a draft with the same title exists.
        passes = known.kept("passes", Passes)  # (their last runs, in this process)
        published, result.drafts_skipped, result.future_skipped = shown_at(
            articles, config.drafts, config.shows_future, now,
            passes.published if passes else None)
        published, duplicate_problems = collapse_duplicates(  # before slugs, too
            published, passes.duplicates if passes else None)
        result.problems.extend(duplicate_problems)
        published, slug_problems = assign_slugs(published, passes.slugs if passes else None)
        result.problems.extend(slug_problems)

        # (the preview keeps related reading for its next rebuild; a build has none)
        digest = group(published, config, known.story_memo(),
                       known.related_memo() if patch else None, passes)
        result.digest = digest
        result.articles_built = len(digest.articles)
        result.undated = undated(digest.articles, passes)

        images, image_problems = find_local_images(digest.articles, scan.root, scan.images)
        # (feeds point at the copied images)
        publication = publish(digest, config, history.entered, images)
        if history.warning and publication.undated:
            result.warnings.append(history.warning)
        result.problems.extend(image_problems)
        resources, resource_problems = find_resources(digest.articles, scan.root, scan.images)
        result.problems.extend(resource_problems)
        publication.files.update(resources)  # (written with the feeds, beside their articles)
        result.feeds, result.feed_undated = len(publication.feeds), publication.undated
        result.atom_feeds = sum(1 for feed in publication.feeds if feed.atom_times)
        result.sitemap_urls = publication.sitemap_urls
        result.write, new_pages = write_output(
            digest, config, publication, images, known.page_keys(keys), known.old_pages(),
            jobs, progress, result, patch and known.may_patch(), known.spare(),
            known.key_memo(), ready, passes.edit if passes is not None else None)
        result.problems.extend(duplicate_urls(published))  # (after `ready`: warnings only)
        result.problems.sort(key=lambda p: (p.path, p.line or 0))
        known.save(keys, new_pages, scan, articles, result, now)
    result.seconds = time.perf_counter() - started
    return result


def read_articles(config: SiteConfig, now: datetime, cache: BuildCache | None = None,
                  jobs: int = 1, progress: Progress | None = None,
                  result: BuildResult | None = None,
                  ) -> tuple[list[Article], list[Problem], int, dict[str, str]]:
    """Content folder -> normalised articles (drafts included), problems, files read, and
    {article path: cache key of its file}.

    Every file is read and hashed; only files the cache does not know are decoded, parsed
    and rendered from Markdown, in several processes when there are many.
    """
    config = with_site(config)[0]
    known = cache or BuildCache(config, None)
    return load_articles(known.scan(None), config, now, known, jobs, progress, result)


def load_articles(scan: Scan, config: SiteConfig, now: datetime, known: BuildCache,
                  jobs: int = 1, progress: Progress | None = None,
                  result: BuildResult | None = None,
                  ) -> tuple[list[Article], list[Problem], int, dict[str, str]]:
    """Scanned files -> what read_articles returns; parses what the cache does not know.
    The live preview's last load (incremental/loaded.py) gives the files whose keys did
    not change."""
    rels, hashed = scan.rels, scan.hashed
    last: Loaded | None = known.kept("loaded", Loaded)
    changed = last.changed(config, rels, hashed, not scan.unreadable and not scan.problems) \
        if last is not None else None
    entries = _entries(scan, config, known, jobs, progress, result, None if changed is None
                       else [(scan.paths[last.place[rel]], rel) for rel in changed])
    made = last.put(changed, entries) if last is not None and changed is not None else None
    if made is not None:
        assert last is not None
        parsed, problems, keys = made
        entries, where = {**last.entries, **entries}, last.where
    else:
        if last is not None and changed is not None:
            entries = {**last.entries, **entries}
        parsed, problems, keys, where = [], [], {}, {}
        for rel in rels:
            key, (article, article_problems) = entries[rel]
            problems.extend(article_problems)
            if article is not None:
                where[rel] = len(parsed)
                parsed.append(article)
                if key is not None:
                    keys[article.path] = key
    if last is not None:
        last.remember(config, rels, hashed, entries, parsed, where, problems, keys)
    problems = list(scan.problems) + problems
    site = apply_site(parsed, config, now)  # Hugo's, Jekyll's, Pelican's rules, if theirs
    problems = [p for p in problems if site.keep(p)] + site.problems
    if result is not None:
        result.not_articles = not_articles_line(site, config.site.tool)
    if config.shows_future:  # (the one problem that depends on the clock)
        for article in site.articles:
            if (future := future_problem(article, config, now)) is not None:
                problems.append(future)
    return site.articles, problems, len(scan.paths), keys


def _entries(scan: Scan, config: SiteConfig, known: BuildCache, jobs: int,
             progress: Progress | None, result: BuildResult | None,
             only: list[tuple[Path, str]] | None) -> dict[str, tuple[str | None, Entry]]:
    """The scanned files (`only` these (path, rel), if given) -> rel -> (cache key,
    (article or None, problems)), from the cache where it knows the bytes, else parsed."""
    root, hashed = scan.root, scan.hashed
    entries: dict[str, tuple[str | None, Entry]] = dict(scan.unreadable) if only is None \
        else {}
    files = list(zip(scan.paths, scan.rels, strict=True)) if only is None else only
    # the parsed article for these bytes, if known
    found = known.parsed(hashed.values() if only is None
                         else [hashed[rel] for _, rel in files if rel in hashed])
    todo: list[Path] = []
    for path, rel in files:
        if rel in hashed and hashed[rel] in found:
            entries[rel] = (hashed[rel], found[hashed[rel]])
        elif rel not in entries:
            todo.append(path)
    if result is not None:
        result.parsed = len(todo)
    chunks = chunked(todo, 32)
    sidecars = {rel: (side, scan.yamls[side]) for rel, side in scan.sidecars.items()}
    task = partial(_parse_files, root, config, sidecars)
    done = 0
    for parsed in parallel.run(task, chunks, jobs if len(todo) >= PARALLEL_FILES else 1):
        for rel, key, entry in parsed:
            entries[rel] = (key, entry)
            if key is not None:
                known.remember(key, entry)
        done += len(parsed)
        if progress is not None:
            progress("parsing", done, len(todo))
    return entries


def _parse_files(root: Path, config: SiteConfig, sidecars: dict[str, tuple[str, Path]],
                 paths: Sequence[Path]) -> list[tuple[str, str | None, Entry]]:
    """Files (and {article: its sidecar}) -> (path in the content folder, cache key,
    (article or None, problems)) each."""
    out: list[tuple[str, str | None, Entry]] = []
    prefetch(paths)
    for path in paths:
        rel, data, problems = read_file(path, root)
        if data is None:
            out.append((rel, None, (None, problems)))
            continue
        sha = hashlib.sha256(data).hexdigest()
        sidecar = None
        if rel in sidecars:
            side_rel, side_path = sidecars[rel]
            sidecar, side_data, side_problems = load_sidecar(side_path, root)
            problems += side_problems
            side_sha = "unreadable" if side_data is None else hashlib.sha256(side_data).hexdigest()
            sha = paired_sha(sha, side_rel, side_sha)
        key = entry_key(rel, sha)
        source, found = decode_source(rel, data, path.suffix.lower(), sha)
        problems += found
        if source is None:
            out.append((rel, key, (None, problems)))
            continue
        if sidecar is not None:
            source = replace(source, sidecar=sidecar)
        article, article_problems = normalise(source, config)  # no `now`: cacheable
        out.append((rel, key, (article, problems + article_problems)))
    return out


def with_site(config: SiteConfig) -> tuple[SiteConfig, list[Problem]]:
    """The config with the Hugo/Jekyll/Pelican site its content folder is in, if any."""
    site, prefix, problems = find_site(config.resolve(config.content_dir))
    return replace(config, site=site, site_prefix=prefix), problems


def with_drafts(config: SiteConfig, drafts: bool) -> SiteConfig:
    return replace(config, drafts=drafts)


def output_path(config: SiteConfig) -> Path:
    return config.resolve(config.output_dir)
