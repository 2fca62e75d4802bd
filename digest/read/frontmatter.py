"""Pure: split YAML front matter from an article, with the safe, bounded YAML loader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .text import kind_of

try:  # the C loader is several times faster; it is just as safe
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_YAML_NODES = 100_000  # an alias bomb expands far past this


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that remembers duplicate keys instead of silently keeping the last.

    Timestamps stay strings: one impossible date must not make the whole front matter
    unreadable, and the date parser in normalise reports it with its own message.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
                if key in seen and key != "<<":
                    self.duplicates.append((key, key_node.start_mark.line + 1))
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True)
class FrontMatter:
    meta: dict[str, Any] | None  # None: the file has no front matter
    body: str
    body_line: int  # 1-based line of the file where the body starts
    problems: tuple[tuple[int | None, str], ...] = ()


_OPENING = re.compile(r"\A[ \t]*-{3,}[ \t]*\n")
_HANDLER = YAMLHandler()


def split_front_matter(text: str) -> FrontMatter:
    """Text -> front matter mapping and body; YAML trouble becomes problems, never exceptions."""
    if not _OPENING.match(text):
        return FrontMatter(None, text, 1)
    problems: list[tuple[int | None, str]] = []
    try:
        _, fm, body = _HANDLER.FM_BOUNDARY.split(text, 2)
    except ValueError:
        return _unclosed(text)
    body = body.lstrip("\n")
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    try:
        meta, duplicates = load_yaml(fm)
    except YamlProblem as err:
        line = err.line or 1  # the YAML text starts with the opening line's newline
        problems.append((line, f"invalid front matter: {err.message}; metadata ignored"))
        return FrontMatter({}, body, body_line, tuple(problems))
    for key, line in duplicates:
        problems.append((line, f"duplicate key {key!r} in front matter; the last one wins"))
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.append((2, f"front matter is {kind_of(meta)}, not a mapping of keys "
                            "to values; metadata ignored"))
        meta = {}
    return FrontMatter({str(k): v for k, v in meta.items()}, body, body_line,
                       tuple(problems))


def _unclosed(text: str) -> FrontMatter:
    """'---' with no closing line: the rest is front matter if it reads as a mapping,
    otherwise it is the body (and the '---' line a stray rule)."""
    rest = text[_OPENING.match(text).end():]  # type: ignore[union-attr]
    try:
        meta, _ = load_yaml(rest)
    except YamlProblem:
        meta = None
    if isinstance(meta, dict) and meta:
        message = ("front matter opened with '---' on line 1 is never closed; "
                   "read it all as front matter")
        return FrontMatter({str(k): v for k, v in meta.items()}, "", text.count("\n") + 1,
                           ((1, message),))
    message = ("'---' on line 1 opens front matter that is never closed; read the file as "
               "text without front matter")
    return FrontMatter(None, rest, 2, ((1, message),))


def load_yaml(text: str) -> tuple[Any, list[tuple[str, int]]]:
    """YAML text -> (value, duplicate keys with lines); raises YamlProblem with a line."""
    if "\t" in text and re.search(r"^\t", text, re.MULTILINE):
        text = text.expandtabs(2)  # tabs cannot indent YAML; be forgiving, as editors insert them
    loader = _Loader(text)
    try:
        value = loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if err.context_mark is not None and mark is not None and mark.index >= len(text) - 1:
            mark = err.context_mark  # "unexpected end": point at what was left open
        problem = err.problem or err.context or "cannot parse"
        raise YamlProblem(f"{problem} (YAML)", mark.line + 1 if mark else None) from err
    except yaml.YAMLError as err:
        raise YamlProblem(f"{err} (YAML)") from err
    except (ValueError, TypeError, OverflowError) as err:  # e.g. a timestamp out of range
        raise YamlProblem(f"{err} (YAML)") from err
    finally:
        loader.dispose()
    # without an alias ('*name') nothing is repeated: the value is no bigger than its text
    if "*" in text and _expanded_size(value) > MAX_YAML_NODES:
        raise YamlProblem("too many repeated aliases (an 'alias bomb')")
    return value, loader.duplicates


def _expanded_size(value: Any, limit: int = MAX_YAML_NODES) -> int:
    """How many nodes the value has once aliases are expanded, counting up to `limit`."""
    count = 0
    stack = [value]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
    return count
