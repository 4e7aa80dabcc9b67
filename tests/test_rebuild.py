"""Rebuilds in a long-running process re-render only what an edit affects."""

import gc
import json
import random
import re
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from legwork.builder import SiteBuilder
from legwork.errors import BuildFailed
from legwork.linkcheck import scan
from legwork.pages import EntryPages, SimilarExercises, plan_pages
from legwork.project import Cache, Project, load_guide
from legwork.workers import digest
from tests.conftest import REPO, edit, make_project, pieces_made, write

EDITS = pytest.mark.parametrize("in_place", [False, True], ids=["full", "in place"])
"""Run a test both ways a rebuild can go: told which file changed (the dev server's
watcher tells), an edit of an existing entry is applied in place; not told, every
file is looked at."""


def rebuild(builder: SiteBuilder, in_place: bool, *paths: Path):
    """Rebuild after editing `paths`; check the edit took the expected way."""
    result = builder.rebuild(set(paths) if in_place else None)
    assert result.in_place == in_place
    return result


@EDITS
def test_body_edit_rerenders_its_page_and_the_search_index(guide_dir, in_place):
    builder = SiteBuilder(make_project(guide_dir))
    builder.build()
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "Slow lowering.", "Lower for ten seconds.")
    result = rebuild(builder, in_place, entry)
    assert result.rendered == 2
    assert result.written == ["exercises/heel-drop/index.html", "search-index.js"]
    page = (builder.project.out / "exercises" / "heel-drop" / "index.html").read_text()
    assert "Lower for ten seconds." in page


@EDITS
def test_title_edit_rerenders_every_page_that_lists_it(guide_dir, in_place):
    builder = SiteBuilder(make_project(guide_dir))
    builder.build()
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "title: Heel drop", "title: Heel drops")  # keeps its place in every list
    result = rebuild(builder, in_place, entry)
    out = builder.project.out
    for path in ["exercises/heel-drop/index.html", "exercises/index.html",
                 "exercises/calf-raise/index.html", "muscles/calves/index.html",
                 "cards/index.html", "levels/advanced/index.html", "data/exercises.json"]:
        assert path in result.written, path
        assert "Heel drops" in (out / path).read_text(), path
    assert "tips/soft-landings/index.html" not in result.written


@EDITS
def test_a_title_that_moves_an_exercise_changes_one_record_of_the_data_and_search(
        guide_dir, in_place):
    # The data files and the search index list entries in slug order, so a new
    # title changes the one record, not where every record sits.
    builder = SiteBuilder(make_project(guide_dir))
    builder.build()
    out = builder.project.out

    def records() -> tuple[list[dict], list[dict]]:
        search = (out / "search-index.js").read_text()
        return (json.loads((out / "data" / "exercises.json").read_text()),
                json.loads(search[search.index("= ") + 2:search.rindex(";")]))

    def slugs(records: list[dict]) -> list[str]:
        return [r["slug"] if "slug" in r else r["u"].split("/")[-2] for r in records]

    data, search = records()
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "title: Heel drop", "title: Achilles heel drop")  # first, not third
    result = rebuild(builder, in_place, entry)
    assert {"data/exercises.json", "search-index.js"} <= set(result.written)
    data_after, search_after = records()
    # calf-raise's body links to the heel drop: its words name the new title.
    for before, after, edited in ((data, data_after, ["heel-drop"]),
                                  (search, search_after, ["calf-raise", "heel-drop"])):
        assert slugs(before) == sorted(slugs(before)) == slugs(after)
        assert slugs([b for b, a in zip(before, after, strict=True) if b != a]) == edited


@EDITS
def test_summary_edit_leaves_the_pages_that_only_link_to_the_entry(guide_dir, in_place,
                                                                     monkeypatch):
    builder = SiteBuilder(make_project(guide_dir))
    builder.build()
    rendered = []
    render_page = builder.renderer.render_page
    monkeypatch.setattr(builder.renderer, "render_page",
                        lambda page: rendered.append(page.url) or render_page(page))
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "summary: ", "summary: Eccentric work. ")
    rebuild(builder, in_place, entry)
    # Its own page and the lists show the summary ...
    assert {"exercises/heel-drop/", "exercises/", "muscles/calves/"} <= set(rendered)
    # ... the page that links to it (as a variant, and as its neighbour in the
    # order) shows its title alone.
    linking = builder.project.out / "exercises" / "calf-raise" / "index.html"
    assert linking.read_text().count('href="../heel-drop/index.html"') >= 2
    assert "exercises/calf-raise/" not in rendered


