"""Stage 4: decide which pages exist and what each one shows.

A `Page` names its URL, template and context, and records which entries it
was made from (`sources`), so a later rebuild can re-render only the pages an
edit affects and rendering can be spread over worker processes.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from legwork import structured
from legwork.links import Links
from legwork.model import Entry, Exercise, Guide, Plan, Term, Tip
from legwork.urls import output_path, public_url
from legwork.validate import sort_key

TAXONOMIES = ("muscles", "goals", "levels", "equipment")
"""Vocabularies with a page per term, in navigation order."""


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
    same_context: bool = False
    """The page shows only its context (plain data, no entries): it changes exactly
    when the context does."""
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

    def variables(self) -> dict[str, Any]:
        """Every template variable of the page besides `page`."""
        return {**self.context, **self.deferred()} if self.deferred else self.context

    @functools.cached_property
    def output_path(self) -> str:
        """The file written, relative to the output folder."""
        return output_path(self.url)


class Showing:
    """Which pages show each entry, so that the pages an edit changes are found
    without asking every page (`Page.shows_change`). Entry pages, nearly all of
    a large guide's, are indexed by the entries they show or link to; the other
    pages, a few hundred lists, are asked."""

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


def _slugs(entries: list) -> frozenset[str]:
    return frozenset(map(_slug, entries))


_slug = operator.attrgetter("slug")


def term_keys(entry: Entry) -> list[tuple[str, str]]:
    """(vocabulary, slug) of each term whose page lists `entry`, once each.
    For muscles, primary and secondary both count."""
    if isinstance(entry, Exercise):
        terms = [*entry.primary, *entry.secondary, *entry.goals, entry.level,
                 *entry.equipment]
    elif isinstance(entry, Plan):
        terms = [*entry.goals, entry.level]
    else:
        terms = list(entry.goals)
    return list(dict.fromkeys([(term.vocabulary, term.slug) for term in terms]))


def exercises_by_term(guide: Guide) -> dict[tuple[str, str], list[Exercise]]:
    """(vocabulary, slug) -> the exercises tagged with that term, in guide order.
    One pass over the guide."""
    index: dict[tuple[str, str], list[Exercise]] = {}
    for exercise in guide.exercises:
        for key in term_keys(exercise):
            index.setdefault(key, []).append(exercise)
    return index


@dataclass
class Reuse:
    """The last plan, for planning again after an edit moved `moved` in the lists:
    the pages and decks of the terms not in `terms` stay as they were."""

    pages: dict[str, Page]
    """The last plan's pages by URL."""
    moved: list[Entry]
    terms: set[tuple[str, str]]
    """(vocabulary, slug) of the terms that listed a moved entry before or list it now."""

    def exercises_by_term(self, guide: Guide) -> dict[tuple[str, str], list[Exercise]]:
        """As `exercises_by_term`, from the last plan's term pages: the lists of
        `terms` are the same lists, with the moved entries taken out and put back
        where they sort now, so whatever the renderer kept of them follows."""
        index = {}
        for name in TAXONOMIES:
            for term in guide.vocabularies[name].terms.values():
                listed = self.pages[term.url].context["exercises"]
                key = (name, term.slug)
                if key in self.terms:
                    self._resort([listed], key, lambda _, listed=listed: listed)
                if listed:
                    index[key] = listed
        return index

    def regroup(self, guide: Guide, groups: list[tuple[Term, list[Exercise]]],
                key: tuple[str, str]) -> list[tuple[Term, list[Exercise]]]:
        """As `by_level` for the term `key`, from its `groups` in the last plan
        (the same lists, sorted again like those of `exercises_by_term`)."""
        by_slug = {level.slug: listed for level, listed in groups}
        self._resort(list(by_slug.values()), key,
                     lambda entry: by_slug.setdefault(entry.level.slug, []))
        levels = guide.vocabularies["levels"].terms
        return [(levels[slug], by_slug[slug]) for slug in levels if by_slug.get(slug)]

    def _resort(self, lists: list[list[Exercise]], key: tuple[str, str],
                home: Callable[[Exercise], list[Exercise]]) -> None:
        """Take the moved entries out of `lists`, then put each that the term `key`
        lists into its `home` list, where it sorts."""
        for listed in lists:
            _take_out(listed, self.moved)
        for entry in self.moved:
            if isinstance(entry, Exercise) and key in term_keys(entry):
                bisect.insort(home(entry), entry, key=sort_key)

    def sources(self, sources: frozenset[str], key: tuple[str, str]) -> frozenset[str]:
        """The `sources` of the page of the term `key` in the last plan, now."""
        return sources - {entry.slug for entry in self.moved} | {
            entry.slug for entry in self.moved if key in term_keys(entry)}

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


