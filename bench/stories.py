"""Measure story clustering: pairwise precision and recall against known stories, and what
it adds to a build.

    .venv/bin/python bench/stories.py                    # 1,000 and 10,000 articles
    .venv/bin/python bench/stories.py --sizes 1000 --keep /tmp/corpus

The corpus starts from ../shared/bench/make_corpus.py's output (`--format digest`): its
Markdown articles are the first reports of events. About 40 % of them are then covered
by one to three other providers, each within two days: a third syndicated verbatim under
another headline, the rest rewritten (almost half the sentences dropped, adjectives and
adverbs changed, paragraphs reordered, three short paragraphs of other reporting added,
a new headline). A few events get a follow-up one to four weeks later, rewritten from
the first report: the same subject, names and numbers, but another story; a few get
another event the same day, told of the same people, firms and places (another report's
text with their names put in): another story too. Every file's story is known, so each
pair of articles is a true or false "same story".

Times (CPU seconds: the machine is shared): the fingerprints (per article, at parse
time; the cache keeps them), the clustering and the related reading (every build),
against the CPU time of a cold `digest build` of the same corpus (`search: false`,
`--no-cache`, a new process, all its worker processes). `rebuild_added_s` is what an
edit's rebuild adds: clustering and related reading, the fingerprints are cached.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import random
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from run import find_make_corpus  # noqa: E402

SEED = 42
COVERED = 0.4  # share of first reports other providers cover
FOLLOW_UP = 0.05  # share of first reports with a follow-up weeks later
SAME_SUBJECT = 0.05  # share with another event of the same people and places that day
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def _corpus_module() -> Any:
    spec = importlib.util.spec_from_file_location("make_corpus", find_make_corpus())
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _split(text: str) -> tuple[dict[str, Any], str]:
    import yaml
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


def _rewrite_sentence(sentence: str, rng: random.Random, mc: Any) -> str:
    adjectives, adverbs = set(mc.ADJECTIVES), set(mc.ADVERBS)
    out = []
    for word in sentence.split(" "):
        bare = word.strip(".,;:\"“”").lower()
        if bare in adjectives and rng.random() < 0.7:
            word = word.replace(bare, rng.choice(mc.ADJECTIVES))
        elif bare in adverbs and rng.random() < 0.7:
            word = word.replace(bare, rng.choice(mc.ADVERBS))
        out.append(word)
    text = " ".join(out)
    for old, new in (("said", "told reporters"), ("according to", "citing"),
                     ("declined to comment", "would not comment"), ("expect", "forecast")):
        if old in text and rng.random() < 0.5:
            text = text.replace(old, new, 1)
    return text


def _rewrite_body(body: str, rng: random.Random, mc: Any, other: str) -> str:
    paragraphs = [p for p in body.strip().split("\n\n") if not p.startswith("**Related")]
    rewritten = []
    for paragraph in paragraphs:
        if paragraph.startswith("## "):
            continue
        kept = [_rewrite_sentence(s, rng, mc) for s in SENTENCE.split(paragraph)
                if rng.random() > 0.45]
        if kept:
            rewritten.append(" ".join(kept))
    head, rest = rewritten[:1], rewritten[1:]
    for i in range(0, len(rest) - 1, 2):
        if rng.random() < 0.5:
            rest[i], rest[i + 1] = rest[i + 1], rest[i]
    others = [p for p in other.strip().split("\n\n") if not p.startswith(("## ", "**"))]
    for paragraph in others[:3]:  # the outlet's own reporting: another story's sentences
        extra = SENTENCE.split(paragraph)[:2]
        rest.insert(rng.randrange(len(rest) + 1), " ".join(extra))
    return "\n\n".join(head + rest) + "\n"


def _headline(title: str, rng: random.Random, mc: Any) -> str:
    words = [rng.choice(mc.ADJECTIVES).capitalize() if w.lower() in set(mc.ADJECTIVES)
             else w for w in title.split()]
    new = " ".join(words)
    if " in " in new and rng.random() < 0.6:
        before, place = new.rsplit(" in ", 1)
        new = f"{place}: {before}"
    return rng.choice(["", "Explainer: ", "Analysis: ", "Update: ", "Live: "]) + new


def _names(text: str, mc: Any) -> list[str]:
    """The people, firms and places a text names, in order, once each."""
    known = [f"{f} {la}" for f in mc.FIRST_NAMES for la in mc.LAST_NAMES if f"{f} {la}" in text]
    known += [n for n in (*mc.FIRMS, *mc.PLACES) if n in text]
    return sorted(known, key=text.index)


def _same_subject(body: str, other: str, rng: random.Random, mc: Any) -> str:
    """Another event's text (`other`) told of the people, firms and places of `body`."""
    ours, theirs = _names(body, mc), _names(other, mc)
    for n, name in enumerate(theirs):
        if ours:
            other = other.replace(name, ours[n % len(ours)])
    return _rewrite_body(other, rng, mc, other)