@EDITS
def test_new_wikilink_updates_the_backlinks_of_its_target(guide_dir, in_place):
    builder = SiteBuilder(make_project(guide_dir))
    builder.build()
    entry = guide_dir / "exercises" / "bridge.md"
    write(entry, entry.read_text() + "Pairs well with [[heel-drop]].\n")
    result = rebuild(builder, in_place, entry)
    assert "exercises/heel-drop/index.html" in result.written
    page = (builder.project.out / "exercises" / "heel-drop" / "index.html").read_text()
    assert 'href="../bridge/index.html"' in page


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


EDITS_IN_PLACE = [
    ("body", "heel-drop", "Slow lowering.", "Lower for ten seconds."),
    ("summary", "heel-drop", "summary: ", "summary: Eccentric work. "),
    ("steps and dose", "bridge", "reps: 15", "reps: 12\n  sets: 2"),
    ("title keeping its place", "calf-raise", "title: Calf raise", "title: Calf raises"),
    ("variants", "heel-drop", "related: [calf-raise]", "related: [bridge]\neasier: [calf-raise]"),
    ("wikilink added", "bridge", "hips.\n---\n", "hips.\n---\nSee [[calf-raise]].\n"),
    ("wikilink removed", "calf-raise", "see [[heel-drop]]", "see the heel drop"),
]


def edit_while_serving(guide_dir: Path, fresh: Path, slug: str, old: str, new: str) -> bool:
    """Edit an exercise of a served guide; check the rebuilt site is, byte for byte,
    what a fresh build of the edited guide gives. Returns whether it went in place."""
    builder = SiteBuilder(make_project(guide_dir))
    builder.build()
    entry = guide_dir / "exercises" / f"{slug}.md"
    edit(entry, old, new)
    in_place = builder.rebuild({entry}).in_place
    assert SiteBuilder(make_project(guide_dir, fresh)).build().pages > 0
    assert files(builder.project.out) == files(fresh)
    return in_place


@pytest.mark.parametrize("what, slug, old, new", EDITS_IN_PLACE,
                         ids=[e[0] for e in EDITS_IN_PLACE])
def test_an_edit_in_place_gives_the_same_site_as_a_full_build(guide_dir, tmp_path, what, slug,
                                                              old, new):
    assert edit_while_serving(guide_dir, tmp_path / "fresh", slug, old, new)


def test_lists_kept_whole_between_edits_show_every_edit(guide_dir, tmp_path, monkeypatch):
    # Long lists are kept whole once rendered; an edit in place must still reach
    # them, and so must the next edit of another entry in the same lists.
    from legwork import render

    monkeypatch.setattr(render, "LONG", 2)  # keep every list of the small guide
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    assert list(builder.warm())
    for number, (_, slug, old, new) in enumerate(EDITS_IN_PLACE):
        entry = guide_dir / "exercises" / f"{slug}.md"
        edit(entry, old, new)
        assert builder.rebuild({entry}).in_place
        fresh = tmp_path / f"fresh{number}"
        assert SiteBuilder(make_project(guide_dir, fresh)).build().pages > 0
        assert files(builder.project.out) == files(fresh), slug


def test_a_title_edit_rerenders_the_pages_whose_body_links_to_the_entry(guide_dir, tmp_path):
    # A `[[bridge]]` link shows the title of the bridge; nothing else on the tip does.
    write(guide_dir / "tips" / "glute-work.md", "---\ntitle: Glute work\n"
          "summary: Why hips matter.\ngoals: [distance]\ntopic: form\n---\n"
          "Try the [[bridge]] twice a week.\n")
    assert edit_while_serving(guide_dir, tmp_path / "fresh", "bridge", "title: Bridge",
                              "title: Bridges")


