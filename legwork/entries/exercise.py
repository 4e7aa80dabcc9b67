"""Exercises: a movement with its muscles, dose and how-to."""

from __future__ import annotations

from typing import Any

from legwork.entries.common import entry_page, read_dose
from legwork.fields import Fields
from legwork.model import Dose, Entry, Exercise, Vocabulary
from legwork.structured import COMMON, DOSE, SLUGS, TEXTS, Json, common_record, dose_record, refs

__all__ = ["Exercise", "read", "page", "record", "SCHEMA", "describe", "stub"]


def read(fields: Fields, vocabularies: dict[str, Vocabulary], common: dict[str, Any]
         ) -> Exercise:
    """An exercise from its front matter (`common`: the fields every entry has)."""
    muscles_vocab = vocabularies.get("muscles")
    muscles = fields.mapping("muscles", required=True)
    primary = secondary = []
    specific: list[str] = []
    if muscles is not None:
        primary = muscles.terms("primary", muscles_vocab)
        secondary = muscles.terms("secondary", muscles_vocab, required=False)
        for i, term in enumerate(secondary):
            if term in primary:
                muscles.error(("secondary", i), f"'{term.slug}' is already a primary muscle")
        secondary = [t for t in secondary if t not in primary]
        specific = named_muscles(muscles, muscles_vocab)
        muscles.finish()
    return Exercise(
        **{**common, "terms": {"muscles": [*primary, *secondary], **common["terms"]}},
        aliases=fields.texts("aliases"),
        kind=fields.term("kind", vocabularies.get("kinds")),
        primary=primary,
        secondary=secondary,
        specific_muscles=specific,
        dose=read_dose(fields.mapping("dose", required=True)) or Dose(),
        steps=fields.texts("steps", required=True),
        cues=fields.texts("cues"),
        mistakes=fields.texts("mistakes"),
        cautions=fields.texts("cautions"),
        easier=fields.refs("easier"),
        harder=fields.refs("harder"),
    )


def named_muscles(muscles: Fields, vocabulary: Vocabulary | None) -> list[str]:
    """Specific muscles (e.g. "soleus") written instead of a group slug."""
    words = [*(muscles.data.get("primary") or []), *(muscles.data.get("secondary") or [])]
    aliases = vocabulary.aliases if vocabulary else {}
    return [w for w in words if isinstance(w, str) and w in aliases]


def page(planner: Any, ex: Exercise, neighbours: dict[str, Entry | None]):
    """The exercise's page: its variants, similar exercises and what uses it."""
    links = planner.links
    same_muscles = planner.similar(ex)
    variants = links.all([*ex.easier, *ex.harder, *ex.related])
    referrers = links.referrers(ex)
    return entry_page(ex, {
        "easier": links.all(ex.easier),
        "harder": links.all(ex.harder),
        "related": links.all(ex.related),
        "same_muscles": same_muscles,
        # Tips, plans and the like first: what to read or follow with the exercise.
        "referrers": [*(e for e in referrers if e.kind_name != "exercise"),
                      *(e for e in referrers if e.kind_name == "exercise")],
    }, frozenset(), [*variants, *same_muscles], links, planner.guide, neighbours, describe)


def record(ex: Exercise, url: str) -> Json:
    return {
        **common_record(ex, url), "aliases": ex.aliases, "kind": ex.kind.slug,
        "muscles": {"primary": [m.slug for m in ex.primary],
                    "secondary": [m.slug for m in ex.secondary],
                    "named": ex.specific_muscles},
        "dose": dose_record(ex.dose),
        "steps": ex.steps, "cues": ex.cues, "mistakes": ex.mistakes, "cautions": ex.cautions,
        "easier": refs(ex.easier), "harder": refs(ex.harder),
    }


SCHEMA: Json = {
    **COMMON, "aliases": TEXTS, "kind": SLUGS["items"],
    "muscles": {"type": "object", "additionalProperties": False,
                "required": ["primary", "secondary", "named"],
                "properties": {"primary": SLUGS, "secondary": SLUGS, "named": TEXTS}},
    "dose": DOSE, "steps": TEXTS, "cues": TEXTS,
    "mistakes": TEXTS, "cautions": TEXTS, "easier": SLUGS, "harder": SLUGS}


def describe(ex: Exercise, url: str) -> Json:
    """schema.org `HowTo`."""
    data: Json = {
        "@context": "https://schema.org", "@type": "HowTo", "name": ex.title,
        "description": ex.summary,
        "step": [{"@type": "HowToStep", "position": i, "text": text}
                 for i, text in enumerate(ex.steps, start=1)],
        "tool": [{"@type": "HowToTool", "name": e.name} for e in ex.equipment],
        "keywords": ", ".join([*(m.name for m in ex.muscles), *(g.name for g in ex.goals)]),
    }
    return {**data, "url": url} if url else data


def stub(choice) -> str:
    level, levels = choice("levels")
    muscle, muscles = choice("muscles")
    exercise_kind, kinds = choice("kinds")
    _, equipment = choice("equipment")
    return f"""aliases: []                 # other names people use
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

