"""A build killed part-way leaves the previous site exactly as it was, and the next
build clears what it left behind and succeeds."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from tests.conftest import REPO, tree

ENTRIES = 500
"""A guide of 584 pages, which worker processes write over a second or two."""
BUILD = [sys.executable, str(REPO / "build.py"), "build", "--content", "content"]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """A project folder with the guide's content and a site built from it."""
    root = tmp_path_factory.mktemp("built")
    generate(ENTRIES, root / "content")
    subprocess.run(BUILD, cwd=root, check=True, capture_output=True, timeout=300)
    return root


def files_in(folder: Path) -> int:
    """How many files are below `folder` (0 when it is not there)."""
    count = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                count += files_in(Path(entry.path)) if entry.is_dir(follow_symlinks=False) else 1
    except FileNotFoundError:
        pass
    return count


def wait_for_the_rest(group: int, timeout: float = 60) -> None:
    """Wait until no process of `group` runs. The workers of a build whose main
    process was killed finish the pages they are rendering, into the staging folder,
    and then exit (their results have nowhere to go)."""
    if not Path("/proc/self/stat").exists():  # nothing to watch them by: stop them
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        return
    deadline = time.monotonic() + timeout
    while True:
        running = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                state, _, process_group = stat.read_text().rsplit(")", 1)[1].split()[:3]
                if int(process_group) == group and state != "Z":  # zombies write nothing
                    running.append(stat.parent.name)
        if not running:
            return
        assert time.monotonic() < deadline, f"workers {running} of the killed build still run"
        time.sleep(0.05)


@pytest.mark.parametrize("threshold", [1, 150, 450])
def test_a_build_killed_while_writing_leaves_the_site_and_the_next_build_cleans_up(
        built_once, tmp_path, threshold):
    shutil.copytree(built_once, tmp_path, dirs_exist_ok=True)
    site, staging = tmp_path / "site", tmp_path / ".site.staging"
    before = tree(site)

    # Change content so that a finished build would differ, then build, and kill the
    # build's process once its staging folder holds `threshold` files.
    entry = tmp_path / "content" / "exercises" / "exercise-00000.md"
    entry.write_text(entry.read_text().replace("title: Exercise 0\n", "title: Renamed\n"))
    process = subprocess.Popen(BUILD, cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    held = 0
    while held < threshold:
        assert process.poll() is None, f"the build ended with {held} files staged"
        held = files_in(staging)
        time.sleep(0.001)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the build ended before it was killed"
    wait_for_the_rest(process.pid)  # its own process group (start_new_session)

    assert files_in(staging) >= held
    assert tree(site) == before

    # What a killed build left (here also a page of an entry deleted since) goes; the
    # next build succeeds, and shows the change.
    stray = staging / "exercises" / "deleted-since" / "index.html"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("<!doctype html><title>Deleted since</title>\n")
    subprocess.run(BUILD, cwd=tmp_path, check=True, capture_output=True, timeout=300)
    assert not staging.exists()
    after = tree(site)
    assert after.keys() == before.keys()
    page = after["exercises/exercise-00000/index.html"].decode()
    assert re.search(r"<h1>Renamed</h1>", page)
