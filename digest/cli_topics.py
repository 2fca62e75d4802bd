"""`digest topics`: the site's topics, or with --suggest candidate rules for the articles
that have none (over read.suggest). No logic of its own."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from .build import BuildError, read_articles
from .cli_fetch import _CONFIG, _CONTENT, _config, _fail
from .config import ConfigError
from .read.files import shown_name
from .read.suggest import rules_yaml, suggest, untagged
from .site.group import group


@click.command("topics")
@_CONFIG
@_CONTENT
@click.option("--suggest", "suggesting", is_flag=True,
              help="Print candidate topic rules mined from the articles that have only the "
                   "default topic, ready to paste into digest.yaml.")
@click.option("--count", default=5, show_default=True, type=click.IntRange(1, 50),
              help="With --suggest: at most this many candidate topics.")
def topics_command(config_file: Path | None, content: Path | None, suggesting: bool,
                   count: int) -> None:
    """List the site's topics with their number of articles, or suggest new ones."""
    try:
        config = _config(config_file, content, needed=False)
    except ConfigError as err:
        _fail(err)
    folder = config.resolve(config.content_dir)
    if not folder.is_dir():
        _fail(ConfigError(f"{folder}: no such content folder"))
    try:  # read as a build reads them (sidecars, a Hugo or Jekyll site's own rules)
        articles = read_articles(config, datetime.now(UTC))[0]
    except BuildError as err:
        click.echo(shown_name(f"error: {err}"), err=True)
        sys.exit(2)
    articles = [a for a in articles if config.drafts or not a.draft]
    if not suggesting:
        for topic_group in sorted(group(articles, config).topics,
                                  key=lambda g: (-len(g.articles), g.topic.name.casefold())):
            click.echo(shown_name(f"{len(topic_group.articles):6d}  {topic_group.topic.name}"))
        return
    lonely = untagged(articles, config.default_topic)
    if not lonely:
        click.echo(f"# Every article has a topic of its own or from topics.rules; none has "
                   f"only {config.default_topic!r}: nothing to suggest.")
        return
    found = suggest(articles, config.topic_rules, config.default_topic, count)
    if not found:
        click.echo(f"# {len(lonely)} articles have only {config.default_topic!r}, but no "
                   "word or phrase stands out among them: nothing to suggest.")
        return
    click.echo(shown_name(rules_yaml(found, len(lonely), config.default_topic)), nl=False)
