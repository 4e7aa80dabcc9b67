"""The internal link check over rendered pages."""

from legwork.errors import ErrorLog
from legwork.linkcheck import LinkIndex


def check(outputs: dict[str, str], others: set[str] = frozenset()) -> list[str]:
    log = ErrorLog()
    LinkIndex(set(outputs) | set(others)).check(outputs, "site", log)
    return [str(e) for e in log.errors]


def test_good_links_pass():
    assert check({
        "index.html": '<a href="a/">A</a><a href="a/#x">X</a><link href="static/s.css">'
                      '<a href="https://example.org/">out</a><a href="#top">top</a><p id="top">',
        "a/index.html": '<h2 id="x">X</h2><a href="../">home</a>',
    }, {"static/s.css"}) == []


def test_missing_page_and_missing_fragment_are_reported_with_position():
    assert check({
        "index.html": '<p>\n<a href="b/">B</a> <a href="a/#nope">N</a></p>',
        "a/index.html": "<p>A</p>",
    }) == [
        "site/index.html:2:1: broken link 'b/': no page or file at b/index.html; "
        "fix the template or the link",
        "site/index.html:2:20: broken link 'a/#nope': a/index.html has no id 'nope'",
    ]


def test_links_climbing_out_of_the_site_are_broken():
    assert check({"a/index.html": '<img src="../../x.png" alt="">'}) == [
        "site/a/index.html:1:1: broken link '../../x.png': no page or file at ../x.png; "
        "fix the template or the link",
    ]
