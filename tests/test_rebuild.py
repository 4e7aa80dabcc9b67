"""Rebuilds in a long-running process re-render only what an edit affects."""

import shutil

import pytest

from legwork.build import Project
from legwork.errors import BuildFailed
from legwork.site import SiteBuilder
from tests.conftest import REPO, edit, make_project, write


def test_body_edit_rerenders_its_page_the_search_index_and_its_data(guide_dir):
    builder = SiteBuilder(make_project(guide_dir))
    builder.build()
    edit(guide_dir / "exercises" / "heel-drop.md", "Slow lowering.", "Lower for ten seconds.")
    result = builder.rebuild()
    assert result.rendered == 3
    assert result.written == ["data/exercises.json", "exercises/heel-drop/index.html",
                              "search-index.js"]
    page = (builder.project.out / "exercises" / "heel-drop" / "index.html").read_text()
    assert "Lower for ten seconds." in page


def test_title_edit_rerenders_every_page_that_lists_it(guide_dir):
    builder = SiteBuilder(make_project(guide_dir))
    builder.build()
    edit(guide_dir / "exercises" / "heel-drop.md", "title: Heel drop", "title: Heel lower")
    result = builder.rebuild()
    out = builder.project.out
    for path in ["exercises/heel-drop/index.html", "exercises/index.html",
                 "exercises/calf-raise/index.html", "muscles/calves/index.html",
                 "cards/index.html", "levels/advanced/index.html"]:
        assert path in result.written, path
        assert "Heel lower" in (out / path).read_text(), path
    assert "tips/soft-landings/index.html" not in result.written


def test_new_wikilink_updates_the_backlinks_of_its_target(guide_dir):
    builder = SiteBuilder(make_project(guide_dir))
    builder.build()
    write(guide_dir / "exercises" / "bridge.md",
          (guide_dir / "exercises" / "bridge.md").read_text() + "Pairs well with [[heel-drop]].\n")
    result = builder.rebuild()
    assert "exercises/heel-drop/index.html" in result.written
    page = (builder.project.out / "exercises" / "heel-drop" / "index.html").read_text()
    assert 'href="../bridge/index.html"' in page


def test_template_edit_rerenders_pages_that_use_it(guide_dir, tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    builder = SiteBuilder(Project(root=tmp_path, content=guide_dir, out=tmp_path / "site"))
    builder.build()
    edit(tmp_path / "templates" / "tip.html", "Exercises in this tip", "Exercises it names")
    result = builder.rebuild()
    assert result.rendered == 2  # the two tips
    assert result.written == ["tips/soft-landings/index.html"]  # the other lists none
    assert "Exercises it names" in (tmp_path / "site/tips/soft-landings/index.html").read_text()


def test_static_file_change_copies_just_that_file(guide_dir, tmp_path):
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    builder = SiteBuilder(Project(root=tmp_path, content=guide_dir, out=tmp_path / "site"))
    builder.build()
    with (tmp_path / "static" / "style.css").open("a") as css:
        css.write("\n.new-rule { color: red; }\n")
    result = builder.rebuild()
    assert (result.rendered, result.written) == (0, ["static/style.css"])
    assert ".new-rule" in (tmp_path / "site" / "static" / "style.css").read_text()
    (tmp_path / "static" / "favicon.svg").unlink()
    with pytest.raises(BuildFailed) as caught:
        builder.rebuild()
    home = [e.message for e in caught.value.errors if e.path == "site/index.html"]
    assert home == ["broken link 'static/favicon.svg': no page or file at static/favicon.svg; "
                    "fix the template or the link"]
    assert (tmp_path / "site" / "static" / "favicon.svg").exists()


def test_full_build_after_serving_never_reuses_a_file_serve_changed(guide_dir):
    """serve rewrites files in place; the manifest must follow, or a later build
    could hard-link a file it wrongly believes unchanged."""
    project = make_project(guide_dir)
    serving = SiteBuilder(project)
    serving.build(force=True)
    entry = guide_dir / "exercises" / "heel-drop.md"
    original = entry.read_text()
    edit(entry, "Slow lowering.", "Edited while serving.")
    serving.rebuild()
    entry.write_text(original)  # reverted after the server stopped
    result = SiteBuilder(project).build()
    assert not result.up_to_date
    page = (project.out / "exercises" / "heel-drop" / "index.html").read_text()
    assert "Slow lowering." in page and "Edited while serving." not in page


def test_serving_an_up_to_date_site_still_rebuilds_edits(guide_dir):
    project = make_project(guide_dir)
    SiteBuilder(project).build()
    serving = SiteBuilder(project)
    assert not serving.build(force=True).up_to_date
    edit(guide_dir / "exercises" / "heel-drop.md", "Slow lowering.", "Edited.")
    assert "exercises/heel-drop/index.html" in serving.rebuild().written
