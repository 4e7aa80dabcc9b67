"""Site URLs: every page URL is relative to the site root and made relative to
the page that links to it, so one build works at a domain root, under a
sub-path and from disk.

Page URLs are directories ("exercises/squat/"); links to them name the file
("../squat/index.html"), because a browser opening the site from disk shows a
folder listing for a directory link. Canonical URLs, the sitemap and 404.html,
which only ever live on a web server, keep the directory form.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit


def output_path(url: str) -> str:
    """The file a URL is written to: directory URLs get `index.html`."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def relative_url(target: str, page: str) -> str:
    """`target` (site-root URL, may carry #fragment) as a link from the page at `page`:
    up from the page's folder to the first folder that holds the target, then down."""
    folder = page[:page.rfind("/") + 1]  # "exercises/lunge/"; "" for a page at the root
    if folder and not target.startswith(folder):
        # One folder up, the link is the same from every page there: kept for them all.
        return "../" + _from_folder(target, folder[:folder.rfind("/", 0, -1) + 1])
    return _from_folder(target, folder)


@functools.lru_cache(maxsize=1 << 12)
def _from_folder(target: str, folder: str) -> str:
    """`target` as a link from a page in `folder` (a path ending in "/", or "")."""
    path, hash_, fragment = target.partition("#")
    if path == "" or path.endswith("/"):
        path += "index.html"
    up = 0
    while folder and not path.startswith(folder):  # folders end in "/": whole names match
        folder = folder[:folder.rfind("/", 0, -1) + 1]
        up += 1
    return "../" * up + path[len(folder):] + hash_ + fragment


def root_prefix(page: str) -> str:
    """The relative path from the page at `page` to the site's root folder."""
    return "../" * page.count("/") or "./"


def absolute_path(target: str, base_url: str) -> str:
    """`target` as an absolute path on the host of `base_url` (for 404.html)."""
    prefix = urlsplit(base_url).path if base_url else "/"
    return (prefix or "/") + target


def absolute_url(target: str, base_url: str) -> str:
    """The public URL of `target`, or "" without a base URL."""
    return base_url + target if base_url else ""


def public_url(target: str, base_url: str) -> str:
    """The URL a reader would share: absolute with a base URL, else site-relative."""
    return absolute_url(target, base_url) or target
