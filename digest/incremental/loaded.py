"""Pure: what reading the scanned files gave last time (build.load_articles), kept by the
live preview, so that an edit looks up and parses only the files whose keys changed.

The parse of a file is a function of its key (its path and bytes) and the config: files
whose keys are the last scan's give the entries, articles and problems they gave then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Article, Problem
from .cache import Entry

FEW = 64  # changed files: more, and the files are read whole


@dataclass
class Loaded:
    """The last load: its config, scan (rel -> key), entries, and what it made of them."""

    config: Any = None
    rels: list[str] = field(default_factory=list)
    place: dict[str, int] = field(default_factory=dict)  # rel -> its index in `rels`
    hashed: dict[str, str] = field(default_factory=dict)  # rel -> key, as scanned
    entries: dict[str, tuple[str | None, Entry]] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)  # one a file, in `rels` order
    where: dict[str, int] = field(default_factory=dict)  # rel -> its index in `articles`
    problems: list[Problem] = field(default_factory=list)  # the entries', in `rels` order
    keys: dict[str, str] = field(default_factory=dict)  # article path -> its file's key

    def changed(self, config: Any, rels: list[str], hashed: dict[str, str],
                clean: bool) -> list[str] | None:
        """The files whose keys changed since the last load, when the files are the same
        ones, few changed and every file had a key (`clean`: no unreadable file, nothing
        the walk passed over); None: read them all."""
        if self.config is None or not clean or self.config != config or \
                len(hashed) != len(rels) or rels != self.rels:
            return None
        last = self.hashed
        changed = [rel for rel, key in hashed.items() if last.get(rel) != key]
        return changed if len(changed) <= FEW else None

    def put(self, changed: list[str], entries: dict[str, tuple[str | None, Entry]],
            ) -> tuple[list[Article], list[Problem], dict[str, str]] | None:
        """The last articles, problems and keys with the changed files' new entries put in,
        when those files gave an article and no problem, then and now; None otherwise."""
        for rel in changed:
            for key, (article, problems) in (self.entries[rel], entries[rel]):
                if key is None or article is None or problems:
                    return None
        articles, keys = list(self.articles), dict(self.keys)
        for rel in changed:
            key, (article, _) = entries[rel]
            assert key is not None and article is not None
            del keys[articles[self.where[rel]].path]
            articles[self.where[rel]] = article
            keys[article.path] = key
        return articles, list(self.problems), keys

    def remember(self, config: Any, rels: list[str], hashed: dict[str, str],
                 entries: dict[str, tuple[str | None, Entry]], articles: list[Article],
                 where: dict[str, int], problems: list[Problem], keys: dict[str, str],
                 ) -> None:
        """Keep this load (the scan's and these lists are new objects each build, not
        changed after: kept as they are; `keys` goes to the caller: a copy)."""
        if rels != self.rels:
            self.place = {rel: i for i, rel in enumerate(rels)}
        self.config, self.rels, self.hashed, self.entries = config, rels, hashed, entries
        self.articles, self.where, self.problems, self.keys = articles, where, problems, \
            dict(keys)
