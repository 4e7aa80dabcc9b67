"""Shared fragments (cards, list items, body maps) are placed into pages after
rendering; the pages must be exactly what rendering them whole gives."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from legwork import registry
from legwork.builder import SiteBuilder
from legwork.errors import BuildFailed
from legwork.linkcheck import scan
from legwork.project import Project
from tests.conftest import REPO, edit, pieces_made


def served(content: Path, root: Path = REPO, out: str = "site") -> SiteBuilder:
    builder = SiteBuilder(Project(root=root, content=content, out=content.parent / out))
    builder.build(force=True)
    return builder


def copy_templates(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    return tmp_path / "templates"


def test_a_page_read_fragment_by_fragment_gives_what_reading_it_whole_gives(guide_dir):
    builder = served(guide_dir)
    renderer, pages = builder.renderer, builder.last.pages
    for page in pages.values():
        rendered = renderer.render_page(page)
        template = renderer.env.get_template(page.template)
        variables = page.variables(renderer.links.entries)
        assert rendered.html == template.render(page=page, **variables), page.url
        assert rendered.data() == rendered.html.encode(), page.url
        assert rendered.scan() == scan(rendered.html), page.url
    # The lists are made mostly of fragments, read once for every page showing them.
    index = renderer.render_page(pages["exercises/"])
    fragments = [f for piece in index.pieces for f in getattr(piece, "fragments", [piece])]
    items = [f for f in fragments if f.html.lstrip().startswith('<li class="card"')]
    assert len(items) == len(builder.last.loaded.guide.exercises) > 1
    assert all(f.whole() for f in fragments)


def test_a_fragment_changed_by_a_filter_is_read_with_the_page(guide_dir, tmp_path):
    templates = copy_templates(tmp_path)
    edit(templates / "deck.html", "{{ cards(exercises) }}",
         '{{ cards(exercises) | replace("print-card", "print-card filtered") }}')
    builder = served(guide_dir, tmp_path)
    decks = [builder.renderer.render_page(p) for p in builder.last.pages.values()
             if p.template == "deck.html"]
    rendered = next(d for d in decks if "print-card" in d.html)
    assert rendered.html.count("print-card filtered") == rendered.html.count("<article") > 0
    assert rendered.pieces == []  # the cards were changed on the way: the page is whole
    assert rendered.scan() == scan(rendered.html)


@pytest.mark.parametrize("output, kept_apart", [
    ("{{ cards(exercises) | safe }}", True),
    ("{% set deck = cards(exercises) %}{{ deck }}{{ deck }}", False),  # output twice
    ('{{ "" ~ cards(exercises) }}', False),  # joined as text
    ("{% set deck = cards(exercises) %}{{ deck | length }}", False),  # never output
])
def test_a_page_shows_its_cards_however_the_template_outputs_them(guide_dir, tmp_path, output,
                                                                  kept_apart):
    templates = copy_templates(tmp_path)
    edit(templates / "deck.html", "{{ cards(exercises) }}", output)
    builder = served(guide_dir, tmp_path)
    renderer = builder.renderer
    deck = builder.last.pages["cards/"]
    rendered = renderer.render_page(deck)
    plain = renderer.env.get_template(deck.template).render(
        page=deck, **deck.variables(renderer.links.entries))
    assert rendered.html == plain and "\0" not in plain
    assert (tmp_path / "site" / "cards" / "index.html").read_text() == plain
    assert bool(rendered.pieces) == kept_apart
    assert rendered.scan() == scan(rendered.html)


def test_a_nul_character_in_content_does_not_confuse_the_page_with_its_pieces(guide_dir):
    edit(guide_dir / "exercises" / "heel-drop.md", "title: Heel drop", 'title: "Heel\\0drop"')
    builder = served(guide_dir)
    index = builder.last.pages["exercises/"]
    plain = builder.renderer.env.get_template(index.template).render(page=index,
                                                                      **index.variables(builder.renderer.links.entries))
    assert "Heel\0drop" in plain
    assert (guide_dir.parent / "site" / "exercises" / "index.html").read_text() == plain


def test_a_broken_link_inside_a_fragment_is_reported_where_it_first_appears(guide_dir,
                                                                            tmp_path):
    templates = copy_templates(tmp_path)
    served(guide_dir, tmp_path)
    good = (tmp_path / "site" / "tips" / "index.html").read_text()
    places = []  # line and column of each tip's meta line, where the link will go
    for before in good.split('<p class="meta">Tip')[:-1]:
        done = "".join(p for p, _ in places) + before
        places.append((before + '<p class="meta">Tip', (
            done.count("\n") + 1, len(done) - done.rfind("\n") + len('<p class="meta">'))))
    assert len(places) >= 2
    edit(templates / "_items.html", '{% macro tip_meta(entry) %}Tip',
         '{% macro tip_meta(entry) %}<a href="nowhere/">x</a>Tip')
    with pytest.raises(BuildFailed) as caught:
        served(guide_dir, tmp_path, out="other")
    found = [str(e) for e in caught.value.errors if e.path == "other/tips/index.html"]
    assert found == [f"other/tips/index.html:{line}:{column}: broken link 'nowhere/': no page "
                     "or file at tips/nowhere/index.html; fix the template or the link"
                     for _, (line, column) in places]


def test_a_link_to_a_missing_id_on_the_same_page_fails_the_build(guide_dir, tmp_path):
    templates = copy_templates(tmp_path)
    edit(templates / "tips.html", "{% block main %}",
         '{% block main %}<a href="#nowhere">skip</a>')
    with pytest.raises(BuildFailed) as caught:
        served(guide_dir, tmp_path)
    assert [e.message for e in caught.value.errors] == [
        "broken link '#nowhere': tips/index.html has no id 'nowhere'"]


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def test_workers_with_cards_made_first_build_the_same_site_as_one_process(guide_dir,
                                                                          monkeypatch):
    from legwork import workers

    served(guide_dir, out="one")
    monkeypatch.setattr(workers, "PARALLEL_FROM", 1)
    monkeypatch.setattr(workers, "CARDS_FIRST_FROM", 1)
    builder = served(guide_dir, out="parallel")
    one, parallel = files(guide_dir.parent / "one"), files(guide_dir.parent / "parallel")
    assert parallel == one
    assert any(path.startswith("cards/") for path in one)
    # The main process rendered no page, yet holds every card the workers made first:
    # an edit that shows on the cards makes the edited exercise's card alone, though
    # the decks written again show every card.
    made = pieces_made(monkeypatch)
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "title: Heel drop", "title: Heel drops")
    assert "cards/index.html" in builder.rebuild({entry}).written
    assert made.count("exercise_card") == 1


def test_a_run_edited_in_a_few_places_reads_like_a_run_made_afresh():
    from legwork.fragments import Fragment, Run
    from legwork.linkcheck import LinkIndex

    def item(n: int, anchor: str) -> Fragment:
        return Fragment(f'<li id="item-{n}"><a href="../x/index.html">x</a>'
                        f'<a href="#{anchor}">up</a></li>\n')

    index = LinkIndex({"x/index.html", "list/index.html"})
    known = (index.token, 1)
    fragments = [item(n, "top") for n in range(6)]
    run = Run(fragments)
    first = run.scanned(known, index, "list/index.html", 1)
    assert run.scanned(known, index, "list/index.html", 1) == first  # settled: kept
    assert [link for link, _, _ in first[1]] == ["#top"]  # once, where it first appears
    edited = fragments.copy()
    edited[0], edited[4] = item(10, "bottom"), item(4, "top")
    again = run.edited(edited, {0, 4}).scanned(known, index, "list/index.html", 1)
    fresh = Run(edited).scanned(known, index, "list/index.html", 1)
    assert again == fresh
    assert again[0] == {"item-10", "item-1", "item-2", "item-3", "item-4", "item-5"}
    assert [link for link, _, _ in again[1]] == ["#bottom", "#top"]
    assert again[1][1][1] == Run(edited).html.index('href="#top"') - 1


@pytest.mark.parametrize("moves", [
    [(0, 799)], [(799, 0)], [(400, 3)], [(5, 5)], [(10, 700), (650, 2)], [(0, 1), (1, 0)],
], ids=["first to last", "last to first", "middle to front", "in place", "two", "swapped"])
def test_a_kept_list_follows_edited_entries_to_their_new_places(moves):
    # A move sorts a list anew: the edited entries (stale) leave their places
    # and take others. The kept parts must follow them, and each old position
    # must map to where that entry is now, as the general reordering has it.
    from types import SimpleNamespace

    from legwork.fragments import Kept, Parts, stale_moved

    entries = [SimpleNamespace(slug=f"e{n}") for n in range(800)]
    kept = Kept([entry.slug for entry in entries], Parts([f"part of e{n}" for n in range(800)]))
    moving = [entries[old] for old, _ in moves]
    kept.stale = {old for old, _ in moves} | {42}  # edited, but left in its place
    left = entries[42]
    for entry in moving:
        entries.remove(entry)
    for (_, new), entry in sorted(zip(moves, moving, strict=True), key=lambda pair: pair[0][1]):
        entries.insert(new, entry)
    was, slugs = list(kept.slugs), [entry.slug for entry in entries]
    now = {slug: at for at, slug in enumerate(slugs)}
    assert stale_moved(slugs, was, kept.stale) is not None  # the quick way
    same, place = kept.follow(slugs)
    assert same
    assert kept.parts == [f"part of {entry.slug}" for entry in entries]
    place = place or (lambda old: old)  # None: the order is as it was
    assert [place(old) for old in range(800)] == [now[slug] for slug in was]
    assert kept.stale == {new for _, new in moves} | {entries.index(left)}
    assert kept.slugs == slugs


def test_a_kept_list_whose_other_entries_moved_is_reordered_the_general_way():
    from types import SimpleNamespace

    from legwork.fragments import Kept, Parts, stale_moved

    entries = [SimpleNamespace(slug=f"e{n}") for n in range(100)]
    kept = Kept([entry.slug for entry in entries], Parts(list(range(100))))
    kept.stale = {7}
    entries.reverse()  # not one edited entry moved alone: every one did
    assert stale_moved([e.slug for e in entries], kept.slugs, kept.stale) is None
    same, place = kept.follow([entry.slug for entry in entries])
    assert same
    assert kept.parts == list(range(99, -1, -1))
    assert place(0) == 99 and place(7) == 92 and kept.stale == {92}
    assert kept.follow([*kept.slugs, "new"]) == (False, None)  # other entries


def test_records_are_kept_by_the_dev_server_only(guide_dir, monkeypatch):
    # Each record of the data files and the search index shows in one file: a
    # one-off build makes it, writes it and lets it go (in a 10,000-entry guide,
    # 17 MB less in the worker that renders them). The dev server keeps them, so
    # an edit makes only the edited entry's record again.
    from legwork import structured

    builder = served(guide_dir)
    made: dict[str, list[str]] = {}

    def spy(kind: str, make):
        return lambda entry, *args: made.setdefault(kind, []).append(entry.slug) or \
            make(entry, *args)

    monkeypatch.setattr(structured, "search_record", spy("search", structured.search_record))
    monkeypatch.setattr(registry, "ENTRY_TYPES", tuple(
        dataclasses.replace(declared, record=spy(declared.folder, declared.record))
        for declared in registry.ENTRY_TYPES))
    assert list(builder.warm())  # the build kept none: each is made again
    entries = {folder: sorted(path.stem for path in (guide_dir / folder).glob("*.md"))
               for folder in ("exercises", "tips", "plans")}
    assert made == {"search": sorted(sum(entries.values(), [])), **entries}
    made.clear()
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "summary: ", "summary: Eccentric work. ")
    assert builder.rebuild({entry}).in_place
    # Its records, and the search record of calf-raise, whose body links to it.
    assert made == {"exercises": ["heel-drop"], "search": ["calf-raise", "heel-drop"]}
    made.clear()
    assert list(builder.warm()) and made == {}  # every data file and index made of kept ones
