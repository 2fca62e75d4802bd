"""Pure: which tool builds a folder, and its settings, from the texts of its config files.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from ..formats.toml_fm import error_place
from ..frontmatter import YamlProblem, load_yaml
from ..text import kind_of
from .common import (
    CONFIG_FILES,
    HUGO_FILES,
    JEKYLL_FILES,
    PELICAN_FILES,
    ConfigProblem,
    Site,
    _lower_keys,
    _with_problems,
)
from .hugo import (
    _HUGO_KEYS,
    _hugo_site,
)
from .jekyll import (
    _jekyll_site,
)
from .pelican import (
    _pelican_site,
)

# ------------------------------------------------------------------ detecting the site


def detect_site(files: Mapping[str, str], folders: Collection[str] | None = None) -> Site:
    """Config file names (or paths) -> their texts -> the Site (never raises, never runs code).

    `folders`, the names of the site folder's subfolders, matter to a Pelican site without
    PATH (its articles are in content/ when there is one, as `pelican content` reads them,
    else in the site folder; without `folders`, content/ is assumed), and make a folder
    with `_posts/` or `_drafts/` and no config file a Jekyll site.
    """
    texts = {PurePosixPath(name).name: text for name, text in files.items()
             if isinstance(text, str)}
    found = [name for name in CONFIG_FILES if name in texts]
    for name in found:
        try:
            site = _site_from(name, texts[name])
            if site is not None and site.tool == "pelican" and site.content_dir is None:
                guess = "content" if folders is None or "content" in folders else ""
                site = replace(site, content_dir=guess)
        except Exception as err:  # a rule's bug must not stop the build: no conventions
            return Site(problems=((name, None, f"could not read the settings "
                                   f"({type(err).__name__}); the site's conventions are not "
                                   "used"),))
        if site is None:
            continue
        others = [n for n in found if n != name and _tool_of(n) != site.tool
                  and (_tool_of(n) != "hugo-legacy" or site.tool == "hugo")]
        if others:
            note = (name, None, f"also found {', '.join(others)}; the folder is read as "
                    f"{site.tool.capitalize()}'s ({name})")
            site = _with_problems(site, [note])
        return site
    if folders is not None and {"_posts", "_drafts"} & set(folders):
        return Site(tool="jekyll", future=False, problems=(("", None, "no config file; read "
                    "as a Jekyll site, which _posts/ or _drafts/ make it"),))
    return Site()


def _tool_of(name: str) -> str:
    """Config file name -> the tool it belongs to."""
    if name in HUGO_FILES:
        return "hugo"
    if name in PELICAN_FILES:
        return "pelican"
    if name in JEKYLL_FILES:
        return "jekyll"
    return "hugo-legacy"


def _site_from(name: str, text: str) -> Site | None:
    """One config file -> its Site, or None when a legacy config.* is not Hugo's."""
    tool = _tool_of(name)
    if tool == "pelican":
        return _pelican_site(name, text)
    settings, problems = _load_config(name, text)
    if tool == "jekyll":
        return _jekyll_site(name, text, settings, problems)
    lowered = _lower_keys(settings)
    if tool == "hugo-legacy" and not (_HUGO_KEYS & set(lowered)):
        return None
    return _hugo_site(name, text, lowered, problems)


def _load_config(name: str, text: str) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """A TOML, YAML or JSON config text -> its mapping (empty, with a problem, if unreadable)."""
    suffix = PurePosixPath(name).suffix
    try:
        if suffix == ".toml":
            value: Any = tomllib.loads(text)
        elif suffix == ".json":
            value = json.loads(text)
        else:
            value, _ = load_yaml(text)
    except YamlProblem as err:
        return {}, [(name, err.line, f"not valid YAML: {err.message}; its settings are not "
                     "used")]
    except tomllib.TOMLDecodeError as err:
        message, line = error_place(str(err))
        return {}, [(name, line, f"not valid TOML: {message}; its settings are not used")]
    except json.JSONDecodeError as err:
        return {}, [(name, err.lineno, f"not valid JSON: {err.msg}; its settings are not "
                     "used")]
    except Exception as err:  # RecursionError and the like
        return {}, [(name, None, f"could not be read ({type(err).__name__}); its settings "
                     "are not used")]
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [(name, 1, f"is {kind_of(value)}, not a mapping of settings; not "
                     "used")]
    return value, []
