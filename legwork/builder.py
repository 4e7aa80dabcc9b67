"""The build recipe, one-off or after edits: content in, checked site out.

`SiteBuilder.build` reads top to bottom: gather and check the whole guide,
plan and render every page, check the links, and only then touch the output
folder. `SiteBuilder.rebuild` goes the same way from the last good build:
the guide as it is now (only the edited files read, when the dev server says
which), the pages planned again that an edit can change, of those the ones
that read differently rendered (`Page.differs`), their links checked, and
only the files whose bytes differ written. Nothing of the last build is
changed until a rebuild succeeds; a failed one leaves it to the next.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from legwork.edits import Edit, edit_in_place, replan
from legwork.errors import ErrorLog
from legwork.linkcheck import LinkIndex, checked, position
from legwork.markdown import MarkdownBodies
from legwork.model import same_vocabularies
from legwork.page import Page, Showing
from legwork.pages import EntryPages, plan_pages
from legwork.project import BuildResult, Cache, Loaded, Project, load_guide
from legwork.render import Renderer
from legwork.workers import Job, Stored, digest, render_to_staging
from legwork.write import (
    check_output_folder,
    finish_site,
    read_manifest,
    remove_file,
    replace_file,
    staging_folder,
    static_files,
    update_files,
    write_manifest,
)


def input_fingerprint(project: Project) -> str:
    """One fingerprint of everything a build reads: sources, templates, static files,
    the engine's own code and the build options."""
    engine = Path(__file__).resolve().parent
    stamps = [repr((project.base_url, project.drafts, str(project.content.resolve())))]
    for folder in (project.content, project.templates, project.static, engine):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                stamps.append(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}")
    return hashlib.blake2b("\n".join(stamps).encode(), digest_size=16).hexdigest()


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


@dataclass(frozen=True)
class Snapshot:
    """What the last good build produced, kept to compare the next one with."""

    loaded: Loaded
    pages: dict[str, Page]
    """URL -> page."""
    entry_pages: EntryPages
    """What planned the entry pages; plans them again after an edit."""
    links: LinkIndex
    templates: dict[str, tuple[int, int]]
    """Template file -> (mtime, size) when it was last rendered."""
    statics: dict[str, tuple[int, int]]
    """Output path of a static file -> (mtime, size) of its source."""


@dataclass(frozen=True)
class RebuildResult:
    """What a rebuild did."""

    rendered: int
    written: list[str]
    deleted: list[str]
    seconds: float
    in_place: bool = False
    """Only the edited files were read (see legwork.edits)."""

    def summary(self) -> str:
        """E.g. "re-rendered 3 pages, wrote 2 files, removed 0 in 42 ms"."""
        took = f"{self.seconds * 1000:.0f} ms" if self.seconds < 1 else f"{self.seconds:.2f} s"
        return (f"re-rendered {self.rendered} pages, wrote {len(self.written)} files, "
                f"removed {len(self.deleted)} in {took}")


class Manifest:
    """The fingerprints of the files in the output folder, saved beside it, so
    that the next one-off build reuses the files that did not change."""

    def __init__(self, out: Path, digests: dict[str, str]) -> None:
        self.out = out
        self.digests = digests
        """Output path -> fingerprint of its bytes (but for `unhashed`)."""
        self.unhashed: set[str] = set()
        """Files that rebuilds wrote and `save` has yet to hash."""
        self.behind = False
        """Whether rebuilds wrote files since the manifest was last saved."""

    def changed(self, written: list[str], removed: list[str]) -> None:
        """Take in files a rebuild wrote and removed. From the first such rebuild
        until `save`, the manifest on disk vouches for no file."""
        if not self.behind:
            write_manifest(self.out, {"inputs": None, "outputs": {}})
            self.behind = True
        for path in [*written, *removed]:
            self.digests.pop(path, None)
        self.unhashed = (self.unhashed | set(written)) - set(removed)

    def save(self, pages: int, entries: int) -> None:
        """Hash what rebuilds wrote and save the manifest."""
        if not self.behind:
            return
        for path in self.unhashed:
            try:
                self.digests[path] = digest([(self.out / path).read_bytes()])
            except OSError:  # removed meanwhile: vouched for by nobody
                pass
        self.unhashed.clear()
        write_manifest(self.out, {"inputs": None, "pages": pages, "entries": entries,
                                  "outputs": self.digests})
        self.behind = False


