"""The watcher: what a change means (classify), how a burst becomes one batch (Debounce),
and the thread that hands batches to a builder, with a fake builder and a fake clock."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from digest.live.watch import Change, Debounce, Kind, Targets, Watcher, classify, describe

R = Path("/site")
TARGETS = Targets(content=R / "seeds", output=R / "site", config=R / "digest.yaml",
                  templates=R / "templates", static=R / "static", root=R)


@pytest.mark.parametrize(("path", "is_dir", "kind"), [
    ("seeds/a.md", False, Kind.ARTICLE),
    ("seeds/deep/er/b.markdown", False, Kind.ARTICLE),
    ("seeds/C.TXT", False, Kind.ARTICLE),
    ("seeds/old-folder", True, Kind.ARTICLE),          # a folder moved or deleted
    ("seeds", True, Kind.ARTICLE),
    ("seeds/picture.jpg", False, Kind.IMAGE),          # a lead image, maybe
    ("seeds/deep/PHOTO.WEBP", False, Kind.IMAGE),
    ("seeds/notes.pdf", False, Kind.IGNORED),           # neither article nor image
    ("seeds/a.md~", False, Kind.IGNORED),              # editor backup
    ("seeds/.a.md.swp", False, Kind.IGNORED),          # vim swap file
    ("seeds/4913", False, Kind.IGNORED),               # vim's write probe
    ("seeds/#a.md#", False, Kind.IGNORED),             # emacs autosave
    ("seeds/.#a.md", False, Kind.IGNORED),             # emacs lock
    ("seeds/.git/index", False, Kind.IGNORED),
    ("seeds/.hidden/x.md", False, Kind.IGNORED),
    ("digest.yaml", False, Kind.CONFIG),
    ("hugo.toml", False, Kind.CONFIG),                 # a site's own config: its timezone
    ("config.toml", False, Kind.CONFIG),
    ("_config.yml", False, Kind.CONFIG),
    ("pelicanconf.py", False, Kind.CONFIG),
    ("seeds/hugo.toml", False, Kind.CONFIG),            # the site is the content folder
    ("seeds/deep/hugo.toml", False, Kind.IGNORED),      # not where digest reads it
    ("templates/hugo.toml", False, Kind.TEMPLATE),
    ("seeds/a.yaml", False, Kind.ARTICLE),              # a sidecar, maybe
    ("digest.yaml~", False, Kind.IGNORED),
    ("other.yaml", False, Kind.IGNORED),
    ("templates/base.html", False, Kind.TEMPLATE),
    ("templates/partials/card.html", False, Kind.TEMPLATE),
    ("templates", True, Kind.TEMPLATE),                # the folder appears or goes
    ("templates/.base.html.swp", False, Kind.IGNORED),
    ("static/style.css", False, Kind.STATIC),
    ("static/img/logo.svg", False, Kind.STATIC),
    ("site/index.html", False, Kind.IGNORED),          # our own output
    ("site", True, Kind.IGNORED),
    (".site.tmp-123/index.html", False, Kind.IGNORED),  # the build's staging folder
    ("README.md", False, Kind.IGNORED),                # in the root, not content
    ("/elsewhere/seeds/a.md", False, Kind.IGNORED),
])
def test_classify(path: str, is_dir: bool, kind: Kind) -> None:
    assert classify(R / path, TARGETS, is_dir) is kind


def test_classify_output_inside_content_is_ignored() -> None:
    targets = Targets(content=R, output=R / "public", root=R)
    assert classify(R / "public/articles/a/index.html", targets) is Kind.IGNORED
    assert classify(R / "news/a.md", targets) is Kind.ARTICLE


def test_classify_only_relative_parts_count_as_hidden() -> None:
    """A site that lives under a hidden folder (~/.sites/blog) is still watched."""
    root = Path("/home/me/.sites/blog")
    targets = Targets(content=root / "news", output=root / "site", root=root)
    assert classify(root / "news/a.md", targets) is Kind.ARTICLE


def test_describe() -> None:
    a = Change(Kind.ARTICLE, R / "seeds/a.md")
    assert describe([], R) == "start"
    assert describe([a], R) == "seeds/a.md"
    assert describe([a, Change(Kind.ARTICLE, R / "seeds/b.md"),
                     Change(Kind.TEMPLATE, R / "templates/x.html")], R) == \
        "1 template, 2 articles"


def change(name: str, kind: Kind = Kind.ARTICLE) -> Change:
    return Change(kind, R / "seeds" / name)


def test_debounce_waits_for_quiet() -> None:
    d = Debounce(delay=0.1, max_wait=2.0)
    assert d.wait(0.0) is None and d.take(0.0) is None
    d.add(change("a.md"), now=10.0)
    assert d.wait(10.05) == pytest.approx(0.05)
    assert d.take(10.05) is None
    d.add(change("b.md"), now=10.08)  # a new event restarts the quiet period
    assert d.take(10.15) is None
    assert d.take(10.18) == [change("a.md"), change("b.md")]
    assert d.wait(10.2) is None  # and it starts afresh


def test_debounce_coalesces_a_burst_into_one_batch() -> None:
    d = Debounce(delay=0.1, max_wait=5.0)
    for i in range(500):  # a git checkout: hundreds of events, 1 ms apart
        d.add(change(f"{i:03}.md"), now=i * 0.001)
        d.add(change(f"{i:03}.md"), now=i * 0.001)  # editors report a file more than once
        assert d.take(i * 0.001) is None
    batch = d.take(0.499 + 0.1)
    assert batch is not None and len(batch) == 500


def test_debounce_never_starves() -> None:
    """Changes that never pause still rebuild every max_wait seconds."""
    d = Debounce(delay=0.1, max_wait=1.0)
    batches = []
    for i in range(300):
        now = i * 0.05
        d.add(change(f"{i}.md"), now)
        if (batch := d.take(now)) is not None:
            batches.append(batch)
    assert len(batches) >= 10


def test_debounce_sorts_sweeping_changes_first() -> None:
    d = Debounce(delay=0.1)
    d.add(change("b.md"), 0.0)
    d.add(Change(Kind.CONFIG, R / "digest.yaml"), 0.0)
    d.add(change("a.md"), 0.0)
    assert [c.path.name for c in d.take(1.0) or []] == ["digest.yaml", "a.md", "b.md"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeBuilder:
    """Records the batches it is given; can be made slow to let changes pile up."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.batches: list[list[Change]] = []
        self.seconds = seconds
        self.called = threading.Event()
        self.running = threading.Event()

    def __call__(self, batch: list[Change]) -> None:
        self.running.set()
        time.sleep(self.seconds)
        self.batches.append(batch)
        self.called.set()


