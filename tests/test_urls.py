"""Relative URLs between pages, and output paths."""

import pytest

from legwork.urls import absolute_path, output_path, relative_url, root_prefix


@pytest.mark.parametrize(("target", "page", "expected"), [
    ("exercises/squat/", "exercises/lunge/", "../squat/index.html"),
    ("", "exercises/lunge/", "../../index.html"),
    ("muscles/calves/", "", "muscles/calves/index.html"),
    ("static/style.css", "exercises/lunge/", "../../static/style.css"),
    ("exercises/", "exercises/", "index.html"),
    ("exercises/squat/#steps", "tips/rest/", "../../exercises/squat/index.html#steps"),
    ("static/style.css", "sitemap.xml", "static/style.css"),
], ids=["sibling", "home", "from-home", "asset", "self", "fragment", "from-file"])
def test_relative_url(target, page, expected):
    assert relative_url(target, page) == expected


def test_output_path_of_directory_urls_is_index_html():
    assert output_path("") == "index.html"
    assert output_path("exercises/squat/") == "exercises/squat/index.html"
    assert output_path("sitemap.xml") == "sitemap.xml"


def test_absolute_path_uses_the_base_url_path():
    assert absolute_path("static/style.css", "https://u.github.io/legwork/") == \
        "/legwork/static/style.css"
    assert absolute_path("", "") == "/"


def test_root_prefix_climbs_to_the_site_root():
    assert [root_prefix(p) for p in ["", "404.html", "tips/", "exercises/squat/"]] == [
        "./", "./", "../", "../../"]


URLS = ["", "exercises/", "exercises/squat/", "exercises/lunge/", "muscles/", "muscles/calves/",
        "cards/", "cards/2/", "cards/muscles/calves/", "cards/muscles/calves/3/", "tips/rest/",
        "static/style.css", "sitemap.xml", "search-index.js", "exercises/squat/#steps", "#main"]


@pytest.mark.parametrize("page", [url for url in URLS if "#" not in url])
def test_every_relative_link_leads_to_its_target_from_every_page(page):
    # Followed from the page's file, the link names the target's file (and keeps
    # its #fragment), whether the two share folders or not. Targets are URLs from
    # the site root: "#main" is the home page's.
    from legwork.linkcheck import resolve

    for target in URLS:
        path, _, fragment = target.partition("#")
        link = relative_url(target, page)
        assert resolve(link, output_path(page)) == (output_path(path), fragment), (target, link)
