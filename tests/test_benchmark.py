"""The benchmark machinery at N=50, so it cannot rot; results are checked, not timings."""

import time

import pytest

from benchmarks.corpus import counts, generate
from benchmarks.run import main, wait_for_rebuild
from legwork.project import Project, load_guide
from tests.conftest import REPO
from tests.machine import require_program


def test_corpus_is_deterministic_and_valid(tmp_path):
    first = generate(50, tmp_path / "a")
    second = generate(50, tmp_path / "b")
    files = sorted(p.relative_to(first) for p in first.rglob("*.md"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.md"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    guide = load_guide(Project(root=REPO, content=first, out=tmp_path / "site")).guide
    assert (len(guide.exercises), len(guide.tips), len(guide.plans)) == counts(50)
    words = [len(e.body.split()) for e in guide.entries()]
    assert 200 <= sum(words) / len(words) <= 320


def test_benchmark_runs_every_measurement_against_hugo(tmp_path):
    require_program("hugo", "hugo")
    results, real = main(["--sizes", "50", "--runs", "1", "--real-runs", "1",
                          "--work", str(tmp_path)])
    (result,) = results
    assert result.entries == 50
    assert len(result.cold) == len(result.no_change) == 1
    assert len(result.hugo) == len(result.hugo_minimal) == 1
    assert len(result.edit_rebuild) == len(result.edit_end_to_end) == 1
    assert len(result.summary_rebuild) == len(result.title_rebuild) == 1
    assert result.edit_end_to_end[0] >= result.edit_rebuild[0] > 0
    assert all(run.peak_mb > 10 for run in result.cold + result.hugo + result.hugo_minimal)
    exercises, tips, plans = counts(50)
    for twin in ("hugo-public", "hugo-minimal-public"):
        pages = sorted((tmp_path / "n50" / twin / "exercises").glob("*/index.html"))
        assert len(pages) == exercises, twin
    assert result.pages["legwork"] > exercises + tips + plans
    # The twin compared against makes the same pages: body map and card on each
    # exercise page, decks for all exercises and each term, about as many bytes.
    page = (tmp_path / "n50" / "hugo-public" / "exercises" / "exercise-00001" / "index.html")
    html = page.read_text()
    assert 'class="bodymap bodymap-exercise"' in html and 'class="print-card"' in html
    legwork_decks = {p.parent.relative_to(tmp_path / "n50" / "site")
                     for p in (tmp_path / "n50" / "site" / "cards").glob("*/*/index.html")}
    hugo_decks = {p.parent.relative_to(tmp_path / "n50" / "hugo-public")
                  for p in (tmp_path / "n50" / "hugo-public" / "cards").glob("*/*/index.html")
                  if p.parent.parent.name != "page"}
    assert legwork_decks == hugo_decks
    assert 0.8 < result.output_mb["hugo"] / result.output_mb["legwork"] < 1.25
    assert result.output_mb["hugo_minimal"] < result.output_mb["legwork"] / 3
    assert len(real) == 1
    edited = tmp_path / "n50" / "serve-site" / "exercises" / "exercise-00001" / "index.html"
    assert b"Aa edited 0" in edited.read_bytes()  # the title edit, the last one made
    source = tmp_path / "n50" / "content" / "exercises" / "exercise-00001.md"
    assert "title: Exercise 1\n" in source.read_text()  # put back for the Hugo twin


@pytest.mark.parametrize("line, seconds", [
    ("re-rendered 20 pages, wrote 9 files, removed 0 in 87 ms", 0.087),
    ("re-rendered 307 pages, wrote 283 files, removed 0 in 2.91 s", 2.91),
])
def test_the_runner_reads_the_rebuild_time_the_server_reports(line, seconds):
    lines = ["caches warmed in 6.03 s: edits of listed entries are quick from now on\n",
             line + "\n"]
    assert wait_for_rebuild(lines, 0, time.perf_counter() + 1) == pytest.approx(seconds)


def test_the_profile_of_edits_times_each_kind_and_every_stage_of_a_move(tmp_path, capsys):
    from benchmarks.profile_edits import STAGES
    from benchmarks.profile_edits import main as profile_edits

    timings = profile_edits(["--entries", "50", "--edits", "2", "--work", str(tmp_path),
                             "--profile"])
    assert {kind: len(seconds) for kind, seconds in timings.items()} == {
        "body": 2, "summary": 2, "title": 2}
    assert all(seconds > 0 for kind in timings.values() for seconds in kind)
    out = capsys.readouterr().out
    stages = {line.split(" ms  ", 1)[1]: float(line.split(" ms  ", 1)[0])
              for line in out.splitlines() if " ms  " in line}
    assert [what for _, _, what in STAGES if stages.get(what, 0) <= 0] == []
    source = tmp_path / "profile-n50" / "content" / "exercises" / "exercise-00001.md"
    assert "title: Exercise 1\n" in source.read_text()  # put back
