"""The dev server's quick path: edits of existing entries, read on their own.

Most edits made while writing change one entry. It is read, checked and
linked on its own, and the last build's guide and links give new values with
the new entry in its place (`Guide.replace`, `links.relinked`); nothing of the
last build is changed. `replan` then plans again only the pages that hold an
edited entry or whose place in the lists it changes: its own page, the entry
pages that show or link to it, its neighbours and the exercises whose similar
exercises it may join or leave, the lists and term pages that list it, the
indexes, the search index and data files, and the decks.

Anything else goes through a full load: a file added or deleted, an entry
published or made a draft, an entry file that changed its type, or a
vocabulary, site.yaml, template or static file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from legwork import registry
from legwork.errors import ErrorLog
from legwork.links import Checker, check_variant_loops, relinked
from legwork.load import load_entry_cached
from legwork.model import Entry, Exercise
from legwork.page import Page, by_slug
from legwork.pages import EntryPages, Reuse, check_unique_outputs, replan_lists, site_map
from legwork.project import Cache, Loaded
from legwork.registry import list_signature, term_keys
from legwork.validate import read_entry


@dataclass
class Edit:
    """What changed between two states of a guide, by slug."""

    changed: set[str] = field(default_factory=set)
    """The entries that changed at all, came or went."""
    visible: set[str] = field(default_factory=set)
    """Those that changed in more than their Markdown body, which lists, cards and
    data show."""
    relinked: set[str] = field(default_factory=set)
    """Those whose links read or sort differently (see `links_change`)."""
    replanned: set[str] = field(default_factory=set)
    """Those whose own page must be planned again (its links or backlinks changed)."""
    before: dict[str, Entry] = field(default_factory=dict)
    """Slug -> each changed entry as it was."""

    @classmethod
    def between(cls, old: dict[str, Entry], new: dict[str, Entry]) -> Edit:
        """What changed from the entries `old` to `new` (slug -> entry)."""
        edit = cls()
        for slug in old.keys() | new.keys():
            before, after = old.get(slug), new.get(slug)
            if before is after or before == after:
                continue
            edit.changed.add(slug)
            if not only_body(before, after):
                edit.visible.add(slug)
            if links_change(before, after):
                edit.relinked.add(slug)
            if before is not None:
                edit.before[slug] = before
        return edit


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


def edit_in_place(state: Loaded, content: Path, paths: set[Path], cache: Cache,
                  log: ErrorLog) -> tuple[Loaded, Edit] | None:
    """The guide after edits of the entry files `paths` to the last build's `state`,
    and what they changed; None when they change the shape of the site (or are
    not all edits of published entries). Raises BuildFailed when an edited file
    has errors. `state` is left as it was."""
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
            edited.append((old, read_entry(raw, state.guide.vocabularies, log, cache.entries)))
    log.raise_if_any()
    if any(type(old) is not type(new) or old.draft != new.draft for old, new in edited):
        return None
    new = {after.slug: after for before, after in edited if before != after}
    checker = Checker({**published, **new}, state.drafts, log, frozenset())
    body_refs = {}
    for entry in new.values():
        body_refs[entry.slug] = state.bodies.references(entry)
        checker.check_entry(entry, body_refs[entry.slug])
    if any(isinstance(old, Exercise) and (old.easier, old.harder) != (entry.easier, entry.harder)
           for old, entry in edited if entry.slug in new):
        check_variant_loops([new.get(e.slug, e) for e in state.guide.exercises], log)
    log.raise_if_any()
    edit = Edit.between({slug: published[slug] for slug in new}, new)
    links, backlinks = relinked(state.links, new, body_refs)
    edit.replanned = set(new) | backlinks
    return Loaded(state.guide.replace(new), links, state.bodies, state.drafts), edit


def replan(after: Loaded, entry_pages: EntryPages, pages: dict[str, Page], edit: Edit
           ) -> tuple[EntryPages, dict[str, Page], set[str]]:
    """Plan the site again after an edit of existing entries (`after`: the guide and links
    now; `entry_pages` and `pages`, URL -> page: the last plan).

    Pages name entries by slug, so only the pages whose entries or order an edit
    changes are planned again: the edited entries' own pages, those whose
    backlinks changed, and for an entry that moves in the lists (`relinked`), its
    neighbours before and after, the exercises whose similar exercises change,
    and the lists, term pages and decks of the terms it was or is in. Every other
    page stays the page it was. Returns the new planner of entry pages, every
    page by URL, and the URLs of the pages planned again (or gone).
    """
    guide, links = after.guide, after.links
    edited = [links.entries[slug] for slug in sorted(edit.changed)]
    moved = [entry for entry in edited if entry.slug in edit.relinked]
    # Similar exercises follow titles, muscles and levels: an edit of anything else
    # leaves them as they were (the index holds each exercise for its slug and place).
    shifted = [e for e in moved if isinstance(e, Exercise)]
    planner = EntryPages(guide, links, entry_pages.similar.replace(shifted, edit.before)
                         if shifted else entry_pages.similar)
    replan = set(edit.replanned)
    if moved:
        replan |= _neighbours(entry_pages, [edit.before[e.slug] for e in moved]) \
            | _neighbours(planner, moved)
        readers = entry_pages.similar.readers([edit.before[e.slug] for e in shifted])
        readers.update(planner.similar.readers(shifted))
        for slug, exercise in readers.items():  # those whose similar exercises may change
            if slug not in replan and by_slug(planner.similar(exercise)) != \
                    pages[exercise.url].context["same_muscles"]:
                replan.add(slug)
    planned = dict(pages)
    for slug in replan:
        page = planner.page(links.entries[slug])
        planned[page.url] = page
    urls = {links.entries[slug].url for slug in replan}
    if moved:
        terms = {key for entry in moved
                 for key in [*term_keys(entry), *term_keys(edit.before[entry.slug])]}
        reuse = Reuse(pages, links.entries, moved,
                      {entry.slug: edit.before[entry.slug] for entry in moved}, terms)
        lists = replan_lists(guide, reuse)
        planned.update((page.url, page) for page in lists)
        gone = reuse.deck_urls(guide) - {page.url for page in lists}
        for url in gone:
            del planned[url]
        urls |= {page.url for page in lists} | gone
        if gone or not urls <= pages.keys():  # deck parts came or went
            sitemap = site_map(planned.values())
            planned[sitemap.url] = sitemap
            urls.add(sitemap.url)
            check_unique_outputs(list(planned.values()))
    return planner, planned, urls


def _neighbours(entry_pages: EntryPages, entries: list[Entry]) -> set[str]:
    """Slugs of the entries just before and after each of `entries` in its list, in
    the guide `entry_pages` plans."""
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


__all__ = ["Edit", "edit_in_place", "replan"]
