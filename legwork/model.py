"""The checked Guide: vocabularies, exercises, tips and plans.

Objects are built by `validate` and only read afterwards. Each page-bearing
object knows its own `url` (a directory URL relative to the site root).
"""

from __future__ import annotations

import bisect
import functools
import operator
from dataclasses import astuple, dataclass, field


@dataclass(frozen=True)
class Span:
    """A numeric amount or range, e.g. reps 15 or reps 8-10."""

    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}\u2013{self.high}"


def same_vocabularies(a: dict[str, Vocabulary], b: dict[str, Vocabulary]) -> bool:
    """Whether two sets of vocabularies say the same, down to each term's name and
    description (terms themselves compare by vocabulary and slug only)."""
    return a is b or {k: astuple(v) for k, v in a.items()} == \
        {k: astuple(v) for k, v in b.items()}


@dataclass(frozen=True, eq=False)
class Term:
    """One word of a vocabulary, e.g. the muscle group `calves`.

    Terms are equal when vocabulary and slug are; hashing only those keeps set
    and dict look-ups cheap on large guides.
    """

    vocabulary: str
    """Name of its vocabulary file, e.g. "muscles"."""
    slug: str
    name: str
    description: str
    muscles: tuple[str, ...] = ()
    """For muscle groups: the specific muscles it contains."""
    folder: str = ""
    """URL folder of the term's page, "" when its vocabulary is no taxonomy."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and (self.vocabulary, self.slug) == (
            other.vocabulary, other.slug)

    def __hash__(self) -> int:
        return hash((self.vocabulary, self.slug))

    @property
    def url(self) -> str:
        """Directory URL of the term's page ("" when its vocabulary has no pages)."""
        return f"{self.folder}/{self.slug}/" if self.folder else ""


@dataclass(frozen=True)
class Vocabulary:
    """A content-defined list of terms (muscle groups, goals, levels, ...)."""

    name: str
    path: str
    terms: dict[str, Term]
    """Slug -> term, in the order the file gives them."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Other accepted words -> slug (for muscles: specific muscle -> group)."""

    @property
    def term_label(self) -> str:
        """How one term is called in messages: "muscle", "goal", "equipment"."""
        return self.name[:-1] if self.name.endswith("s") else self.name

    def lookup(self, word: str) -> Term | None:
        """The term named by a slug or an alias, or None."""
        slug = word if word in self.terms else self.aliases.get(word)
        return self.terms.get(slug) if slug else None

    def words(self) -> list[str]:
        """Every accepted word, for "did you mean" suggestions."""
        return [*self.terms, *self.aliases]


@dataclass(frozen=True)
class Ref:
    """A reference to an entry by slug, with where it was written."""

    slug: str
    path: str
    line: int
    column: int


@dataclass(frozen=True)
class Dose:
    """How much of an exercise to do."""

    sets: Span | None = None
    reps: Span | None = None
    hold_seconds: Span | None = None
    duration_seconds: Span | None = None
    distance_m: Span | None = None
    per_side: bool = False
    rest_seconds: Span | None = None
    per_week: Span | None = None
    note: str = ""
    suggested: bool = False
    """True when the dose is the guide's suggestion, not from the sources."""

    def work(self) -> str:
        """The work of one set, e.g. "15 reps each side" or "hold 30 s"."""
        parts = []
        if self.reps:
            parts.append(f"{self.reps} reps")
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds} s")
        if self.duration_seconds:
            parts.append(f"{self.duration_seconds} s")
        if self.distance_m:
            parts.append(f"{self.distance_m} m")
        text = ", ".join(parts)
        return f"{text} each side" if text and self.per_side else text

    def summary(self) -> str:
        """One line, e.g. "3 × 15 reps, rest 20 s, 3/week"."""
        text = self.work()
        if self.sets:
            text = f"{self.sets} \u00d7 {text}" if text else f"{self.sets} sets"
        extras = []
        if self.rest_seconds:
            extras.append(f"rest {self.rest_seconds} s")
        if self.per_week:
            extras.append(frequency(self.per_week))
        return ", ".join([t for t in [text, *extras] if t])


