"""Bad input: every case gives a located, actionable message; nothing crashes."""

import os
from pathlib import Path

import pytest

from legwork.load import MAX_FILE_BYTES
from legwork.project import load_guide
from tests.conftest import errors_for, make_project, run_cli, write

TIP = "---\ntitle: Breathe\nsummary: In and out.\ngoals: [speed]\ntopic: form\n---\nBody.\n"


@pytest.fixture
def content(guide_dir, monkeypatch) -> Path:
    monkeypatch.chdir(guide_dir.parent)
    return Path("content")




FILE_CASES = [
    ("bad-indentation", "---\ntitle: Breathe\n summary: x\n---\n",
     ["content/tips/case.md:3:9: invalid YAML: mapping values are not allowed here"]),
    ("tab-indent", "---\ntitle: Breathe\ngoals:\n\t- speed\n---\n",
     ["content/tips/case.md:4:1: invalid YAML: a tab is used for indentation; indent with "
      "spaces"]),
    ("unclosed-quote", '---\ntitle: "Breathe\nsummary: x\n---\n',
     ["content/tips/case.md:2:8: invalid YAML: this quote is never closed; add the closing "
      "quote"]),
    ("duplicate-key", "---\ntitle: A\nsummary: x\ntitle: B\n---\n",
     ["content/tips/case.md:4:1: invalid YAML: duplicate key 'title' (first given on line 2)"]),
    ("not-closed", "---\ntitle: Breathe\nsummary: x\n",
     ["content/tips/case.md:1:1: front matter is not closed: add a line '---' after the "
      "last field"]),
    ("no-front-matter", "# Breathe\n",
     ["content/tips/case.md:1:1: missing front matter: start the file with a line '---'"]),
    ("empty", "",
     ["content/tips/case.md: file is empty; an entry starts with '---', its fields, and "
      "another '---'"]),
    ("front-matter-list", "---\n- a\n- b\n---\n",
     ["content/tips/case.md:2:1: front matter must be a list of 'field: value' lines"]),
    ("python-tag", "---\ntitle: !!python/object/apply:os.system [echo]\n---\n",
     ["content/tips/case.md:2:8: YAML tag '!!python/object/apply:os.system' is not allowed: "
      "content is data, write a plain value"]),
    ("unquoted-colon", TIP.replace("Body.", "").replace("summary: In and out.",
                                                         "summary: [Breathe: in]"),
     ["content/tips/case.md:3:10: 'summary' must be text, not a list"]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in FILE_CASES],
                         ids=[c[0] for c in FILE_CASES])
def test_malformed_entry_file(content, text, expected):
    write(content / "tips" / "case.md", text)
    assert errors_for(content) == expected


def test_byte_order_mark_is_accepted(content):
    (content / "tips" / "case.md").write_bytes(b"\xef\xbb\xbf" + TIP.encode())
    assert "case" in load_guide(make_project(content)).links.entries


def test_windows_line_endings_are_accepted(content):
    (content / "tips" / "case.md").write_bytes(TIP.replace("\n", "\r\n").encode())
    assert load_guide(make_project(content)).links.entries["case"].title == "Breathe"


def test_file_that_is_not_utf8(content):
    (content / "tips" / "case.md").write_bytes(TIP.encode().replace(b"In and", b"In \xe9t"))
    assert errors_for(content) == [
        "content/tips/case.md:3:13: file is not UTF-8 (byte 0xe9); save it as UTF-8"]


@pytest.mark.parametrize("name", ["Deep Breath.md", "Upper.md", "caf\u00e9.md", "a..b.md",
                                  "-lead.md", "two--hyphens.md", "under_score.md"])
def test_file_name_must_be_a_plain_slug(content, name):
    write(content / "tips" / name, TIP)
    assert errors_for(content) == [
        f"content/tips/{name}: file name '{name}' is not a plain slug: use lower-case letters, "
        "digits and single hyphens, e.g. 'single-leg-squat.md'"]


def test_unexpected_files_and_folders_in_entry_folders(content):
    write(content / "tips" / "notes.txt", "x")
    (content / "exercises" / "drafts").mkdir()
    assert errors_for(content) == [
        "content/exercises/drafts: unexpected folder in exercises/: only .md files belong here",
        "content/tips/notes.txt: unexpected file in tips/: only .md files belong here",
    ]


def test_vocabulary_with_a_duplicate_term(content):
    write(content / "vocabularies" / "goals.yaml",
          "speed: {name: Speed, description: Fast.}\n"
          "distance: {name: Distance, description: Far.}\n"
          "speed: {name: Speed again, description: Faster.}\n")
    assert errors_for(content) == [
        "content/vocabularies/goals.yaml:3:1: invalid YAML: duplicate key 'speed' "
        "(first given on line 1)"]


def test_unreadable_file(content):
    os.symlink("gone.md", content / "tips" / "case.md")
    assert errors_for(content) == [
        "content/tips/case.md: cannot read file: No such file or directory"]


def test_symlink_pointing_outside_content_is_refused(content, tmp_path):
    outside = write(tmp_path / "elsewhere.md", TIP)
    os.symlink(outside, content / "tips" / "case.md")
    assert errors_for(content) == [
        "content/tips/case.md: symbolic link points outside the content folder; copy the file "
        "into content/ instead"]


def test_symlink_inside_content_is_followed(content):
    write(content / "tips" / "real.md", TIP.replace("Breathe", "Real"))
    os.symlink("real.md", content / "tips" / "alias.md")
    entries = load_guide(make_project(content)).links.entries
    assert entries["alias"].title == "Real"


def test_very_large_file_is_refused_quickly(content):
    write(content / "tips" / "case.md", TIP + "x" * MAX_FILE_BYTES)
    assert errors_for(content) == [
        "content/tips/case.md: file is larger than 1000 KB; split it into several entries"]


def test_missing_vocabulary_and_site_files(content):
    (content / "vocabularies" / "topics.yaml").unlink()
    (content / "site.yaml").unlink()
    assert errors_for(content)[:2] == [
        "content/site.yaml: missing site.yaml: create it with at least 'title:'",
        "content/vocabularies/topics.yaml: missing vocabulary file topics.yaml",
    ]


def test_many_errors_are_capped_with_a_count(guide_dir):
    for i in range(120):
        write(guide_dir / "tips" / f"t{i:03d}.md", "---\ntitle: [\n---\n")
    result = run_cli("check", "--content", "content", cwd=guide_dir.parent)
    lines = result.stderr.splitlines()
    assert result.returncode == 1
    assert len(lines) == 102
    assert lines[0].startswith("content/tips/t000.md:2:9: invalid YAML")
    assert lines[-2:] == ["... and 20 more error(s) not shown",
                          "build failed: 120 errors; the output folder was left as it was"]
