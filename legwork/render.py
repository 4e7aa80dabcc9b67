"""Stage 5: render pages through Jinja (autoescape on, StrictUndefined).

Content reaches templates only as data: Jinja never compiles content text, so
`{{ }}` in an entry is shown as written. Markdown bodies are rendered per page
so `[[slug]]` links are relative to the page that shows them.

Pieces that many pages share (cards, list items, body maps) are fragments,
rendered once. A page remembers the fragments it output, so the link check
reads each fragment once, not once per page showing it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
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

    __slots__ = ("html", "whole", "_scan", "_within", "fine")

    def __init__(self, html: str) -> None:
        self.html = html
        self.whole = html.lstrip()[:1] in ("<", "") and html.rfind("<") <= html.rfind(">")
        """Whether it starts and ends outside a tag, so a scan of it alone finds
        what a scan of a page holding it would."""
        self._scan: PageScan | None = None
        self._within: list[tuple[str, int, int]] | None = None
        self.fine: tuple[object, int] | None = None
        """(link index, page depth) for which every link in it to another page or
        file is known to work."""

    def scan(self) -> PageScan:
        if self._scan is None:
            self._scan = scan(self.html)
        return self._scan

    def within(self) -> list[tuple[str, int, int]]:
        """Its links to ids of the page holding it ("#..."), each once."""
        if self._within is None:
            first: dict[str, tuple[str, int, int]] = {}
            for found in self.scan()[1]:
                if found[0].startswith("#"):
                    first.setdefault(found[0], found)
            self._within = list(first.values())
        return self._within


class Run:
    """Fragments output one after another by one call (a list, a deck of cards)."""

    __slots__ = ("html", "fragments")

    def __init__(self, fragments: list[Fragment]) -> None:
        self.fragments = fragments
        self.html = "".join([fragment.html for fragment in fragments])


SMALL = 512
"""Fragments shorter than this are read with the page: finding them costs more."""


def find(html: str, text: str, start: int) -> int:
    """`html.find(text, start)`, for a long `text` usually found soon: `str.find`
    first studies all of `text` (megabytes, for a list), comparing it costs less."""
    head = text[:SMALL]
    at = html.find(head, start)
    while at >= 0 and not html.startswith(text, at):
        at = html.find(head, at + 1)
    return at


class Rendered:
    """One rendered page, and the fragments it output, in order."""

    def __init__(self, html: str, fragments: list[Fragment | Run] | None = None) -> None:
        self.html = html
        self.fragments = fragments or []

    def scan(self, path: str = "", index: LinkIndex | None = None) -> PageScan:
        """The ids and links of the page at `path`. The text between fragments is
        read; each fragment found there byte for byte, between tags, is not read
        again, and with a link `index`, its links to other pages are left out once
        they are known to work from pages this deep (links within the page are
        kept, once each). Anything unexpected (a fragment changed by a filter, or
        not output at all) and the page is read whole."""
        html = self.html
        ids: set[str] = set()
        links: list[tuple[str, int, int]] = []
        depth = path.count("/")
        known = (index.token, depth) if index is not None else ()
        start = 0
        for piece in self.fragments:
            if len(piece.html) < SMALL:
                continue
            at = find(html, piece.html, start)
            if at < 0 or html.rfind("<", 0, at) > html.rfind(">", 0, at):
                return scan(html)
            scan(html, start, at, ids, links)
            start = at + len(piece.html)
            for fragment in piece.fragments if isinstance(piece, Run) else (piece,):
                if fragment.fine == known:
                    fragment_ids, fragment_links = fragment.scan()[0], fragment.within()
                else:
                    if not fragment.whole:
                        return scan(html)
                    fragment_ids, fragment_links = fragment.scan()
                    if index is not None and index.fine_elsewhere(fragment, fragment_links,
                                                                  path, depth):
                        fragment_links = fragment.within()
                if fragment_ids:
                    ids |= fragment_ids
                if fragment_links:
                    links.extend((link, at + offset, 0) for link, offset, _ in fragment_links)
                at += len(fragment.html)
        scan(html, start, len(html), ids, links)
        return ids, links


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
        self.guide = guide
        self.env.globals.update(site=guide.config, guide=guide, **data)
        return self

    @jinja2.pass_context
    def body_map(self, context: Any, primary: list = (), secondary: list = (),
                 mode: str = "exercise", label: str = "Muscles worked",
                 uid: str = "bm") -> Markup:
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
    def items(self, context: Any, name: str, entries: list[Entry], *args: Any) -> Markup:
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

    def body_map_sprite(self) -> Markup:
        """The shapes every body map on a page refers to; emit once per page."""
        if "sprite" not in self._maps:
            module = self.env.get_template("_bodymap.html").make_module()
            self._maps["sprite"] = self._make(module.body_map_sprite)
        return self._place(self._maps["sprite"])

    def card(self, exercise: Exercise) -> Markup:
        """The printable card of `exercise`, rendered once and reused by every deck.

        A card holds no relative links, so it is the same on every page.
        """
        return self.cards([exercise])

    def cards(self, exercises: list[Exercise]) -> Markup:
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

    def _place(self, fragment: Fragment) -> Markup:
        """`fragment` as output, remembered by the page being rendered."""
        if self._output is not None:
            self._output.append(fragment)
        return Markup(fragment.html)

    def _place_all(self, fragments: list[Fragment]) -> Markup:
        """`fragments` output one after another, remembered as one run."""
        if len(fragments) == 1:
            return self._place(fragments[0])
        run = Run(fragments)
        if self._output is not None:
            self._output.append(run)
        return Markup(run.html)

    def template_data(self) -> dict[str, Any]:
        """`templates/*.json`: drawing data for templates, e.g. the body map's shapes."""
        return {path.stem: json.loads(path.read_text(encoding="utf-8"))
                for path in sorted(self.templates.glob("*.json")) if is_data(path.name)}

    def json_records(self, kind: str, entries: list[Entry], indent: int | None = None) -> Markup:
        """A JSON array of one record per entry, as Jinja's `tojson` would write it.

        `kind` names the record: "search" for the search index, else the data file
        ("exercises", "tips", "plans"). Each record is made once and kept while its
        entry stays the same, so after an edit only that entry's record is made again.
        """
        pad = "\n" + " " * (indent or 0)

        def make(entry: Entry) -> str:
            text = str(htmlsafe_json_dumps(self._record(kind, entry), dumps=json.dumps,
                                           sort_keys=True, indent=indent))
            # Indented, each record sits one level deeper inside the array.
            return text.replace("\n", pad) if indent else text

        parts = self._per_entry(("record", kind, indent), entries, make)
        if not parts:
            return Markup("[]")
        if indent is None:
            return Markup("[" + ", ".join(parts) + "]")
        return Markup("[" + pad + ("," + pad).join(parts) + "\n]")

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
        self._item_modules: dict[tuple, Any] = {}

    def _per_entry(self, kind: tuple, entries: list[Entry], make: Callable[[Any], Any]) -> list:
        """The `kind` of rendering of each of `entries` (a card, a list item, a record),
        made once by `make(entry)` and kept while the entry object stays the same."""
        cache = self._entries.setdefault(kind, {})
        found = []
        for entry in entries:
            hit = cache.get(entry.slug)
            if hit is None or hit[0] is not entry:
                hit = cache[entry.slug] = (entry, make(entry))
            found.append(hit[1])
        return found

    def forget_entries(self, slugs: set[str]) -> None:
        """Drop what is cached for entries that were edited in place, and the search
        records that show their titles (those of the entries linking to them)."""
        linking = {e.slug for slug in slugs for e in self.links.backlinks.get(slug, [])}
        for kind, cache in self._entries.items():
            for slug in slugs | linking if kind[:2] == ("record", "search") else slugs:
                cache.pop(slug, None)

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
        return self.render_page(page).html.encode("utf-8")

    def render_page(self, page: Page) -> Rendered:
        """One page, with the fragments it output."""
        template = self.env.get_template(page.template)
        self._output = []
        try:
            html = template.render(page=page, **page.variables())
            return Rendered(html, self._output)
        finally:
            self._output = None

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


def is_data(name: str) -> bool:
    """Whether a file of `templates/` is drawing data rather than a template:
    JSON files are, except `data.json`, the template of the data files."""
    return name.endswith(".json") and name != "data.json"


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates, in a private folder of the system's
    temporary folder; keyed by each template's source, so an edit is always seen.
    Compiling every template takes a third of a small guide's build."""
    try:
        return jinja2.FileSystemBytecodeCache()
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
    return _link(context["page"], url, context["site"].base_url)
