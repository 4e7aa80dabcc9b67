"""Property-based: any front matter or Markdown ends in a Guide or content errors."""

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legwork.errors import BuildFailed
from legwork.project import load_guide
from tests.conftest import FIXTURE, make_project

VALID = (FIXTURE / "exercises" / "box-jump.md").read_text()

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False), st.text(max_size=30),
                    st.sampled_from(["calves", "speed", "beginner", "box", "3-5", "lots",
                                     "calf-raise", "[[calf-raise]]", "!!python/none"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)
keys = st.sampled_from(["title", "summary", "kind", "level", "goals", "muscles", "dose",
                        "steps", "cues", "easier", "harder", "related", "equipment", "draft",
                        "sets", "reps", "primary", "secondary", "x"])
front_matter = st.dictionaries(keys, values, max_size=10)


def mutate(text: str, data: st.DataObject) -> str:
    """Delete, insert or replace a few characters of a valid entry."""
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = data.draw(st.text(alphabet=st.sampled_from(list("-:[]{}|>!&*'\"#\n\t x[]|")),
                                  max_size=3))
        if action == "delete":
            text = text[:at] + text[at + 3:]
        elif action == "insert":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + len(piece):]
    return text


def outcome(content: Path, text: str) -> str:
    (content / "exercises" / "fuzz.md").write_text(text, encoding="utf-8", errors="replace")
    try:
        load_guide(make_project(content))
    except BuildFailed as failed:
        assert failed.errors and all(str(e) for e in failed.errors)
        return "errors"
    return "guide"


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=front_matter, body=st.text(max_size=200))
def test_random_front_matter_and_body(guide_dir, data, body):
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body
    assert outcome(guide_dir, text) in ("guide", "errors")


@SETTINGS
@given(data=st.data())
def test_mutated_valid_entry(guide_dir, data):
    assert outcome(guide_dir, mutate(VALID, data)) in ("guide", "errors")


@SETTINGS
@given(text=st.text(max_size=300))
def test_arbitrary_text(guide_dir, text):
    assert outcome(guide_dir, text) in ("guide", "errors")


def test_outcome_tells_a_guide_from_errors(guide_dir):
    """The property above is only meaningful if both outcomes occur."""
    assert outcome(guide_dir, VALID.replace("title: Box jump", "title: Fuzz")) == "guide"
    assert outcome(guide_dir, VALID.replace("reps: 5-7", "reps: lots")) == "errors"
