"""A deterministic synthetic guide of N entries in Legwork's format.

Usage: python -m benchmarks.corpus N DIR

About 80% exercises, 15% tips, 5% plans. Each entry has ~250 words of Markdown
with headings, lists, emphasis and [[cross-references]], 1-3 muscles, goals, a
level, equipment and a dose. The same N always gives the same files.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VOCABULARIES = REPO / "content" / "vocabularies"

MUSCLES = ["quadriceps", "hamstrings", "glutes", "calves", "hip-flexors", "adductors",
           "abductors", "feet-and-ankles", "core", "lower-back"]
GOALS = ["distance", "speed"]
LEVELS = ["beginner", "intermediate", "advanced"]
EQUIPMENT = ["dumbbells", "barbell", "kettlebell", "resistance-band", "box", "mat", "wall"]
KINDS = ["strength", "plyometric", "mobility", "recovery", "running-drill"]
TOPICS = ["warm-up", "recovery", "footwear", "form", "nutrition", "planning"]
WORDS = ("stride knee hip ankle tempo load tendon cadence landing push balance steady "
         "control slow quick tall brace breathe rest easy hard set rep hold lean drive "
         "calf thigh glute trunk spring rhythm range depth pace form track trail").split()


def counts(n: int) -> tuple[int, int, int]:
    """How many exercises, tips and plans make up a corpus of `n` entries."""
    plans = max(1, n // 20)
    tips = max(1, n * 3 // 20)
    return n - tips - plans, tips, plans


def sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, slugs: list[str]) -> str:
    """About 250 words: headings, a list, emphasis and three cross-references."""
    refs = [f"[[{s}]]" for s in rng.sample(slugs, min(3, len(slugs)))]
    parts = [
        "## Why it helps", f"{sentence(rng, 20)} *{sentence(rng, 4)}* {sentence(rng, 18)}",
        f"{sentence(rng, 16)} See {', '.join(refs)}.",
        "## How to do it", "\n".join(f"- {sentence(rng, 10)}" for _ in range(5)),
        f"{sentence(rng, 20)} **{sentence(rng, 5)}** {sentence(rng, 20)}",
        "## Progressing", f"{sentence(rng, 25)} {sentence(rng, 25)}",
        f"{sentence(rng, 25)} {sentence(rng, 20)}",
    ]
    return "\n\n".join(parts) + "\n"


def exercise(rng: random.Random, i: int, slugs: list[str]) -> str:
    muscles = rng.sample(MUSCLES, rng.randint(1, 3))
    secondary = f"\n  secondary: [{muscles[-1]}]" if len(muscles) > 1 else ""
    primary = muscles[:-1] if len(muscles) > 1 else muscles
    # Chains of ten variants: each exercise is harder than the one before it.
    has_next = i % 10 < 9 and i + 1 < len(slugs)
    harder = f"harder: [exercise-{i + 1:05d}]\n" if has_next else ""
    easier = f"easier: [exercise-{i - 1:05d}]\n" if i % 10 > 0 else ""
    return f"""---
title: Exercise {i}
summary: {sentence(rng, 10)}
kind: {rng.choice(KINDS)}
level: {LEVELS[i % 3]}
goals: [{', '.join(rng.sample(GOALS, rng.randint(1, 2)))}]
muscles:
  primary: [{', '.join(primary)}]{secondary}
equipment: [{rng.choice(EQUIPMENT)}]
dose:
  sets: {rng.randint(2, 4)}
  reps: {rng.randint(8, 15)}
  rest_seconds: {rng.choice([30, 60, 90])}
steps:
  - {sentence(rng, 8)}
  - {sentence(rng, 8)}
  - {sentence(rng, 8)}
cues:
  - {sentence(rng, 5)}
cautions:
  - {sentence(rng, 8)}
{easier}{harder}---
{body(rng, slugs)}"""


def tip(rng: random.Random, i: int, exercises: list[str], slugs: list[str]) -> str:
    return f"""---
title: Tip {i}
summary: {sentence(rng, 10)}
goals: [{rng.choice(GOALS)}]
topic: {rng.choice(TOPICS)}
exercises: [{', '.join(rng.sample(exercises, 2))}]
---
{body(rng, slugs)}"""


def plan(rng: random.Random, i: int, exercises: list[str], slugs: list[str]) -> str:
    items = "\n".join(f"      - exercise: {s}" for s in rng.sample(exercises, 4))
    return f"""---
title: Plan {i}
summary: {sentence(rng, 10)}
goals: [{rng.choice(GOALS)}]
level: {rng.choice(LEVELS)}
weeks: {rng.randint(4, 8)}
sessions_per_week: {rng.randint(2, 4)}
sessions:
  - name: Session A
    items:
{items}
---
{body(rng, slugs)}"""


def generate(n: int, target: Path) -> Path:
    """Write a corpus of `n` entries into `target` (replaced if present)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(VOCABULARIES, target / "vocabularies")
    (target / "site.yaml").write_text("title: Benchmark guide\ndescription: Synthetic.\n")
    n_ex, n_tips, n_plans = counts(n)
    exercises = [f"exercise-{i:05d}" for i in range(n_ex)]
    slugs = exercises + [f"tip-{i:05d}" for i in range(n_tips)]
    rng = random.Random(n)
    for folder in ("exercises", "tips", "plans"):
        (target / folder).mkdir(parents=True)
    for i, slug in enumerate(exercises):
        (target / "exercises" / f"{slug}.md").write_text(exercise(rng, i, exercises))
    for i in range(n_tips):
        (target / "tips" / f"tip-{i:05d}.md").write_text(tip(rng, i, exercises, slugs))
    for i in range(n_plans):
        (target / "plans" / f"plan-{i:05d}.md").write_text(plan(rng, i, exercises, slugs))
    return target


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
