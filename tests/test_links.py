"""Cross-references: resolution, type checks, drafts, loops and backlinks."""

from pathlib import Path

import pytest

from legwork.project import load_guide
from tests.conftest import edit, errors_for, make_project, write


@pytest.fixture
def content(guide_dir, monkeypatch) -> Path:
    monkeypatch.chdir(guide_dir.parent)
    return Path("content")


def test_backlinks_list_every_referrer(content):
    """Front matter and [[slug]] references both count, each referrer once."""
    links = load_guide(make_project(content)).links
    referrers = {slug: [e.slug for e in entries] for slug, entries in links.backlinks.items()}
    assert referrers == {
        "bridge": ["starter-plan"],
        "box-jump": ["calf-raise", "soft-landings"],
        "calf-raise": ["box-jump", "heel-drop", "starter-plan"],
        "heel-drop": ["calf-raise"],
        "rest-days": ["starter-plan"],
        "starter-plan": ["rest-days"],
    }


def test_unknown_front_matter_reference_names_nearest_slugs(content):
    edit(content / "exercises" / "heel-drop.md", "related: [calf-raise]", "related: [calf-rise]")
    assert errors_for(content) == [
        "content/exercises/heel-drop.md:16:11: unknown entry 'calf-rise' in 'related' "
        "(did you mean 'calf-raise'?)",
    ]


def test_plan_item_must_be_an_exercise(content):
    edit(content / "plans" / "starter-plan.md", "exercise: bridge", "exercise: rest-days")
    assert errors_for(content) == [
        "content/plans/starter-plan.md:12:19: 'exercise' needs an exercise, but 'rest-days' "
        "is a tip",
    ]


def test_exercise_cannot_be_its_own_variant(content):
    edit(content / "exercises" / "box-jump.md", "easier: [calf-raise]",
         "easier: [calf-raise, box-jump]")
    assert errors_for(content) == [
        "content/exercises/box-jump.md:20:22: 'easier' lists the entry itself; "
        "name another entry",
    ]


def test_easier_harder_loop_is_an_error(content):
    edit(content / "exercises" / "box-jump.md", "easier: [calf-raise]",
         "easier: [calf-raise]\nharder: [heel-drop]")
    edit(content / "exercises" / "heel-drop.md", "related: [calf-raise]", "harder: [calf-raise]")
    assert errors_for(content) == [
        "content/exercises/box-jump.md:20:10: easier/harder variants form a loop "
        "(box-jump -> heel-drop -> calf-raise -> box-jump, each harder than the last); "
        "remove one of these links",
    ]


def test_reference_to_a_draft_is_an_error_unless_drafts_are_built(content):
    edit(content / "exercises" / "heel-drop.md", "title: Heel drop",
         "title: Heel drop\ndraft: true")
    assert errors_for(content) == [
        "content/exercises/calf-raise.md:21:34: '[[heel-drop]]' refers to 'heel-drop', which is "
        "a draft; publish it (remove 'draft: true') or build with --drafts",
    ]
    assert "heel-drop" in load_guide(make_project(content, drafts=True)).links.entries


def test_featured_plan_must_be_a_plan(content):
    write(content / "site.yaml", "title: T\nfeatured_plans: [bridge]\n")
    assert errors_for(content) == [
        "content/site.yaml:2:18: 'featured_plans' needs a plan, but 'bridge' is an exercise",
    ]
