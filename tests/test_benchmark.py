"""The benchmark machinery at N=50, so it cannot rot; results are checked, not timings."""

import shutil
from pathlib import Path

from benchmarks.corpus import counts, generate
from benchmarks.run import main
from legwork.build import Project, load_guide
from tests.browser import require
from tests.conftest import REPO


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
    require(Path(shutil.which("hugo") or "/usr/bin/hugo"), "Hugo")
    results, real = main(["--sizes", "50", "--runs", "1", "--real-runs", "1",
                          "--work", str(tmp_path)])
    (result,) = results
    assert result.entries == 50
    assert len(result.cold) == len(result.no_change) == len(result.hugo) == 1
    assert len(result.edit_rebuild) == len(result.edit_end_to_end) == 1
    assert len(result.summary_rebuild) == len(result.title_rebuild) == 1
    assert result.edit_end_to_end[0] >= result.edit_rebuild[0] > 0
    assert all(run.peak_mb > 10 for run in result.cold + result.hugo)
    exercises, tips, plans = counts(50)
    hugo_entry_pages = sum(1 for _ in (tmp_path / "n50" / "hugo-public" / "exercises").glob(
        "*/index.html"))
    assert hugo_entry_pages == exercises
    assert result.legwork_pages > exercises + tips + plans
    assert len(real) == 1
    edited = tmp_path / "n50" / "serve-site" / "exercises" / "exercise-00001" / "index.html"
    assert b"Aa edited 0" in edited.read_bytes()  # the title edit, the last one made
