"""A page of the site: one output file, the template that makes it and what it shows.

A `Page` names its URL, template and context, and records which entries it
shows (`sources`), so a rebuild re-renders only the pages an edit affects.
`Showing` indexes pages by those entries.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from legwork.model import Entry
from legwork.urls import output_path


class Slug(str):
    """An entry a page shows, by its slug: the entry itself when the page is rendered."""

    __slots__ = ()


class Slugs(tuple):
    """Entries a page shows, in order, by slug: the entries when it is rendered."""

    __slots__ = ()


def by_slug(value: Any) -> Any:
    """A page's context with each entry as its `Slug`: what planning decided (which
    entries, in what order), not what the entries say, which is looked up when the
    page is rendered. Lists of entries become `Slugs`."""
    if isinstance(value, Entry):
        return Slug(value.slug)
    if type(value) is list or type(value) is tuple:
        if value and isinstance(value[0], Entry):
            return Slugs(map(_slug, value))  # in C, however long the list
        return type(value)(map(by_slug, value)) if _holds_more(value) else value
    if type(value) is dict:
        return {key: by_slug(item) for key, item in value.items()}
    return value


class Resolved(Sequence):
    """`Slugs` as the entries they name, each looked up when it is read: a long
    list shown again is compared by its slugs (see `Renderer._per_entry`), and
    most of its entries never looked up."""

    __slots__ = ("slugs", "_entries")

    def __init__(self, slugs: Slugs, entries: dict[str, Entry]) -> None:
        self.slugs = slugs
        self._entries = entries

    def __len__(self) -> int:
        return len(self.slugs)

    def __getitem__(self, at: int | slice) -> Any:
        if isinstance(at, slice):
            return list(map(self._entries.__getitem__, self.slugs[at]))
        return self._entries[self.slugs[at]]

    def __iter__(self) -> Iterator[Entry]:
        return map(self._entries.__getitem__, self.slugs)


def entries_of(value: Any, entries: dict[str, Entry]) -> Any:
    """The context `by_slug` made, with the `entries` (slug -> entry) it names."""
    kind = type(value)
    if kind is Slugs:
        return Resolved(value, entries)
    if kind is Slug:
        return entries[value]
    if kind is dict:
        return {key: entries_of(item, entries) for key, item in value.items()}
    if (kind is list or kind is tuple) and _holds_more(value):
        return kind(entries_of(item, entries) for item in value)
    return value


def _holds_more(value: list | tuple) -> bool:
    """Whether a list or tuple holds entries, or containers that do (e.g. a term
    page's (level, exercises) groups); a list is judged by its first item."""
    for item in value if type(value) is tuple else value[:1]:
        if isinstance(item, Entry | Slug | Slugs | dict) or (
                isinstance(item, list | tuple) and _holds_more(item)):
            return True
    return False


@dataclass
class Page:
    """One output file made from a template."""

    url: str
    """URL relative to the site root: "" (home), "exercises/squat/", "sitemap.xml"."""
    template: str
    """Template file name in `templates/`."""
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    """Template variables besides `page`, `site` and `guide`; entries are kept by
    slug (see `by_slug`), and looked up when the page is rendered."""
    sources: frozenset[str] = frozenset()
    """Slugs of the entries this page shows (more than a link to them); an edit
    to one re-renders it."""
    full_sources: frozenset[str] = frozenset()
    """Entries whose Markdown body the page shows too; an edit to the body of any
    other entry in `sources` leaves the page as it is."""
    linked: frozenset[str] = frozenset()
    """Entries the page shows only as a link with their title (not in `sources`):
    an edit of one that keeps its title and place in the lists leaves the page
    as it is."""
    absolute_links: bool = False
    """Links are absolute paths from `base_url` (404.html is served at any depth)."""
    breadcrumbs: tuple[tuple[str, str], ...] = ()
    """(title, url) of the pages above this one."""
    entry: Entry | None = None
    """The entry whose page this is, if any."""
    deferred: Callable[[], dict[str, Any]] | None = None
    """More template variables, costly to make: computed only when the page is rendered
    (in a worker, or not at all when a rebuild leaves the page alone)."""

    def shows_change(self, changed: set[str], visible: set[str], relinked: set[str]) -> bool:
        """True when an edit changes what the page shows. `changed` are the
        entries edited at all, `visible` those edited in more than their Markdown
        body, `relinked` those whose links read or sort differently."""
        return (not self.full_sources.isdisjoint(changed)
                or not self.linked.isdisjoint(relinked)
                or not self.sources.isdisjoint(visible))

    def __post_init__(self) -> None:
        self.context = by_slug(self.context)

    def differs(self, before: Page | None, changed: set[str], visible: set[str],
                relinked: set[str]) -> bool:
        """True when this page may read differently from `before` (None: there was
        none): another template, other entries or in another order, or an entry
        it shows changed (`shows_change`)."""
        return (before is not self and (
            before is None or self.template != before.template
            or self.sources != before.sources or self.linked != before.linked
            or self.context != before.context)) or self.shows_change(changed, visible, relinked)

    def variables(self, entries: dict[str, Entry]) -> dict[str, Any]:
        """Every template variable of the page besides `page`, with the `entries`
        (slug -> entry) its context names."""
        found = entries_of(self.context, entries)
        return {**found, **self.deferred()} if self.deferred else found

    @functools.cached_property
    def output_path(self) -> str:
        """The file written, relative to the output folder."""
        return output_path(self.url)


_slug = operator.attrgetter("slug")


class Showing:
    """Which pages show each entry, so that the pages an edit changes are found
    without asking every page (`Page.shows_change`). Entry pages, nearly all of
    a large guide's, are indexed by the entries they show or link to; the other
    pages, a few hundred lists, are asked. An index the dev server keeps between
    edits, of slugs and URLs."""

    def __init__(self, pages: Iterable[Page]) -> None:
        self._entry_pages: dict[str, set[str]] = {}
        """Slug -> URLs of the entry pages that show the entry or link to it."""
        self._others: dict[str, Page] = {}
        for page in pages:
            self.replace(None, page)

    def replace(self, before: Page | None, after: Page | None) -> None:
        """Take in that the page `before` (None: none) is now `after` (None: gone)."""
        if before is not None:
            if before.entry is None:
                self._others.pop(before.url, None)
            else:
                for slug in before.sources | before.full_sources | before.linked:
                    self._entry_pages[slug].discard(before.url)
        if after is not None:
            if after.entry is None:
                self._others[after.url] = after
            else:
                for slug in after.sources | after.full_sources | after.linked:
                    self._entry_pages.setdefault(slug, set()).add(after.url)

    def changed_by(self, pages: dict[str, Page], changed: set[str], visible: set[str],
                   relinked: set[str]) -> set[str]:
        """URLs of the pages of `pages` (the plan indexed) that an edit changes; the
        sets are those of `Page.shows_change` (`visible` and `relinked` are among
        `changed`)."""
        candidates = {url for slug in changed for url in self._entry_pages.get(slug, ())}
        found = {url for url in candidates if pages[url].shows_change(changed, visible, relinked)}
        found.update(url for url, page in self._others.items()
                     if page.shows_change(changed, visible, relinked))
        return found
