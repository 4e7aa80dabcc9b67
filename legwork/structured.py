"""The guide as data: JSON records for `/data/`, their JSON Schemas, and schema.org JSON-LD.

Records are plain dicts of JSON types; spans (8-10 reps) become
{"min": 8, "max": 10}. JSON-LD is serialised so it can never close the
`<script>` element that holds it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from legwork.model import Dose, Entry, Exercise, Plan, Span, Tip

Json = dict[str, Any]


def span(value: Span | None) -> Json | None:
    return None if value is None else {"min": value.low, "max": value.high}


def dose_record(dose: Dose) -> Json:
    """A dose with every measure present (null when not given)."""
    return {
        "sets": span(dose.sets), "reps": span(dose.reps),
        "hold_seconds": span(dose.hold_seconds), "duration_seconds": span(dose.duration_seconds),
        "distance_m": span(dose.distance_m), "per_side": dose.per_side,
        "rest_seconds": span(dose.rest_seconds), "per_week": span(dose.per_week),
        "note": dose.note, "suggested": dose.suggested, "summary": dose.summary(),
    }


def slugs(refs: list) -> list[str]:
    return [r.slug for r in refs]


def _common_record(entry: Entry, url: str) -> Json:
    """The fields every entry type has, in its data file.

    The data holds the structured fields; the prose of the body is on the entry's
    page (and in its Markdown source). Leaving it out keeps the files small, and
    an edit to a body alone does not rewrite them.
    """
    return {"slug": entry.slug, "url": url, "title": entry.title, "summary": entry.summary,
            "goals": [g.slug for g in entry.goals], "related": slugs(entry.related)}


def exercise_record(ex: Exercise, url: str) -> Json:
    return {
        **_common_record(ex, url), "aliases": ex.aliases, "kind": ex.kind.slug,
        "level": ex.level.slug,
        "muscles": {"primary": [m.slug for m in ex.primary],
                    "secondary": [m.slug for m in ex.secondary],
                    "named": ex.specific_muscles},
        "equipment": [e.slug for e in ex.equipment], "dose": dose_record(ex.dose),
        "steps": ex.steps, "cues": ex.cues, "mistakes": ex.mistakes, "cautions": ex.cautions,
        "easier": slugs(ex.easier), "harder": slugs(ex.harder),
    }


def tip_record(tip: Tip, url: str) -> Json:
    return {**_common_record(tip, url), "topic": tip.topic.slug,
            "exercises": slugs(tip.exercises)}


def plan_record(plan: Plan, url: str) -> Json:
    return {
        **_common_record(plan, url), "level": plan.level.slug, "weeks": span(plan.weeks),
        "sessions_per_week": span(plan.sessions_per_week),
        "sessions": [{"name": s.name, "note": s.note, "items": [
            {"exercise": item.exercise.slug,
             "dose": dose_record(item.dose) if item.dose else None, "note": item.note}
            for item in s.items]} for s in plan.sessions],
    }


RECORDS = {"exercises": exercise_record, "tips": tip_record, "plans": plan_record}
"""Data file name -> the function that makes one entry's record: (entry, public URL)."""

SEARCH_BODY_CHARS = 400
"""How much of each body the search index keeps: enough to match, small to download."""


