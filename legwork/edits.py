"""The dev server's quick path: edits of existing entries, applied in place.

Most edits made while writing change one entry and leave the shape of the site
alone: the same pages exist, every list keeps its order and every term keeps
its exercises. Such an edit is read, checked and linked on its own, copied into
the entry object that the last build's pages already hold, and only the pages
that show what changed are planned or rendered again.

Anything else goes through the full rebuild: a file added or deleted, an entry
published or made a draft, a title that moves the entry in the order, a change
of muscles, goals, level, equipment or topic (which decide the term pages and
the "similar exercises"), or a vocabulary, site.yaml, template or static file.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from legwork.build import Cache, Loaded
from legwork.errors import ErrorLog
from legwork.links import Checker, check_variant_loops, relink
from legwork.load import ENTRY_FOLDERS, load_entry_cached
from legwork.model import Entry, Exercise
from legwork.pages import EntryPages
from legwork.validate import read_entry

SHAPE = ("draft", "primary", "secondary", "goals", "level", "equipment", "topic")
"""Fields that decide which lists and term pages show an entry."""


@dataclass
class Edit:
    """What an edit in place changed."""

    changed: set[str] = field(default_factory=set)
    """Slugs of the entries that changed at all."""
    visible: set[str] = field(default_factory=set)
    """Slugs of the entries that changed in more than their Markdown body, which
    lists, cards and data show."""
    relinked: set[str] = field(default_factory=set)
    """Slugs of the entries whose links read differently (see `links_change`)."""
    replanned: set[str] = field(default_factory=set)
    """Slugs whose own page was planned again (its links or backlinks changed)."""


def entry_files(content: Path, paths: set[Path]) -> dict[Path, str] | None:
    """Path -> entry type when every path is an entry file of `content`, else None."""
    kinds = {}
    for path in paths:
        kind = ENTRY_FOLDERS.get(path.parent.name)
        if kind is None or path.parent.parent != content or path.suffix != ".md":
            return None
        kinds[path] = kind
    return kinds


def edit_in_place(state: Loaded, entry_pages: EntryPages, content: Path, paths: set[Path],
                  cache: Cache, log: ErrorLog) -> Edit | None:
    """Apply edits of the entry files `paths` to the last build's `state`, or return
    None when they change the shape of the site (or are not all edits of published
    entries). `entry_pages` planned the last build's entry pages.

    Raises BuildFailed, leaving `state` as it was, when an edited file has errors.
    """
    kinds = entry_files(content, paths)
    if kinds is None:
        return None
    published = state.links.entries
    edited: list[tuple[Entry, Entry]] = []
    for path in sorted(paths):
        old = published.get(path.name[: -len(".md")])
        if old is None or not path.is_file():
            return None  # new, deleted, or a draft left out of the build
        raw = load_entry_cached(path, kinds[path], content, log, cache.files)
        if raw is not None:
            new = read_entry(raw, state.guide.vocabularies, log, cache.entries)
            edited.append((old, new))
    log.raise_if_any()
    if any(type(old) is not type(new) or not keeps_shape(entry_pages, old, new)
           for old, new in edited):
        return None
    checker = Checker(published, state.drafts, log, frozenset())
    body_refs = {}
    for _, new in edited:
        body_refs[new.slug] = state.bodies.references(new)
        checker.check_entry(new, body_refs[new.slug])
    variants_changed = any(isinstance(old, Exercise) and (old.easier, old.harder)
                           != (new.easier, new.harder) for old, new in edited)
    if variants_changed:
        exercises = {e.slug: e for e in state.guide.exercises}
        exercises.update({new.slug: new for _, new in edited if isinstance(new, Exercise)})
        check_variant_loops(list(exercises.values()), log)
    log.raise_if_any()
    return apply(state, edited, body_refs)


def keeps_shape(entry_pages: EntryPages, old: Entry, new: Entry) -> bool:
    """True when `new` can take the place of `old` without moving in any list."""
    if any(getattr(old, name, None) != getattr(new, name, None) for name in SHAPE):
        return False
    if old.title.casefold() == new.title.casefold():
        return True
    siblings = entry_pages.siblings(old)
    at = entry_pages.position[old.slug]
    key = (new.title.casefold(), new.slug)
    after_previous = at == 0 or _key(siblings[at - 1]) < key
    before_next = at + 1 == len(siblings) or key < _key(siblings[at + 1])
    return after_previous and before_next


def _key(entry: Entry) -> tuple[str, str]:
    return (entry.title.casefold(), entry.slug)


def apply(state: Loaded, edited: list[tuple[Entry, Entry]],
          body_refs: dict[str, list]) -> Edit:
    """Copy each checked edit into the entry object the pages hold; update backlinks."""
    edit = Edit()
    for old, new in edited:
        if old == new:
            continue
        before = copy.copy(old)
        vars(old).update(vars(new))
        edit.changed.add(old.slug)
        if not only_body(before, old):
            edit.visible.add(old.slug)
        if links_change(before, old):
            edit.relinked.add(old.slug)
        edit.replanned |= {old.slug} | relink(state.links, before, old, body_refs[old.slug])
    return edit


def links_change(before: Entry | None, after: Entry | None) -> bool:
    """True when links to an entry may read or sort differently: its title
    changed, or a field that decides where it is listed, or it came or went."""
    if before is None or after is None:
        return True
    return before.title != after.title or any(
        getattr(before, name, None) != getattr(after, name, None) for name in SHAPE)


def only_body(before: Entry | None, after: Entry | None) -> bool:
    """True when an entry changed in its Markdown body alone."""
    if before is None or after is None:
        return False
    return {**vars(before), "body": None, "body_line": None} == \
        {**vars(after), "body": None, "body_line": None}
