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

from legwork.model import Dose, Entry, Span

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


def refs(found: list) -> list[str]:
    """The slugs of references."""
    return [r.slug for r in found]


def common_record(entry: Entry, url: str) -> Json:
    """The fields every entry type has, in its data file.

    The data holds the structured fields; the prose of the body is on the entry's
    page (and in its Markdown source). Leaving it out keeps the files small, and
    an edit to a body alone does not rewrite them.
    """
    return {"slug": entry.slug, "url": url, "title": entry.title, "summary": entry.summary,
            "related": refs(entry.related)}


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
            "g": " ".join(dict.fromkeys(term.name for terms in entry.terms.values()
                                        for term in terms)),
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
          "summary": {"type": "string", "minLength": 1}, "related": SLUGS}


def schema(name: str, properties: dict[str, Any]) -> Json:
    """The JSON Schema of `data/<name>.json`: an array of records with `properties`."""
    item = {"type": "object", "additionalProperties": False,
            "required": sorted(properties), "properties": properties}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{name}.schema.json", "title": f"Legwork {name}",
            "type": "array", "items": item}


# --- schema.org JSON-LD -----------------------------------------------------------

def json_ld(data: Json) -> Markup:
    """JSON for a `<script type="application/ld+json">`; `<`, `>`, `&` are escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
