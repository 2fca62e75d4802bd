"""The content folder's image files: found, read and measured (I/O), for site/images.py."""

from __future__ import annotations

import contextlib
import html
import io
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..model import Article, Problem
from ..site.images import IMAGE_SUFFIXES, LocalImage, candidates

MAX_IMAGE_BYTES = 10 * 1024 * 1024

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

    try:
        data = _bytes_inside(root, rel, problems)
        if data is None:
            return None
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError, ValueError):
        problems.append(Problem(rel, "not an image digest can read; not shown"))
        return None
    return LocalImage(rel, data, width, height)


_IMG_SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]+)"', re.IGNORECASE)  # (sanitised HTML)
_RESOURCES: dict[tuple[Path, str, ImageStat], bytes] = {}  # for the next build of this process


def find_resources(articles: Iterable[Article], content: Path,
                   files: Mapping[str, ImageStat]) -> tuple[dict[str, bytes], list[Problem]]:
    """The images an article's body shows by a relative link into its own folder (a Hugo
    leaf bundle's `photo.jpg` beside `index.md`, `img/map.png` beside a Markdown file) ->
    {site path beside the article's page: bytes}, so the link leads where it did."""
    root = content.resolve()
    out: dict[str, bytes] = {}
    problems: list[Problem] = []
    for article in articles if files else ():
        if b"<img" not in article.body:
            continue
        folder = posixpath.dirname(article.path)
        for src in _IMG_SRC.findall(article.body_html):
            name = _inside_name(html.unescape(src))
            rel = posixpath.join(folder, name) if name and folder else name
            if rel is None or rel not in files or article.url + name in out:
                continue
            key = (root, rel, files[rel])
            data = _RESOURCES.get(key)
            if data is None:
                data = _read_resource(root, rel, problems)
                if data is None:
                    continue
                if len(_RESOURCES) > 10_000:
                    _RESOURCES.clear()
                _RESOURCES[key] = data
            out[article.url + name] = data
    return out, problems


def _inside_name(src: str) -> str | None:
    """A relative link -> the path it names inside the page's folder; None for a link with
    a scheme, host, query or absolute path, or one that leaves the folder."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or parts.query or not parts.path \
            or parts.path.startswith("/"):
        return None
    name = posixpath.normpath(unquote(parts.path))
    if name.startswith("../") or name in {".", ".."} or "\\" in name or "\0" in name:
        return None
    return name if name.lower().endswith(IMAGE_SUFFIXES) else None


def _read_resource(root: Path, rel: str, problems: list[Problem]) -> bytes | None:
    try:
        return _bytes_inside(root, rel, problems)
    except OSError:
        return None


def _bytes_inside(root: Path, rel: str, problems: list[Problem]) -> bytes | None:
    """The bytes of a file inside root, or None when it is not there, points out of root,
    or is too big to copy (with a problem); OSError when it cannot be read."""
    path = root / rel
    if not path.is_file() or not path.resolve().is_relative_to(root):
        return None
    if path.stat().st_size > MAX_IMAGE_BYTES:
        problems.append(Problem(rel, f"image is over {MAX_IMAGE_BYTES // 2**20} MB; "
                                "not copied into the site"))
        return None
    return path.read_bytes()
