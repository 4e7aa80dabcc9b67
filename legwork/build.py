"""The build recipe: content in, checked site out.

Read this top to bottom: gather and check the whole guide first, then render
every page, check the links, and only then touch the output folder.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from legwork.errors import ErrorLog
from legwork.linkcheck import check_links
from legwork.links import Links, link
from legwork.load import load_content
from legwork.markdown import MarkdownBodies
from legwork.model import Guide
from legwork.pages import Page, plan_pages
from legwork.render import Renderer
from legwork.validate import normalise_base_url, validate
from legwork.write import Outputs, check_output_folder, static_files, write_site


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


@dataclass(frozen=True)
class BuildResult:
    """What a build made, for the summary line."""

    pages: int
    entries: int
    files: int
    seconds: float

    def summary(self) -> str:
        """E.g. "built 61 pages from 43 entries in 0.21 s"."""
        return f"built {self.pages} pages from {self.entries} entries in {self.seconds:.2f} s"


def load_guide(project: Project) -> Loaded:
    """Read, validate and link the content; raises BuildFailed with every error."""
    log = ErrorLog()
    raw = load_content(project.content, log)
    guide = validate(raw, log)
    if project.base_url is not None:
        base_url = normalise_base_url(project.base_url)
        guide.config = dataclasses.replace(guide.config, base_url=base_url)
    drafts = set() if project.drafts else leave_out_drafts(guide)
    bodies = MarkdownBodies()
    links = link(guide, bodies, drafts, log, frozenset(raw.unreadable))
    log.raise_if_any()
    return Loaded(guide, links, bodies)


def leave_out_drafts(guide: Guide) -> set[str]:
    """Drop draft entries from `guide`; returns their slugs."""
    drafts = {e.slug for e in guide.entries() if e.draft}
    guide.exercises = [e for e in guide.exercises if not e.draft]
    guide.tips = [e for e in guide.tips if not e.draft]
    guide.plans = [e for e in guide.plans if not e.draft]
    return drafts


def render_site(project: Project, loaded: Loaded) -> tuple[list[Page], Outputs]:
    """Render every page and check the internal links; raises BuildFailed."""
    pages = plan_pages(loaded.guide, loaded.links)
    renderer = Renderer(project.templates, loaded.guide, loaded.links, loaded.bodies)
    outputs = Outputs()
    for page in pages:
        outputs.add(page.output_path, renderer.render(page), page.url or "home")
    if loaded.guide.config.cname:
        outputs.add("CNAME", loaded.guide.config.cname.encode() + b"\n", "site.yaml cname")
    log = ErrorLog()
    statics = set(static_files(project.static))
    check_links(outputs.files, statics, project.out.name, log)
    log.raise_if_any()
    return pages, outputs


def build_site(project: Project) -> BuildResult:
    """Build the site into `project.out`, or raise without touching it."""
    started = time.perf_counter()
    # Refuse a dangerous output folder before any work.
    check_output_folder(project.out, [project.root, project.content, project.templates,
                                      project.static])
    # Gather and check the whole guide.
    loaded = load_guide(project)
    # Render every page in memory and check its links.
    pages, outputs = render_site(project, loaded)
    # Swap the finished site in.
    files = write_site(outputs, static_files(project.static), project.out)
    entries = len(loaded.guide.entries())
    return BuildResult(len(pages), entries, files, time.perf_counter() - started)
