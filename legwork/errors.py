"""The small exception family every stage reports through.

Content mistakes are collected as `ContentError` values rather than raised one
at a time, so an author sees every problem in one run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

MAX_SHOWN = 100


@dataclass(frozen=True, order=True)
class ContentError:
    """One mistake in the content, located as precisely as the source allows."""

    path: str
    """Path of the file, relative to the project (e.g. `content/exercises/squat.md`)."""
    line: int
    """1-based line; 0 when the whole file is at fault."""
    column: int
    """1-based column; 0 when unknown."""
    message: str
    """What is wrong and how to fix it."""

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class LegworkError(Exception):
    """Base of the errors the command line shows without a traceback."""

    exit_code = 1

    def show(self, file=None) -> None:
        """Print the error for a person to read."""
        print(f"error: {self}", file=file or sys.stderr)


class UsageError(LegworkError):
    """The command was called wrongly (bad option, bad folder)."""

    exit_code = 2


class BuildFailed(LegworkError):
    """The content has mistakes; nothing was written."""

    exit_code = 1

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__(f"{len(self.errors)} error(s) in the content")

    def lines(self, limit: int = MAX_SHOWN) -> list[str]:
        """The messages, sorted by file and line, capped at `limit` with a count."""
        shown = [str(e) for e in self.errors[:limit]]
        hidden = len(self.errors) - len(shown)
        if hidden:
            shown.append(f"... and {hidden} more error(s) not shown")
        return shown

    def show(self, file=None) -> None:
        out = file or sys.stderr
        for line in self.lines():
            print(line, file=out)
        count = len(self.errors)
        print(f"build failed: {count} error{'s' if count != 1 else ''}; "
              "the output folder was left as it was", file=out)


class ErrorLog:
    """Collects content errors from a stage; `raise_if_any` ends the stage."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []

    def add(self, path: str, line: int, column: int, message: str) -> None:
        """Record one error."""
        self.errors.append(ContentError(path, line, column, message))

    def raise_if_any(self) -> None:
        """Stop the build when anything was recorded."""
        if self.errors:
            raise BuildFailed(self.errors)
