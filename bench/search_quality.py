"""Does search in shards find what one whole Pagefind index finds? Top-10 overlap per query.

    .venv/bin/python bench/search_quality.py --size 10000          # corpus + build if needed
    .venv/bin/python bench/search_quality.py --site path/to/site   # a site digest built

The site's search page (static/search.js: the shards merged and ranked again as one index
would rank them) and its bundle merged bare (Pagefind's own order of the merged shards)
are asked the same queries as a whole Pagefind index of the same article pages (Pagefind's command
over `articles/*/index.html`, as digest built it before shards), both in headless
Chromium (/usr/bin/chromium through Playwright) on a server at 127.0.0.1. For each query:
how many results each finds, and how many of the whole index's top 10 are in the
shards' top 10. Results go to bench/.work/search-quality-<size>.json and a Markdown
table to stdout.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
sys.path.insert(0, str(REPO))

# (what it tests, the words, the filters)
QUERIES: list[tuple[str, str, dict[str, str]]] = [
    ("word", "inflation", {}),
    ("word", "glacier", {}),
    ("word", "Kestrel", {}),
    ("word", "heatwave", {}),
    ("word", "Melbourne", {}),
    ("two words", "interest rates", {}),
    ("two words", "flood defences", {}),
    ("phrase", '"growth forecast"', {}),
    ("phrase", '"senior economist"', {}),
    ("misspelling", "inflaton", {}),
    ("misspelling", "goverment", {}),
    ("topic filter", "wages", {"topic": "Economy"}),
    ("topic filter, no words", "", {"topic": "Climate"}),
    ("source filter", "bank", {"source": "Frontier Review"}),
    ("source filter, no words", "", {"source": "Frontier Review"}),
]

_ASK = """async ([bundle, shards, queries]) => {
  const pf = await import(bundle);
  await pf.options({ excerptLength: 32 });
  if (shards) {
    const list = await (await fetch(shards)).json();
    for (const shard of list.shards) {
      const where = new URL(shard.path, new URL(bundle, location.href)).pathname;
      if (shard.path) await pf.mergeIndex(where, { excerptLength: 32 });
    }
  }
  const out = [];
  for (const [words, filters] of queries) {
    await pf.search(words || null, { filters });  // (its chunks loaded: timed warm, below)
    const start = performance.now();
    const found = await pf.search(words || null, { filters });
    const top = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
    const ms = performance.now() - start;
    // the score of every result, to tell a different order from a tie
    const scores = {};
    const scored = found.results.slice(0, 3000);
    for (let i = 0; i < scored.length; i += 100) {  // (all at once: the browser gives up)
      const some = await Promise.all(scored.slice(i, i + 100).map(async r => [
        (await r.data()).url, r.score]));
      for (const [url, score] of some) scores[url] = score;
    }
    out.push({ count: found.results.length, top: top.map(d => d.url), scores, ms });
  }
  return out;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_site(size: int) -> Path:
    """A digest site of `size` generated articles (search on), built once."""
    home = WORK / f"quality-{size}"
    site = home / "site"
    if (site / "pagefind" / "shards.json").is_file():
        return site
    content = home / "content"
    if not content.is_dir():
        make = REPO.parent / "shared" / "bench" / "make_corpus.py"
        subprocess.run([sys.executable, str(make), "--seed", "42", "--count", str(size),
                        "--format", "digest", "--out", str(content)], check=True,
                       stdout=subprocess.DEVNULL)
    (home / "digest.yaml").write_text("content: content\noutput: site\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "digest", "build", "--config",
                    str(home / "digest.yaml"), "--quiet"], check=True)
    return site


def whole_index(site: Path) -> Path:
    """One Pagefind index of every article page of the site, beside it -> its folder."""
    from pagefind.service import get_executable

    out = site.parent / "whole"
    bundle = out / "pagefind-whole"
    if (bundle / "pagefind-entry.json").is_file():
        return out
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([str(get_executable()), "--site", str(site), "--glob",
                    "articles/*/index.html", "--output-path", str(bundle),
                    "--force-language", "en", "--keep-index-url", "--quiet"], check=True)
    return out


_SHOWN = """() => {
  const status = document.querySelector('#search-status').textContent;
  if (!status.includes('found') && !status.includes('not available')) return null;
  return [...document.querySelectorAll('#search-results h2 a')].slice(0, 10)
    .map(a => new URL(a.href).pathname);
}"""


_TYPED = """async (words) => {
  const status = document.querySelector('#search-status');
  const form = document.querySelector('#search');
  form.elements.q.value = words;
  const start = performance.now();
  form.requestSubmit();
  while (status.textContent === 'Searching…' || !status.textContent.includes('found')) {
    await new Promise(r => setTimeout(r, 1));
  }
  return performance.now() - start;
}"""


