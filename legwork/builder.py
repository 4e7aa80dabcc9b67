"""The build recipe, full or incremental: content in, checked site out.

`SiteBuilder.build` reads top to bottom: gather and check the whole guide,
render every page, check the links, and only then touch the output folder.
`SiteBuilder.rebuild` does the same for what changed since the last build:
it re-renders the pages whose entries or templates changed and writes only
the files whose bytes differ.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from legwork.edits import edit_in_place, links_change, only_body, reshape
from legwork.errors import ErrorLog
from legwork.linkcheck import LinkIndex, checked, position
from legwork.markdown import MarkdownBodies
from legwork.model import Entry, same_vocabularies
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


@dataclass
class Snapshot:
    """What the last good build produced, kept to compare the next one with."""

    loaded: Loaded
    pages: dict[str, Page]
    """URL -> page."""
    entry_pages: EntryPages
    """What planned the entry pages; plans them again after an edit in place."""
    digests: dict[str, str]
    """Output path -> fingerprint of the bytes written there (but for the files
    rebuilds wrote since, `SiteBuilder.unhashed`, until the manifest is saved)."""
    links: LinkIndex
    templates: dict[str, tuple[int, int]]
    """Template file -> (mtime, size) when it was last rendered."""
    statics: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Output path of a static file -> (mtime, size) of its source."""
    showing: Showing | None = None
    """Which of `pages` show each entry: made when first needed (see
    `SiteBuilder.index`), kept up to date by edits in place."""


@dataclass(frozen=True)
class RebuildResult:
    """What a rebuild did."""

    rendered: int
    written: list[str]
    deleted: list[str]
    seconds: float
    in_place: bool = False
    """The edit was applied in place to the last build's guide (see legwork.edits)."""

    def summary(self) -> str:
        """E.g. "re-rendered 3 pages, wrote 2 files, removed 0 in 42 ms"."""
        took = f"{self.seconds * 1000:.0f} ms" if self.seconds < 1 else f"{self.seconds:.2f} s"
        return (f"re-rendered {self.rendered} pages, wrote {len(self.written)} files, "
                f"removed {len(self.deleted)} in {took}")


