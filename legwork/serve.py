"""The dev server: build, serve `site/` with livereload, rebuild on every edit.

Only the output folder is served. A content error does not stop the server:
the last good site stays served, with the errors shown on top of each page.
"""

from __future__ import annotations

import mimetypes
import sys
import time
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path

import jinja2
from livereload import Server
from tornado import ioloop

from legwork.builder import SiteBuilder
from legwork.errors import BuildFailed
from legwork.project import Cache, Project
from legwork.watch import make_watcher

StartResponse = Callable[..., object]

OVERLAY = """<div id="legwork-errors" role="alert" style="position:relative;z-index:99;\
background:#fff1f0;color:#7a1010;border:3px solid #c0392b;padding:1rem 1.25rem;\
font:15px/1.5 ui-monospace,monospace;white-space:pre-wrap">\
<strong>Build failed. This is the last good version of the page.</strong>
<ol>{items}</ol></div>"""


class SiteApp:
    """A WSGI app that serves the files of one folder, and nothing outside it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.errors: list[str] = []
        """Messages of the failed build, shown over every HTML page until fixed."""

    def locate(self, url_path: str) -> Path | None:
        """The file for a request path, or None when the path leaves the folder."""
        parts = [p for p in url_path.split("/") if p not in ("", ".")]
        if any(p == ".." or "\\" in p or "\0" in p for p in parts):
            return None
        path = self.root.joinpath(*parts)
        if path.is_dir():
            path = path / "index.html"
        resolved = path.resolve()
        return resolved if resolved.is_relative_to(self.root) else None

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = self.locate(environ.get("PATH_INFO", "/"))
        if path is None:
            return self._respond(start_response, "403 Forbidden", b"outside the site\n",
                                 "text/plain")
        status = "200 OK"
        if not path.is_file():
            status, path = "404 Not Found", self.root / "404.html"
        body = path.read_bytes() if path.is_file() else b""
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = self._overlay(body)
        return self._respond(start_response, status, body, kind)

    def _overlay(self, body: bytes) -> bytes:
        if not self.errors:
            return body
        items = "".join(f"<li>{escape(line)}</li>" for line in self.errors)
        banner = OVERLAY.format(items=items).encode()
        if not body:
            return b"<!doctype html><html><head><title>Build failed</title></head><body>" + \
                banner + b"</body></html>"
        head, marker, rest = body.partition(b"<body>")
        return head + marker + banner + rest if marker else banner + body

    @staticmethod
    def _respond(start_response: StartResponse, status: str, body: bytes,
                 kind: str) -> list[bytes]:
        start_response(status, [("Content-Type", f"{kind}; charset=utf-8"),
                                ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]


def report(app: SiteApp, action: Callable[[], object]) -> None:
    """Run a build step; show its result, or its errors in the terminal and browser."""
    try:
        result = action()
    except BuildFailed as failed:
        app.errors = failed.lines()
        failed.show()
        return
    except jinja2.TemplateError as error:
        app.errors = [f"template error: {error}"]
        print(app.errors[0], file=sys.stderr)
        return
    app.errors = []
    print(result.summary(), flush=True)


def warm_up(builder: SiteBuilder) -> None:
    """Fill the builder's caches one page at a time between requests and edits."""
    steps = builder.warm()
    started = time.perf_counter()

    def step() -> None:
        try:
            if next(steps, None) is not None:
                ioloop.IOLoop.current().add_callback(step)
            elif builder.last is not None:
                print(f"caches warmed in {time.perf_counter() - started:.2f} s: "
                      "edits of listed entries are quick from now on", flush=True)
        except (BuildFailed, jinja2.TemplateError):  # the next build reports it
            pass

    ioloop.IOLoop.current().add_callback(step)


def after_edit(builder: SiteBuilder) -> None:
    """What the server does once an edit is out: save the manifest and index what
    the next edit looks up."""
    builder.save_manifest()
    builder.index()


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = False) -> None:
    """Build, serve and watch until interrupted."""
    builder = SiteBuilder(project, Cache())
    app = SiteApp(project.out)
    report(app, lambda: builder.build(force=True))
    project.out.mkdir(parents=True, exist_ok=True)
    watcher = make_watcher()
    server = Server(app, watcher=watcher)
    def rebuild(changed: list[Path]) -> None:
        report(app, lambda: builder.rebuild(set(changed)))
        ioloop.IOLoop.current().add_callback(after_rebuild)

    def after_rebuild() -> None:
        after_edit(builder)

    for folder in (project.content, project.templates, project.static):
        server.watch(str(folder), rebuild)
    warm_up(builder)
    print(f"serving {project.out} on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve(host=host, port=port, debug=False, restart_delay=0,
                     open_url_delay=0.5 if open_browser else None)
    finally:
        watcher.stop()
        builder.save_manifest()