def plain_text(markdown: str, title: Callable[[str], str]) -> str:
    """Markdown reduced to words for the search index; `[[slug]]` becomes its title."""
    text = re.sub(r"\[\[([^\]|]+)\|([^\]]+)\]\]", r"\2", markdown)
    text = re.sub(r"\[\[([^\]]+)\]\]", lambda m: title(m[1].strip()), text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[#*_`>|-]+", " ", text)
    return " ".join(text.split())[:SEARCH_BODY_CHARS]


def search_record(entry: Entry, title: Callable[[str], str]) -> Json:
    """One entry in the search index, with short keys to keep the download small."""
    return {"u": entry.url, "t": entry.title, "k": entry.kind_name.capitalize(),
            "a": " ".join(getattr(entry, "aliases", [])), "s": entry.summary,
            "b": plain_text(entry.body, title)}


# --- JSON Schemas (draft 2020-12) -------------------------------------------------

SPAN = {"type": ["object", "null"], "required": ["min", "max"], "additionalProperties": False,
        "properties": {"min": {"type": "integer", "minimum": 1},
                       "max": {"type": "integer", "minimum": 1}}}
TEXTS = {"type": "array", "items": {"type": "string", "minLength": 1}}
SLUGS = {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}}
DOSE = {"type": "object", "additionalProperties": False,
        "required": ["sets", "reps", "hold_seconds", "duration_seconds", "distance_m",
                     "per_side", "rest_seconds", "per_week", "note", "suggested", "summary"],
        "properties": {**{k: SPAN for k in ("sets", "reps", "hold_seconds", "duration_seconds",
                                            "distance_m", "rest_seconds", "per_week")},
                       "per_side": {"type": "boolean"}, "suggested": {"type": "boolean"},
                       "note": {"type": "string"}, "summary": {"type": "string"}}}
COMMON = {"slug": SLUGS["items"], "url": {"type": "string"},
          "title": {"type": "string", "minLength": 1},
          "summary": {"type": "string", "minLength": 1}, "goals": SLUGS,
          "related": SLUGS}


def _schema(name: str, properties: dict[str, Any]) -> Json:
    item = {"type": "object", "additionalProperties": False,
            "required": sorted(properties), "properties": properties}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{name}.schema.json", "title": f"Legwork {name}",
            "type": "array", "items": item}


SCHEMAS: dict[str, Json] = {
    "exercises": _schema("exercises", {
        **COMMON, "aliases": TEXTS, "kind": SLUGS["items"], "level": SLUGS["items"],
        "muscles": {"type": "object", "additionalProperties": False,
                    "required": ["primary", "secondary", "named"],
                    "properties": {"primary": SLUGS, "secondary": SLUGS, "named": TEXTS}},
        "equipment": SLUGS, "dose": DOSE, "steps": TEXTS, "cues": TEXTS,
        "mistakes": TEXTS, "cautions": TEXTS, "easier": SLUGS, "harder": SLUGS}),
    "tips": _schema("tips", {**COMMON, "topic": SLUGS["items"], "exercises": SLUGS}),
    "plans": _schema("plans", {
        **COMMON, "level": SLUGS["items"], "weeks": SPAN, "sessions_per_week": SPAN,
        "sessions": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["name", "note", "items"],
            "properties": {"name": {"type": "string"}, "note": {"type": "string"},
                           "items": {"type": "array", "items": {
                               "type": "object", "additionalProperties": False,
                               "required": ["exercise", "dose", "note"],
                               "properties": {"exercise": SLUGS["items"],
                                              "dose": {"anyOf": [DOSE, {"type": "null"}]},
                                              "note": {"type": "string"}}}}}}}}),
}


# --- schema.org JSON-LD -----------------------------------------------------------

def json_ld(data: Json) -> Markup:
    """JSON for a `<script type="application/ld+json">`; `<`, `>`, `&` are escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def exercise_ld(ex: Exercise, url: str) -> Json:
    data: Json = {
        "@context": "https://schema.org", "@type": "HowTo", "name": ex.title,
        "description": ex.summary,
        "step": [{"@type": "HowToStep", "position": i, "text": text}
                 for i, text in enumerate(ex.steps, start=1)],
        "tool": [{"@type": "HowToTool", "name": e.name} for e in ex.equipment],
        "keywords": ", ".join([*(m.name for m in ex.muscles), *(g.name for g in ex.goals)]),
    }
    return {**data, "url": url} if url else data


def plan_ld(plan: Plan, url: str) -> Json:
    data: Json = {
        "@context": "https://schema.org", "@type": "ExercisePlan", "name": plan.title,
        "description": plan.summary, "intensity": plan.level.name,
        "activityFrequency": f"{plan.sessions_per_week} sessions per week",
        "activityDuration": f"{plan.weeks} weeks",
        "exerciseType": ", ".join(g.name for g in plan.goals),
    }
    return {**data, "url": url} if url else data


def tip_ld(tip: Tip, url: str) -> Json:
    data: Json = {"@context": "https://schema.org", "@type": "Article",
                  "headline": tip.title, "description": tip.summary}
    return {**data, "url": url} if url else data
