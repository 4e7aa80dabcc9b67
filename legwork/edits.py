"""The dev server's quick path: edits of existing entries, applied in place.

Most edits made while writing change one entry: it is read, checked and
linked on its own, copied into the entry object that the last build's pages
already hold, and only the pages that show what changed are planned or
rendered again. An edit that moves the entry in the lists (a title that sorts
elsewhere, other muscles, goals, level, equipment or topic) sorts the lists
again and plans anew what they decide: the lists, decks and term pages, the
entries' previous and next, their similar exercises and the order of their
backlinks.

Anything else goes through the full rebuild: a file added or deleted, an entry
published or made a draft, an entry file that changed its type, or a
vocabulary, site.yaml, template or static file.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from legwork import registry
from legwork.errors import ErrorLog
from legwork.links import Checker, check_variant_loops, relink, reorder
from legwork.load import load_entry_cached
from legwork.model import Entry, Exercise
from legwork.page import Page
from legwork.pages import (
    EntryPages,
    Reuse,
    check_unique_outputs,
    replan_lists,
    site_map,
    term_keys,
)
from legwork.project import Cache, Loaded
from legwork.registry import list_signature
from legwork.validate import read_entry, sort_key


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
    """Slugs whose own page must be planned again (its links or backlinks changed)."""
    moved: set[str] = field(default_factory=set)
    """Slugs of the entries whose place in the lists changed (see `reshape`)."""
    before: dict[str, Entry] = field(default_factory=dict)
    """Slug -> a copy of each changed entry as it was."""


def entry_files(content: Path, paths: set[Path]) -> dict[Path, str] | None:
    """Path -> entry type when every path is an entry file of `content`, else None."""
    kinds = {}
    folders = registry.folders()
    for path in paths:
        kind = folders.get(path.parent.name)
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
    if any(type(old) is not type(new) or old.draft != new.draft for old, new in edited):
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
    edit = apply(state, edited, body_refs)
    edit.moved |= {slug for slug in edit.changed if not in_order(entry_pages, published[slug])}
    return edit


def in_order(entry_pages: EntryPages, entry: Entry) -> bool:
    """Whether `entry` still sorts between its neighbours in its list. (A sorted
    list stays sorted when each entry whose title changed still does.)"""
    siblings = entry_pages.siblings(entry)
    at = entry_pages.position(entry)
    key = sort_key(entry)
    return ((at == 0 or sort_key(siblings[at - 1]) < key)
            and (at + 1 == len(siblings) or key < sort_key(siblings[at + 1])))


def apply(state: Loaded, edited: list[tuple[Entry, Entry]],
          body_refs: dict[str, list]) -> Edit:
    """Copy each checked edit into the entry object the pages hold; update backlinks."""
    edit = Edit()
    for old, new in edited:
        if old == new:
            continue
        before = edit.before[old.slug] = copy.copy(old)
        vars(old).update(vars(new))
        edit.changed.add(old.slug)
        if not only_body(before, old):
            edit.visible.add(old.slug)
        if links_change(before, old):
            edit.relinked.add(old.slug)
        if list_signature(before) != list_signature(old):
            edit.moved.add(old.slug)
        edit.replanned |= {old.slug} | relink(state.links, before, old, body_refs[old.slug])
    return edit


def reshape(state: Loaded, entry_pages: EntryPages, pages: dict[str, Page],
            edit: Edit) -> tuple[EntryPages, dict[str, Page], set[str]]:
    """Plan the site again after an edit in place that `moved` entries in the lists.

    `entry_pages` and `pages` (URL -> page) are the last plan. The guide's lists
    are sorted again (in place, as are `entry_pages`' indexes). An entry page is
    planned again when its entry was edited or its previous or next entry,
    similar exercises or backlinks' order changed; the pages and decks of the
    terms that list a moved entry, before or now, are planned again, with the
    indexes and the deck of all cards (`replan_lists`); those planned as before
    stay the objects they were, and so does every other page.

    Returns the planner of entry pages, every page by URL, and the URLs of the
    pages planned differently.
    """
    guide, links = state.guide, state.links
    moved = [links.entries[slug] for slug in sorted(edit.moved)]
    replan = edit.moved | edit.replanned | _neighbours(entry_pages, moved)
    exercises = [entry for entry in moved if isinstance(entry, Exercise)]
    similar = entry_pages.similar
    readers = similar.readers([edit.before[e.slug] for e in exercises])
    entry_pages.move(moved, edit.before)
    for entry in moved:
        replan |= reorder(links, entry)
    replan |= _neighbours(entry_pages, moved)
    readers.update(similar.readers(exercises))
    for slug, exercise in readers.items():  # those whose similar exercises may change
        if slug not in replan and similar(exercise) != pages[exercise.url].context["same_muscles"]:
            replan.add(slug)
    terms = {key for entry in moved for key in [*term_keys(entry),
                                                *term_keys(edit.before[entry.slug])]}
    planned = dict(pages)
    changed: set[str] = set()
    for slug in replan:
        if slug in links.entries:
            page = entry_pages.page(links.entries[slug])
            planned[page.url] = page
            changed.add(page.url)
    reuse = Reuse(pages, moved, terms)
    lists = replan_lists(guide, reuse)
    for page in lists:
        if page != planned.get(page.url):
            planned[page.url] = page
            changed.add(page.url)
    gone = reuse.deck_urls(guide) - {page.url for page in lists}
    for url in gone:
        del planned[url]
    if gone or not changed <= pages.keys():  # a deck has more or fewer pages now
        sitemap = site_map(planned.values())
        planned[sitemap.url] = sitemap
        changed.add(sitemap.url)
        check_unique_outputs(list(planned.values()))
    return entry_pages, planned, changed


def _neighbours(entry_pages: EntryPages, entries: list[Entry]) -> set[str]:
    """Slugs of the entries just before and after each of `entries` in its list."""
    found = set()
    for entry in entries:
        siblings = entry_pages.siblings(entry)
        at = entry_pages.position(entry)
        found.update(e.slug for e in siblings[max(at - 1, 0):at + 2])
    return found


def links_change(before: Entry | None, after: Entry | None) -> bool:
    """True when links to an entry may read or sort differently: its title
    changed, or a field that decides where it is listed, or it came or went."""
    if before is None or after is None:
        return True
    return before.title != after.title or list_signature(before) != list_signature(after)


def only_body(before: Entry | None, after: Entry | None) -> bool:
    """True when an entry changed in its Markdown body alone."""
    if before is None or after is None:
        return False
    return {**vars(before), "body": None, "body_line": None} == \
        {**vars(after), "body": None, "body_line": None}