class SiteBuilder:
    """Builds a project, and rebuilds it after edits, keeping the last good state.

    With a `cache` (the dev server's), loaded files and checked entries are kept
    between builds, and `rebuild` can apply an edit of existing entries in place.
    """

    def __init__(self, project: Project, cache: Cache | None = None) -> None:
        self.project = project
        self.renderer = Renderer(project.templates)
        self.bodies = MarkdownBodies()
        self.cache = cache
        self.last: Snapshot | None = None
        self.pending: set[Path] = set()
        """Files changed since the last good build (when the caller said which)."""
        self.behind: set[str] = set()
        """URLs of pages an edit in place changed but a failed render did not write."""
        self.manifest_behind = False
        """Whether rebuilds wrote files since the manifest was last saved."""
        self.unhashed: set[str] = set()
        """Output paths that rebuilds wrote and `save_manifest` has yet to hash."""
        self.replan = False
        """An edit in place moved entries in the lists but its rebuild failed: the
        last plan no longer follows the guide's order, so the next rebuild is full."""

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
        # Gather and check the whole guide.
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
        self.last = Snapshot(loaded, {p.url: p for p in pages}, entry_pages,
                             digests, links, self._template_stamps(),
                             {path: _stamp(src) for path, src in statics.items()})
        self.pending.clear()
        self.behind.clear()
        self.replan = False
        self.manifest_behind = False
        self.unhashed.clear()
        return BuildResult(len(pages), entries, written + copied, time.perf_counter() - started)

    def save_manifest(self) -> None:
        """Record the files that rebuilds wrote in the manifest beside the output, so
        that the next full build may reuse them (it must still render: it cannot
        know what else changed meanwhile). Until then, the manifest vouches for no
        file. Rebuilds compare what they render with the files there instead of
        hashing it; the files they wrote are hashed here. The dev server saves the
        manifest once an edit is out."""
        if self.manifest_behind and self.last is not None:
            out, digests = self.project.out, self.last.digests
            for path in self.unhashed:
                try:
                    digests[path] = digest([(out / path).read_bytes()])
                except OSError:  # removed meanwhile: vouched for by nobody
                    pass
            self.unhashed.clear()
            write_manifest(self.project.out, {
                "inputs": None, "pages": len(self.last.pages),
                "entries": len(self.last.loaded.guide.entries()), "outputs": self.last.digests})
            self.manifest_behind = False

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
        the first edit after a build finds every card, list item and record ready. The workers
        of a full build keep theirs; the dev server runs these steps while idle.
        Stops when the site is rebuilt meanwhile."""
        last = self.last
        if last is None:
            return
        self.keep()
        entry_urls = {entry.url for entry in last.loaded.guide.entries()}
        for url, page in list(last.pages.items()):
            if self.last is not last:
                return
            if url not in entry_urls:
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
        """Work out now, rather than in the next rebuild, what an edit in place looks
        up: where each entry sits in the long lists kept, and which pages show it.
        The dev server does this while idle."""
        self.renderer.index_lists()
        if self.last is not None and self.last.showing is None:
            self.last.showing = Showing(self.last.pages.values())

    def rebuild(self, changed: set[Path] | None = None) -> RebuildResult:
        """Bring `project.out` up to date with the sources; raises BuildFailed.

        `changed` names the files that changed, when the caller knows (the dev
        server's watcher does): an edit of existing entries that leaves the shape
        of the site alone is then applied in place, without reading the rest.
        """
        started = time.perf_counter()
        self.cache = self.cache or Cache()
        self.keep()
        if self.last is None:
            self.build(force=True)
            return RebuildResult(len(self.last.pages), [], [], time.perf_counter() - started)
        if changed is None or self.replan:
            return self._rebuild_all(started)
        self.pending |= changed
        last = self.last
        edit = edit_in_place(last.loaded, last.entry_pages, self.project.content,
                             self.pending, self.cache, ErrorLog())
        if edit is None:
            return self._rebuild_all(started)
        self.renderer.forget_entries(edit.visible | edit.changed)
        entry_pages, pages = last.entry_pages, last.pages
        self.index()
        showing = last.showing
        if edit.moved:
            entry_pages, pages, replanned = reshape(last.loaded, entry_pages, pages, edit)
            self.renderer.forget_lists(last.pages[url] for url in replanned
                                       if url in last.pages)
            for url in replanned | (last.pages.keys() - pages.keys()):
                showing.replace(last.pages.get(url), pages.get(url))
        else:
            replanned = set()
            for slug in edit.replanned:  # kept in the last plan even if the rebuild fails
                page = entry_pages.page(last.loaded.links.entries[slug])
                showing.replace(pages.get(page.url), page)
                pages[page.url] = page
                replanned.add(page.url)
        dirty = showing.changed_by(pages, edit.changed, edit.visible, edit.relinked)
        self.behind |= dirty | replanned
        try:
            result = self._finish(last.loaded, pages, entry_pages,
                                  sorted(url for url in self.behind if url in pages), started,
                                  showing)
        except BaseException:
            # The lists were sorted again but the last plan is kept: plan it all next time.
            self.replan = self.replan or bool(edit.moved)
            raise
        result = dataclasses.replace(result, in_place=True)
        self.pending.clear()
        self.behind.clear()
        return result

    def _rebuild_all(self, started: float) -> RebuildResult:
        """Rebuild after any change: load everything (unchanged files from the cache),
        plan every page, render those whose sources or templates changed."""
        last = self.last
        loaded = load_guide(self.project, self.bodies, self.cache)
        entry_pages = EntryPages(loaded.guide, loaded.links)
        pages = {p.url: p for p in plan_pages(loaded.guide, loaded.links, entry_pages)}
        dirty = set(self._dirty_pages(last, loaded, pages)) | self.behind
        self.renderer.bind(loaded.guide, loaded.links, loaded.bodies)
        result = self._finish(loaded, pages, entry_pages, [url for url in pages if url in dirty],
                              started)
        self.pending.clear()
        self.behind.clear()
        self.replan = False
        return result

    def _finish(self, loaded: Loaded, pages: dict[str, Page], entry_pages: EntryPages,
                dirty: list[str], started: float, showing: Showing | None = None
                ) -> RebuildResult:
        """Render the `dirty` pages, check their links, write what changed."""
        last = self.last
        statics = static_files(self.project.static)
        gone_statics = set(last.statics) - set(statics)
        if gone_statics:  # a page may link to what is gone: check them all
            dirty = list(pages)
        rendered = {pages[url].output_path: self.renderer.render_page(pages[url]) for url in dirty}
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
        if not self.manifest_behind:
            # From now until `save_manifest`, the manifest vouches for no file.
            write_manifest(self.project.out, {"inputs": None, "outputs": {}})
            self.manifest_behind = True
        written, deleted = self._write(last, outputs, removed, statics)
        self.last = Snapshot(loaded, pages, entry_pages, last.digests, links,
                             self._template_stamps(),
                             {path: _stamp(src) for path, src in statics.items()}, showing)
        return RebuildResult(len(dirty), written, deleted, time.perf_counter() - started)

    def _dirty_pages(self, last: Snapshot, loaded: Loaded, pages: dict[str, Page]) -> list[str]:
        """URLs of the pages whose output may differ from the last build."""
        old, new = last.loaded.guide, loaded.guide
        if old.config != new.config or not same_vocabularies(old.vocabularies,
                                                             new.vocabularies):
            return list(pages)
        before, after = old.by_slug(), new.by_slug()
        changed = {slug for slug in before.keys() | after.keys()
                   if before.get(slug) != after.get(slug)}
        # What lists and cards show: every field but the Markdown body, plus backlinks.
        visible = {slug for slug in changed if not only_body(before.get(slug), after.get(slug))}
        visible |= {slug for slug in after
                    if _slugs(last.loaded.links.backlinks.get(slug))
                    != _slugs(loaded.links.backlinks.get(slug))}
        relinked = {slug for slug in changed if links_change(before.get(slug), after.get(slug))}
        templates = self._changed_templates(last)
        if templates:
            self.renderer.forget()
        self.renderer.forget_entries(visible)
        dirty = []
        for url, page in pages.items():
            previous = last.pages.get(url)
            if (previous is None or page.sources != previous.sources  # e.g. a deck page
                    or page.linked != previous.linked
                    or page.shows_change(changed, visible, relinked)
                    or self._uses(page.template, templates)
                    or (page.same_context and page.context != previous.context)):
                dirty.append(url)
        return dirty

    def _changed_templates(self, last: Snapshot) -> set[str]:
        now = self._template_stamps()
        return {name for name in now.keys() | last.templates.keys()
                if now.get(name) != last.templates.get(name)}

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
        changed = update_files(out, files)
        for path in changed:  # hashed when the manifest is saved
            last.digests.pop(path, None)
        self.unhashed.update(changed)
        written = sorted(changed)
        for path, source in statics.items():
            if last.statics.get(path) != _stamp(source):
                replace_file(out / path, [source.read_bytes()])
                written.append(path)
        gone = sorted(removed | (set(last.statics) - set(statics)))
        for path in gone:
            last.digests.pop(path, None)
            self.unhashed.discard(path)
            remove_file(out / path, out)
        return written, gone


def _slugs(entries: list[Entry] | None) -> list[str]:
    return [e.slug for e in entries or []]


def build_site(project: Project) -> BuildResult:
    """Build the site into `project.out`, or raise without touching it."""
    return SiteBuilder(project).build()


__all__ = ["SiteBuilder", "build_site"]
