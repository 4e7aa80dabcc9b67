"""Randomized differential test of the dev server's rebuilds.

The differential oracle is the spec: after every save, the site a served builder
brought up to date with `rebuild(changed)` must be, byte for byte and folder for
folder, the site a fresh builder makes from the same sources. Nothing else is
asserted about what a rebuild renders or writes; how it gets there is its own
business.

Each seed drives one served guide of 120 entries through a sequence of saves. A
save changes one to three files, as an editor or a `git checkout` would: an entry's
body, title (moving it in the lists), muscles, level or goals; a new entry, a
deleted one, a renamed one; a vocabulary term described anew or added; a template.
The builder is told which files changed, old names of deleted and renamed files
included, as the watcher of `build.py serve` tells it. Every change keeps the guide
valid, so every save must build.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from benchmarks.corpus import LEVELS, MUSCLES, WORDS, generate
from legwork.builder import SiteBuilder
from legwork.project import Cache
from tests.conftest import REPO, make_project, tree

ENTRIES = 120
SAVES = 12
SEEDS = [1, 2, 3]


class Sources:
    """The project a seed edits: content, templates and static files in tmp_path."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.content = root / "content"
        self.rng = rng
        self.made = 0
        """Changes made so far, to keep new titles, slugs and texts apart."""
        self.shown: list[bytes] = []
        """What the templates were given to show, which the site must show."""

    def entries(self, *kinds: str) -> list[Path]:
        """The entry files of `kinds` (exercises, tips, plans; all when none)."""
        return sorted(path for kind in kinds or ("exercises", "tips", "plans")
                      for path in (self.content / kind).glob("*.md"))

    def terms(self, vocabulary: str) -> list[str]:
        return list(yaml.safe_load((self.content / "vocabularies" /
                                    f"{vocabulary}.yaml").read_text()))

    def unlinked(self) -> list[Path]:
        """Entries no other file names, which may go without breaking a link."""
        texts = {path: path.read_text() for path in self.entries()}
        return [path for path in texts
                if not any(re.search(rf"(?<![\w-]){re.escape(path.stem)}(?![\w-])", text)
                           for other, text in texts.items() if other != path)]

    def text(self) -> str:
        self.made += 1
        return " ".join(self.rng.choice(WORDS) for _ in range(4)) + f" {self.made}"


def replace(path: Path, pattern: str, replacement: str) -> None:
    """Replace the first line matching `pattern` (which must be there)."""
    text, count = re.subn(pattern, replacement, path.read_text(), count=1, flags=re.M)
    assert count == 1, (path, pattern)
    path.write_text(text)


def edit_body(sources: Sources) -> tuple[str, set[Path]]:
    rng = sources.rng
    path = rng.choice(sources.entries())
    head, body = path.read_text().split("\n---\n", 1)
    links = re.findall(r"\[\[([a-z0-9-]+)\]\]", body)
    if links and rng.random() < 0.3:
        body = body.replace(f"[[{links[0]}]]", links[0], 1)
        what = f"unlinked {links[0]}"
    elif rng.random() < 0.5:
        target = rng.choice(sources.entries()).stem
        body += f"\nSee also [[{target}]].\n"
        what = f"linked {target}"
    else:
        body = body.replace(".", f". {sources.text().capitalize()}.", 1)
        what = "text"
    path.write_text(f"{head}\n---\n{body}")
    return f"body of {path.stem}: {what}", {path}


def edit_title(sources: Sources) -> tuple[str, set[Path]]:
    path = sources.rng.choice(sources.entries())
    title = f"{sources.rng.choice(['Aa', 'Mm', 'Zz'])} {sources.text()}"
    replace(path, r"^title: .*$", f"title: {title}")
    return f"title of {path.stem}: {title}", {path}


