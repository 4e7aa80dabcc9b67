"""The internal link check run on the rendered output before it is written.

Every `href` and `src` that stays inside the site must name a file that the
build writes (a directory URL names its `index.html`), and every `#fragment`
an `id` on that page. A broken link is a build error naming the page.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from legwork.errors import ErrorLog


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in ("href", "src") and value is not None:
                line, column = self.getpos()
                self.links.append((value, line, column + 1))


def scan(html: str) -> tuple[set[str], list[tuple[str, int, int]]]:
    """The ids and the (url, line, column) links of one HTML page."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.ids, collector.links


def resolve(link: str, page_path: str) -> tuple[str, str] | None:
    """(file path, fragment) of an internal link, or None when it leaves the site."""
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


def check_links(outputs: dict[str, bytes], other_files: set[str], out_name: str,
                log: ErrorLog) -> None:
    """Check every internal link of the HTML `outputs`; other files may be targets too."""
    scanned = {path: scan(data.decode("utf-8")) for path, data in outputs.items()
               if path.endswith(".html") and path != "404.html"}
    for page_path, (_, page_links) in sorted(scanned.items()):
        for link, line, column in page_links:
            target = resolve(link, page_path)
            if target is None:
                continue
            path, fragment = target
            shown = f"{out_name}/{page_path}"
            if path.startswith("..") or (path not in outputs and path not in other_files):
                log.add(shown, line, column, f"broken link '{link}': no page or file at "
                        f"{path}; fix the template or the link")
            elif fragment and path in scanned and fragment not in scanned[path][0]:
                log.add(shown, line, column, f"broken link '{link}': {path} has no "
                        f"id '{fragment}'")
