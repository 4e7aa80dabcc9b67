"""Pages made of fragments: pieces that many pages share, rendered once.

Cards, list items, body maps and the data files' arrays are fragments. A page
is kept as its template's own text and the fragments it output in between
(`Rendered`), so the megabytes of a long list are never copied into it, and
the link check reads each fragment once, not once per page showing it. A run
of fragments (a list, a deck) knows what its link check found. A long-running
process keeps long lists whole between edits (`Kept`), makes again only the
items of the entries edited, and follows an entry an edit moved to its new
place.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from legwork.linkcheck import LinkIndex, PageScan, scan
from legwork.model import Entry


class Fragment:
    """HTML rendered once and output by many pages; its ids and links found once."""

    __slots__ = ("html", "_scan", "_within", "_within_names", "_fine_index", "_fine_depths")

    def __init__(self, html: str) -> None:
        self.html = html
        self._scan: PageScan | None = None
        self._within: list[tuple[str, int, int]] | None = None
        self._within_names: frozenset[str] = frozenset()
        """The links of `within`, by name: a list whose earlier items had them all
        adds nothing of this one to its page's links to check."""
        self._fine_index = 0
        self._fine_depths = 0
        """With the link index `_fine_index`: a bit for each page depth from which
        every link in it to another page or file is known to work (a card is
        shown on deck pages of several depths)."""

    def fine(self, known: tuple) -> bool:
        """Whether its links to other pages are known to work at `known`: (link
        index token, page depth)."""
        return bool(known) and self._fine_index == known[0] and bool(
            self._fine_depths >> known[1] & 1)

    def mark_fine(self, known: tuple) -> None:
        if self._fine_index != known[0]:
            self._fine_index, self._fine_depths = known[0], 0
        self._fine_depths |= 1 << known[1]

    def scan(self) -> PageScan:
        if self._scan is None:
            self._scan = scan(self.html)
        return self._scan

    def scanned(self, known: tuple, index: LinkIndex | None, path: str,
                depth: int) -> PageScan | None:
        """Its ids and the links that still need checking on the page at `path`
        (see `Rendered.scan`), or None when the page must be read whole."""
        if self.fine(known):
            return self.scan()[0], self.within()
        if not self.whole():
            return None
        ids, links = self.scan()
        if index is not None and index.fine_elsewhere(self, links, path, depth):
            links = self.within()
        return ids, links

    def whole(self) -> bool:
        """Whether it starts and ends outside a tag, so a scan of it alone finds
        what a scan of a page holding it would."""
        html = self.html
        return html.lstrip()[:1] in ("<", "") and html.rfind("<") <= html.rfind(">")

    def within(self) -> list[tuple[str, int, int]]:
        """Its links to ids of the page holding it ("#..."), each once."""
        if self._within is None:
            first: dict[str, tuple[str, int, int]] = {}
            for found in self.scan()[1]:
                if found[0].startswith("#"):
                    first.setdefault(found[0], found)
            self._within = list(first.values())
            names = frozenset(first)  # cards name the same shapes: one set for all
            self._within_names = _NAMES.setdefault(names, names)
        return self._within


_html = operator.attrgetter("html")
_slug = operator.attrgetter("slug")

_NAMES: dict[frozenset[str], frozenset[str]] = {}
"""Each set of `Fragment._within_names` once."""

Found = list[tuple[int, set[str], list[tuple[str, int, int]]]]
"""(position, ids, links) of each fragment of a run with ids or links to check."""


