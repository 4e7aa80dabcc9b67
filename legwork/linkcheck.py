"""The internal link check run on the rendered output before it is written.

Every `href` and `src` that stays inside the site must name a file that the
build writes (a directory URL names its `index.html`), and every `#fragment`
an `id` on that page. A broken link is a build error naming the page.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Callable
from html import unescape
from typing import Any
from urllib.parse import unquote, urlsplit

from legwork.errors import ErrorLog

ATTRIBUTE_RE = re.compile(r"""\s(href|src|id)=(?:"([^"]*)"|'([^']*)')""")

PageScan = tuple[set[str], list[tuple[str, int, int]]]
"""The ids of a page, and its links as (url, offset, 0)."""


def checked(path: str) -> bool:
    """Whether the links of an output file are checked: HTML pages, except 404.html,
    whose links are absolute because it is served at any depth."""
    return path.endswith(".html") and path != "404.html"


def scan(html: str, start: int = 0, end: int | None = None, ids: set[str] | None = None,
         found: list[tuple[str, int, int]] | None = None) -> PageScan:
    """The ids and the (url, offset, 0) links of one page, or of `html[start:end]`
    added to `ids` and `found`.

    Pages come from our own templates, where every attribute is quoted and
    content text is escaped, so a scan of attributes finds them all.
    """
    ids = set() if ids is None else ids
    found = [] if found is None else found
    for match in ATTRIBUTE_RE.finditer(html, start, len(html) if end is None else end):
        value = match[2] if match[2] is not None else match[3]
        if "&" in value:
            value = unescape(value)
        if match[1] == "id":
            ids.add(value)
        else:
            found.append((value, match.start(), 0))
    return ids, found


def position(html: str, offset: int) -> tuple[int, int]:
    """1-based line and column of the tag holding `offset`."""
    tag = html.rfind("<", 0, offset)
    line_start = html.rfind("\n", 0, tag) + 1
    return html.count("\n", 0, tag) + 1, tag - line_start + 1


def resolve(link: str, page_path: str) -> tuple[str, str] | None:
    """(file path, fragment) of an internal link, or None when it leaves the site."""
    depth = page_path.count("/")
    if link.startswith("../" * depth) and not link.startswith("../" * (depth + 1)) \
            and not link.startswith("/") and ":" not in link and "%" not in link:
        # The common case: a link that climbs to the site root, then names a path.
        rest, _, fragment = link[3 * depth:].partition("#")
        if not rest or rest.endswith("/"):
            rest += "index.html"
        if "/./" not in "/" + rest and "/../" not in "/" + rest:
            return rest, fragment
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("/"):
        return None
    if not parts.path:
        return page_path, parts.fragment
    base = posixpath.dirname(page_path)
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    if parts.path.endswith("/") or path == ".":
        path = posixpath.join(path, "index.html") if path != "." else "index.html"
    return path, parts.fragment


_tokens = itertools.count(1)


class LinkIndex:
    """What a link may point at: the output paths and the ids on each page.

    A full build fills it once; a rebuild updates the pages it re-rendered and
    checks only their links.
    """

    def __init__(self, files: set[str]) -> None:
        self.files = set(files)
        self.ids: dict[str, set[str]] = {}
        self._resolved: dict[tuple[int | str, str], tuple[str, str] | None] = {}
        self.token = next(_tokens)
        """Stands for this index (these files) on fragments whose links it checked;
        an index of the same files (`updated`) has the same."""

    def check(self, pages: dict[str, str], out_name: str, log: ErrorLog) -> None:
        """Record the ids of `pages` (path -> HTML), then check their links."""
        self.check_scanned({path: scan(html) for path, html in pages.items()},
                           pages.__getitem__, out_name, log)

    def check_scanned(self, scanned: dict[str, PageScan], html: Callable[[str], str],
                      out_name: str, log: ErrorLog) -> None:
        """The same for pages already scanned; `html` gives a page's HTML when
        a broken link must be located in it."""
        for path, (ids, _) in scanned.items():
            self.ids[path] = ids
        for page_path, (_, page_links) in sorted(scanned.items()):
            fine: set[str] = set()  # an index page repeats the same term links
            for link, offset, _ in page_links:
                if link in fine:
                    continue
                problem = self.problem(link, page_path)
                if problem:
                    line, column = position(html(page_path), offset)
                    log.add(f"{out_name}/{page_path}", line, column, problem)
                else:
                    fine.add(link)

    def fine_elsewhere(self, fragment: Any, links: list[tuple[str, int, int]], path: str,
                       depth: int) -> bool:
        """Whether every link of a shared fragment to another page or file works
        from the page at `path`. The answer is kept on the fragment for every page
        as deep, when those links all climb to the site root first and name no #id."""
        if fragment.fine((self.token, depth)):
            return True
        elsewhere = [link for link, _, _ in links if not link.startswith("#")]
        if any(self.problem(link, path) for link in set(elsewhere)):
            return False
        up = "../" * depth
        if all(link.startswith(up) and "#" not in link for link in elsewhere):
            fragment.mark_fine((self.token, depth))
            return True
        return False

    def updated(self, files: set[str]) -> LinkIndex:
        """An index of `files` that keeps what this one worked out about links
        (and, for the same files, which fragments' links work)."""
        index = LinkIndex(files)
        index._resolved = self._resolved
        if index.files == self.files:
            index.token = self.token
        return index

    def problem(self, link: str, page_path: str) -> str:
        """Why `link` on `page_path` is broken, or "" when it is fine or external."""
        if link.startswith("#"):
            target = (page_path, link[1:])
        else:
            depth = page_path.count("/")
            # A link that first climbs to the site root means the same from every
            # page as deep; any other, from every page in the same folder.
            where = depth if link.startswith("../" * depth) else page_path.rpartition("/")[0]
            key = (where, link)
            target = self._resolved.get(key, False)
            if target is False:
                target = self._resolved[key] = resolve(link, page_path)
        if target is None:
            return ""
        path, fragment = target
        if path.startswith("..") or path not in self.files:
            return f"broken link '{link}': no page or file at {path}; fix the template or the link"
        if fragment and path in self.ids and fragment not in self.ids[path]:
            return f"broken link '{link}': {path} has no id '{fragment}'"
        return ""
