"""The front page in a real browser: the first headline on a phone's first screen, no
layout shift, day headings relabelled only in the reader's own today and yesterday.

Debian's Chromium through Playwright, served on 127.0.0.1 (see tests/test_browser.py,
whose watcher fails a test on a console error or a request to another host).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from digest.build import build
from tests.browser import launch, need
from tests.conftest import SEEDS, make_config, write
from tests.test_browser import AXE, Watched, axe_problems, nu_problems, serve

pytestmark = pytest.mark.browser

BUILT = datetime(2026, 12, 2, tzinfo=UTC)  # the build's clock: it shows nowhere
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


def busy_site(content: Path) -> None:
    """Two days of news under 38 long topic names, the newest story with a picture."""
    topics = [f"Very long topic name number {n}" for n in range(40)]
    for n in range(12):
        day = "2026-12-01" if n < 6 else "2026-11-30"
        names = ", ".join(topics[n * 3: n * 3 + 5])
        image = "image: lead.png\n" if n == 0 else ""
        write(content, f"s{n:02d}.md",
              f"---\ntitle: Story number {n} about the week's events\n"
              f"date: {day}T{20 - n:02d}:00:00Z\ntopics: [{names}]\nsource: Wire {n % 3}\n"
              f"{image}---\n\nWhat happened in story {n}, told in a sentence or two.\n")
    write(content, "lead.png", png(1200, 675))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """{'busy': URL, 'seeds': URL, 'busy_folder': its output} of two built sites served
    on 127.0.0.1."""
    root = tmp_path_factory.mktemp("front")
    busy = root / "busy"
    busy_site(busy)
    servers = []
    urls = {}
    for name, content in (("busy", busy), ("seeds", SEEDS)):
        out = root / "www" / name
        config = make_config(root, content, output_dir=out, timezone="UTC", search=False)
        result = build(config, now=BUILT, cache=False)
        assert not result.warnings, result.warnings
        server, thread, url = serve(out)
        servers.append((server, thread))
        urls[name] = url + "index.html"
        urls[f"{name}_folder"] = str(out)
    try:
        yield urls
    finally:
        for server, thread in servers:
            server.shutdown()
            server.server_close()
            thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


@pytest.fixture
def opened(browser: Any) -> Iterator[Any]:
    """opened(url, clock=None, **context options) -> a page; its watcher checked after."""
    watchers: list[Watched] = []

    def open_(url: str, clock: datetime | None = None, **options: Any) -> Any:
        watched = Watched(browser, **{"viewport": {"width": 1280, "height": 800}, **options})
        watchers.append(watched)
        page = watched.page()
        if clock is not None:
            page.clock.set_fixed_time(clock)
        page.goto(url)
        return page

    yield open_
    for watched in watchers:
        watched.context.close()
        watched.check()


@pytest.mark.parametrize("name", ["busy", "seeds"])
def test_the_first_headline_is_on_a_phones_first_screen(sites: dict[str, str], opened: Any,
                                                        name: str) -> None:
    page = opened(sites[name], **PHONE)
    box = page.locator(".card-title").first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 640, box
    if name == "busy":  # 38 topics: eight chips in a row, and a way to all of them
        assert page.locator(".topic-bar li").count() == 8
        every = page.locator(".topic-bar .all-topics")
        assert every.inner_text() == "All 38 topics →"
        link = every.bounding_box()
        assert link is not None and link["x"] + link["width"] <= 360 and link["y"] < box["y"]


def test_the_front_page_does_not_shift_as_it_loads(sites: dict[str, str], opened: Any) -> None:
    page = opened(sites["busy"], **PHONE)
    page.wait_for_load_state("load")
    assert page.evaluate("document.querySelector('.lead-thumb').complete")
    shift = page.evaluate("""() => new Promise(done => {
        let total = 0;
        new PerformanceObserver(list => {
            for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
        }).observe({type: 'layout-shift', buffered: true});
        requestAnimationFrame(() => requestAnimationFrame(() => done(total)));
    })""")
    assert shift < 0.01, shift


@pytest.mark.parametrize(("zone", "clock", "labels"), [
    # 1 Dec, 20:00 UTC: in Paris still 1 Dec
    ("Europe/Paris", datetime(2026, 12, 1, 20, tzinfo=UTC), ["Today", "Yesterday"]),
    # ...but already 2 Dec on Kiritimati (UTC+14): 1 Dec is yesterday there
    ("Pacific/Kiritimati", datetime(2026, 12, 1, 20, tzinfo=UTC),
     ["Yesterday", "Monday 30 November 2026"]),
    # opened a week later: old days are never "Today"
    ("Europe/Paris", datetime(2026, 12, 8, 9, tzinfo=UTC),
     ["Tuesday 1 December 2026", "Monday 30 November 2026"]),
])
def test_day_headings_say_today_only_in_the_readers_own_today(
        sites: dict[str, str], opened: Any, zone: str, clock: datetime,
        labels: list[str]) -> None:
    page = opened(sites["busy"], clock=clock, timezone_id=zone)
    headings = page.locator(".day-heading time")
    assert headings.all_inner_texts() == labels
    relabelled = [t for t, label in zip(["Tuesday 1 December 2026", "Monday 30 November 2026"],
                                        labels, strict=True) if t != label]
    titles = [headings.nth(i).get_attribute("title") for i in range(2)]
    assert [t for t in titles if t] == relabelled  # the date is still there, as a title


def test_without_javascript_the_headings_keep_their_dates(sites: dict[str, str],
                                                          opened: Any) -> None:
    page = opened(sites["busy"], clock=datetime(2026, 12, 1, 20, tzinfo=UTC),
                  java_script_enabled=False)
    assert page.locator(".day-heading time").all_inner_texts() == [
        "Tuesday 1 December 2026", "Monday 30 November 2026"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_a_busy_front_page(sites: dict[str, str], opened: Any,
                                               scheme: str) -> None:
    need(AXE.is_file(), f"{AXE} is missing (npm ci)")
    page = opened(sites["busy"], color_scheme=scheme, clock=datetime(2026, 12, 1, 20,
                                                                     tzinfo=UTC))
    problems = axe_problems(page)
    assert not problems, "\n".join(problems)


def test_nu_html_checker_finds_no_errors_on_a_busy_site(sites: dict[str, str]) -> None:
    problems = nu_problems(sites["busy_folder"])
    assert not problems, "\n".join(problems)