class Run:
    """Fragments output one after another by one call (a list, a deck of cards)."""

    __slots__ = ("html", "fragments", "_settled", "_results")

    def __init__(self, fragments: list[Fragment],
                 settled: dict[tuple, tuple[Found, set[int]]] | None = None) -> None:
        self.fragments = list(fragments)
        """Its own list, not the `Parts` it was made of, which keep the run
        (`Parts.made`): no cycle, so both are freed as soon as they are let go."""
        self.html = "".join(map(_html, fragments))
        self._settled = settled or {}
        """For each `known` (link index, page depth) at which every fragment's links
        to other pages work: what `scanned` found in them, and the positions of
        fragments still to be looked at (those edited since)."""
        self._results: dict[tuple, PageScan] = {}
        """What `scanned` gave for each `known` once every fragment was settled."""

    def edited(self, fragments: list[Fragment], positions: set[int],
               place: Callable[[int], int] | None = None) -> Run:
        """The run of `fragments`, which differ from this run's at `positions` only,
        once this run's are put in their new places (`place(i)`: where the i-th
        went), when given."""
        settled = self._settled
        if place is not None:
            settled = {known: ([(place(i), ids, links) for i, ids, links in found],
                               {place(i) for i in todo})
                       for known, (found, todo) in settled.items()}
        return Run(fragments, {
            known: ([item for item in found if item[0] not in positions], todo | positions)
            for known, (found, todo) in settled.items()})

    def scanned(self, known: tuple, index: LinkIndex | None, path: str,
                depth: int) -> PageScan | None:
        """`Fragment.scanned` for all of its fragments, offsets counted from its start."""
        if known in self._results:
            return self._results[known]
        if known in self._settled:
            found, todo = self._settled.pop(known)
            more: Found = []
            if self._look(sorted(todo), known, index, path, depth, more):
                return self._settle(known, found + more)
        found = []
        settled = self._look(range(len(self.fragments)), known, index, path, depth, found)
        if settled is None:
            return None
        if settled and known:
            return self._settle(known, found)
        return self._gathered(found, known)

    def _settle(self, known: tuple, found: Found) -> PageScan:
        self._settled[known] = (found, set())
        result = self._results[known] = self._gathered(found, known)
        return result

    def _look(self, positions: Iterable[int], known: tuple, index: LinkIndex | None, path: str,
              depth: int, found: Found) -> bool | None:
        """Add what the fragments at `positions` hold to `found`. True when all their
        links to other pages are known to work, None when one of them cannot be
        read on its own."""
        settled = True
        fragments = self.fragments
        token, bit = (known[0], 1 << known[1]) if known else (None, 0)
        for i in positions:
            fragment = fragments[i]
            if fragment._fine_index == token and fragment._fine_depths & bit and \
                    fragment._within is not None:  # `scanned`, inlined: lists are long
                if fragment._scan[0] or fragment._within:
                    found.append((i, fragment._scan[0], fragment._within))
                continue
            result = fragment.scanned(known, index, path, depth)
            if result is None:
                return None
            if result[0] or result[1]:
                found.append((i, result[0], result[1]))
            settled = settled and fragment.fine(known)  # links: those within only
        return settled

    def _gathered(self, found: Found, known: tuple) -> PageScan:
        """The ids and links in `found`; with a link index (`known`), each link
        within the page once, where it first appears (cards repeat the same
        links to the body map's shapes)."""
        ids: set[str] = set()
        links: list[tuple[str, int, int]] = []
        seen: set[str] = set()
        starts = None
        fragments = self.fragments
        for i, fragment_ids, fragment_links in sorted(found, key=lambda item: item[0]):
            ids |= fragment_ids
            fragment = fragments[i]
            if fragment_links and not (known and fragment_links is fragment._within
                                       and fragment._within_names <= seen):
                if starts is None:
                    starts = [0, *itertools.accumulate(len(f.html) for f in fragments)]
                for link, offset, _ in fragment_links:
                    if known and link[:1] == "#":
                        if link in seen:
                            continue
                        seen.add(link)
                    links.append((link, starts[i] + offset, 0))
        return ids, links


class Parts(list):
    """What `Renderer._per_entry` makes of a list of entries, one item per entry.
    `made` keeps what is made of them all (a run, a JSON array) while they stay
    the same."""

    __slots__ = ("made",)

    def __init__(self, items: list) -> None:
        super().__init__(items)
        self.made: dict[object, Any] = {}


Reordering = tuple[Callable[[list], list], Callable[[int], int]]
"""How a list was put in a new order: a function that puts another list of as
many items (what was made of each entry) in the same order, and one that gives
each old position's new one."""


class Kept:
    """A long list of entries, by slug, and what `_per_entry` made of it."""

    __slots__ = ("slugs", "parts", "_at", "stale")

    def __init__(self, slugs: Sequence[str], parts: Parts) -> None:
        self.slugs = slugs
        self.parts = parts
        self._at: dict[str, int] | None = None
        self.stale: set[int] = set()
        """Positions of entries edited since `parts` was made (see
        `Renderer.forget_entries`)."""

    @property
    def at(self) -> dict[str, int]:
        """Slug -> position of each entry: worked out when first needed, which
        `Renderer.index_lists` brings forward to a quiet moment."""
        if self._at is None:
            self._at = dict(zip(self.slugs, itertools.count()))
        return self._at

    def follow(self, slugs: Sequence[str]) -> tuple[bool, Callable[[int], int] | None]:
        """Take in that the list shown now is `slugs`: the entries kept, perhaps put
        in a new order by an edit (which moved those `stale`). Its parts and stale
        positions are put in the new order. Returns whether it holds the same
        entries, and a function that gives each old position's new one when
        their order changed."""
        if slugs == self.slugs:
            return True, None
        if len(slugs) != len(self.slugs):
            return False, None
        found = stale_moved(slugs, self.slugs, self.stale) or reordered(slugs, self.slugs)
        if found is None:
            return False, None
        order, place = found
        parts = Parts(order(self.parts))
        if Run in self.parts.made:  # what is known of it still holds, in the new order
            parts.made[Run] = self.parts.made[Run]
        self.parts, self.slugs = parts, slugs
        self.stale = {place(i) for i in self.stale}
        self._at = None
        return True, place


