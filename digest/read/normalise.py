"""Pure: one decoded file -> one Article, assembled from the field table and the body."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from pathlib import PurePosixPath

from ..config import SiteConfig
from ..model import Article, Problem, Source, SourceFile, Topic
from ..stories.fingerprint import fingerprint
from .fields import FIELDS, KNOWN_KEYS, domain_of, read_fields
from .formats import read_document, title_from_heading
from .markdown import html_text, render_blocks, render_markdown, sanitise_html
from .pasted import FURNITURE_PATTERNS
from .plaintext import parse_plain, strip_controls, strip_promo_markdown
from .sidecar import read_sidecar, with_sidecar
from .slugs import slugify
from .text import clean_text, first_words, shorten
from .topics import topics_by_rules

MAX_BODY_CHARS = 2_000_000
_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_ ]|$)")


def normalise(source: SourceFile, config: SiteConfig,
              now: datetime | None = None) -> tuple[Article | None, list[Problem]]:
    """SourceFile -> Article (None if nothing usable) and the problems found on the way."""
    problems: list[Problem] = []

    def problem(message: str, line: int | None = None, severity: str = "warning") -> None:
        problems.append(Problem(source.rel, message, line, severity))

    text = source.text
    if not text.strip():
        return None, [Problem(source.rel, "empty file; skipped", severity="error")]
    read = read_document(text, source.rel)
    for line, message in read.problems:
        problem(message, line)
    meta = read.meta or {}
    side: dict[str, object] = {}
    if source.sidecar is not None:
        side, side_problems = read_sidecar(source.sidecar)
        problems.extend(side_problems)
        meta = with_sidecar(meta, side)
    values, field_problems = read_fields(meta, config)
    for message in field_problems:
        key = message.split(":", 1)[0]
        if key in side and source.sidecar is not None:  # a bad value in the sidecar
            problems.append(Problem(source.sidecar.rel, message,
                                    _key_line(source.sidecar.text, key)))
        else:
            problem(message, _key_line(text, key) if read.meta else None)

    body = read.body
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS]
        problem(f"body is over {MAX_BODY_CHARS:,} characters; the rest was cut")

    title = values.get("title", "")
    standfirst = ""
    dateline = pasted_published = pasted_updated = None
    pasted_author = ""
    # the user's promo patterns first, then the page furniture (unless `furniture: false`)
    patterns = config.promo_patterns + (FURNITURE_PATTERNS if config.furniture else ())
    # Markdown without a header is read as pasted text, as it always was, unless the site
    # (Hugo, Jekyll, Pelican) would render it; its leading "# Heading" is its title.
    markdown = read.body_format == "markdown"
    if markdown and not title and read.meta is None:
        heading, rest = title_from_heading(body)
        if heading:
            title, body = clean_text(heading), rest
    if read.body_format == "html":
        body_html, body_problems = sanitise_html(strip_controls(body))
        for message in body_problems:
            problem(message)
        plain = html_text(body_html)
        words = len(plain.split())
        first_paragraph = _first_paragraph(body_html)
    elif markdown and (read.meta is not None or config.site.tool != "none"):
        body, _ = strip_promo_markdown(body, patterns)
        body_html, body_problems = render_markdown(body, config.markdown)
        for message in body_problems:
            problem(message)
        plain = html_text(body_html)
        words = plain.count(" ") + 1 if plain else 0  # html_text leaves one space between words
        first_paragraph = _first_paragraph(body_html)
    else:
        doc = parse_plain(body, patterns, title=title or None, zone=config.zone)
        title = title or doc.title
        standfirst, dateline = doc.standfirst, doc.dateline
        pasted_author, pasted_published, pasted_updated = doc.author, doc.published, doc.updated
        body_html = render_blocks(doc.blocks)
        plain = " ".join(b.text or " ".join(b.items) for b in doc.blocks)
        words = len(plain.split())
        first_paragraph = standfirst or next((b.text for b in doc.blocks if b.kind == "p"), "")

    if not title:
        title = clean_text(PurePosixPath(source.rel).stem.replace("-", " ").replace("_", " "))
        problem(f"no title; using the file name {title!r}")
    if len(title) > config.max_title_length:
        problem(f"title is {len(title):,} characters long; shown cut to "
                f"{config.max_title_length}")
        title = shorten(title, config.max_title_length)

    published = values.get("published")
    if published is None:
        match = _FILENAME_DATE.match(PurePosixPath(source.rel).name)
        if match:
            try:
                published = datetime(*map(int, match.groups()), tzinfo=config.zone)
            except ValueError:
                problem(f"file name starts with an impossible date {match.group(0)[:10]!r}")
    if published is None:
        published = pasted_published
    if published is None and dateline is not None:
        published = datetime.combine(dateline, time(), tzinfo=config.zone)
    draft = values.get("draft", False) or values.get("published_flag") is False
    name, domain = values.get("source", ("", ""))
    original_url = values.get("original_url", "")
    if not domain and original_url.startswith("http"):
        domain = domain_of(original_url)
    source_value = None
    if name or domain:
        source_value = Source(name or domain, domain, slugify(name or domain))

    topics = _dedupe(values.get("topics", ()))
    if len(topics) > config.max_topics:
        # each topic page shows the article's card with all its chips: the output grows
        # with the square of the count (4,000 topics made 1.3 GB)
        key = next((k for k in FIELDS["topics"].keys if k in meta), None)
        problem(f"{len(topics):,} topics; only the first {config.max_topics} are kept "
                "(max_topics in digest.yaml)", _key_line(text, key) if key else None)
        topics = topics[:config.max_topics]
    if not topics:
        topics = _dedupe(topics_by_rules(title, f"{standfirst} {plain}", config.topic_rules,
                                         config.default_topic))
        cap = min(config.max_rule_topics, config.max_topics)
        if len(topics) > cap:
            problem(f"topic rules matched {len(topics)} topics; only the best {cap} are kept "
                    f"({', '.join(topics[cap:])} left out; topics.max_from_rules in "
                    "digest.yaml)", severity="note")
            topics = topics[:cap]
    excerpt = values.get("excerpt") or first_words(first_paragraph, config.excerpt_words)
    article = Article(
        path=source.rel,
        slug=values.get("slug") or slugify(title),
        title=title,
        published=published,
        updated=values.get("updated") or pasted_updated,
        topics=tuple(Topic(n, slugify(n)) for n in topics),
        source=source_value,
        original_url=original_url,
        excerpt=shorten(excerpt, 600),
        standfirst=standfirst,
        body=body_html.encode("utf-8", "surrogatepass"),
        image=values.get("image"),
        related=values.get("related", ()),
        word_count=words,
        reading_minutes=max(1, round(words / config.words_per_minute)) if words else 0,
        draft=draft,
        author=values.get("author") or pasted_author,
        meta={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
        # as read, for a Hugo, Jekyll or Pelican site's rules (no other site reads it)
        front=meta if (read.meta is not None or side) and config.site.tool != "none"
        else None,
        fingerprint=fingerprint(title, f"{standfirst}\n{plain}"),
    )
    if now is not None and (future := future_problem(article, config, now)):
        problems.append(future)
    return article, problems


def future_problem(article: Article, config: SiteConfig, now: datetime) -> Problem | None:
    """The one problem that depends on the clock, kept apart so parsed articles can be cached.

    Only with `future` on, where a date far ahead (a typo for a past year?) is shown: left
    out, an article dated ahead waits for its day, and the summary counts it.
    """
    if not config.shows_future or article.published is None or \
            article.published <= now + timedelta(days=1):
        return None
    return Problem(article.path, f"date {article.published.date().isoformat()} is in the "
                   "future; shown anyway (--no-future to leave it out)")


def _first_paragraph(fragment: str) -> str:
    match = re.search(r"<p>(.*?)</p>", fragment, re.DOTALL)
    return html_text(match.group(1)) if match else html_text(fragment)


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*\"?{re.escape(key)}\"?\s*[:=]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out
