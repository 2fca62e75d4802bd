"""Lead images a reader's browser may load without asking a third party.

A remote image named in front matter is never hotlinked unless the site opts in with
`remote_images: true`: loading it would tell the image's host who reads the digest.
A local copy next to the article (the remote file's name, a relative `image:` path,
or the article's own name with an image suffix) is copied into the site instead.
Finding and measuring those copies is I/O (`find_local_images`); choosing what a
page shows is pure (`shown_images`).
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..config import SiteConfig
from ..model import Article, Problem
from ..passes import Edit

IMAGE_SUFFIXES = (".avif", ".gif", ".jpeg", ".jpg", ".png", ".webp")


@dataclass(frozen=True)
class LocalImage:
    """An image file from the content folder, to be copied next to its article's page."""

    source: str  # path inside the content folder
    data: bytes
    width: int
    height: int

    @property
    def name(self) -> str:
        """The file name in the article's folder of the site: 'lead.jpg'."""
        return "lead" + posixpath.splitext(self.source)[1].lower()


@dataclass(frozen=True)
class ShownImage:
    """What a template shows: `src` is a site path, or a remote URL when the site opted in."""

    src: str
    width: int | None
    height: int | None
    alt: str


def candidates(article_path: str, image_url: str) -> list[str]:
    """Article path + front-matter image URL -> content paths a local copy may have."""
    folder = posixpath.dirname(article_path)
    stem = posixpath.splitext(posixpath.basename(article_path))[0]
    found: list[str] = []
    if image_url:
        parts = urlsplit(image_url)
        name = unquote(parts.path)
        if not parts.scheme and not parts.netloc:
            found.append(posixpath.normpath(posixpath.join(folder, name)))
        elif posixpath.basename(name):
            found.append(posixpath.join(folder, posixpath.basename(name)))
    found.extend(posixpath.join(folder, stem + suffix) for suffix in IMAGE_SUFFIXES)
    return [path for path in dict.fromkeys(found)
            if posixpath.splitext(path)[1].lower() in IMAGE_SUFFIXES
            and not path.startswith("../") and path != ".."]


@dataclass
class Shown:
    """The last shown_images_kept call: its articles, local images and setting, and what
    it gave (the live preview's, from one build to the next)."""

    articles: Sequence[Article] = ()
    local: Mapping[str, LocalImage] | None = None
    remote: bool | None = None
    shown: dict[str, ShownImage] = field(default_factory=dict)


def shown_images_kept(articles: Sequence[Article], local: Mapping[str, LocalImage],
                      config: SiteConfig, edit: Edit | None, last: Shown,
                      ) -> dict[str, ShownImage]:
    """What shown_images gives, from the last call's when only the articles at edit.places
    are new (passes.Edit) and each still shows an image or still does not."""
    shown = None
    if edit is not None and edit.before is last.articles and len(articles) == len(
            last.articles) and last.remote == config.remote_images and local == last.local:
        changed = [articles[i] for i in edit.places]
        new = shown_images(changed, local, config)
        if all((a.path in new) == (a.path in last.shown) for a in changed):
            shown = last.shown | new  # (the same keys: the same order)
    if shown is None:
        shown = shown_images(articles, local, config)
    last.articles, last.local, last.remote, last.shown = articles, local, \
        config.remote_images, shown
    return dict(shown)


def shown_images(articles: Iterable[Article], local: Mapping[str, LocalImage],
                 config: SiteConfig) -> dict[str, ShownImage]:
    """Articles -> {article path: the image pages show}; absent means 'show a placeholder'."""
    shown: dict[str, ShownImage] = {}
    for article in articles:
        alt = article.image.alt if article.image else ""
        if article.path in local:
            image = local[article.path]
            shown[article.path] = ShownImage(article.url + image.name, image.width,
                                             image.height, alt)
        elif (article.image and config.remote_images
              and urlsplit(article.image.url).scheme in {"http", "https"}):
            shown[article.path] = ShownImage(article.image.url, article.image.width,
                                             article.image.height, alt)
    return shown
