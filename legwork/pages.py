"""Stage 4: decide which pages exist and what each one shows.

Every page is a `legwork.page.Page`: the home page, an index per entry type,
a page per entry (planned by its type's code, `legwork.entries`), an index
per taxonomy and a page per term, decks of cards (`legwork.decks`), the
search index, the data files and the sitemap.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from legwork import registry, structured
from legwork.decks import card_pages, deck_part_url
from legwork.entries.common import slugs as _slugs
from legwork.links import Links
from legwork.model import Entry, Exercise, Guide, Term, sort_key
from legwork.page import Page, Slugs
from legwork.registry import term_keys
from legwork.similar import SimilarExercises


def exercises_by_term(guide: Guide) -> dict[tuple[str, str], list[Exercise]]:
    """(taxonomy, slug) -> the exercises tagged with that term, in guide order."""
    return _by_term(guide.exercises)


@dataclass(frozen=True)
class Reuse:
    """The last plan, for planning again after an edit of `edited` (new values;
    `before`: the old, by slug): the pages and decks of the terms not in `terms`
    stay as they were."""

    pages: dict[str, Page]
    """The last plan's pages by URL."""
    entries: dict[str, Entry]
    """Every entry now, by slug."""
    edited: list[Entry]
    before: dict[str, Entry]
    terms: set[tuple[str, str]]
    """(taxonomy, slug) of the terms that listed an edited entry before or list it now."""

    def exercises_by_term(self, guide: Guide) -> dict[tuple[str, str], Slugs]:
        """As `exercises_by_term`, by slug, from the last plan's term pages: the
        lists of `terms` are copies with the edited entries where they sort now."""
        index = {}
        for taxonomy in registry.TAXONOMIES:
            name = taxonomy.name
            for term in guide.vocabularies[name].terms.values():
                listed = self.pages[term.url].context["exercises"]
                key = (name, term.slug)
                if key in self.terms:
                    listed = self._resorted({None: listed}, key, lambda entry: None)[None]
                if listed:
                    index[key] = listed
        return index

    def regroup(self, guide: Guide, groups: list[tuple[Term, Slugs]],
                key: tuple[str, str]) -> list[tuple[Term, Slugs]]:
        """As `by_level` for the term `key`, from its `groups` in the last plan."""
        by_slug = self._resorted({level.slug: listed for level, listed in groups}, key,
                                 lambda entry: entry.level.slug)
        levels = guide.vocabularies["levels"].terms
        return [(levels[slug], by_slug[slug]) for slug in levels if by_slug.get(slug)]

    def _resorted(self, lists: dict[Any, Slugs], key: tuple[str, str],
                  home: Callable[[Exercise], Any]) -> dict[Any, Slugs]:
        """Copies of `lists` without the edited entries, each edited exercise that
        the term `key` lists now put into the list `home(entry)` names, where it
        sorts. Lists are sorted: an entry is found by its title (as it was, for
        those edited), looking up a few entries only."""
        def was(slug: str) -> tuple[str, str]:
            return sort_key(self.before.get(slug) or self.entries[slug])

        def now(slug: str) -> tuple[str, str]:
            return sort_key(self.entries[slug])

        lists = {name: list(listed) for name, listed in lists.items()}
        for listed in lists.values():
            for slug, old in self.before.items():
                at = bisect.bisect_left(listed, sort_key(old), key=was)
                if at < len(listed) and listed[at] == slug:
                    del listed[at]
        for entry in self.edited:
            if isinstance(entry, Exercise) and key in term_keys(entry):
                bisect.insort(lists.setdefault(home(entry), []), entry.slug, key=now)
        return {name: Slugs(listed) for name, listed in lists.items()}

    def sources(self, sources: frozenset[str], key: tuple[str, str]) -> frozenset[str]:
        """The `sources` of the page of the term `key` in the last plan, now."""
        return sources - {entry.slug for entry in self.edited} | {
            entry.slug for entry in self.edited if key in term_keys(entry)}

    def deck_urls(self, guide: Guide) -> set[str]:
        """URLs of the last plan's pages of the decks planned again: all cards, and
        the decks of `terms`."""
        urls = set()
        for key in [None, *self.terms]:
            url = "cards/" if key is None else \
                f"cards/{guide.vocabularies[key[0]].terms[key[1]].url}"
            number = 1
            while (part := deck_part_url(url, number)) in self.pages:
                urls.add(part)
                number += 1
        return urls


