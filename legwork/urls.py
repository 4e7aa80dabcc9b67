"""Site URLs: every page URL is relative to the site root and made relative to
the page that links to it, so one build works at a domain root, under a
sub-path and from disk."""

from __future__ import annotations

from urllib.parse import urlsplit


def output_path(url: str) -> str:
    """The file a URL is written to: directory URLs get `index.html`."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def relative_url(target: str, page: str) -> str:
    """`target` (site-root URL, may carry #fragment) as seen from the page at `page`."""
    path, hash_, fragment = target.partition("#")
    page_parts = page.split("/")[:-1]  # the folders the page sits in
    target_parts = path.split("/")
    common = 0
    for a, b in zip(page_parts, target_parts[:-1], strict=False):
        if a != b:
            break
        common += 1
    ups = len(page_parts) - common
    rel = "../" * ups + "/".join(target_parts[common:])
    return (rel or "./") + hash_ + fragment


def absolute_path(target: str, base_url: str) -> str:
    """`target` as an absolute path on the host of `base_url` (for 404.html)."""
    prefix = urlsplit(base_url).path if base_url else "/"
    return (prefix or "/") + target


def absolute_url(target: str, base_url: str) -> str:
    """The public URL of `target`, or "" without a base URL."""
    return base_url + target if base_url else ""
