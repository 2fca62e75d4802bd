"""The theme's static files (built-in, then the site's own), CSS minified, with their hashes."""

from __future__ import annotations

import hashlib

import rcssmin

from ..config import SiteConfig
from ..site.render import (
    BUILTIN_TEMPLATES,
)

BUILTIN_STATIC = BUILTIN_TEMPLATES.parent / "static"


def minify_css(data: bytes) -> bytes:
    """Readable in the theme, small on the wire (an article page and its CSS stay under
    30 KB); CSS that is not UTF-8 is left as it is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return rcssmin.cssmin(text).encode("utf-8")


def static_files(config: SiteConfig) -> tuple[dict[str, bytes], dict[str, str]]:
    """The static files to write, and {name: fingerprinted path} for templates' `assets`."""
    assets = {}
    files: dict[str, bytes] = {}
    for rel, data in read_static(config).items():
        if rel.endswith(".css"):
            data = minify_css(data)
        if rel.endswith(".css") or rel.endswith(".js"):
            stem, dot, suffix = rel.rpartition(".")
            fingerprinted = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{dot}{suffix}"
            assets[rel] = f"static/{fingerprinted}"
            files[f"static/{fingerprinted}"] = data
        else:
            assets[rel] = f"static/{rel}"
            files[f"static/{rel}"] = data
    return files, assets


def read_static(config: SiteConfig) -> dict[str, bytes]:
    """Built-in static files, overridden file by file by the site's own static folder."""
    folders = [BUILTIN_STATIC]
    own = config.resolve(config.static_dir) if config.static_dir else config.root / "static"
    if own.is_dir() and own.resolve() != BUILTIN_STATIC.resolve():
        folders.append(own)
    files: dict[str, bytes] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and path.name != "__init__.py":
                files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files
