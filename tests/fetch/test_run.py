"""digest fetch end to end against a local server: files, front matter, dedup, 304,
edited files, failing feeds, and a site built from the result."""

from __future__ import annotations

import gzip
import io
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from digest.fetch.run import fetch
from digest.fetch.store import STATE_NAME
from digest.read.frontmatter import split_front_matter

from .helpers import fast_client, files, fixture, write_config

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


def run(config: Path, tmp_path: Path, **options: object) -> tuple[int, str]:
    """fetch() into tmp_path/content -> (exit status, what it printed)."""
    out = io.StringIO()
    client = options.pop("client", None) or fast_client()
    status = fetch(config, tmp_path / "content", tmp_path / ".digest-cache", out=out,
                   client=client, **options)  # type: ignore[arg-type]
    return status, out.getvalue()


@pytest.fixture
def wire(httpserver: HTTPServer, tmp_path: Path) -> Path:
    """Two feeds (Atom, RSS 2.0) that share one story, one with tracking parameters."""
    httpserver.expect_request("/atom.xml").respond_with_data(fixture("atom.xml"),
                                                             content_type=ATOM)
    httpserver.expect_request("/rss.xml").respond_with_data(fixture("rss2.xml"),
                                                            content_type=RSS)
    return write_config(tmp_path, [
        {"name": "Example Wire", "feed": httpserver.url_for("/atom.xml"), "topics": ["AI"]},
        {"name": "Daily Bits", "feed": httpserver.url_for("/rss.xml"), "exclude": ["podcast"]},
    ])


def test_fetch_writes_articles_in_the_seed_shape(wire: Path, tmp_path: Path) -> None:
    status, out = run(wire, tmp_path)
    assert status == 0, out
    written = files(tmp_path / "content")
    assert sorted(written) == [
        "daily-bits/2024-05-02-regulators-look-at-ai-models.md",
        "example-wire/2024-05-01-meta-releases-llama-4.md",
        "example-wire/2024-05-02-chip-makers-race-to-keep-up.md",
    ]  # the syndicated Llama story is a duplicate; the podcast is excluded
    text = written["example-wire/2024-05-01-meta-releases-llama-4.md"].decode()
    parsed = split_front_matter(text)
    assert parsed.problems == ()
    meta = parsed.meta
    assert meta["title"] == "Meta releases Llama 4"
    assert meta["publishedDateTime"] == "2024-05-01T12:00:00Z"
    assert meta["originalUrl"] == "https://wire.example.org/2024/05/llama-4"
    assert meta["provider"] == {"name": "Example Wire", "domain": "wire.example.org"}
    assert meta["topics"] == ["AI", "Open models"]
    assert meta["author"] == "Ada Lovelace"
    assert "## What is new" in parsed.body
    assert "[Llama 4](https://ai.example.com/llama)" in parsed.body
    assert "- bigger" in parsed.body
    assert "alert" not in parsed.body and "onclick" not in parsed.body
    bits = split_front_matter(
        written["daily-bits/2024-05-02-regulators-look-at-ai-models.md"].decode()).meta
    assert bits["originalUrl"] == "https://bits.example.net/regulators?id=7"  # gclid gone
    assert bits["images"] == [{"url": "https://bits.example.net/img/regulators.jpg"}]
    assert "Example Wire: 2 new, 0 updated, 0 skipped" in out
    assert "Daily Bits: 1 new, 0 updated, 2 skipped" in out


def test_second_run_writes_nothing(wire: Path, tmp_path: Path) -> None:
    run(wire, tmp_path)
    state = tmp_path / STATE_NAME
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns)
              for p in [*tmp_path.joinpath("content").rglob("*.md"), state]}
    time.sleep(0.01)
    status, out = run(wire, tmp_path)
    assert status == 0
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns)
             for p in [*tmp_path.joinpath("content").rglob("*.md"), state]}
    assert after == before
    assert "wrote 0 new and 0 updated" in out


