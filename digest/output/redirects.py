"""Old URLs kept: a small page at each path the site's old tool published an article at,
sending the reader (and search engines) on to the article's page in the digest."""

from __future__ import annotations

import html
import posixpath
from collections.abc import Collection, Iterable
from urllib.parse import quote

from ..config import SiteConfig
from ..model import Article, Problem


def redirect_file(old: str) -> str | None:
    """An old URL path -> the output file that serves it ('/posts/a/' -> 'posts/a/index.html',
    '/2024/a.html' -> itself); None for the root or a path that is not a plain one."""
    path = old.split("?", 1)[0].split("#", 1)[0].strip("/")
    parts = path.split("/")
    if not path or any(p in {"", ".", ".."} or "\\" in p or "\0" in p for p in parts):
        return None
    if posixpath.splitext(parts[-1])[1].lower() in {".html", ".htm"}:
        return path
    return f"{path}/index.html"


def redirect_html(target: str, canonical: str) -> bytes:
    """A page that sends the reader to `target` (a URL relative to the page) at once."""
    to, canon = html.escape(target), html.escape(canonical)
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<title>Moved</title>\n<meta name="robots" content="noindex">\n'
            f'<link rel="canonical" href="{canon}">\n'
            f'<meta http-equiv="refresh" content="0; url={to}">\n</head>\n'
            f'<body>\n<p>This page has moved to <a href="{to}">{to}</a>.</p>\n</body>\n'
            f'</html>\n').encode()


def redirect_pages(articles: Iterable[Article], config: SiteConfig,
                   taken: Collection[str]) -> tuple[dict[str, bytes], list[Problem]]:
    """Articles with old paths -> {output file: redirect page}, and the old paths that could
    not be kept. A redirect is written only where the site has no page of its own."""
    files: dict[str, bytes] = {}
    owner: dict[str, str] = {}
    problems: list[Problem] = []
    for article in sorted(articles, key=lambda a: a.path):
        new_file = article.url + "index.html"
        for old in article.old_paths:
            file = redirect_file(old)
            if file is None or file == new_file:
                continue
            if file in taken:
                problems.append(Problem(article.path, f"old URL {old} is a page of this site; "
                                        "no redirect written there"))
            elif file in owner:
                if owner[file] != article.path:
                    problems.append(Problem(article.path, f"old URL {old} is also "
                                            f"{owner[file]}'s; it redirects there"))
            else:
                owner[file] = article.path
                here = posixpath.dirname(file)
                target = quote(posixpath.relpath(article.url, here or ".") + "/")
                canonical = (config.base_url.rstrip("/") + "/" + quote(article.url)
                             if config.base_url else target)
                files[file] = redirect_html(target, canonical)
    return files, problems
