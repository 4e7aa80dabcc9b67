"""Stage 5: render pages through Jinja (autoescape on, StrictUndefined).

Content reaches templates only as data: Jinja never compiles content text, so
`{{ }}` in an entry is shown as written. Markdown bodies are rendered per page
so `[[slug]]` links are relative to the page that shows them.

Pieces that many pages share (cards, list items, body maps) are fragments,
rendered once. A template outputs a mark where a page shows a fragment or a
run of them (a list); the page is kept as its own text and those pieces, so
the megabytes of a long list are never copied into it, and the link check
reads each fragment once, not once per page showing it. A long-running
process keeps long lists whole between edits and makes again only the items
of the entries edited.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import operator
import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from legwork import structured
from legwork.linkcheck import LinkIndex, PageScan, scan
from legwork.links import Links
from legwork.markdown import MarkdownBodies
from legwork.model import Entry, Exercise, Guide, frequency, same_vocabularies
from legwork.pages import TAXONOMIES, Page
from legwork.urls import absolute_path, absolute_url, public_url, relative_url, root_prefix


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
        self._fine_index: object = None
        self._fine_depths = 0
        """With the link index `_fine_index`: a bit for each page depth from which
        every link in it to another page or file is known to work (a card is
        shown on deck pages of several depths)."""

    def fine(self, known: tuple) -> bool:
        """Whether its links to other pages are known to work at `known`: (link
        index token, page depth)."""
        return bool(known) and self._fine_index is known[0] and bool(
            self._fine_depths >> known[1] & 1)

    def mark_fine(self, known: tuple) -> None:
        if self._fine_index is not known[0]:
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
        """Its own list: the `Parts` a run is made of keep the run (`Parts.made`), and
        a run holding them would make a reference cycle, which the dev server,
        having frozen what is alive (`gc.freeze`), would never free once let go."""
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
            if fragment._fine_index is token and fragment._fine_depths & bit and \
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


LONG = 64
"""Lists of entries at least this long (most deck pages, the lists of a term)
are kept whole between renders once `Renderer.keep_lists` is set, so that
showing one again costs nothing per entry (see `Renderer._per_entry`)."""


Reordering = tuple[Callable[[list], list], Callable[[int], int]]
"""How a list was put in a new order: a function that puts another list of as
many items (what was made of each entry) in the same order, and one that gives
each old position's new one."""


class Kept:
    """A long list of entries and what `_per_entry` made of it."""

    __slots__ = ("source", "entries", "parts", "_at", "stale")

    def __init__(self, entries: list[Entry], parts: Parts) -> None:
        self.source = entries
        """The list itself (so that no other list takes its id while kept)..."""
        self.entries = list(entries)
        """...and a copy, to tell whether it still holds the same entries."""
        self.parts = parts
        self._at: dict[str, int] | None = None
        self.stale: set[int] = set()
        """Positions of entries edited in place since `parts` was made."""

    @property
    def at(self) -> dict[str, int]:
        """Slug -> position of each entry: worked out when first needed, which
        `Renderer.index_lists` brings forward to a quiet moment."""
        if self._at is None:
            self._at = {entry.slug: i for i, entry in enumerate(self.entries)}
        return self._at

    def holds(self, entries: list[Entry]) -> bool:
        # Compares the entries by identity first: quick when they are the same.
        return entries is self.source and entries == self.entries

    def follow(self, entries: list[Entry]) -> Callable[[int], int] | None:
        """Take in that `entries`, the list kept, was sorted anew (an edit moved
        entries): its parts and stale positions are put in the new order, and a
        function returned that gives each old position's new one. None when it
        holds other entries."""
        if entries is not self.source or len(entries) != len(self.entries):
            return None
        ids = list(map(id, entries))
        was = list(map(id, self.entries))
        found = self._stale_moved(ids, was) or self._reordered(ids, was)
        if found is None:
            return None
        order, place = found
        parts = Parts(order(self.parts))
        if Run in self.parts.made:  # what is known of it still holds, in the new order
            parts.made[Run] = self.parts.made[Run]
        self.parts, self.entries = parts, list(entries)
        self.stale = {place(i) for i in self.stale}
        self._at = None
        return place

    def _stale_moved(self, ids: list[int], was: list[int]) -> Reordering | None:
        """When only entries edited since (`stale`) changed places: the parts in
        the new order, and each old position's new one. Quick for a long
        list: the search for each moved entry and the comparison of the rest run
        in C, and only the moved positions are looked at in Python."""
        if not self.stale:
            return None
        moves = []  # (new position, old position) of each stale entry
        for old in self.stale:
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

    @staticmethod
    def _reordered(ids: list[int], was: list[int]) -> Reordering | None:
        """Any new order of the same entries (`ids` now, `was` before, by id())."""
        at = {entry: i for i, entry in enumerate(was)}
        order = [at.get(entry, -1) for entry in ids]
        if len(at) != len(order) or -1 in order or len(set(order)) != len(order):
            return None
        place = [0] * len(order)
        for new, old in enumerate(order):
            place[old] = new
        return (lambda parts: [parts[old] for old in order]), place.__getitem__


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


