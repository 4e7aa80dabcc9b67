"""The dev server: live rebuilds of only what changed, errors in the browser, no escape."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from legwork.workers import digest
from tests.conftest import REPO, tree, write


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(condition, seconds: float = 10.0):
    """Poll until `condition()` is truthy; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = condition()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"gave up after {seconds} s waiting for {condition.__doc__}")


@contextmanager
def serving(guide_dir: Path, env: dict[str, str] | None = None
            ) -> Iterator[tuple[str, subprocess.Popen]]:
    """`build.py serve` on `guide_dir`, answering; its base URL and process."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)],
        cwd=guide_dir.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        def up():
            """the server to answer"""
            return fetch(base)[0] == 200
        wait_for(up, 30)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def server(guide_dir: Path):
    with serving(guide_dir) as (base, _):
        yield base, guide_dir


def edit_summary_and_wait(content: Path, base: str) -> None:
    """Edit the bridge's summary and wait until the server serves the new one."""
    entry = content / "exercises" / "bridge.md"
    entry.write_text(entry.read_text().replace("Lift the hips from the floor.",
                                               "Raise the hips off the mat."))

    def updated():
        """the edited summary to be served"""
        return "Raise the hips off the mat." in fetch(base + "exercises/bridge/")[1]
    wait_for(updated)


def test_edit_is_served_and_only_changed_files_are_rewritten(server):
    base, content = server
    site = content.parent / "site"
    before = tree(site)
    stamps = {p: (site / p).stat().st_mtime_ns for p in before}
    time.sleep(0.05)
    edit_summary_and_wait(content, base)

    after = tree(site)
    rewritten = {p for p in after if p not in stamps or
                 (site / p).stat().st_mtime_ns != stamps[p]}
    changed = {p for p in after if before.get(p) != after[p]}
    assert rewritten == changed
    assert "exercises/bridge/index.html" in changed
    assert "exercises/box-jump/index.html" not in changed
    assert len(changed) < len(after) / 3

    def recorded():
        """the manifest beside the site to vouch for the rewritten page"""
        manifest = json.loads(site.with_name(".site.manifest.json").read_text())
        page = "exercises/bridge/index.html"
        return manifest["outputs"].get(page) == digest([(site / page).read_bytes()])
    wait_for(recorded)


def test_broken_edit_shows_errors_over_the_last_good_pages(server):
    base, content = server
    write(content / "tips" / "broken.md", "---\ntitle: [\n---\n")

    def error_shown():
        """the error overlay"""
        return "legwork-errors" in fetch(base + "exercises/bridge/")[1]
    wait_for(error_shown)
    page = BeautifulSoup(fetch(base + "exercises/bridge/")[1], "html.parser")
    assert "content/tips/broken.md:2:9: invalid YAML" in page.select_one("#legwork-errors").text
    assert page.h1.get_text() == "Bridge"

    (content / "tips" / "broken.md").unlink()

    def error_gone():
        """the overlay to go once the error is fixed"""
        return "legwork-errors" not in fetch(base + "exercises/bridge/")[1]
    wait_for(error_gone)


def test_paths_outside_the_site_are_refused(server):
    base, _ = server
    port = int(base.rsplit(":", 1)[1].strip("/"))
    for path in ["/../README.md", "/%2e%2e/README.md", "/static/../../build.py"]:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        status = reply.split(b"\r\n", 1)[0]
        assert status.split()[1] in (b"403", b"404"), (path, status)
        assert b"Legwork is a leg-training guide" not in reply
        assert b"sys.exit(main(" not in reply


def test_missing_page_gets_the_404_page(server):
    base, _ = server
    status, body = fetch(base + "no/such/page/")
    assert status == 404
    assert "Page not found" in body


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_server_listens_on_localhost_only(server):
    base, _ = server
    port = int(base.rsplit(":", 1)[1].strip("/"))
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, little-endian hex


def test_ctrl_c_stops_the_server_cleanly(guide_dir):
    with serving(guide_dir) as (base, process):
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=10)
    assert process.returncode == 0, output
    assert "Traceback" not in output
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base, timeout=5)


def test_the_server_says_when_it_polls_and_still_rebuilds(guide_dir):
    env = {**os.environ, "LEGWORK_POLL": "1"}
    with serving(guide_dir, env) as (base, process):
        edit_summary_and_wait(guide_dir, base)
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=10)
    assert "watching for changes by polling every 1 s: LEGWORK_POLL is set\n" in output
