"""Shared fixtures: a copy of the fixture guide in tmp_path, and builds of it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup

from legwork.builder import build_site
from legwork.errors import BuildFailed
from legwork.project import Project, load_guide

REPO = Path(__file__).resolve().parent.parent

pytest_plugins = ["tests.browser"]  # the session-wide `browser` fixture
FIXTURE = REPO / "tests" / "fixtures" / "guide"


@pytest.fixture
def guide_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture guide's content folder."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def make_project(content: Path, out: Path | None = None, root: Path = REPO,
                 **options) -> Project:
    """A project using the templates and static files under `root` (by default the
    repository's)."""
    return Project(root=root, content=content, out=out or content.parent / "site", **options)


@pytest.fixture
def built(guide_dir: Path) -> Path:
    """The fixture guide built into tmp_path; returns the output folder."""
    project = make_project(guide_dir)
    build_site(project)
    return project.out


def errors_for(content: Path, **options) -> list[str]:
    """The messages a check of `content` reports, as the user sees them."""
    with pytest.raises(BuildFailed) as caught:
        load_guide(make_project(content, **options))
    return [str(e) for e in caught.value.errors]


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) with `new` in a content file."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def write(path: Path, text: str) -> Path:
    """Write a content file, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def soup(path: Path) -> BeautifulSoup:
    """A built page, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def links(page: BeautifulSoup, selector: str = "main") -> list[tuple[str, str]]:
    """(href, text) of every link inside `selector`."""
    area = page.select_one(selector)
    return [(a["href"], " ".join(a.get_text().split())) for a in area.find_all("a", href=True)]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run `python build.py ARGS` as a user would."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


SHARED_PIECES = {"list_item", "index_item", "exercise_card", "body_map", "body_map_sprite"}
"""The macros of the pieces many pages share: list items (templates/_items.html), cards
(_card.html) and body maps (_bodymap.html)."""


def pieces_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the shared pieces rendered from now on in this process, one per
    piece made: a spy on Jinja's macro calls, which leaves them as they were."""
    made: list[str] = []
    call = jinja2.runtime.Macro.__call__

    def spy(macro: jinja2.runtime.Macro, *args, **kwargs):
        if macro.name in SHARED_PIECES:
            made.append(macro.name)
        return call(macro, *args, **kwargs)

    monkeypatch.setattr(jinja2.runtime.Macro, "__call__", spy)
    return made


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes, for comparing whole outputs."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def pytest_terminal_summary(terminalreporter) -> None:
    """Say where the screenshots and printed pages are, for a person to look at."""
    artifacts = REPO / "test-artifacts"
    if artifacts.is_dir():
        for folder in sorted(p for p in artifacts.iterdir() if p.is_dir()):
            count = len(list(folder.iterdir()))
            terminalreporter.write_line(f"{folder.name}: {count} files in {folder}")
