"""`digest fetch` and `digest add`, top to bottom: read sources, download concurrently,
then parse, dedup and write in config order, so that runs are deterministic."""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TextIO

from digest.config import ConfigError

from .entries import article_name, article_text, entry_keys, fallback_title
from .feeds import Entry, ParsedFeed, parse_feed
from .http import Client, FetchError, Response
from .sources import Source, load_sources
from .store import State, create_file, file_hash, replace_file, sha256, state_path

WORKERS = 8
FEED_ACCEPT = ("application/atom+xml, application/rss+xml, application/rdf+xml, "
               "application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


@dataclass
class Tally:
    """One source's result: counts, and its problem lines."""

    source: Source
    new: int = 0
    updated: int = 0
    skipped: int = 0
    failed: bool = False
    lines: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Add a problem line that does not fail the feed."""
        self.lines.append(f"warning: {self.source.name}: {message}")

    def fail(self, message: str) -> None:
        """Add a problem line for a feed that could not be read."""
        self.failed = True
        self.lines.append(f"error: {self.source.name}: {message}")


@dataclass(frozen=True)
class Download:
    """What fetching one feed gave: a response, or why there is none."""

    source: Source
    response: Response | None = None
    error: str = ""


def fetch(config_path: Path, content_dir: Path, cache_dir: Path, *, source: str | None = None,
          since: date | None = None, dry_run: bool = False, out: TextIO = sys.stdout,
          client: Client | None = None) -> int:
    """Pull every source's feed into article files -> exit status (0, 1: a feed failed,
    2: a fatal config error)."""
    try:
        sources = load_sources(config_path)
    except ConfigError as err:
        print(f"error: {err}", file=out)
        return 2
    if source is not None:
        sources = tuple(s for s in sources if s.name.casefold() == source.casefold())
        if not sources:
            print(f"error: {config_path}: no source named {source!r} under sources", file=out)
            return 2
    if not sources:
        print(f"digest: {config_path} lists no sources; add a `sources:` list of feeds",
              file=out)
        return 0
    state = State.load(state_path(cache_dir))
    if state.note:
        print(f"warning: {state.note}", file=out)
    with client or Client() as http:
        downloads = download_all(http, sources, state, _progress(out, len(sources)))
    tallies = [store_feed(d, state, content_dir, since=since, dry_run=dry_run)
               for d in downloads]
    if not dry_run:
        state.save()
    for tally in tallies:
        for line in tally.lines:
            print(line, file=out)
    verb = "would write" if dry_run else "wrote"
    for tally in tallies:
        status = "failed" if tally.failed else (
            f"{tally.new} new, {tally.updated} updated, {tally.skipped} skipped")
        print(f"  {tally.source.name}: {status}", file=out)
    total_new = sum(t.new for t in tallies)
    total_updated = sum(t.updated for t in tallies)
    failed = sum(t.failed for t in tallies)
    print(f"digest: {len(tallies)} feeds, {verb} {total_new} new and {total_updated} updated "
          f"articles" + (f", {failed} feeds failed" if failed else ""), file=out)
    return 1 if failed else 0


def _progress(out: TextIO, total: int) -> Callable[[int], None]:
    """A progress line on a terminal for more than a few feeds; nothing in CI (no TTY)."""
    isatty = getattr(out, "isatty", None)
    if total < 4 or not (isatty and isatty()):
        return lambda done: None

    def show(done: int) -> None:
        end = "\n" if done == total else ""
        out.write(f"\rfetching feeds: {done}/{total}{end}")
        out.flush()

    return show


def download_all(http: Client, sources: tuple[Source, ...], state: State,
                 progress: Callable[[int], None]) -> list[Download]:
    """Fetch the feeds concurrently (the client keeps to one request per host) -> the
    downloads, in the sources' order."""
    done = 0

    def one(source: Source) -> Download:
        etag, modified = state.validators(source.feed)
        try:
            return Download(source, http.get(source.feed, etag=etag, last_modified=modified,
                                             accept=FEED_ACCEPT))
        except FetchError as err:
            return Download(source, error=str(err))

    results = []
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(sources))) as pool:
        for result in pool.map(one, sources):
            done += 1
            progress(done)
            results.append(result)
    return results