def test_a_body_shown_again_after_its_link_target_is_renamed_shows_the_new_title(guide_dir,
                                                                                tmp_path):
    # The dev server keeps bodies as HTML once it has rendered them: the tip's
    # page is rendered by the first edit, and the second edit renames the entry
    # its body links to.
    tip = guide_dir / "tips" / "glute-work.md"
    write(tip, "---\ntitle: Glute work\nsummary: Why hips matter.\ngoals: [distance]\n"
          "topic: form\n---\nTry the [[bridge]] twice a week.\n")
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    bridge = guide_dir / "exercises" / "bridge.md"
    for path, old, new in [(tip, "summary: Why", "summary: Why the"),
                           (bridge, "title: Bridge", "title: Glute bridge")]:
        edit(path, old, new)
        assert builder.rebuild({path}).in_place
    assert SiteBuilder(make_project(guide_dir, tmp_path / "fresh")).build().pages > 0
    assert files(builder.project.out) == files(tmp_path / "fresh")
    assert ">Glute bridge</a> twice a week" in (
        builder.project.out / "tips" / "glute-work" / "index.html").read_text()


@pytest.mark.parametrize("what, old, new", [
    ("name", "{name: Distance,", "{name: Long distance,"),
    ("description", "description: Go farther.", "description: Go much farther."),
])
def test_renaming_or_describing_a_term_while_serving_gives_a_fresh_build(guide_dir, tmp_path,
                                                                         what, old, new):
    # Terms compare by slug; what they are called must still reach every page.
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    vocabulary = guide_dir / "vocabularies" / "goals.yaml"
    edit(vocabulary, old, new)
    builder.rebuild({vocabulary})
    assert SiteBuilder(make_project(guide_dir, tmp_path / "fresh")).build().pages > 0
    assert files(builder.project.out) == files(tmp_path / "fresh")


SHAPE_EDITS = [
    ("title moving it", "exercises/heel-drop", "title: Heel drop", "title: Achilles heel drop"),
    ("muscles", "exercises/heel-drop", "primary: [calves]", "primary: [calves, hamstrings]"),
    ("level", "exercises/bridge", "level: beginner", "level: advanced"),
    ("goals", "exercises/heel-drop", "goals: [distance]", "goals: [distance, speed]"),
    ("equipment, giving a term its first exercise", "exercises/heel-drop", "equipment: [box]",
     "equipment: [none]"),
    ("equipment, leaving a term without exercises", "exercises/box-jump", "equipment: [box]",
     "equipment: [none]"),
    ("tip title moving it", "tips/soft-landings", "title: Soft landings",
     "title: Landing softly"),
    ("tip topic", "tips/rest-days", "topic: recovery", "topic: form"),
    ("plan level and goals", "plans/starter-plan", "goals: [distance]\nlevel: beginner",
     "goals: [speed]\nlevel: advanced"),
]
"""Edits that move an entry in the lists, or change which term pages list it."""


@pytest.mark.parametrize("what, entry, old, new", SHAPE_EDITS, ids=[e[0] for e in SHAPE_EDITS])
def test_an_edit_that_moves_an_entry_in_the_lists_goes_in_place_and_gives_a_fresh_build(
        guide_dir, tmp_path, what, entry, old, new):
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    path = guide_dir / f"{entry}.md"
    edit(path, old, new)
    assert builder.rebuild({path}).in_place
    assert SiteBuilder(make_project(guide_dir, tmp_path / "fresh")).build().pages > 0
    assert files(builder.project.out) == files(tmp_path / "fresh")


def assert_plan_is_fresh(builder: SiteBuilder) -> None:
    """The plan an edit left (every page, what it shows, by value, and which
    entries it is made from) is the plan made afresh from the same guide."""
    guide, links = builder.last.loaded.guide, builder.last.loaded.links

    def described(page):
        return (page.template, page.title, page.context, page.sources, page.full_sources,
                page.linked, page.breadcrumbs, page.entry)

    fresh = {page.url: described(page) for page in plan_pages(guide, links,
                                                               EntryPages(guide, links))}
    kept = {url: described(page) for url, page in builder.last.pages.items()}
    assert kept.keys() == fresh.keys()
    assert [url for url in fresh if kept[url] != fresh[url]] == []
    # The index of which pages show each entry names what asking every page does.
    pages = builder.last.pages
    builder.index()
    for entry in guide.entries():
        edited = {entry.slug}
        for visible, relinked in [(edited, edited), (edited, set()), (set(), set())]:
            asked = {url for url, page in pages.items()
                     if page.shows_change(edited, visible, relinked)}
            assert builder.showing.changed_by(pages, edited, visible, relinked) == asked, \
                entry.slug


