"""Time from an edit to the moment a rebuild could announce the new pages, in-process.

    .venv/bin/python bench/edit_ready.py SITE_FOLDER [--edits 7]

SITE_FOLDER holds `seeds/` (e.g. a copy of make_corpus.py's output). build() is called
as `digest serve` calls it (patch, the changed file named, a `ready` callback), without
the server, the watcher or the debounce, so the part of an edit's latency that the
rebuild decides is measured alone. Run it with PYTHONPATH pointing at another tree's
checkout to compare trees in the same run.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from digest.build import build
from digest.cli import make_config
from digest.config import SiteConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=7)
    args = parser.parse_args()
    os.chdir(args.site)

    def config() -> SiteConfig:
        return make_config(config_file=None, content=Path("seeds"), output=Path("site"),
                           base_url=None, future=None, drafts=False, search=False)

    build(config(), now=datetime.now(UTC), patch=True)
    target = next(p for p in sorted(Path("seeds").iterdir()) if p.suffix in {".md", ".txt"}
                  and "published: false" not in p.read_text())
    original = target.read_text()
    ready_s, whole_s, cpu_s = [], [], []  # (CPU: this process's, until `ready`)
    try:
        for i in range(args.edits):
            gc.collect()
            gc.freeze()  # as the preview's Settle does between rebuilds
            target.write_text(original + f"\n\nEdit {i} at {time.time()}.\n")
            started, cpu = time.perf_counter(), time.process_time()
            shown: list[float] = []
            gc.disable()
            build(config(), now=datetime.now(UTC), patch=True,
                  changed=[target.resolve()],
                  ready=lambda render, t=started, c=cpu, out=shown: out.extend(
                      (time.perf_counter() - t, time.process_time() - c)))
            whole_s.append(time.perf_counter() - started)
            gc.enable()
            ready_s.append(shown[0])
            cpu_s.append(shown[1])
            print(f"edit {i}: ready {shown[0]:.3f} s ({shown[1]:.3f} s CPU), "
                  f"whole {whole_s[-1]:.3f} s", flush=True)
    finally:
        target.write_text(original)
    print(f"ready median {statistics.median(ready_s):.3f} s ({min(ready_s):.3f}–"
          f"{max(ready_s):.3f}), CPU {statistics.median(cpu_s):.3f} s ({min(cpu_s):.3f}–"
          f"{max(cpu_s):.3f}), whole median {statistics.median(whole_s):.3f} s")


if __name__ == "__main__":
    main()