def by_level(guide: Guide, exercises: list[Exercise]) -> list[tuple[Term, list[Exercise]]]:
    """Exercises grouped by level, in the vocabulary's order, empty groups left out."""
    levels = guide.vocabularies["levels"].terms
    groups: dict[str, list[Exercise]] = {slug: [] for slug in levels}
    for exercise in exercises:
        groups[exercise.level.slug].append(exercise)
    return [(levels[slug], matching) for slug, matching in groups.items() if matching]


class EntryPages:
    """Plans the page of each exercise, tip and plan.

    Kept by the dev server: after an edit that leaves the shape of the site
    alone, only the edited entries' pages (and those whose backlinks changed)
    are planned again.
    """

    def __init__(self, guide: Guide, links: Links,
                 similar: SimilarExercises | None = None) -> None:
        self.guide = guide
        self.links = links
        self.similar = similar or SimilarExercises(guide)

    def position(self, entry: Entry) -> int:
        """Where `entry` sits in its list (`siblings`), found by its title."""
        siblings = self.siblings(entry)
        at = bisect.bisect_left(siblings, sort_key(entry), key=sort_key)
        if at == len(siblings) or siblings[at].slug != entry.slug:
            raise LookupError(f"'{entry.slug}' is not in the guide's {entry.folder}")
        return at

    def all(self) -> list[Page]:
        """Every entry page, type by type."""
        return [self._page(entry, _neighbours(siblings, at))
                for siblings in self.guide.lists.values()
                for at, entry in enumerate(siblings)]

    def siblings(self, entry: Entry) -> list[Entry]:
        """The sorted list of the guide that holds `entry`."""
        return self.guide.lists[entry.folder]

    def page(self, entry: Entry) -> Page:
        """The page of one entry."""
        return self._page(entry, _neighbours(self.siblings(entry), self.position(entry)))

    def _page(self, entry: Entry, neighbours: dict[str, Entry | None]) -> Page:
        return registry.type_of(entry).page(self, entry, neighbours)


def search_pages(guide: Guide) -> list[Page]:
    """The search page and the index its script loads (results sort themselves)."""
    everything = guide.slugs["entries"]
    return [Page("search/", "search.html", "Search"),
            Page("search-index.js", "search-index.js", "Search index",
                 {"entries": guide.in_slug_order["entries"]}, everything, everything)]


def data_pages(guide: Guide) -> list[Page]:
    """The guide's data as JSON (in slug order), with a JSON Schema for each file."""
    pages = []
    for declared in registry.ENTRY_TYPES:
        name = declared.folder
        entries = guide.in_slug_order[name]
        pages.append(Page(f"data/{name}.json", "data.json", name,
                          {"records": name, "entries": entries, "schema": None},
                          guide.slugs[name]))
        pages.append(Page(f"data/{name}.schema.json", "data.json", f"{name} schema",
                          {"records": None, "entries": [],
                           "schema": structured.schema(name, {
                               **declared.schema, **registry.term_schema(declared.name)})}))
    return pages


def _neighbours(entries: list, position: int) -> dict[str, Entry | None]:
    """The entries before and after `position` in their list."""
    return {"previous": entries[position - 1] if position > 0 else None,
            "next": entries[position + 1] if position + 1 < len(entries) else None}


