"""`digest check --content`: what each article lacks, with the fix (over read.advice)."""

from __future__ import annotations

from datetime import datetime

import click

from .config import SiteConfig
from .read.advice import advice_summary, content_advice
from .read.files import read_articles, shown_name


def check_content(config: SiteConfig, folder: str) -> None:
    """Print what each article lacks and the fix, then a one-line summary (exit 0)."""
    articles, _ = read_articles(config)
    advice = content_advice(articles, config, datetime.now(config.zone).date())
    for item in advice:
        click.echo(shown_name(f"{folder}/{item}"))
    click.echo(advice_summary(advice, len(articles)))