def _front(meta: dict[str, Any]) -> str:
    import yaml
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def make(count: int, out: Path) -> dict[str, str]:
    """A corpus of `count` articles in `out` -> {file name: its story}."""
    mc = _corpus_module()
    base = max(1, round(count / (1 + COVERED * 2 * 0.6 + (FOLLOW_UP + SAME_SUBJECT) * 0.6)))
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(find_make_corpus()), "--seed", str(SEED), "--count",
                    str(base), "--format", "digest", "--out", str(out)], check=True,
                   capture_output=True)
    files = sorted(p.name for p in out.iterdir())
    truth = {name: name for name in files}
    markdown = [name for name in files if name.endswith(".md")]
    rng = random.Random(SEED)
    made = len(files)
    for name in markdown:
        if made >= count:
            break
        meta, body = _split((out / name).read_text(encoding="utf-8"))
        published = datetime.fromisoformat(meta["publishedDateTime"].replace("Z", "+00:00"))
        copies = rng.choice([1, 2, 2, 3]) if rng.random() < COVERED * 1.67 else 0
        for n in range(copies):
            if made >= count:
                break
            provider = rng.choice(mc.PROVIDERS)
            syndicated = rng.random() < 1 / 3
            when = published + timedelta(hours=rng.uniform(0, 6 if syndicated else 48))
            other = (out / rng.choice(markdown)).read_text(encoding="utf-8")
            text = body if syndicated else _rewrite_body(body, rng, mc, _split(other)[1])
            copy = dict(meta, title=_headline(meta["title"], rng, mc),
                        publishedDateTime=when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        provider={"name": provider["name"], "domain": provider["domain"]},
                        originalUrl=f"https://www.{provider['domain']}/news/{name[:6]}-{n}",
                        quality=round(rng.random(), 3))
            copy.pop("related", None)
            copy.pop("excerpt", None)
            new = f"{name[:-3]}-cover{n}.md"
            (out / new).write_text(_front(copy) + text, encoding="utf-8")
            truth[new] = name
            made += 1
        if made < count and rng.random() < SAME_SUBJECT:
            when = published + timedelta(hours=rng.uniform(1, 24))
            other_name = rng.choice(markdown)
            other_meta, other_body = _split((out / other_name).read_text(encoding="utf-8"))
            place = next((p for p in mc.PLACES if p in meta["title"]), None)
            title = other_meta["title"]
            if place is not None:
                title = re.sub("|".join(map(re.escape, mc.PLACES)), place, title)
            twin = dict(meta, title=_headline(title, rng, mc),
                        publishedDateTime=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        originalUrl=meta["originalUrl"] + "-other")
            twin.pop("excerpt", None)
            twin.pop("related", None)
            new = f"{name[:-3]}-other.md"
            (out / new).write_text(_front(twin) + _same_subject(body, other_body, rng, mc),
                                   encoding="utf-8")
            truth[new] = new  # the same people, another event
            made += 1
        if made < count and rng.random() < FOLLOW_UP:
            later = published + timedelta(days=rng.uniform(7, 28))
            other = (out / rng.choice(markdown)).read_text(encoding="utf-8")
            follow = dict(meta, title=_headline(meta["title"], rng, mc),
                          publishedDateTime=later.strftime("%Y-%m-%dT%H:%M:%SZ"),
                          originalUrl=meta["originalUrl"] + "-later")
            follow.pop("excerpt", None)
            new = f"{name[:-3]}-later.md"
            (out / new).write_text(_front(follow) + _rewrite_body(body, rng, mc,
                                                                   _split(other)[1]),
                                   encoding="utf-8")
            truth[new] = new  # another event: a story of its own
            made += 1
    return truth


