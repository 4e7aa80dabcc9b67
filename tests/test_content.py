"""The real guide in content/: built with every check, complete, and traced to sources."""

import json
import re
from pathlib import Path

import pytest

from legwork.builder import build_site
from legwork.project import Project, load_guide
from tests.conftest import REPO, soup

SOURCES = REPO / "content" / "SOURCES.md"
ROW_ENTRY = re.compile(r"\b(exercises|tips|plans)/([a-z0-9-]+)\s*\|\s*$")


@pytest.fixture(scope="module")
def loaded():
    return load_guide(Project.at(REPO))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = Project.at(REPO, out=tmp_path_factory.mktemp("real") / "site")
    build_site(project)
    return project.out


def source_table() -> set[tuple[str, str]]:
    """(folder, slug) of every entry the coverage table names."""
    rows = [ROW_ENTRY.search(line) for line in SOURCES.read_text().splitlines()]
    return {(m[1], m[2]) for m in rows if m}


def test_coverage_table_names_only_existing_entries(loaded):
    named = source_table()
    existing = {(e.folder, e.slug) for e in loaded.guide.entries()}
    assert len(named) > 40
    assert sorted(named - existing) == []


def test_every_entry_is_traced_to_a_source(loaded):
    existing = {(e.folder, e.slug) for e in loaded.guide.entries()}
    assert sorted(existing - source_table()) == []


def test_guide_has_the_expected_breadth(loaded):
    guide = loaded.guide
    assert 25 <= len(guide.exercises) <= 40
    assert {e.kind.slug for e in guide.exercises} == {
        "strength", "plyometric", "mobility", "recovery", "running-drill"}
    assert {e.level.slug for e in guide.exercises} == {"beginner", "intermediate", "advanced"}
    assert len(guide.tips) >= 10
    assert {p.slug for p in guide.plans} >= {
        "distance-strength-block", "speed-block", "daily-calf-routine", "home-session"}


def test_every_exercise_is_complete(loaded):
    incomplete = []
    for ex in loaded.guide.exercises:
        missing = [name for name, value in [
            ("primary muscles", ex.primary), ("goals", ex.goals), ("equipment", ex.equipment),
            ("dose", ex.dose.work()), ("3+ steps", len(ex.steps) >= 3), ("cues", ex.cues),
            ("mistakes", ex.mistakes), ("cautions", ex.cautions), ("body", ex.body.strip()),
        ] if not value]
        if missing:
            incomplete.append((ex.slug, missing))
    assert incomplete == []


def test_variants_are_linked_both_ways(loaded):
    exercises = {e.slug: e for e in loaded.guide.exercises}
    one_way = []
    for ex in exercises.values():
        one_way += [(ex.slug, "harder", r.slug) for r in ex.harder
                    if ex.slug not in {x.slug for x in exercises[r.slug].easier}]
        one_way += [(ex.slug, "easier", r.slug) for r in ex.easier
                    if ex.slug not in {x.slug for x in exercises[r.slug].harder}]
    assert one_way == []


def test_every_vocabulary_term_has_a_description(loaded):
    empty = [(v.name, t.slug) for v in loaded.guide.vocabularies.values()
             for t in v.terms.values() if len(t.description) < 20]
    assert empty == []


def test_built_exercise_pages_show_muscles_goals_level_dose_and_steps(site, loaded):
    for ex in loaded.guide.exercises:
        page = soup(site / ex.url / "index.html")
        facets = {dt.get_text(): dd.get_text() for dt, dd in
                  zip(page.select(".facets dt"), page.select(".facets dd"), strict=True)}
        assert facets["Primary muscles"] == ", ".join(t.name for t in ex.primary), ex.slug
        badges = [a.get_text() for a in page.select(".badges a")]
        assert badges == [ex.level.name, *(g.name for g in ex.goals)], ex.slug
        assert page.select_one(".dose dd") is not None, ex.slug
        assert [li.get_text() for li in page.select("ol.steps li")] == ex.steps


def test_real_site_has_every_page_type(site):
    for path in ["index.html", "exercises/index.html", "muscles/calves/index.html",
                 "goals/speed/index.html", "levels/advanced/index.html",
                 "equipment/none/index.html", "tips/rest-days/index.html",
                 "plans/speed-block/index.html", "404.html", "sitemap.xml", "robots.txt"]:
        assert (site / path).is_file(), path


def test_body_map_has_a_region_for_every_muscle_group_and_no_other(loaded):
    bodymap = json.loads((REPO / "templates" / "bodymap.json").read_text())
    drawn = {slug for view in bodymap["views"] for slug in view["regions"]}
    groups = set(loaded.guide.vocabularies["muscles"].terms)
    assert sorted(groups - drawn) == []
    assert sorted(drawn - groups) == []