class Mark:
    """Stands for a piece of a page in its template: output as is (`{{ }}`), it
    leaves a mark for `Renderer.render_page` to find; used any other way (a
    filter, `~`), it is the piece's text, and leaves no mark."""

    __slots__ = ("mark", "html")

    def __init__(self, mark: str, html: str) -> None:
        self.mark = mark
        self.html = html

    def __html__(self) -> Markup:
        return Markup(self.mark)

    def __str__(self) -> str:
        return self.html

    def __len__(self) -> int:
        return len(self.html)


class Renderer:
    """Holds the compiled templates and renders one page at a time.

    The Jinja environment is made once and kept across rebuilds (it reloads a
    template whose file changed); `bind` points it at the current guide.
    """

    def __init__(self, templates: Path) -> None:
        self.templates = templates
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=_bytecode_cache(),
            finalize=_finalize,
        )
        self.env.filters["href"] = href
        self.env.filters["frequency"] = frequency
        self._output: list[Fragment | Run] | None = None
        """The fragments the page being rendered has output so far."""
        self.env.globals.update(taxonomies=TAXONOMIES, markdown=self.markdown,
                                absolute_url=self.absolute_url, qr_code=qr_code, card=self.card,
                                body_map=self.body_map, body_map_sprite=self.body_map_sprite,
                                site_root=site_root, json_records=self.json_records,
                                items=self.items, cards=self.cards)
        self.guide: Guide | None = None
        self._nonce = secrets.token_hex(8)
        """Marks where a page output a fragment (see `_place`)."""
        self.keep_lists = False
        """Keep long lists whole between renders (see `LONG`): worth it in a
        long-running process, which renders the same lists again after edits."""
        self.forget()

    def bind(self, guide: Guide, links: Links, bodies: MarkdownBodies) -> Renderer:
        """Render pages of this guide from now on (and re-read the template data)."""
        self.links = links
        self.bodies = bodies
        data = self.template_data()
        if (getattr(self, "guide", None) is None or guide.config != self.guide.config
                or not same_vocabularies(guide.vocabularies, self.guide.vocabularies)
                or data != {k: self.env.globals.get(k) for k in data}):
            self.forget()  # everything a card, map or record shows may differ
        elif guide is not self.guide:
            self._kept.clear()  # lists of the last guide
            self._forgotten.clear()
        self.guide = guide
        self.env.globals.update(site=guide.config, guide=guide, **data)
        return self

    @jinja2.pass_context
    def body_map(self, context: Any, primary: list = (), secondary: list = (),
                 mode: str = "exercise", label: str = "Muscles worked",
                 uid: str = "bm") -> Markup | Mark:
        """The body map, rendered once per combination of muscles, mode and page depth.

        Its links are relative, and relative links depend only on how deep the
        page sits, so pages at one depth share the same markup.
        """
        page: Page = context.get("page") or Page("", "", "")  # cards are page-independent
        depth = -1 if mode == "card" else page.url.count("/")
        key = (depth, page.absolute_links, tuple(t.slug for t in primary),
               tuple(t.slug for t in secondary), mode, label, uid)
        if key not in self._maps:
            stand_in = Page("x/" * max(depth, 0), page.template, page.title,
                            absolute_links=page.absolute_links)
            module = self.env.get_template("_bodymap.html").make_module({"page": stand_in})
            self._maps[key] = self._make(lambda: module.body_map(
                list(primary), list(secondary), mode, label, uid))
        return self._place(self._maps[key])

    @jinja2.pass_context
    def items(self, context: Any, name: str, entries: list[Entry], *args: Any) -> Markup | Mark:
        """Each of `entries` as a list item, one after another: macro `name` of
        `_items.html`, rendered once per entry and page depth and reused by every
        list that shows the entry."""
        page: Page = context["page"]
        depth = page.url.count("/")
        kind = ("item", name, args, depth, page.absolute_links)

        def make(entry: Entry) -> Fragment:
            where = (depth, page.absolute_links)
            if where not in self._item_modules:
                stand_in = Page("x/" * depth, page.template, page.title,
                                absolute_links=page.absolute_links)
                self._item_modules[where] = self.env.get_template(
                    "_items.html").make_module({"page": stand_in})
            return self._make(lambda: getattr(self._item_modules[where], name)(entry, *args))

        return self._place_all(self._per_entry(kind, entries, make))

    def body_map_sprite(self) -> Markup | Mark:
        """The shapes every body map on a page refers to; emit once per page."""
        if "sprite" not in self._maps:
            module = self.env.get_template("_bodymap.html").make_module()
            self._maps["sprite"] = self._make(module.body_map_sprite)
        return self._place(self._maps["sprite"])

    def card(self, exercise: Exercise) -> Markup | Mark:
        """The printable card of `exercise`, rendered once and reused by every deck.

        A card holds no relative links, so it is the same on every page.
        """
        return self.cards([exercise])

    def cards(self, exercises: list[Exercise]) -> Markup | Mark:
        """`card` for each of `exercises`, one after another."""
        return self._place_all(self._per_entry(("card",), exercises, self._make_card))

    def _make_card(self, exercise: Exercise) -> Fragment:
        module = self.env.get_template("_card.html").make_module()
        return self._make(lambda: module.exercise_card(exercise))

    def card_html(self, slugs: list[str]) -> list[str]:
        """The cards of the exercises `slugs`, as HTML (to hand to another process)."""
        by_slug = {exercise.slug: exercise for exercise in self.guide.exercises}
        return [fragment.html for fragment in self._per_entry(
            ("card",), [by_slug[slug] for slug in slugs], self._make_card)]

    def keep_cards(self, slugs: list[str], cards: list[str]) -> None:
        """Keep cards that another process rendered (`card_html`) as if made here."""
        cache = self._entries.setdefault(("card",), {})
        by_slug = {exercise.slug: exercise for exercise in self.guide.exercises}
        for slug, html in zip(slugs, cards, strict=True):
            cache[slug] = (by_slug[slug], Fragment(html))

    def _make(self, render: Callable[[], str]) -> Fragment:
        """A fragment (the fragments inside it are part of it, not of the page)."""
        output, self._output = self._output, None
        try:
            return Fragment(str(render()))
        finally:
            self._output = output

    def _place(self, piece: Fragment | Run) -> Markup | Mark:
        """`piece` as output. On a page, it is output as a mark that `render_page`
        finds and keeps apart, so that its text is never copied into the page's."""
        if self._output is None:
            return Markup(piece.html)
        self._output.append(piece)
        return Mark(f"\0{self._nonce}{len(self._output) - 1}\0", piece.html)

    def _place_all(self, fragments: Parts) -> Markup | Mark:
        """`fragments` output one after another, as one run."""
        if len(fragments) == 1:
            return self._place(fragments[0])
        run = fragments.made.get(Run)
        if run is None:
            run = fragments.made[Run] = Run(fragments)
        return self._place(run)

    def template_data(self) -> dict[str, Any]:
        """`templates/*.json`: drawing data for templates, e.g. the body map's shapes."""
        return {path.stem: json.loads(path.read_text(encoding="utf-8"))
                for path in sorted(self.templates.glob("*.json")) if is_data(path.name)}

    def json_records(self, kind: str, entries: list[Entry],
                     indent: int | None = None) -> Markup | Mark:
        """A JSON array of one record per entry, as Jinja's `tojson` would write it.

        `kind` names the record: "search" for the search index, else the data file
        ("exercises", "tips", "plans"). A long-running process (`keep_lists`) makes
        each record once and keeps it while its entry stays the same, so after an
        edit only that entry's record is made again.
        """
        pad = "\n" + " " * (indent or 0)

        def make(entry: Entry) -> str:
            text = str(htmlsafe_json_dumps(self._record(kind, entry), dumps=json.dumps,
                                           sort_keys=True, indent=indent))
            # Indented, each record sits one level deeper inside the array.
            return text.replace("\n", pad) if indent else text

        if self.keep_lists:
            parts = self._per_entry(("record", kind, indent), entries, make)
        else:  # a one-off build shows each record once, in one file: none is kept
            parts = Parts(list(map(make, entries)))
        array = parts.made.get("array")
        if array is None:
            opening, separator, closing = ("[", ", ", "]") if indent is None else \
                ("[" + pad, "," + pad, "\n]")
            # Joined once, with nothing added after: the array is megabytes long.
            items = list(parts) or [""]
            items[0] = opening + items[0]
            items[-1] += closing
            text = separator.join(items) if parts else "[]"
            array = parts.made["array"] = Fragment(text)
        return self._place(array)

    def _record(self, kind: str, entry: Entry) -> dict[str, Any]:
        if kind == "search":
            return structured.search_record(entry, self._title)
        return structured.RECORDS[kind](entry, public_url(entry.url, self.guide.config.base_url))

    def _title(self, slug: str) -> str:
        target = self.links.entries.get(slug)
        return target.title if target else slug

    def forget(self) -> None:
        """Drop every cached card, map, item and record (their templates changed)."""
        self._maps: dict[tuple, Fragment] = {}
        self._entries: dict[tuple, dict[str, tuple[Entry, Any]]] = {}
        """What `_per_entry` keeps: kind of thing -> slug -> (entry, its rendering)."""
        self._kept: dict[tuple, Kept] = {}
        """What `_per_entry` keeps of long lists: (kind, id of the list) -> its parts."""
        self._forgotten: dict[tuple, dict[str, Any]] = {}
        """What `forget_entries` dropped: kind -> slug -> rendering. Made again the
        same, the old rendering is kept, with what is known of its links."""
        self._item_modules: dict[tuple, Any] = {}

    def _per_entry(self, kind: tuple, entries: list[Entry], make: Callable[[Any], Any]) -> Parts:
        """The `kind` of rendering of each of `entries` (a card, a list item, a record),
        made once by `make(entry)` and kept while the entry object stays the same.
        A long list is kept whole: shown again, only its entries edited since are
        looked at."""
        if len(entries) < LONG or not self.keep_lists:
            return Parts(self._each(kind, entries, make))
        key = (kind, id(entries))
        kept = self._kept.get(key)
        place = None
        if kept is not None and not kept.holds(entries):
            place = kept.follow(entries)  # sorted anew, or else made again
            if place is None:
                kept = None
        if kept is None:
            kept = self._kept[key] = Kept(entries, Parts(self._each(kind, entries, make)))
        elif kept.stale or place is not None:
            parts = kept.parts
            edited = set()
            for i in kept.stale:
                made = self._each(kind, [entries[i]], make)[0]
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

    def _each(self, kind: tuple, entries: list[Entry], make: Callable[[Any], Any]) -> list:
        cache = self._entries.setdefault(kind, {})
        found = []
        for entry in entries:
            hit = cache.get(entry.slug)
            if hit is None or hit[0] is not entry:
                made = make(entry)
                before = self._forgotten.get(kind, {}).pop(entry.slug, None)
                if before is not None and _text(before) == _text(made):
                    made = before
                hit = cache[entry.slug] = (entry, made)
            found.append(hit[1])
        return found

    def forget_entries(self, slugs: set[str]) -> None:
        """Drop what is cached for entries that were edited in place, and the search
        records that show their titles (those of the entries linking to them)."""
        linking = {e.slug for slug in slugs for e in self.links.backlinks.get(slug, [])}

        def edited(kind: tuple) -> set[str]:
            return slugs | linking if kind[:2] == ("record", "search") else slugs

        for kind, cache in self._entries.items():
            forgotten = self._forgotten.setdefault(kind, {})
            for slug in edited(kind):
                if slug in cache:
                    forgotten[slug] = cache.pop(slug)[1]
        for (kind, _), kept in self._kept.items():
            kept.stale.update(kept.at[slug] for slug in edited(kind) if slug in kept.at)

    def index_lists(self) -> None:
        """Work out now what an edit will look up in the long lists kept (see
        `Kept.at`), rather than in the next rebuild."""
        for kept in self._kept.values():
            kept.at  # noqa: B018

    def forget_lists(self, pages: Iterable[Page]) -> None:
        """Stop keeping the long lists that `pages` show: planned again, the pages
        show new lists."""
        shown = {id(value) for page in pages for value in _lists(page.context)}
        for key in [key for key in self._kept if key[1] in shown]:
            del self._kept[key]

    def load_templates(self) -> None:
        """Load every template now, so forked workers inherit them compiled."""
        for name in self.env.list_templates(filter_func=lambda n: not is_data(n)):
            self.env.get_template(name)

    def dependencies(self, name: str) -> set[str]:
        """`name` and every template it extends, includes or imports."""
        found, todo = {p.name for p in self.templates.glob("*.json")}, [name]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.add(current)
            source, _, _ = self.env.loader.get_source(self.env, current)
            todo.extend(t for t in meta.find_referenced_templates(self.env.parse(source)) if t)
        return found

    def render(self, page: Page) -> bytes:
        """The bytes of one page."""
        return self.render_page(page).data()

    def render_page(self, page: Page) -> Rendered:
        """One page, with the fragments it output."""
        template = self.env.get_template(page.template)
        variables = page.variables()
        self._output = pieces = []
        try:
            text = template.render(page=page, **variables)
        finally:
            self._output = None
        # The text holds a mark where each piece was output: \0, a number used
        # once, the piece's position, \0. Content cannot guess the number.
        split = text.split("\0")
        marks = split[1::2]
        if len(split) == 2 * len(pieces) + 1 and all(
                mark == f"{self._nonce}{i}" for i, mark in enumerate(marks)):
            return Rendered(split[::2], pieces)
        # A mark was filtered, dropped or repeated, or the text holds \0 of its
        # own: the page is rendered again with every piece written out.
        return Rendered([template.render(page=page, **variables)])

    @jinja2.pass_context
    def markdown(self, context: Any, entry: Entry) -> Markup:
        """The body of `entry` as HTML for the page being rendered."""
        page: Page = context["page"]

        def resolve(slug: str) -> tuple[str, str] | None:
            target = self.links.entries.get(slug)
            if target is None:
                return None
            return _link(page, target.url, self.guide.config.base_url), target.title

        return self.bodies.render(entry, resolve)

    def absolute_url(self, target: str) -> str:
        """The public URL of a site URL, "" when there is no base URL."""
        return absolute_url(target, self.guide.config.base_url)