def frequency(per_week: Span) -> str:
    """A weekly frequency in words: "daily" or "3–4 times a week"."""
    if per_week.low == per_week.high == 7:
        return "daily"
    if per_week.low == per_week.high == 1:
        return "once a week"
    return f"{per_week} times a week"


@dataclass(frozen=True)
class Entry:
    """What exercises, tips and plans share."""

    slug: str
    path: str
    title: str
    summary: str
    body: str
    body_line: int
    terms: dict[str, list[Term]]
    """Taxonomy name -> the entry's terms in it, as written (see `legwork.registry`)."""
    related: list[Ref]
    draft: bool

    kind_name = "entry"
    folder = ""

    @property
    def url(self) -> str:
        """Directory URL of the entry's page."""
        return f"{self.folder}/{self.slug}/"

    @property
    def goals(self) -> list[Term]:
        return self.terms.get("goals", [])

    def reference_fields(self) -> list[tuple[str, list[Ref], str | None]]:
        """(field, references, entry type they must name or None for any) of each
        front matter field that names other entries."""
        return [("related", self.related, None)]

    def references(self) -> list[Ref]:
        """Front matter references to other entries."""
        return [ref for _, refs, _ in self.reference_fields() for ref in refs]


@dataclass(frozen=True)
class Exercise(Entry):
    """A movement with its muscles, dose and how-to."""

    aliases: list[str]
    kind: Term
    primary: list[Term]
    secondary: list[Term]
    specific_muscles: list[str]
    """Named muscles given in front matter (e.g. "soleus"), in order."""
    dose: Dose
    steps: list[str]
    cues: list[str]
    mistakes: list[str]
    cautions: list[str]
    easier: list[Ref]
    harder: list[Ref]

    kind_name = "exercise"
    folder = "exercises"

    @property
    def level(self) -> Term | None:
        return _first(self.terms.get("levels"))

    @property
    def equipment(self) -> list[Term]:
        return self.terms.get("equipment", [])

    @property
    def muscles(self) -> list[Term]:
        """Primary then secondary muscle groups."""
        return [*self.primary, *self.secondary]

    def reference_fields(self) -> list[tuple[str, list[Ref], str | None]]:
        return [("easier", self.easier, "exercise"), ("harder", self.harder, "exercise"),
                *super().reference_fields()]


@dataclass(frozen=True)
class Tip(Entry):
    """Advice for runners, pointing at the exercises it mentions."""

    topic: Term
    exercises: list[Ref]

    kind_name = "tip"
    folder = "tips"

    def reference_fields(self) -> list[tuple[str, list[Ref], str | None]]:
        return [("exercises", self.exercises, "exercise"), *super().reference_fields()]


@dataclass(frozen=True)
class PlanItem:
    """One exercise in a session, with the dose for this plan."""

    exercise: Ref
    dose: Dose | None
    note: str


@dataclass(frozen=True)
class Session:
    """One training session of a plan."""

    name: str
    note: str
    items: list[PlanItem]


@dataclass(frozen=True)
class Plan(Entry):
    """A block of weeks made of sessions of exercises."""

    weeks: Span
    sessions_per_week: Span
    sessions: list[Session]

    kind_name = "plan"
    folder = "plans"

    @property
    def level(self) -> Term | None:
        return _first(self.terms.get("levels"))

    def reference_fields(self) -> list[tuple[str, list[Ref], str | None]]:
        items = [item.exercise for session in self.sessions for item in session.items]
        return [("exercise", items, "exercise"), *super().reference_fields()]


def sort_key(entry: Entry) -> tuple[str, str]:
    """Where an entry sits in its list: by title, regardless of case, then slug."""
    return (entry.title.casefold(), entry.slug)