def _take_out(listed: list, entries: list[Entry]) -> None:
    """Remove those of `entries` that `listed` holds, found by identity (in C: no
    entry is compared, which for entries means comparing every field)."""
    ids = list(map(id, listed))
    for at in sorted((ids.index(id(entry)) for entry in entries if id(entry) in ids),
                     reverse=True):
        del listed[at]


def by_level(guide: Guide, exercises: list[Exercise]) -> list[tuple[Term, list[Exercise]]]:
    """Exercises grouped by level, in the vocabulary's order, empty groups left out."""
    levels = guide.vocabularies["levels"].terms
    groups: dict[str, list[Exercise]] = {slug: [] for slug in levels}
    for exercise in exercises:
        groups[exercise.level.slug].append(exercise)
    return [(levels[slug], matching) for slug, matching in groups.items() if matching]


SIMILAR_LIMIT = 6
"""How many "also works these muscles" exercises an exercise page shows."""


class SimilarExercises:
    """Picks, for each exercise, a few others for the same primary muscles.

    Neighbours in title order within the same muscle and level come first, then
    other levels; an index keeps this linear in the size of the guide.
    """

    def __init__(self, guide: Guide) -> None:
        levels = list(guide.vocabularies["levels"].terms.values())
        self.nearest_levels = {level.slug: sorted(levels, key=lambda other: abs(
            levels.index(other) - levels.index(level))) for level in levels}
        """Level -> every level, nearest first."""
        self.by_muscle_level: dict[tuple[str, str], list[Exercise]] = {}
        for exercise in guide.exercises:
            for muscle in exercise.primary:
                key = (muscle.slug, exercise.level.slug)
                self.by_muscle_level.setdefault(key, []).append(exercise)
        self.position = {(key, e.slug): i for key, group in self.by_muscle_level.items()
                         for i, e in enumerate(group)}
        self.short: dict[str, Exercise] = {}
        """Slug -> each exercise whose own group (its first primary muscle, its
        level) is too short to fill its picks: it picks from other groups too."""
        self._measure(self.by_muscle_level)

    def _measure(self, groups: dict[tuple[str, str], list[Exercise]]) -> None:
        for key, group in groups.items():
            for exercise in group:
                if (exercise.primary[0].slug, exercise.level.slug) == key:
                    if len(group) <= SIMILAR_LIMIT:
                        self.short[exercise.slug] = exercise
                    else:
                        self.short.pop(exercise.slug, None)

    def readers(self, exercises: list[Exercise]) -> dict[str, Exercise]:
        """Slug -> every exercise whose picks may hold one of `exercises`, as the
        index stands. An exercise whose own group is long enough picks the
        SIMILAR_LIMIT after it there, so those are the ones before each of
        `exercises` in its groups; the rest are the short ones sharing a muscle."""
        found = {}
        for exercise in exercises:
            for muscle in exercise.primary:
                key = (muscle.slug, exercise.level.slug)
                group = self.by_muscle_level[key]
                at = self.position[(key, exercise.slug)]
                for step in range(1, min(SIMILAR_LIMIT, len(group) - 1) + 1):
                    found.setdefault(group[at - step].slug, group[at - step])
        muscles = {muscle for exercise in exercises for muscle in exercise.primary}
        found.update((slug, other) for slug, other in self.short.items()
                     if not muscles.isdisjoint(other.primary))
        return found

    def move(self, moved: list[Exercise], before: dict[str, Exercise]) -> None:
        """Take in that the exercises `moved` (`before`, by slug: as they were)
        changed their titles, primary muscles or level."""
        groups = {}
        for exercise in moved:
            was = before[exercise.slug]
            for muscle in was.primary:
                key = (muscle.slug, was.level.slug)
                groups[key] = self.by_muscle_level[key]
                self.position.pop((key, exercise.slug))
        gone = {id(exercise) for exercise in moved}
        for group in groups.values():
            group[:] = [e for e in group if id(e) not in gone]
        for exercise in moved:
            for muscle in exercise.primary:
                key = (muscle.slug, exercise.level.slug)
                group = groups[key] = self.by_muscle_level.setdefault(key, [])
                bisect.insort(group, exercise, key=sort_key)
        for key, group in groups.items():
            self.position.update(((key, e.slug), i) for i, e in enumerate(group))
        self._measure(groups)

    def __call__(self, exercise: Exercise) -> list[Exercise]:
        chosen: dict[str, Exercise] = {}
        for level in self.nearest_levels[exercise.level.slug]:
            for muscle in exercise.primary:
                group = self.by_muscle_level.get((muscle.slug, level.slug), [])
                at = self.position.get(((muscle.slug, level.slug), exercise.slug), -1)
                for step in range(1, len(group) + 1):  # wrap around from just after it
                    other = group[(at + step) % len(group)]
                    if len(chosen) >= SIMILAR_LIMIT:
                        return list(chosen.values())
                    if other is not exercise:
                        chosen.setdefault(other.slug, other)
        return list(chosen.values())


