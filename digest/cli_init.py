"""`digest init`: write a new digest's files; never over a file that is there already."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from .config import ConfigError, normalise_base_url
from .scaffold import DEFAULT_REF, DEFAULT_TITLE, scaffold

_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


@click.command("init")
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=DEFAULT_TITLE, show_default=True, help="The site's name.")
@click.option("--base-url", default="", help="Where it will be published, e.g. "
              "https://user.github.io/repo/ (the Pages workflow passes its own).")
@click.option("--digest-ref", default=DEFAULT_REF, show_default=True,
              help="The git tag or commit of digest the Pages workflow installs.")
@click.option("--force", is_flag=True, help="Overwrite files that are there already.")
def init_command(folder: Path, title: str, base_url: str, digest_ref: str,
                 force: bool) -> None:
    """Start a digest in FOLDER (default: here): digest.yaml, an example article, a
    .gitignore, a README and a GitHub Pages workflow."""
    try:
        base = normalise_base_url(base_url, "--base-url") if base_url else ""
    except ConfigError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    if not _REF.fullmatch(digest_ref):
        click.echo(f"error: --digest-ref: not a git tag, branch or commit: {digest_ref!r}",
                   err=True)
        sys.exit(2)
    if not title.strip():
        click.echo("error: --title: the site needs a name", err=True)
        sys.exit(2)
    made = scaffold(title.strip(), base, digest_ref, datetime.now(UTC).date())
    there = [path for path in made if (folder / path).exists()]
    if there and not force:
        click.echo(f"error: {folder}: already there, not overwritten: {', '.join(there)} "
                   "(--force overwrites them)", err=True)
        sys.exit(2)
    try:
        for path, text in made.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    except OSError as err:
        click.echo(f"error: {err.filename or folder}: {err.strerror or err}", err=True)
        sys.exit(2)
    for path in made:
        click.echo(f"  {'overwrote' if path in there else 'wrote'} {folder / path}")
    click.echo(f"digest: a new digest in {folder}/. Next: cd {folder} && digest serve; "
               "then push it to GitHub and turn on Pages (Settings → Pages → Source: "
               "GitHub Actions).")
