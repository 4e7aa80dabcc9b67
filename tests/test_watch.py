"""The dev server's watcher: told by the system of each file added, changed or removed,
and each save handed to the rebuild as one change, however the editor made it.

Every test runs the real watcher (watchdog's threads, an event loop of its own)
over real files in tmp_path, and waits a bounded time for what it reports."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tornado import ioloop
from watchdog.observers.polling import PollingObserver

from legwork.watch import FileWatcher, ignored, make_watcher
from tests.conftest import write

SETTLED = 0.6
"""Seconds to wait after a change for a second one that must not come: several
times the longest quiet the watcher waits for before handing a change over."""


class Watching:
    """A watcher running on an event loop of its own thread, and what its tasks got."""

    def __init__(self, watcher: FileWatcher) -> None:
        self.watcher = watcher
        self.calls: list[list[Path]] = []
        """Each task call's list of changed files, in order."""

    def changes(self, count: int = 1, seconds: float = 10.0) -> list[list[Path]]:
        """The task calls once `count` came and no other followed within SETTLED."""
        deadline = time.monotonic() + seconds
        while len(self.calls) < count:
            assert time.monotonic() < deadline, f"got {self.calls} in {seconds} s"
            time.sleep(0.01)
        time.sleep(SETTLED)
        return self.calls


@contextmanager
def watching(*folders: Path | str, make: Callable[[], FileWatcher] = make_watcher
             ) -> Iterator[Watching]:
    """Watch `folders` (one task each) until the block ends, then stop."""
    ready = threading.Event()
    loops: list[ioloop.IOLoop] = []
    result = Watching(make())

    def serve() -> None:  # a loop of its own: the test's thread has none running
        loop = ioloop.IOLoop()
        loops.append(loop)

        def begin() -> None:
            for folder in folders:
                result.watcher.watch(str(folder), lambda changed: result.calls.append(changed))
            result.watcher.start(result.watcher.examine)
            ready.set()

        loop.add_callback(begin)
        loop.start()
        loop.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        assert ready.wait(10), "the watcher did not start"
        yield result
    finally:
        result.watcher.stop()
        if loops:
            loops[0].add_callback(loops[0].stop)
        thread.join(10)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A small guide's content folder."""
    folder = tmp_path / "content"
    for path in ["exercises/squat.md", "exercises/bridge.md", "tips/cadence.md",
                 "plans/base.md"]:
        write(folder / path, f"{path}, as first written\n")
    return folder


def test_an_edit_is_one_change(content):
    squat = content / "exercises" / "squat.md"
    with watching(content) as watched:
        squat.write_text("a new summary\n")
        assert watched.changes() == [[squat]]


def test_what_was_added_changed_and_removed_comes_in_one_list(content):
    """Sorted, every task folder's files in its own list; editors' files left out."""
    edited, removed = content / "exercises" / "squat.md", content / "tips" / "cadence.md"
    templates = write(content.parent / "templates" / "page.html", "<main></main>")
    with watching(content, templates.parent) as watched:
        edited.write_text("changed\n")
        removed.unlink()
        added = write(content / "plans" / "speed.md", "new\n")
        write(content / "exercises" / ".squat.md.swp", "vim's swap file")
        assert watched.changes() == [[edited, added, removed]]  # sorted
        templates.write_text("<main>changed</main>")
        assert watched.changes(2)[1:] == [[templates]]


def rename_over(entry: Path) -> None:
    """Write the new text beside the file, then rename it over the old one, as
    atomic writers (and many editors) do."""
    new = entry.with_name(entry.name + ".tmp")
    new.write_text("saved\n")
    os.replace(new, entry)


def vim(entry: Path) -> None:
    """vim with backupcopy=no and backup on: it checks the folder is writable with a
    file named 4913, moves the old file to its backup, writes a new file beside its
    swap file."""
    probe = entry.parent / "4913"
    probe.write_text("")
    probe.unlink()
    write(entry.parent / f".{entry.name}.swp", "swap, rewritten while saving")
    entry.rename(entry.with_name(entry.name + "~"))
    entry.write_text("saved\n")
    entry.chmod(0o644)


def vim_pausing(entry: Path) -> None:
    """vim on a slow disk: a pause (its fsync) between setting the old file aside and
    writing the new one, longer than the quiet that ends an edit."""
    backup = entry.with_name(entry.name + "~")
    entry.rename(backup)
    time.sleep(5 * FileWatcher.QUIET_EDIT)
    entry.write_text("saved\n")
    backup.unlink()


def jetbrains(entry: Path) -> None:
    """JetBrains' safe write: the new text in a temporary file, the old file set aside,
    the new one renamed in, the old one removed."""
    new, old = (entry.with_name(entry.name + suffix) for suffix in ("___jb_tmp___", "___jb_old___"))
    new.write_text("saved\n")
    entry.rename(old)
    new.rename(entry)
    old.unlink()


def emacs(entry: Path) -> None:
    """Emacs: a lock (a dangling link), an auto-save file, then the save: the old file
    renamed to its backup, the new written, the auto-save file removed."""
    lock = entry.parent / f".#{entry.name}"
    os.symlink("author@laptop.1234:1700000000", lock)
    autosave = write(entry.parent / f"#{entry.name}#", "auto-saved")
    entry.rename(entry.with_name(entry.name + "~"))
    entry.write_text("saved\n")
    autosave.unlink()