def test_moves_and_term_changes_one_after_another_keep_every_list_right(guide_dir, tmp_path,
                                                                        monkeypatch):
    # Every list kept whole (as the dev server keeps long ones), every edit of
    # SHAPE_EDITS made in turn on the same served guide, then a summary edit of
    # each entry they moved (which must reach the lists that show it now); after
    # each, the site is what a fresh build gives. Box loses its last exercise.
    from legwork import render

    monkeypatch.setattr(render, "LONG", 2)
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    assert list(builder.warm())
    summaries = [(f"summary of {entry}", entry, "summary: ", "summary: Now. ")
                 for entry in dict.fromkeys(entry for _, entry, _, _ in SHAPE_EDITS)]
    for number, (what, entry, old, new) in enumerate(SHAPE_EDITS + summaries):
        path = guide_dir / f"{entry}.md"
        edit(path, old, new)
        result = builder.rebuild({path})
        assert result.in_place, what
        fresh = tmp_path / f"fresh{number}"
        assert SiteBuilder(make_project(guide_dir, fresh)).build().pages > 0
        assert files(builder.project.out) == files(fresh), what
        assert_plan_is_fresh(builder)
        if "without" in what:
            assert "cards/equipment/box/index.html" in result.deleted
            assert not (builder.project.out / "cards" / "equipment" / "box").exists()


def test_moving_an_entry_leaves_the_sitemap_which_lists_pages_by_url(guide_dir):
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    sitemap = builder.project.out / "sitemap.xml"
    before = sitemap.read_text()
    urls = [loc.removesuffix("index.html") for loc in re.findall(r"<loc>(.*?)</loc>", before)]
    assert urls == sorted(urls) and "exercises/heel-drop/" in urls
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "title: Heel drop", "title: Achilles heel drop")
    result = builder.rebuild({entry})
    assert result.in_place and "exercises/index.html" in result.written
    assert "sitemap.xml" not in result.written
    assert sitemap.read_text() == before


def test_after_a_move_the_link_check_reads_the_kept_lists_in_their_new_order(guide_dir,
                                                                             monkeypatch):
    # A kept list sorted anew keeps what its link check found, moved to the new
    # places: each id and each link within the page (the cards of a deck link to
    # the body map's shapes) is found where the page really has it.
    from legwork import render

    monkeypatch.setattr(render, "LONG", 2)
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    assert list(builder.warm())
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "title: Heel drop", "title: Achilles heel drop")
    assert builder.rebuild({entry}).in_place
    lists = [page for page in builder.last.pages.values()
             if page.template in ("exercises.html", "term.html", "deck.html")]
    assert len(lists) > 5
    for page in lists:
        rendered = builder.renderer.render_page(page)
        ids, links = rendered.scan(page.output_path, builder.last.links)
        all_ids, all_links = scan(rendered.html)
        assert ids == all_ids, page.url
        within = {(link, at) for link, at, _ in links if link.startswith("#")}
        assert within <= {(link, at) for link, at, _ in all_links}, page.url
        assert {link for link, _ in within} == {
            link for link, _, _ in all_links if link.startswith("#")}, page.url


def test_lists_kept_for_pages_planned_again_are_let_go(guide_dir, monkeypatch):
    # Every move plans the lists again; the dev server keeps the new ones, and
    # lets the old ones go rather than pile them up edit after edit.
    from legwork import render

    monkeypatch.setattr(render, "LONG", 2)
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    assert list(builder.warm())
    entry = guide_dir / "exercises" / "heel-drop.md"
    kept = []
    for title in ["Achilles heel drop", "Heel drop", "Achilles heel drop", "Heel drop"]:
        write(entry, re.sub(r"title: .*", f"title: {title}", entry.read_text(), count=1))
        assert builder.rebuild({entry}).in_place
        assert list(builder.warm())  # every page's lists kept again
        kept.append(builder.renderer.fragments.lists_kept())
    assert kept == [kept[0]] * 4


def test_moves_while_serving_free_what_they_replace(guide_dir, monkeypatch):
    # Each edit makes a new guide, new lists and a new plan; what the last build
    # held must be freed once let go (6 MB for the exercise index of 10,000
    # entries). Moving an entry back and forth replaces the same lists each
    # time; once the pattern repeats, the objects alive stop growing.
    from legwork import render

    monkeypatch.setattr(render, "LONG", 2)
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    assert list(builder.warm())
    entry = guide_dir / "exercises" / "heel-drop.md"
    alive = []
    for title in ["Achilles heel drop", "Heel drop"] * 4:
        write(entry, re.sub(r"title: .*", f"title: {title}", entry.read_text(), count=1))
        assert builder.rebuild({entry}).in_place
        builder.save_manifest()
        builder.index()
        gc.collect()
        alive.append(len(gc.get_objects()))
    assert alive[6] <= alive[4] and alive[7] <= alive[5], alive


