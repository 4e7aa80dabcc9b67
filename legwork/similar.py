"""Similar exercises: for each exercise, a few others for the same primary muscles."""

from __future__ import annotations

import bisect
import copy

from legwork.model import Exercise, Guide, sort_key

SIMILAR_LIMIT = 6
"""How many "also works these muscles" exercises an exercise page shows."""


class SimilarExercises:
    """Picks, for each exercise, a few others for the same primary muscles.

    Neighbours in title order within the same muscle and level come first, then
    other levels; an index keeps this linear in the size of the guide.
    """

    def __init__(self, guide: Guide) -> None:
        levels = list(guide.vocabularies["levels"].terms.values())
        self.nearest_levels = {level.slug: sorted(levels, key=lambda other: abs(
            levels.index(other) - levels.index(level))) for level in levels}
        """Level -> every level, nearest first."""
        self.by_muscle_level: dict[tuple[str, str], list[Exercise]] = {}
        for exercise in guide.exercises:
            for muscle in exercise.primary:
                key = (muscle.slug, exercise.level.slug)
                self.by_muscle_level.setdefault(key, []).append(exercise)
        self.position = {(key, e.slug): i for key, group in self.by_muscle_level.items()
                         for i, e in enumerate(group)}
        self.short: dict[str, Exercise] = {}
        """Slug -> each exercise whose own group (its first primary muscle, its
        level) is too short to fill its picks: it picks from other groups too."""
        self._measure(self.by_muscle_level)

    def _measure(self, groups: dict[tuple[str, str], list[Exercise]]) -> None:
        for key, group in groups.items():
            for exercise in group:
                if (exercise.primary[0].slug, exercise.level.slug) == key:
                    if len(group) <= SIMILAR_LIMIT:
                        self.short[exercise.slug] = exercise
                    else:
                        self.short.pop(exercise.slug, None)

    def readers(self, exercises: list[Exercise]) -> dict[str, Exercise]:
        """Slug -> every exercise whose picks may hold one of `exercises`, as the
        index stands. An exercise whose own group is long enough picks the
        SIMILAR_LIMIT after it there, so those are the ones before each of
        `exercises` in its groups; the rest are the short ones sharing a muscle."""
        found = {}
        for exercise in exercises:
            for muscle in exercise.primary:
                key = (muscle.slug, exercise.level.slug)
                group = self.by_muscle_level[key]
                at = self.position[(key, exercise.slug)]
                for step in range(1, min(SIMILAR_LIMIT, len(group) - 1) + 1):
                    found.setdefault(group[at - step].slug, group[at - step])
        muscles = {muscle for exercise in exercises for muscle in exercise.primary}
        found.update((slug, other) for slug, other in self.short.items()
                     if not muscles.isdisjoint(other.primary))
        return found

    def replace(self, edited: list[Exercise], before: dict[str, Exercise]
                ) -> SimilarExercises:
        """The index after an edit: `edited` are the new values of exercises
        (`before`, by slug: as they were). Only the groups they leave or join
        are copied; the rest are shared with this index, which stays as it was."""
        new = copy.copy(self)
        new.by_muscle_level = dict(self.by_muscle_level)
        new.position = dict(self.position)
        new.short = dict(self.short)
        gone = {exercise.slug for exercise in edited}
        groups = {}
        for exercise in edited:
            was = before[exercise.slug]
            for muscle in was.primary:
                key = (muscle.slug, was.level.slug)
                groups[key] = [e for e in self.by_muscle_level[key] if e.slug not in gone]
                new.position.pop((key, exercise.slug))
        for exercise in edited:
            for muscle in exercise.primary:
                key = (muscle.slug, exercise.level.slug)
                if key not in groups:
                    groups[key] = list(self.by_muscle_level.get(key, []))
                bisect.insort(groups[key], exercise, key=sort_key)
        for key, group in groups.items():
            new.by_muscle_level[key] = group
            new.position.update(((key, e.slug), i) for i, e in enumerate(group))
        new._measure(groups)
        return new

    def __call__(self, exercise: Exercise) -> list[Exercise]:
        chosen: dict[str, Exercise] = {}
        for level in self.nearest_levels[exercise.level.slug]:
            for muscle in exercise.primary:
                group = self.by_muscle_level.get((muscle.slug, level.slug), [])
                at = self.position.get(((muscle.slug, level.slug), exercise.slug), -1)
                for step in range(1, len(group) + 1):  # wrap around from just after it
                    other = group[(at + step) % len(group)]
                    if len(chosen) >= SIMILAR_LIMIT:
                        return list(chosen.values())
                    if other.slug != exercise.slug:
                        chosen.setdefault(other.slug, other)
        return list(chosen.values())


