"""Pure: the topics an article that names none gets from the configured keyword rules."""

from __future__ import annotations

import re
from functools import lru_cache

from ..config import TopicRule


def topics_by_rules(title: str, text: str, rules: tuple[TopicRule, ...],
                    default: str, limit: int | None = None) -> list[str]:
    """The topics of an article that names none: those whose keywords it mentions, best
    first (the title counts most), else `default`; every match, unless `limit` cuts them.
    The plain text is read here and not kept: it would double the memory every article
    takes for the whole build."""
    title, text = title.casefold(), text.casefold()
    scored = []
    for order, rule in enumerate(rules):
        in_title = any(_mentions(title, k) for k in rule.keywords)
        mentions = sum(_mentions(text, k) for k in rule.keywords)
        if in_title or mentions >= rule.min_mentions:
            scored.append((-(mentions + 5 * in_title), order, rule.name))
    return [name for _, _, name in sorted(scored)[:limit]] or [default]


def mentions(text: str, keyword: str) -> int:
    """How often casefolded `text` names `keyword` as a whole word or phrase, as a rule
    counts it."""
    return len(_keyword_pattern(keyword).findall(text))


_mentions = mentions


@lru_cache(maxsize=1024)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(keyword.casefold())}(?!\w)")
