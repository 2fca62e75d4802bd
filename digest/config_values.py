"""One value of digest.yaml, checked: the kinds a key may hold, the domain, language and
address checks, and where in the file each key is, for messages that name the line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .errors import ConfigError


def key_lines(text: str, path: Path | None = None) -> dict[str, int]:
    """YAML text -> {'topics.rules[0].min_mentions': its line, …} for every key, so that a
    message can say where a bad key is (the nodes' marks; the text parsed already).
    A key given twice in one mapping is an error: YAML would keep the last silently."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = f"{prefix}.{key.value}" if prefix else str(key.value)
                line = key.start_mark.line + 1
                if name in seen and key.value != "<<":
                    raise ConfigError(f"{path or 'the config'}:{line}: {name} is given twice "
                                      f"(first on line {seen[name]}); keep one")
                seen[name] = line
                lines.setdefault(name, line)
                walk(value, name)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines.setdefault(f"{prefix}[{i}]", item.start_mark.line + 1)
                walk(item, f"{prefix}[{i}]")

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return {}
    if root is not None:
        walk(root, "")
    return lines


def where_in(path: Path | None, lines: dict[str, int]) -> Callable[[str], str]:
    """The file -> a function: key ('topics.rules[0].name') -> 'digest.yaml:12', the line of
    the key or of the nearest entry around it that has one."""
    def at(key: str) -> str:
        if path is None:
            return "config"
        while key:
            if key in lines:
                return f"{path}:{lines[key]}"
            key = re.sub(r"(\.[^.[]*|\[\d+\])$", "", key) if re.search(r"[.[]", key) else ""
        return str(path)
    return at


_HOSTNAME = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def check_cname(value: str, where: str = "config") -> str:
    """'News.Example.org' -> 'news.example.org'; a URL or a path is an error (GitHub Pages
    wants the bare domain in CNAME)."""
    host = value.strip().lower().rstrip(".")
    if not _HOSTNAME.fullmatch(host):
        raise ConfigError(f"{where}: cname must be a bare domain such as 'news.example.org', "
                          f"not {value!r}")
    return host


def check_language(value: str, where: str = "config") -> str:
    """'pt_BR' -> 'pt-BR'; anything that is not a valid BCP 47 language tag (well formed,
    and its subtags in the IANA registry, as langcodes knows it) is an error."""
    import langcodes  # (imported here: only a config with a language pays for it)

    tag = value.strip().replace("_", "-")
    if not langcodes.tag_is_valid(tag):
        raise ConfigError(f"{where}: language must be a BCP 47 language tag such as 'en', "
                          f"'pt-BR' or 'zh-Hant', not {value!r}")
    return tag


def normalise_base_url(url: str, where: str = "config") -> str:
    """'https://user.github.io/repo' -> 'https://user.github.io/repo/' (checked)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"{where}: base_url must be an absolute http(s) URL such as "
                          f"'https://user.github.io/repo/', not {url!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/"


def expect(value: Any, kind: Any, key: str, where: str) -> Any:
    """The value, if it is of this kind (dict, list, or str | Path), else a ConfigError."""
    if not isinstance(value, kind):
        name = _KINDS.get(kind, "path")
        raise ConfigError(f"{where}: {key} must be a {name}, not {value!r}")
    return value


_KINDS = {dict: "mapping (key: value lines)", list: "list ([a, b] or '- a' lines)"}


def text_of(value: Any, key: str, where: str, empty: bool = False) -> str:
    """A YAML scalar as text (a number as it reads); a list, a mapping, null, true/false or
    (unless `empty`) blank text is an error."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        hint = " (put it in quotes)" if isinstance(value, bool) else ""
        raise ConfigError(f"{where}: {key} must be text, not {value!r}{hint}")
    text = str(value)
    if not empty and not text.strip():
        raise ConfigError(f"{where}: {key} must not be empty")
    return text


def count_of(value: Any, key: str, where: str) -> int:
    """A whole number of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{where}: {key} must be a whole number, not {value!r}")
    if value < 1:
        raise ConfigError(f"{where}: {key} must be at least 1, not {value}")
    return value


def patterns_of(value: Any, key: str, where: str) -> tuple[str, ...]:
    """`promo_patterns`: a list of regular expressions that compile."""
    patterns = []
    for i, item in enumerate(expect(value or [], list, key, where)):
        pattern = text_of(item, f"{key}[{i}]", where)
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError) as err:
            why = "nested too deeply" if isinstance(err, RecursionError) else str(err)
            raise ConfigError(f"{where}: {key}[{i}]: {pattern[:80]!r} is not a regular "
                              f"expression: {why}") from err
        patterns.append(pattern)
    return tuple(patterns)