def _first(terms: list[Term] | None) -> Term | None:
    return terms[0] if terms else None


@dataclass(frozen=True)
class SiteConfig:
    """Site-wide settings from `site.yaml`."""

    title: str
    description: str = ""
    language: str = "en"
    base_url: str = ""
    """Public URL ending in "/", e.g. https://user.github.io/legwork/; "" if unknown."""
    author: str = ""
    cname: str = ""
    """Custom domain for GitHub Pages, written to `CNAME` when set."""
    featured_plans: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Guide:
    """The whole checked content: a value. An edit makes a new guide (`replace`)."""

    config: SiteConfig
    vocabularies: dict[str, Vocabulary]
    lists: dict[str, list[Entry]]
    """Entry type folder ("exercises", ...) -> its entries sorted by title, in the
    order the registry declares the types. `guide.exercises` is `lists["exercises"]`."""

    def __getattr__(self, name: str) -> list[Entry]:
        lists = self.__dict__.get("lists")
        if lists is None or name not in lists:
            raise AttributeError(f"a guide has no {name!r}")
        return lists[name]

    def entries(self) -> list[Entry]:
        """Every entry: each type's in turn, each sorted by title."""
        return [entry for listed in self.lists.values() for entry in listed]

    @functools.cached_property
    def slugs(self) -> dict[str, frozenset[str]]:
        """Each type folder ("exercises", ...) and "entries" -> the slugs of those entries."""
        found = {name: frozenset(entry.slug for entry in listed)
                 for name, listed in self.lists.items()}
        return {**found, "entries": frozenset().union(*found.values())}

    @functools.cached_property
    def in_slug_order(self) -> dict[str, list[Entry]]:
        """Each type folder and "entries" -> those entries in slug order: the data
        files and the search index list them so, and a new title rewrites one
        record of each."""
        found = {name: sorted(listed, key=_slug) for name, listed in self.lists.items()}
        return {**found, "entries": sorted(self.entries(), key=_slug)}

    @functools.cached_property
    def by_slug(self) -> dict[str, Entry]:
        """Slug -> entry; with a duplicate slug (an error) the first one wins."""
        found: dict[str, Entry] = {}
        for entry in self.entries():
            found.setdefault(entry.slug, entry)
        return found

    def replace(self, edited: dict[str, Entry]) -> Guide:
        """This guide with the entries `edited` (old entry's slug -> its new value,
        of the same type and slug) in place of the old: each in its lists, where
        it sorts now. What the edit leaves as it was is carried over, so that
        an edit costs a copy of the lists it changes, not a new guide's work."""
        lists = dict(self.lists)
        for folder in {entry.folder for entry in edited.values()}:
            mine = [entry for entry in edited.values() if entry.folder == folder]
            listed = lists[folder] = list(lists[folder])
            for entry in sorted(mine, key=_slug):  # the old ones out, found by title
                old = self.by_slug[entry.slug]
                del listed[bisect.bisect_left(listed, sort_key(old), key=sort_key)]
            for entry in mine:
                bisect.insort(listed, entry, key=sort_key)
        guide = Guide(self.config, self.vocabularies, lists)
        found = guide.__dict__
        found["slugs"] = self.slugs
        found["by_slug"] = {**self.by_slug, **edited}
        if "in_slug_order" in self.__dict__:
            found["in_slug_order"] = {name: _swapped(listed, edited)
                                      for name, listed in self.in_slug_order.items()}
        return guide


_slug = operator.attrgetter("slug")


def _swapped(by_slug: list[Entry], edited: dict[str, Entry]) -> list[Entry]:
    """A copy of a list in slug order, with the `edited` entries in their places."""
    swapped = list(by_slug)
    for slug, entry in edited.items():
        at = bisect.bisect_left(swapped, slug, key=_slug)
        if at < len(swapped) and swapped[at].slug == slug:
            swapped[at] = entry
    return swapped
