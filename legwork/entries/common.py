"""What every entry type's code shares: reading the common fields and doses,
and planning an entry's page."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from legwork import structured
from legwork.fields import Fields
from legwork.model import Dose, Entry, Guide, Term, Vocabulary
from legwork.page import Page
from legwork.urls import public_url

if TYPE_CHECKING:
    from legwork.links import Links
    from legwork.load import RawEntry


def read_common(raw: RawEntry, fields: Fields, vocabularies: dict[str, Vocabulary],
                taxonomies: list) -> dict[str, Any]:
    """The fields every entry has, with its terms in each of `taxonomies` that
    names a front matter field (the type's reader adds the others)."""
    terms: dict[str, list[Term]] = {}
    for taxonomy in taxonomies:
        if taxonomy.key is None:
            continue
        vocabulary = vocabularies.get(taxonomy.name)
        if taxonomy.single:
            found = fields.term(taxonomy.key, vocabulary, taxonomy.required)
            terms[taxonomy.name] = [found] if found else []
        else:
            terms[taxonomy.name] = fields.terms(taxonomy.key, vocabulary, taxonomy.required)
        if not terms[taxonomy.name] and taxonomy.default and vocabulary:
            default = vocabulary.terms.get(taxonomy.default)
            terms[taxonomy.name] = [default] if default else []
    return dict(
        slug=raw.slug,
        path=raw.path,
        title=fields.text("title"),
        summary=fields.text("summary"),
        body=raw.body,
        body_line=raw.body_line,
        terms=terms,
        related=fields.refs("related"),
        draft=fields.boolean("draft"),
    )


def read_dose(fields: Fields | None) -> Dose | None:
    """Read a dose mapping; at least one measure of work is required."""
    if fields is None:
        return None
    dose = Dose(
        sets=fields.span("sets"),
        reps=fields.span("reps"),
        hold_seconds=fields.span("hold_seconds"),
        duration_seconds=fields.span("duration_seconds"),
        distance_m=fields.span("distance_m"),
        per_side=fields.boolean("per_side"),
        rest_seconds=fields.span("rest_seconds"),
        per_week=fields.span("per_week"),
        note=fields.text("note", required=False),
        suggested=fields.boolean("suggested"),
    )
    measures = ("reps", "hold_seconds", "duration_seconds", "distance_m")
    if not any(fields.data.get(m) is not None for m in measures):
        fields.error((), f"dose needs one of {', '.join(measures)}")
    if dose.per_week and dose.per_week.high > 7:
        fields.error("per_week", "'dose.per_week' cannot be more than 7")
    fields.finish()
    return dose


_slug = operator.attrgetter("slug")


def slugs(entries: list) -> frozenset[str]:
    return frozenset(map(_slug, entries))


def entry_page(entry: Entry, context: dict[str, Any], shown: frozenset[str], linked: list,
               links: Links, guide: Guide, neighbours: dict[str, Entry | None],
               describe: Callable) -> Page:
    """The page of `entry`: its template is `<type>.html`. `shown` are the entries
    the page shows besides the entry itself, `linked` those it names by title only,
    besides its neighbours, backlinks and the entries its body links to."""
    own = frozenset([entry.slug])
    shown = shown | own
    linked = slugs([*linked, *links.referrers(entry), *present(neighbours),
                    *linked_from_body(links, entry)]) - shown
    url = public_url(entry.url, guide.config.base_url)
    return Page(entry.url, f"{entry.kind_name}.html", entry.title,
                {entry.kind_name: entry, "referrers": links.referrers(entry), **context,
                 **neighbours},
                shown, own, linked, breadcrumbs=((entry.folder.capitalize(), f"{entry.folder}/"),),
                entry=entry,
                deferred=lambda: {"json_ld": structured.json_ld(describe(entry, url))})


def linked_from_body(links: Links, entry: Entry) -> list[Entry]:
    """The entries its body links to with `[[slug]]`: each link shows the target's title."""
    return [links.entries[ref.slug] for ref in links.body_refs.get(entry.slug, [])
            if ref.slug in links.entries]


def present(neighbours: dict[str, Entry | None]) -> list[Entry]:
    return [e for e in neighbours.values() if e is not None]
