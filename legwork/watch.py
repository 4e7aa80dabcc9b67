"""Which files changed, told to the dev server's rebuild by the operating system.

`FileWatcher` plugs into livereload's `Watcher` interface and hands each task
the list of files added, changed or removed under its folder, so a rebuild
need not look at the thousands of files that did not change. The operating
system tells it of each change, through watchdog: inotify on Linux, FSEvents
on macOS, ReadDirectoryChangesW on Windows. Its threads wait on the system,
so an idle server uses no processor time. Where the system reports no changes
(network drives, some containers: set LEGWORK_POLL), or has no such events or
refuses them (inotify's limit of watched folders), watchdog compares
snapshots of the folders every second instead, and the server says so.

Why watchdog and not watchfiles (Rust's notify, which uvicorn uses): watchfiles
collects the system's events in Rust but hands them to Python only when its
thread, waking every `step` milliseconds, finds some. An edit then waits one
to two steps, and an idle server wakes 1000/step times a second. Measured
over a guide of 10,000 entries, a step of 10 ms (to keep an edit as quick as
before) costs 0.4 to 0.6% of a core while idle, and the default of 50 ms
costs 0.09% and adds 50 to 100 ms to every edit; watchdog's threads used no
measurable time (BENCHMARKS.md). MkDocs' `serve` uses watchdog too.

Editors save in several steps: write a temporary file and rename it over the
old one (atomic writers; JetBrains' safe write sets the old one aside first),
or move the old file away and write a new one (vim's backupcopy=no), with
swap, backup and lock files beside it. Events are gathered until none has come for QUIET_EDIT (or
QUIET_SHAPE, when files seem added or removed), then resolved against the
disk: a file is reported if it is there now, or if it was there before the
batch; one made and gone within the batch is no change at all. A folder that
arrives is reported as every file in it, and one that goes as every file it
held. Names of editors' leftovers (`ignored`) are left out throughout.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from livereload.watcher import Watcher
from tornado import ioloop
from watchdog import events
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

Task = Callable[[list[Path]], object]
Ignore = Callable[[str], bool]

POLL_VARIABLE = "LEGWORK_POLL"
"""Set (to anything but 0, false or no) to poll instead of asking for the system's events."""

LEFTOVER = re.compile(r"""
      ^\.                  # hidden: .git, vim's .entry.md.swp, emacs' .#entry.md lock, .DS_Store
    | ~$                   # backups: entry.md~
    | ^\#.*\#$             # emacs' auto-save file: #entry.md#
    | \.sw[a-px]$          # vim's swap files, wherever they are named without the dot
    | ___jb_(tmp|old)___$  # JetBrains' safe write: the new text, and the old file set aside
""", re.VERBOSE)

WATCHED = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileClosedEvent,
           events.FileDeletedEvent, events.FileMovedEvent,
           events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent]
"""What a file or folder can do that changes the site. Nothing else is asked for: on
Linux the kernel then tells nothing of a file read (every build reads files), and a
folder's own stamp changing says nothing its files' events do not."""


def ignored(name: str) -> bool:
    """Whether a file or folder name is hidden, or an editor's swap, backup, lock or
    temporary file, rather than part of the guide."""
    if LEFTOVER.search(name):
        return True
    # Before writing, vim checks that it may make files in the folder by making
    # and removing "4913" (or 5036, 5159, ... while the name is taken).
    return name.isdigit() and int(name) >= 4913 and (int(name) - 4913) % 123 == 0


def listing(folder: str) -> dict[str, set[str]]:
    """Folder -> names of the files in it, for `folder` and every folder under it;
    ignored names left out."""
    found: dict[str, set[str]] = {}
    todo = [folder]
    while todo:
        current = todo.pop()
        names = found.setdefault(current, set())
        try:
            entries = list(os.scandir(current))
        except OSError:  # removed while looking, or not a folder
            continue
        for entry in entries:
            if ignored(entry.name):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                todo.append(os.path.join(current, entry.name))
            else:
                names.add(entry.name)
    return found


