"""The command line as a user runs it: exit codes, messages, no tracebacks."""

import re

from tests.conftest import run_cli, tree, write


def page_files(site) -> list[str]:
    """Files made from templates: everything but static assets and .nojekyll."""
    return [p for p in tree(site) if not p.startswith("static/") and p != ".nojekyll"]


def test_build_prints_summary_and_exits_zero(guide_dir):
    result = run_cli("build", "--content", "content", "--out", "site", cwd=guide_dir.parent)
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"built (\d+) pages from 7 entries in \d+\.\d\d s\n", result.stdout)
    assert match
    assert int(match[1]) == len(page_files(guide_dir.parent / "site"))


def test_options_without_a_command_mean_build(guide_dir):
    result = run_cli("--content", "content", cwd=guide_dir.parent)
    assert result.returncode == 0, result.stderr
    assert re.match(r"built \d+ pages from 7 entries", result.stdout)
    assert (guide_dir.parent / "site" / "index.html").is_file()


def test_check_writes_nothing(guide_dir):
    result = run_cli("check", "--content", "content", cwd=guide_dir.parent)
    assert (result.returncode, result.stdout) == (0, "checked 7 entries: no errors\n")
    assert not (guide_dir.parent / "site").exists()


def test_content_errors_exit_one_with_every_message_and_no_traceback(guide_dir):
    write(guide_dir / "exercises" / "bridge.md", "---\ntitle: [\n---\n")
    write(guide_dir / "tips" / "empty.md", "")
    result = run_cli("check", "--content", "content", cwd=guide_dir.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/exercises/bridge.md:2:9: invalid YAML: while parsing a flow node, expected "
        "the node content, but found '<stream end>'",
        "content/tips/empty.md: file is empty; an entry starts with '---', its fields, and "
        "another '---'",
        "build failed: 2 errors; the output folder was left as it was",
    ]
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_two(guide_dir):
    missing = run_cli("build", "--content", "nowhere", cwd=guide_dir.parent)
    assert missing.returncode == 2
    assert missing.stderr == "error: no content folder at nowhere; pass --content DIR\n"
    unknown = run_cli("build", "--colour", cwd=guide_dir.parent)
    assert unknown.returncode == 2
    assert "unrecognized arguments: --colour" in unknown.stderr


def test_every_command_has_help(guide_dir):
    for command in ([], ["build"], ["check"], ["serve"], ["new"]):
        result = run_cli(*command, "--help", cwd=guide_dir.parent)
        assert result.returncode == 0
        assert result.stdout.startswith("usage: build.py")


def test_base_url_option_sets_canonical_links(guide_dir):
    result = run_cli("build", "--content", "content", "--base-url", "https://u.github.io/r",
                     cwd=guide_dir.parent)
    assert result.returncode == 0, result.stderr
    site = tree(guide_dir.parent / "site")
    assert b'<link rel="canonical" href="https://u.github.io/r/exercises/bridge/">' in \
        site["exercises/bridge/index.html"]