def store_feed(download: Download, state: State, content_dir: Path, *,
               since: date | None = None, dry_run: bool = False) -> Tally:
    """One download -> its entries parsed, deduplicated and written; the Tally says how."""
    source, response = download.source, download.response
    tally = Tally(source)
    if response is None:
        tally.fail(f"{download.error}; skipped this time")
        return tally
    if response.not_modified:
        return tally
    if response.status >= 400:
        tally.fail(f"HTTP {response.status} from {response.url}; skipped this time")
        return tally
    if response.status != 200:
        tally.fail(f"unexpected HTTP {response.status} from {response.url}; skipped")
        return tally
    parsed: ParsedFeed = parse_feed(response.body, response.content_type, response.url)
    if parsed.failed:
        tally.fail(f"{parsed.failed}; skipped this time")
        return tally
    for note in parsed.notes:
        tally.warn(note)
    cutoff = datetime.combine(since, time(), UTC) if since else None
    for entry in parsed.entries:
        if cutoff and entry.published and entry.published < cutoff:
            tally.skipped += 1
            continue
        if not source.wants(f"{entry.title}\n{entry.summary}\n{entry.content}"):
            tally.skipped += 1
            continue
        _store_entry(entry, tally, state, content_dir, dry_run)
    if not dry_run and not tally.failed:
        state.set_validators(source.feed, response.headers.get("etag", ""),
                             response.headers.get("last-modified", ""))
    return tally


def _store_entry(entry: Entry, tally: Tally, state: State, content_dir: Path,
                 dry_run: bool) -> None:
    """Write a new entry, update one fetch wrote and nobody edited, or skip it."""
    source = tally.source
    if not entry.title:
        title = fallback_title(entry)
        if not title:
            where = entry.link or entry.id or "no link"
            tally.warn(f"an entry with no title and no text ({where}) was left out")
            tally.skipped += 1
            return
        tally.warn(f"an entry had no title; named it after its text: {title!r}")
        entry = replace(entry, title=title)
    if not entry.link and not entry.id.startswith(("http://", "https://")):
        tally.warn(f"entry {entry.title!r} has no link; kept without one")
    keys = entry_keys(entry, source)
    data = article_text(entry, source).encode("utf-8")
    rel = state.find(keys)
    if rel is not None:
        record = state.articles[rel]
        if record["sha256"] == sha256(data) or record.get("source") != source.name:
            tally.skipped += 1  # unchanged, or the same story from another source
            return
        target = content_dir / rel
        if file_hash(target) != record["sha256"]:
            tally.skipped += 1  # edited, moved or deleted by a person: theirs now
            return
        if not dry_run:
            replace_file(target, data)
            state.record(rel, keys, sha256(data), source.name)
        tally.updated += 1
        return
    rel = _free_name(state, source, entry)
    target = content_dir / rel
    if dry_run:  # remembered in memory only, so the other sources' duplicates show
        if target.exists():
            tally.skipped += 1
        else:
            state.record(rel, keys, sha256(data), source.name)
            tally.new += 1
        return
    if create_file(target, data):
        state.record(rel, keys, sha256(data), source.name)
        tally.new += 1
    elif file_hash(target) == sha256(data):
        state.record(rel, keys, sha256(data), source.name)  # the state was lost: adopt it
        tally.skipped += 1
    else:
        tally.warn(f"{rel} exists and fetch did not write it; left alone, entry skipped")
        tally.skipped += 1


def _free_name(state: State, source: Source, entry: Entry) -> str:
    """'<source-slug>/<date>-<slug>.md', with '-2', '-3'… when another entry has it."""
    name = article_name(entry.title, entry.published)
    stem = name.removesuffix(".md")
    rel = f"{source.slug}/{name}"
    n = 2
    while rel in state.articles:
        rel = f"{source.slug}/{stem}-{n}.md"
        n += 1
    return rel