def burst(entry: Path) -> None:
    """An editor that writes a file in pieces, and touches it after."""
    with entry.open("w") as file:
        for n in range(20):
            file.write(f"line {n}\n")
            file.flush()
    entry.touch()


@pytest.mark.parametrize("save", [rename_over, vim, vim_pausing, jetbrains, emacs, burst],
                         ids=["rename-over", "vim", "vim-pausing", "jetbrains", "emacs", "burst"])
def test_a_save_is_one_change_of_the_saved_file_whatever_the_editor(content, save):
    squat = content / "exercises" / "squat.md"
    with watching(content) as watched:
        save(squat)
        assert watched.changes() == [[squat]]
    assert squat.read_text().startswith(("saved", "line 0"))


def test_reading_files_and_editors_leftovers_are_no_change(content):
    squat, bridge = content / "exercises" / "squat.md", content / "exercises" / "bridge.md"
    with watching(content) as watched:
        for path in content.rglob("*.md"):
            path.read_text()  # as every rebuild does
        write(bridge.with_name(".bridge.md.swp"), "swap")
        write(bridge.with_name("bridge.md~"), "backup")
        write(bridge.with_name("#bridge.md#"), "auto-save")
        write(content / ".git" / "index", "a repository's own files")
        time.sleep(SETTLED)
        squat.write_text("changed\n")
        assert watched.changes() == [[squat]]


def test_a_file_moved_between_folders_is_one_change_naming_both_places(content):
    old = content / "exercises" / "bridge.md"
    new = content / "tips" / "bridge.md"
    with watching(content) as watched:
        old.rename(new)
        assert watched.changes() == [[old, new]]


def outside_folder(tmp_path: Path) -> Path:
    """A folder of entries outside the watched one, with a hidden folder in it."""
    folder = tmp_path / "outside" / "hills"
    write(folder / "uphill.md", "one")
    write(folder / "downhill" / "eccentric.md", "two")
    write(folder / ".cache" / "state.md", "hidden")
    return folder


@pytest.mark.parametrize("arrive", [shutil.copytree, shutil.move], ids=["copied", "moved"])
def test_a_folder_that_arrives_is_every_file_in_it(content, tmp_path, arrive):
    source = outside_folder(tmp_path)
    target = content / "tips" / "hills"
    with watching(content) as watched:
        arrive(source, target)
        assert watched.changes() == [[target / "downhill" / "eccentric.md",
                                      target / "uphill.md"]]
        later = write(target / "downhill" / "steep.md", "made after watching began")
        assert watched.changes(2)[1:] == [[later]]


def test_a_folder_that_goes_is_every_file_it_held(content, tmp_path):
    removed = content / "tips" / "track"
    moved = content / "plans" / "winter"
    for folder in (removed, moved):
        write(folder / "one.md", "one")
        write(folder / "deeper" / "two.md", "two")
    with watching(content) as watched:
        shutil.rmtree(removed)
        assert watched.changes() == [[removed / "deeper" / "two.md", removed / "one.md"]]
        shutil.move(moved, tmp_path / "winter")
        assert watched.changes(2)[1:] == [[moved / "deeper" / "two.md", moved / "one.md"]]


def test_files_are_named_as_the_task_names_its_folder(content, monkeypatch):
    """The rebuild compares them with the project's folders, given relative to where
    the command runs."""
    monkeypatch.chdir(content.parent)
    with watching("content") as watched:
        (content / "exercises" / "squat.md").write_text("changed\n")
        assert watched.changes() == [[Path("content/exercises/squat.md")]]


def test_polling_when_asked_still_gives_one_change_per_save(content, monkeypatch, capsys):
    monkeypatch.setenv("LEGWORK_POLL", "1")
    squat = content / "exercises" / "squat.md"
    with watching(content) as watched:
        assert watched.watcher.polling == "LEGWORK_POLL is set"
        assert isinstance(watched.watcher.observer, PollingObserver)
        jetbrains(squat)
        assert watched.changes() == [[squat]]
    assert capsys.readouterr().out == \
        "watching for changes by polling every 1 s: LEGWORK_POLL is set\n"


def test_the_system_tells_of_changes_unless_polling_is_asked(monkeypatch):
    monkeypatch.delenv("LEGWORK_POLL", raising=False)
    assert make_watcher().polling is None
    monkeypatch.setenv("LEGWORK_POLL", "0")
    assert make_watcher().polling is None


def test_stopping_ends_every_thread_the_watcher_started(content):
    before = set(threading.enumerate())
    with watching(content) as watched:
        assert watched.watcher.observer.is_alive()
    assert set(threading.enumerate()) <= before


@pytest.mark.parametrize("name", [".squat.md.swp", ".squat.md.swx", "squat.md~", ".#squat.md",
                                  "#squat.md#", "4913", "5036", "squat.md___jb_tmp___",
                                  "squat.md___jb_old___", ".DS_Store", ".git"])
def test_editors_leftovers_are_ignored(name):
    assert ignored(name)


@pytest.mark.parametrize("name", ["squat.md", "4914", "2024.md", "site.yaml", "style.css",
                                  "swap.md", "tilde~not-last.md"])
def test_the_guides_own_files_are_not_ignored(name):
    assert not ignored(name)
