"""Output edge: rendered article pages -> a Pagefind search bundle, as files in memory.

Pagefind's wheel ships a binary; we run it once on the article pages, as the build's
staging folder holds them or as a private copy (never the live output folder). It writes
its bundle into a work folder of its own, and the bundle joins the other files before
write.py swaps the new site into place, so write.py still owns the output.

We run the binary as a command, not through the wheel's Python API: the API's service
answers "files written" before its last writes reach the disk and is then terminated, so
under load a bundle could come back with files missing (a flaky test found it). The
command exits only when every file is written.

Pagefind writes its filter indexes in hash-map order, which changes from run to run
(upstream issue Pagefind/pagefind#638). `stabilise` re-sorts them and renames the files
that name them, so two builds of the same site stay byte-identical.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..config import SiteConfig

BUNDLE = "pagefind/"
_SIGNATURE = b"pagefind_dcd"
_ARTICLE_PAGE = re.compile(r"articles/(?:[^/]+/)+index\.html")  # (with a section: slugs.py)
ARTICLE_GLOB = "articles/**/index.html"  # the same pages, as Pagefind's glob names them
_INSTALL = "(pip install 'pagefind[extended]')"


# The Linux wheels' binary allocates with jemalloc, which keeps freed pages for a while
# to reuse them; returning them at once trims the peak (2.9 GB -> 2.5 GB at 10,000
# articles) at no measurable cost in time. Any other build of the binary ignores it.
_ALLOCATOR = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}


class SearchUnavailable(Exception):
    """The search index could not be built; the message says why and what to do."""


def searchable(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Every output file -> the article pages, the only pages search results point to."""
    return {path: data for path, data in sorted(files.items()) if _ARTICLE_PAGE.fullmatch(path)}


def search_index(files: Mapping[str, bytes] | Path, config: SiteConfig) -> dict[str, bytes]:
    """Rendered site files, or a folder that holds them -> {'pagefind/…': bytes}.

    Given a folder (the build's staging folder), Pagefind reads the article pages where
    they are: at 10,000 articles, writing a copy and removing it again costs more than
    a third of the indexing time. Raises SearchUnavailable.
    """
    try:
        from pagefind.service import get_executable
    except ImportError as err:
        raise SearchUnavailable("the pagefind package is not installed, so the site has no "
                                f"search index {_INSTALL}") from err
    executable = get_executable()
    if executable is None:
        raise SearchUnavailable(f"the pagefind binary was not found, so the site has no "
                                f"search index {_INSTALL}")
    with work_folder(config.output_dir) as folder:
        bundle = folder / "bundle"
        if isinstance(files, Path):
            site = files
        else:  # a private copy: the output folder is write.py's
            site = folder / "site"
            for path, data in searchable(files).items():
                (site / path).parent.mkdir(parents=True, exist_ok=True)
                (site / path).write_bytes(data)
        command = [str(executable), "--site", str(site), "--glob", ARTICLE_GLOB,
                   "--output-path", str(bundle),
                   "--force-language", config.language.split("-")[0].lower() or "en",
                   "--quiet"] + ([] if config.clean_links else ["--keep-index-url"])
        # The folder holds no pagefind.yml and the environment no PAGEFIND_* settings, so
        # only these arguments decide the index.
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
        env.update(_ALLOCATOR)
        try:
            run = subprocess.run(command, cwd=folder, env=env, capture_output=True,
                                 preexec_fn=_die_with_parent())
        except OSError as err:
            raise SearchUnavailable(f"pagefind could not start, so the site has no search "
                                    f"index: {err}") from err
        if run.returncode != 0:
            said = (run.stderr or run.stdout).decode("utf-8", "replace").strip()
            raise SearchUnavailable(f"pagefind failed (exit status {run.returncode}), so the "
                                    f"site has no search index: {said[-500:]}")
        result = {BUNDLE + p.relative_to(bundle).as_posix(): p.read_bytes()
                  for p in sorted(bundle.rglob("*")) if p.is_file()}
    if not result:
        raise SearchUnavailable("pagefind wrote no search index")
    return stabilise(result)


@contextlib.contextmanager
def work_folder(output: Path) -> Iterator[Path]:
    """A hidden sibling of the output for Pagefind's input and output, removed afterwards.

    A build killed outright (SIGKILL, or SIGTERM with no handler) never reaches cleanup,
    so each search removes the folders that builds which are no longer running left
    behind; next to the output (not in /tmp) they are easy to see and to find again.
    """
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{output.name}.search-"
    for leftover in output.parent.glob(prefix + "*"):
        pid = leftover.name[len(prefix):].partition("-")[0]
        if pid.isdigit() and not _running(int(pid)) and leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=output.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: running
        return True
    return True


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, have the kernel kill Pagefind when the build dies, so a killed build
    leaves no indexer behind (it would run on for seconds, writing into a dead folder).

    Code run between fork and exec can deadlock a process that runs other threads (the
    live-preview server), so there, as in parallel.py, we go without.
    """
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def set_signal() -> None:  # runs in the child between fork and exec: keep it tiny
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the build died before the line above
            os._exit(1)

    return set_signal


def stabilise(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """A Pagefind bundle -> the same bundle with filter indexes in sorted order.

    A filter file is named by a hash of its content and listed in the language's
    metadata file, which is itself named by hash in pagefind-entry.json; so a sorted
    filter file gets a new name, and the names that point to it change with it.
    Anything unexpected (another Pagefind format) leaves the bundle as it was.
    """
    try:
        import cbor2
    except ImportError:
        return bundle
    entry_path = BUNDLE + "pagefind-entry.json"
    try:
        entry = json.loads(bundle[entry_path])
        out = dict(bundle)
        for language in entry["languages"].values():
            meta_path = f"{BUNDLE}pagefind.{language['hash']}.pf_meta"
            meta = _decode(bundle[meta_path], cbor2)
            filters = []
            for name, old in meta[3]:
                values = _decode(out.pop(f"{BUNDLE}filter/{old}.pf_filter"), cbor2)
                values[1] = sorted(values[1], key=lambda pair: pair[0])
                data = _encode(values, cbor2)
                new = _hashed_name(old, data)
                out[f"{BUNDLE}filter/{new}.pf_filter"] = data
                filters.append([name, new])
            meta[3] = sorted(filters)
            data = _encode(meta, cbor2)
            language["hash"] = _hashed_name(language["hash"], data)
            del out[meta_path]
            out[f"{BUNDLE}pagefind.{language['hash']}.pf_meta"] = data
        out[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"),
                                     sort_keys=True).encode("utf-8")
    except (KeyError, IndexError, TypeError, ValueError, OSError, EOFError):
        return bundle
    return dict(sorted(out.items()))


def _decode(data: bytes, cbor2: Any) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("not a pagefind file")
    return cbor2.loads(raw[len(_SIGNATURE):])


def _encode(value: Any, cbor2: Any) -> bytes:
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def _hashed_name(old: str, data: bytes) -> str:
    """'en_3b80956' + new content -> 'en_<hash of the content>' of the same length."""
    prefix, _, digest = old.rpartition("_")
    return f"{prefix}_{hashlib.sha256(data).hexdigest()[:len(digest)]}"
