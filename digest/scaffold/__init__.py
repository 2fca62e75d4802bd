"""`digest init`'s files: a new digest, ready to publish on GitHub Pages.

The files are package data beside this module, with __NAME__ placeholders filled in
here; writing them (and refusing to overwrite) is the command line's (cli_init.py).
"""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files

from .. import DISTRIBUTION, PROJECT_URL, __version__

# Where each file goes in the new digest: its name in the package -> its path there.
# (.gitignore is kept as `gitignore`, so that it does not apply to this package's folder.)
FILES = {
    "digest.yaml": "digest.yaml",
    "welcome.md": "articles/welcome.md",
    "gitignore": ".gitignore",
    "README.md": "README.md",
    "pages.yml": ".github/workflows/pages.yml",
}
DEFAULT_TITLE = "News digest"
DEFAULT_REF = f"v{__version__}"  # the release of digest that wrote the scaffold


def requirement(ref: str, repo: str = PROJECT_URL) -> str:
    """The pip requirement that installs digest at this git tag or commit."""
    return f"{DISTRIBUTION} @ git+{repo}@{ref}"


def scaffold(title: str, base_url: str, ref: str, today: date) -> dict[str, str]:
    """A title, base URL ('' for none), digest's git ref and the date -> {path: text}."""
    base_line = (f"base_url: {json.dumps(base_url)}" if base_url else
                 "# base_url: https://user.github.io/repo/")
    values = {
        "__TITLE_YAML__": json.dumps(title, ensure_ascii=False),
        "__WELCOME_YAML__": json.dumps(f"Welcome to {title}", ensure_ascii=False),
        "__BASE_URL_LINE__": base_line,
        "__TODAY__": today.isoformat(),
        "__DIGEST_REPO__": PROJECT_URL,
        "__DIGEST_REF__": ref,
        "__REQUIREMENT__": requirement(ref),
        "__PROJECT_URL__": PROJECT_URL,
        "__TITLE__": title,
    }
    out = {}
    package = files(__package__)
    for name, path in FILES.items():
        text = package.joinpath(name).read_text(encoding="utf-8")
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        out[path] = text
    return out
