"""What the tests need from the machine, found where it is, or a message saying how to get it.

A missing tool fails the run on CI (whenever CI is set, as GitHub Actions and .ci/run set
it) and skips the tests that need it elsewhere, so a contributor without Chromium can
still run the rest. scripts/test.sh installs everything on Debian.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import NoReturn

import pytest

TESTS = Path(__file__).resolve().parent
CHROMIUM_VARIABLE = "LEGWORK_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
INSTALL = "run: bash scripts/test.sh (it installs it)"


def missing(message: str) -> NoReturn:
    """Fail the test on CI, skip it elsewhere, with `message` saying what to install."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require(path: Path, what: str) -> None:
    """`path` must exist; `what` names the tool for the message."""
    if not path.exists():
        missing(f"{what} is missing at {path}; {INSTALL}")


def require_npm_package(name: str, folder: Path = TESTS) -> Path:
    """The folder of npm package `name` installed from `folder`/package.json."""
    package = folder / "node_modules" / name
    if not (package / "package.json").is_file():
        missing(f"the npm package {name} is missing from {folder / 'node_modules'}; run: "
                f"(cd {folder} && npm ci), or bash scripts/test.sh (it installs it)")
    return package


def require_program(name: str, package: str) -> str:
    """The path of program `name` on the PATH; `package` is what to install for it."""
    beside = Path(sys.executable).with_name(name)  # installed with the test extras
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        missing(f"{name} is not on the PATH; install {package} (Debian: apt-get install "
                f"{package}), or {INSTALL}")
    return found


def find_chromium() -> str:
    """The Chromium to test with: $LEGWORK_CHROMIUM, else the first of CHROMIUM_NAMES on the PATH.

    A LEGWORK_CHROMIUM that names nothing runnable fails even off CI: whoever set it
    meant the browser tests to run.
    """
    chosen = os.environ.get(CHROMIUM_VARIABLE)
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            pytest.fail(f"{CHROMIUM_VARIABLE}={chosen} is not an executable program; set it "
                        "to a Chromium or Google Chrome executable, or unset it to use "
                        f"{' or '.join(CHROMIUM_NAMES)} from the PATH", pytrace=False)
        return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    missing(f"Chromium is missing: none of {', '.join(CHROMIUM_NAMES)} is on the PATH and "
            f"{CHROMIUM_VARIABLE} is not set; install chromium (Debian: apt-get install "
            f"chromium), or set {CHROMIUM_VARIABLE} to a Chromium or Google Chrome "
            f"executable, or {INSTALL}")
