"""The command line: options, summary, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from tests.conftest import REPO, write


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120)


def test_build_from_a_project_folder(tmp_path: Path) -> None:
    (tmp_path / "digest.yaml").write_bytes((REPO / "digest.yaml").read_bytes())
    (tmp_path / "seeds").mkdir()
    for seed in (REPO / "seeds").iterdir():
        (tmp_path / "seeds" / seed.name).write_bytes(seed.read_bytes())
    done = run("build", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "read 5 files, built 4 articles, 3 undated" in done.stdout
    assert "1 draft left out (use --drafts to include it)" in done.stdout
    assert (tmp_path / "site" / "index.html").is_file()


def test_no_config_at_all_builds_with_defaults(tmp_path: Path) -> None:
    write(tmp_path / "news", "a.md", "---\ntitle: Hello\n---\nBody.")
    done = run("build", "--content", "news", "--output", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Hello" in (tmp_path / "out" / "articles" / "hello" / "index.html").read_text()
    assert "Uncategorized" in (tmp_path / "out" / "topics" / "index.html").read_text()


def test_problems_name_the_file_and_strict_fails(tmp_path: Path) -> None:
    write(tmp_path / "c", "bad.md", "---\ntitle: T\ndate: 2023-02-30\n---\nBody")
    done = run("build", "--content", "c", "--output", "o", cwd=tmp_path)
    assert done.returncode == 0
    assert "warning: c/bad.md:3: date: impossible date '2023-02-30'" in done.stderr
    strict = run("build", "--content", "c", "--output", "o", "--strict", cwd=tmp_path)
    assert strict.returncode == 1


def test_fatal_errors_exit_non_zero_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "digest.yaml").write_text("title: [unclosed\n")
    done = run("build", cwd=tmp_path)
    assert done.returncode == 2
    assert "digest.yaml:" in done.stderr and "invalid YAML" in done.stderr
    (tmp_path / "digest.yaml").write_text("titel: typo\n")
    done = run("build", cwd=tmp_path)
    assert done.returncode == 2 and "unknown key `titel`: did you mean `title`?" in done.stderr


def test_template_errors_name_the_template_and_line(tmp_path: Path) -> None:
    write(tmp_path / "seeds", "a.md", "---\ntitle: Hello\n---\nBody.")
    write(tmp_path / "templates", "article.html", "line one\n{{ no_such_variable.x }}\n")
    done = run("build", cwd=tmp_path)
    assert done.returncode == 2
    assert "article.html:2" in done.stderr and "no_such_variable" in done.stderr


def test_output_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "seeds", "a.md", "---\ntitle: Hello\n---\nBody.")
    write(tmp_path / "site", "mine.txt", "precious")
    done = run("build", cwd=tmp_path)
    assert done.returncode == 2 and "not written by digest" in done.stderr
    assert (tmp_path / "site" / "mine.txt").read_text() == "precious"


@pytest.mark.parametrize("command", [[], ["build"]])
def test_help(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_build_options_are_all_there() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    for option in ["--config", "--content", "--output", "--base-url", "--drafts", "--strict",
                   "--quiet"]:
        assert option in result.output


def test_bad_base_url_is_refused(tmp_path: Path) -> None:
    done = run("build", "--base-url", "not a url", cwd=tmp_path)
    assert done.returncode == 2 and "base_url must be an absolute" in done.stderr


def test_a_missing_content_folder_is_fatal(tmp_path: Path) -> None:
    done = run("build", "--content", "nowhere", cwd=tmp_path)
    assert done.returncode == 2 and "content folder does not exist" in done.stderr
    assert not (tmp_path / "site").exists()


def test_an_unknown_markdown_engine_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "digest.yaml", "markdown: kramdown\n")
    done = run("build", cwd=tmp_path)
    assert done.returncode == 2
    assert "digest.yaml:1: markdown must be one of commonmark, python-markdown" in done.stderr


def test_settle_keeps_the_collector_out_of_a_rebuild_and_frees_cycles_in_the_end() -> None:
    import gc
    import weakref

    from digest.live.rebuild import Settle

    class Node:
        loop: object

    settle = Settle(every=2)
    try:
        node = Node()
        node.loop = node  # a cycle: only the collector frees it
        gone = weakref.ref(node)
        settle.pause()
        assert not gc.isenabled()  # no pass while the rebuild runs
        settle()  # 1st: collected and frozen, the cycle still alive and in use
        assert gc.isenabled() and gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert gone() is not None  # frozen: out of the collector's way
        settle.pause()
        settle()  # 2nd (every=2): all unfrozen and looked at once more
        assert gone() is None
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_command_exits_with_its_code_after_the_atexit_handlers(tmp_path: Path) -> None:
    """run() skips freeing the heap, not the cleanup: atexit handlers run, output is
    flushed, and the exit code is the command's."""
    script = tmp_path / "script.py"
    script.write_text(
        "import atexit, sys\n"
        "import digest.cli as cli\n"
        "atexit.register(lambda: print('atexit ran', flush=True))\n"
        "def main():\n"
        "    print('summary', end='')\n"  # no newline, no flush: run() must flush it
        "    sys.exit(sys.argv[1] if sys.argv[1].isalpha() else int(sys.argv[1]))\n"
        "cli.main = main\n"
        "cli.run()\n", encoding="utf-8")
    for argument, code in (("0", 0), ("2", 2), ("failed", 1)):
        done = subprocess.run([sys.executable, str(script), argument], text=True,
                              capture_output=True, timeout=60, cwd=REPO)
        assert done.returncode == code
        assert done.stdout == "summaryatexit ran\n"
        assert done.stderr == ("failed\n" if argument == "failed" else "")


def test_a_build_exits_with_its_code(tmp_path: Path) -> None:
    write(tmp_path / "news", "a.md", "---\ntitle: Hello\n---\n[gone](../nowhere/)")
    done = run("build", "--content", "news", "--output", "out", "--strict", cwd=tmp_path)
    assert done.returncode == 1 and "--strict" in done.stderr
    assert "built 1 article" in done.stdout