class Changes(events.FileSystemEventHandler):
    """What watchdog's thread hands over: the paths events named, under each task's folder."""

    def __init__(self, watcher: FileWatcher) -> None:
        self.watcher = watcher

    def dispatch(self, event: events.FileSystemEvent) -> None:
        paths = [event.src_path, event.dest_path] if event.dest_path else [event.src_path]
        self.watcher.note(os.path.abspath(os.fsdecode(path)) for path in paths)


class FileWatcher(Watcher):
    """livereload's watcher, told of changes by the operating system; it hands each
    task the files under the task's folder added, changed or removed."""

    QUIET_EDIT = 0.010
    """Seconds without an event before an edit of existing files is handed over: the
    steps of one save (truncate, write, close; or write a new file and rename it
    over the old) come within a millisecond or two of each other."""
    QUIET_SHAPE = 0.100
    """The same when files seem added or removed. Such a change takes the full
    rebuild anyway, and an editor that moves the old file away before writing the
    new one (vim, JetBrains) may pause between the two: its save stays one edit."""
    LONGEST = 1.0
    """Seconds after which a stream of events (a checkout) is handed over anyway."""
    POLL_SECONDS = 1.0
    """How often the polling fallback compares snapshots."""

    def __init__(self, polling: str | None = None) -> None:
        super().__init__()
        self.polling = polling
        """Why the watcher polls instead of being told of changes; None when it is told."""
        self.observer: BaseObserver | None = None
        self._loop: ioloop.IOLoop | None = None
        self._callback: Callable[[], object] | None = None
        self._lock = threading.Lock()
        self._noted: dict[str, set[str]] = {}
        """Task -> paths events named since the last hand-over (watchdog's thread adds)."""
        self._last_event = 0.0
        self._first_event = 0.0
        self._timer: object | None = None
        self._roots: list[tuple[str, set[str]]] = []
        """Each task, with the absolute paths of its folder (as given, and with links
        resolved, as macOS's events name it)."""
        self._known: dict[str, set[str]] = {}
        """Folder -> names of the files in it before the events noted."""
        self._changed: dict[str, set[str]] = {}
        """Task -> files added, changed or removed since the task last ran."""

    def watch(self, path: str, func: Task | None = None, delay: int = 0,
              ignore: Ignore | None = None) -> None:
        super().watch(path, func, delay, ignore)
        self._changed[path] = set()

    def start(self, callback: Callable[[], object]) -> bool:
        """Start watching every task's folder; run `callback` from the event loop
        once changes are gathered."""
        self._callback = callback
        self._loop = ioloop.IOLoop.current()
        self._roots = [(task, {os.path.abspath(task), os.path.realpath(task)})
                       for task in self._tasks]
        self.observer = self._observe()
        for task in self._tasks:  # listed once watched: a file made meanwhile is not missed
            self._known.update(listing(task))
        if self.polling:
            print(f"watching for changes by polling every {self.POLL_SECONDS:g} s: "
                  f"{self.polling}", flush=True)
        callback()  # takes livereload's own start-up message off its queue
        return True  # tells livereload not to start its own poll

    def _observe(self) -> BaseObserver:
        if not self.polling:
            try:
                return self._started(Observer())
            except OSError as error:  # e.g. inotify's limit of watched folders reached
                self.polling = f"the system's file events failed ({error})"
        return self._started(PollingObserver(timeout=self.POLL_SECONDS))

    def _started(self, observer: BaseObserver) -> BaseObserver:
        handler = Changes(self)
        for task in self._tasks:
            if os.path.isdir(task):
                observer.schedule(handler, task, recursive=True, event_filter=WATCHED)
        try:
            observer.start()
        except BaseException:
            observer.unschedule_all()  # stops the folders' threads that did start
            raise
        return observer

    def stop(self) -> None:
        """Stop watching, and wait for watchdog's threads to end."""
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(5)

    def note(self, paths: Iterable[str]) -> None:
        """Note the paths an event named (called on watchdog's thread)."""
        located = [found for found in map(self._locate, paths) if found]
        if not located:
            return
        with self._lock:
            first = not self._noted
            for task, path in located:
                self._noted.setdefault(task, set()).add(path)
            self._last_event = time.monotonic()
        if first and self._loop is not None:
            self._loop.add_callback(self._arm)

    def _locate(self, path: str) -> tuple[str, str] | None:
        """(task, the path as the task names its folder) of an event's absolute path;
        None when it is outside every task's folder or an ignored name is on the way."""
        for task, roots in self._roots:
            for root in roots:
                if path == root:
                    return task, task
                if path.startswith(root + os.sep):
                    inside = path[len(root) + 1:]
                    if any(ignored(name) for name in inside.split(os.sep)):
                        return None
                    return task, os.path.join(task, inside)
        return None

    def _arm(self) -> None:
        if self._timer is None:
            self._first_event = time.monotonic()
            self._timer = self._loop.call_later(self.QUIET_EDIT, self._settle)

    def _settle(self) -> None:
        """Hand the changes over once the events have paused long enough."""
        with self._lock:
            noted = set().union(*self._noted.values())
            last = self._last_event
        present, gone = self._resolve(noted)
        edits_only = not gone and all(self._was_there(path) for path in present)
        quiet = self.QUIET_EDIT if edits_only else self.QUIET_SHAPE
        now = time.monotonic()
        if now - last < quiet and now - self._first_event < self.LONGEST:
            self._timer = self._loop.call_later(last + quiet - now, self._settle)
            return
        self._timer = None
        with self._lock:
            noted_by_task, self._noted = self._noted, {}
        for task, paths in noted_by_task.items():
            present, gone = self._resolve(paths)
            self._remember(present, gone)
            self._changed[task] |= present | gone
        if self._callback is not None:
            self._callback()

    def _resolve(self, paths: Iterable[str]) -> tuple[set[str], set[str]]:
        """(files there now, files gone that were there before) among `paths` and
        the folders they name."""
        present: set[str] = set()
        gone: set[str] = set()
        for path in paths:
            if os.path.isdir(path):
                for folder, names in listing(path).items():
                    present.update(os.path.join(folder, name) for name in names)
            elif os.path.lexists(path):
                present.add(path)
            else:
                gone |= self._known_under(path)
        return present, gone

    def _was_there(self, path: str) -> bool:
        folder, name = os.path.split(path)
        return name in self._known.get(folder, ())

    def _known_under(self, path: str) -> set[str]:
        """The files known at `path`, or in it and under it when it was a folder."""
        found = {path} if self._was_there(path) else set()
        if path in self._known:
            inside = path + os.sep
            for folder, names in self._known.items():
                if folder == path or folder.startswith(inside):
                    found.update(os.path.join(folder, name) for name in names)
        return found

    def _remember(self, present: set[str], gone: set[str]) -> None:
        for path in gone:
            folder, name = os.path.split(path)
            self._known.get(folder, set()).discard(name)
        for path in present:
            folder, name = os.path.split(path)
            self._known.setdefault(folder, set()).add(name)
        if gone:  # forget the folders that went with their files
            for folder in [f for f, names in self._known.items() if not names]:
                if not os.path.isdir(folder):
                    del self._known[folder]

    def is_changed(self, path: str, ignore: Ignore | None = None) -> list[Path]:
        """The files under task `path` added, changed or removed since the task last ran."""
        changed = sorted(Path(p) for p in self._changed[path])
        self._changed[path].clear()
        if changed:
            self.filepath = str(changed[0])
        return changed  # a list: livereload then passes it to the task


def polling_asked() -> str | None:
    """Why the watcher should poll when the system could tell it of changes, if it should."""
    if os.environ.get(POLL_VARIABLE, "").strip().lower() not in ("", "0", "false", "no"):
        return f"{POLL_VARIABLE} is set"
    if issubclass(Observer, PollingObserver):
        return "watchdog knows no file events on this system"
    return None


def make_watcher() -> FileWatcher:
    """A watcher told of changes by the operating system (polling where it must)."""
    return FileWatcher(polling_asked())
