"""Stage 5: render pages through Jinja (autoescape on, StrictUndefined).

Content reaches templates only as data: Jinja never compiles content text, so
`{{ }}` in an entry is shown as written. Markdown bodies are rendered per page
so `[[slug]]` links are relative to the page that shows them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
import json
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from legwork import structured
from legwork.links import Links
from legwork.markdown import MarkdownBodies
from legwork.model import Entry, Exercise, Guide, frequency
from legwork.pages import TAXONOMIES, Page
from legwork.urls import absolute_path, absolute_url, public_url, relative_url, root_prefix


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
        self.env.globals.update(taxonomies=TAXONOMIES, markdown=self.markdown,
                                absolute_url=self.absolute_url, qr_code=qr_code, card=self.card,
                                body_map=self.body_map, body_map_sprite=self.body_map_sprite,
                                site_root=site_root, json_records=self.json_records,
                                item=self.item)
        self.guide: Guide | None = None
        self.forget()

    def bind(self, guide: Guide, links: Links, bodies: MarkdownBodies) -> Renderer:
        """Render pages of this guide from now on (and re-read the template data)."""
        self.links = links
        self.bodies = bodies
        data = self.template_data()
        if (getattr(self, "guide", None) is None or guide.config != self.guide.config
                or guide.vocabularies != self.guide.vocabularies
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
            self._maps[key] = Markup(module.body_map(list(primary), list(secondary), mode,
                                                     label, uid))
        return self._maps[key]

    @jinja2.pass_context
    def item(self, context: Any, name: str, entry: Entry, *args: Any) -> Markup:
        """An entry as a list item: macro `name` of `_items.html`, rendered once per
        entry and page depth and reused by every list that shows the entry."""
        page: Page = context["page"]
        depth = page.url.count("/")

        def make() -> Markup:
            where = (depth, page.absolute_links)
            if where not in self._item_modules:
                stand_in = Page("x/" * depth, page.template, page.title,
                                absolute_links=page.absolute_links)
                self._item_modules[where] = self.env.get_template(
                    "_items.html").make_module({"page": stand_in})
            return Markup(getattr(self._item_modules[where], name)(entry, *args))

        return self._per_entry(("item", name, args, depth, page.absolute_links), entry, make)

    def body_map_sprite(self) -> Markup:
        """The shapes every body map on a page refers to; emit once per page."""
        if "sprite" not in self._maps:
            module = self.env.get_template("_bodymap.html").make_module()
            self._maps["sprite"] = Markup(module.body_map_sprite())
        return self._maps["sprite"]

    def card(self, exercise: Exercise) -> Markup:
        """The printable card of `exercise`, rendered once and reused by every deck.

        A card holds no relative links, so it is the same on every page.
        """
        def make() -> Markup:
            module = self.env.get_template("_card.html").make_module()
            return Markup(module.exercise_card(exercise))

        return self._per_entry(("card",), exercise, make)

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

        parts = [self._per_entry(("record", kind, indent), entry, lambda: make(entry))
                 for entry in entries]
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
        self._maps: dict[tuple, Markup] = {}
        self._entries: dict[tuple, dict[str, tuple[Entry, Any]]] = {}
        """What `_per_entry` keeps: kind of thing -> slug -> (entry, its rendering)."""
        self._item_modules: dict[tuple, Any] = {}

    def _per_entry(self, kind: tuple, entry: Entry, make: Callable[[], Any]) -> Any:
        """The `kind` of rendering of `entry` (a card, a list item, a record), made once
        and kept while the entry object stays the same."""
        cache = self._entries.setdefault(kind, {})
        hit = cache.get(entry.slug)
        if hit is None or hit[0] is not entry:
            hit = cache[entry.slug] = (entry, make())
        return hit[1]

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
        template = self.env.get_template(page.template)
        return template.render(page=page, **page.variables()).encode("utf-8")

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
