"""Tips: advice for runners, pointing at the exercises it mentions."""

from __future__ import annotations

from typing import Any

from legwork.entries.common import entry_page
from legwork.fields import Fields
from legwork.model import Entry, Guide, Tip, Vocabulary
from legwork.structured import COMMON, SLUGS, Json, common_record, refs

__all__ = ["Tip", "read", "page", "record", "SCHEMA", "describe", "stub", "index_context"]


def read(fields: Fields, vocabularies: dict[str, Vocabulary], common: dict[str, Any]) -> Tip:
    """A tip from its front matter (`common`: the fields every entry has)."""
    return Tip(**common, topic=fields.term("topic", vocabularies.get("topics")),
               exercises=fields.refs("exercises"))


def page(planner: Any, tip: Tip, neighbours: dict[str, Entry | None]):
    """The tip's page, with the exercises it mentions."""
    links = planner.links
    exercises = links.all(tip.exercises)
    related = links.all(tip.related)
    return entry_page(tip, {"exercises": exercises, "related": related}, frozenset(),
                      [*exercises, *related], links, planner.guide, neighbours, describe)


def index_context(guide: Guide) -> dict[str, Any]:
    """The tips index shows them by topic, in the vocabulary's order."""
    topics = guide.vocabularies["topics"].terms
    by_topic: dict[str, list[Entry]] = {slug: [] for slug in topics}
    for tip in guide.tips:
        by_topic[tip.topic.slug].append(tip)
    return {"topics": [(topics[slug], tips) for slug, tips in by_topic.items() if tips]}


def record(tip: Tip, url: str) -> Json:
    return {**common_record(tip, url), "topic": tip.topic.slug, "exercises": refs(tip.exercises)}


SCHEMA: Json = {**COMMON, "topic": SLUGS["items"], "exercises": SLUGS}


def describe(tip: Tip, url: str) -> Json:
    """schema.org `Article`."""
    data: Json = {"@context": "https://schema.org", "@type": "Article",
                  "headline": tip.title, "description": tip.summary}
    return {**data, "url": url} if url else data


def stub(choice) -> str:
    topic, topics = choice("topics")
    return f"""topic: {topic}              # one of: {topics}
exercises: []                # slugs of the exercises the tip mentions
related: []
---
The advice, in a few short paragraphs. Link exercises with `[[slug]]`.
"""
