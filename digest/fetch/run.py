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

from digest.config import ConfigError, SiteConfig, load_config

from .entries import article_name, article_text, entry_keys, fallback_title, url_key
from .feeds import Entry, ParsedFeed, parse_feed
from .http import Client, FetchError, Response
from .sources import Source
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


def fetch(config: SiteConfig | Path, content_dir: Path, cache_dir: Path, *,
          source: str | None = None, since: date | None = None, dry_run: bool = False,
          out: TextIO = sys.stdout, client: Client | None = None) -> int:
    """Pull every source's feed (from a SiteConfig, or the digest.yaml at a path) into
    article files -> exit status (0, 1: a feed failed, 2: a fatal config error)."""
    if isinstance(config, Path):
        try:
            config = load_config(config)
        except ConfigError as err:
            print(f"error: {err}", file=out)
            return 2
    sources, config_path = config.sources, config.config_path or "the config"
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


CLIPPED = "clipped"
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


def add(targets: list[str], content_dir: Path, cache_dir: Path, *,
        topics: tuple[str, ...] = (), source: str | None = None, out: TextIO = sys.stdout,
        client: Client | None = None) -> int:
    """Clip web pages (URLs or saved .html files) into `<content>/clipped/` -> exit status
    (0, or 1 when any page could not be clipped)."""
    state = State.load(state_path(cache_dir))
    if state.note:
        print(f"warning: {state.note}", file=out)
    failed = 0
    with client or Client() as http:
        for target in targets:
            try:
                message = _add_one(http, target, state, content_dir, topics, source)
            except (FetchError, OSError) as err:
                message, failed = f"error: {target}: {err}", failed + 1
            else:
                failed += message.startswith("error:")
            print(message, file=out)
    state.save()
    return 1 if failed else 0


def _add_one(http: Client, target: str, state: State, content_dir: Path,
             topics: tuple[str, ...], source: str | None) -> str:
    """Clip one page -> the line to print."""
    from .clip import clip, clipping_text, image_suffix

    if target.startswith(("http://", "https://")):
        response = http.get(target, accept=PAGE_ACCEPT)
        if response.status != 200:
            return f"error: {target}: HTTP {response.status}; not clipped"
        if response.content_type not in {"text/html", "application/xhtml+xml", ""}:
            return f"error: {target}: {response.content_type}, not a web page; not clipped"
        page, url = response.body, response.url
    else:
        page, url = Path(target).read_bytes(), ""
    requested = ("url:" + url_key(target),) if url else ()
    if (rel := state.find(requested)) is not None:
        return f"{target}: already clipped as {rel}"
    clipping = clip(page, url)
    if clipping is None:
        return f"error: {target}: no article text found; not clipped"
    keys = tuple(dict.fromkeys([*requested, *clipping.keys(),
                                *(("url:" + url_key(url),) if url else ())]))
    if not clipping.url:  # a saved page that does not say where it came from
        keys = (*keys, "sha256:" + sha256(page))
    if (rel := state.find(keys)) is not None:
        return f"{target}: already clipped as {rel}"
    name = article_name(clipping.title, clipping.published)
    rel = f"{CLIPPED}/{name}"
    n = 2
    while rel in state.articles or (content_dir / rel).exists():
        rel = f"{CLIPPED}/{name.removesuffix('.md')}-{n}.md"
        n += 1
    image_note = ""
    if clipping.image:
        image_note = _save_image(http, clipping.image, content_dir / rel, image_suffix)
    data = clipping_text(clipping, topics, source=source or "").encode("utf-8")
    if not create_file(content_dir / rel, data):
        return f"error: {target}: {rel} appeared meanwhile; not clipped"
    state.record(rel, keys, sha256(data), CLIPPED)
    return f"{target}: clipped as {rel}{image_note}"


def _save_image(http: Client, url: str, article: Path,
                suffix_of: Callable[[str, str], str]) -> str:
    """Download the lead image next to the article, named like it -> a note for the line."""
    try:
        response = http.get(url, accept="image/avif,image/webp,image/*;q=0.8")
    except FetchError as err:
        return f" (lead image not downloaded: {err})"
    suffix = suffix_of(response.content_type, response.url)
    if response.status != 200 or not suffix:
        return f" (lead image not downloaded: HTTP {response.status} {response.content_type})"
    image = article.with_suffix(suffix)
    if not create_file(image, response.body):
        return f" (lead image not saved: {image.name} exists)"
    return f", lead image {image.name}"