def test_the_result_builds_into_a_site(wire: Path, tmp_path: Path, build_site) -> None:
    run(wire, tmp_path)
    result, output = build_site(tmp_path / "content")
    assert result.articles_built == 3
    assert not [p for p in result.problems if "error" in str(p).lower()], result.problems
    pages = [p.read_text(encoding="utf-8") for p in output.rglob("index.html")]
    assert any("Meta releases Llama 4" in page for page in pages)


def test_state_lost_costs_only_a_download(wire: Path, tmp_path: Path) -> None:
    run(wire, tmp_path)
    before = files(tmp_path / "content")
    (tmp_path / STATE_NAME).unlink()
    status, out = run(wire, tmp_path)
    assert status == 0, out
    assert files(tmp_path / "content") == before
    assert "wrote 0 new" in out


def test_dry_run_writes_nothing(wire: Path, tmp_path: Path) -> None:
    status, out = run(wire, tmp_path, dry_run=True)
    assert status == 0
    assert not (tmp_path / "content").exists()
    assert not (tmp_path / STATE_NAME).exists()
    assert "would write 3 new" in out


def test_since_and_source_options(wire: Path, tmp_path: Path) -> None:
    from datetime import date

    status, out = run(wire, tmp_path, source="example wire", since=date(2024, 5, 2))
    assert status == 0, out
    assert list(files(tmp_path / "content")) == [
        "example-wire/2024-05-02-chip-makers-race-to-keep-up.md"]
    assert run(wire, tmp_path, source="Nope")[0] == 2


def changing_feed(httpserver: HTTPServer, versions: list[bytes]) -> None:
    """/feed.xml answers each version in turn (the last one from then on)."""
    calls = {"n": 0}

    def handler(request: Request) -> Response:
        body = versions[min(calls["n"], len(versions) - 1)]
        calls["n"] += 1
        return Response(body, content_type=ATOM)

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)


def test_upstream_change_updates_only_untouched_files(httpserver: HTTPServer,
                                                      tmp_path: Path) -> None:
    first = fixture("atom.xml")
    second = first.replace(b"its newest open model.</summary>",
                           b"its newest open model, now with vision.</summary>").replace(
        b"Demand for AI accelerators", b"Demand for AI chips")
    changing_feed(httpserver, [first, second])
    config = write_config(tmp_path, [{"name": "Wire", "feed": httpserver.url_for("/feed.xml")}])
    run(config, tmp_path)
    content = tmp_path / "content"
    edited = content / "wire/2024-05-02-chip-makers-race-to-keep-up.md"
    mine = edited.read_text(encoding="utf-8").replace("title: Chip", "title: My chip")
    edited.write_text(mine, encoding="utf-8")
    status, out = run(config, tmp_path)
    assert status == 0, out
    assert edited.read_text(encoding="utf-8") == mine  # a person's edit is never touched
    llama = (content / "wire/2024-05-01-meta-releases-llama-4.md").read_text(encoding="utf-8")
    assert "now with vision" in llama
    assert "Wire: 0 new, 1 updated, 1 skipped" in out


def test_never_overwrites_a_file_it_did_not_write(httpserver: HTTPServer,
                                                  tmp_path: Path) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(fixture("atom.xml"),
                                                             content_type=ATOM)
    config = write_config(tmp_path, [{"name": "Wire", "feed": httpserver.url_for("/feed.xml")}])
    mine = tmp_path / "content/wire/2024-05-01-meta-releases-llama-4.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\ntitle: Mine\n---\nMy notes.\n", encoding="utf-8")
    status, out = run(config, tmp_path)
    assert status == 0
    assert mine.read_text(encoding="utf-8") == "---\ntitle: Mine\n---\nMy notes.\n"
    assert "exists and fetch did not write it" in out