def test_making_an_entry_a_draft_while_serving_takes_the_full_rebuild(guide_dir, tmp_path):
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    linking, entry = guide_dir / "exercises" / "calf-raise.md", guide_dir / "exercises" / \
        "heel-drop.md"
    edit(linking, "see [[heel-drop]]", "see the heel drop")
    edit(entry, "title: Heel drop", "title: Heel drop\ndraft: true")
    result = builder.rebuild({linking, entry})
    assert not result.in_place
    assert "exercises/heel-drop/index.html" in result.deleted
    assert SiteBuilder(make_project(guide_dir, tmp_path / "fresh")).build().pages > 0
    assert files(builder.project.out) == files(tmp_path / "fresh")


def _deck_holding(site: Path, title: str) -> set[str]:
    """Output paths of the deck pages under `site` that hold the card titled `title`."""
    return {str(page.relative_to(site)) for page in (site / "cards").rglob("index.html")
            if f'aria-label="Card: {title}"' in page.read_text()}


@pytest.mark.parametrize("slug, title", [
    ("exercise-00000", "Zz last"), ("exercise-00099", "Aa first"),
    ("exercise-00150", "Exercise 2a")])
def test_moving_an_exercise_rewrites_only_the_deck_pages_it_leaves_and_joins(tmp_path, slug,
                                                                               title):
    # 400 entries make 320 exercises: "All exercise cards" takes several pages.
    # Pages end at exercises marked by their slugs, not every so many cards, so
    # an exercise that moves from one end of the order to the other changes the
    # page it leaves and the one it joins; the pages between stay as printed.
    content = generate(400, tmp_path / "content")
    builder = SiteBuilder(make_project(content))
    builder.build()
    site = builder.project.out
    assert len(list((site / "cards").glob("*/index.html"))) >= 3
    entry = content / "exercises" / f"{slug}.md"
    old_title = re.search(r"title: (.*)", entry.read_text())[1]
    before = _deck_holding(site, old_title)
    edit(entry, f"title: {old_title}\n", f"title: {title}\n")
    result = builder.rebuild({entry})
    assert result.in_place
    after = _deck_holding(site, title)
    rewritten = {path for path in result.written if path.startswith("cards/")}
    assert len(before) == len(after) > 1  # "All exercise cards" and the terms' decks
    assert rewritten == before | after
    assert SiteBuilder(make_project(content, tmp_path / "fresh")).build().pages > 0
    assert files(site) == files(tmp_path / "fresh")


@pytest.mark.parametrize("entries", [40, 400])
def test_the_similar_exercise_index_follows_moves_and_names_who_may_pick_an_exercise(
        tmp_path, entries):
    # After each of 60 random edits of one exercise's title, muscles or level in
    # 32 exercises (most groups of a muscle and level too short to fill the picks)
    # and in 320: the index updated in place is the index made afresh, and every
    # exercise whose similar exercises changed is among the readers the index
    # named for the edited one, before or after the edit.
    guide = load_guide(make_project(generate(entries, tmp_path / "content"))).guide
    muscles = list(guide.vocabularies["muscles"].terms.values())
    levels = list(guide.vocabularies["levels"].terms.values())
    rng = random.Random(3)
    index = SimilarExercises(guide)

    def picks(similar: SimilarExercises) -> dict[str, list[str]]:
        return {e.slug: [o.slug for o in similar(e)] for e in guide.exercises}

    for n in range(60):
        before = rng.choice(guide.exercises)
        readers = set(index.readers([before]))
        picked = picks(index)
        what = n % 3
        if what == 0:
            exercise = replace(before, title=rng.choice(["Aa", "Mm", "Zz"]) + f" moved {n}")
        elif what == 1:
            exercise = replace(before, primary=rng.sample(muscles, rng.choice([1, 2])))
        else:
            exercise = replace(before, terms={**before.terms, "levels": [rng.choice(levels)]})
        guide = guide.replace({exercise.slug: exercise})
        index = index.replace([exercise], {exercise.slug: before})
        fresh = SimilarExercises(guide)
        assert index.position == fresh.position
        assert {k: v for k, v in index.by_muscle_level.items() if v} == fresh.by_muscle_level
        assert index.short == fresh.short
        readers |= set(fresh.readers([exercise]))
        now = picks(fresh)
        assert {slug for slug in now if now[slug] != picked[slug]} - {exercise.slug} <= readers