def stale_moved(ids: Sequence[str], was: Sequence[str], stale: set[int]) -> Reordering | None:
    """A list was `was` and is `ids` (slugs): when only the entries at the
    positions `stale` (edited since) changed places, a function that puts
    another list of as many items (what was made of each entry) in
    the new order, and each old position's new one. Quick for a long
    list: the search for each moved entry and the comparison of the rest run
    in C, and only the moved positions are looked at in Python."""
    if not stale:
        return None
    moves = []  # (new position, old position) of each stale entry
    for old in stale:
        try:
            moves.append((ids.index(was[old]), old))
        except ValueError:
            return None
    moves.sort()
    froms, tos = sorted(old for _, old in moves), [new for new, _ in moves]
    rest_was, rest_now = list(was), list(ids)
    for old in reversed(froms):
        del rest_was[old]
    for new in reversed(tos):
        del rest_now[new]
    if rest_was != rest_now:  # others moved too
        return None
    moved_to = {old: new for new, old in moves}

    def order(parts: list) -> list:
        rest = list(parts)
        for old in reversed(froms):
            del rest[old]
        for new, old in moves:
            rest.insert(new, parts[old])
        return rest

    def place(old: int) -> int:
        if old in moved_to:
            return moved_to[old]
        new = old - bisect.bisect_left(froms, old)  # its rank among those left
        for taken in tos:
            if taken > new:
                break
            new += 1
        return new

    return order, place

def reordered(ids: Sequence[str], was: Sequence[str]) -> Reordering | None:
    """Any new order of the same entries (`ids` now, `was` before, by slug)."""
    at = {entry: i for i, entry in enumerate(was)}
    order = [at.get(entry, -1) for entry in ids]
    if len(at) != len(order) or -1 in order or len(set(order)) != len(order):
        return None
    place = [0] * len(order)
    for new, old in enumerate(order):
        place[old] = new
    return (lambda parts: [parts[old] for old in order]), place.__getitem__