def _lists(value: Any, depth: int = 3) -> Iterator[list]:
    """The lists in a page's context value: the value itself, or lists it holds
    (e.g. the groups of a term page: (level, exercises) pairs), but not its entries."""
    if isinstance(value, list):
        yield value
        if not value or not isinstance(value[0], (list, tuple, dict)):
            return  # a list of entries
    if depth and isinstance(value, (list, tuple, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _lists(item, depth - 1)


def _text(rendering: Fragment | str) -> str:
    return rendering.html if isinstance(rendering, Fragment) else rendering


def _finalize(value: Any) -> Any:
    """What `{{ value }}` outputs: a piece's mark stays a mark in every template,
    escaped or not (see `Mark`)."""
    return value.__html__() if type(value) is Mark else value


def is_data(name: str) -> bool:
    """Whether a file of `templates/` is drawing data rather than a template:
    JSON files are, except `data.json`, the template of the data files."""
    return name.endswith(".json") and name != "data.json"


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates, in a private folder of the system's
    temporary folder; keyed by each template's source, so an edit is always seen,
    and by this module, which sets how templates compile (e.g. `finalize`).
    Compiling every template takes a third of a small guide's build."""
    engine = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()
    try:
        return jinja2.FileSystemBytecodeCache(pattern=f"__legwork_{engine}_%s.cache")
    except (OSError, RuntimeError):  # no private folder to be had: compile each time
        return None


def _link(page: Page, target: str, base_url: str) -> str:
    if page.absolute_links:
        return absolute_path(target, base_url)
    return relative_url(target, page.url)


@functools.lru_cache(maxsize=4096)
def qr_code(url: str) -> Markup:
    """An inline SVG QR code for `url`, black on white so it scans when printed.

    Cached: a card appears in several decks and on its exercise page.
    """
    import segno  # only sites with a base URL need it; it slows every start-up

    code = segno.make(url, error="m")
    label = escape(f"QR code for {url}")
    svg = code.svg_inline(scale=1, border=2, dark="#000", light="#fff", omitsize=True,
                          svgclass="qr")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


@jinja2.pass_context
def site_root(context: Any) -> str:
    """The site's root folder as seen from the current page ("../../", or "/REPO/" in 404)."""
    page: Page = context["page"]
    if page.absolute_links:
        return absolute_path("", context["site"].base_url)
    return root_prefix(page.url)


@jinja2.pass_context
def href(context: Any, target: Any) -> str:
    """A link to a site URL, or to an object with a `.url`, from the current page."""
    url = target if isinstance(target, str) else target.url
    page: Page = context["page"]
    if page.absolute_links:
        return absolute_path(url, context["site"].base_url)
    return relative_url(url, page.url)
