"""A project (where a build reads and writes) and its checked guide.

`load_guide` runs the first stages (load, validate, link) and returns the
guide with its links and bodies; `legwork.builder.SiteBuilder` goes on from
there, for a full build and for the dev server's rebuilds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from legwork.errors import ErrorLog
from legwork.links import Links, link
from legwork.load import load_content
from legwork.markdown import MarkdownBodies
from legwork.model import Guide
from legwork.validate import Checked, normalise_base_url, validate


@dataclass(frozen=True)
class Project:
    """Where a build reads from and writes to, and how."""

    root: Path
    """The project folder (holds content/, templates/, static/)."""
    content: Path
    out: Path
    base_url: str | None = None
    """Overrides `base_url` from site.yaml when given."""
    drafts: bool = False
    """Include entries marked `draft: true`."""

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def static(self) -> Path:
        return self.root / "static"

    @classmethod
    def at(cls, root: Path, **options) -> Project:
        """A project with the standard layout under `root`."""
        options.setdefault("content", root / "content")
        options.setdefault("out", root / "site")
        return cls(root=root, **options)


@dataclass(frozen=True)
class Loaded:
    """A checked guide with its resolved links and parsed bodies."""

    guide: Guide
    links: Links
    bodies: MarkdownBodies
    drafts: set[str] = dataclasses.field(default_factory=set)
    """Slugs of the draft entries left out."""


@dataclass(frozen=True)
class BuildResult:
    """What a build made, for the summary line."""

    pages: int
    entries: int
    files: int
    """Files written (unchanged files are linked from the previous build, not written)."""
    seconds: float
    up_to_date: bool = False
    """Nothing had changed since the last build, so nothing was rendered."""

    def summary(self) -> str:
        """E.g. "built 61 pages from 43 entries in 0.21 s"."""
        if self.up_to_date:
            return (f"site is up to date: {self.pages} pages from {self.entries} entries, "
                    f"nothing changed ({self.seconds:.2f} s)")
        return f"built {self.pages} pages from {self.entries} entries in {self.seconds:.2f} s"


@dataclass
class Cache:
    """What a long-running process (the dev server) keeps between builds."""

    files: dict = dataclasses.field(default_factory=dict)
    """Path -> (stamp, raw entry) of files that loaded cleanly."""
    entries: Checked = dataclasses.field(default_factory=Checked)
    """Entries checked before."""


def load_guide(project: Project, bodies: MarkdownBodies | None = None,
               cache: Cache | None = None) -> Loaded:
    """Read, validate and link the content; raises BuildFailed with every error."""
    log = ErrorLog()
    raw = load_content(project.content, log, cache.files if cache else None)
    guide = validate(raw, log, cache.entries if cache else None)
    if project.base_url is not None:
        base_url = normalise_base_url(project.base_url)
        guide = dataclasses.replace(guide, config=dataclasses.replace(guide.config,
                                                                      base_url=base_url))
    drafts = {e.slug for e in guide.entries() if e.draft} if not project.drafts else set()
    if drafts:
        guide = dataclasses.replace(guide, lists={
            name: [e for e in listed if not e.draft] for name, listed in guide.lists.items()})
    bodies = bodies or MarkdownBodies()
    links = link(guide, bodies, drafts, log, frozenset(raw.unreadable))
    log.raise_if_any()
    return Loaded(guide, links, bodies, drafts)