class EntryPages:
    """Plans the page of each exercise, tip and plan.

    Kept by the dev server: after an edit that leaves the shape of the site
    alone, only the edited entries' pages (and those whose backlinks changed)
    are planned again.
    """

    def __init__(self, guide: Guide, links: Links) -> None:
        self.guide = guide
        self.links = links
        self.similar = SimilarExercises(guide)

    def move(self, moved: list[Entry], before: dict[str, Entry]) -> None:
        """Sort the guide's lists again after an edit in place changed the titles
        or terms of `moved` (`before`, by slug: as they were); every other entry
        still sorts where it did."""
        for siblings in {id(s): s for s in map(self.siblings, moved)}.values():
            mine = [entry for entry in moved if self.siblings(entry) is siblings]
            _take_out(siblings, mine)
            for entry in mine:
                bisect.insort(siblings, entry, key=sort_key)
        self.similar.move([e for e in moved if isinstance(e, Exercise)], before)

    def position(self, entry: Entry) -> int:
        """Where `entry` sits in its list (`siblings`): found by its title, or, when
        an edit gave it a title the list is not sorted by yet, by identity."""
        siblings = self.siblings(entry)
        at = bisect.bisect_left(siblings, sort_key(entry), key=sort_key)
        if at < len(siblings) and siblings[at] is entry:
            return at
        return list(map(id, siblings)).index(id(entry))  # in C: no entry is compared

    def all(self) -> list[Page]:
        """Every entry page, exercises first."""
        guide = self.guide
        return [self._page(entry, _neighbours(siblings, at))
                for siblings in (guide.exercises, guide.tips, guide.plans)
                for at, entry in enumerate(siblings)]

    def siblings(self, entry: Entry) -> list[Entry]:
        """The sorted list of the guide that holds `entry`."""
        if isinstance(entry, Exercise):
            return self.guide.exercises
        return self.guide.tips if isinstance(entry, Tip) else self.guide.plans

    def page(self, entry: Entry) -> Page:
        """The page of one entry."""
        return self._page(entry, _neighbours(self.siblings(entry), self.position(entry)))

    def _page(self, entry: Entry, neighbours: dict[str, Entry | None]) -> Page:
        if isinstance(entry, Exercise):
            return self._exercise(entry, neighbours)
        if isinstance(entry, Tip):
            return self._tip(entry, neighbours)
        return self._plan(entry, neighbours)

    def _exercise(self, ex: Exercise, neighbours: dict[str, Entry | None]) -> Page:
        links = self.links
        same_muscles = self.similar(ex)
        variants = links.all([*ex.easier, *ex.harder, *ex.related])
        own = frozenset([ex.slug])
        linked = _slugs([*variants, *same_muscles, *links.referrers(ex), *_present(neighbours),
                         *_linked_from_body(links, ex)]) - own
        return Page(ex.url, "exercise.html", ex.title, {
            "exercise": ex,
            "easier": links.all(ex.easier),
            "harder": links.all(ex.harder),
            "related": links.all(ex.related),
            "same_muscles": same_muscles,
            "tips": [e for e in links.referrers(ex) if isinstance(e, Tip)],
            "plans": [e for e in links.referrers(ex) if isinstance(e, Plan)],
            "referrers": [e for e in links.referrers(ex) if isinstance(e, Exercise)],
            **neighbours,
        }, own, own, linked,
            breadcrumbs=(("Exercises", "exercises/"),), entry=ex,
            deferred=_json_ld(structured.exercise_ld, ex, self.guide))

    def _tip(self, tip: Tip, neighbours: dict[str, Entry | None]) -> Page:
        links = self.links
        exercises = links.all(tip.exercises)
        own = frozenset([tip.slug])
        linked = _slugs([*exercises, *links.all(tip.related), *links.referrers(tip),
                         *_present(neighbours), *_linked_from_body(links, tip)]) - own
        return Page(tip.url, "tip.html", tip.title, {
            "tip": tip, "exercises": exercises, "related": links.all(tip.related),
            "referrers": links.referrers(tip), **neighbours,
        }, own, own, linked,
            breadcrumbs=(("Tips", "tips/"),), entry=tip,
            deferred=_json_ld(structured.tip_ld, tip, self.guide))

    def _plan(self, plan: Plan, neighbours: dict[str, Entry | None]) -> Page:
        links = self.links
        used = links.all([item.exercise for s in plan.sessions for item in s.items])
        shown = _slugs([plan, *used])  # the sessions show each exercise's dose
        linked = _slugs([*links.all(plan.related), *links.referrers(plan),
                         *_present(neighbours), *_linked_from_body(links, plan)]) - shown
        return Page(plan.url, "plan.html", plan.title, {
            "plan": plan, "exercises": {e.slug: e for e in used},
            "related": links.all(plan.related), "referrers": links.referrers(plan),
            **neighbours,
        }, shown, frozenset([plan.slug]), linked,
            breadcrumbs=(("Plans", "plans/"),), entry=plan,
            deferred=_json_ld(structured.plan_ld, plan, self.guide))


