"""The one orchestrator: load -> normalise -> group -> render -> write, top to bottom."""

from __future__ import annotations

import hashlib
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import rcssmin
from jinja2 import TemplateError

from .check import LinkProblem, check_site
from .config import SiteConfig
from .group import group
from .images import LocalImage, find_local_images, shown_images
from .load import find_sources, read_source
from .model import Article, Digest, Problem
from .normalise import apply_topic_rules, assign_slugs, duplicate_urls, normalise
from .publish import Publication, feed_links, publish
from .render import BUILTIN_TEMPLATES, make_environment, render_pages, site_context
from .search import SearchUnavailable, search_index
from .write import WriteResult, write_site

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
    digest: Digest | None = None
    feeds: int = 0  # feeds written (each in Atom, RSS and JSON Feed); 0 without base_url
    feed_undated: int = 0  # undated articles no feed carries
    sitemap_urls: int = 0
    link_problems: list[LinkProblem] = field(default_factory=list)


def read_articles(config: SiteConfig, now: datetime) -> tuple[list[Article], list[Problem], int]:
    """Content folder -> normalised articles (drafts included), problems, files read."""
    content = config.resolve(config.content_dir)
    output = config.resolve(config.output_dir)
    if not content.is_dir():
        raise BuildError(f"{content}: the content folder does not exist (set `content:` in "
                         "digest.yaml or pass --content DIR)")
    paths, problems = find_sources(content, exclude=(output,))
    articles: list[Article] = []
    for path in paths:
        source, read_problems = read_source(path, content)
        problems.extend(read_problems)
        if source is None:
            continue
        article, article_problems = normalise(source, config, now)
        problems.extend(article_problems)
        if article is not None:
            articles.append(article)
    return articles, problems, len(paths)


def build(config: SiteConfig, *, now: datetime | None = None,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build the whole site into config.output_dir; raises BuildError on fatal problems."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    result = BuildResult()

    articles, problems, result.articles_read = read_articles(config, now)
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
    published = [apply_topic_rules(a, config.topic_rules, config.default_topic)
                 for a in published]
    published, slug_problems = assign_slugs(published)
    result.problems.extend(slug_problems)
    result.problems.extend(duplicate_urls(published))

    digest = group(published, config)
    result.digest = digest
    result.articles_built = len(digest.articles)
    result.undated = len(digest.undated)

    publication = publish(digest, config)
    result.feeds, result.feed_undated = len(publication.feeds), publication.undated
    result.sitemap_urls = publication.sitemap_urls
    images, image_problems = find_local_images(digest.articles,
                                               config.resolve(config.content_dir))
    result.problems.extend(image_problems)
    files = render_site(digest, config, publication, images)
    result.pages = sum(1 for p in files if p.endswith(".html"))
    # Before writing, so a link that would break under the base path is reported at once.
    result.link_problems = check_site(files, config)
    # Search indexes the rendered pages (in memory, never the output folder), so its
    # bundle is swapped in atomically with everything else below.
    if config.search:
        try:
            files.update(search_index(files, config))
        except SearchUnavailable as err:
            result.warnings.append(str(err))
    result.write = write_site(files, config.resolve(config.output_dir))
    result.problems.sort(key=lambda p: (p.path, p.line or 0))
    result.seconds = time.perf_counter() - started
    return result


def render_site(digest: Digest, config: SiteConfig,
                publication: Publication | None = None,
                images: Mapping[str, LocalImage] | None = None) -> dict[str, bytes]:
    """Digest (+ local lead images) -> every output file: static assets (fingerprinted
    CSS and JS), images copied next to their articles, rendered pages, feeds, sitemap
    and the files GitHub Pages reads."""
    publication = publication or publish(digest, config)
    static = read_static(config)
    assets = {}
    files: dict[str, bytes] = {}
    for rel, data in static.items():
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
    images = images or {}
    for article in digest.articles:
        if article.path in images:
            files[article.url + images[article.path].name] = images[article.path].data
    try:
        env = make_environment(config)
        site = site_context(digest, config) | {
            "assets": assets, "feeds_for": feed_links(publication.feeds, config),
            "images": shown_images(digest.articles, images, config)}
        files.update(render_pages(digest, config, env, extra=site))
    except TemplateError as err:
        raise BuildError(_template_error(err)) from err
    files.update(publication.files)
    return files


def minify_css(data: bytes) -> bytes:
    """Readable in the theme, small on the wire (an article page and its CSS stay under
    30 KB); CSS that is not UTF-8 is left as it is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return rcssmin.cssmin(text).encode("utf-8")


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