def ask(root: Path, bundle: str, shards: str | None) -> list[dict[str, Any]]:
    """Run QUERIES against the bundle at /<bundle> of the folder served; with `shards`,
    also on the site's search page, whose top 10 go in each answer's "page"."""
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, CHROMIUM

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page()
            page.goto(base + "index.html")
            result = list(page.evaluate(_ASK, [
                base + bundle, shards and base + shards,
                [[words, filters] for _, words, filters in QUERIES]]))
            if shards:
                for (_, words, filters), answer in zip(QUERIES, result, strict=True):
                    query = urllib.parse.urlencode({"q": words, **filters})
                    page.goto(base + "search/index.html?" + query)
                    answer["page"] = page.wait_for_function(_SHOWN, timeout=120_000
                                                            ).json_value()
                    # then the same words typed again on the page, the index loaded: how
                    # long until its results are shown (50, where the bare merge reads 10)
                    if words:
                        answer["page_ms"] = page.evaluate(_TYPED, words)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return result


def compare(top: list[str], whole: dict[str, Any]) -> tuple[int, int, float]:
    """A top 10 and the whole index's answer -> (how many of its top 10 are in it, the
    same counting ties, the sum of its scores in the whole index over its top 10's)."""
    expected = whole["top"]
    overlap = len(set(top) & set(expected))
    # a result the whole index scores as high as its own 10th is as good a 10th result:
    # the whole index only broke the tie another way
    tenth = whole["scores"][expected[-1]] if expected else 0.0
    tied = sum(1 for url in top if whole["scores"].get(url, -1.0) >= tenth * (1 - 1e-6))
    best = sum(whole["scores"][url] for url in expected)
    score = sum(whole["scores"].get(url, 0.0) for url in top) / best if best else 1.0
    return overlap, tied, score


def in_order(top: list[str], whole: dict[str, Any]) -> int:
    """How many places of a top 10 hold a page the whole index scores as it scores the page
    it puts in that place (the same order, a tie taken either way)."""
    expected = whole["top"]
    return sum(1 for mine, its in zip(top, expected, strict=False)
               if abs(whole["scores"].get(mine, -1.0) - whole["scores"][its])
               <= 1e-6 * whole["scores"][its])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--site", type=Path, help="a site digest built (search on)")
    args = parser.parse_args()
    site = args.site.resolve() if args.site else build_site(args.size)
    whole = whole_index(site)
    for name in ("index.html",):  # the page the queries run on
        shutil.copy(site / name, whole / name)
    sharded = ask(site, "pagefind/pagefind.js", "pagefind/shards.json")
    full = ask(whole, "pagefind-whole/pagefind.js", None)
    pages = len(list(site.glob("articles/*/index.html")))
    rows = []
    listed = json.loads((site / "pagefind" / "shards.json").read_bytes())["shards"]
    print(f"{pages:,} article pages; {len(listed)} shards\n")
    print("| query | kind | results, shards / whole index | search page: top-10 overlap "
          "| counting ties | in the same order | its score | bare merge: top-10 overlap "
          "| counting ties | in the same order | its score | ms, page / bare |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (kind, words, filters), a, b in zip(QUERIES, sharded, full, strict=True):
        row: dict[str, Any] = {"kind": kind, "words": words, "filters": filters,
                               "shards": a, "whole": b, "of": len(b["top"])}
        cells = []
        for name, top in (("page", a["page"]), ("merge", a["top"])):
            overlap, tied, score = compare(top, b)
            order = in_order(top, b)
            row[name] = {"overlap": overlap, "tied": tied, "order": order, "score": score}
            cells.append(f"{overlap}/{row['of']} | {tied}/{row['of']} | {order}/{row['of']} "
                         f"| {score:.3f}")
        ms = f"{a['page_ms']:.0f} / {a['ms']:.0f}" if "page_ms" in a else "–"
        shown = words or "(none)"
        shown += "".join(f" · {k}={v}" for k, v in filters.items())
        print(f"| `{shown}` | {kind} | {a['count']:,} / {b['count']:,} | " + " | ".join(cells)
              + f" | {ms} |")
        rows.append(row)
    possible = sum(r["of"] for r in rows)
    cells = []
    for name in ("page", "merge"):
        cell = []
        for what in ("overlap", "tied", "order"):
            total = sum(r[name][what] for r in rows)
            cell.append(f"{total}/{possible} ({100 * total / max(possible, 1):.0f} %)")
        scores = [r[name]["score"] for r in rows]
        cells.append(" | ".join(cell) + f" | {min(scores):.3f}–{max(scores):.3f}")
    print("| **all** | | | " + " | ".join(cells) + " | |")
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / f"search-quality-{pages}.json").write_text(json.dumps(rows, indent=1),
                                                         encoding="utf-8")


if __name__ == "__main__":
    main()