def _json_ld(describe: Callable, entry: Entry, guide: Guide) -> Callable[[], dict[str, Any]]:
    """The page's schema.org description, made when the page is rendered."""
    url = public_url(entry.url, guide.config.base_url)
    return lambda: {"json_ld": structured.json_ld(describe(entry, url))}


def search_pages(guide: Guide) -> list[Page]:
    """The search page and the index its script loads (results sort themselves)."""
    everything = guide.slugs["entries"]
    return [Page("search/", "search.html", "Search"),
            Page("search-index.js", "search-index.js", "Search index",
                 {"entries": guide.in_slug_order["entries"]}, everything, everything)]


def data_pages(guide: Guide) -> list[Page]:
    """The guide's data as JSON (in slug order), with a JSON Schema for each file."""
    pages = []
    for name in ("exercises", "tips", "plans"):
        entries = guide.in_slug_order[name]
        pages.append(Page(f"data/{name}.json", "data.json", name,
                          {"records": name, "entries": entries, "schema": None},
                          guide.slugs[name]))
        pages.append(Page(f"data/{name}.schema.json", "data.json", f"{name} schema",
                          {"records": None, "entries": [], "schema": structured.SCHEMAS[name]}))
    return pages


def _linked_from_body(links: Links, entry: Entry) -> list[Entry]:
    """The entries its body links to with `[[slug]]`: each link shows the target's title."""
    return [links.entries[ref.slug] for ref in links.body_refs.get(entry.slug, [])
            if ref.slug in links.entries]


