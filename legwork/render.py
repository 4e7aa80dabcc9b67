"""Stage 5: render pages through Jinja (autoescape on, StrictUndefined).

Content reaches templates only as data: Jinja never compiles content text, so
`{{ }}` in an entry is shown as written. Markdown bodies are rendered per page
so `[[slug]]` links are relative to the page that shows them.

Pieces that many pages share (cards, list items, body maps) are fragments,
rendered once (`legwork.fragments`). A template outputs a mark where a page
shows a fragment or a run of them (a list), and the page is kept as its own
text and those pieces. A long-running process keeps long lists whole between
edits and makes again only the items of the entries edited.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from legwork import registry, structured
from legwork.fragments import EntryFragments, Fragment, Parts, Rendered, Run
from legwork.links import Links
from legwork.markdown import MarkdownBodies
from legwork.model import Entry, Exercise, Guide, frequency, same_vocabularies
from legwork.page import Page, Resolved
from legwork.urls import absolute_path, absolute_url, public_url, relative_url, root_prefix

LONG = 64
"""Lists of entries at least this long (most deck pages, the lists of a term)
are kept whole between renders once `Renderer.keep_lists` is set, so that
showing one again costs nothing per entry (see `Renderer._per_entry`)."""


PARTIALS = ("_items.html", "_card.html", "_bodymap.html")
"""Templates of the fragments the renderer makes itself (`items`, `cards`,
`body_map`): no template names them, and any page may show them."""


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
        self._page: tuple[str, list[int]] | None = None
        """The URL of the page being rendered, and how many long lists it showed."""
        self.env.globals.update(registry=registry, markdown=self.markdown,
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

    def bind(self, guide: Guide, links: Links, bodies: MarkdownBodies,
             templates_changed: bool = True) -> Renderer:
        """Render pages of this guide from now on; the template data is read again
        unless the caller knows no template file changed."""
        self.links = links
        self.bodies = bodies
        data = self.template_data() if templates_changed else {}
        if (self.guide is None or guide.config != self.guide.config
                or not same_vocabularies(guide.vocabularies, self.guide.vocabularies)
                or data != {k: self.env.globals.get(k) for k in data}):
            self.forget()  # everything a card, map or record shows may differ
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
        by_slug = {exercise.slug: exercise for exercise in self.guide.exercises}
        self.fragments.keep(("card",), [(by_slug[slug], Fragment(html))
                                        for slug, html in zip(slugs, cards, strict=True)])

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
        url = public_url(entry.url, self.guide.config.base_url)
        return {**registry.type_of(entry).record(entry, url), **registry.term_fields(entry)}

    def _title(self, slug: str) -> str:
        target = self.links.entries.get(slug)
        return target.title if target else slug

    def forget(self) -> None:
        """Drop every cached card, map, item and record (their templates changed)."""
        self._maps: dict[tuple, Fragment] = {}
        """Body maps by what they show and the depth of the page."""
        self.fragments = EntryFragments()
        self._item_modules: dict[tuple, Any] = {}
        """`_items.html` made into a module for pages of each depth."""

    def _per_entry(self, kind: tuple, entries: list[Entry], make: Callable[[Any], Any]) -> Parts:
        """The `kind` of rendering of each of `entries` (a card, a list item, a record),
        made once by `make(entry)` and kept while the entry stays the same; a long
        list is kept whole, by the page that shows it and its place there (see
        `EntryFragments`)."""
        if len(entries) < LONG or not self.keep_lists or self._page is None:
            return Parts(self.fragments.each(kind, entries, make))
        url, shown = self._page
        shown[0] += 1
        slugs = entries.slugs if isinstance(entries, Resolved) else list(map(_slug, entries))
        return self.fragments.listed((kind, url, shown[0]), entries, slugs, make)

    def forget_entries(self, slugs: set[str], before: Links | None = None) -> None:
        """Drop what is kept of entries that were edited, and the search records
        that show their titles (those of the entries linking to them, now or
        `before` the edit)."""
        linking = {e.slug for links in (self.links, before) if links is not None
                   for slug in slugs for e in links.backlinks.get(slug, [])}
        self.fragments.forget(lambda kind: slugs | linking
                              if kind[:2] == ("record", "search") else slugs)

    def index_lists(self) -> None:
        """Work out now what an edit will look up in the long lists kept, rather
        than in the next rebuild."""
        self.fragments.index()

    def forget_pages(self, urls: set[str]) -> None:
        """Stop keeping the long lists of pages that are gone."""
        self.fragments.forget_pages(urls)

    def load_templates(self) -> None:
        """Load every template now, so forked workers inherit them compiled."""
        for name in self.env.list_templates(filter_func=lambda n: not is_data(n)):
            self.env.get_template(name)

    def dependencies(self, name: str) -> set[str]:
        """`name` and every template it extends, includes or imports, with the
        partials the renderer loads itself for any page (`PARTIALS`)."""
        found, todo = {p.name for p in self.templates.glob("*.json")}, [name, *PARTIALS]
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
        variables = page.variables(self.links.entries)
        self._output = pieces = []
        self._page = (page.url, [0])
        try:
            text = template.render(page=page, **variables)
        finally:
            self._output = None
            self._page = None
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


_slug = operator.attrgetter("slug")


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
