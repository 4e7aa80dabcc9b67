"""The entry types and taxonomies of a guide, each declared once.

Every stage asks this module what types and taxonomies there are: loading
(which folders hold entries), checking (how an entry's front matter reads,
which vocabulary files a guide needs), linking (which fields name other
entries), planning (the pages of an entry, an index per type, a page per
term), data files, JSON-LD, `new` stubs and the dev server's edits. Adding
a taxonomy is a vocabulary file and one `Taxonomy` here; adding an entry
type is one `EntryType` here, the module with its code (`legwork/entries/`)
and its templates. See docs/ARCHITECTURE.md for the recipes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from legwork.entries import exercise, plan, tip
from legwork.model import Entry


@dataclass(frozen=True)
class Taxonomy:
    """A vocabulary whose terms get pages listing the entries tagged with them."""

    name: str
    """The vocabulary file (`vocabularies/<name>.yaml`) and the URL folder of its pages."""
    title: str
    """The title of its index page and of its entry in the navigation: "Muscles"."""
    label: str
    """One term, as a filter names it: "Muscle"."""
    key: str | None
    """The front matter field that names the terms; None when the entry type's own
    reader fills them in (muscles: primary and secondary)."""
    types: tuple[str, ...]
    """The entry types that carry it."""
    single: bool = False
    """One term per entry (a level) rather than a list."""
    required: bool = True
    default: str | None = None
    """The term an entry that names none gets, when the vocabulary has it."""
    nav: bool = True
    """Shown in the site's navigation."""

    @property
    def attribute(self) -> str:
        """The `data-*` attribute and URL parameter of the exercise filters."""
        return self.label.lower().replace(" ", "-")


@dataclass(frozen=True)
class EntryType:
    """A type of entry: where its files live and the code that reads and shows it."""

    name: str
    """"exercise": what `new` and messages call it, and `Entry.kind_name`."""
    folder: str
    """Its content folder, URL folder and list in the guide: "exercises"."""
    title: str
    """The title of its index page: "Exercises"."""
    model: type[Entry]
    read: Callable[..., Entry]
    """(raw entry, vocabularies, log) -> the checked entry (see `entries.common`)."""
    page: Callable[..., Any]
    """(planner, entry, neighbours) -> the entry's `Page` (see `pages.EntryPages`)."""
    record: Callable[[Any, str], dict]
    """(entry, public URL) -> its record in `data/<folder>.json`."""
    schema: dict
    """The JSON Schema of one record."""
    describe: Callable[[Any, str], dict]
    """(entry, public URL) -> its schema.org JSON-LD."""
    stub: Callable[[Callable[[str], tuple[str, str]]], str]
    """The front matter of a new entry (after title, draft, summary and goals),
    given (vocabulary) -> (first term, every term)."""
    index_context: Callable[[Any], dict] = field(default=lambda guide: {})
    """Template variables of its index page besides the guide."""
    grouped_by: tuple[str, ...] = ()
    """Fields besides its terms and title that decide where lists show an entry
    (tips are grouped by topic)."""
    vocabularies: tuple[str, ...] = ()
    """Vocabularies its fields use that are no taxonomy (an exercise's kind)."""


TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy("muscles", "Muscles", "Muscle", None, ("exercise",)),
    Taxonomy("goals", "Goals", "Goal", "goals", ("exercise", "tip", "plan")),
    Taxonomy("levels", "Levels", "Level", "level", ("exercise", "plan"), single=True),
    Taxonomy("equipment", "Equipment", "Equipment", "equipment", ("exercise",),
             required=False, default="none", nav=False),
)
"""Vocabularies with a page per term, in navigation order."""

ENTRY_TYPES: tuple[EntryType, ...] = (
    EntryType("exercise", "exercises", "Exercises", exercise.Exercise, exercise.read,
              exercise.page, exercise.record, exercise.SCHEMA, exercise.describe,
              exercise.stub, vocabularies=("kinds",)),
    EntryType("tip", "tips", "Tips", tip.Tip, tip.read, tip.page, tip.record, tip.SCHEMA,
              tip.describe, tip.stub, index_context=tip.index_context,
              grouped_by=("topic",), vocabularies=("topics",)),
    EntryType("plan", "plans", "Plans", plan.Plan, plan.read, plan.page, plan.record,
              plan.SCHEMA, plan.describe, plan.stub),
)
"""Every entry type, in the order lists and backlinks show them."""


def entry_type(name: str) -> EntryType:
    """The type called `name` ("exercise"); a name no declaration has is a bug."""
    return _declared(ENTRY_TYPES, name, "entry type", "types")


def _declared(declarations: tuple, name: str, what: str, plural: str) -> Any:
    for declared in declarations:
        if declared.name == name:
            return declared
    raise LookupError(f"no {what} '{name}' is declared in legwork/registry.py; "
                      f"the {plural} are {', '.join(d.name for d in declarations)}")


def rank(name: str) -> int:
    """Where the entry type `name` comes in lists of several types."""
    names = [declared.name for declared in ENTRY_TYPES]
    if name not in names:
        entry_type(name)  # raises, naming the types there are
    return names.index(name)


def type_of(entry: Entry) -> EntryType:
    """The declared type of `entry`."""
    return entry_type(entry.kind_name)


def folders() -> dict[str, str]:
    """Content folder -> the entry type whose files it holds."""
    return {declared.folder: declared.name for declared in ENTRY_TYPES}


def taxonomy(name: str) -> Taxonomy:
    """The taxonomy called `name` ("muscles"); a name no declaration has is a bug."""
    return _declared(TAXONOMIES, name, "taxonomy", "taxonomies")


def taxonomies_of(type_name: str) -> list[Taxonomy]:
    """The taxonomies that entries of the type `type_name` carry."""
    return [declared for declared in TAXONOMIES if type_name in declared.types]


def vocabularies() -> tuple[str, ...]:
    """The vocabulary files every guide defines: the taxonomies', then the others'."""
    others = [name for declared in ENTRY_TYPES for name in declared.vocabularies]
    return tuple(dict.fromkeys([*(t.name for t in TAXONOMIES), *others]))


def term_keys(entry: Entry) -> list[tuple[str, str]]:
    """(taxonomy, slug) of each term whose page lists `entry`, once each."""
    return list(dict.fromkeys((name, term.slug) for name, terms in entry.terms.items()
                              for term in terms))


def term_fields(entry: Entry) -> dict[str, Any]:
    """The entry's terms for its data record, each taxonomy under its front matter
    field: a slug for a single term, else a list of slugs."""
    found: dict[str, Any] = {}
    for declared in taxonomies_of(entry.kind_name):
        if declared.key is not None:
            slugs = [term.slug for term in entry.terms.get(declared.name, [])]
            found[declared.key] = (slugs[0] if slugs else None) if declared.single else slugs
    return found


def term_schema(type_name: str) -> dict[str, Any]:
    """The JSON Schema of `term_fields` for entries of the type `type_name`."""
    slug = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
    return {declared.key: slug if declared.single else {"type": "array", "items": slug}
            for declared in taxonomies_of(type_name) if declared.key is not None}


def list_signature(entry: Entry) -> tuple:
    """What decides which lists and term pages show an entry, besides its title."""
    grouped = tuple(getattr(entry, name) for name in type_of(entry).grouped_by)
    return (tuple((name, tuple(terms)) for name, terms in entry.terms.items()), grouped)