def _present(neighbours: dict[str, Entry | None]) -> list[Entry]:
    return [e for e in neighbours.values() if e is not None]


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
    moved = {type(entry) for entry in reuse.moved} if reuse else {Tip, Plan}
    tips = _by_term(guide.tips) if Tip in moved else None
    plans = _by_term(guide.plans) if Plan in moved else None
    for name in TAXONOMIES:
        vocabulary = guide.vocabularies[name]
        title = {"levels": "Levels"}.get(name, name.capitalize())
        counts = {t.slug: len(tagged.get((name, t.slug), [])) for t in vocabulary.terms.values()}
        pages.append(Page(f"{name}/", "terms.html", title, {
            "vocabulary": vocabulary, "counts": counts,
        }, every_exercise))
        for term in vocabulary.terms.values():
            key = (name, term.slug)
            before = reuse.pages[term.url] if reuse else None
            if reuse and key not in reuse.terms:
                continue
            exercises = tagged.get(key, [])
            term_tips = tips.get(key, []) if tips is not None else before.context["tips"]
            term_plans = plans.get(key, []) if plans is not None else before.context["plans"]
            if before is not None:
                groups = reuse.regroup(guide, before.context["groups"], key)
                sources = reuse.sources(before.sources, key)
            else:
                groups = by_level(guide, exercises)
                sources = _slugs([*exercises, *term_tips, *term_plans])
            pages.append(Page(term.url, "term.html", term.name, {
                "term": term, "groups": groups, "exercises": exercises,
                "tips": term_tips, "plans": term_plans,
            }, sources, breadcrumbs=((title, f"{name}/"),)))
    return pages


def _by_term(entries: list[Entry]) -> dict[tuple[str, str], list[Entry]]:
    """(vocabulary, slug) -> the `entries` whose term pages list them, in guide order."""
    index: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        for key in term_keys(entry):
            index.setdefault(key, []).append(entry)
    return index


DECK_SIZE = 100
"""Most cards on one deck page; a longer deck continues on numbered pages."""
DECK_MIN = 40
"""Fewest cards on a page of a deck that takes more than one."""
DECK_CUT = 40
"""About one exercise in this many may end a deck page (see `deck_parts`)."""


@functools.cache
def _may_end_part(slug: str) -> bool:
    return zlib.crc32(slug.encode()) % DECK_CUT == 0


_marks: tuple[Guide, dict[int, bool]] | None = None


def deck_marks(guide: Guide) -> dict[int, bool]:
    """id() of each exercise of `guide` -> whether it may end a deck page. Kept
    for the guide last asked about (which it keeps alive, so the ids stay its
    exercises'): planning again after a move then reads no exercise."""
    global _marks
    if _marks is None or _marks[0] is not guide:
        _marks = (guide, {id(e): _may_end_part(e.slug) for e in guide.exercises})
    return _marks[1]


