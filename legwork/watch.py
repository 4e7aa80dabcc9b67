"""Watchers for the dev server: which files changed, told to the rebuild.

Both plug into livereload's `Watcher` interface, and both hand each task the
list of files added, changed or removed, so a rebuild need not look at the
thousands of files that did not change.

`EventWatcher` is told by the kernel (Linux's inotify, through ctypes) the
moment a file is closed after writing, created, renamed or removed; nothing is
scanned while the author is not editing. Where inotify is missing, `make_watcher`
falls back to `ChangeWatcher`, which compares every file's stamp every 100 ms.
Names starting with a dot (editor swap files, `.git`) are left out by both.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
import sys
from collections.abc import Callable
from pathlib import Path

from livereload.watcher import Watcher
from tornado import ioloop

Task = Callable[[list[Path]], object]
Ignore = Callable[[str], bool]


class ChangeWatcher(Watcher):
    """livereload's polling watcher, checking every POLL_MS instead of every 800 ms
    and telling each task every file that was added, changed or removed."""

    POLL_MS = 100

    def start(self, callback: Callable[[], object]) -> bool:
        ioloop.PeriodicCallback(callback, self.POLL_MS).start()
        return True  # tells livereload not to start its own, slower poll

    def watch(self, path: str, func: Task | None = None, delay: int = 0,
              ignore: Ignore | None = None) -> None:
        super().watch(path, func, delay, ignore)
        self._tasks[path]["mtimes"] = stamps(Path(path))

    def is_changed(self, path: str, ignore: Ignore | None = None) -> list[Path]:
        """The files under `path` added, changed or removed since the last look."""
        before = self._task_mtimes
        now = stamps(Path(path))
        changed = sorted(p for p in before.keys() | now.keys() if before.get(p) != now.get(p))
        before.clear()
        before.update(now)
        if changed:
            self.filepath = str(changed[0])
        return changed  # a list: livereload then passes it to the task

    def collect(self) -> None:
        """Nothing to collect: changes are found by looking (see `EventWatcher`)."""


def stamps(folder: Path) -> dict[Path, tuple[int, int, int]]:
    """Path -> (mtime, size, inode) of every file under `folder`, hidden ones left out."""
    found = {}
    for path in walk(folder):
        try:
            stat = path.stat()
        except OSError:  # removed while looking
            continue
        found[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return found


def walk(folder: Path, folders: bool = False) -> list[Path]:
    """Every file under `folder` (or, with `folders`, every folder, `folder`
    included), names starting with a dot left out."""
    found = [folder] if folders else []
    todo = [folder]
    while todo:
        current = todo.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:  # removed while looking, or not a folder
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = current / entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                todo.append(path)
            if is_dir == folders:
                found.append(path)
    return found


# inotify(7): the events a watch asks for, and the flags of what arrives.
IN_ATTRIB = 0x4
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x1000000
IN_ISDIR = 0x40000000
WATCHED = (IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
           | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
"""A file closed after writing (not every write: a half-written file is never
read), touched, created, renamed or removed; and the folder itself going away."""
HEADER = struct.Struct("iIII")  # wd, mask, cookie, length of the name that follows


class Inotify:
    """An inotify instance, non-blocking; one watch per folder."""

    def __init__(self) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")

    def add(self, folder: Path) -> int:
        wd = self._libc.inotify_add_watch(self.fd, os.fsencode(folder), WATCHED)
        if wd < 0:
            raise OSError(ctypes.get_errno(), f"cannot watch {folder}")
        return wd

    def remove(self, wd: int) -> None:
        self._libc.inotify_rm_watch(self.fd, wd)  # fails harmlessly if already gone

    def read(self) -> list[tuple[int, int, str]]:
        """(watch, mask, name) of every event waiting; [] when there is none."""
        events = []
        while True:
            try:
                data = os.read(self.fd, 64 * 1024)
            except BlockingIOError:
                return events
            offset = 0
            while offset < len(data):
                wd, mask, _, length = HEADER.unpack_from(data, offset)
                offset += HEADER.size
                name = data[offset:offset + length].rstrip(b"\0")
                offset += length
                events.append((wd, mask, os.fsdecode(name)))


class EventWatcher(ChangeWatcher):
    """Told of changes by the kernel as they happen. Events arriving within
    SETTLE_MS of each other are handed over together, so the several steps of an
    editor's save (write a new file, rename it over the old) make one rebuild."""

    SETTLE_MS = 10

    def __init__(self) -> None:
        super().__init__()
        self.inotify = Inotify()
        self._folders: dict[int, tuple[Path, str]] = {}
        """Watch -> (folder, the task's path it belongs to)."""
        self._changed: dict[str, dict[Path, bool]] = {}
        """Task path -> files changed since the task last ran -> whether the file
        was made since then (so one made and gone again, such as an editor's
        temporary file, is no change at all)."""
        self._callback: Callable[[], object] | None = None
        self._flush: object | None = None

    def watch(self, path: str, func: Task | None = None, delay: int = 0,
              ignore: Ignore | None = None) -> None:
        Watcher.watch(self, path, func, delay, ignore)
        self._changed[path] = {}
        self._add_folder(Path(path), path)

    def _add_folder(self, folder: Path, task: str) -> list[Path]:
        """Watch `folder` and every folder under it; the files found in them."""
        for each in walk(folder, folders=True):
            try:
                self._folders[self.inotify.add(each)] = (each, task)
            except OSError as error:
                if error.errno not in (errno.ENOENT, errno.ENOTDIR):  # gone meanwhile
                    raise
        return walk(folder)

    def start(self, callback: Callable[[], object]) -> bool:
        self._callback = callback
        ioloop.IOLoop.current().add_handler(self.inotify.fd, self._on_events, ioloop.IOLoop.READ)
        callback()  # takes livereload's own start-up message off its queue
        return True

    def _on_events(self, fd: int, events: int) -> None:
        self.collect()
        if self._flush is None and any(self._changed.values()):
            loop = ioloop.IOLoop.current()
            self._flush = loop.call_later(self.SETTLE_MS / 1000, self._run_tasks)

    def _run_tasks(self) -> None:
        self._flush = None
        self.collect()  # whatever arrived while settling
        if self._callback is not None:
            self._callback()

    def collect(self) -> None:
        """Read the events waiting and note the files they name."""
        for wd, mask, name in self.inotify.read():
            if mask & IN_Q_OVERFLOW:  # events were lost: say every folder changed
                for task, changed in self._changed.items():
                    changed.setdefault(Path(task), False)
                continue
            if wd not in self._folders:
                continue
            folder, task = self._folders[wd]
            if mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF):  # the folder went
                self._changed[task].setdefault(folder, False)
                del self._folders[wd]
                self.inotify.remove(wd)
                continue
            if not name or name.startswith("."):
                continue
            path = folder / name
            made = bool(mask & (IN_CREATE | IN_MOVED_TO))
            if mask & IN_ISDIR and made:  # a new folder: watch it, report its files
                for found in self._add_folder(path, task):
                    self._changed[task].setdefault(found, True)
            else:
                self._changed[task].setdefault(path, made)

    def is_changed(self, path: str, ignore: Ignore | None = None) -> list[Path]:
        """The files under `path` added, changed or removed since the task last ran."""
        changed = sorted(p for p, made in self._changed[path].items()
                         if not made or os.path.lexists(p))
        self._changed[path].clear()
        if changed:
            self.filepath = str(changed[0])
        return changed


def make_watcher() -> ChangeWatcher:
    """The kernel's file events where there are some (Linux), polling elsewhere."""
    if sys.platform.startswith("linux"):
        try:
            return EventWatcher()
        except (OSError, AttributeError):  # no inotify in this kernel or libc
            pass
    return ChangeWatcher()
