"""`digest check --content`: what each article lacks, with the fix (over read.advice)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from .build import BuildError, read_articles
from .config import SiteConfig
from .read.advice import advice_summary, content_advice
from .read.files import shown_name


def check_content(config: SiteConfig, folder: str) -> None:
    """Print what each article lacks and the fix, then a one-line summary (exit 0)."""
    try:
        articles = read_articles(config, datetime.now(UTC))[0]
    except BuildError as err:
        click.echo(shown_name(f"error: {err}"), err=True)
        sys.exit(2)
    advice = content_advice(articles, config, datetime.now(config.zone).date())
    for item in advice:
        click.echo(shown_name(f"{folder}/{item}"))
    click.echo(advice_summary(advice, len(articles)))
