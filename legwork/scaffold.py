"""`build.py new`: start an entry with every field stubbed and explained.

New entries start as drafts, so they show in `serve` but not in a published
build until `draft: true` is removed. Stub values are real vocabulary terms,
so a new entry passes the checks as soon as it is written.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from legwork.errors import ErrorLog, UsageError
from legwork.load import ENTRY_FOLDERS, load_content
from legwork.validate import validate

FOLDERS = {kind: folder for folder, kind in ENTRY_FOLDERS.items()}


def slugify(title: str) -> str:
    """A plain slug from a title: "Single-Leg Squat!" -> "single-leg-squat"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def _terms(content: Path) -> dict[str, list[str]]:
    """Each vocabulary's term slugs, and the exercise slugs, read from `content`."""
    raw = load_content(content, ErrorLog())
    guide = validate(raw, ErrorLog())
    terms = {name: list(v.terms) for name, v in guide.vocabularies.items()}
    terms["exercises"] = [e.slug for e in guide.exercises]
    return terms


def _choice(terms: dict[str, list[str]], vocabulary: str) -> tuple[str, str]:
    words = terms.get(vocabulary) or [f"<{vocabulary}>"]
    return words[0], ", ".join(words)


def stub(kind: str, title: str, terms: dict[str, list[str]]) -> str:
    """The text of a new entry of `kind`."""
    goal, goals = _choice(terms, "goals")
    level, levels = _choice(terms, "levels")
    head = f"""---
title: {json.dumps(title, ensure_ascii=False)}
draft: true                  # remove when the entry is ready to publish
summary: One line on what it is and why a runner should care.
goals: [{goal}]            # any of: {goals}
"""
    if kind == "exercise":
        muscle, muscles = _choice(terms, "muscles")
        exercise_kind, kinds = _choice(terms, "kinds")
        _, equipment = _choice(terms, "equipment")
        return head + f"""aliases: []                 # other names people use
kind: {exercise_kind}               # one of: {kinds}
level: {level}              # one of: {levels}
muscles:
  primary: [{muscle}]        # groups ({muscles}) or the muscles they list
  secondary: []
equipment: []                # any of: {equipment}; leave empty for none
dose:                        # at least one of reps, hold_seconds, duration_seconds, distance_m
  sets: 3
  reps: 10                   # a number or a range such as 8-12
  per_side: false
  rest_seconds: 60
  per_week: 2
  suggested: true            # the sources give no dose; this one is the guide's
steps:
  - First step.
  - Second step.
  - Third step.
cues: []
mistakes: []
cautions: []
easier: []                   # slugs of easier exercises
harder: []
related: []
---
Why runners do it and how it helps. Link other entries with `[[slug]]`.
"""
    if kind == "tip":
        topic, topics = _choice(terms, "topics")
        return head + f"""topic: {topic}              # one of: {topics}
exercises: []                # slugs of the exercises the tip mentions
related: []
---
The advice, in a few short paragraphs. Link exercises with `[[slug]]`.
"""
    exercise, _ = _choice(terms, "exercises")
    return head + f"""level: {level}              # one of: {levels}
weeks: 4                     # a number or a range such as 6-8
sessions_per_week: 3
sessions:
  - name: Session A
    # note: a line for the whole session (optional)
    items:
      - exercise: {exercise}
        dose: {{sets: 3, reps: 10}}   # optional; defaults to the exercise's dose
        # note: a remark for this exercise in this plan (optional)
related: []
---
What the plan is for and how to follow it.
"""


def new_entry(content: Path, kind: str, title: str) -> Path:
    """Write a new draft entry; refuses to overwrite an existing one."""
    slug = slugify(title)
    if not slug:
        raise UsageError(f"cannot make a slug from the title {title!r}; use letters or digits")
    path = content / FOLDERS[kind] / f"{slug}.md"
    for folder in FOLDERS.values():  # slugs are shared by all entry types
        taken = content / folder / f"{slug}.md"
        if taken.exists():
            raise UsageError(f"{taken} already exists; edit it, or choose another title")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = stub(kind, title, _terms(content))
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path
