"""Where the dev server's time goes when one entry is edited.

Usage: python benchmarks/profile_edits.py [--entries 10000] [--edits 6] [--work DIR] [--profile]

Writes the synthetic guide of `benchmarks/corpus.py`, builds it with the dev
server's builder in this process and warms it as `serve` does, then makes the
edits that `benchmarks/run.py` times while serving (a paragraph of one
exercise's body, its summary, its title, which moves it to the front of every
list, then the end), each followed by what the server does once an edit is out.
Prints each rebuild's time; with --profile, the title edits are then made
again under cProfile, and the time of each stage of their rebuilds is printed,
stretched by the profiler (read the shares), with the functions that take most
of it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import generate  # noqa: E402
from benchmarks.run import EDITED, one_entry_edits  # noqa: E402
from legwork.builder import SiteBuilder  # noqa: E402
from legwork.project import Cache, Project  # noqa: E402
from legwork.serve import after_edit  # noqa: E402

STAGES = [
    ("edits.py", "edit_in_place", "read and check the edited file"),
    ("edits.py", "replan", "plan again what the move changes"),
    ("render.py", "render_page", "render the pages that show the change"),
    ("fragments.py", "encoded", "encode them"),
    ("linkcheck.py", "check_scanned", "check their links"),
    ("write.py", "update_files", "compare with the files there, write those that differ"),
]
"""(file, function, what it does) of the stages of a rebuild, in order."""


def served(content: Path, out: Path) -> SiteBuilder:
    """The dev server's builder, after its first build and warm-up."""
    builder = SiteBuilder(Project.at(REPO, content=content, out=out), Cache())
    builder.build(force=True)
    for _ in builder.warm():
        pass
    return builder


def edit(builder: SiteBuilder, entry: Path, text: str,
         profile: cProfile.Profile | None = None) -> float:
    """Write `text` to `entry`, rebuild as the server does; the rebuild's seconds."""
    entry.write_text(text)
    if profile:
        profile.enable()
    started = time.perf_counter()
    result = builder.rebuild({entry})
    seconds = time.perf_counter() - started
    if profile:
        profile.disable()
    if not result.in_place:
        raise RuntimeError(f"the edit of {entry} was not applied in place")
    after_edit(builder)
    return seconds


def stage_times(profile: cProfile.Profile, count: int) -> list[tuple[str, float]]:
    """(what, seconds per edit) of each of STAGES in `profile`, over `count` edits."""
    stats = pstats.Stats(profile).stats  # (file, line, name) -> (..., cumulative, callers)
    found = []
    for file, name, what in STAGES:
        seconds = sum(entry[3] for (path, _, function), entry in stats.items()
                      if path.endswith(f"legwork/{file}") and function == name)
        found.append((what, seconds / count))
    return found


def main(argv: list[str] | None = None) -> dict[str, list[float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=6, help="edits of each kind")
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / "work")
    parser.add_argument("--profile", action="store_true",
                        help="profile the title edits with cProfile")
    args = parser.parse_args(argv)
    content = generate(args.entries, args.work / f"profile-n{args.entries}" / "content")
    builder = served(content, content.with_name("site"))
    entry = content / EDITED
    original = entry.read_text()
    timings: dict[str, list[float]] = {}
    profile = cProfile.Profile() if args.profile else None
    edits = one_entry_edits(args.edits)
    try:
        for kind, old, new in edits:
            seconds = edit(builder, entry, original.replace(old, new, 1))
            timings.setdefault(kind, []).append(seconds)
        for kind, old, new in edits if profile else []:
            if kind == "title":
                edit(builder, entry, original.replace(old, new, 1), profile)
    finally:
        entry.write_text(original)
    for kind, seconds in timings.items():
        print(f"{kind} edit at {args.entries:,} entries: median "
              f"{statistics.median(seconds) * 1000:.0f} ms, each "
              + ", ".join(f"{s * 1000:.0f}" for s in seconds) + " ms")
    if profile:
        print("\nA title edit that moves the entry, by stage (profiled; read the shares):")
        for what, seconds in stage_times(profile, args.edits):
            print(f"  {seconds * 1000:7.1f} ms  {what}")
        print()
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    return timings


if __name__ == "__main__":
    main()
