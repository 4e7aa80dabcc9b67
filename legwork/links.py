"""Stage 3: resolve every reference between entries and collect backlinks.

References come from front matter (variants, related entries, tip exercises,
plan items, featured plans) and from `[[slug]]` in bodies. Each one must name
an existing, published entry of the right type; anything else is an error
naming the file, the line and the nearest existing slugs.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

from legwork import registry
from legwork.errors import ErrorLog
from legwork.fields import nearest
from legwork.markdown import MarkdownBodies
from legwork.model import Entry, Exercise, Guide, Ref


@dataclass(frozen=True)
class Links:
    """The resolved reference graph of a guide."""

    entries: dict[str, Entry]
    """Slug -> published entry."""
    backlinks: dict[str, list[Entry]] = field(default_factory=dict)
    """Slug -> the entries that refer to it, exercises first, then by title."""
    body_refs: dict[str, list[Ref]] = field(default_factory=dict)
    """Slug -> the `[[slug]]` references in its body."""

    def get(self, ref: Ref) -> Entry:
        """The entry a checked reference points at."""
        return self.entries[ref.slug]

    def all(self, refs: list[Ref]) -> list[Entry]:
        """The entries of several checked references, without repeats."""
        seen: dict[str, Entry] = {}
        for ref in refs:
            seen.setdefault(ref.slug, self.entries[ref.slug])
        return list(seen.values())

    def referrers(self, entry: Entry) -> list[Entry]:
        """What refers to `entry`."""
        return self.backlinks.get(entry.slug, [])


def _order(entry: Entry) -> tuple[int, str, str]:
    return (registry.rank(entry.kind_name), entry.title.casefold(), entry.slug)


def link(guide: Guide, bodies: MarkdownBodies, drafts: set[str], log: ErrorLog,
         unreadable: frozenset[str] = frozenset()) -> Links:
    """Check every reference of `guide` and build the backlinks.

    References to `unreadable` entries (files already reported as broken) are
    not reported again.
    """
    entries = dict(guide.by_slug)
    checker = Checker(entries, drafts, log, unreadable)
    for ref in guide.config.featured_plans:
        checker.check(ref, "featured_plans", "plan")
    referrers: dict[str, set[str]] = {}
    body: dict[str, list[Ref]] = {}
    for entry in guide.entries():
        body_refs = body[entry.slug] = bodies.references(entry)
        checker.check_entry(entry, body_refs)
        for slug in targets(entry, body_refs, entries):
            referrers.setdefault(slug, set()).add(entry.slug)
    check_variant_loops(guide.exercises, log)
    backlinks = {slug: sorted((entries[s] for s in sources), key=_order)
                 for slug, sources in sorted(referrers.items())}
    return Links(entries, backlinks, body)


def targets(entry: Entry, body_refs: list[Ref], entries: dict[str, Entry]) -> set[str]:
    """The other existing entries that `entry` refers to, in front matter or body."""
    return {ref.slug for ref in [*entry.references(), *body_refs]
            if ref.slug in entries and ref.slug != entry.slug}


def relinked(links: Links, edited: dict[str, Entry], body_refs: dict[str, list[Ref]]
             ) -> tuple[Links, set[str]]:
    """The links of a guide after an edit: `edited` are the new values of entries
    (already checked) by slug, `body_refs` their bodies' references. Returns the
    new links and the slugs whose backlinks changed, in who or in what order."""
    entries = {**links.entries, **edited}
    body = {**links.body_refs, **body_refs}
    now = {slug: targets(entry, body[slug], entries) for slug, entry in edited.items()}
    touched = set().union(*now.values(), *(
        targets(links.entries[slug], links.body_refs.get(slug, []), links.entries)
        for slug in edited))
    backlinks = dict(links.backlinks)
    changed = set()
    for target in touched:
        before = links.backlinks.get(target, [])
        sources = [e.slug for e in before if e.slug not in edited] + [
            slug for slug in edited if target in now[slug]]
        after = sorted((entries[slug] for slug in sources), key=_order)
        if list(map(_slug, after)) != list(map(_slug, before)):
            changed.add(target)
        if after:
            backlinks[target] = after
        else:
            backlinks.pop(target, None)
    return Links(entries, backlinks, body), changed


_slug = operator.attrgetter("slug")


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


class Checker:
    """Reports references to missing, draft or wrongly typed entries."""

    def __init__(self, entries: dict[str, Entry], drafts: set[str], log: ErrorLog,
                 unreadable: frozenset[str]) -> None:
        self.entries = entries
        self.drafts = drafts
        self.log = log
        self.unreadable = unreadable

    def check(self, ref: Ref, label: str, wanted: str | None,
              source: Entry | None = None) -> None:
        target = self.entries.get(ref.slug)
        if ref.slug in self.unreadable and target is None:
            return
        if ref.slug in self.drafts:
            problem = (f"'{label}' refers to '{ref.slug}', which is a draft; publish it "
                       "(remove 'draft: true') or build with --drafts")
        elif target is None:
            problem = (f"unknown entry '{ref.slug}' in '{label}'"
                       f"{nearest(ref.slug, sorted(self.entries))}")
        elif source is not None and target.slug == source.slug and label != f"[[{ref.slug}]]":
            problem = f"'{label}' lists the entry itself; name another entry"
        elif wanted is not None and target.kind_name != wanted:
            problem = (f"'{label}' needs {_a(wanted)}, "
                       f"but '{ref.slug}' is {_a(target.kind_name)}")
        else:
            return
        self.log.add(ref.path, ref.line, ref.column, problem)

    def check_entry(self, entry: Entry, body_refs: list[Ref]) -> None:
        """Check the front matter and body references of one entry."""
        for label, refs, wanted in entry.reference_fields():
            for ref in refs:
                self.check(ref, label, wanted, source=entry)
        for ref in body_refs:
            self.check(ref, f"[[{ref.slug}]]", None, source=entry)


def check_variant_loops(exercises: list[Exercise], log: ErrorLog) -> None:
    """An easier/harder chain must lead somewhere: a -> harder b -> harder a is an error."""
    harder: dict[str, list[Ref]] = {e.slug: [] for e in exercises}
    for exercise in exercises:
        for ref in exercise.harder:
            harder[exercise.slug].append(ref)
        for ref in exercise.easier:
            if ref.slug in harder and ref.slug != exercise.slug:
                harder[ref.slug].append(Ref(exercise.slug, ref.path, ref.line, ref.column))
    for loop in _find_loops(harder):
        ref = next(r for r in harder[loop[-2]] if r.slug == loop[-1])
        chain = " -> ".join(loop)
        log.add(ref.path, ref.line, ref.column, f"easier/harder variants form a loop "
                f"({chain}, each harder than the last); remove one of these links")


def _find_loops(harder: dict[str, list[Ref]]) -> list[list[str]]:
    """Cycles in the harder-than graph, each found once (depth-first, three colours)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    loops: list[list[str]] = []

    def visit(slug: str, path: list[str]) -> None:
        state[slug] = 1
        path.append(slug)
        for ref in harder[slug]:
            if ref.slug not in harder:
                continue
            if state.get(ref.slug) == 1:
                loops.append([*path[path.index(ref.slug):], ref.slug])
            elif ref.slug not in state:
                visit(ref.slug, path)
        path.pop()
        state[slug] = 2

    for slug in sorted(harder):
        if slug not in state:
            visit(slug, [])
    return loops