def pairwise(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, int]:
    """{file: predicted story}, {file: true story} -> (precision, recall, true pairs)."""
    def pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for name, label in labels.items():
            groups[label].append(name)
        return {tuple(sorted(p)) for g in groups.values() for p in combinations(g, 2)}  # type: ignore[misc]

    got, want = pairs(predicted), pairs(truth)
    both = len(got & want)
    return (both / len(got) if got else 1.0, both / len(want) if want else 1.0, len(want))


def measure(count: int, folder: Path) -> dict[str, Any]:
    from digest.config import SiteConfig, with_overrides
    from digest.read.markdown import html_text
    from digest.stories.cluster import cluster_pairs
    from digest.stories.fingerprint import fingerprint
    from digest.stories.related import related

    corpus = folder / "content"
    truth = make(count, corpus)
    config = with_overrides(SiteConfig(root=folder), content_dir=corpus, search=False)
    from digest.build import read_articles
    articles, _, _, _ = read_articles(config, datetime.now(UTC))
    from digest.read.slugs import assign_slugs
    articles, _ = assign_slugs(articles)
    texts = [(a.title, f"{a.standfirst}\n{html_text(a.body_html)}") for a in articles]
    gc.disable()  # as in a build (digest.parallel.collector)
    started = time.process_time()  # CPU time: this machine is shared
    for title, text in texts:
        fingerprint(title, text)
    fingerprints = time.process_time() - started
    started = time.process_time()
    stories, pairs = cluster_pairs(articles, config.story_window_days)
    clustering = time.process_time() - started
    started = time.process_time()
    related(articles, stories, pairs)
    relating = time.process_time() - started
    gc.enable()
    predicted = {a.path: stories[a.path].id if a.path in stories else a.path for a in articles}
    precision, recall, true_pairs = pairwise(predicted, {a.path: truth[a.path]
                                                         for a in articles})
    (folder / "digest.yaml").write_text(f"content: {corpus}\noutput: {folder / 'site'}\n"
                                        "search: false\n", encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "digest", "build", "--config",
                    str(folder / "digest.yaml"), "--no-cache", "--quiet"], check=True,
                   cwd=folder, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    build = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    added = fingerprints + clustering + relating
    return {"articles": len(articles), "stories": len(set(predicted.values())),
            "true_pairs": true_pairs, "precision": round(precision, 4),
            "recall": round(recall, 4), "fingerprints_s": round(fingerprints, 2),
            "cluster_s": round(clustering, 2), "related_s": round(relating, 2),
            "build_cpu_s": round(build, 2), "build_wall_s": round(wall, 2),
            "added_share": round(added / build, 3),
            "rebuild_added_s": round(clustering + relating, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--keep", type=Path, default=REPO / "bench" / ".work" / "stories")
    args = parser.parse_args()
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder = args.keep / str(size)
        if folder.exists():
            import shutil
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        results.append(measure(size, folder))
        print(json.dumps(results[-1]), flush=True)


if __name__ == "__main__":
    main()
