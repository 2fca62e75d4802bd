"""Output edge: shards of article pages -> their Pagefind bundles, as files in memory.

Pagefind's wheel ships a binary; we run it as a service (`pagefind --service`) and talk
to it directly (base64 JSON messages), not through the wheel's Python API, which polls
for answers every 0.1 s and, told to write files, answered before its last writes were
on disk (under load, bundles came back with files missing). Here the bundle is asked for
in memory (GetFiles): nothing is written to disk, so nothing can be read half-written,
and there is no work folder. The bundles join the other files before write.py swaps the
new site into place, so write.py still owns the output; shards.py decides what to index.

Measured against the command on a folder of the same pages (a month of 400 articles at
10,000, the edit's case): the service takes ~1.2x the CPU time, but its wall time was
the same or shorter in alternating runs on the shared machine (4.2-4.9 s against
4.2-7.0 s under load), and it needs no copy of the pages on disk.

Pagefind writes its filter indexes in hash-map order, which changes from run to run
(upstream issue Pagefind/pagefind#638). `stabilise` re-sorts them and renames the files
that name them, so two builds of the same site stay byte-identical.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..config import SiteConfig
from ..parallel import STOPS, held

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


Document = tuple[str, bytes]  # (the page's URL in the site, '/articles/x/index.html'; HTML)

# Pages sent before their answers are read: the answers (a few hundred bytes each) must
# fit in the pipe, or Pagefind would wait for us to read while we wait for it to read.
_BATCH = 64


def index_shards(shards: Mapping[str, Callable[[], Sequence[Document]]], config: SiteConfig,
                 jobs: int = 1) -> dict[str, dict[str, bytes]]:
    """{shard name: a function giving its pages} -> {shard name: {path in its bundle:
    bytes}}; raises SearchUnavailable.

    One Pagefind service process per job (at most one per shard) takes shards one at a
    time: a new index, the pages in batches, its files handed back in memory (nothing
    is written to disk, so nothing can be read before it is whole), the index dropped.
    Each process holds one shard's index at a time, which bounds the memory.
    """
    try:
        from pagefind.service import get_executable
    except ImportError as err:
        raise SearchUnavailable("the pagefind package is not installed, so the site has no "
                                f"search index {_INSTALL}") from err
    if not shards:
        return {}
    executable = get_executable()
    if executable is None:
        raise SearchUnavailable(f"the pagefind binary was not found, so the site has no "
                                f"search index {_INSTALL}")
    # No PAGEFIND_* settings from the environment: only the index's config decides it.
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
    env.update(_ALLOCATOR)
    settings = {"force_language": config.language.split("-")[0].lower() or "en",
                "keep_index_url": not config.clean_links}
    todo = sorted(shards)
    services: list[_Service] = []
    try:
        # Started here, before any thread: see _die_with_parent. Ctrl-C while one forks
        # was swallowed by a fork handler: the build went on, its search index failed.
        # (Held only where the child can let them through again: see _die_with_parent.)
        alone = threading.active_count() == 1
        with held(STOPS) if alone else contextlib.nullcontext():
            for _ in range(max(1, min(jobs, len(todo)))):
                services.append(_Service(executable, env))
        done: dict[str, dict[str, bytes]] = {}
        failed: list[BaseException] = []
        lock = threading.Lock()

        def work(service: _Service) -> None:
            while True:
                with lock:
                    if failed or not todo:
                        return
                    name = todo.pop(0)
                try:
                    files = service.index(shards[name](), settings)
                except BaseException as err:  # handed to the caller's thread below
                    with lock:
                        failed.append(err)
                    return
                with lock:
                    done[name] = files

        threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in services]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failed:
            raise failed[0]
    except BaseException:
        # Ctrl-C or SIGTERM (a KeyboardInterrupt here) or a failure: a shard may be minutes
        # from done, and closing waited for each service in turn (10 s at 10,000 articles).
        for service in services:
            service.close(wait=False)
        raise
    for service in services:
        service.close()
    return {name: stabilise(files) for name, files in sorted(done.items())}


class _Service:
    """One `pagefind --service` process: base64 JSON messages, each ended by a comma."""

    def __init__(self, executable: Path, env: dict[str, str]) -> None:
        try:
            self.process = subprocess.Popen(
                [str(executable), "--service"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                preexec_fn=_die_with_parent())
        except OSError as err:
            raise SearchUnavailable(f"pagefind could not start, so the site has no search "
                                    f"index: {err}") from err
        self.sent = 0
        self.buffer = b""

    def index(self, pages: Sequence[Document], settings: dict[str, Any]) -> dict[str, bytes]:
        """Pages -> the files of their Pagefind bundle."""
        index = self.ask([{"type": "NewIndex", "config": settings}])[0]["index_id"]
        for start in range(0, len(pages), _BATCH):
            self.ask([{"type": "AddFile", "index_id": index, "url": url,
                       "file_contents": html.decode("utf-8", "replace")}
                      for url, html in pages[start:start + _BATCH]])
        files = self.ask([{"type": "GetFiles", "index_id": index}])[0]["files"]
        self.ask([{"type": "DeleteIndex", "index_id": index}])
        return {f["path"].lstrip("/"): base64.b64decode(f["content"]) for f in files}

    def ask(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send the messages, then read their answers -> the answers, in order."""
        first = self.sent + 1
        out = []
        for payload in payloads:
            self.sent += 1
            message = {"message_id": self.sent, "payload": payload}
            out.append(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(b"".join(out))
            stdin.flush()
        except OSError as err:
            raise self._died(str(err)) from err
        answers: dict[int, dict[str, Any]] = {}
        while len(answers) < len(payloads):
            end = self.buffer.find(b",")
            if end < 0:
                chunk = stdout.read1(1 << 20)
                if not chunk:
                    raise self._died("it stopped answering")
                self.buffer += chunk
                continue
            raw, self.buffer = self.buffer[:end], self.buffer[end + 1:]
            answer = json.loads(base64.b64decode(raw))
            payload = answer.get("payload") or {}
            if payload.get("type") == "Error":
                raise SearchUnavailable(f"pagefind failed, so the site has no search index: "
                                        f"{payload.get('message', '')[:500]}")
            if isinstance(answer.get("message_id"), int):
                answers[answer["message_id"]] = payload
        return [answers[n] for n in range(first, self.sent + 1)]

    def _died(self, why: str) -> SearchUnavailable:
        status = self.process.poll()
        said = f"exit status {status}" if status is not None else why
        return SearchUnavailable(f"pagefind failed ({said}), so the site has no search index")

    def close(self, wait: bool = True) -> None:
        """End the service: told to (its input closed), or at once when not `wait`."""
        if not wait:
            self.process.kill()
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5 if wait else None)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


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
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)  # held while it was forked
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the build died before the line above
            os._exit(1)

    return set_signal


