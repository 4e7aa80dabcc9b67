"""Stage 3: resolve every reference between entries and collect backlinks.

References come from front matter (variants, related entries, tip exercises,
plan items, featured plans) and from `[[slug]]` in bodies. Each one must name
an existing, published entry of the right type; anything else is an error
naming the file, the line and the nearest existing slugs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from legwork import registry
from legwork.errors import ErrorLog
from legwork.fields import nearest
from legwork.markdown import MarkdownBodies
from legwork.model import Entry, Exercise, Guide, Ref


@dataclass
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
    links = Links(entries=guide.by_slug())
    checker = Checker(links.entries, drafts, log, unreadable)
    for ref in guide.config.featured_plans:
        checker.check(ref, "featured_plans", "plan")
    referrers: dict[str, set[str]] = {}
    for entry in guide.entries():
        body_refs = bodies.references(entry)
        links.body_refs[entry.slug] = body_refs
        checker.check_entry(entry, body_refs)
        for slug in targets(entry, body_refs, links.entries):
            referrers.setdefault(slug, set()).add(entry.slug)
    check_variant_loops(guide.exercises, log)
    links.backlinks = {slug: sorted((links.entries[s] for s in sources), key=_order)
                       for slug, sources in sorted(referrers.items())}
    return links


def targets(entry: Entry, body_refs: list[Ref], entries: dict[str, Entry]) -> set[str]:
    """The other existing entries that `entry` refers to, in front matter or body."""
    return {ref.slug for ref in [*entry.references(), *body_refs]
            if ref.slug in entries and ref.slug != entry.slug}


def relink(links: Links, before: Entry, after: Entry, body_refs: list[Ref]) -> set[str]:
    """Record the references of an edited entry (already checked): `before` is how
    it was, `after` how it is now, under the same slug; `body_refs` are its body's.

    Returns the slugs whose backlinks changed.
    """
    published = links.entries[after.slug]
    old = targets(before, links.body_refs.get(before.slug, []), links.entries)
    new = targets(after, body_refs, links.entries)
    links.body_refs[after.slug] = body_refs
    for slug in old - new:
        links.backlinks[slug] = [e for e in links.backlinks[slug] if e is not published]
        if not links.backlinks[slug]:
            del links.backlinks[slug]
    for slug in new - old:
        links.backlinks[slug] = sorted([*links.backlinks.get(slug, []), published], key=_order)
    return old ^ new


def reorder(links: Links, entry: Entry) -> set[str]:
    """Put `entry` back in its place in the backlinks of what it refers to, after
    its title changed. Returns the slugs whose backlinks changed order."""
    moved = set()
    for slug in targets(entry, links.body_refs.get(entry.slug, []), links.entries):
        backlinks = links.backlinks[slug]
        before = list(backlinks)
        backlinks.sort(key=_order)
        if any(a is not b for a, b in zip(backlinks, before, strict=True)):
            moved.add(slug)
    return moved


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
