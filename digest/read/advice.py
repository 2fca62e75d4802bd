"""Pure: articles -> what each lacks (a date, a topic of its own, a source) and the fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from ..config import SiteConfig
from ..model import Article
from .sidecar import WITH_SIDECAR

_FRONT_MATTER = "to its front matter (a `---` block at the top of the file)"


@dataclass(frozen=True)
class Advice:
    path: str  # the article file, inside the content folder
    lack: str  # "no date", "no topic but the default", "no source"
    fix: str

    def __str__(self) -> str:
        return f"{self.path}: {self.lack} — {self.fix}"


def content_advice(articles: Iterable[Article], config: SiteConfig,
                   today: date) -> list[Advice]:
    """Articles -> one Advice per missing date, topic and source, in path order."""
    out: list[Advice] = []
    default = config.default_topic.casefold()
    for article in sorted(articles, key=lambda a: a.path):
        where = _where(article.path)
        if article.published is None:
            out.append(Advice(article.path, "no date",
                              f"add `date: {today.isoformat()}` {where}"))
        if all(topic.name.casefold() == default for topic in article.topics):
            out.append(Advice(article.path, f"no topic but the default ({config.default_topic})",
                              f"add `topics: [Topic name]` {where}, or a rule under "
                              "`topics.rules` in digest.yaml"))
        if article.source is None:
            out.append(Advice(article.path, "no source",
                              f"add `source: Outlet name` (or `url: https://…`) {where}"))
    return out


def _where(rel: str) -> str:
    """Where a field goes: a plain-text article keeps its text as pasted, so its fields go
    in a sidecar beside it (digest.read.sidecar); Markdown takes either."""
    name = PurePosixPath(rel)
    sidecar = f"a sidecar `{name.with_suffix('.yaml').name}` beside it"
    if name.suffix.lower() == ".txt":
        return f"to {sidecar} (the text stays as it is)"
    if name.suffix.lower() in WITH_SIDECAR:
        return f"{_FRONT_MATTER}, or to {sidecar}"
    return _FRONT_MATTER


def advice_summary(advice: list[Advice], articles: int) -> str:
    """The advice and the number of articles read -> the closing line of the report."""
    if not advice:
        return (f"digest check --content: {articles} article(s), each with a date, a topic "
                "and a source")
    files = len({item.path for item in advice})
    return (f"digest check --content: {files} of {articles} article(s) could say more "
            "(advice only; the site builds as it is)")
