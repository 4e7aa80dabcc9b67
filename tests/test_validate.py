"""Each invalid-input case and the whole message an author sees."""

from pathlib import Path

import pytest

from legwork.project import load_guide
from tests.conftest import errors_for, make_project, write

GOOD_EXERCISE = """\
---
title: Wall sit
summary: Sit against a wall.
kind: strength
level: beginner
goals: [distance]
muscles:
  primary: [quadriceps]
dose:
  hold_seconds: 30
steps:
  - Lean on the wall.
---
Body.
"""




def replace_line(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


CASES = [
    ("bad-yaml", "title: Wall sit\n", "title: Wall sit\n  extra: [\n",
     "content/exercises/wall-sit.md:3:8: invalid YAML: mapping values are not allowed here"),
    ("missing-field", "summary: Sit against a wall.\n", "",
     "content/exercises/wall-sit.md:2:1: missing required field 'summary'"),
    ("wrong-type", "goals: [distance]", "goals: distance",
     "content/exercises/wall-sit.md:6:8: 'goals' must be a list (one '- item' per line), "
     "not text"),
    ("unknown-key", "level: beginner\n", "level: beginner\nlevle: advanced\n",
     "content/exercises/wall-sit.md:6:1: unknown field 'levle' (did you mean 'level'?)"),
    ("unknown-term", "[quadriceps]", "[quadricep]",
     "content/exercises/wall-sit.md:8:13: unknown muscle 'quadricep' (did you mean "
     "'quadriceps'?); the terms are listed in content/vocabularies/muscles.yaml"),
    ("zero-dose", "hold_seconds: 30", "hold_seconds: 0",
     "content/exercises/wall-sit.md:10:17: 'dose.hold_seconds' must be at least 1, not 0"),
    ("negative-dose", "hold_seconds: 30", "hold_seconds: -5",
     "content/exercises/wall-sit.md:10:17: 'dose.hold_seconds' must be at least 1, not -5"),
    ("reps-lots", "hold_seconds: 30", "reps: lots",
     "content/exercises/wall-sit.md:10:9: 'dose.reps' must be a whole number or a range "
     "like 8-10, not 'lots'"),
    ("no-work-in-dose", "hold_seconds: 30", "sets: 3",
     "content/exercises/wall-sit.md:10:3: dose needs one of reps, hold_seconds, "
     "duration_seconds, distance_m"),
    ("string-for-list", "steps:\n  - Lean on the wall.", "steps: Lean on the wall.",
     "content/exercises/wall-sit.md:11:8: 'steps' must be a list (one '- item' per line), "
     "not text"),
    ("number-title", "title: Wall sit", "title: 42",
     "content/exercises/wall-sit.md:2:8: 'title' must be text, not a number (put it in quotes)"),
    ("unknown-wikilink", "Body.", "See [[wal-sit]] and [[nothing-like-it]].",
     "content/exercises/wall-sit.md:14:5: unknown entry 'wal-sit' in '[[wal-sit]]' "
     "(did you mean 'wall-sit'?)"),
]


@pytest.mark.parametrize(("old", "new", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_invalid_exercise_gives_the_whole_message(guide_dir, old, new, message, monkeypatch):
    """One mistake in an otherwise good entry yields exactly the expected message."""
    monkeypatch.chdir(guide_dir.parent)
    write(guide_dir / "exercises" / "wall-sit.md", replace_line(GOOD_EXERCISE, old, new))
    assert message in errors_for(Path("content"))


def test_good_exercise_is_accepted(guide_dir, monkeypatch):
    """The template entry used by the cases above is itself valid."""
    monkeypatch.chdir(guide_dir.parent)
    write(guide_dir / "exercises" / "wall-sit.md", GOOD_EXERCISE)
    loaded = load_guide(make_project(Path("content")))
    assert "wall-sit" in loaded.links.entries


def test_duplicate_slug_across_entry_types(guide_dir, monkeypatch):
    """A tip and an exercise cannot share a slug, since [[slug]] must be unambiguous."""
    monkeypatch.chdir(guide_dir.parent)
    (guide_dir / "tips" / "soft-landings.md").rename(guide_dir / "tips" / "bridge.md")
    assert errors_for(Path("content")) == [
        "content/tips/bridge.md: duplicate slug 'bridge': content/exercises/bridge.md already "
        "uses it; rename one of the files",
    ]


def test_every_error_is_reported_at_once_sorted_by_file_and_line(guide_dir, monkeypatch):
    """Mistakes in several files come back together, in file and line order."""
    monkeypatch.chdir(guide_dir.parent)
    write(guide_dir / "exercises" / "wall-sit.md",
          replace_line(GOOD_EXERCISE, "level: beginner", "level: expert").replace(
              "goals: [distance]", "goals: [distanse]"))
    write(guide_dir / "tips" / "broken.md", "---\ntitle: [unclosed\n---\n")
    assert errors_for(Path("content")) == [
        "content/exercises/wall-sit.md:5:8: unknown level 'expert'; the terms are listed in "
        "content/vocabularies/levels.yaml",
        "content/exercises/wall-sit.md:6:9: unknown goal 'distanse' (did you mean 'distance'?);"
        " the terms are listed in content/vocabularies/goals.yaml",
        "content/tips/broken.md:2:17: invalid YAML: while parsing a flow sequence, expected ',' "
        "or ']', but got '<stream end>'",
    ]


def test_specific_muscles_count_as_their_group(guide_dir, monkeypatch):
    """gastrocnemius and soleus both map to calves, listed once."""
    monkeypatch.chdir(guide_dir.parent)
    loaded = load_guide(make_project(Path("content")))
    calf_raise = loaded.links.entries["calf-raise"]
    assert [t.slug for t in calf_raise.primary] == ["calves"]
    assert calf_raise.specific_muscles == ["gastrocnemius", "soleus"]


def test_vocabulary_term_with_unknown_field(guide_dir, monkeypatch):
    """Vocabulary files are checked like entries."""
    monkeypatch.chdir(guide_dir.parent)
    write(guide_dir / "vocabularies" / "goals.yaml",
          "distance: {name: Distance, description: Far., colour: blue}\n"
          "speed: {name: Speed, description: Fast.}\n")
    assert errors_for(Path("content")) == [
        "content/vocabularies/goals.yaml:1:47: unknown field 'distance.colour'",
    ]
