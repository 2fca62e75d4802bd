"""I/O at the input edge: find the article files and decode them into text."""

from __future__ import annotations

import codecs
import fnmatch
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from stat import S_ISREG

from ..config import SiteConfig
from ..model import Problem, Sidecar, SourceFile
from .sidecar import sidecar_names
from .sites import CONFIG_FILES, Site, detect_site

# Markdown in its many spellings, reStructuredText, HTML article bodies and plain text.
ARTICLE_SUFFIXES = {".md", ".markdown", ".txt", ".rst", ".html", ".htm", ".mdx", ".mkd",
                    ".mdown", ".mkdn", ".text", ".rmd"}
MAX_SITE_CONFIG_BYTES = 1024 * 1024
LITTER_PATTERNS = ("*~", ".#*", "#*#", "*.swp", "*.swo", "*.tmp", "*.bak")
IGNORED_DIRS = {".digest-cache", "node_modules", "__pycache__"}
MAX_FILE_BYTES = 50 * 1024 * 1024  # larger files are skipped, never read


def find_sources(content: Path, exclude: tuple[Path, ...] = (),
                 yamls: list[Path] | None = None) -> tuple[list[Path], list[Problem]]:
    """content folder -> sorted article files inside it, and what was passed over; the
    `.yaml` files met on the way (the sidecars' candidates) go into `yamls` when given."""
    problems: list[Problem] = []
    if not content.is_dir():
        return [], [Problem(str(content), "the content folder does not exist", severity="error")]
    root = content.resolve()
    excluded = {p.resolve() for p in exclude}
    found: list[Path] = []
    for path in _walk(root, root, excluded, set(), problems, yamls):
        found.append(path)
    prefix = len(str(root)) + 1  # every path found is root/...; slicing beats relative_to
    return sorted(found, key=lambda p: str(p)[prefix:]), problems


def _walk(folder: Path, root: Path, excluded: set[Path], seen: set[Path],
          problems: list[Problem], yamls: list[Path] | None) -> Iterator[Path]:
    real = folder.resolve()
    if real in seen:
        problems.append(Problem(_rel(folder, root), "symlink loop: this folder was already read"))
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        problems.append(Problem(_rel(folder, root), f"cannot list the folder: {err.strerror}"))
        return
    for entry in entries:
        if _ignored(entry.name):
            continue
        linked = entry.is_symlink()
        if not linked and entry.is_file():  # the common case, without a Path per entry
            suffix = os.path.splitext(entry.name)[1].lower()
            if suffix in ARTICLE_SUFFIXES:
                yield Path(entry.path)
            elif suffix == ".yaml" and yamls is not None:
                yamls.append(Path(entry.path))
            continue
        path = Path(entry.path)
        if linked:
            target = path.resolve()
            if not target.is_relative_to(root):
                problems.append(Problem(_rel(path, root), "symlink points outside the content "
                                        f"folder (to {target}); not followed"))
                continue
            if not target.exists():
                problems.append(Problem(_rel(path, root), "broken symlink; skipped"))
                continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            if entry.name in IGNORED_DIRS or path.resolve() in excluded:
                continue
            yield from _walk(path, root, excluded, seen, problems, yamls)
        elif path.suffix.lower() in ARTICLE_SUFFIXES:
            yield path


def not_content(config: SiteConfig) -> tuple[Path, ...]:
    """The folders never read for articles: the output, the static files and the templates."""
    static = config.resolve(config.static_dir) if config.static_dir else config.root / "static"
    templates = config.resolve(config.templates_dir) if config.templates_dir \
        else config.root / "templates"
    return (config.resolve(config.output_dir), static, templates)