def test_moves_in_a_larger_guide_keep_similar_exercises_and_neighbours_right(tmp_path):
    # In 320 exercises, each muscle and level has a dozen or more: an exercise
    # that moves, or changes muscles or level, changes which others list it among
    # their similar exercises, and their order. After each edit, the served site
    # is what a fresh build gives.
    content = generate(400, tmp_path / "content")
    builder = SiteBuilder(make_project(content), Cache())
    builder.build(force=True)
    assert list(builder.warm())

    def front_matter(slug: str, pattern: str, replacement: str) -> Path:
        path = content / "exercises" / f"{slug}.md"
        text, count = re.subn(pattern, replacement, path.read_text(), count=1)
        assert count == 1
        path.write_text(text)
        return path

    edits = [
        ("title", front_matter, "exercise-00010", r"title: .*", "title: Exercise 2a"),
        ("muscles", front_matter, "exercise-00020", r"primary: \[.*\]",
         "primary: [hamstrings, calves]"),
        ("level", front_matter, "exercise-00030", r"level: \w+", "level: advanced"),
        ("title back", front_matter, "exercise-00010", r"title: .*", "title: Exercise 10"),
    ]
    for number, (what, change, slug, pattern, replacement) in enumerate(edits):
        result = builder.rebuild({change(slug, pattern, replacement)})
        assert result.in_place, what
        fresh = tmp_path / f"fresh{number}"
        assert SiteBuilder(make_project(content, fresh)).build().pages > 0
        assert files(builder.project.out) == files(fresh), what
        assert_plan_is_fresh(builder)


def test_a_broken_edit_in_place_is_reported_until_fixed(guide_dir, built):
    builder = SiteBuilder(make_project(guide_dir))
    builder.build(force=True)
    before = files(built)
    broken = guide_dir / "exercises" / "heel-drop.md"
    edit(broken, "related: [calf-raise]", "related: [calf-rase]")
    with pytest.raises(BuildFailed) as caught:
        builder.rebuild({broken})
    assert [e.message for e in caught.value.errors] == [
        "unknown entry 'calf-rase' in 'related' (did you mean 'calf-raise'?)"]
    assert files(built) == before
    other = guide_dir / "exercises" / "bridge.md"
    edit(other, "Lift the hips", "Raise the hips")
    with pytest.raises(BuildFailed) as caught:  # the first file is still broken
        builder.rebuild({other})
    assert "calf-rase" in caught.value.errors[0].message
    edit(broken, "related: [calf-rase]", "related: [calf-raise]")
    assert builder.rebuild({broken}).in_place
    assert "Raise the hips" in (built / "exercises" / "bridge" / "index.html").read_text()


def test_a_move_whose_page_fails_its_link_check_leaves_the_last_build_for_the_next(
        guide_dir, built, tmp_path):
    # The edit moves the entry and is checked on its own, but one of its pages
    # links nowhere: nothing is written, and nothing of the last good build is
    # changed. Fixed, the next rebuild starts from that build, in place.
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    before = files(built)
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "title: Heel drop", "title: Achilles heel drop")
    edit(entry, "Slow lowering.", "Slow lowering, as [shown](../nowhere/).")
    with pytest.raises(BuildFailed) as caught:  # raised: there is no result to look at
        builder.rebuild({entry})
    assert "broken link '../nowhere/'" in caught.value.errors[0].message
    assert files(built) == before
    edit(entry, "as [shown](../nowhere/)", "as shown")
    assert builder.rebuild({entry}).in_place
    assert SiteBuilder(make_project(guide_dir, tmp_path / "fresh")).build().pages > 0
    assert files(built) == files(tmp_path / "fresh")