def taxonomy_pages(guide: Guide, tagged: dict[tuple[str, str], list[Exercise]],
                   reuse: Reuse | None = None) -> list[Page]:
    """An index per taxonomy and a page per term; with `reuse`, the pages of its
    terms only, made from their last plan."""
    pages = []
    every_exercise = guide.slugs["exercises"]
    moved = {entry.folder for entry in reuse.edited} if reuse else set(guide.lists)
    others = {folder: _by_term(guide.lists[folder]) for folder in guide.lists
              if folder != "exercises" and folder in moved}
    for taxonomy in registry.TAXONOMIES:
        name = taxonomy.name
        vocabulary = guide.vocabularies[name]
        counts = {t.slug: len(tagged.get((name, t.slug), [])) for t in vocabulary.terms.values()}
        pages.append(Page(f"{name}/", "terms.html", taxonomy.title, {
            "vocabulary": vocabulary, "counts": counts,
        }, every_exercise))
        for term in vocabulary.terms.values():
            key = (name, term.slug)
            before = reuse.pages[term.url] if reuse else None
            if reuse and key not in reuse.terms:
                continue
            exercises = tagged.get(key, [])
            kept = {d.folder: entries for d, entries in before.context["others"]} \
                if before is not None else {}
            listed = [(declared, others[declared.folder].get(key, [])
                       if declared.folder in others else kept.get(declared.folder, []))
                      for declared in registry.ENTRY_TYPES if declared.folder != "exercises"]
            if before is not None:
                groups = reuse.regroup(guide, before.context["groups"], key)
                sources = reuse.sources(before.sources, key)
            else:
                groups = by_level(guide, exercises)
                sources = _slugs([*exercises, *(e for _, entries in listed for e in entries)])
            pages.append(Page(term.url, "term.html", term.name, {
                "term": term, "groups": groups, "exercises": exercises,
                "others": [(declared, entries) for declared, entries in listed if entries],
            }, sources, breadcrumbs=((taxonomy.title, f"{name}/"),)))
    return pages


def _by_term(entries: list[Entry]) -> dict[tuple[str, str], list[Entry]]:
    """(taxonomy, slug) -> the `entries` whose term pages list them, in guide order."""
    index: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        for key in term_keys(entry):
            index.setdefault(key, []).append(entry)
    return index


def index_pages(guide: Guide) -> list[Page]:
    """Home, an index per entry type and the files hosts and search engines look for."""
    featured = [p for p in guide.plans
                if p.slug in {r.slug for r in guide.config.featured_plans}]
    website = structured.json_ld({
        "@context": "https://schema.org", "@type": "WebSite", "name": guide.config.title,
        "description": guide.config.description,
        **({"url": guide.config.base_url} if guide.config.base_url else {})})
    return [
        Page("", "home.html", guide.config.title, {"featured": featured, "json_ld": website},
             guide.slugs["entries"]),
        *(Page(f"{declared.folder}/", f"{declared.folder}.html", declared.title,
               declared.index_context(guide), guide.slugs[declared.folder])
          for declared in registry.ENTRY_TYPES),
        Page("404.html", "404.html", "Page not found", {}, frozenset(), absolute_links=True),
        Page("robots.txt", "robots.txt", "robots.txt", {}, frozenset()),
    ]


def site_map(pages: Iterable[Page]) -> Page:
    """The sitemap of `pages`, in URL order, which no edit of an entry changes
    (titles decide the guide's order)."""
    urls = sorted(p.url for p in pages if p.output_path.endswith("index.html"))
    return Page("sitemap.xml", "sitemap.xml", "Sitemap", {"urls": urls})


def check_unique_outputs(pages: list[Page]) -> None:
    """Two pages can never claim one output path; that would be a bug in this module."""
    if len({page.output_path for page in pages}) == len(pages):
        return
    owners: dict[str, str] = {}
    for page in pages:
        if page.output_path in owners:
            raise ValueError(f"two outputs claim {page.output_path}: "
                             f"{owners[page.output_path]} and {page.url or 'home'}")
        owners[page.output_path] = page.url or "home"


def plan_pages(guide: Guide, links: Links, entries: EntryPages | None = None) -> list[Page]:
    """Every page of the site, in a stable order; `entries` plans the entry pages."""
    tagged = exercises_by_term(guide)
    pages = [*index_pages(guide), *(entries or EntryPages(guide, links)).all(),
             *taxonomy_pages(guide, tagged), *card_pages(guide, tagged), *search_pages(guide),
             *data_pages(guide)]
    pages.append(site_map(pages))
    check_unique_outputs(pages)
    return pages


def replan_lists(guide: Guide, reuse: Reuse) -> list[Page]:
    """After an edit moved `reuse.edited` in the lists: the pages planned again
    that list entries in the guide's order, or by term (home, the indexes, the
    taxonomy indexes, the deck of all cards, the pages and decks of the terms
    that `reuse` names). The search index and the data files list entries by
    slug, which a move leaves as it was, and every other term's pages list the
    same entries."""
    tagged = reuse.exercises_by_term(guide)
    return [*index_pages(guide), *taxonomy_pages(guide, tagged, reuse),
            *card_pages(guide, tagged, reuse)]
