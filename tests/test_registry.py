"""A taxonomy and an entry type added the declared way only (docs/ARCHITECTURE.md):
a vocabulary file and a `Taxonomy`; an `EntryType`, its code and its templates."""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from legwork import registry
from legwork.builder import SiteBuilder
from legwork.cli import main
from legwork.entries.common import entry_page
from legwork.errors import BuildFailed
from legwork.model import Entry
from legwork.project import Cache, Project
from tests.conftest import REPO, edit, links, soup, tree, write


@dataclass(frozen=True)
class Drill(Entry):
    """A running drill: how it goes, in cues."""

    cues: list[str]

    kind_name = "drill"
    folder = "drills"


def describe(drill: Drill, url: str) -> dict:
    return {"@context": "https://schema.org", "@type": "HowTo", "name": drill.title}


DRILLS = registry.EntryType(
    "drill", "drills", "Drills", Drill,
    read=lambda fields, vocabularies, common: Drill(**common, cues=fields.texts("cues")),
    page=lambda planner, drill, neighbours: entry_page(
        drill, {}, frozenset(), [], planner.links, planner.guide, neighbours, describe),
    record=lambda drill, url: {"slug": drill.slug, "url": url, "title": drill.title,
                               "cues": drill.cues},
    schema={"slug": {"type": "string"}, "url": {"type": "string"},
            "title": {"type": "string"}, "cues": {"type": "array"}},
    describe=describe,
    stub=lambda choice: "cues: []\n---\nHow the drill goes.\n")

SURFACES = registry.Taxonomy("surfaces", "Surfaces", "Surface", "surfaces",
                             ("exercise", "drill"), required=False)


@pytest.fixture
def declared(monkeypatch, tmp_path: Path) -> Project:
    """The fixture guide with surfaces and drills declared, in a project of its own
    whose templates have the drill's."""
    monkeypatch.setattr(registry, "TAXONOMIES", (
        *[dataclasses.replace(t, types=(*t.types, "drill")) if t.name == "goals" else t
          for t in registry.TAXONOMIES], SURFACES))
    monkeypatch.setattr(registry, "ENTRY_TYPES", (*registry.ENTRY_TYPES, DRILLS))
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "fixtures" / "guide", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    content, templates = root / "content", root / "templates"
    write(content / "vocabularies" / "surfaces.yaml", "".join(
        f"{slug}:\n  name: {slug.capitalize()}\n  description: Running on {slug}.\n"
        for slug in ("road", "track", "trail", "treadmill")))
    edit(content / "exercises" / "bridge.md", "goals: [distance]",
         "goals: [distance]\nsurfaces: [trail, road]")
    edit(content / "exercises" / "calf-raise.md", "goals:", "surfaces: [trail]\ngoals:")
    write(content / "drills" / "a-skip.md", "---\ntitle: A-skip\nsummary: Skip with high "
          "knees.\ngoals: [speed]\nsurfaces: [track]\ncues: [Tall hips]\nrelated: [bridge]\n"
          "---\nA rhythm drill before [[calf-raise]].\n")
    write(content / "drills" / "butt-kicks.md", "---\ntitle: Butt kicks\nsummary: Heels "
          "to the seat.\ngoals: [speed]\ncues: [Quick feet]\n---\nLight and quick.\n")
    write(templates / "drill.html", '{% extends "base.html" %}\n{% block main %}<h1>'
          "{{ drill.title }}</h1><ul>{% for cue in drill.cues %}<li>{{ cue }}</li>"
          "{% endfor %}</ul>{{ markdown(drill) }}{% include \"_prevnext.html\" %}{% endblock %}\n")
    write(templates / "drills.html", '{% extends "base.html" %}\n'
          '{% from "_macros.html" import entry_list with context %}\n'
          "{% block main %}<h1>Drills</h1>{{ entry_list(guide.drills, 2) }}{% endblock %}\n")
    edit(templates / "_items.html", '"plan": plan_meta}', '"plan": plan_meta, '
         '"drill": drill_meta}')
    with (templates / "_items.html").open("a") as items:
        items.write('{% macro drill_meta(entry) %}Drill &middot; {{ entry.cues | length }} '
                    "cues{% endmacro %}\n")
    return Project.at(root)


def test_a_declared_taxonomy_gets_its_pages_filters_cards_search_and_data(declared):
    SiteBuilder(declared).build()
    out = declared.out
    index = soup(out / "surfaces" / "index.html")
    assert index.h1.get_text() == "Surfaces"
    assert ("trail/index.html", "TrailRunning on trail.2 exercises") in links(index)
    trail = soup(out / "surfaces" / "trail" / "index.html")
    assert [a for a, _ in links(trail, "main section")] == [
        "../../exercises/bridge/index.html", "../../exercises/calf-raise/index.html"]
    assert ("../../cards/surfaces/trail/index.html", "Print these cards") in links(trail)
    deck = soup(out / "cards" / "surfaces" / "trail" / "index.html")
    assert [h.get_text() for h in deck.select(".print-card h2")] == ["Bridge", "Calf raise"]
    track = soup(out / "surfaces" / "track" / "index.html")
    assert ("../../drills/a-skip/index.html", "A-skip") in links(track, "main section")
    exercises = soup(out / "exercises" / "index.html")
    select = exercises.select_one("select#filter-surface")
    assert [o["value"] for o in select.find_all("option")] == [
        "", "road", "track", "trail", "treadmill"]
    bridge = exercises.select_one('li[data-surface="trail road"]')
    assert bridge.a.get_text() == "Bridge"
    assert ("../surfaces/trail/index.html", "Trail") in links(bridge, "dl")
    records = json.loads((out / "data" / "exercises.json").read_text())
    assert {r["slug"]: r["surfaces"] for r in records}["bridge"] == ["trail", "road"]
    schema = json.loads((out / "data" / "exercises.schema.json").read_text())
    assert "surfaces" in schema["items"]["required"]
    search = (out / "search-index.js").read_text()
    found = json.loads(search[search.index("= ") + 2:search.rindex(";")])
    assert "Trail" in {r["u"]: r["g"] for r in found}["exercises/bridge/"]
    assert "surfaces/trail/" in (out / "sitemap.xml").read_text()
    nav = soup(out / "index.html").select_one("nav[aria-label=Main]")
    assert [a.get_text() for a in nav.find_all("a")] == [
        "Exercises", "Muscles", "Goals", "Levels", "Surfaces", "Tips", "Plans", "Drills",
        "Search"]