def deck_parts(exercises: list[Exercise], marks: dict[int, bool] | None = None
               ) -> list[list[Exercise]]:
    """`exercises` cut into deck pages of DECK_MIN to DECK_SIZE cards.

    A page ends after the first exercise that its slug marks (one in about
    DECK_CUT) once the page holds DECK_MIN cards; a stretch longer than
    DECK_SIZE is shared out evenly over as few pages as it needs. Where pages
    end depends on the exercises near the cut, not on how many come before, so
    an exercise that is added, removed or retitled changes the page it leaves
    and the page it joins (now and then a neighbour too): pages already
    printed stay current, and a rebuild rewrites only those few. `marks`
    (`deck_marks`) saves reading each exercise's slug.
    """
    if len(exercises) <= DECK_SIZE:
        return [list(exercises)]  # its own list: a move sorts the term's in place
    parts: list[list[Exercise]] = []

    def share_out(stretch: list[Exercise]) -> None:
        count = -(-len(stretch) // DECK_SIZE)
        parts.extend(stretch[len(stretch) * n // count:len(stretch) * (n + 1) // count]
                     for n in range(count))

    start = 0
    ends = map(marks.__getitem__, map(id, exercises)) if marks is not None else \
        map(_may_end_part, map(_slug, exercises))
    for at in itertools.compress(itertools.count(1), ends):
        if at - start >= DECK_MIN:
            share_out(exercises[start:at])
            start = at
    rest = exercises[start:]
    if len(rest) < DECK_MIN and parts:
        rest = parts.pop() + rest
    share_out(rest)
    return parts


def deck_part_url(url: str, number: int) -> str:
    """The URL of part `number` (from 1) of the deck at `url`."""
    return url if number == 1 else f"{url}{number}/"


def deck_pages(url: str, title: str, exercises: list[Exercise], term: Term | None,
               breadcrumbs: tuple[tuple[str, str], ...], reuse: Reuse | None = None,
               marks: dict[int, bool] | None = None) -> list[Page]:
    """A deck of cards at `url`, split into pages by `deck_parts`; a page that
    `reuse` planned the same is its page."""
    chunks = deck_parts(exercises, marks)
    urls = [deck_part_url(url, n + 1) for n in range(len(chunks))]
    pager = list(zip(range(1, len(chunks) + 1), urls, strict=True)) if len(chunks) > 1 else []
    pages = []
    for n, chunk in enumerate(chunks):
        context = {"exercises": chunk, "term": term, "total": len(exercises),
                   "pager": pager, "part": n + 1}
        before = reuse.pages.get(urls[n]) if reuse else None
        if before is not None and before.context == context:
            pages.append(before)  # the title and breadcrumbs follow from the context
        else:
            pages.append(Page(urls[n], "deck.html", title if n == 0 else f"{title}, part {n + 1}",
                              context, _slugs(chunk), breadcrumbs=breadcrumbs))
    return pages


def card_pages(guide: Guide, tagged: dict[tuple[str, str], list[Exercise]],
               reuse: Reuse | None = None) -> list[Page]:
    """Printable decks of exercise cards: every card, and one deck per taxonomy term;
    with `reuse`, the decks of its terms only, pages planned as before kept."""
    marks = deck_marks(guide) if len(guide.exercises) > DECK_SIZE else None
    pages = deck_pages("cards/", "All exercise cards", guide.exercises, None,
                       (("Exercises", "exercises/"),), reuse, marks)
    for name in TAXONOMIES:
        for term in guide.vocabularies[name].terms.values():
            exercises = tagged.get((name, term.slug), [])
            if reuse and (name, term.slug) not in reuse.terms:
                continue
            if exercises:
                pages += deck_pages(f"cards/{term.url}", f"{term.name} cards", exercises,
                                    term, ((term.name, term.url),), reuse, marks)
    return pages


def index_pages(guide: Guide) -> list[Page]:
    """Home, the entry indexes and the files hosts and search engines look for."""
    everything = guide.slugs["entries"]
    by_topic: dict[str, list[Entry]] = {slug: [] for slug in guide.vocabularies["topics"].terms}
    for tip in guide.tips:
        by_topic[tip.topic.slug].append(tip)
    tips_by_topic = [(guide.vocabularies["topics"].terms[slug], tips)
                     for slug, tips in by_topic.items()]
    featured = [p for p in guide.plans
                if p.slug in {r.slug for r in guide.config.featured_plans}]
    website = structured.json_ld({
        "@context": "https://schema.org", "@type": "WebSite", "name": guide.config.title,
        "description": guide.config.description,
        **({"url": guide.config.base_url} if guide.config.base_url else {})})
    return [
        Page("", "home.html", guide.config.title, {"featured": featured, "json_ld": website},
             everything),
        Page("exercises/", "exercises.html", "Exercises", {}, guide.slugs["exercises"]),
        Page("tips/", "tips.html", "Tips",
             {"topics": [(t, tips) for t, tips in tips_by_topic if tips]}, guide.slugs["tips"]),
        Page("plans/", "plans.html", "Plans", {}, guide.slugs["plans"]),
        Page("404.html", "404.html", "Page not found", {}, frozenset(), absolute_links=True),
        Page("robots.txt", "robots.txt", "robots.txt", {}, frozenset()),
    ]


def site_map(pages: Iterable[Page]) -> Page:
    """The sitemap of `pages`, in URL order, which no edit of an entry changes
    (titles decide the guide's order)."""
    urls = sorted(p.url for p in pages if p.output_path.endswith("index.html"))
    return Page("sitemap.xml", "sitemap.xml", "Sitemap", {"urls": urls}, same_context=True)


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
    """After an edit moved `reuse.moved` in the lists: the pages planned again
    that list entries in the guide's order, or by term (home, the indexes, the
    taxonomy indexes, the deck of all cards, the pages and decks of the terms
    that `reuse` names). Those planned as before are the last plan's pages.
    The search index and the data files list entries by slug, which a move
    leaves as it was, and every other term's pages list the same entries."""
    tagged = reuse.exercises_by_term(guide)
    return [*index_pages(guide), *taxonomy_pages(guide, tagged, reuse),
            *card_pages(guide, tagged, reuse)]
