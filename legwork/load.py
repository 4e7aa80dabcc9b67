"""Stage 1: read `content/` into raw entries and raw vocabularies.

Nothing here knows what an exercise is; it only finds the files, checks that
they can be read safely, splits front matter from Markdown, and parses YAML
with positions. Every problem becomes a `ContentError`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from legwork import registry
from legwork.errors import ErrorLog
from legwork.yamlsource import Document, YamlProblem, parse_yaml

VOCABULARY_FOLDER = "vocabularies"
SITE_FILE = "site.yaml"
MAX_FILE_BYTES = 1_000_000
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class RawEntry:
    """One entry file split into parsed front matter and Markdown body."""

    kind: str
    """The entry type's name ("exercise"; see `legwork.registry`)."""
    slug: str
    """The file name without `.md`: the entry's identity and URL segment."""
    path: str
    """Path for messages, relative to the project."""
    front: Document
    """Front matter with the position of each field."""
    body: str
    """The Markdown after the closing `---`."""
    body_line: int
    """Line of the file on which the body starts."""
    digest: str = ""
    """A fingerprint of the file's text: what a cache of checked entries is keyed by."""


@dataclass
class RawContent:
    """Everything read from the content folder, not yet checked for meaning."""

    site: Document | None
    site_path: str
    vocabularies: dict[str, tuple[str, Document | None]]
    """Vocabulary name -> (path, document); None when the file could not be read."""
    vocabulary_folder: str
    """Where the vocabulary files are, as shown in messages."""
    entries: list[RawEntry]
    unreadable: set[str]
    """Slugs of entry files that exist but could not be read (already reported)."""


def display_path(path: Path) -> str:
    """The path as an author would type it: relative to the working folder."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def read_text(path: Path, root: Path, shown: str, log: ErrorLog) -> str | None:
    """Read a UTF-8 file inside `root`, or record why it cannot be used."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            if not path.resolve().is_relative_to(root.resolve()):
                log.add(shown, 0, 0, "symbolic link points outside the content folder; "
                        "copy the file into content/ instead")
                return None
            info = os.stat(path)
        if info.st_size > MAX_FILE_BYTES:
            log.add(shown, 0, 0, f"file is larger than {MAX_FILE_BYTES // 1000} KB; "
                    "split it into several entries")
            return None
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        log.add(shown, 0, 0, f"cannot read file: {exc.strerror or exc}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        log.add(shown, line, column, f"file is not UTF-8 (byte 0x{data[exc.start]:02x}); "
                "save it as UTF-8")
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def split_front_matter(text: str, shown: str, log: ErrorLog) -> tuple[str, str, int] | None:
    """Split `---` front matter from the body: (yaml, body, body's first line)."""
    if not text.strip():
        log.add(shown, 0, 0, "file is empty; an entry starts with '---', its fields, "
                "and another '---'")
        return None
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        log.add(shown, 1, 1, "missing front matter: start the file with a line '---'")
        return None
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1:]), number + 2
    log.add(shown, 1, 1, "front matter is not closed: add a line '---' after the last field")
    return None


def parse_document(text: str, shown: str, log: ErrorLog, first_line: int = 1) -> Document | None:
    """Parse YAML, turning a syntax problem into a located error."""
    try:
        return parse_yaml(text, first_line)
    except YamlProblem as problem:
        log.add(shown, problem.line, problem.column, problem.message)
        return None


def load_entry(path: Path, kind: str, root: Path, log: ErrorLog) -> RawEntry | None:
    """Read one entry file, or record what stops it from being read."""
    shown = display_path(path)
    slug = path.name[: -len(".md")]
    if not SLUG_RE.match(slug):
        log.add(shown, 0, 0, f"file name '{path.name}' is not a plain slug: use lower-case "
                "letters, digits and single hyphens, e.g. 'single-leg-squat.md'")
        return None
    text = read_text(path, root, shown, log)
    if text is None:
        return None
    parts = split_front_matter(text, shown, log)
    if parts is None:
        return None
    front_text, body, body_line = parts
    front = parse_document(front_text, shown, log, first_line=2)
    if front is None:
        return None
    if not isinstance(front.data, dict):
        log.add(shown, 2, 1, "front matter must be a list of 'field: value' lines")
        return None
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return RawEntry(kind, slug, shown, front, body, body_line, digest)


def _files(folder: Path, suffixes: tuple[str, ...], root: Path, log: ErrorLog) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    with os.scandir(folder) as listing:  # knows each file's type without a stat
        items = sorted(listing, key=lambda item: item.name)
    for item in items:
        if item.name.startswith("."):
            continue
        if item.name.endswith(suffixes) and (item.is_file() or item.is_symlink()):
            found.append(folder / item.name)
        else:
            log.add(display_path(folder / item.name), 0, 0,
                    f"unexpected {'folder' if item.is_dir() else 'file'} in {folder.name}/: "
                    f"only {' or '.join(suffixes)} files belong here")
    return found


def _stamp(path: Path) -> tuple[int, int, int, int]:
    link, target = path.lstat(), path.stat()
    return (link.st_mtime_ns, target.st_mtime_ns, target.st_size, target.st_ino)


def load_entry_cached(path: Path, kind: str, root: Path, log: ErrorLog,
                      cache: dict | None) -> RawEntry | None:
    """`load_entry`, reusing the last result while the file is unchanged.

    Only files that loaded cleanly are kept, so a broken one is reported again.
    """
    if cache is None:
        return load_entry(path, kind, root, log)
    try:
        stamp = _stamp(path)
    except OSError:
        return load_entry(path, kind, root, log)
    hit = cache.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    entry = load_entry(path, kind, root, log)
    if entry is not None:
        cache[path] = (stamp, entry)
    return entry


def load_content(root: Path, log: ErrorLog, cache: dict | None = None) -> RawContent:
    """Read every file of the content folder `root` (unchanged files from `cache`)."""
    site_file = root / SITE_FILE
    site_shown = display_path(site_file)
    site = None
    if site_file.exists():
        text = read_text(site_file, root, site_shown, log)
        if text is not None:
            site = parse_document(text, site_shown, log)
    else:
        log.add(site_shown, 0, 0, "missing site.yaml: create it with at least 'title:'")

    vocabularies = {}
    for path in _files(root / VOCABULARY_FOLDER, (".yaml",), root, log):
        shown = display_path(path)
        text = read_text(path, root, shown, log)
        doc = parse_document(text, shown, log) if text is not None else None
        vocabularies[path.name[: -len(".yaml")]] = (shown, doc)

    entries, unreadable = [], set()
    folders = registry.folders()
    with os.scandir(root) as listing:
        for item in sorted(listing, key=lambda item: item.name):
            if item.is_dir() and item.name not in folders and item.name != VOCABULARY_FOLDER \
                    and not item.name.startswith("."):
                log.add(display_path(root / item.name), 0, 0,
                        f"unknown folder '{item.name}/': entries go in "
                        f"{', '.join(f'{name}/' for name in folders)} (the entry types "
                        "legwork/registry.py declares), vocabularies in "
                        f"{VOCABULARY_FOLDER}/")
    for folder, kind in folders.items():
        for path in _files(root / folder, (".md",), root, log):
            entry = load_entry_cached(path, kind, root, log, cache)
            if entry is not None:
                entries.append(entry)
            else:
                unreadable.add(path.name[: -len(".md")])
    return RawContent(site, site_shown, vocabularies,
                      display_path(root / VOCABULARY_FOLDER), entries, unreadable)
