"""Plans: a block of weeks made of sessions of exercises."""

from __future__ import annotations

from typing import Any

from legwork.entries.common import entry_page, read_dose, slugs
from legwork.fields import Fields
from legwork.model import Entry, Plan, PlanItem, Session, Vocabulary
from legwork.structured import COMMON, DOSE, SLUGS, SPAN, Json, common_record, dose_record, span

__all__ = ["Plan", "read", "page", "record", "SCHEMA", "describe", "stub"]


def read(fields: Fields, vocabularies: dict[str, Vocabulary], common: dict[str, Any]) -> Plan:
    """A plan from its front matter: weeks, sessions and their exercises."""
    sessions = []
    for session in fields.mappings("sessions", required=True):
        items = []
        for item in session.mappings("items", required=True):
            exercise = item.ref("exercise")
            dose = read_dose(item.mapping("dose"))
            note = item.text("note", required=False)
            if exercise is not None:
                items.append(PlanItem(exercise, dose, note))
            item.finish()
        sessions.append(Session(session.text("name"), session.text("note", required=False),
                                items))
        session.finish()
    return Plan(
        **common,
        weeks=fields.span("weeks", required=True),
        sessions_per_week=fields.span("sessions_per_week", required=True),
        sessions=sessions,
    )


def page(planner: Any, plan: Plan, neighbours: dict[str, Entry | None]):
    """The plan's page: its sessions show each exercise's dose."""
    links = planner.links
    used = links.all([item.exercise for s in plan.sessions for item in s.items])
    return entry_page(plan, {"exercises": {e.slug: e for e in used},
                             "related": links.all(plan.related)},
                      slugs(used), links.all(plan.related), links, planner.guide, neighbours,
                      describe)


def record(plan: Plan, url: str) -> Json:
    return {
        **common_record(plan, url), "weeks": span(plan.weeks),
        "sessions_per_week": span(plan.sessions_per_week),
        "sessions": [{"name": s.name, "note": s.note, "items": [
            {"exercise": item.exercise.slug,
             "dose": dose_record(item.dose) if item.dose else None, "note": item.note}
            for item in s.items]} for s in plan.sessions],
    }


SCHEMA: Json = {
    **COMMON, "weeks": SPAN, "sessions_per_week": SPAN,
    "sessions": {"type": "array", "items": {
        "type": "object", "additionalProperties": False,
        "required": ["name", "note", "items"],
        "properties": {"name": {"type": "string"}, "note": {"type": "string"},
                       "items": {"type": "array", "items": {
                           "type": "object", "additionalProperties": False,
                           "required": ["exercise", "dose", "note"],
                           "properties": {"exercise": SLUGS["items"],
                                         "dose": {"anyOf": [DOSE, {"type": "null"}]},
                                         "note": {"type": "string"}}}}}}}}


def describe(plan: Plan, url: str) -> Json:
    """schema.org `ExercisePlan`."""
    data: Json = {
        "@context": "https://schema.org", "@type": "ExercisePlan", "name": plan.title,
        "description": plan.summary, "intensity": plan.level.name,
        "activityFrequency": f"{plan.sessions_per_week} sessions per week",
        "activityDuration": f"{plan.weeks} weeks",
        "exerciseType": ", ".join(g.name for g in plan.goals),
    }
    return {**data, "url": url} if url else data


def stub(choice) -> str:
    level, levels = choice("levels")
    exercise, _ = choice("exercises")
    return f"""level: {level}              # one of: {levels}
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