def test_template_edit_rerenders_pages_that_use_it(guide_dir, tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    builder = SiteBuilder(Project(root=tmp_path, content=guide_dir, out=tmp_path / "site"))
    builder.build()
    edit(tmp_path / "templates" / "tip.html", "Exercises in this tip", "Exercises it names")
    result = builder.rebuild()
    assert result.rendered == 2  # the two tips
    assert result.written == ["tips/soft-landings/index.html"]  # the other lists none
    assert "Exercises it names" in (tmp_path / "site/tips/soft-landings/index.html").read_text()


@pytest.mark.parametrize("name, place", [
    ("_macros.html", '<li><a class="badge goal"'), ("exercise.html", "</h1>"),
    ("_items.html", "<p>{{ entry.summary }}</p>"), ("_card.html", "</header>"),
    ("_bodymap.html", "</svg>"),
])
def test_a_partial_template_edited_while_serving_gives_a_fresh_build(guide_dir, tmp_path, name,
                                                                     place):
    # Found by tests/test_differential.py (seed 5 edits _items.html).
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    builder = SiteBuilder(make_project(guide_dir, root=tmp_path), Cache())
    builder.build(force=True)
    template = tmp_path / "templates" / name
    edit(template, place, f"<!-- edited -->{place}")
    builder.rebuild({template})
    fresh = make_project(guide_dir, tmp_path / "fresh", root=tmp_path)
    assert SiteBuilder(fresh, Cache()).build(force=True).pages > 0
    assert any(b"<!-- edited -->" in data for data in files(fresh.out).values())
    assert files(builder.project.out) == files(fresh.out)


def test_static_file_change_copies_just_that_file(guide_dir, tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    builder = SiteBuilder(Project(root=tmp_path, content=guide_dir, out=tmp_path / "site"))
    builder.build()
    with (tmp_path / "static" / "style.css").open("a") as css:
        css.write("\n.new-rule { color: red; }\n")
    result = builder.rebuild()
    assert (result.rendered, result.written) == (0, ["static/style.css"])
    assert ".new-rule" in (tmp_path / "site" / "static" / "style.css").read_text()
    (tmp_path / "static" / "favicon.svg").unlink()
    with pytest.raises(BuildFailed) as caught:
        builder.rebuild()
    home = [e.message for e in caught.value.errors if e.path == "site/index.html"]
    assert home == ["broken link 'static/favicon.svg': no page or file at static/favicon.svg; "
                    "fix the template or the link"]
    assert (tmp_path / "site" / "static" / "favicon.svg").exists()


def test_full_build_after_serving_never_reuses_a_file_serve_changed(guide_dir):
    """serve rewrites files in place; the manifest must follow, or a later build
    could hard-link a file it wrongly believes unchanged."""
    project = make_project(guide_dir)
    serving = SiteBuilder(project)
    serving.build(force=True)
    entry = guide_dir / "exercises" / "heel-drop.md"
    original = entry.read_text()
    edit(entry, "Slow lowering.", "Edited while serving.")
    serving.rebuild()
    entry.write_text(original)  # reverted after the server stopped
    result = SiteBuilder(project).build()
    assert not result.up_to_date
    page = (project.out / "exercises" / "heel-drop" / "index.html").read_text()
    assert "Slow lowering." in page and "Edited while serving." not in page


def test_the_manifest_vouches_for_no_file_from_a_rebuild_until_saved(guide_dir):
    project = make_project(guide_dir)
    manifest = project.out.with_name(".site.manifest.json")
    serving = SiteBuilder(project, Cache())
    serving.build(force=True)
    unchanged = project.out / "tips" / "index.html"
    inode = unchanged.stat().st_ino
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "Slow lowering.", "Edited while serving.")
    assert serving.rebuild({entry}).written
    assert json.loads(manifest.read_text())["outputs"] == {}
    serving.save_manifest()
    outputs = json.loads(manifest.read_text())["outputs"]
    assert outputs and outputs == {path: digest([(project.out / path).read_bytes()])
                                   for path in outputs}
    # Saved, it lets the next full build keep the files that did not change.
    assert not SiteBuilder(project).build().up_to_date
    assert unchanged.stat().st_ino == inode
    assert "Edited while serving." in (project.out / "exercises" / "heel-drop" /
                                       "index.html").read_text()


def test_serving_an_up_to_date_site_still_rebuilds_edits(guide_dir):
    project = make_project(guide_dir)
    SiteBuilder(project).build()
    serving = SiteBuilder(project)
    assert not serving.build(force=True).up_to_date
    edit(guide_dir / "exercises" / "heel-drop.md", "Slow lowering.", "Edited.")
    assert "exercises/heel-drop/index.html" in serving.rebuild().written


@pytest.mark.parametrize("warmed", [False, True], ids=["cold caches", "warmed"])
def test_warming_up_after_a_parallel_build_readies_every_list_item(guide_dir, monkeypatch,
                                                                   warmed):
    """Workers render the lists of a full build and keep what they rendered; the dev
    server warms its own caches while idle, so the first list edit is quick too."""
    from legwork import workers

    monkeypatch.setattr(workers, "PARALLEL_FROM", 1)  # render in workers, however small
    builder = SiteBuilder(make_project(guide_dir))
    builder.build(force=True)
    warmed_pages = list(builder.warm()) if warmed else []
    made = pieces_made(monkeypatch)
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "summary: ", "summary: Edited. ")
    result = builder.rebuild({entry})
    assert result.in_place and "exercises/index.html" in result.written
    exercises = len(builder.last.loaded.guide.exercises)
    if warmed:
        assert "exercises/" in warmed_pages and "exercises/heel-drop/" not in warmed_pages
        assert len(made) <= 6  # the edited entry's items and card, in each list kind
    else:
        assert len(made) > exercises  # every item of every list rendered again


