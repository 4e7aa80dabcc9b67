"""Markdown to HTML with markdown-it-py: raw HTML off, safe links, `[[slug]]` links.

`[[slug]]` and `[[slug|text]]` become `wikilink` tokens when a body is rendered.
The link stage finds references with a light scan that skips code as
CommonMark does (`find_wikilinks`), so bodies are parsed in full only once,
on the page that shows them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup, escape

from legwork.model import Entry, Ref

WIKILINK_RE = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
SAFE_SCHEMES = ("http:", "https:", "mailto:")
SCHEME_RE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")

Resolver = Callable[[str], tuple[str, str] | None]
"""slug -> (relative href, title) for the page being rendered; None if unknown."""


def safe_link(url: str) -> bool:
    """Only http, https, mailto and scheme-less (relative) URLs are kept."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    match = SCHEME_RE.match(cleaned)
    return match is None or (match[1].lower() + ":") in SAFE_SCHEMES


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = WIKILINK_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"slug": match[1].strip(), "text": (match[2] or "").strip()}
        token.content = match[0]
    state.pos = match.end()
    return True


def _render_wikilink(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    meta = tokens[idx].meta
    resolved = env["resolve"](meta["slug"])
    if resolved is None:  # not a checked reference: show the text as written
        return str(escape(tokens[idx].content))
    href, title = resolved
    return f'<a href="{escape(href)}">{escape(meta["text"] or title)}</a>'


def make_parser() -> MarkdownIt:
    """The one Markdown parser: CommonMark plus tables, no raw HTML."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    # With raw HTML off these rules never match; left in, they are tried on every line.
    md.disable(["html_block", "html_inline"])
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    md.validateLink = safe_link
    return md


class MarkdownBodies:
    """Finds the `[[slug]]` references of entry bodies and renders bodies to HTML.

    References come from a light scan (`find_wikilinks`); a body is parsed in
    full only on the one page that shows it.
    """

    def __init__(self) -> None:
        self.md = make_parser()
        self._found: dict[str, list[tuple[str, int, int]]] = {}
        """Body -> its references, so a rebuild does not scan unchanged bodies again."""
        self.keep = False
        """Keep each entry's body as HTML (the dev server does, as it renders the same
        pages again after edits): shown again, it is not parsed again."""
        self._html: dict[str, tuple[str, tuple[tuple[str, Any], ...], Markup]] = {}
        """Slug -> (body, what `resolve` gave for each of its links, in order, HTML)."""

    def tokens(self, entry: Entry) -> list[Token]:
        """The parsed body of `entry`."""
        return self.md.parse(entry.body, {})

    def references(self, entry: Entry) -> list[Ref]:
        """Every `[[slug]]` in the body, with its line and column in the file."""
        found = self._found.get(entry.body)
        if found is None:
            found = self._found[entry.body] = find_wikilinks(entry.body)
        return [Ref(slug, entry.path, entry.body_line + line, column + 1)
                for slug, line, column in found]

    def render(self, entry: Entry, resolve: Resolver) -> Markup:
        """The body as HTML, with `[[slug]]` links made relative by `resolve`.

        A body kept (see `keep`) is shown as it was while it reads the same and
        `resolve` gives what it gave for each of its links: that is all its HTML
        depends on, so a linked entry's new title is always seen."""
        kept = self._html.get(entry.slug) if self.keep else None
        if kept is not None and kept[0] == entry.body and all(
                resolve(slug) == resolved for slug, resolved in kept[1]):
            return kept[2]
        asked: list[tuple[str, Any]] = []

        def recorded(slug: str) -> tuple[str, str] | None:
            resolved = resolve(slug)
            asked.append((slug, resolved))
            return resolved

        html = Markup(self.md.renderer.render(self.tokens(entry), self.md.options,
                                              {"resolve": recorded if self.keep else resolve}))
        if self.keep:
            self._html[entry.slug] = (entry.body, tuple(asked), html)
        return html


FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LIST_RE = re.compile(r"^ {0,3}([-+*]|\d{1,9}[.)])( |$)")
CODE_SPAN_RE = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")


def find_wikilinks(body: str) -> list[tuple[str, int, int]]:
    """(slug, 0-based line, 0-based column) of each `[[slug]]` outside code.

    A light scan, far cheaper than a full parse: fenced and indented code
    blocks and inline code spans are skipped, as CommonMark would treat them.
    """
    found: list[tuple[str, int, int]] = []
    fence = ""
    previous_blank, in_list = True, False
    for number, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if match := FENCE_RE.match(line):
            fence = match[1][0] * 3
            continue
        if not stripped:
            previous_blank = True
            continue
        if LIST_RE.match(line):
            in_list = True
        elif not line.startswith((" ", "\t")):
            in_list = False
        indented_code = previous_blank and not in_list and line.startswith(("    ", "\t"))
        previous_blank = False
        if indented_code or "[[" not in line:
            continue
        visible = CODE_SPAN_RE.sub(lambda m: " " * len(m[0]), line)
        for match in WIKILINK_RE.finditer(visible):
            found.append((match[1].strip(), number, match.start()))
    return found
