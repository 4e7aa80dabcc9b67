"""A page of the site: one output file, the template that makes it and what it shows.

A `Page` names its URL, template and context, and records which entries it
shows (`sources`), so a rebuild re-renders only the pages an edit affects.
`Showing` indexes pages by those entries.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from legwork.model import Entry
from legwork.urls import output_path


@dataclass
class Page:
    """One output file made from a template."""

    url: str
    """URL relative to the site root: "" (home), "exercises/squat/", "sitemap.xml"."""
    template: str
    """Template file name in `templates/`."""
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    """Template variables besides `page`, `site` and `guide`."""
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

    def differs(self, before: Page | None, changed: set[str], visible: set[str],
                relinked: set[str]) -> bool:
        """True when this page, planned after an edit, may read differently from
        `before`, its plan from the last build (None: it is new): another
        template or other entries, or in another order (`shape`), or an entry
        it shows changed (`shows_change`)."""
        return (before is None or self.template != before.template
                or self.sources != before.sources or self.linked != before.linked
                or self.shows_change(changed, visible, relinked)
                or shape(self.context) != shape(before.context))

    def variables(self) -> dict[str, Any]:
        """Every template variable of the page besides `page`."""
        return {**self.context, **self.deferred()} if self.deferred else self.context

    @functools.cached_property
    def output_path(self) -> str:
        """The file written, relative to the output folder."""
        return output_path(self.url)


def shape(value: Any) -> Any:
    """A page's context with each entry as its slug: what planning decided (which
    entries, in what order), not what the entries say."""
    if isinstance(value, Entry):
        return value.slug
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], Entry):
            return tuple(map(_slug, value))  # a list of entries: in C, however long
        return tuple(map(shape, value))
    if isinstance(value, dict):
        return tuple((key, shape(item)) for key, item in value.items())
    return value


_slug = operator.attrgetter("slug")


class Showing:
    """Which entry pages hold each entry (show it, or link to it with its title),
    so that an edit plans again the pages that hold what it changed without
    asking all of them. An index kept by the dev server between edits, of slugs
    and URLs only."""

    def __init__(self, pages: Iterable[Page]) -> None:
        self._entry_pages: dict[str, set[str]] = {}
        """Slug -> URLs of the entry pages that show the entry or link to it."""
        for page in pages:
            self.replace(None, page)

    def replace(self, before: Page | None, after: Page | None) -> None:
        """Take in that the page `before` (None: none) is now `after` (None: gone)."""
        if before is not None and before.entry is not None:
            for slug in before.sources | before.full_sources | before.linked:
                self._entry_pages[slug].discard(before.url)
        if after is not None and after.entry is not None:
            for slug in after.sources | after.full_sources | after.linked:
                self._entry_pages.setdefault(slug, set()).add(after.url)

    def holding(self, slugs: Iterable[str]) -> set[str]:
        """URLs of the entry pages that hold any of the entries `slugs`."""
        return {url for slug in slugs for url in self._entry_pages.get(slug, ())}