def find_site(content: Path) -> tuple[Site, str, list[Problem]]:
    """Content folder -> the Hugo/Jekyll/Pelican site it is in (its own folder or, with a
    config file there, its parent: `--content content/` inside a Hugo site), the content
    folder's path from the site's folder ('' or 'content/'), and the config's problems."""
    for folder, prefix in ((content, ""), (content.parent, content.name + "/")):
        texts: dict[str, str] = {}
        for name in CONFIG_FILES:
            path = folder / name
            try:
                if path.is_file() and path.stat().st_size <= MAX_SITE_CONFIG_BYTES:
                    texts[name] = path.read_text("utf-8", errors="replace")
            except OSError:
                continue
        if not texts and prefix:
            continue  # a parent without a config file is no site (only the folder's own _posts/)
        try:
            subfolders = sorted(e.name for e in os.scandir(folder) if e.is_dir())
        except OSError:
            subfolders = []
        site = detect_site(texts, subfolders)
        if site.tool == "none" and not site.problems:
            continue
        up = "../" if prefix else ""
        problems = [Problem(up + name if name else up or "./", message, line)
                    for name, line, message in site.problems]
        return site, prefix if site.tool != "none" else "", problems
    return Site(), "", []


def walked(rel: str) -> bool:
    """Is a plain file at this path inside the content folder one that `find_sources`
    reads? The same names are passed over as in the walk, at every level."""
    return os.path.splitext(rel)[1].lower() in ARTICLE_SUFFIXES and passed(rel)


def passed(rel: str) -> bool:
    """Is this path one the walk looks at (not hidden, litter, or in a folder it skips)?"""
    parts = rel.split("/")
    return (not any(_ignored(part) for part in parts)
            and not any(part in IGNORED_DIRS for part in parts[:-1]))


_LITTER = re.compile("|".join(fnmatch.translate(p) for p in LITTER_PATTERNS))


def _ignored(name: str) -> bool:
    return name.startswith(".") or _LITTER.match(name) is not None


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def read_source(path: Path, root: Path) -> tuple[SourceFile | None, list[Problem]]:
    """File -> decoded SourceFile (or None if unreadable), with any decoding problems."""
    rel, data, problems = read_file(path, root)
    if data is None:
        return None, problems
    return decode_source(rel, data, path.suffix.lower())


def prefetch(paths: Iterable[Path]) -> None:
    """Ask the kernel to start reading these files now, all at once. Files read one after
    another from a cold disk wait for each other: 10,000 articles took 1.8 s that way on
    this machine, 0.3 s when 32 at a time were asked for first. (Files not read for a
    minute are evicted from memory here, so a build often starts from a cold disk.)"""
    if not hasattr(os, "posix_fadvise"):  # pragma: no cover - not Linux
        return
    for path in paths:
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue  # read_file will say why
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass  # not a file the kernel reads ahead (a pipe): nothing to ask for
        finally:
            os.close(descriptor)


def read_file(path: Path, root: Path) -> tuple[str, bytes | None, list[Problem]]:
    """File -> (its path inside the content folder, its bytes or None, why not)."""
    rel = relative_name(path, root)
    try:
        # (non-blocking: a named pipe called x.md would otherwise wait for a writer forever)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            status = os.fstat(descriptor)
            size = status.st_size
            if not S_ISREG(status.st_mode):
                return rel, None, [Problem(rel, "not a regular file (a pipe, socket or device); "
                                           "skipped", severity="error")]
            if size > MAX_FILE_BYTES:
                return rel, None, [Problem(rel, f"file is {size // (1024 * 1024)} MB, over "
                                           f"the {MAX_FILE_BYTES // (1024 * 1024)} MB limit; "
                                           "skipped", severity="error")]
            return rel, _read_all(descriptor, size), []
        finally:
            os.close(descriptor)
    except OSError as err:
        return rel, None, [Problem(rel, f"cannot read the file: {err.strerror}; skipped",
                                   severity="error")]


def _read_all(descriptor: int, size: int) -> bytes:
    """The file's bytes in a read or two: a build reads one file per article, and
    Path.read_bytes makes ten system calls of it (buffering, isatty, seeks)."""
    parts = []
    while part := os.read(descriptor, size + 1):  # size + 1: the read that meets the end
        parts.append(part)
        size = 65536  # the file grew since fstat: read on to its end
    return b"".join(parts)


