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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..config import SiteConfig
from ..model import Article, Problem

IMAGE_SUFFIXES = (".avif", ".gif", ".jpeg", ".jpg", ".png", ".webp")
MAX_IMAGE_BYTES = 10 * 1024 * 1024


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


ImageStat = tuple[int, int, int]  # size, mtime_ns, ctime_ns


def image_files(content: Path) -> dict[str, ImageStat]:
    """Every image file in the content folder (hidden folders left out), by its path
    inside it and its stat: one walk, instead of a stat for every name an article's
    image could have."""
    found = {}
    for folder, dirs, names in os.walk(content):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_folder = os.path.relpath(folder, content).replace(os.sep, "/")
        for name in sorted(names):
            if name.lower().endswith(IMAGE_SUFFIXES):
                with contextlib.suppress(OSError):
                    stat = os.stat(os.path.join(folder, name))
                    rel = name if rel_folder == "." else f"{rel_folder}/{name}"
                    found[rel] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    return found


def listed(rel: str) -> bool:
    """Is a file at this path inside the content folder one that image_files lists?"""
    folders = rel.split("/")[:-1]
    return rel.lower().endswith(IMAGE_SUFFIXES) and not any(f.startswith(".") for f in folders)


_READ: dict[tuple[Path, str, ImageStat], LocalImage] = {}  # for the next build of this process


def find_local_images(articles: Iterable[Article], content: Path,
                      files: Mapping[str, ImageStat] | None = None,
                      ) -> tuple[dict[str, LocalImage], list[Problem]]:
    """Articles + content folder (+ its image_files) -> {article path: its local lead
    image}, and problems. An image whose stat has not changed is not read again."""
    root = content.resolve()
    files = image_files(root) if files is None else files
    found: dict[str, LocalImage] = {}
    problems: list[Problem] = []
    for article in articles if files else ():
        url = article.image.url if article.image else ""
        for rel in candidates(article.path, url):
            if rel not in files:
                continue
            known = _READ.get((root, rel, files[rel]))
            image = known or _read_image(root, rel, problems)
            if image is None:
                continue
            if known is None:
                if len(_READ) > 10_000:
                    _READ.clear()
                _READ[(root, rel, files[rel])] = image
            found[article.path] = image
            break
    return found, problems


def _read_image(root: Path, rel: str, problems: list[Problem]) -> LocalImage | None:
    """One image file inside root -> its bytes and size, or None (with a problem when it
    is there but unusable)."""
    from PIL import Image, UnidentifiedImageError

    path = root / rel
    try:
        if not path.is_file() or not path.resolve().is_relative_to(root):
            return None
        if path.stat().st_size > MAX_IMAGE_BYTES:
            problems.append(Problem(rel, f"image is over {MAX_IMAGE_BYTES // 2**20} MB; "
                                    "not copied into the site"))
            return None
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError, ValueError):
        problems.append(Problem(rel, "not an image digest can read; not shown"))
        return None
    return LocalImage(rel, data, width, height)


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
