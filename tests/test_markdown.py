"""Markdown bodies: [[slug]] links, no raw HTML, only safe link schemes."""

import dataclasses

import pytest

from legwork.markdown import MarkdownBodies, safe_link
from legwork.model import Tip


def tip(body: str) -> Tip:
    return Tip(slug="t", path="content/tips/t.md", title="T", summary="S", body=body,
               body_line=5, terms={}, related=[], draft=False, topic=None, exercises=[])


def render(body: str) -> str:
    return str(MarkdownBodies().render(tip(body), lambda slug: (f"../{slug}/", slug.upper())))


def test_wikilinks_render_with_title_or_given_text():
    html = render("See [[squat]] and [[lunge|the lunge]].")
    assert html == ('<p>See <a href="../squat/">SQUAT</a> and '
                    '<a href="../lunge/">the lunge</a>.</p>\n')


def test_wikilink_positions_are_file_lines_and_columns():
    """The body starts on line 5 of its file; positions count from there."""
    refs = MarkdownBodies().references(tip("Intro.\n\n- item [[a]]\n- x [[b|B]] [[c]]\n"))
    assert [(r.slug, r.line, r.column) for r in refs] == [("a", 7, 8), ("b", 8, 5), ("c", 8, 13)]


TRICKY_BODIES = {
    "fenced": "```\n[[a]]\n```\n[[b]]",
    "tilde-fence": "~~~ python\n[[a]]\n~~~\n\n[[b]]",
    "indented-code": "Intro.\n\n    [[a]]\n\n[[b]]",
    "indented-after-text": "Intro\n    [[a]] continues the paragraph",
    "list-continuation": "- item\n\n    [[a]] in the item\n- [[b]]",
    "code-span": "Use `[[a]]` or ``[[b]] `x` `` then [[c]].",
    "unclosed-backtick": "A ` then [[a]].",
    "link-text": "[see [[a]]](https://example.org) and [[b|B]]",
    "heading-and-quote": "# [[a]]\n\n> quote [[b]]\n\n1. [[c]]",
    "pipe-text": "[[a|the A]] and [[ b ]]",
}


@pytest.mark.parametrize("body", TRICKY_BODIES.values(), ids=TRICKY_BODIES.keys())
def test_reference_scan_agrees_with_the_markdown_parser(body):
    """The cheap scan finds exactly the links markdown-it will render."""
    bodies = MarkdownBodies()
    parsed = [t.meta["slug"] for block in bodies.tokens(tip(body)) if block.children
              for t in block.children if t.type == "wikilink"]
    assert [r.slug for r in bodies.references(tip(body))] == parsed


def test_unknown_wikilink_renders_as_its_text():
    html = str(MarkdownBodies().render(tip("See [[nowhere]]."), lambda slug: None))
    assert html == "<p>See [[nowhere]].</p>\n"


def test_wikilinks_in_code_are_not_references():
    refs = MarkdownBodies().references(tip("`[[a]]`\n\n    [[b]]\n"))
    assert refs == []


def test_raw_html_is_escaped():
    html = render('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(("url", "kept"), [
    ("https://example.org/", True), ("http://example.org/", True), ("mailto:a@b.c", True),
    ("../squat/", True), ("#steps", True), ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False), ("java\tscript:alert(1)", False),
    ("data:text/html,x", False), ("vbscript:x", False), ("file:///etc/passwd", False),
])
def test_only_safe_link_schemes_are_kept(url, kept):
    assert safe_link(url) is kept


def test_unsafe_markdown_link_is_left_as_text():
    html = render("[click](javascript:alert(1))")
    assert "href" not in html


def test_a_kept_body_is_shown_again_until_it_or_a_link_in_it_reads_differently(monkeypatch):
    # The dev server keeps bodies as HTML. One shown again is not parsed again,
    # unless its text changed or a `[[link]]` in it resolves differently (the
    # linked entry's new title, another page's relative link).
    bodies = MarkdownBodies()
    bodies.keep = True
    parsed = []
    parse = bodies.tokens
    monkeypatch.setattr(bodies, "tokens", lambda entry: parsed.append(entry.body) or parse(entry))
    entry = tip("See [[squat]] and [[lunge|the lunge]].")

    def titled(title: str):
        return lambda slug: (f"../{slug}/", title if slug == "squat" else slug.upper())

    first = bodies.render(entry, titled("Squat"))
    assert bodies.render(entry, titled("Squat")) is first and len(parsed) == 1
    retitled = bodies.render(entry, titled("Back squat"))
    assert 'href="../squat/">Back squat</a>' in retitled and len(parsed) == 2
    assert bodies.render(entry, lambda slug: (f"../../x/{slug}/", "Back squat")) != retitled
    entry = dataclasses.replace(entry, body="See [[squat]].")
    assert bodies.render(entry, titled("Back squat")) == \
        '<p>See <a href="../squat/">Back squat</a>.</p>\n' and len(parsed) == 4
    assert str(first) == render("See [[squat]] and [[lunge|the lunge]].").replace("SQUAT", "Squat")
