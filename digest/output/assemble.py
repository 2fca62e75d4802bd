"""Digest -> the output folder: the pages whose inputs changed rendered (in several
processes when there are many), the static files, the search bundle, all handed to
write.py, which swaps them in at once (or, in the live preview, patches a few in place).
"""

from __future__ import annotations

import contextlib
import json
import os
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, TemplateError

from .. import parallel
from ..config import SiteConfig
from ..incremental.cache import code_fingerprint
from ..incremental.keys import (
    KeyMemo,
    Uncacheable,
    article_keys,
    digest_key,
    page_key,
    reads_digest,
    value_key,
)
from ..model import Digest
from ..parallel import chunked
from ..passes import Edit
from ..site.images import LocalImage, ShownImage, shown_images, shown_images_kept
from ..site.meta import NOT_FOUND
from ..site.publish import Publication, feed_links
from ..site.render import Page, render_page, shared_environment, site_context
from ..site.render import pages as site_pages
from .check import LinkProblem, check_site
from .manifest import WriteResult, file_hash, read_manifest
from .order import render_order
from .records import intact
from .redirects import redirect_pages
from .search import BUNDLE, SearchUnavailable, searchable
from .shards import SHARDS, search_bundle, shard_names
from .staging import Staging
from .static import static_files
from .write import disk_error, patch_site

if TYPE_CHECKING:
    from ..results import BuildResult

Progress = Callable[[str, int, int], None]  # (what, done, of how many)
Ready = Callable[[Callable[[str], bytes | None]], None]  # see write_output

# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_PAGES = 200
# In the live preview, up to this many pages to render (an edit, an added article) are
# patched into the output file by file; more (a template, many articles) and every
# `digest build` go through the atomic swap.
PATCH_PAGES = 50


class BuildError(Exception):
    """The site could not be built at all (a template or output error); names the file."""


# In the cache folder: the site the last build replaced, where the next one starts.
SPARE = "previous-site"

PageRecord = tuple[str, str, str]  # (input key, hash of the bytes, link problems as JSON)


