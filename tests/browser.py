"""Helpers for tests in a real browser: Chromium (see tests/machine.py) driven by Playwright."""

from __future__ import annotations

import shutil
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.machine import find_chromium

AXE = REPO / "tests" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"


def chromium_args(profile: Path) -> list[str]:
    """Flags for a headless, offline Chromium that never calls home."""
    manifest = profile / "optimization-guide.json"
    manifest.write_text("{}")
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-features=NetworkTimeServiceQuerying,Translate,MediaRouter",
            f"--optimization-guide-manifest-override={manifest}"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (see conftest.py)."""
    chromium = find_chromium()
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="legwork-chromium-"))
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium,
                                              args=chromium_args(profile))
        yield launched
        launched.close()
    shutil.rmtree(profile, ignore_errors=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve_folder(folder: Path):
    """Serve `folder` on 127.0.0.1 and a free port; returns (base URL, stop)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}/", stop


def screenshots_folder(kind: str) -> Path:
    folder = ARTIFACTS / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder
