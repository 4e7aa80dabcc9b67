"""`build.py new`: start an entry with every field stubbed and explained.

New entries start as drafts, so they show in `serve` but not in a published
build until `draft: true` is removed. Stub values are real vocabulary terms,
so a new entry passes the checks as soon as it is written.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from legwork import registry
from legwork.errors import ErrorLog, UsageError
from legwork.load import load_content
from legwork.validate import validate


def slugify(title: str) -> str:
    """A plain slug from a title: "Single-Leg Squat!" -> "single-leg-squat"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def _terms(content: Path) -> dict[str, list[str]]:
    """Each vocabulary's term slugs, and the exercise slugs, read from `content`."""
    raw = load_content(content, ErrorLog())
    guide = validate(raw, ErrorLog())
    terms = {name: list(v.terms) for name, v in guide.vocabularies.items()}
    terms["exercises"] = [e.slug for e in guide.exercises]
    return terms


def stub(kind: str, title: str, terms: dict[str, list[str]]) -> str:
    """The text of a new entry of the type `kind`."""
    def choice(vocabulary: str) -> tuple[str, str]:
        words = terms.get(vocabulary) or [f"<{vocabulary}>"]
        return words[0], ", ".join(words)

    goal, goals = choice("goals")
    return f"""---
title: {json.dumps(title, ensure_ascii=False)}
draft: true                  # remove when the entry is ready to publish
summary: One line on what it is and why a runner should care.
goals: [{goal}]            # any of: {goals}
""" + registry.entry_type(kind).stub(choice)


def new_entry(content: Path, kind: str, title: str) -> Path:
    """Write a new draft entry; refuses to overwrite an existing one."""
    slug = slugify(title)
    if not slug:
        raise UsageError(f"cannot make a slug from the title {title!r}; use letters or digits")
    path = content / registry.entry_type(kind).folder / f"{slug}.md"
    for folder in registry.folders():  # slugs are shared by all entry types
        taken = content / folder / f"{slug}.md"
        if taken.exists():
            raise UsageError(f"{taken} already exists; edit it, or choose another title")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = stub(kind, title, _terms(content))
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path
