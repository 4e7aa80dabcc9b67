"""A build killed part-way leaves the previous site exactly as it was."""

import os
import signal
import subprocess
import sys
import time

from benchmarks.corpus import generate
from tests.conftest import REPO, tree


def test_killed_build_leaves_site_unchanged(tmp_path):
    content = generate(2000, tmp_path / "content")
    build = [sys.executable, str(REPO / "build.py"), "build", "--content", "content"]
    subprocess.run(build, cwd=tmp_path, check=True, capture_output=True, timeout=300)
    before = tree(tmp_path / "site")

    # Change content so a finished build would differ, then kill it mid-write.
    page = content / "exercises" / "exercise-00000.md"
    page.write_text(page.read_text().replace("title: Exercise 0", "title: Renamed"))
    staging = tmp_path / ".site.staging"
    process = subprocess.Popen(build, cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not staging.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert staging.exists(), "the build finished before it could be killed mid-write"
    assert tree(tmp_path / "site") == before

    # The next build clears the leftover staging folder and succeeds.
    subprocess.run(build, cwd=tmp_path, check=True, capture_output=True, timeout=300)
    assert not staging.exists()
    assert b"Renamed" in (tmp_path / "site/exercises/exercise-00000/index.html").read_bytes()