def stabilise(bundle: dict[str, bytes], prefix: str = "") -> dict[str, bytes]:
    """A Pagefind bundle ({path under `prefix`: bytes}) -> the same bundle with filter
    indexes in sorted order.

    A filter file is named by a hash of its content and listed in the language's
    metadata file, which is itself named by hash in pagefind-entry.json; so a sorted
    filter file gets a new name, and the names that point to it change with it.
    Anything unexpected (another Pagefind format) leaves the bundle as it was.
    """
    try:
        import cbor2
    except ImportError:
        return bundle
    entry_path = prefix + "pagefind-entry.json"
    try:
        entry = json.loads(bundle[entry_path])
        out = dict(bundle)
        for language in entry["languages"].values():
            meta_path = f"{prefix}pagefind.{language['hash']}.pf_meta"
            meta = _decode(bundle[meta_path], cbor2)
            filters = []
            for name, old in meta[3]:
                values = _decode(out.pop(f"{prefix}filter/{old}.pf_filter"), cbor2)
                values[1] = sorted(values[1], key=lambda pair: pair[0])
                data = _encode(values, cbor2)
                new = _hashed_name(old, data)
                out[f"{prefix}filter/{new}.pf_filter"] = data
                filters.append([name, new])
            meta[3] = sorted(filters)
            data = _encode(meta, cbor2)
            language["hash"] = _hashed_name(language["hash"], data)
            del out[meta_path]
            out[f"{prefix}pagefind.{language['hash']}.pf_meta"] = data
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
