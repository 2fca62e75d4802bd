"""The seeds site in a real browser, judged by tools nobody on the team wrote.

Debian's Chromium through Playwright, axe-core for accessibility, the Nu HTML Checker
for validity. The site is built with drafts (as the preview shows it) for
https://user.github.io/repo/ and served from a temporary folder under /repo/ on
127.0.0.1, so every test also proves the site works under a subpath. Every page a test
opens is watched: a console error or a request to any other host fails the test.
Screenshots go to $DIGEST_TEST_OUTPUT/screenshots (CI sets it), else to a tmp folder.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from digest.build import build
from tests.browser import launch, need
from tests.conftest import NOW, REPO, SEEDS, make_config

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]



class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, threading.Thread, str]:
    """A static server of folder on 127.0.0.1: (server, its thread, its root URL)."""
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_address[1]}/"


def axe_problems(page: Any) -> list[str]:
    """What axe-core finds on an open page, a line per rule broken (none: [])."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes']][:5]}" for v in result["violations"]]


def nu_problems(folder: Path | str) -> list[str]:
    """What the Nu HTML Checker finds in every page of a built site (none: [])."""
    need(VNU.is_file(), f"the Nu Html Checker (an npm validator) is not installed: "
         f"{VNU.relative_to(REPO)} is missing (run `npm ci`)")
    need(shutil.which("java") is not None, "java is not installed")
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                          "--skip-non-html", str(folder)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').rsplit('/repo/', 1)[-1]}:{m.get('lastLine')}: "
            f"{m['message']}" for m in messages]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(URL of the site's root, its output folder), served at http://127.0.0.1:port/repo/."""
    root = tmp_path_factory.mktemp("browser")
    content = root / "seeds"
    shutil.copytree(SEEDS, content)
    config = make_config(root, content, output_dir=root / "www" / "repo", drafts=True,
                         base_url="https://user.github.io/repo/")
    result = build(config, now=NOW)
    assert not result.warnings, result.warnings
    server, thread, url = serve(root / "www")
    try:
        yield url + "repo/", root / "www" / "repo"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch()


class Watched:
    """Opens pages in one browser context and remembers what went wrong on them."""

    def __init__(self, browser: Any, **context: Any) -> None:
        self.context = browser.new_context(**context)
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1" or route.request.url.startswith(("data:", "blob:", "file:")):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def page(self) -> Any:
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        return page

    def check(self) -> None:
        assert not self.errors, "console errors:\n" + "\n".join(self.errors)
        assert not self.foreign, "requests to other hosts:\n" + "\n".join(self.foreign)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """open_page(url, **context options) -> a Playwright page; checked after the test."""
    contexts: list[Watched] = []

    def open_(url: str, **options: Any) -> Any:
        watched = Watched(browser, **{"viewport": {"width": 1280, "height": 800}, **options})
        contexts.append(watched)
        page = watched.page()
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        return page

    yield open_
    for watched in contexts:
        watched.context.close()
    for watched in contexts:
        watched.check()


def pages_of(output: Path) -> list[str]:
    """Every HTML page of the built site, as paths relative to its root."""
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


ARTICLE = "articles/facebook-execs-panicking-as-they-try-to-catch-up-in-ai-race/index.html"
PAGE_TYPES = {
    "front": "index.html",
    "article": ARTICLE,  # the draft: badge, related links, a remote image it must not load
    "topic": "topics/meta-ai/index.html",
    "archive": "archive/index.html",
    "search": "search/index.html?q=zuckerberg",
    "404": "404.html",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_axe_finds_no_violations(site: tuple[str, Path], open_page: Any, kind: str,
                                 scheme: str) -> None:
    base, output = site
    need(AXE.is_file(), f"axe-core (an npm validator) is not installed: "
         f"{AXE.relative_to(REPO)} is missing (run `npm ci`)")
    path = PAGE_TYPES[kind]
    if kind == "404" and not (output / "404.html").is_file():
        pytest.skip("this build writes no 404.html")
    page = open_page(base + path, color_scheme=scheme)
    if kind == "search":
        page.wait_for_selector("#search-results li")
    problems = axe_problems(page)
    assert not problems, f"{path} in {scheme}:\n" + "\n".join(problems)


def test_nu_html_checker_finds_no_errors(site: tuple[str, Path]) -> None:
    _, output = site
    problems = nu_problems(output)
    assert not problems, "\n".join(problems)
    assert len(pages_of(output)) > 20


def test_every_page_loads_cleanly_and_every_link_resolves(site: tuple[str, Path],
                                                          open_page: Any) -> None:
    """No console error, no foreign request, one h1, and every local link answers 200."""
    base, output = site
    page = open_page(base + "index.html")
    links: set[str] = set()
    for path in pages_of(output):
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        assert page.locator("main#main").count() == 1, path
        hrefs = page.eval_on_selector_all(
            "a[href], link[href], script[src], img[src]",
            "els => els.map(e => e.href || e.src)")
        links.update(h.split("#")[0] for h in hrefs if h.startswith(base))
    for link in sorted(links):
        with urlopen(link) as response:
            assert response.status == 200, link
    assert any(link.endswith(".css") for link in links)


def test_keyboard_reaches_the_first_story_and_follows_it(site: tuple[str, Path],
                                                         open_page: Any) -> None:
    base, _ = site
    page = open_page(base + "index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    title = None
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {story: !!el.closest('.card-title'), text: el.textContent,
                    outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
        }""")
        assert focused["outline"] != "none" and focused["width"] >= 2, focused  # visible focus
        if focused["story"]:
            title = focused["text"]
            break
    assert title, "Tab never reached a story"
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/**")
    assert page.locator("h1").inner_text().startswith(title)


def test_search_finds_a_word_and_leads_to_its_article(site: tuple[str, Path],
                                                      open_page: Any) -> None:
    base, _ = site
    page = open_page(base + "index.html")
    page.fill("#site-search-q", "Voicebox")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/index.html?q=Voicebox")
    result = page.locator("#search-results li").first
    result.wait_for()
    assert page.locator("#search-results li").count() == 1
    assert result.locator("mark").first.inner_text().lower() == "voicebox"
    assert "Voicebox" in page.locator("#search-status").inner_text()
    title = result.locator("h2").inner_text()
    result.locator("a").click()
    page.wait_for_url("**/articles/**/index.html")
    assert page.locator("h1").inner_text() == title == (
        "Mark Zuckerberg Was Early in AI. Now Meta Is Making an attempt to Catch Up.")


def test_a_search_result_does_not_repeat_its_headline(site: tuple[str, Path],
                                                     open_page: Any) -> None:
    """The headline is the result's heading; the excerpt under it starts with the story.
    A word only the headline has still finds it ('Doubles')."""
    base, _ = site
    page = open_page(base + "search/index.html?q=doubles")
    page.wait_for_function("document.querySelector('#search-status').textContent"
                           ".includes('found')")
    title = "Meta Doubles down on Generative AI with Billion-Dollar Investment"
    assert page.locator("#search-results h2").all_inner_texts() == [title]
    excerpt = page.locator("#search-results .excerpt").inner_text()
    assert excerpt.startswith("Following a massive investment"), excerpt
    page.goto(base + "search/index.html?q=zuckerberg")
    page.locator("#search-results li").first.wait_for()
    for result in page.locator("#search-results li").all():
        heading = result.locator("h2").inner_text()
        assert heading not in result.locator(".excerpt").inner_text(), heading


def test_search_filters_by_topic_and_source(site: tuple[str, Path], open_page: Any) -> None:
    base, _ = site
    page = open_page(base + "search/index.html")
    page.select_option("#search-source", "Futurism")
    page.locator("#search-results li").first.wait_for()
    assert page.locator("#search-results li .meta").all_inner_texts() == [
        "Futurism · 28 Apr 2023, 15:52 UTC"]
    page.select_option("#search-source", "")
    page.fill("#search-q", "futurism")  # a source's name is searchable as a word too
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#search-status').textContent"
                           ".includes('futurism')")
    assert page.locator("#search-results li .meta").first.inner_text() == (
        "Futurism · 28 Apr 2023, 15:52 UTC")  # first by relevance; stemming also finds 'future'
    page.fill("#search-q", "")
    page.select_option("#search-topic", "xAI")
    page.wait_for_function("document.querySelector('#search-results h2')?.textContent"
                           ".includes('Elon Musk')")
    assert page.locator("#search-results li").count() == 1
    assert "topic=xAI" in page.url


def test_search_opened_from_disk_says_what_it_needs(site: tuple[str, Path],
                                                    browser: Any) -> None:
    _, output = site
    watched = Watched(browser)
    page = watched.page()
    page.goto((output / "search" / "index.html").as_uri() + "?q=llama")
    status = page.locator("#search-status").inner_text()
    watched.context.close()
    watched.check()
    assert "needs the site served over http(s)" in status


def test_pages_work_without_javascript(site: tuple[str, Path], open_page: Any) -> None:
    base, _ = site
    page = open_page(base + "index.html", java_script_enabled=False)
    page.locator(".card-title a").first.click()
    page.wait_for_url("**/articles/**")
    page.goto(base + "search/index.html")
    assert page.locator("noscript").count() == 1


MEASURE = """() => {
    const story = document.querySelector('.story');
    const p = document.querySelector('.story-body p');
    const unit = document.createElement('span');
    unit.style.display = 'inline-block';
    unit.style.width = '1ch';
    p.appendChild(unit);
    const ch = unit.getBoundingClientRect().width;
    unit.remove();
    const style = getComputedStyle(p);
    return {measure: parseFloat(getComputedStyle(story).maxWidth) / ch,
            line: p.clientWidth / ch,
            leading: parseFloat(style.lineHeight) / parseFloat(style.fontSize)};
}"""


def test_article_reads_well_and_prints_clean(site: tuple[str, Path], open_page: Any) -> None:
    """A 60–75 character measure, whatever fonts the machine has.

    Characters a line depend on the font the browser finds, so the measure is asserted
    in `ch` of the body text (the width of its '0'), which scales with the font: a line
    of English prose is 1.17–1.21 characters per ch in every face tried (DejaVu Serif,
    Sans and Serif Condensed, Liberation Serif and Sans: 65–68 characters at 56ch), so
    51–64ch is 60–75 characters. The column must also be that wide on a desktop (the
    measure holds the line, not something narrower around it), and it must stay so when
    the body's face is another one: the generic families are whatever this machine has,
    and a measure in rem, which no font changes, fails with a wide one."""
    base, _ = site
    page = open_page(base + ARTICLE)
    for face in ("", "serif", "sans-serif", "monospace"):
        if face:
            page.add_style_tag(content=f":root {{ --serif: {face}; }}")
        measure = page.evaluate(MEASURE)
        assert 51 <= measure["measure"] <= 64, (face, measure)
        assert abs(measure["line"] - measure["measure"]) < 0.5, (face, measure)
        assert measure["leading"] >= 1.5, (face, measure)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".story-body").is_visible()


@pytest.mark.parametrize("width", [360, 768, 1600])
def test_no_page_scrolls_sideways(site: tuple[str, Path], open_page: Any, width: int) -> None:
    base, _ = site
    page = open_page(base + "index.html", viewport={"width": width, "height": 800})
    for kind in ("front", "article", "topic", "archive", "search"):
        page.goto(base + PAGE_TYPES[kind])
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{kind} at {width}px is {overflow}px too wide"


SHOTS = {name: PAGE_TYPES[name] for name in ("front", "article", "topic")}


def test_screenshots(site: tuple[str, Path], open_page: Any,
                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """Front page, article and topic page, on desktop and phone, light and dark."""
    base, output = site
    folder = (Path(os.environ["DIGEST_TEST_OUTPUT"]) / "screenshots"
              if os.environ.get("DIGEST_TEST_OUTPUT") else tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    devices = {"desktop": {"viewport": {"width": 1280, "height": 800}},
               "phone": {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
                         "is_mobile": True, "has_touch": True}}
    for device, options in devices.items():
        for scheme in ("light", "dark"):
            page = open_page(base + "index.html", color_scheme=scheme, **options)
            for name, path in SHOTS.items():
                assert (output / path).is_file(), path
                page.goto(base + path)
                target = folder / f"{name}-{device}-{scheme}.png"
                page.screenshot(path=str(target), full_page=True)
                assert target.stat().st_size > 10_000


def test_a_wide_table_scrolls_in_its_box_on_a_phone(tmp_path: Path, open_page: Any) -> None:
    """A table wider than a phone scrolls sideways inside its own box, which the keyboard
    can reach; the page itself does not scroll sideways, and the table is still a table
    (axe finds nothing wrong with it, when it is installed)."""
    content = tmp_path / "content"
    content.mkdir()
    header = "| " + " | ".join(f"Station {i}" for i in range(9)) + " |\n"
    rule = "|" + "---|" * 9 + "\n"
    rows = "".join("| " + " | ".join(f"{h:02d}:{m:02d}" for m in range(9)) + " |\n"
                   for h in range(6, 10))
    (content / "t.md").write_text("---\ntitle: Timetable\ndate: 2024-01-01\n---\n\n"
                                  f"Trains today.\n\n{header}{rule}{rows}", encoding="utf-8")
    config = make_config(tmp_path, content, output_dir=tmp_path / "www" / "repo",
                         base_url="https://user.github.io/repo/", search=False)
    build(config, now=NOW)
    handler = functools.partial(Quiet, directory=str(tmp_path / "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = open_page(f"http://127.0.0.1:{server.server_address[1]}/repo/articles/"
                         "timetable/index.html", viewport={"width": 360, "height": 740})
        found = page.evaluate("""() => {
            const box = document.querySelector('.story-body .table-scroll');
            const table = box.querySelector('table');
            return {page: document.documentElement.scrollWidth - innerWidth,
                    box: box.scrollWidth - box.clientWidth,
                    display: getComputedStyle(table).display,
                    focusable: box.tabIndex, role: box.getAttribute('role')};
        }""")
        assert found["page"] <= 0, found
        assert found["box"] > 0 and found["display"] == "table", found
        assert (found["focusable"], found["role"]) == (0, "region"), found
        if AXE.is_file():
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("tags => axe.run('.story-body', {runOnly: {type: 'tag', "
                                   "values: tags}})", AXE_TAGS)
            assert not result["violations"], result["violations"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