def edit_muscles(sources: Sources) -> tuple[str, set[Path]]:
    path = sources.rng.choice(sources.entries("exercises"))
    secondary = re.search(r"^  secondary: \[(.*)\]$", path.read_text(), re.M)
    free = [m for m in MUSCLES if not secondary or m not in secondary[1].split(", ")]
    primary = sources.rng.sample(free, sources.rng.choice([1, 2]))
    replace(path, r"^  primary: \[.*\]$", f"  primary: [{', '.join(primary)}]")
    return f"muscles of {path.stem}: {primary}", {path}


def edit_level(sources: Sources) -> tuple[str, set[Path]]:
    path = sources.rng.choice(sources.entries("exercises", "plans"))
    was = re.search(r"^level: (.*)$", path.read_text(), re.M)[1]
    level = sources.rng.choice([level for level in LEVELS if level != was])
    replace(path, r"^level: .*$", f"level: {level}")
    return f"level of {path.stem}: {level}", {path}


def edit_goals(sources: Sources) -> tuple[str, set[Path]]:
    path = sources.rng.choice(sources.entries())
    goals = sources.terms("goals")
    chosen = sources.rng.sample(goals, sources.rng.randint(1, len(goals)))
    replace(path, r"^goals: \[.*\]$", f"goals: [{', '.join(chosen)}]")
    return f"goals of {path.stem}: {chosen}", {path}


def new_entry(sources: Sources) -> tuple[str, set[Path]]:
    rng = sources.rng
    exercises = [path.stem for path in sources.entries("exercises")]
    title = f"{rng.choice(['Aa', 'Mm', 'Zz'])} {sources.text()}"
    slug = f"new-{sources.made}"
    link = rng.choice(sources.entries()).stem
    if rng.random() < 0.6:
        path = sources.content / "exercises" / f"{slug}.md"
        path.write_text(f"""---
title: {title}
summary: A new exercise.
kind: {rng.choice(sources.terms("kinds"))}
level: {rng.choice(LEVELS)}
goals: [{rng.choice(sources.terms("goals"))}]
muscles:
  primary: [{rng.choice(MUSCLES)}]
equipment: [{rng.choice(sources.terms("equipment"))}]
dose:
  sets: 3
  reps: 10
steps:
  - {sources.text().capitalize()}.
---
Added while serving; see [[{link}]].
""")
    else:
        path = sources.content / "tips" / f"{slug}.md"
        path.write_text(f"""---
title: {title}
summary: A new tip.
goals: [{rng.choice(sources.terms("goals"))}]
topic: {rng.choice(sources.terms("topics"))}
exercises: [{', '.join(rng.sample(exercises, 2))}]
---
Added while serving; see [[{link}]].
""")
    return f"new {path.parent.name[:-1]} {slug}: {title}", {path}


def unlinked_entry(sources: Sources) -> tuple[Path, set[Path]]:
    """An entry no other file names, made if there is none; and the files made."""
    unlinked = sources.unlinked()
    if unlinked:
        return sources.rng.choice(unlinked), set()
    _, made = new_entry(sources)
    return next(iter(made)), made


def delete_entry(sources: Sources) -> tuple[str, set[Path]]:
    path, made = unlinked_entry(sources)
    path.unlink()
    return f"deleted {path.stem}", {path} | made


def rename_entry(sources: Sources) -> tuple[str, set[Path]]:
    path, made = unlinked_entry(sources)
    sources.made += 1
    renamed = path.with_name(f"renamed-{sources.made}.md")
    path.rename(renamed)
    return f"renamed {path.stem} to {renamed.stem}", {path, renamed} | made


def edit_vocabulary(sources: Sources) -> tuple[str, set[Path]]:
    rng = sources.rng
    if rng.random() < 0.5:
        vocabulary = rng.choice(["muscles", "goals", "levels", "equipment", "kinds", "topics"])
        path = sources.content / "vocabularies" / f"{vocabulary}.yaml"
        term = rng.choice(sources.terms(vocabulary))
        lines = path.read_text().split("\n")
        end = next(at for at in range(lines.index(f"{term}:"), len(lines))
                   if lines[at].startswith("  description:"))
        while lines[end + 1].startswith("    "):  # a description folded onto more lines
            end += 1
        lines[end] += f" {sources.text().capitalize()}."
        path.write_text("\n".join(lines))
        return f"{vocabulary}: {term} described anew", {path}
    vocabulary = rng.choice(["equipment", "kinds", "topics"])
    path = sources.content / "vocabularies" / f"{vocabulary}.yaml"
    term = f"new-term-{sources.made + 1}"
    with path.open("a") as file:
        file.write(f"{term}:\n  name: {sources.text().capitalize()}\n"
                   "  description: Added while serving.\n")
    return f"{vocabulary}: new term {term}", {path}


TEMPLATE_PLACES = [("base.html", "</footer>"), ("exercise.html", "</h1>"),
                   ("tip.html", "</h1>"), ("plan.html", "</h1>"), ("term.html", "</h1>"),
                   ("deck.html", "</h1>"), ("_macros.html", '<li><a class="badge goal"'),
                   ("_items.html", "<p>{{ entry.summary }}</p>"), ("_card.html", "</header>"),
                   ("_bodymap.html", "</svg>")]
"""Where a template edit goes: places every guide's pages show, the partials the
renderer loads itself (_items.html, _card.html, _bodymap.html) among them."""


def edit_template(sources: Sources) -> tuple[str, set[Path]]:
    name, place = sources.rng.choice(TEMPLATE_PLACES)
    path = sources.root / "templates" / name
    text = path.read_text()
    assert place in text, (name, place)
    comment = f"<!-- {sources.text()} -->"
    path.write_text(text.replace(place, comment + place, 1))
    sources.shown.append(comment.encode())
    return f"template {name}", {path}


EDITS: list[Callable[[Sources], tuple[str, set[Path]]]] = [
    edit_body, edit_title, edit_muscles, edit_level, edit_goals]
"""Edits of existing entries, which the dev server may apply in place."""
CHANGES = [*EDITS, new_entry, delete_entry, rename_entry, edit_vocabulary, edit_template]


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed {seed}" for seed in SEEDS])
def test_every_save_while_serving_gives_the_site_a_fresh_build_gives(tmp_path, seed):
    root = tmp_path / "project"
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    sources = Sources(root, random.Random(seed))
    generate(ENTRIES, sources.content)
    served = make_project(sources.content, root / "site", root=root)
    builder = SiteBuilder(served, Cache())
    builder.build(force=True)
    fresh = make_project(sources.content, tmp_path / "fresh", root=root)

    # Half the saves edit existing entries only; the others draw two or three
    # changes of any kind, each kind once before any twice, so every kind is made.
    edits_only = set(sources.rng.sample(range(SAVES), SAVES // 2))
    deck: list[Callable] = []
    ways, kinds = set(), set()
    for save in range(SAVES):
        made, changed = [], set()
        for _ in range(sources.rng.randint(1, 3) if save in edits_only else
                       sources.rng.randint(2, 3)):
            if save in edits_only:
                change = sources.rng.choice(EDITS)
            else:
                deck = deck or sources.rng.sample(CHANGES, len(CHANGES))
                change = deck.pop()
            kinds.add(change)
            what, paths = change(sources)
            made.append(what)
            changed |= paths
        in_place = builder.rebuild(changed).in_place
        ways.add(in_place)
        shutil.rmtree(fresh.out, ignore_errors=True)
        fresh.out.with_name(f".{fresh.out.name}.manifest.json").unlink(missing_ok=True)
        SiteBuilder(fresh, Cache()).build(force=True)
        step = f"save {save} ({'in place' if in_place else 'full'}): {made}"
        assert folders(served.out) == folders(fresh.out), step
        site = tree(fresh.out)
        assert tree(served.out) == site, step
        # Every template edit is seen: not one of them went where no page shows it.
        assert all(any(text in data for data in site.values()) for text in sources.shown), step
    assert ways == {True, False}, "the saves took one way only"
    assert kinds == set(CHANGES)
