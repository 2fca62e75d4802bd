"""The one orchestrator: load -> normalise -> group -> render -> write, top to bottom."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import rcssmin
from jinja2 import Environment, TemplateError

from . import parallel
from .cache import Cache, Entry, cache_folder, code_fingerprint, entry_key, parse_fingerprint
from .check import LinkProblem, check_site
from .config import SiteConfig
from .group import group
from .images import ImageStat, LocalImage, find_local_images, image_files, shown_images
from .keys import (
    Uncacheable,
    article_keys,
    digest_key,
    page_key,
    reads_digest,
    value_key,
)
from .load import decode_source, find_sources, read_file, relative_name
from .meta import NOT_FOUND
from .model import Article, Digest, Problem
from .normalise import assign_slugs, duplicate_urls, future_problem, normalise
from .parallel import chunked, cores
from .publish import Publication, feed_links, publish
from .render import (
    BUILTIN_TEMPLATES,
    Page,
    render_page,
    render_pages,
    shared_environment,
    site_context,
    templates_key,
)
from .render import pages as site_pages
from .search import BUNDLE, SearchUnavailable, search_index, searchable
from .write import MANIFEST, OutputError, Staging, WriteResult, file_hash, patch_site, read_manifest

BUILTIN_STATIC = BUILTIN_TEMPLATES.parent / "static"


class BuildError(Exception):
    """The site could not be built at all (a template or output error); names the file."""


@dataclass
class BuildResult:
    articles_read: int = 0
    articles_built: int = 0
    drafts_skipped: int = 0
    future_skipped: int = 0
    undated: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the whole site, not one file
    pages: int = 0
    write: WriteResult | None = None
    seconds: float = 0.0
    digest: Digest | None = None  # None when nothing had changed and nothing was done
    feeds: int = 0  # feeds written (each in Atom, RSS and JSON Feed); 0 without base_url
    feed_undated: int = 0  # undated articles no feed carries
    sitemap_urls: int = 0
    link_problems: list[LinkProblem] = field(default_factory=list)
    parsed: int = 0  # files decoded and parsed (not found in the cache)
    rendered: int = 0  # pages rendered (not carried over unchanged)


Progress = Callable[[str, int, int], None]  # (what, done, of how many)

# Below these, starting worker processes costs more than it saves.
PARALLEL_FILES = 64
PARALLEL_PAGES = 200
# In the live preview, up to this many pages to render (an edit, an added article) are
# patched into the output file by file; more (a template, many articles) and every
# `digest build` go through the atomic swap.
PATCH_PAGES = 50


def build(config: SiteConfig, *, now: datetime | None = None,
          progress: Progress | None = None, cache: bool = True,
          jobs: int | None = None, patch: bool = False) -> BuildResult:
    """Build the whole site into config.output_dir; raises BuildError on fatal problems.

    With `cache`, parsed articles and page keys are kept in `.digest-cache/` (and in this
    process's memory for the next build); without it, nothing is read from or written to it.
    `jobs` is how many processes parse and render when there is much to do (default: one per
    core). The output is always replaced in one atomic swap, except with `patch` (the live
    preview, where an edit must show in milliseconds): then a small change is written into
    the output file by file.
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    jobs = jobs or cores()
    result = BuildResult()
    store = Cache.open(cache_folder(config), parse_fingerprint(config)) if cache else None
    try:
        scan = scan_sources(config, store)
        inputs = _inputs_key(config, scan) if store is not None else ""
        if store is not None and (done := _already_built(store, inputs, config, now)):
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
        result.problems.extend(duplicate_urls(published))

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
        result.write, new_pages = write_output(digest, config, publication, images, page_keys,
                                               old_pages, jobs, progress, result, patch, spare)
        result.problems.sort(key=lambda p: (p.path, p.line or 0))
        if store is not None:
            store.save(set(keys.values()), new_pages)
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


def _inputs_key(config: SiteConfig, scan: Scan) -> str:
    """Everything a build reads: code, config, templates, static files, every article file."""
    try:
        _, templates = shared_environment(config, cache_folder(config) / "templates")
    except TemplateError:
        templates = "unreadable"
    digest = hashlib.sha256(f"{code_fingerprint()}|{config!r}|{templates}".encode())
    for rel, data in sorted(read_static(config).items()):
        digest.update(f"|{rel}|{hashlib.sha256(data).hexdigest()}".encode())
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
    prefix = str(output) + os.sep
    if not all(os.path.isfile(prefix + rel) for rel in manifest):
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


def scan_sources(config: SiteConfig, cache: Cache | None) -> Scan:
    """Find the article files; with a cache, also know each file's hash (by its bytes, or
    by its unchanged stat when the cache hashed it before)."""
    content = config.resolve(config.content_dir)
    output = config.resolve(config.output_dir)
    if not content.is_dir():
        raise BuildError(f"{content}: the content folder does not exist (set `content:` in "
                         "digest.yaml or pass --content DIR)")
    paths, problems = find_sources(content, exclude=(output,))
    root = content.resolve()
    scan = Scan(root, paths, [_rel(path, root) for path in paths], problems, image_files(root))
    if cache is None:
        return scan
    for path, rel in zip(paths, scan.rels, strict=True):
        try:
            stat = os.stat(path)
        except OSError:
            stat = None
        sha = cache.known_hash(rel, stat) if stat is not None else None
        if sha is None:
            rel, data, read_problems = read_file(path, root)
            if data is None:
                scan.unreadable[rel] = (None, (None, read_problems))
                continue
            sha = hashlib.sha256(data).hexdigest()
            if stat is not None:
                cache.remember_hash(rel, stat, sha)
        scan.hashed[rel] = entry_key(rel, sha)
    cache.forget_files_but(set(scan.hashed))
    return scan


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
    for path in paths:
        rel, data, problems = read_file(path, root)
        if data is None:
            out.append((rel, None, (None, problems)))
            continue
        key = entry_key(rel, hashlib.sha256(data).hexdigest())
        source, problems = decode_source(rel, data, path.suffix.lower())
        if source is None:
            out.append((rel, key, (None, problems)))
            continue
        article, article_problems = normalise(source, config)  # no `now`: cacheable
        out.append((rel, key, (article, problems + article_problems)))
    return out


# In the cache folder: the site the last build replaced, where the next one starts.
SPARE = "previous-site"

PageRecord = tuple[str, str, str]  # (input key, hash of the bytes, link problems as JSON)


def write_output(digest: Digest, config: SiteConfig, publication: Publication,
                 images: Mapping[str, LocalImage], entry_keys: dict[str, str] | None,
                 old_pages: dict[str, PageRecord],
                 jobs: int = 1, progress: Progress | None = None,
                 result: BuildResult | None = None, patch: bool = False,
                 spare: Path | None = None) -> tuple[WriteResult, dict[str, PageRecord]]:
    """Digest -> the output folder; returns what was written and {page file: record} for
    the next build.

    A page whose input key and bytes are those of the last build is not rendered again
    (its link problems are those found then); with `patch`, up to PATCH_PAGES rendered
    pages are patched into the output, otherwise they go through a staging folder and one
    swap.
    """
    output = config.resolve(config.output_dir)
    static, files, env, site = _render_inputs(digest, config, publication, images)
    files |= publication.files  # written every build: small, and cheap to make
    try:
        pages = [*site_pages(digest, config), Page(NOT_FOUND, NOT_FOUND, {})]
        keys = _page_keys(digest, config, env, site, entry_keys, pages)
    except TemplateError as err:
        raise BuildError(_template_error(err)) from err
    job = _RenderJob(env, site, config, pages)

    previous = (read_manifest(output) if output.is_dir() else None) or {}
    hashes = {path: file_hash(data) for path, data in files.items()}
    links: dict[str, str] = {}  # page file -> its link problems (JSON), kept or found
    todo: list[int] = []
    for index, page in enumerate(pages):
        old = old_pages.get(page.file)
        if keys[index] is not None and old is not None and old[0] == keys[index] \
                and previous.get(page.file) == old[1]:
            hashes[page.file], links[page.file] = old[1], old[2]
        else:
            todo.append(index)
    paths = set(hashes) | {page.file for page in pages}
    if result is not None:
        result.pages = sum(1 for path in paths if path.endswith(".html"))
    checked = {path: files[path] for path in files if path not in static}
    write: WriteResult | None = None
    warnings: list[str] = []
    if patch and previous and len(todo) <= PATCH_PAGES:
        # a page where a folder is, a vanished file: then rebuild the whole folder
        with contextlib.suppress(OSError):
            write = _patch(output, job, todo, files, hashes, previous, paths, links, warnings)
    if write is None:
        write = _replace(output, job, todo, files, hashes, paths, links, jobs, progress,
                         warnings, spare)
    if result is not None:
        result.rendered = len(todo)
        result.warnings.extend(warnings)
        result.link_problems = sorted(
            [LinkProblem(path, link, message) for path in sorted(links)
             for link, message in json.loads(links[path])]
            + check_site(checked, config, exists=paths),
            key=lambda p: (p.file, p.link))
    return write, {page.file: (key, hashes[page.file], links[page.file])
                   for page, key in zip(pages, keys, strict=True)
                   if key is not None and page.file in hashes and page.file in links}


@dataclass(frozen=True)
class _RenderJob:
    env: Environment
    site: dict[str, Any]
    config: SiteConfig
    pages: list[Page]

    def render(self, index: int) -> bytes:
        page = self.pages[index]
        return render_page(self.env, page, self.site, self.config,
                           rooted=page.file == NOT_FOUND)


def _link_problems(path: str, data: bytes, config: SiteConfig, paths: set[str]) -> str:
    """A rendered page -> its link problems as JSON (kept with the page's record)."""
    found = check_site({path: data}, config, exists=paths)
    return json.dumps([[p.link, p.message] for p in found])


def _patch(output: Path, job: _RenderJob, todo: list[int], files: dict[str, bytes],
           hashes: dict[str, str], previous: dict[str, str], paths: set[str],
           links: dict[str, str], warnings: list[str]) -> WriteResult:
    """Render the few pages whose inputs changed and patch them into the output."""
    changed = {path: data for path, data in files.items() if previous.get(path) != hashes[path]}
    for index in todo:
        page = job.pages[index]
        try:
            data = job.render(index)
        except TemplateError as err:
            raise BuildError(_template_error(err)) from err
        hashes[page.file] = file_hash(data)
        links[page.file] = _link_problems(page.file, data, job.config, paths)
        if previous.get(page.file) != hashes[page.file]:
            changed[page.file] = data
    prefix = str(output) + os.sep
    bundle = _search_bundle(job.config, hashes, previous, warnings, lambda articles: {
        rel: changed.get(rel) or Path(prefix + rel).read_bytes() for rel in articles})
    for rel, data in bundle.items():
        hashes[rel] = file_hash(data)
        if previous.get(rel) != hashes[rel]:
            changed[rel] = data
    if any(rel not in changed and not os.path.isfile(prefix + rel) for rel in hashes):
        raise FileNotFoundError("a file of the last build is gone from the output")
    return patch_site(output, changed, hashes)


def _replace(output: Path, job: _RenderJob, todo: list[int], files: dict[str, bytes],
             hashes: dict[str, str], paths: set[str], links: dict[str, str], jobs: int,
             progress: Progress | None, warnings: list[str],
             spare: Path | None = None) -> WriteResult:
    """Write the whole site into a staging folder (rendering in parallel) and swap it in."""
    staging = Staging(output, spare)
    try:
        for path, data in files.items():
            staging.put(path, data)
        for index, page in enumerate(job.pages):
            if page.file in hashes and not staging.reuse(page.file, hashes[page.file]):
                del hashes[page.file]
                todo.append(index)
        todo[:] = sorted(set(todo))
        task = partial(_render_pages, job, staging, paths)
        written = unchanged_count = done = 0
        workers = jobs if len(todo) >= PARALLEL_PAGES else 1
        for chunk, counts, error in parallel.run(task, chunked(todo, 50), workers):
            if error:
                raise BuildError(error)
            staging.mark(chunk)
            for path, (digest, problems) in chunk.items():
                hashes[path], links[path] = digest, problems
            if counts is not None:  # rendered in another process
                written, unchanged_count = written + counts[0], unchanged_count + counts[1]
            done += len(chunk)
            if progress is not None:
                progress("writing", done, len(todo))
        staging.prune(lambda rel: rel in hashes or rel in paths or rel.startswith(BUNDLE))
        bundle = _search_bundle(job.config, hashes, staging.previous, warnings,
                                lambda articles: staging.folder)  # the pages are there
        for rel, data in bundle.items():
            hashes[rel] = staging.put(rel, data)
        for rel in [r for r in hashes if r.startswith(BUNDLE) and r not in bundle]:
            if not staging.reuse(rel, hashes[rel]):  # the old bundle is gone after all
                raise OutputError(f"{rel} vanished from the output during the build")
        return staging.commit(hashes, written, unchanged_count)
    except BaseException:
        staging.abort()
        raise


def _search_bundle(config: SiteConfig, hashes: dict[str, str], previous: dict[str, str],
                   warnings: list[str], pages: Callable[[list[str]], Mapping[str, bytes] | Path]
                   ) -> dict[str, bytes]:
    """The search bundle (Pagefind) to write, or {} when there is none to write: no search,
    or the last build's bundle still fits because no article page changed (its files are
    then added to `hashes`). Pagefind indexes every article page, so any change to one
    means indexing them all again. `pages(articles)` gives the article pages' bytes, or
    the folder that already holds them."""
    if not config.search:
        return {}
    articles = sorted(searchable(dict.fromkeys(hashes, b"")))
    before = sorted(searchable(dict.fromkeys(previous, b"")))
    old = {rel: digest for rel, digest in previous.items() if rel.startswith(BUNDLE)}
    if old and all(old.values()) and articles == before and all(
            previous[rel] == hashes[rel] for rel in articles):
        hashes.update(old)
        return {}
    try:
        return search_index(pages(articles), config)
    except SearchUnavailable as err:
        warnings.append(str(err))
        return {}


def _page_keys(digest: Digest, config: SiteConfig, env: Environment, site: dict[str, Any],
               entry_keys: dict[str, str] | None, pages: list[Page]) -> list[str | None]:
    """Each page's input key, or None where it must be rendered (no cache, unknown input)."""
    if entry_keys is None:
        return [None] * len(pages)
    articles = article_keys(digest.articles, entry_keys)
    try:
        shared = value_key({k: v for k, v in site.items() if k != "digest"}, articles)
    except Uncacheable:
        return [None] * len(pages)
    base = f"{code_fingerprint()}|{templates_key(env)}|{shared}"
    whole = digest_key(digest, articles) if len(articles) == len(digest.articles) else None
    reads: dict[str, bool] = {}
    templates: dict[str, tuple[bool, tuple[str | None, ...]]] = {}
    memo: dict[int, str] = {}  # the digest's days, months, topics… are alive until we return
    keys: list[str | None] = []
    for page in pages:
        if page.template not in reads:
            reads[page.template] = reads_digest(env, page.template, templates)
        # The page's <head> metadata (meta.page_articles) stands for the whole site on a
        # page that shows no articles of its own (topics/, sources/, archive/).
        whole_site = reads[page.template] or (page.template != NOT_FOUND and not any(
            name in page.context for name in _OWN_ARTICLES))
        if whole_site and whole is None:
            keys.append(None)
        else:
            keys.append(page_key(page, base, articles, whole if whole_site else None, memo))
    return keys


_OWN_ARTICLES = ("article", "page", "day", "month", "year")


def _render_pages(job: _RenderJob, staging: Staging, paths: set[str], indexes: Sequence[int],
                  ) -> tuple[dict[str, tuple[str, str]], tuple[int, int] | None, str]:
    """Render some pages into the staging folder -> {file: (hash, link problems)}, the
    counts when done in another process, and a template error message if one failed."""
    before = (staging.written, staging.unchanged)
    done = {}
    try:
        for index in indexes:
            page = job.pages[index]
            data = job.render(index)
            done[page.file] = (staging.put(page.file, data),
                               _link_problems(page.file, data, job.config, paths))
    except TemplateError as err:
        return done, None, _template_error(err)
    if os.getpid() == _PARENT_PID:
        return done, None, ""
    return done, (staging.written - before[0], staging.unchanged - before[1]), ""


_PARENT_PID = os.getpid()


def render_site(digest: Digest, config: SiteConfig,
                publication: Publication | None = None,
                images: Mapping[str, LocalImage] | None = None) -> dict[str, bytes]:
    """Digest (+ local lead images) -> every output file in memory: static assets
    (fingerprinted CSS and JS), images copied next to their articles, rendered pages,
    feeds, sitemap and the files GitHub Pages reads."""
    publication = publication or publish(digest, config)
    _, files, env, site = _render_inputs(digest, config, publication, images or {})
    try:
        files.update(render_pages(digest, config, env, extra=site))
    except TemplateError as err:
        raise BuildError(_template_error(err)) from err
    files.update(publication.files)
    return files


def _render_inputs(digest: Digest, config: SiteConfig, publication: Publication,
                   images: Mapping[str, LocalImage],
                   ) -> tuple[dict[str, bytes], dict[str, bytes], Environment, dict[str, Any]]:
    """What every way of rendering needs: the static files, those plus the lead images
    copied next to their articles, the Jinja environment, and the site-wide context."""
    static, assets = static_files(config)
    files = dict(static)
    for article in digest.articles:
        if article.path in images:
            files[article.url + images[article.path].name] = images[article.path].data
    try:
        env, _ = shared_environment(config)
        site = site_context(digest, config) | {
            "assets": assets, "feeds_for": feed_links(publication.feeds, config),
            "images": shown_images(digest.articles, images, config)}
    except TemplateError as err:
        raise BuildError(_template_error(err)) from err
    return static, files, env, site


def minify_css(data: bytes) -> bytes:
    """Readable in the theme, small on the wire (an article page and its CSS stay under
    30 KB); CSS that is not UTF-8 is left as it is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return rcssmin.cssmin(text).encode("utf-8")


def static_files(config: SiteConfig) -> tuple[dict[str, bytes], dict[str, str]]:
    """The static files to write, and {name: fingerprinted path} for templates' `assets`."""
    assets = {}
    files: dict[str, bytes] = {}
    for rel, data in read_static(config).items():
        if rel.endswith(".css"):
            data = minify_css(data)
        if rel.endswith(".css") or rel.endswith(".js"):
            stem, dot, suffix = rel.rpartition(".")
            fingerprinted = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{dot}{suffix}"
            assets[rel] = f"static/{fingerprinted}"
            files[f"static/{fingerprinted}"] = data
        else:
            assets[rel] = f"static/{rel}"
            files[f"static/{rel}"] = data
    return files, assets


def _template_error(err: TemplateError) -> str:
    """A Jinja error -> 'templates/x.html:12: UndefinedError: …' (Jinja puts template
    lines into the traceback, so the innermost template frame says where it happened)."""
    name = getattr(err, "filename", None) or getattr(err, "name", None)
    line = getattr(err, "lineno", None)
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if not f.filename.endswith(".py") and f.filename != "<template>"]
    if frames and not name:
        name, line = frames[-1].filename, frames[-1].lineno
    where = f"{name}:{line}" if name and line else (name or "template")
    return f"{where}: {type(err).__name__}: {err.message or err}"


def read_static(config: SiteConfig) -> dict[str, bytes]:
    """Built-in static files, overridden file by file by the site's own static folder."""
    folders = [BUILTIN_STATIC]
    own = config.resolve(config.static_dir) if config.static_dir else config.root / "static"
    if own.is_dir() and own.resolve() != BUILTIN_STATIC.resolve():
        folders.append(own)
    files: dict[str, bytes] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and path.name != "__init__.py":
                files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def with_drafts(config: SiteConfig, drafts: bool) -> SiteConfig:
    return replace(config, drafts=drafts)


def output_path(config: SiteConfig) -> Path:
    return config.resolve(config.output_dir)