def test_conditional_get_and_304(httpserver: HTTPServer, tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("If-None-Match", ""))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(fixture("rss1.rdf"), content_type="application/rdf+xml",
                        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"})

    httpserver.expect_request("/rdf").respond_with_handler(handler)
    config = write_config(tmp_path, [{"name": "RDF", "feed": httpserver.url_for("/rdf")}])
    assert run(config, tmp_path)[0] == 0
    state_before = (tmp_path / STATE_NAME).read_bytes()
    status, out = run(config, tmp_path)
    assert status == 0, out
    assert seen == ["", '"v1"']
    assert (tmp_path / STATE_NAME).read_bytes() == state_before
    assert "RDF: 0 new, 0 updated, 0 skipped" in out
    assert list(files(tmp_path / "content")) == [
        "rdf/2024-04-30-graph-databases-meet-language-models.md"]


def test_redirect_gzip_latin1_json_feed(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/feed.json")})
    httpserver.expect_request("/feed.json").respond_with_data(
        fixture("feed.json"), content_type="application/feed+json")
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(fixture("rss1.rdf")), content_type="application/rdf+xml",
        headers={"Content-Encoding": "gzip"})
    httpserver.expect_request("/latin1").respond_with_data(
        fixture("latin1.xml"), content_type="application/rss+xml")
    config = write_config(tmp_path, [
        {"name": "JSON Times", "feed": httpserver.url_for("/old")},
        {"name": "Zipped", "feed": httpserver.url_for("/gz")},
        {"name": "Café", "feed": httpserver.url_for("/latin1")},
    ])
    status, out = run(config, tmp_path)
    assert status == 0, out
    written = files(tmp_path / "content")
    assert sorted(written) == [
        "cafe/2024-05-01-cafe-creme-et-ia.md",
        "json-times/2024-05-03-plain-text-post.md",
        "json-times/2024-05-03-small-models-big-results.md",
        "zipped/2024-04-30-graph-databases-meet-language-models.md",
    ]
    cafe = split_front_matter(written["cafe/2024-05-01-cafe-creme-et-ia.md"].decode()).meta
    assert cafe["title"] == "Café crème et IA"
    plain = split_front_matter(written["json-times/2024-05-03-plain-text-post.md"].decode())
    assert plain.meta["author"] == "Grace Hopper"
    assert plain.meta["publishedDateTime"] == "2024-05-03T06:00:00Z"
    assert "Just text, <not html>." in plain.body or "Just text, \\<not html>." in plain.body
    small = split_front_matter(
        written["json-times/2024-05-03-small-models-big-results.md"].decode()).meta
    assert small["author"] == "Desk" and small["topics"] == ["Small models"]


def test_odd_entries(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/odd").respond_with_data(fixture("odd.xml"), content_type=RSS)
    config = write_config(tmp_path, [{"name": "Odd", "feed": httpserver.url_for("/odd")}])
    status, out = run(config, tmp_path)
    assert status == 0, out
    written = files(tmp_path / "content")
    assert sorted(written) == [
        "odd/2024-05-01-an-entry-whose-title-went-missing-in-the-cms-export.md",
        "odd/2024-05-01-no-link-here.md",
        "odd/no-date-at-all.md",  # undated: no date prefix, no invented date
    ]
    undated = split_front_matter(written["odd/no-date-at-all.md"].decode()).meta
    assert "publishedDateTime" not in undated
    assert "warning: Odd: an entry had no title" in out
    assert "warning: Odd: entry 'No link here' has no link" in out
    assert "warning: Odd: an entry with no title and no text" in out
    assert run(config, tmp_path)[1].count("new") == 2  # per source + total, all zero
    assert files(tmp_path / "content") == written


def test_bad_feeds_fail_alone(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/good").respond_with_data(fixture("atom.xml"), content_type=ATOM)
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    httpserver.expect_request("/error").respond_with_data("oops", status=500)
    httpserver.expect_request("/html").respond_with_data(
        "<!DOCTYPE html><html><body>Welcome</body></html>", content_type="text/html")
    httpserver.expect_request("/broken").respond_with_data(fixture("broken.xml"),
                                                           content_type=RSS)
    httpserver.expect_request("/huge").respond_with_data(b"<rss>" + b" " * 5000,
                                                         content_type=RSS)
    names = ["good", "missing", "error", "html", "broken", "huge"]
    sources = [{"name": n.title(), "feed": httpserver.url_for(f"/{n}")} for n in names]
    sources.append({"name": "Nowhere", "feed": "http://127.0.0.1:9/feed"})
    config = write_config(tmp_path, sources)
    status, out = run(config, tmp_path,
                      client=fast_client(timeout=0.3, retries=0, max_bytes=4000))
    assert status == 1
    lines = out.splitlines()
    assert any(line.startswith("error: Missing: HTTP 404") for line in lines), out
    assert any(line.startswith("error: Error: HTTP 500") for line in lines), out
    assert "error: Html: the server sent an HTML page, not a feed" in out
    assert "warning: Broken: ill-formed feed" in out
    assert any(line.startswith("error: Huge: response") and "limit" in line for line in lines)
    assert "error: Nowhere: unreachable" in out
    assert "Good: 2 new" in out
    assert "Broken: 1 new" in out
    assert sorted(files(tmp_path / "content")) == [
        "broken/2024-05-01-first-survives.md",
        "good/2024-05-01-meta-releases-llama-4.md",
        "good/2024-05-02-chip-makers-race-to-keep-up.md",
    ]


def test_a_slow_feed_times_out(tmp_path: Path) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.8)
        return Response(fixture("atom.xml"), content_type=ATOM)

    # A server of its own, threaded, so the sleeping handler holds up no other test.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        server.expect_request("/slow").respond_with_handler(slow)
        server.expect_request("/fast").respond_with_data(fixture("rss1.rdf"), content_type=RSS)
        config = write_config(tmp_path, [{"name": "Slow", "feed": server.url_for("/slow")},
                                         {"name": "Fast", "feed": server.url_for("/fast")}])
        status, out = run(config, tmp_path, client=fast_client(timeout=0.2, retries=1))
        assert status == 1
        assert "error: Slow: timed out after 0.2 s; skipped this time" in out
        assert "Fast: 1 new" in out
        time.sleep(1.0)  # let the handlers finish before the server stops
    finally:
        server.clear()
        server.stop()


def test_retries_a_server_error(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request("/flaky").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/flaky").respond_with_data(fixture("rss1.rdf"),
                                                                  content_type=RSS)
    config = write_config(tmp_path, [{"name": "Flaky", "feed": httpserver.url_for("/flaky")}])
    status, out = run(config, tmp_path)
    assert status == 0, out
    assert "Flaky: 1 new" in out


def test_user_agent_and_accept(httpserver: HTTPServer, tmp_path: Path) -> None:
    from digest import __version__

    httpserver.expect_request(
        "/ua", headers={"User-Agent": f"digest/{__version__} (+https://github.com/digest-ssg/digest)"}
    ).respond_with_data(fixture("rss1.rdf"), content_type=RSS)
    config = write_config(tmp_path, [{"name": "UA", "feed": httpserver.url_for("/ua")}])
    assert run(config, tmp_path)[0] == 0


def test_config_errors_exit_2(tmp_path: Path) -> None:
    config = write_config(tmp_path, [{"name": "X", "feed": "https://x.org/f", "tpoics": []}])
    status, out = run(config, tmp_path)
    assert status == 2
    assert "digest.yaml: unknown key `tpoics` in sources[0]: did you mean `topics`?" in out


def test_one_request_per_host_at_a_time(tmp_path: Path) -> None:
    import threading

    busy = {"now": 0, "most": 0}
    lock = threading.Lock()

    def handler(request: Request) -> Response:
        with lock:
            busy["now"] += 1
            busy["most"] = max(busy["most"], busy["now"])
        time.sleep(0.05)
        with lock:
            busy["now"] -= 1
        return Response(fixture("rss1.rdf").replace(b"/a1", request.path.encode()),
                        content_type=RSS)

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        server.expect_request("/f", query_string=None).respond_with_handler(handler)
        for n in range(6):
            server.expect_request(f"/f{n}").respond_with_handler(handler)
        config = write_config(tmp_path, [{"name": f"F{n}", "feed": server.url_for(f"/f{n}")}
                                         for n in range(6)])

        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        out = Terminal()
        status = fetch(config, tmp_path / "content", tmp_path / ".digest-cache", out=out,
                       client=fast_client())
        assert status == 0, out.getvalue()
        assert busy["most"] == 1  # eight workers, one host: never two requests at once
        assert "\rfetching feeds: 6/6\n" in out.getvalue()  # progress on a terminal
        assert "fetching" not in run(config, tmp_path)[1]  # and none without one
    finally:
        server.clear()
        server.stop()
