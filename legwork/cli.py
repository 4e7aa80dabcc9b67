"""The command line: `python build.py [build|check|serve|new] ...`.

Exit codes: 0 success, 1 content (or template) errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

import jinja2

from legwork import registry
from legwork.builder import build_site
from legwork.errors import LegworkError, UsageError
from legwork.project import Project, load_guide


def _project(args: argparse.Namespace, root: Path) -> Project:
    """Content and output folders are relative to where the command runs."""
    content = Path(args.content or "content")
    if not content.is_dir():
        raise UsageError(f"no content folder at {content}; pass --content DIR")
    out = Path(getattr(args, "out", None) or "site")
    return Project(root=root, content=content, out=out,
                   base_url=getattr(args, "base_url", None),
                   drafts=getattr(args, "drafts", False))


def cmd_build(args: argparse.Namespace, root: Path) -> int:
    """Build the site into the output folder."""
    result = build_site(_project(args, root))
    print(result.summary())
    return 0


def cmd_check(args: argparse.Namespace, root: Path) -> int:
    """Run every content check and write nothing."""
    loaded = load_guide(_project(args, root))
    print(f"checked {len(loaded.guide.entries())} entries: no errors")
    return 0


def cmd_serve(args: argparse.Namespace, root: Path) -> int:
    """Build, serve on localhost, rebuild on every change."""
    from legwork.serve import serve

    project = _project(args, root)
    serve(project, host=args.host, port=args.port, open_browser=args.open)
    return 0


def cmd_new(args: argparse.Namespace, root: Path) -> int:
    """Write a new draft entry."""
    from legwork.scaffold import new_entry

    path = new_entry(Path(args.content or "content"), args.kind, args.title)
    print(f"created {path} (a draft: remove 'draft: true' to publish it)")
    return 0


def make_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per action."""
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the Legwork guide from content/ into site/.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def content_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--content", metavar="DIR", help="content folder (default: content/)")

    build = commands.add_parser("build", help="build the site (the default command)",
                                description="Build content/ into site/.")
    content_option(build)
    build.add_argument("--out", metavar="DIR", help="output folder (default: site/)")
    build.add_argument("--base-url", metavar="URL",
                       help="public URL of the site, overriding site.yaml's base_url")
    build.add_argument("--drafts", action="store_true", help="include entries with draft: true")
    build.set_defaults(run=cmd_build)

    check = commands.add_parser("check", help="check the content, write nothing",
                                description="Run every check of the build; write nothing.")
    content_option(check)
    check.add_argument("--drafts", action="store_true", help="include entries with draft: true")
    check.set_defaults(run=cmd_check)

    serve = commands.add_parser("serve", help="live preview: build, serve, rebuild on change",
                                description="Build, serve site/ and rebuild what each edit "
                                "affects; the browser reloads itself.")
    content_option(serve)
    serve.add_argument("--out", metavar="DIR", help="output folder (default: site/)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on "
                       "(default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.add_argument("--no-drafts", dest="drafts", action="store_false",
                       help="leave out draft entries (they are shown by default)")
    serve.set_defaults(run=cmd_serve, base_url=None)

    new = commands.add_parser("new", help="start a new entry from a commented stub",
                              description="Write content/<kind>s/<slug>.md with every field "
                              "stubbed; never overwrites.")
    new.add_argument("kind", choices=[declared.name for declared in registry.ENTRY_TYPES])
    new.add_argument("title", help='the title, e.g. "Single-leg squat"')
    content_option(new)
    new.set_defaults(run=cmd_new)
    return parser


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    """Run the command line; returns the exit code."""
    root = root or Path.cwd()
    parser = make_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = parser.parse_args(argv)
    try:
        return args.run(args, root)
    except LegworkError as error:
        error.show()
        return error.exit_code
    except jinja2.TemplateError as error:
        print(f"{_template_location(error)}: template error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; site/ was left as it was", file=sys.stderr)
        return 130


def _template_location(error: jinja2.TemplateError) -> str:
    """file:line of a template error, from the error or the template frames."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return f"{error.filename}:{error.lineno}"
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename.endswith((".html", ".xml", ".txt"))]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "templates"