def spoil(out: Path, rng: random.Random) -> set[str]:
    """Change one byte of three pages in four under `out`: among the first bytes of a
    third of them, among the last of another, anywhere in the rest. Returns their
    output paths."""
    spoiled = set()
    for number, path in enumerate(sorted(out.rglob("*.html"))):
        if rng.random() < 0.25:
            continue
        data = bytearray(path.read_bytes())
        at = [number // 3 % 40, len(data) - 1 - number // 3 % 40,
              rng.randrange(len(data))][number % 3]
        data[at] ^= 1 << rng.randrange(7)
        path.write_bytes(bytes(data))
        spoiled.add(path.relative_to(out).as_posix())
    return spoiled


@pytest.mark.parametrize("block", [1 << 20, 10, 3],
                         ids=["whole parts", "ten bytes at a time", "a few bytes at a time"])
def test_a_rebuild_rewrites_exactly_the_files_that_differ_from_what_it_rendered(
        tmp_path, monkeypatch, block):
    # A rebuild compares each file it renders with the one there, its parts (a
    # list is many small ones, its items, between large ones) in blocks of about
    # BLOCK bytes. A byte changed anywhere, a block's or a part's edge included, a
    # size or a missing file (or folder) is found, and only those files are written.
    # Here a comment at the head of every template renders every page again, the same.
    monkeypatch.setattr(sys.modules["legwork.write"], "BLOCK", block)
    root = tmp_path / "project"
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    content = generate(80, root / "content")  # 64 exercises: the lists are kept whole
    builder = SiteBuilder(make_project(content, root / "site", root=root), Cache())
    builder.build(force=True)
    out = builder.project.out
    before = files(out)
    rng = random.Random(block)
    spoiled = spoil(out, rng)
    longer, shorter, gone, folder = rng.sample(sorted(  # entry pages left whole
        path for path in before if path.count("/") == 2 and path.endswith("/index.html")
        and path not in spoiled), 4)
    with (out / longer).open("ab") as file:
        file.write(b"\n")
    (out / shorter).write_bytes(before[shorter][:-1])
    (out / gone).unlink()
    shutil.rmtree((out / folder).parent)
    spoiled |= {longer, shorter, gone, folder}
    assert len(spoiled) > 80
    templates = [path for path in (root / "templates").iterdir()
                 if not path.name.endswith(".json") or path.name == "data.json"]
    for template in templates:
        template.write_text("{# rendered again #}" + template.read_text())
    result = builder.rebuild(set(templates))
    assert sorted(result.written) == sorted(spoiled)
    assert files(out) == before


def test_a_card_made_again_the_same_after_an_edit_is_kept_with_what_is_known_of_it(guide_dir):
    # Cards leave out the summary: after a summary edit, the card made again is the
    # same, so the decks keep the card they had, already checked.
    builder = SiteBuilder(make_project(guide_dir), Cache())
    builder.build(force=True)
    assert list(builder.warm())
    card = builder.renderer.fragments.kept(("card",))["heel-drop"]
    entry = guide_dir / "exercises" / "heel-drop.md"
    edit(entry, "summary: ", "summary: Eccentric work. ")
    result = builder.rebuild({entry})
    assert result.in_place and "exercises/index.html" in result.written
    assert builder.renderer.fragments.kept(("card",))["heel-drop"] is card
    edit(entry, "  - Stand on the box edge.", "  - Stand tall on the box edge.")
    assert builder.rebuild({entry}).in_place
    assert builder.renderer.fragments.kept(("card",))["heel-drop"] is not card  # steps show
