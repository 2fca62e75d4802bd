"""The house keeps its shape: no import circle, a pure core, modules one can read in a sitting."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "digest"
MAX_LINES = 400
# Modules allowed past MAX_LINES, and why. Keep this list short.
LONG_MODULES: dict[str, str] = {}
# Pure packages: parsing, normalising and turning a Digest into pages touch no disk or network.
PURE = ("digest.read", "digest.site", "digest.stories")
# The file-reading module of read/: the input edge itself, outside the pure core.
READ_EDGE = "digest.read.files"
# What the pure core may not import: the I/O edges, the shells and the orchestrator.
IMPURE = ("digest.output", "digest.incremental", "digest.live", "digest.fetch", "digest.cli",
          "digest.build", READ_EDGE)


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """digest/read/files.py -> 'digest.read.files'; a package's __init__.py -> the package."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module under the package, by dotted name."""
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules this one imports, at any depth (functions and TYPE_CHECKING too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            # `from . import x` imports the module x when there is one, else a name of origin
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known else origin
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import digest.read.files as f`, etc.
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    found = modules(root)
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in sorted(edges.get(name, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[name] = 2
        return None

    for name in sorted(edges):
        if name not in state and (found := visit(name)):
            return found
    return None


def within(name: str, packages: tuple[str, ...]) -> bool:
    """Is the module one of these or inside one of these packages?"""
    return any(name == p or name.startswith(p + ".") for p in packages)


def impure_imports(edges: dict[str, set[str]]) -> list[str]:
    """'pure -> impure' for every import from the pure core into an I/O module or a shell."""
    return [f"{name} -> {target}" for name, targets in sorted(edges.items())
            if within(name, PURE) and name != READ_EDGE
            for target in sorted(targets) if within(target, IMPURE)]


def test_no_module_imports_itself_back_through_others() -> None:
    """Walking every import (also inside functions) finds no circle among digest's modules."""
    assert cycle(graph()) is None


def test_the_pure_core_imports_no_io_module() -> None:
    """read/ (but its file-reading module) and site/ import no edge, shell or orchestrator."""
    assert impure_imports(graph()) == []


def test_every_module_reads_in_a_sitting() -> None:
    """No module past MAX_LINES lines but the few allowed, each with its reason."""
    long = {name for name, path in modules().items()
            if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES}
    assert long - set(LONG_MODULES) == set()
    assert set(LONG_MODULES) <= set(modules()), "the allow-list names a module that is gone"


def test_every_package_is_listed_for_installing() -> None:
    """pyproject lists every folder with an __init__.py, so a wheel ships the subpackages."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    packages = {module_name(init) for init in PACKAGE.rglob("__init__.py")}
    assert packages - listed == set()


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A throw-away package `digest` under tmp_path with these modules."""
    root = tmp_path / "digest"
    for rel, text in {"__init__.py": "", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(("files", "expected"), [
    ({"a.py": "from . import b\n", "b.py": "from .a import x\n"},
     ["digest.a", "digest.b", "digest.a"]),
    ({"a.py": "def f():\n    from .b import y\n", "b.py": "import digest.a\n"},
     ["digest.a", "digest.b", "digest.a"]),
    ({"a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
      "b.py": "from .a import x\n"}, ["digest.a", "digest.b", "digest.a"]),
    ({"p/__init__.py": "", "p/q.py": "from ..a import x\n", "a.py": "from .p import q\n"},
     ["digest.a", "digest.p.q", "digest.a"]),
    ({"a.py": "from . import b\n", "b.py": "import os\n"}, None),
    ({"a.py": "from .b import c\n", "b.py": "from . import __version__\n"}, None),
])
def test_a_circle_is_found_however_it_is_imported(
        tmp_path: Path, files: dict[str, str], expected: list[str] | None) -> None:
    """Relative, absolute, function-level and TYPE_CHECKING imports all count."""
    assert cycle(graph(_package(tmp_path, files))) == expected


@pytest.mark.parametrize(("files", "expected"), [
    ({"read/__init__.py": "", "read/files.py": "", "read/n.py": "from .files import f\n"},
     ["digest.read.n -> digest.read.files"]),
    ({"site/__init__.py": "", "output/__init__.py": "", "output/w.py": "",
      "site/r.py": "def f():\n    from ..output import w\n"},
     ["digest.site.r -> digest.output.w"]),
    ({"read/__init__.py": "", "read/files.py": "from ..incremental import c\n",
      "incremental/__init__.py": "", "incremental/c.py": ""}, []),
    ({"site/__init__.py": "", "read/__init__.py": "", "read/s.py": "",
      "site/g.py": "from ..read.s import slugify\nfrom .. import model\n", "model.py": ""}, []),
])
def test_an_import_from_the_pure_core_into_an_edge_is_found(
        tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    """The rule sees pure -> edge imports, and lets the file-reading module be an edge."""
    assert impure_imports(graph(_package(tmp_path, files))) == expected