class EntryFragments:
    """What is made of each entry (list items, cards, records), kept by slug while
    the entry stays the same, and long lists kept whole, by a name (the page that
    shows one and its place there) and compared by slug when shown again."""

    def __init__(self) -> None:
        self._made: dict[tuple, dict[str, tuple[Entry, Any]]] = {}
        """Kind of thing -> slug -> (entry, what was made of it)."""
        self._lists: dict[tuple, Kept] = {}
        """Name of a long list -> what was made of it."""
        self._forgotten: dict[tuple, dict[str, Any]] = {}
        """What `forget` dropped: kind -> slug -> rendering. Made again the same,
        the old rendering is kept, with what is known of its links."""

    def each(self, kind: tuple, entries: Iterable[Entry], make: Callable[[Any], Any]) -> list:
        """What `make` makes of each entry, made again only for those that changed."""
        cache = self._made.setdefault(kind, {})
        found = []
        for entry in entries:
            hit = cache.get(entry.slug)
            if hit is None or (hit[0] is not entry and hit[0] != entry):
                made = make(entry)
                before = self._forgotten.get(kind, {}).pop(entry.slug, None)
                if before is not None and _text(before) == _text(made):
                    made = before
                hit = cache[entry.slug] = (entry, made)
            found.append(hit[1])
        return found

    def listed(self, name: tuple, entries: Sequence[Entry], slugs: Sequence[str],
               make: Callable[[Any], Any]) -> Parts:
        """`each` for a long list called `name` (its first item the kind of thing):
        shown again, only the entries edited since are looked at, and those an
        edit moved are followed to their new places."""
        kind = name[0]
        kept = self._lists.get(name)
        place = None
        if kept is not None:
            same, place = kept.follow(slugs)  # the same, sorted anew, or else made again
            if not same:
                kept = None
        if kept is None:
            kept = self._lists[name] = Kept(slugs, Parts(self.each(kind, entries, make)))
        elif kept.stale or place is not None:
            parts = kept.parts
            edited = set()
            for i in kept.stale:
                made = self.each(kind, [entries[i]], make)[0]
                if made is not parts[i]:
                    parts[i] = made
                    edited.add(i)
            kept.stale = set()
            if edited or place is not None:
                run = parts.made.get(Run)
                parts.made.clear()
                if run is not None:  # what is known of its other fragments still holds
                    parts.made[Run] = run.edited(parts, edited, place)
        return kept.parts

    def keep(self, kind: tuple, made: list[tuple[Entry, Any]]) -> None:
        """Keep what another process made of entries, as if made here."""
        cache = self._made.setdefault(kind, {})
        cache.update((entry.slug, (entry, rendering)) for entry, rendering in made)

    def kept(self, kind: tuple) -> dict[str, Any]:
        """What is kept of one kind of thing, by slug: ("card",) for cards,
        ("record", "search", None) for search records, ..."""
        return {slug: made for slug, (_, made) in self._made.get(kind, {}).items()}

    def lists_kept(self) -> int:
        """How many long lists are kept whole."""
        return len(self._lists)

    def forget(self, edited: Callable[[tuple], set[str]]) -> None:
        """Drop what was made of the entries `edited(kind)` names for each kind,
        and mark them to be made again in the long lists."""
        for kind, cache in self._made.items():
            forgotten = self._forgotten.setdefault(kind, {})
            for slug in edited(kind):
                if slug in cache:
                    forgotten[slug] = cache.pop(slug)[1]
        for name, kept in self._lists.items():
            kept.stale.update(kept.at[slug] for slug in edited(name[0]) if slug in kept.at)

    def index(self) -> None:
        """Work out now where each entry sits in the long lists (see `Kept.at`)."""
        for kept in self._lists.values():
            kept.at  # noqa: B018

    def forget_pages(self, urls: set[str]) -> None:
        """Stop keeping the long lists of the pages at `urls` (names: (kind, url, n))."""
        for name in [name for name in self._lists if name[1] in urls]:
            del self._lists[name]


def _text(rendering: Fragment | str) -> str:
    return rendering.html if isinstance(rendering, Fragment) else rendering


class Rendered:
    """One rendered page: the text its template wrote, and the fragments output
    in between, in order (`chunks[0]`, `pieces[0]`, `chunks[1]`, ...)."""

    def __init__(self, chunks: list[str], pieces: list[Fragment | Run] | None = None) -> None:
        self.chunks = chunks
        self.pieces = pieces or []

    @functools.cached_property
    def html(self) -> str:
        return "".join(self._interleaved(self.chunks, [p.html for p in self.pieces]))

    def encoded(self) -> list[bytes]:
        """The page as UTF-8, in parts: written and hashed as they are, its many
        megabytes are never joined."""
        return self._interleaved([c.encode() for c in self.chunks],
                                 [p.html.encode() for p in self.pieces])

    def data(self) -> bytes:
        return b"".join(self.encoded())

    @staticmethod
    def _interleaved(chunks: list, pieces: list) -> list:
        parts = [chunks[0]]
        for piece, chunk in zip(pieces, chunks[1:], strict=True):
            parts += (piece, chunk)
        return parts

    def scan(self, path: str = "", index: LinkIndex | None = None) -> PageScan:
        """The ids and links of the page at `path`. The template's text is read;
        each fragment output between tags is not read again, and with a link
        `index`, its links to other pages are left out once they are known to
        work from pages this deep (links within the page are kept, once each).
        Anything unexpected (a fragment output inside a tag) and the page is
        read whole."""
        ids: set[str] = set()
        links: list[tuple[str, int, int]] = []
        depth = path.count("/")
        known = (index.token, depth) if index is not None else ()
        at = 0
        in_tag = False
        for chunk, piece in zip(self.chunks, [*self.pieces, None], strict=True):
            if chunk:
                found_ids, found_links = scan(chunk)
                ids |= found_ids
                links.extend((link, at + offset, 0) for link, offset, _ in found_links)
                opened, closed = chunk.rfind("<"), chunk.rfind(">")
                in_tag = opened > closed or (in_tag and opened == closed)
                at += len(chunk)
            if piece is None:
                break
            found = None if in_tag else piece.scanned(known, index, path, depth)
            if found is None:
                return scan(self.html)
            if found[0]:
                ids |= found[0]
            if found[1]:
                links.extend((link, at + offset, 0) for link, offset, _ in found[1])
            at += len(piece.html)
        return ids, links
