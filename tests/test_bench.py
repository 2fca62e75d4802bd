"""bench/run.py on 100 articles, digest only: the benchmark itself keeps working (no timing)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
assert _spec is not None and _spec.loader is not None
bench = sys.modules["bench_run"] = importlib.util.module_from_spec(_spec)  # for dataclasses
_spec.loader.exec_module(bench)


def test_the_benchmark_runs_and_checks_its_output(tmp_path: Path) -> None:
    make_corpus = bench.find_make_corpus()
    if not make_corpus.is_file():
        pytest.skip("../shared/bench/make_corpus.py is not beside this checkout")
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "100", "--tools", "digest",
         "--reps", "1", "--work", str(tmp_path), "--report", str(tmp_path / "BENCHMARKS.md")],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    run = json.loads((tmp_path / "results-100.json").read_text())
    (result,) = run["results"]
    assert result["tool"] == "digest" and result["files"] > 100
    assert all(len(result[m]["seconds"]) == 1 for m in ("cold", "edit", "unchanged"))
    assert "| digest |" in (tmp_path / "BENCHMARKS.md").read_text()


def test_a_wrong_output_is_never_timed(tmp_path: Path) -> None:
    """check_output refuses a site without the edited text on an article page."""
    tool = bench.Digest(1, tmp_path, bench.Env(tmp_path, ["digest"]))
    page = tool.output / "articles" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>old text</p>")
    bench.check_output(tool, "old text")
    with pytest.raises(SystemExit, match="edited text"):
        bench.check_output(tool, "new text")


def test_a_cold_run_deletes_nothing_before_it(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Old outputs are set aside, and deleted only when the trash is emptied, with a wait
    after it (recently freed inodes slow file creation down on ext4 without a journal)."""
    tool = bench.Digest(1, tmp_path, bench.Env(tmp_path, ["digest"]))
    (tool.output / "articles").mkdir(parents=True)
    (tool.home / ".digest-cache").mkdir()
    tool.clear()
    assert not tool.output.exists() and not (tool.home / ".digest-cache").exists()
    assert len(list(tool.trash.iterdir())) == 2
    slept: list[float] = []
    monkeypatch.setattr(bench.time, "sleep", slept.append)
    bench.empty_trash(tool.trash)
    assert not tool.trash.exists() and len(slept) == 1 and slept[0] >= 2
    bench.empty_trash(tool.trash)  # nothing deleted, nothing to wait for
    assert len(slept) == 1


def test_growth_interleaves_two_sizes_and_reports_each_runs_ratio(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_corpus = bench.find_make_corpus()
    if not make_corpus.is_file():
        pytest.skip("../shared/bench/make_corpus.py is not beside this checkout")
    order: list[int] = []
    real_timed = bench.timed

    def timed(command: list[str], cwd: Path) -> tuple[float, float, float]:
        order.append(int(cwd.name.rsplit("-", 1)[1]))
        return real_timed(command, cwd)

    monkeypatch.setattr(bench, "timed", timed)
    monkeypatch.setattr(bench.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(sys, "argv", [
        "run.py", "--growth", "40,20", "--reps", "2", "--work", str(tmp_path),
        "--digest", f"{sys.executable} -m digest", "--report", str(tmp_path / "B.md")])
    bench.main()
    # cold ×2, the cache filled, edit ×2, no-change ×2: the sizes take turns in each
    assert order == [20, 40] * 7
    run = json.loads((tmp_path / "results-growth.json").read_text())
    small, big = run["results"]
    assert (small["size"], big["size"]) == (20, 40)
    assert all(len(r[m][what]) == 2 for r in (small, big) for m in ("cold", "edit", "unchanged")
               for what in ("seconds", "cpu", "peak_mb"))
    ratios = bench.growth_ratios(run, "cold")
    assert ratios == [b / a for a, b in zip(small["cold"]["seconds"], big["cold"]["seconds"],
                                            strict=True)]
    text = (tmp_path / "B.md").read_text()
    assert "## Growth: 20 → 40 articles (digest)" in text
    assert f"{', '.join(f'{r:.1f}' for r in ratios)}" in text
    assert "| cold build, CPU time |" in text
