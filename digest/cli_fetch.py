"""The command line of the network edge: `digest fetch` and `digest add`. No logic of its own."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .config import ConfigError, SiteConfig, find_config, load_config
from .read.files import shown_name

# The network edge (httpx, feedparser, trafilatura) is imported only when fetch or add
# runs: a tenth of a second and more off every `digest build`. The state file sits
# beside the build cache folder (`.digest-cache/`, as incremental/cache.py names it).
CACHE_DIR = ".digest-cache"

_CONFIG = click.option("--config", "config_file",
                       type=click.Path(dir_okay=False, path_type=Path),
                       help="Config file (default: ./digest.yaml if there is one).")
_CONTENT = click.option("--content", type=click.Path(file_okay=False, path_type=Path),
                        help="Folder of articles to write into (default from config: seeds/).")


def _config(config_file: Path | None, content: Path | None, *, needed: bool) -> SiteConfig:
    """--config and --content -> SiteConfig (paths on the command line are relative to
    here); with `needed`, no config file at all is an error."""
    cwd = Path.cwd()
    path = config_file or find_config(cwd)
    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"{config_file}: no such config file")
    if path is None and needed:
        raise ConfigError(f"{cwd / 'digest.yaml'}: no config here; digest fetch reads the "
                          "feeds from its `sources:` list (or pass --config FILE)")
    overrides = {"content_dir": content.absolute() if content else None}
    return load_config(path, overrides, root=path.parent.absolute() if path else cwd)


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """--since '2024-05-01' -> a date; anything else is a usage error (exit 2)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, "
                                 "such as 2024-05-01") from None


def _topics(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    """--topics 'AI, Open models' -> ('AI', 'Open models')."""
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _fail(err: ConfigError) -> None:
    """A config error: its message on stderr, exit status 2."""
    click.echo(shown_name(f"error: {err}"), err=True)
    sys.exit(2)


@click.command("fetch")
@_CONFIG
@_CONTENT
@click.option("--source", "source_name", metavar="NAME",
              help="Fetch only the source with this name.")
@click.option("--since", callback=_since, metavar="DATE",
              help="Leave out entries published before this date (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
def fetch_command(config_file: Path | None, content: Path | None, source_name: str | None,
                  since: date | None, dry_run: bool) -> None:
    """Pull the configured feeds into new article files.

    Reads the `sources:` list of digest.yaml; exit status 1 when any feed failed."""
    from .fetch.run import fetch

    try:
        config = _config(config_file, content, needed=True)
    except ConfigError as err:
        _fail(err)
    sys.exit(fetch(config, config.resolve(config.content_dir), config.root / CACHE_DIR,
                   source=source_name, since=since, dry_run=dry_run, out=sys.stdout))


@click.command("add")
@click.argument("targets", nargs=-1, required=True, metavar="URL|FILE...")
@_CONFIG
@_CONTENT
@click.option("--topics", callback=_topics, metavar="T,...",
              help="Topics for the clipped articles, separated by commas.")
@click.option("--source", "source_name", metavar="NAME",
              help="The source to credit (default: the page's site name, or its domain).")
def add_command(targets: tuple[str, ...], config_file: Path | None, content: Path | None,
                topics: tuple[str, ...], source_name: str | None) -> None:
    """Clip web pages into the content folder.

    Each URL or saved .html file becomes <content>/clipped/<date>-<slug>.md, with its lead
    image beside it; exit status 1 when any page could not be clipped."""
    from .fetch.run import add

    try:
        config = _config(config_file, content, needed=False)
    except ConfigError as err:
        _fail(err)
    sys.exit(add(list(targets), config.resolve(config.content_dir), config.root / CACHE_DIR,
                 topics=topics, source=source_name, out=sys.stdout))