def write_output(digest: Digest, config: SiteConfig, publication: Publication,
                 images: Mapping[str, LocalImage], entry_keys: dict[str, str] | None,
                 old_pages: dict[str, PageRecord],
                 jobs: int = 1, progress: Progress | None = None,
                 result: BuildResult | None = None, patch: bool = False,
                 spare: Path | None = None, memo: KeyMemo | None = None,
                 ready: Ready | None = None, edit: Edit | None = None,
                 ) -> tuple[WriteResult, dict[str, PageRecord]]:
    """Digest -> the output folder; returns what was written and {page file: record} for
    the next build.

    A page whose input key and bytes are those of the last build is not rendered again
    (its link problems are those found then); with `patch`, up to PATCH_PAGES rendered
    pages are patched into the output, otherwise they go through a staging folder and one
    swap. `memo` carries keys from one build of this process to the next. `ready` is
    handed a way to render any page of the new site as soon as the pages are known,
    before any is written (the live preview serves them from there meanwhile). `edit`:
    what the digest is of the last build's (passes.Edit), for the article pages.
    """
    output = config.resolve(config.output_dir)
    static, files, (env, templates), site = _render_inputs(
        digest, config, publication, images,
        partial(shown_images_kept, edit=edit, last=memo.images) if memo is not None
        else shown_images)
    files |= publication.files  # written every build: small, and cheap to make
    pages = [*site_pages(digest, config, memo.article_pages if memo is not None else None,
                         edit), Page(NOT_FOUND, NOT_FOUND, {})]
    job = _RenderJob(env, site, config, pages)
    if ready is not None:  # (what follows renders no page)
        ready(job.renderer())
    # the old tool's URLs, where no page of ours is (redirects.py)
    moved, moved_problems = redirect_pages(digest.articles, config,
                                           {page.file for page in pages} | set(files))
    files |= moved
    if result is not None:
        result.problems.extend(moved_problems)
    try:
        keys = _page_keys(digest, env, templates, site, entry_keys, pages, memo)
    except TemplateError as err:
        raise BuildError(_template_error(err)) from err

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
        try:
            write = _patch(output, job, todo, files, hashes, previous, paths, links, warnings,
                           spare)
        except _NOT_AS_LEFT:  # then the whole folder is built again
            write = None
        except OSError as err:  # the disk is full, the folder read-only
            raise disk_error(err, output, patched=True) from err
    if write is None:
        try:
            write = _replace(output, job, todo, files, hashes, paths, links, jobs, progress,
                             warnings, spare)
        except OSError as err:
            raise disk_error(err, output) from err
    warnings.extend(write.warnings)
    if result is not None:
        result.rendered = len(todo)
        result.warnings.extend(warnings)
        result.link_problems = sorted(
            [LinkProblem(path, link, message) for path in sorted(links)
             if links[path] != _NO_PROBLEMS for link, message in json.loads(links[path])]
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

    def renderer(self) -> Callable[[str], bytes | None]:
        """file in the site -> its page rendered now (None: not a page of this site)."""
        where = {page.file: index for index, page in enumerate(self.pages)}
        return lambda file: self.render(where[file]) if file in where else None


_NO_PROBLEMS = "[]"
# What a patch meets when the output is not as the last build left it (a page where a
# folder is, a vanished or edited file, a symlink on the way), rather than a disk error.
_NOT_AS_LEFT = (FileNotFoundError, FileExistsError, NotADirectoryError, IsADirectoryError)


def _link_problems(path: str, data: bytes, config: SiteConfig, paths: set[str],
                   digest: str | None = None) -> str:
    """A rendered page (and its file_hash) -> its link problems as JSON (kept with the
    page's record)."""
    found = check_site({path: data}, config, exists=paths,
                       hashes={path: digest} if digest else None)
    return json.dumps([[p.link, p.message] for p in found]) if found else _NO_PROBLEMS


def _patch(output: Path, job: _RenderJob, todo: list[int], files: dict[str, bytes],
           hashes: dict[str, str], previous: dict[str, str], paths: set[str],
           links: dict[str, str], warnings: list[str], spare: Path | None) -> WriteResult:
    """Render the few pages whose inputs changed and patch them into the output; the
    files kept must be as the last build left them (else FileNotFoundError)."""
    changed = {path: data for path, data in files.items() if previous.get(path) != hashes[path]}
    for index in todo:
        page = job.pages[index]
        try:
            data = job.render(index)
        except TemplateError as err:
            raise BuildError(_template_error(err)) from err
        hashes[page.file] = file_hash(data)
        links[page.file] = _link_problems(page.file, data, job.config, paths, hashes[page.file])
        if previous.get(page.file) != hashes[page.file]:
            changed[page.file] = data
    prefix = str(output) + os.sep
    bundle = _search_bundle(output, job, hashes, previous, warnings,
                            lambda rel: changed.get(rel) or Path(prefix + rel).read_bytes())
    for rel, data in bundle.items():
        hashes[rel] = file_hash(data)
        if previous.get(rel) != hashes[rel]:
            changed[rel] = data
    if not intact(output, {rel: hashes[rel] for rel in hashes if rel not in changed}, spare):
        raise FileNotFoundError("a file of the last build is gone from the output, or changed")
    return patch_site(output, changed, hashes, spare)


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
        task = partial(_render_pages, job, paths, staging)
        done = 0
        workers = jobs if len(todo) >= PARALLEL_PAGES else 1
        # Workers render and write new pages (Staging.place; sending them here cost ~4 % of the
        # CPU) in folders made here first: two processes making folders at once cost 2-4x (ext4).
        staging.folders_for([job.pages[index].file for index in todo])
        chunks = chunked(render_order(job.pages, todo), 50)
        # (closed at once on an error: no worker writes into a folder being removed)
        with contextlib.closing(parallel.run(task, chunks, workers)) as rendered:
            for chunk, error in rendered:
                if error:
                    raise BuildError(error)
                for index, data, digest, problems, status in chunk:
                    path = job.pages[index].file  # (the parent's string, not the worker's copy)
                    if status is None:
                        staging.put(path, data, digest)
                    else:
                        staging.note(path, status, digest)
                    hashes[path], links[path] = digest, problems or _NO_PROBLEMS
                done += len(chunk)
                if progress is not None:
                    progress("writing", done, len(todo))
        staging.prune(lambda rel: rel in hashes or rel in paths or rel.startswith(BUNDLE))
        folder = staging.folder  # the pages are there

        def read(rel: str) -> bytes:
            return (folder / rel).read_bytes()

        bundle = _search_bundle(output, job, hashes, staging.previous, warnings, read, jobs)
        for rel, data in bundle.items():
            hashes[rel] = staging.put(rel, data)
        kept = [rel for rel in hashes if rel.startswith(BUNDLE) and rel not in bundle]
        reused = [rel for rel in kept if staging.reuse(rel, hashes[rel])]
        if len(reused) < len(kept):  # the last bundle is not all as it was written: index again
            for rel in kept:
                del hashes[rel]
            for rel in reused:
                staging.drop(rel)
            bundle = _search_bundle(output, job, hashes, {}, warnings, read, jobs)
            for rel, data in bundle.items():
                hashes[rel] = staging.put(rel, data)
        return staging.commit(hashes)
    except BaseException as err:
        staging.abort(stopped=isinstance(err, KeyboardInterrupt))
        raise


def _search_bundle(output: Path, job: _RenderJob, hashes: dict[str, str],
                   previous: dict[str, str], warnings: list[str],
                   read: Callable[[str], bytes], jobs: int = 1) -> dict[str, bytes]:
    """The search bundle's files to write ({} with no search); the last build's files that
    still fit are added to `hashes` (see shards.py). `read(file)` gives a page's bytes."""
    if not job.config.search:
        return {}
    articles = searchable(dict.fromkeys(hashes, b""))
    shard_of = shard_names({page.file: page.context["article"].published
                            for page in job.pages
                            if page.file in articles and "article" in page.context})
    state = None
    if previous.get(SHARDS):
        try:
            state = (output / SHARDS).read_bytes()
        except OSError:
            state = None
        if state is not None and file_hash(state) != previous[SHARDS]:
            state = None
    try:
        return search_bundle(job.config, shard_of, hashes, previous, state, read, jobs)
    except SearchUnavailable as err:
        warnings.append(str(err))
        return {}


def _page_keys(digest: Digest, env: Environment, templates: str, site: dict[str, Any],
               entry_keys: dict[str, str] | None, pages: list[Page],
               known: KeyMemo | None = None) -> list[str | None]:
    """Each page's input key, or None where it must be rendered (no cache, unknown input)."""
    if entry_keys is None:
        return [None] * len(pages)
    articles = article_keys(digest.articles, entry_keys, known, digest.stories)
    try:
        shared = value_key({k: v for k, v in site.items() if k != "digest"}, articles)
    except Uncacheable:
        return [None] * len(pages)
    base = f"{code_fingerprint()}|{templates}|{shared}"
    whole = digest_key(digest, articles) if len(articles) == len(digest.articles) else None
    reads: dict[str, bool] = {}
    analysed: dict[str, tuple[bool, tuple[str | None, ...]]] = {}
    memo: dict[int, str] = {}  # the digest's days, months, topics… are alive until we return
    kept: dict[str, tuple[tuple[Any, ...], str | None]] = {}
    keys: list[str | None] = []
    for page in pages:
        if page.template not in reads:
            reads[page.template] = reads_digest(env, page.template, analysed)
        # The page's <head> metadata (meta.page_articles) stands for the whole site on a
        # page that shows no articles of its own (topics/, sources/, archive/).
        whole_site = reads[page.template] or (page.template != NOT_FOUND and not any(
            name in page.context for name in _OWN_ARTICLES))
        if whole_site and whole is None:
            keys.append(None)
        else:
            keys.append(page_key(page, base, articles, whole if whole_site else None, memo,
                                 known, kept))
    if known is not None:
        known.pages = kept
    return keys


_OWN_ARTICLES = ("article", "page", "day", "month", "year")


def _render_pages(job: _RenderJob, paths: set[str], staging: Staging, indexes: Sequence[int],
                  ) -> tuple[list[tuple[int, bytes, str, str, os.stat_result | None]], str]:
    """Render some pages, placing the new ones -> (index, bytes or b'' once placed, hash, link
    problems or '' for none, its lstat once placed) each, and a template error if one failed."""
    done = []
    try:
        with parallel.collector(on=True):  # see parallel.collector
            for index in indexes:
                page = job.pages[index]
                data = job.render(index)
                digest = file_hash(data)
                problems = _link_problems(page.file, data, job.config, paths, digest)
                status = staging.place(page.file, data, digest)
                done.append((index, b"" if status is not None else data, digest,
                             "" if problems == _NO_PROBLEMS else problems, status))
    except TemplateError as err:
        return done, _template_error(err)
    return done, ""


def _render_inputs(digest: Digest, config: SiteConfig, publication: Publication,
                   images: Mapping[str, LocalImage],
                   shown: Callable[..., dict[str, ShownImage]] = shown_images,
                   ) -> tuple[dict[str, bytes], dict[str, bytes], tuple[Environment, str],
                              dict[str, Any]]:
    """What rendering needs: the static files, those plus the lead images copied next to
    their articles, the Jinja environment with the key of its templates, and the
    site-wide context (`shown`: shown_images, or what stands for it)."""
    static, assets = static_files(config)
    files = dict(static)
    for article in digest.articles if images else ():
        if article.path in images:
            files[article.url + images[article.path].name] = images[article.path].data
    try:
        environment = shared_environment(config)
        site = site_context(digest, config) | {
            "assets": assets, "feeds_for": feed_links(publication.feeds, config),
            "images": shown(digest.articles, images, config)}
    except TemplateError as err:
        raise BuildError(_template_error(err)) from err
    return static, files, environment, site


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
