"""The command line: parse options, call the core, print a summary. No logic of its own."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .build import BuildError, build
from .cli_content import check_content
from .cli_fetch import add_command, fetch_command
from .cli_init import init_command
from .cli_topics import topics_command
from .config import DEBOUNCE, ConfigError, SiteConfig, find_config, load_config, normalise_base_url
from .output.check import check_site, read_output
from .output.manifest import OutputError
from .progress import progress_bar
from .read.files import shown_name
from .results import BuildResult
from .stop import exit_stopped, stop_on_sigterm

if TYPE_CHECKING:  # serve and watch (and watchdog) are imported only when used
    from .live.rebuild import Rebuild
    from .live.watch import Change


def build_options(func: Any) -> Any:
    """Options shared by build, serve and watch."""
    options = [
        click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Config file (default: ./digest.yaml if there is one)."),
        click.option("--content", type=click.Path(file_okay=False, path_type=Path),
                     help="Folder of articles (default from config: seeds/)."),
        click.option("--output", type=click.Path(file_okay=False, path_type=Path),
                     help="Folder to write the site into (default from config: site/)."),
        click.option("--base-url", help="Where the site is published, e.g. "
                     "https://user.github.io/repo/ (used for feeds, sitemap, canonical URLs)."),
        click.option("--future/--no-future", default=None,
                     help="Include articles dated after the time of the build (default: "
                     "leave them out until their date, as Hugo and Jekyll do)."),
        click.option("--strict", is_flag=True,
                     help="Exit with status 1 if any article had a problem."),
        click.option("--quiet", "-q", is_flag=True, help="Print only problems and errors."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_config(config_file: Path | None, content: Path | None, output: Path | None,
                base_url: str | None, **overrides: Any) -> SiteConfig:
    """CLI options -> SiteConfig. Paths given on the command line are relative to here."""
    cwd = Path.cwd()
    path = config_file or find_config(cwd)
    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"{config_file}: no such config file")
    if base_url:
        base_url = normalise_base_url(base_url, "--base-url")
    values = {
        "content_dir": content.absolute() if content else None,
        "output_dir": output.absolute() if output else None,
        "base_url": base_url,
        **overrides,
    }
    return load_config(path, values, root=path.parent.absolute() if path else cwd)


def print_summary(result: BuildResult, config: SiteConfig, quiet: bool) -> None:
    content = _shown(config.resolve(config.content_dir))
    output = _shown(config.resolve(config.output_dir))
    for problem in result.problems:
        where = f"{content}/{problem.path}" + (f":{problem.line}" if problem.line else "")
        label = problem.severity if problem.severity in {"error", "note"} else "warning"
        click.echo(shown_name(f"{label}: {where}: {problem.message}"), err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for link in result.link_problems:
        click.echo(f"warning: {output}/{link}", err=True)
    if quiet:
        return
    parts = [f"read {result.articles_read} file{'s' * (result.articles_read != 1)}",
             f"built {result.articles_built} article{'s' * (result.articles_built != 1)}"]
    if result.undated:
        parts.append(f"{result.undated} undated")
    click.echo("digest: " + ", ".join(parts))
    for line in result.left_out():
        click.echo(f"  {line}")
    problems = [p for p in result.problems if p.counts]
    if problems:
        files = len({p.path for p in problems})
        click.echo(f"  {len(problems)} problem{'s' * (len(problems) != 1)} in "
                   f"{files} file{'s' * (files != 1)} (listed above)")
    notes = len(result.problems) - len(problems)
    if notes:
        click.echo(f"  {notes} note{'s' * (notes != 1)} (listed above; not problems)")
    for line in result.feed_lines(bool(config.base_url)):
        click.echo(f"  {line}")
    if result.link_problems:
        click.echo(f"  {len(result.link_problems)} broken or root-absolute "
                   f"link{'s' * (len(result.link_problems) != 1)} in the output (listed above)")
    write = result.write
    if write is not None:
        click.echo(f"  {result.pages} pages in {_shown(config.resolve(config.output_dir))}/: "
                   f"{write.written} written, {write.unchanged} unchanged, "
                   f"{write.removed} removed, in {result.seconds:.2f} s")
        if write.kept:
            click.echo(f"  kept {len(write.kept)} file(s) in the output that digest did not "
                       f"write: {', '.join(write.kept[:5])}{' …' if len(write.kept) > 5 else ''}")


def clock() -> datetime:
    """The time of this build: the one place the clock is read (what is "in the future")."""
    return datetime.now(UTC)


def timed_build(config: SiteConfig, **options: Any) -> BuildResult:
    """build() at the time it is called: each rebuild of serve and watch reads the clock."""
    return build(config, now=clock(), waiting=waiting, **options)


def waiting(folder: Path, pid: int | None) -> None:
    """Say that this build waits for another one (build.Waiting)."""
    who = f" (pid {pid})" if pid else ""
    click.echo(f"waiting for another digest build of {_shown(folder)}/{who}…", err=True)


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """digest: build a browsable static site from a folder of news articles."""


main.add_command(fetch_command)
main.add_command(add_command)
main.add_command(init_command)
main.add_command(topics_command)


def run() -> None:
    """The `digest` command: main(), then an exit that leaves the heap as it is.

    Python frees every object one by one when it exits: after an edit rebuild of 100,000
    articles, 4 s of its 29. The atexit handlers still run (worker pools, temporary
    folders) and the output is flushed.
    """
    try:
        main()
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - click's main always exits
        code = 0
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


@main.command("build")
@build_options
@click.option("--drafts", is_flag=True, help="Include drafts (draft: true / published: false).")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the build cache (.digest-cache/): a cold build.")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Processes for parsing and rendering (default: one per core).")
def build_command(config_file: Path | None, content: Path | None, output: Path | None,
                  base_url: str | None, future: bool | None, strict: bool, quiet: bool,
                  drafts: bool, no_cache: bool, jobs: int | None) -> None:
    """Read the articles and write the site."""
    stop_on_sigterm()  # so a build told to stop removes its half-made site
    try:
        config = make_config(config_file, content, output, base_url, future=future,
                             drafts=drafts or None)
        with progress_bar(enabled=not quiet) as progress:
            result = build(config, now=clock(), cache=not no_cache, jobs=jobs,
                           progress=progress, waiting=waiting)
    except (ConfigError, BuildError, OutputError) as err:
        click.echo(shown_name(f"error: {err}"), err=True)
        sys.exit(2)
    except OSError as err:  # what the output edge did not name (a file that cannot be read)
        click.echo(f"error: {err.filename or 'digest'}: {err.strerror or err}; nothing was "
                   "replaced", err=True)
        sys.exit(2)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (see stop_on_sigterm)
        exit_stopped("digest build")
    print_summary(result, config, quiet)
    problems = [p for p in result.problems if p.counts]
    if strict and (problems or result.link_problems):
        count = len(problems) + len(result.link_problems)
        click.echo(f"error: --strict: {count} problem(s)", err=True)
        sys.exit(1)


@main.command("check")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Config file (default: ./digest.yaml if there is one).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="The built site to check (default from config: site/).")
@click.option("--base-url", help="The URL the site was built for (default from config).")
@click.option("--content", "content", is_flag=True,
              help="Instead, list articles with no date, no topic but the default, or no "
              "source, and how to fix each (advice: exits 0).")
def check_command(config_file: Path | None, output: Path | None, base_url: str | None,
                  content: bool) -> None:
    """Find broken links, and links that ignore the base path, in a built site."""
    try:
        config = make_config(config_file, None, output, base_url)
    except ConfigError as err:
        click.echo(shown_name(f"error: {err}"), err=True)
        sys.exit(2)
    if content:
        check_content(config, _shown(config.resolve(config.content_dir)))
        return
    folder = config.resolve(config.output_dir)
    if not (folder / "index.html").is_file():
        click.echo(f"error: {_shown(folder)}: no built site here (run digest build)", err=True)
        sys.exit(2)
    files = read_output(folder)
    problems = check_site(files, config)
    for problem in problems:
        click.echo(f"{_shown(folder)}/{problem}", err=True)
    pages = sum(1 for p in files if p.endswith(".html"))
    where = config.base_url or "a domain root or from disk"
    if problems:
        click.echo(f"digest check: {len(problems)} problem(s) in {pages} pages "
                   f"(built for {where})", err=True)
        sys.exit(1)
    click.echo(f"digest check: {pages} pages, every link resolves (built for {where})")


def _start(options: dict[str, Any], strict: bool, quiet: bool) -> tuple[Rebuild, SiteConfig]:
    """The rebuilder for serve and watch, and the config it starts with (exit 2 if bad)."""
    from .live.rebuild import Rebuild

    rebuild = Rebuild(lambda: make_config(**options), timed_build, print_summary, strict, quiet)
    try:
        return rebuild, rebuild.config()
    except ConfigError as err:
        click.echo(shown_name(f"error: {err}"), err=True)
        sys.exit(2)


def preview_options(func: Any) -> Any:
    """Options shared by serve and watch, on top of the build options."""
    options = [
        click.option("--poll", is_flag=True, help="Poll for changes instead of waiting for "
                     "the system to report them (for network drives and some containers)."),
        click.option("--debounce", default=DEBOUNCE, show_default=True,
                     type=click.FloatRange(0),
                     help="Seconds of quiet after a change before rebuilding."),
        click.option("--search/--no-search", default=None,
                     help="Build the search index on every rebuild (it re-indexes every "
                     "article: seconds on a large site). Default: off for serve, as in "
                     "digest.yaml for watch."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@main.command("serve")
@build_options
@click.option("--drafts/--no-drafts", default=True, show_default=True,
              help="Include drafts (marked as drafts on the page).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 shows the preview to your network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; if it is taken, the next free one is used.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@preview_options
def serve_command(config_file: Path | None, content: Path | None, output: Path | None,
                  base_url: str | None, future: bool | None, strict: bool, quiet: bool,
                  drafts: bool, host: str, port: int, open_browser: bool, poll: bool,
                  debounce: float, search: bool | None) -> None:
    """Build, serve the site, rebuild on change and reload open pages."""
    from .live.rebuild import Settle, watcher_for
    from .live.serve import Preview

    # The search index is off by default here: Pagefind re-indexes every article on
    # every edit, which would turn a millisecond reload into seconds on a large site.
    options = {"config_file": config_file, "content": content, "output": output,
               "base_url": base_url, "future": future, "drafts": drafts,
               "search": bool(search)}
    rebuild, config = _start(options, strict, quiet)
    # A page requested while a rebuild still writes the site waits for the interpreter
    # lock at every read and write of its socket; 1 ms turns instead of 5 make that
    # wait short (tens of milliseconds per page on a large site).
    sys.setswitchinterval(0.001)
    preview = Preview(rebuild, log=lambda text: click.echo(text, err=True),
                      folder=config.root)
    rebuild.on_ready = preview.ready
    try:
        bound = preview.bind(host, port)
    except OSError as err:
        click.echo(f"error: cannot listen on {host}:{port}: {err.strerror or err}", err=True)
        sys.exit(2)
    if port and bound != port:
        click.echo(f"Port {port} is in use; using port {bound} instead.", err=True)
    settle = Settle()

    def on_change(changes: Sequence[Change]) -> None:
        settle.pause()
        try:
            preview.rebuild(changes)
        finally:
            settle()  # after the pages are told to reload

    watcher = watcher_for(rebuild, config, on_change, poll, debounce)
    stop_on_sigterm()
    try:
        # The first build runs before any thread starts, so that it may fork workers and
        # use every core (a large site builds in half the time, in less memory); then a
        # second look, nearly free when nothing changed, catches edits made meanwhile.
        built = preview.rebuild()
        watcher.start()
        if built:  # (a failed build waits for the fix to come as a change)
            preview.rebuild()
        settle()
        click.echo(f"Serving {preview.url()} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser
            webbrowser.open(preview.url())
        preview.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        preview.stop()
    click.echo("Stopped.")


@main.command("watch")
@build_options
@click.option("--drafts/--no-drafts", default=False, show_default=True,
              help="Include drafts (marked as drafts on the page).")
@preview_options
def watch_command(config_file: Path | None, content: Path | None, output: Path | None,
                  base_url: str | None, future: bool | None, strict: bool, quiet: bool,
                  drafts: bool, poll: bool, debounce: float, search: bool | None) -> None:
    """Build, then rebuild into the output folder on every change (no server)."""
    from .live.rebuild import Settle, watcher_for
    from .live.routes import BuildFailed

    options = {"config_file": config_file, "content": content, "output": output,
               "base_url": base_url, "future": future, "drafts": drafts, "search": search}
    rebuild, config = _start(options, strict, quiet)
    settle = Settle()

    def build_once(changes: Sequence[Change]) -> None:
        with contextlib.suppress(BuildFailed):  # reported already; the next change retries
            rebuild(changes)

    def on_change(changes: Sequence[Change]) -> None:
        settle.pause()
        try:
            build_once(changes)
        finally:
            settle()

    watcher = watcher_for(rebuild, config, on_change, poll, debounce)
    stop_on_sigterm()
    try:
        build_once([])  # before any thread starts: the first build may use every core
        watcher.start()
        build_once([])  # edits made during the first build
        settle()
        click.echo(f"Watching {_shown(config.resolve(config.content_dir))}/ and the templates "
                   "for changes (Ctrl-C to stop)")
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
    click.echo("Stopped.")
