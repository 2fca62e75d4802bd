"""A full disk or a read-only folder: a message naming the path, exit 2, the previous site
intact, never a traceback."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_atomic import assert_complete, make_content
from tests.test_write import tree

# The digest command with a fault injected: writing a file of the new site, or creating
# anything beside the output, fails as the disk would (for the tests only).
FAULTS = """
import errno, os, sys
fault, where = sys.argv[1], sys.argv[2]
real_write, real_open, real_mkdir = os.write, os.open, os.mkdir

def write(descriptor, data):
    if fault == "ENOSPC" and "/.site.tmp-" in os.readlink(f"/proc/self/fd/{descriptor}"):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return real_write(descriptor, data)

def refused(path):
    return fault == "EROFS" and os.path.abspath(os.fsdecode(path)).startswith(where + "/")

def open_(path, flags, *args, **kwargs):
    if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and refused(path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))
    return real_open(path, flags, *args, **kwargs)

def mkdir(path, *args, **kwargs):
    if refused(path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))
    return real_mkdir(path, *args, **kwargs)

os.write, os.open, os.mkdir = write, open_, mkdir
sys.argv = ["digest", *sys.argv[3:]]
from digest.cli import run
run()
"""


def digest(root: Path, output: str, *, fault: str = "", where: Path | None = None
           ) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "digest"] if not fault else [
        sys.executable, "-c", FAULTS, fault, str(where)]
    return subprocess.run([*command, "build", "--config", "digest.yaml", "--content",
                           "content", "--output", output, "--quiet"], cwd=root, text=True,
                          capture_output=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "digest.yaml").write_text("search: false\n")
    make_content(tmp_path / "content", 0, articles=10)
    return tmp_path


def assert_refused(done: subprocess.CompletedProcess[str], reason: str, site: Path) -> None:
    """Exit 2 with one line saying what happened, where, and that the old site is there."""
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    message = done.stderr.strip()
    assert message.startswith("error: cannot write ") and reason in message, message
    assert f"the previous site in {site} is intact" in message, message


@pytest.mark.parametrize("fault", ["ENOSPC", "EROFS"])
def test_a_failing_disk_stops_the_build_with_a_message(project: Path, fault: str) -> None:
    site = project / "site"
    assert digest(project, "site").returncode == 0
    before = tree(site)
    make_content(project / "content", 1, articles=10)
    done = digest(project, "site", fault=fault, where=project)
    reason = {"ENOSPC": "No space left on device", "EROFS": "Read-only file system"}[fault]
    assert_refused(done, reason, site)
    assert str(project) in done.stderr
    assert tree(site) == before and assert_complete(site) == 0
    assert sorted(p.name for p in project.iterdir()) == [
        ".digest-cache", "content", "digest.yaml", "site"]
    assert digest(project, "site").returncode == 0  # and once the disk is back, it builds
    assert assert_complete(site) == 1


@contextlib.contextmanager
def mounted(*commands: list[str], target: Path) -> Iterator[None]:
    """Run mount commands (skip the test when this machine does not let us), unmount after."""
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
        if done.returncode:
            subprocess.run(["umount", str(target)], capture_output=True, timeout=30)
            pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    try:
        yield
    finally:
        if subprocess.run(["umount", str(target)], capture_output=True, timeout=30).returncode:
            subprocess.run(["umount", "-l", str(target)], capture_output=True, timeout=30)


def test_a_full_disk_stops_the_build_with_a_message(project: Path) -> None:
    disk = project / "disk"
    disk.mkdir()
    with mounted(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], target=disk):
        site = disk / "site"
        assert digest(project, "disk/site").returncode == 0
        before = tree(site)
        make_content(project / "content", 1, articles=100)  # well over what the disk holds
        done = digest(project, "disk/site")
        assert_refused(done, "No space left on device", site)
        assert f"cannot write {disk}/.site.tmp-" in done.stderr  # the file it was writing
        assert tree(site) == before and assert_complete(site) == 0
        assert sorted(p.name for p in disk.iterdir()) == ["site"]


def test_a_read_only_output_folder_stops_the_build_with_a_message(project: Path) -> None:
    """(As root, chmod 0555 changes nothing: the folder is mounted read-only instead.)"""
    folder = project / "public"
    folder.mkdir()
    site = folder / "site"
    assert digest(project, "public/site").returncode == 0
    before = tree(site)
    make_content(project / "content", 1, articles=10)
    with mounted(["mount", "--bind", str(folder), str(folder)],
                 ["mount", "-o", "remount,ro,bind", str(folder)], target=folder):
        done = digest(project, "public/site")
        assert_refused(done, "Read-only file system", site)
        assert str(folder) in done.stderr
        assert tree(site) == before and assert_complete(site) == 0
    assert digest(project, "public/site").returncode == 0
    assert assert_complete(site) == 1