def shown_name(text: str) -> str:
    """A file name (or a message naming one) for people: bytes of a name that is not
    UTF-8, which Python keeps as lone surrogates that no terminal or page can show,
    as '\\xe9'."""
    if text.isascii():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name gives
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def relative_name(path: Path, root: Path) -> str:
    """A content file -> its name inside the content folder (a symlink: its target's)."""
    target = path.resolve() if path.is_symlink() else path
    rel = _rel(target, root)
    if rel == str(target):
        rel = _rel(target, root.resolve())
    if rel == str(target):
        rel = _rel(path, root)
    return rel


def decode_source(rel: str, data: bytes, suffix: str, sha256: str | None = None,
                  ) -> tuple[SourceFile | None, list[Problem]]:
    """Bytes (and their sha256, when the caller has it) -> decoded SourceFile (or None for
    a binary file), with any decoding problems."""
    text, notes = decode(data)
    problems = [Problem(rel, note) for note in notes]
    if text is None:
        return None, [Problem(rel, notes[0], severity="error")]
    sha = sha256 or hashlib.sha256(data).hexdigest()
    return SourceFile(rel=rel, text=text, sha256=sha, suffix=suffix), problems


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> tuple[str | None, list[str]]:
    """bytes -> (text with \\n line ends, notes on what was repaired) or (None, [why not])."""
    notes: list[str] = []
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                text = data[len(bom):].decode(encoding, errors="replace")
                notes.append(f"invalid {encoding.upper()} bytes replaced with \ufffd")
            break
    if text is None:
        try:
            text = data.decode("utf-8")  # valid UTF-8 is text, even with a stray NUL
        except UnicodeDecodeError:
            if _looks_binary(data):
                return None, ["binary file (not text); skipped"]
            text, note = _decode_non_utf8(data)
            notes.append(note)
    if "\x00" in text:
        text = text.replace("\x00", "")
        notes.append("NUL bytes removed")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, notes


def _looks_binary(data: bytes) -> bool:
    """Many NULs or control bytes near the start: an image, a PDF, an archive."""
    head = data[:8192]
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return head.count(0) > len(head) // 100 or controls > len(head) // 10


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _decode_non_utf8(data: bytes) -> tuple[str, str]:
    """Mostly-UTF-8 with a few bad bytes stays UTF-8; otherwise it is Windows-1252."""
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    multibyte = sum(1 for ch in replaced if ord(ch) > 127 and ch != "\ufffd")
    if multibyte and multibyte >= bad:
        return replaced, f"{bad} invalid UTF-8 byte sequence(s) replaced with \ufffd"
    text = "".join(_cp1252(b) for b in data) if _has_undefined_cp1252(data) else data.decode(
        "cp1252")
    return text, "not UTF-8; read as Windows-1252 (Latin-1)"


_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _has_undefined_cp1252(data: bytes) -> bool:
    return any(b in _CP1252_UNDEFINED for b in data)


def _cp1252(byte: int) -> str:
    return chr(byte) if byte in _CP1252_UNDEFINED else bytes([byte]).decode("cp1252")


def find_sidecar(path: Path, root: Path) -> tuple[Sidecar | None, bytes, list[Problem]]:
    """An article file -> its sidecar (NAME.yaml, else NAME.meta.yaml), the sidecar's bytes
    for the cache key, and why it could not be read; (None, b"", []) when there is none."""
    for name in sidecar_names(path.name):
        candidate = path.with_name(name)
        if candidate.is_file():
            sidecar, data, problems = load_sidecar(candidate, root)
            return sidecar, data or b"", problems
    return None, b"", []


def load_sidecar(path: Path, root: Path) -> tuple[Sidecar | None, bytes | None, list[Problem]]:
    """A sidecar file -> its text, its bytes (for the cache key; None when unreadable) and
    why it could not be read, naming the sidecar: then the article builds without it."""
    rel, data, problems = read_file(path, root)
    if data is None:
        return None, None, [replace(p, message=f"sidecar: {p.message}; its fields were not used",
                                   severity="warning") for p in problems]
    text, notes = decode(data)
    if text is None:
        return None, data, [Problem(rel, f"sidecar: {notes[0]}; its fields were not used")]
    return Sidecar(rel, text), data, [Problem(rel, note) for note in notes]
