"""Pure: what the front page says about the news, from the articles' own dates.

Nothing here reads the clock: "now" is the newest story's date, so two builds of the
same articles give the same front page, whenever they run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..model import Article, Day, Digest, Topic, TopicGroup

TRENDING_DAYS = 7
TRENDING_MAX = 5


@dataclass(frozen=True)
class Trend:
    """A topic's new stories in the last window and in the window before it."""

    topic: Topic
    recent: int
    before: int

    @property
    def change(self) -> int:
        return self.recent - self.before


def latest(digest: Digest) -> datetime | None:
    """The newest story's publication time (the digest's "now"), or None with no dates."""
    return max((a.published for a in digest.articles if a.published is not None),
               default=None)


def newest_first(day: Day) -> tuple[Article, ...]:
    """A day's articles newest first (ties by path), whatever their topics."""
    return tuple(sorted(day.articles, key=lambda a: a.sort_key))


def trending(digest: Digest, ignore: str = "", days: int = TRENDING_DAYS,
             limit: int = TRENDING_MAX) -> tuple[Trend, ...]:
    """The topics with the most new stories in the `days` up to the newest story, with
    their count in the `days` before; most stories first, then the biggest rise, then
    by name. A topic with no story in the last window is not trending, nor the topic
    named `ignore` (the site's default topic: "Uncategorized" is no trend)."""
    now = latest(digest)
    if now is None:
        return ()
    start, earlier = now - timedelta(days=days), now - timedelta(days=2 * days)
    recent: Counter[Topic] = Counter()
    before: Counter[Topic] = Counter()
    counted: set[str] = set()
    for article in digest.articles:  # a story counts once, from its first report, on
        story = digest.stories.get(article.path)  # every topic one of its articles has
        members = story.articles if story is not None else (article,)
        if members[0].path in counted:
            continue
        counted.add(members[0].path)
        when = min((a.published for a in members if a.published is not None), default=None)
        if when is None or when <= earlier:
            continue
        window = recent if when > start else before
        window.update({topic for a in members for topic in a.topics})
    skip = ignore.casefold()
    trends = [Trend(topic, count, before[topic]) for topic, count in recent.items()
              if not skip or topic.name.casefold() != skip]
    trends.sort(key=lambda t: (-t.recent, -t.change, t.topic.name.casefold(), t.topic.slug))
    return tuple(trends[:limit])


def top_topics(digest: Digest, limit: int) -> tuple[TopicGroup, ...]:
    """The `limit` topics with the most stories (ties by name), for a short topic bar."""
    ranked = sorted(digest.topics, key=lambda g: (-len(g.articles), g.topic.name.casefold(),
                                                 g.topic.slug))
    return tuple(ranked[:limit])
