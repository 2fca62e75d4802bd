"""What serve and watch run on every change: rebuild and say so, settle in between, watch.

Handed the builder and the config reader by the CLI, so nothing here builds by itself.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import click

from ..config import ConfigError, SiteConfig
from ..model import Problem
from ..output.assemble import BuildError
from ..output.check import LinkProblem
from ..output.manifest import OutputError, WriteResult
from ..read.files import shown_name
from ..results import BuildResult
from .routes import BuildFailed, Site, moves
from .watch import Change, Watcher, changed_files, describe, site_targets


class Rebuild:
    """The builder that serve and watch call: reload the config, build, say so in one line.

    The config is read again on every rebuild, so a change to digest.yaml takes effect
    at once; the watched folders follow it (`on_config`).
    """

    def __init__(self, config: Callable[[], SiteConfig], builder: Callable[..., BuildResult],
                 report: Callable[[BuildResult, SiteConfig, bool], None],
                 strict: bool, quiet: bool) -> None:
        self.config = config  # reads digest.yaml and the options again
        self.builder = builder  # build.build, told how to wait for another build
        self.report = report  # the build summary, as `digest build` prints it
        self.strict = strict
        self.quiet = quiet
        self.on_config: Callable[[SiteConfig], None] | None = None
        # handed the site and a renderer of its pages before they are written (serve)
        self.on_ready: Callable[[Site, Callable[[str], bytes | None]], None] | None = None
        # what the last build found, so that a rebuild lists only what is new
        self.known: set[Problem] = set()
        self.known_links: set[LinkProblem] = set()
        self.known_warnings: set[str] = set()
        # the preview follows an article whose URL changes (routes.moves)
        self.urls: dict[str, str] = {}  # article path -> its URL, as of the last build
        self.moved: dict[str, str] = {}  # old URL -> new URL, for the life of the process
        self.builds = 0

    def __call__(self, changes: Sequence[Change]) -> Site:
        what = describe(changes, Path.cwd().resolve())
        stamp = time.strftime("%H:%M:%S")
        started = time.perf_counter()
        shown: list[float] = []  # when the pages were handed to the preview, if they were
        try:
            config = self.config()
            if self.on_config is not None:
                self.on_config(config)
            site = Site(config.resolve(config.output_dir), config.base_path)
            changed = changed_files(changes)
            # Only an edit of the content shows before all is written: a template, style
            # sheet or config change is seen whole, or its error is, without a reload.
            on_ready = self.on_ready if changed is not None else None

            def ready(render: Callable[[str], bytes | None]) -> None:
                shown.append(time.perf_counter() - started)
                if on_ready is not None:
                    on_ready(site, render)

            result = self.builder(config, patch=True, changed=changed,
                                  ready=ready if on_ready is not None else None)
        except (ConfigError, BuildError, OutputError) as err:
            click.echo(shown_name(f"{stamp} {what}: build failed: {err}"), err=True)
            raise BuildFailed(shown_name(str(err))) from err
        self.builds += 1
        if result.digest is not None:
            urls = {a.path: a.url for a in result.digest.articles}
            if self.builds > 1:
                self.moved = moves(self.urls, urls, self.moved)
            self.urls = urls
        site = replace(site, moved=tuple(sorted(self.moved.items())))
        if result.digest is None and not changes and self.builds > 1:
            return site  # nothing new
        if self.builds == 1:
            self.report(result, config, self.quiet)
        else:
            new = [p for p in result.problems if p not in self.known]
            links = [p for p in result.link_problems if p not in self.known_links]
            seen = len(result.link_problems) - len(links)
            self.report(replace(result, problems=new, link_problems=links, warnings=[
                w for w in result.warnings if w not in self.known_warnings]), config, True)
            write = result.write or WriteResult()
            line = (f"{stamp} {what}: rebuilt in {result.seconds:.2f} s "
                    f"({result.articles_built} articles, {result.pages} pages: "
                    f"{write.written} written, {write.removed} removed)")
            if shown:
                line += f"; pages shown after {shown[0]:.2f} s"
            if new:
                line += f", {len(new)} new problem{'s' * (len(new) != 1)} (above)"
            if links:
                line += f", {len(links)} new broken link{'s' * (len(links) != 1)} (above)"
            before = f"{seen} broken link{'s' * (seen != 1)} seen before"
            if not self.quiet:
                click.echo(line + (f", {before}" if seen else ""))
            elif seen:
                click.echo(f"warning: {before} (not listed again)", err=True)
        self.known = set(result.problems)
        self.known_links = set(result.link_problems)
        self.known_warnings = set(result.warnings)
        problems = [p for p in result.problems if p.counts]
        if self.strict and problems:
            first = problems[0]
            where = f"{first.path}{f':{first.line}' if first.line else ''}"
            raise BuildFailed(shown_name(f"--strict: {len(problems)} problem(s), the "
                                         f"first: {where}: {first.message}"))
        return site


class Settle:
    """Called between a long-running preview's rebuilds, when no one waits.

    What a build leaves alive (the articles, the digest: a few hundred thousand objects
    on a large site) stays alive until the next one, and Python's cycle collector would
    scan all of it again and again while the next rebuild runs: 0.4 s of a 1.2 s rebuild
    at 10,000 articles. So collect now and freeze the survivors, out of its way. Frozen
    objects are still freed when nothing refers to them; only a cycle among them would
    stay, so every `every` calls everything is unfrozen and looked at once more.
    """

    def __init__(self, every: int = 25) -> None:
        self.every = every
        self.calls = 0

    def pause(self) -> None:
        """No collection while a rebuild runs (its garbage is looked at once, after):
        the collector's passes over what the rebuild makes were ~10 % of it."""
        gc.disable()

    def __call__(self) -> None:
        self.calls += 1
        if self.calls % self.every == 0:
            gc.unfreeze()
        gc.collect()
        gc.freeze()
        gc.enable()


def watcher_for(rebuild: Rebuild, config: SiteConfig, on_change: Callable[[list[Change]], None],
             poll: bool, debounce: float) -> Watcher:
    watcher = Watcher(site_targets(config), on_change, delay=debounce, poll=poll)
    rebuild.on_config = lambda c: watcher.retarget(site_targets(c))
    return watcher