def test_a_declared_entry_type_gets_its_pages_data_links_and_stub(declared, capsys):
    SiteBuilder(declared).build()
    out = declared.out
    page = soup(out / "drills" / "a-skip" / "index.html")
    assert page.h1.get_text() == "A-skip"
    assert ("../../exercises/calf-raise/index.html", "Calf raise") in links(page)
    assert ("../butt-kicks/index.html", "Next Butt kicks") in links(page)  # its neighbour
    index = soup(out / "drills" / "index.html")
    assert [(a, t) for a, t in links(index)] == [
        ("../drills/a-skip/index.html", "A-skip"), ("../drills/butt-kicks/index.html",
                                                    "Butt kicks")]
    assert [p.get_text() for p in index.select("p.meta")] == ["Drill · 1 cues"] * 2
    bridge = soup(out / "exercises" / "bridge" / "index.html")
    assert ("../../drills/a-skip/index.html", "A-skip") in links(bridge)  # a backlink
    speed = soup(out / "goals" / "speed" / "index.html")
    drills = speed.select_one("section[aria-labelledby=drills-heading]")
    assert [a for a, _ in links(drills, "ul")] == [
        "../../drills/a-skip/index.html", "../../drills/butt-kicks/index.html"]
    records = json.loads((out / "data" / "drills.json").read_text())
    assert records == [
        {"slug": "a-skip", "url": "drills/a-skip/", "title": "A-skip", "cues": ["Tall hips"],
         "goals": ["speed"], "surfaces": ["track"]},
        {"slug": "butt-kicks", "url": "drills/butt-kicks/", "title": "Butt kicks",
         "cues": ["Quick feet"], "goals": ["speed"], "surfaces": []}]
    assert (out / "data" / "drills.schema.json").is_file()
    assert "drills/a-skip/" in (out / "sitemap.xml").read_text()
    assert '"u": "drills/a-skip/"' in (out / "search-index.js").read_text()
    assert main(["new", "drill", "Carioca", "--content", str(declared.content)]) == 0
    stub = (declared.content / "drills" / "carioca.md").read_text()
    assert stub.startswith('---\ntitle: "Carioca"\ndraft: true') and "cues: []" in stub


def test_edits_of_a_declared_taxonomy_and_type_while_serving_match_a_fresh_build(
        declared, tmp_path):
    builder = SiteBuilder(declared, Cache())
    builder.build(force=True)
    list(builder.warm())
    content = declared.content
    steps = [(content / "exercises" / "heel-drop.md", "goals:", "surfaces: [treadmill]\ngoals:"),
             (content / "drills" / "a-skip.md", "title: A-skip", "title: Zig-zag skip"),
             (content / "drills" / "a-skip.md", "surfaces: [track]", "surfaces: [road]")]
    for number, (path, old, new) in enumerate(steps):
        edit(path, old, new)
        assert builder.rebuild({path}).in_place, path
        fresh = dataclasses.replace(declared, out=tmp_path / f"fresh-{number}")
        SiteBuilder(fresh).build()
        assert tree(declared.out) == tree(fresh.out), (path, new)
    assert "Zig-zag skip" in (declared.out / "surfaces" / "road" / "index.html").read_text()


def test_an_undeclared_folder_or_vocabulary_stops_the_build_with_a_clear_message(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests" / "fixtures" / "guide", root / "content")
    write(root / "content" / "drills" / "a-skip.md", "---\ntitle: A-skip\n---\n")
    write(root / "content" / "vocabularies" / "surfaces.yaml", "road: {name: Road}\n")
    with pytest.raises(BuildFailed) as caught:
        SiteBuilder(Project.at(root)).build()
    assert [e.message for e in caught.value.errors] == [
        "unknown folder 'drills/': entries go in exercises/, tips/, plans/ (the entry types "
        "legwork/registry.py declares), vocabularies in vocabularies/",
        "unknown vocabulary 'surfaces'; the vocabularies are muscles, goals, levels, "
        "equipment, kinds, topics"]


def test_asking_for_an_undeclared_type_or_taxonomy_names_those_declared():
    with pytest.raises(LookupError, match="no entry type 'drill' is declared in "
                       "legwork/registry.py; the types are exercise, tip, plan"):
        registry.entry_type("drill")
    with pytest.raises(LookupError, match="no taxonomy 'surfaces' is declared"):
        registry.taxonomy("surfaces")
