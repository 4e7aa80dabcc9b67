"""Rendering pages into the staging folder, spread over worker processes.

Each worker renders a share of the pages and writes them straight into the
staging folder. A file whose bytes match the last build is hard-linked from
the current output instead of written, so unchanged files keep their inode
and modification time. Workers send back only fingerprints and link data.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

from legwork.linkcheck import LinkIndex, checked
from legwork.page import Page
from legwork.render import Renderer

PARALLEL_FROM = 50
"""Below this many pages, starting processes costs more than it saves."""
CARDS_FIRST_FROM = 200
"""From this many exercises, cards are rendered before the pages (see render_to_staging)."""


def digest(parts: list[bytes]) -> str:
    """A short fingerprint of an output file, given in parts (SHA-256: the fastest
    where the processor has instructions for it, as most have)."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part)
    return hashed.hexdigest()[:32]


@dataclass(frozen=True)
class Stored:
    """What became of one output file."""

    path: str
    digest: str
    reused: bool
    """True when hard-linked from the previous build instead of written."""
    ids: frozenset[str]
    links: tuple[tuple[str, int, str], ...]
    """(href or src, offset in the file, problem) of every link the worker found broken,
    and of every link to another page's #fragment, which only the whole site can check."""


class Job:
    """Everything a worker needs; inherited by forked workers, never pickled."""

    def __init__(self, renderer: Renderer, pages: list[Page], staging: Path,
                 previous: dict[str, str], current: Path, files: set[str]) -> None:
        self.renderer = renderer
        self.pages = pages
        self.staging = staging
        self.previous = previous
        self.current = current
        self.links = LinkIndex(files)
        """Every file the site will hold; ids are not known yet, so fragments wait."""

    def store(self, page: Page) -> Stored:
        rendered = self.renderer.render_page(page)
        parts = rendered.encoded()
        path = page.output_path
        fingerprint = digest(parts)
        target = self.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        reused = False
        if self.previous.get(path) == fingerprint:
            try:
                os.link(self.current / path, target)
                reused = True
            except OSError:  # missing, or on another file system
                pass
        if not reused:
            with target.open("wb") as file:
                file.writelines(parts)
        ids: frozenset[str] = frozenset()
        links: list[tuple[str, int, str]] = []
        if checked(path):
            found_ids, found_links = rendered.scan(path, self.links)
            ids = frozenset(found_ids)
            self.links.ids[path] = found_ids  # so links to #ids of this page are checked
            fine: set[str] = set()
            for link, offset, _ in found_links:
                if link in fine:
                    continue
                problem = self.links.problem(link, path)
                if problem or ("#" in link and not link.startswith("#")):
                    links.append((link, offset, problem))
                else:
                    fine.add(link)
        return Stored(path, fingerprint, reused, ids, tuple(links))


_job: Job | None = None


def _render_share(indices: list[int]) -> list[Stored]:
    assert _job is not None
    return [_job.store(_job.pages[i]) for i in indices]


def _render_cards(slugs: list[str]) -> list[str]:
    assert _job is not None
    return _job.renderer.card_html(slugs)


def render_to_staging(job: Job, processes: int | None = None) -> list[Stored]:
    """Render every page of `job`; in parallel when it pays and fork is available.

    Every exercise's card shows on its page and in several decks, which the
    workers share between them; so the cards are rendered first, each by one
    worker, and the page workers start with all of them at hand.
    """
    global _job
    processes = processes or os.cpu_count() or 1
    methods = multiprocessing.get_all_start_methods()
    if processes < 2 or len(job.pages) < PARALLEL_FROM or "fork" not in methods:
        return [job.store(page) for page in job.pages]
    # Interleaved shares balance heavy pages (decks, indexes) across workers.
    shares = [list(range(i, len(job.pages), processes * 4)) for i in range(processes * 4)]
    slugs = [exercise.slug for exercise in job.renderer.guide.exercises]
    _job = job
    job.renderer.load_templates()
    fork = multiprocessing.get_context("fork")
    try:
        if len(slugs) >= CARDS_FIRST_FROM:
            with fork.Pool(processes) as pool:
                halves = [slugs[i::processes] for i in range(processes)]
                for half, cards in zip(halves, pool.map(_render_cards, halves), strict=True):
                    job.renderer.keep_cards(half, cards)
        with fork.Pool(processes) as pool:
            results = pool.map(_render_share, shares, chunksize=1)
    finally:
        _job = None
    return sorted((s for share in results for s in share), key=lambda s: s.path)