class SiteBuilder:
    """Builds a project, and rebuilds it after edits, keeping the last good state.

    With a `cache` (the dev server's), loaded files and checked entries are kept
    between builds, and `rebuild` can read an edit of existing entries alone.
    """

    def __init__(self, project: Project, cache: Cache | None = None) -> None:
        self.project = project
        self.renderer = Renderer(project.templates)
        self.bodies = MarkdownBodies()
        self.cache = cache
        self.last: Snapshot | None = None
        self.manifest = Manifest(project.out, {})
        self.pending: set[Path] = set()
        """Files changed since the last good build (when the caller said which)."""
        self.showing: Showing | None = None
        """Which of the last build's entry pages hold each entry: made when first
        needed (see `index`), kept up to date by rebuilds."""

    def build(self, force: bool = False) -> BuildResult:
        """Build everything into `project.out`, or raise without touching it.

        Unless `force`d, nothing is rendered when nothing changed since the last
        build; the dev server forces one full build to have its state in memory.
        """
        started = time.perf_counter()
        project = self.project
        # Refuse a dangerous output folder before any work.
        check_output_folder(project.out, [project.root, project.content, project.templates,
                                          project.static])
        # Nothing to do when no source, template, option or engine file changed.
        previous = read_manifest(project.out)
        inputs = input_fingerprint(project)
        if previous.get("inputs") == inputs and not force:
            return BuildResult(previous["pages"], previous["entries"], 0,
                               time.perf_counter() - started, up_to_date=True)
        # Gather and check the whole guide, and plan every page.
        loaded = load_guide(project, self.bodies, self.cache)
        entry_pages = EntryPages(loaded.guide, loaded.links)
        pages = plan_pages(loaded.guide, loaded.links, entry_pages)
        # Render every page into a staging folder and check its links.
        self.renderer.bind(loaded.guide, loaded.links, loaded.bodies)
        statics = static_files(project.static)
        extra = {"CNAME": loaded.guide.config.cname.encode() + b"\n"} \
            if loaded.guide.config.cname else {}
        files = {p.output_path for p in pages} | set(statics) | set(extra)
        staging = staging_folder(project.out)
        try:
            job = Job(self.renderer, pages, staging, previous.get("outputs", {}), project.out,
                      files)
            stored = render_to_staging(job)
            links = self._check_links(stored, files, staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # Swap the finished site in.
        entries = len(loaded.guide.entries())
        digests = {s.path: s.digest for s in stored}
        copied = finish_site(staging, statics, extra, project.out, {
            "inputs": inputs, "pages": len(pages), "entries": entries, "outputs": digests})
        written = sum(not s.reused for s in stored)
        self.last = Snapshot(loaded, {p.url: p for p in pages}, entry_pages, links,
                             self._template_stamps(),
                             {path: _stamp(src) for path, src in statics.items()})
        self.manifest = Manifest(project.out, digests)
        self.pending.clear()
        self.showing = None
        return BuildResult(len(pages), entries, written + copied, time.perf_counter() - started)

    def save_manifest(self) -> None:
        """Record the files that rebuilds wrote in the manifest beside the output, so
        that the next full build may reuse them (it must still render: it cannot
        know what else changed meanwhile). Rebuilds compare what they render with
        the files there instead of hashing it; the files they wrote are hashed
        here. The dev server saves the manifest once an edit is out."""
        if self.last is not None:
            self.manifest.save(len(self.last.pages), len(self.last.loaded.guide.entries()))

    def _check_links(self, stored: list[Stored], files: set[str], staging: Path) -> LinkIndex:
        """Report the links workers found broken, and check links to other pages'
        fragments now that every page's ids are known; raises BuildFailed."""
        links = LinkIndex(files)
        links.ids = {s.path: set(s.ids) for s in stored if s.ids}
        log = ErrorLog()
        for item in stored:
            for link, offset, problem in item.links:
                problem = problem or links.problem(link, item.path)
                if problem:
                    html = (staging / item.path).read_text(encoding="utf-8")
                    line, column = position(html, offset)
                    log.add(f"{self.project.out.name}/{item.path}", line, column, problem)
        log.raise_if_any()
        return links

    def warm(self) -> Iterator[str]:
        """Render and link-check, without writing, the pages that show many entries
        (lists, decks, the search index, the data files), one per step, so that
        the first edit after a build finds every card, list item and record
        ready. The dev server runs these steps while idle. Stops when the site is
        rebuilt meanwhile."""
        last = self.last
        if last is None:
            return
        self.keep()
        for url, page in list(last.pages.items()):
            if self.last is not last:
                return
            if page.entry is None:
                rendered = self.renderer.render_page(page)
                if checked(page.output_path):  # learns which fragments' links work
                    rendered.scan(page.output_path, last.links)
                yield url
        self.index()

    def keep(self) -> None:
        """Keep long lists whole and bodies as HTML between renders from now on:
        worth it in a long-running process, which renders them again after edits."""
        self.renderer.keep_lists = True
        self.bodies.keep = True

    def index(self) -> None:
        """Work out now, rather than in the next rebuild, what an edit looks up:
        where each entry sits in the long lists kept, and which pages hold it.
        The dev server does this while idle."""
        self.renderer.index_lists()
        if self.last is not None and self.showing is None:
            self.showing = Showing(self.last.pages.values())

    def rebuild(self, changed: set[Path] | None = None) -> RebuildResult:
        """Bring `project.out` up to date with the sources; raises BuildFailed.

        `changed` names the files that changed, when the caller knows (the dev
        server's watcher does): an edit of existing entries that leaves the shape
        of the site alone is then read on its own, without the rest.
        """
        started = time.perf_counter()
        self.cache = self.cache or Cache()
        self.keep()
        if self.last is None:
            self.build(force=True)
            return RebuildResult(len(self.last.pages), [], [], time.perf_counter() - started)
        last = self.last
        self.pending |= changed or set()
        quick = None if changed is None else edit_in_place(
            last.loaded, self.project.content, self.pending, self.cache, ErrorLog())
        if quick is not None:  # the pages an edit reorders planned again; those showing it
            loaded, edit = quick
            self.index()
            entry_pages, pages, candidates = replan(loaded, last.entry_pages, last.pages, edit)
            showing = self.showing.changed_by(pages, edit.changed, edit.visible, edit.relinked)
        else:  # every page planned again: the case where every input may have changed
            loaded = load_guide(self.project, self.bodies, self.cache)
            edit = self._compare(last.loaded, loaded)
            entry_pages = EntryPages(loaded.guide, loaded.links)
            pages = {p.url: p for p in plan_pages(loaded.guide, loaded.links, entry_pages)}
            candidates, showing = pages.keys() | last.pages.keys(), set()
        stamps = self._template_stamps()
        templates = {name for name in stamps.keys() | last.templates.keys()
                     if stamps.get(name) != last.templates.get(name)}
        old, new = last.loaded.guide, loaded.guide
        everything = old.config != new.config or not same_vocabularies(old.vocabularies,
                                                                       new.vocabularies)
        if templates:
            self.renderer.forget()
        self.renderer.bind(new, loaded.links, loaded.bodies, bool(templates))
        self.renderer.forget_entries(edit.changed, last.loaded.links)
        dirty = sorted(url for url in (candidates | showing) & pages.keys()
                       if everything or url in showing or self._uses(pages[url].template,
                                                                     templates)
                       or pages[url].differs(last.pages.get(url), edit.changed, edit.visible,
                                             edit.relinked))
        result = self._finish(loaded, pages, entry_pages, dirty, stamps, started)
        if self.showing is not None and quick is not None:
            for url in candidates:
                self.showing.replace(last.pages.get(url), pages.get(url))
        elif quick is None:
            self.showing = None
        self.renderer.forget_pages(last.pages.keys() - pages.keys())
        self.pending.clear()
        return dataclasses.replace(result, in_place=quick is not None)

    @staticmethod
    def _compare(last: Loaded, now: Loaded) -> Edit:
        """What changed between two loads of the whole guide: the entries, and
        those whose backlinks changed, which lists and cards show."""
        edit = Edit.between(last.guide.by_slug, now.guide.by_slug)
        edit.visible |= {slug for slug in now.guide.by_slug
                         if _slugs(last.links.backlinks.get(slug))
                         != _slugs(now.links.backlinks.get(slug))}
        return edit

    def _finish(self, loaded: Loaded, pages: dict[str, Page], entry_pages: EntryPages,
                dirty: list[str], templates: dict[str, tuple[int, int]], started: float
                ) -> RebuildResult:
        """Render the `dirty` pages, check their links, write what changed."""
        last = self.last
        statics = static_files(self.project.static)
        gone_statics = set(last.statics) - set(statics)
        if gone_statics:  # a page may link to what is gone: check them all
            dirty = list(pages)
        rendered = {pages[url].output_path: self.renderer.render_page(pages[url])
                    for url in dirty}
        outputs = {path: page.encoded() for path, page in rendered.items()}
        if loaded.guide.config.cname:
            outputs["CNAME"] = [loaded.guide.config.cname.encode() + b"\n"]
        removed = {last.pages[url].output_path for url in last.pages.keys() - pages.keys()}
        links = last.links.updated(last.links.files - removed - gone_statics | set(outputs)
                                   | set(statics))
        links.ids = dict(last.links.ids)
        for path in removed:
            links.ids.pop(path, None)
        log = ErrorLog()
        links.check_scanned({path: page.scan(path, links) for path, page in rendered.items()
                             if checked(path)},
                            lambda path: rendered[path].html, self.project.out.name, log)
        log.raise_if_any()
        written, deleted = self._write(last, outputs, removed, statics)
        self.manifest.changed(written, deleted)
        self.last = Snapshot(loaded, pages, entry_pages, links, templates,
                             {path: _stamp(src) for path, src in statics.items()})
        return RebuildResult(len(dirty), written, deleted, time.perf_counter() - started)

    def _uses(self, template: str, changed: set[str]) -> bool:
        return bool(changed) and bool(self.renderer.dependencies(template) & changed)

    def _template_stamps(self) -> dict[str, tuple[int, int]]:
        folder = self.project.templates
        return {p.relative_to(folder).as_posix(): _stamp(p)
                for p in folder.rglob("*") if p.is_file()}

    def _write(self, last: Snapshot, files: dict[str, list[bytes]], removed: set[str],
               statics: dict[str, Path]) -> tuple[list[str], list[str]]:
        """Write the files (given in parts) whose bytes changed, each atomically;
        copy changed static files; delete what is gone."""
        out = self.project.out
        written = sorted(update_files(out, files))
        for path, source in statics.items():
            if last.statics.get(path) != _stamp(source):
                replace_file(out / path, [source.read_bytes()])
                written.append(path)
        gone = sorted(removed | (set(last.statics) - set(statics)))
        for path in gone:
            remove_file(out / path, out)
        return written, gone


def _slugs(entries: list | None) -> list[str]:
    return [e.slug for e in entries or []]


def build_site(project: Project) -> BuildResult:
    """Build the site into `project.out`, or raise without touching it."""
    return SiteBuilder(project).build()


__all__ = ["SiteBuilder", "build_site"]