def wait_until(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_watcher_thread_hands_one_batch_per_burst() -> None:
    """The thread asleep until due: with the fake clock standing still nothing is built."""
    clock, builder = FakeClock(), FakeBuilder()
    watcher = Watcher(TARGETS, builder, delay=0.1, clock=clock)
    watcher._thread.start()  # the thread without watchdog: events come from add()
    try:
        watcher.add((str(R / f"seeds/{i}.md"), False) for i in range(200))
        watcher.add([(str(R / "site/index.html"), False), (str(R / "seeds/.x.swp"), False)])
        time.sleep(0.05)
        assert builder.batches == []  # not due: the clock did not move
        clock.now += 0.2
        watcher.add([(str(R / "seeds/late.md"), False)])  # arrives; quiet period restarts
        time.sleep(0.05)
        assert builder.batches == []
        clock.now += 0.2
        with watcher._lock:
            watcher._lock.notify_all()  # the thread's sleep would have ended by now
        wait_until(lambda: builder.batches)
        assert len(builder.batches) == 1 and len(builder.batches[0]) == 201
    finally:
        watcher.stop()
    assert not watcher._thread.is_alive()


def test_watcher_collects_changes_during_a_build_into_the_next_batch() -> None:
    builder = FakeBuilder(seconds=0.2)
    watcher = Watcher(TARGETS, builder, delay=0.01)
    watcher._thread.start()
    try:
        watcher.add([(str(R / "seeds/a.md"), False)])
        assert builder.running.wait(2)
        watcher.add((str(R / f"seeds/{i}.md"), False) for i in range(50))  # while it builds
        wait_until(lambda: len(builder.batches) == 2)
        time.sleep(0.05)
        assert [len(b) for b in builder.batches] == [1, 50]
    finally:
        watcher.stop()


def test_watcher_with_watchdog_coalesces_a_checkout(tmp_path: Path) -> None:
    """Real file-system events: 300 files written at once are one rebuild."""
    content = tmp_path / "seeds"
    content.mkdir()
    targets = Targets(content=content, output=tmp_path / "site", root=tmp_path)
    builder = FakeBuilder()
    watcher = Watcher(targets, builder, delay=0.3)  # generous: the machine may be busy
    watcher.start()
    try:
        for i in range(300):
            (content / f"{i:03}.md").write_text(f"Title {i}\n\nText.\n")
        (tmp_path / "notes.txt").write_text("not an input")
        wait_until(lambda: builder.batches)
        time.sleep(0.4)
        assert len(builder.batches) == 1
        assert {c.path.name for c in builder.batches[0]} == {f"{i:03}.md" for i in range(300)}
        builder.batches.clear()
        (content / "007.md").rename(content / "renamed.md")
        wait_until(lambda: builder.batches)
        assert {c.path.name for c in builder.batches[0]} == {"007.md", "renamed.md"}
    finally:
        watcher.stop()


def test_watcher_follows_a_templates_folder_that_appears(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    targets = Targets(content=tmp_path / "seeds", output=tmp_path / "site",
                      templates=tmp_path / "templates", root=tmp_path)
    builder = FakeBuilder()
    watcher = Watcher(targets, builder, delay=0.05)
    watcher.start()
    try:
        (tmp_path / "templates").mkdir()
        wait_until(lambda: builder.batches)
        assert builder.batches[0][0].kind is Kind.TEMPLATE
        watcher.retarget(targets)  # what the CLI does after every rebuild
        builder.batches.clear()
        (tmp_path / "templates" / "base.html").write_text("<p>mine</p>")
        wait_until(lambda: builder.batches)
        assert builder.batches[0][0] == Change(Kind.TEMPLATE, tmp_path / "templates/base.html")
    finally:
        watcher.stop()


def test_polling_watcher_sees_changes(tmp_path: Path) -> None:
    """--poll: for file systems that do not report changes (network drives)."""
    (tmp_path / "seeds").mkdir()
    targets = Targets(content=tmp_path / "seeds", output=tmp_path / "site", root=tmp_path)
    builder = FakeBuilder()
    watcher = Watcher(targets, builder, delay=0.05, poll=True)
    watcher.start()
    try:
        time.sleep(0.1)
        (tmp_path / "seeds" / "a.md").write_text("A\n")
        wait_until(lambda: builder.batches)
        assert builder.batches[0] == [Change(Kind.ARTICLE, tmp_path / "seeds" / "a.md")]
    finally:
        watcher.stop()


def test_a_failing_callback_does_not_end_the_watching(capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[list[Change]] = []

    def on_change(batch: list[Change]) -> None:
        calls.append(batch)
        if len(calls) == 1:
            raise RuntimeError("a bug")

    watcher = Watcher(TARGETS, on_change, delay=0.01)
    watcher._thread.start()
    try:
        watcher.add([(str(R / "seeds/a.md"), False)])
        wait_until(lambda: len(calls) == 1)
        watcher.add([(str(R / "seeds/b.md"), False)])
        wait_until(lambda: len(calls) == 2)
    finally:
        watcher.stop()
    assert "RuntimeError: a bug" in capsys.readouterr().err


def test_watcher_sees_a_site_config_and_a_sidecar(tmp_path: Path) -> None:
    """`digest serve --content blog/content` inside a Hugo site run from elsewhere: a
    changed hugo.toml (its timezone) and a sidecar beside an article each rebuild."""
    site = tmp_path / "blog"
    content = site / "content"
    content.mkdir(parents=True)
    (site / "hugo.toml").write_text('timeZone = "UTC"\n')
    targets = Targets(content=content, output=tmp_path / "out", root=tmp_path)
    assert (site, False) in targets.folders()
    builder = FakeBuilder()
    watcher = Watcher(targets, builder, delay=0.05)
    watcher.start()
    try:
        time.sleep(0.1)
        (site / "hugo.toml").write_text('timeZone = "Asia/Tokyo"\n')
        wait_until(lambda: builder.batches)
        assert Change(Kind.CONFIG, site / "hugo.toml") in builder.batches[0]
        builder.batches.clear()
        (content / "a.yaml").write_text("date: 2026-12-01\n")
        wait_until(lambda: builder.batches)
        assert Change(Kind.ARTICLE, content / "a.yaml") in builder.batches[0]
    finally:
        watcher.stop()
