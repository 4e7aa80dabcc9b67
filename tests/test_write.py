"""Writing: staging then swap, failed builds leave the old site, refused folders."""

import pytest

from legwork.builder import build_site
from legwork.errors import BuildFailed, UsageError
from legwork.page import Page
from legwork.pages import check_unique_outputs
from tests.conftest import REPO, make_project, tree, write


def test_failed_build_leaves_previous_site_byte_for_byte(guide_dir, built):
    before = tree(built)
    manifest = (built.parent / ".site.manifest.json").read_bytes()
    write(guide_dir / "exercises" / "bridge.md", "---\ntitle: [\n---\n")
    with pytest.raises(BuildFailed):
        build_site(make_project(guide_dir))
    assert tree(built) == before
    assert (built.parent / ".site.manifest.json").read_bytes() == manifest
    assert sorted(p.name for p in built.parent.iterdir()) == [
        ".site.manifest.json", "content", "site"]


def test_unchanged_project_is_not_rebuilt_and_edits_rewrite_only_changed_files(guide_dir,
                                                                             built):
    stamps = {p: p.stat().st_ino for p in built.rglob("*") if p.is_file()}
    assert build_site(make_project(guide_dir)).up_to_date
    entry = guide_dir / "exercises" / "bridge.md"
    entry.write_text(entry.read_text().replace("Lift the hips from the floor.", "Hips up."))
    result = build_site(make_project(guide_dir))
    assert not result.up_to_date
    changed = {p for p in built.rglob("*") if p.is_file() and stamps.get(p) != p.stat().st_ino}
    names = {p.relative_to(built).as_posix() for p in changed}
    assert "exercises/bridge/index.html" in names
    assert "exercises/calf-raise/index.html" not in names
    assert len(names) < len(stamps) / 2


def test_same_content_builds_byte_identical_output(guide_dir, tmp_path):
    first = make_project(guide_dir, out=tmp_path / "one")
    second = make_project(guide_dir, out=tmp_path / "two")
    build_site(first)
    build_site(second)
    assert tree(first.out) == tree(second.out)


def test_rebuild_replaces_stale_files(guide_dir, built):
    (guide_dir / "exercises" / "heel-drop.md").unlink()
    (guide_dir / "exercises" / "calf-raise.md").write_text(
        (guide_dir / "exercises" / "calf-raise.md").read_text().replace(
            "; see [[heel-drop]] for the box version", ""))
    (guide_dir / "exercises" / "calf-raise.md").write_text(
        (guide_dir / "exercises" / "calf-raise.md").read_text())
    build_site(make_project(guide_dir))
    assert not (built / "exercises" / "heel-drop").exists()
    assert (built / "exercises" / "calf-raise" / "index.html").exists()


def test_static_files_are_copied(built):
    assert (built / "static" / "style.css").read_bytes() == \
        (REPO / "static" / "style.css").read_bytes()
    assert (built / ".nojekyll").exists()


def test_two_pages_cannot_claim_one_output_path():
    pages = [Page("a/", "tip.html", "A"), Page("b/", "tip.html", "B"),
             Page("a/index.html", "tip.html", "A again")]
    with pytest.raises(ValueError, match="two outputs claim a/index.html: a/ and a/index.html"):
        check_unique_outputs(pages)


@pytest.mark.parametrize("where", ["content", "project", "parent", "inside-content"])
def test_refuses_output_folders_that_hold_sources(guide_dir, where):
    out = {"content": guide_dir, "project": REPO, "parent": REPO.parent,
           "inside-content": guide_dir / "site"}[where]
    project = make_project(guide_dir, out=out)
    with pytest.raises(UsageError, match="refusing to write the site"):
        build_site(project)


def test_refuses_to_replace_a_folder_it_did_not_make(guide_dir, tmp_path):
    (tmp_path / "photos").mkdir()
    write(tmp_path / "photos" / "holiday.jpg", "x")
    with pytest.raises(UsageError) as caught:
        build_site(make_project(guide_dir, out=tmp_path / "photos"))
    assert str(caught.value) == (
        f"refusing to replace {tmp_path / 'photos'}: it exists and was not made by Legwork "
        "(no .nojekyll); remove it or choose another --out")
    assert (tmp_path / "photos" / "holiday.jpg").read_text() == "x"
