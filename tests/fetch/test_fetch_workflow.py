"""fetch.yml's own Fetch and Commit scripts, run with bash in a temporary git repository that
pushes to a local bare one, with the environment GitHub Actions would give them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer

from tests.conftest import REPO

from .helpers import fixture, write_config

FETCH_YML = REPO / ".github" / "workflows" / "fetch.yml"
SERVER = "https://github.example.test"
SLUG = "someone/news"
TOKEN = "not-a-token"


def scripts() -> list[tuple[str, str]]:
    """(id, run script) of the Fetch and Commit steps, in the workflow's order."""
    steps = yaml.safe_load(FETCH_YML.read_text(encoding="utf-8"))["jobs"]["fetch"]["steps"]
    chosen = [(s["id"], s["run"]) for s in steps if s.get("id") in {"fetch", "commit"}]
    assert [step for step, _ in chosen] == ["fetch", "commit"]
    return chosen


def git(work: Path, *args: str, env: dict[str, str]) -> str:
    """A git command in `work` -> its output."""
    return subprocess.run(["git", *args], cwd=work, env=env, text=True, capture_output=True,
                          check=True, timeout=60).stdout


@pytest.fixture
def repo(tmp_path: Path, httpserver: HTTPServer) -> tuple[Path, Path, dict[str, str]]:
    """A clone with a digest.yaml of two local feeds, its bare origin, and the base env."""
    home = tmp_path / "home"
    home.mkdir()
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "LANG": "C.UTF-8",
           # the push URL the script builds, sent to the bare repository instead
           "GIT_CONFIG_COUNT": "1",
           "GIT_CONFIG_KEY_0": f"url.{origin.as_uri()}.insteadOf",
           "GIT_CONFIG_VALUE_0": f"https://x-access-token:{TOKEN}@"
                                 f"{SERVER.removeprefix('https://')}/{SLUG}.git"}
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], env=env,
                   check=True, timeout=60)
    work.mkdir()
    git(work, "init", "-q", "-b", "main", env=env)
    httpserver.expect_request("/atom.xml").respond_with_data(
        fixture("atom.xml"), content_type="application/atom+xml")
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    write_config(work, [{"name": "Example Wire", "feed": httpserver.url_for("/atom.xml")}])
    who = {**env, "GIT_AUTHOR_NAME": "Someone", "GIT_AUTHOR_EMAIL": "someone@example.test",
           "GIT_COMMITTER_NAME": "Someone", "GIT_COMMITTER_EMAIL": "someone@example.test"}
    git(work, "add", "-A", env=who)
    git(work, "commit", "-q", "-m", "start", env=who)
    git(work, "push", "-q", origin.as_uri(), "main", env=env)
    return work, origin, env


def run_steps(work: Path, env: dict[str, str]) -> dict[str, dict[str, str]]:
    """Run the Fetch then the Commit script as Actions would -> each step's outputs."""
    outputs: dict[str, dict[str, str]] = {}
    for step, script in scripts():
        output = work.parent / f"output-{step}"
        output.write_text("", encoding="utf-8")
        step_env = {**env, "GITHUB_OUTPUT": str(output), "GITHUB_REF_NAME": "main",
                    "GITHUB_SERVER_URL": SERVER, "GITHUB_REPOSITORY": SLUG,
                    "GITHUB_TOKEN": TOKEN, "CI": "true"}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=work, env=step_env, text=True, capture_output=True,
                              timeout=120, check=False)
        assert done.returncode == 0, f"{step}: {done.stdout}{done.stderr}"
        outputs[step] = dict(line.split("=", 1)
                             for line in output.read_text(encoding="utf-8").splitlines())
    return outputs


def pushed(origin: Path, env: dict[str, str]) -> list[str]:
    """The subjects of the commits on origin's main, newest first."""
    return git(origin, "log", "--format=%s", "main", env=env).splitlines()


def test_new_entries_make_one_commit_then_nothing_new_makes_none(
        repo: tuple[Path, Path, dict[str, str]]) -> None:
    work, origin, env = repo
    first = run_steps(work, env)
    assert first == {"fetch": {"status": "0"}, "commit": {"changed": "true"}}
    assert pushed(origin, env) == ["digest fetch: new articles", "start"]
    files = git(origin, "show", "--name-only", "--format=", "main", env=env).split()
    assert sorted(files) == [".digest-fetch.json",
                             "seeds/example-wire/2024-05-01-meta-releases-llama-4.md",
                             "seeds/example-wire/2024-05-02-chip-makers-race-to-keep-up.md"]
    assert "github-actions[bot]" in git(origin, "log", "-1", "--format=%an", "main", env=env)

    second = run_steps(work, env)
    assert second == {"fetch": {"status": "0"}, "commit": {"changed": "false"}}
    assert pushed(origin, env) == ["digest fetch: new articles", "start"]
    assert git(work, "status", "--porcelain", env=env) == ""


def test_a_failed_feed_still_commits_what_the_others_brought(
        repo: tuple[Path, Path, dict[str, str]], httpserver: HTTPServer) -> None:
    work, origin, env = repo
    write_config(work, [{"name": "Example Wire", "feed": httpserver.url_for("/atom.xml")},
                        {"name": "Gone", "feed": httpserver.url_for("/gone.xml")}])
    outputs = run_steps(work, env)
    assert outputs == {"fetch": {"status": "1"}, "commit": {"changed": "true"}}
    assert pushed(origin, env)[0] == "digest fetch: new articles"


def test_a_config_error_stops_the_job_before_any_commit(
        repo: tuple[Path, Path, dict[str, str]]) -> None:
    work, origin, env = repo
    (work / "digest.yaml").write_text("sources: {name: Wire}\n", encoding="utf-8")
    fetch_script = scripts()[0][1]
    output = work.parent / "output-fetch"
    output.write_text("", encoding="utf-8")
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           fetch_script], cwd=work, text=True, capture_output=True,
                          env={**env, "GITHUB_OUTPUT": str(output)}, timeout=120, check=False)
    assert done.returncode == 2
    assert "digest.yaml: sources must be a list of feeds" in done.stderr
    assert output.read_text(encoding="utf-8") == "status=2\n"
    assert pushed(origin, env) == ["start"]
