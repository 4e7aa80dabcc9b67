"""Decks of printable exercise cards, cut into pages at exercises their slugs mark."""

from __future__ import annotations

import functools
import itertools
import operator
import zlib
from typing import TYPE_CHECKING

from legwork import registry
from legwork.model import Exercise, Guide, Term
from legwork.page import Page, Slugs

if TYPE_CHECKING:
    from legwork.pages import Reuse

_slug = operator.attrgetter("slug")

DECK_SIZE = 100
"""Most cards on one deck page; a longer deck continues on numbered pages."""
DECK_MIN = 40
"""Fewest cards on a page of a deck that takes more than one."""
DECK_CUT = 40
"""About one exercise in this many may end a deck page (see `deck_parts`)."""


@functools.cache
def _may_end_part(slug: str) -> bool:
    return zlib.crc32(slug.encode()) % DECK_CUT == 0


def deck_parts(exercises: list[Exercise] | Slugs) -> list[list[Exercise] | Slugs]:
    """`exercises` (or their `Slugs`) cut into deck pages of DECK_MIN to DECK_SIZE cards.

    A page ends after the first exercise that its slug marks (one in about
    DECK_CUT) once the page holds DECK_MIN cards; a stretch longer than
    DECK_SIZE is shared out evenly over as few pages as it needs. Where pages
    end depends on the exercises near the cut, not on how many come before, so
    an exercise that is added, removed or retitled changes the page it leaves
    and the page it joins (now and then a neighbour too): pages already
    printed stay current, and a rebuild rewrites only those few.
    """
    slugs = isinstance(exercises, Slugs)
    if len(exercises) <= DECK_SIZE:
        return [exercises]
    parts: list = []

    def share_out(stretch: list[Exercise] | Slugs) -> None:
        count = -(-len(stretch) // DECK_SIZE)
        parts.extend(stretch[len(stretch) * n // count:len(stretch) * (n + 1) // count]
                     for n in range(count))

    start = 0
    ends = map(_may_end_part, exercises if slugs else map(_slug, exercises))
    for at in itertools.compress(itertools.count(1), ends):
        if at - start >= DECK_MIN:
            share_out(exercises[start:at])
            start = at
    rest = exercises[start:]
    if len(rest) < DECK_MIN and parts:
        rest = parts.pop() + rest
    share_out(rest)
    return [Slugs(part) for part in parts] if slugs else parts


def deck_part_url(url: str, number: int) -> str:
    """The URL of part `number` (from 1) of the deck at `url`."""
    return url if number == 1 else f"{url}{number}/"


def deck_pages(url: str, title: str, exercises: list[Exercise], term: Term | None,
               breadcrumbs: tuple[tuple[str, str], ...], reuse: Reuse | None = None
               ) -> list[Page]:
    """A deck of cards at `url`, split into pages by `deck_parts`; a page that
    `reuse` planned the same is its page."""
    if reuse is not None and not isinstance(exercises, Slugs):
        exercises = Slugs(map(_slug, exercises))  # compared with the last plan's by slug
    chunks = deck_parts(exercises)
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
                              context, frozenset(chunk if isinstance(chunk, Slugs)
                                                 else map(_slug, chunk)),
                              breadcrumbs=breadcrumbs))
    return pages


def card_pages(guide: Guide, tagged: dict[tuple[str, str], list[Exercise]],
               reuse: Reuse | None = None) -> list[Page]:
    """Printable decks of exercise cards: every card, and one deck per taxonomy term;
    with `reuse`, the decks of its terms only, pages planned as before kept."""
    pages = deck_pages("cards/", "All exercise cards", guide.exercises, None,
                       (("Exercises", "exercises/"),), reuse)
    for taxonomy in registry.TAXONOMIES:
        name = taxonomy.name
        for term in guide.vocabularies[name].terms.values():
            exercises = tagged.get((name, term.slug), [])
            if reuse and (name, term.slug) not in reuse.terms:
                continue
            if exercises:
                pages += deck_pages(f"cards/{term.url}", f"{term.name} cards", exercises,
                                    term, ((term.name, term.url),), reuse)
    return pages


