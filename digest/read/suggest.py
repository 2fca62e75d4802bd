"""Pure: candidate topic rules mined from the articles that have only the default topic.

TF-IDF (scikit-learn) weighs each word and two-word phrase of the untagged articles by
how rare it is across the whole site, so words every article uses ("Meta", "said")
weigh little; non-negative matrix factorisation (NMF, scikit-learn's, deterministic
with its nndsvda start) splits the untagged articles into a few themes, each named by
its heaviest term. Every keyword offered is checked the way topics.rules reads it
(topics.mentions), so what is printed tags the articles it claims to, when pasted.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from ..config import TopicRule
from ..model import Article
from .text import clean_text, strip_tags
from .topics import mentions, topics_by_rules

KEYWORDS = 6
MIN_MENTIONS = 2
OTHERS = 3000
LEARN = 1500
SHARE = 0.15  # of a theme's articles that use a keyword, at least
# Reporting words that every news story uses, on top of scikit-learn's English list.
NEWS_WORDS = frozenset({
    "said", "says", "say", "told", "according", "reported", "report", "reports", "reuters",
    "new", "year", "years", "week", "month", "months", "day", "days", "today", "yesterday",
    "time", "times", "just", "like", "also", "including", "people", "company", "companies",
    "percent", "mr", "ms", "dr", "one", "two", "three", "four", "five", "first", "last",
    "would", "could", "should", "might", "may", "will", "can", "get", "got", "make", "made",
    "per"})
TOKEN = r"(?u)\b[^\W\d_][\w-]*[^\W_]\b"  # words of 2+ letters, 'gpt-4', 'open-source'


@dataclass(frozen=True)
class Suggestion:
    """A candidate rule: its name and keywords, and the untagged articles it would tag."""

    name: str
    keywords: tuple[str, ...]
    articles: tuple[str, ...]  # paths


def untagged(articles: Sequence[Article], default: str) -> list[Article]:
    """The articles whose only topic is the default one (no topics and no rule matched)."""
    key = default.casefold()
    return [a for a in articles
            if len(a.topics) == 1 and a.topics[0].name.casefold() == key]


def article_text(article: Article) -> str:
    """What topics.rules reads of an article: title, standfirst and text, as plain text."""
    return clean_text(f"{article.standfirst} {strip_tags(article.body_html)}")


def suggest(articles: Sequence[Article], rules: tuple[TopicRule, ...], default: str,
            count: int = 5) -> list[Suggestion]:
    """Site articles -> up to `count` candidate rules for its untagged ones, biggest
    first. Terms that are already a rule's name or keyword are not offered again."""
    lonely = untagged(articles, default)
    if not lonely:
        return []
    import numpy as np  # scikit-learn's own; a second to import: only for this command
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    taken = {default.casefold()} | {r.name.casefold() for r in rules} | {
        k.casefold() for r in rules for k in r.keywords}
    # the words' weights need the rest of the site, but not all of a big one: every
    # untagged article and an even sample of up to OTHERS of the others
    lonely_paths = {a.path for a in lonely}
    others = [a for a in articles if a.path not in lonely_paths]
    step = max(1, len(others) // OTHERS)
    # ...and the themes are learnt from up to LEARN of the untagged (each rule found is
    # then tried on all of them)
    learn = lonely[::max(1, len(lonely) // LEARN)][:LEARN]
    sample = learn + others[::step][:OTHERS]
    texts = {a.path: (a.title, article_text(a)) for a in sample}
    texts.update((a.path, (a.title, article_text(a))) for a in lonely)
    # the title twice: it says what the story is about more than any paragraph
    documents = {a.path: f"{a.title}. {a.title}. {texts[a.path][1]}" for a in sample}
    # on a big site, a term only one article uses makes no rule, and bounding the
    # vocabulary bounds the memory two-word phrases take
    vectorizer = TfidfVectorizer(stop_words=sorted(ENGLISH_STOP_WORDS | NEWS_WORDS),
                                 token_pattern=TOKEN, ngram_range=(1, 2), sublinear_tf=True,
                                 min_df=2 if len(sample) >= 20 else 1,
                                 max_features=100_000)
    vectorizer.fit([documents[a.path] for a in sample])
    mine = vectorizer.transform([documents[a.path] for a in learn])
    terms = vectorizer.get_feature_names_out()
    themes = max(1, min(count, len(learn) // 2 or 1))
    model = NMF(n_components=themes, init="nndsvda", max_iter=400)
    with warnings.catch_warnings():  # not converged to the last digit: themes are as good
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(mine)  # article x theme
    present = (mine > 0).astype(np.float64)  # article x term: does it use the term at all
    used = np.asarray(present.sum(axis=0)).ravel()
    row_of = {a.path: i for i, a in enumerate(learn)}
    members: dict[int, list[Article]] = {}
    for article, row in zip(learn, weights, strict=True):
        if row.max() > 0:
            members.setdefault(int(row.argmax()), []).append(article)
    folded = {a.path: (a.title.casefold(), texts[a.path][1].casefold()) for a in lonely}
    out: list[Suggestion] = []
    claimed: set[str] = set()
    # biggest theme first; a theme whose rule tags only what bigger ones do is dropped
    # (NMF may split one subject in two: its halves' rules tag each other's articles)
    for theme, arts in sorted(members.items(), key=lambda tm: (-len(tm[1]), tm[0])):
        weight = model.components_[theme]
        # a keyword is the theme's own: its articles use it at least twice as often as
        # the other untagged ones (a word all of them use would tag them all), and it is
        # common among them (a phrase two of 300 articles share tags next to nothing)
        inside = np.asarray(present[[row_of[a.path] for a in arts]].sum(axis=0)).ravel()
        rest = len(learn) - len(arts)
        own = inside / len(arts) >= 2 * (used - inside) / rest if rest else inside > 0
        own &= inside >= max(1.0, SHARE * len(arts))
        ranked = [str(terms[i]) for i in weight.argsort(kind="stable")[::-1]
                  if weight[i] > 0 and own[i]]
        keywords = _keywords(ranked, taken, {a.path: folded[a.path] for a in arts})
        if not keywords:
            continue
        spelt = tuple(_spelling(k, [f"{a.title} {texts[a.path][1]}" for a in arts])
                      for k in keywords)
        # a phrase among the heaviest names a theme better than a word ('Generative AI')
        title = next((k for k in spelt[:3] if " " in k), spelt[0])
        name = title[:1].upper() + title[1:]
        rule = (TopicRule(name, spelt, MIN_MENTIONS),)
        tagged = tuple(a.path for a in lonely
                       if name in topics_by_rules(a.title, texts[a.path][1], rule, default))
        if set(tagged) - claimed:
            out.append(Suggestion(name, spelt, tagged))
            claimed.update(tagged)
            taken.update(k.casefold() for k in spelt)
    return out


def _keywords(ranked: list[str], taken: set[str],
              folded: dict[str, tuple[str, str]]) -> list[str]:
    """The heaviest terms that are no rule's yet and that the articles say as written
    (a phrase made across a dropped stop word, 'bank england', is not)."""
    chosen: list[str] = []
    for term in ranked:
        words = term.split()
        if term in taken or any(w in taken for w in words) or term in chosen:
            continue
        if not any(mentions(title, term) or mentions(text, term)
                   for title, text in folded.values()):
            continue
        if len(words) > 1 and any(w in chosen for w in words):
            continue  # a phrase with a keyword in it says nothing new
        if len(words) == 1 and any(term in c.split() for c in chosen):
            continue  # ...nor a word of a phrase already chosen
        chosen.append(term)
        if len(chosen) == KEYWORDS:
            break
    return chosen


def _spelling(term: str, texts: list[str]) -> str:
    """A lower-case term -> as the articles most often write it ('Nvidia', 'GPT-4')."""
    pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
    found = Counter(m.group(0) for text in texts for m in pattern.finditer(text))
    if not found:
        return term
    return min(found.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def rules_yaml(suggestions: Sequence[Suggestion], untagged_count: int, default: str) -> str:
    """Suggestions -> YAML items to paste under `topics: rules:` in digest.yaml, with a
    comment on what each would tag."""
    lines = [f"# {untagged_count} article{'s' if untagged_count != 1 else ''} "
             f"{'have' if untagged_count != 1 else 'has'} only the default topic "
             f"{default!r}.",
             "# Candidate rules: check each name and keyword, then paste them under",
             "# `topics:` -> `rules:` in digest.yaml.",
             "  rules:"]
    for s in suggestions:
        item = yaml.safe_dump([{"name": s.name, "keywords": list(s.keywords),
                                "min_mentions": MIN_MENTIONS}],
                              default_flow_style=None, sort_keys=False, allow_unicode=True,
                              width=10_000)
        lines.extend("    " + line for line in item.splitlines())
        shown = ", ".join(s.articles[:5]) + (", …" if len(s.articles) > 5 else "")
        lines.append(f"      # would tag {len(s.articles)} of them: {shown}")
    return "\n".join(lines) + "\n"
