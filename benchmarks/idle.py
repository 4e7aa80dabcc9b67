"""What the dev server costs while the author is not editing, and how soon an edit is out.

Usage: python benchmarks/idle.py [--entries 10000] [--seconds 30] [--edits 5]
                                 [--work DIR] [--repo DIR] [--poll]

Starts `python build.py serve` on a synthetic guide of --entries entries
(benchmarks/corpus.py) and waits until it reports its caches warm, then
--settle seconds more. It then reads the processor time the server has used
(every thread, user and system: /proc/PID/task/*/schedstat, so Linux only),
sleeps --seconds, and reads it again: what an idle server costs, watcher
included. Last, it saves --edits edits of one entry's body, a second apart,
and times each from saving the file to the server's report of its last file
written. --repo runs another checkout's build.py (to compare with an older
watcher); --poll sets LEGWORK_POLL, so the server polls instead of being told
of changes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import generate  # noqa: E402
from benchmarks.run import (  # noqa: E402
    EDITED,
    one_entry_edits,
    python_defaults,
    start_serving,
    wait_for_rebuild,
)


def cpu_seconds(pid: int) -> float:
    """Processor time of every live thread of process `pid`, in seconds."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):  # a thread that ended meanwhile
            continue
    return total / 1e9


def measure(content: Path, out: Path, repo: Path, seconds: float, settle: float,
            edits: int, poll: bool) -> tuple[float, list[float]]:
    """(processor seconds the idle server used over `seconds`, each edit's seconds
    from save to last file written)."""
    env = python_defaults()
    if poll:
        env["LEGWORK_POLL"] = "1"
    process, lines = start_serving(content, out, repo, env)
    entry = content / EDITED
    original = entry.read_text()
    try:
        time.sleep(settle)
        before = cpu_seconds(process.pid)
        time.sleep(seconds)
        idle = cpu_seconds(process.pid) - before
        saves = []
        for _, old, replacement in one_entry_edits(edits)[:edits]:  # the body edits
            seen = len(lines)
            time.sleep(1.0)
            started = time.perf_counter()
            entry.write_text(original.replace(old, replacement, 1))
            wait_for_rebuild(lines, seen, started + 600)
            saves.append(time.perf_counter() - started)
    finally:
        process.terminate()
        process.wait(30)
        entry.write_text(original)
    print("".join(line for line in lines if "poll" in line), end="")
    return idle, saves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=30.0, help="idle time measured")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds to wait after the caches are warm")
    parser.add_argument("--edits", type=int, default=5, help="body edits timed")
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / "work")
    parser.add_argument("--repo", type=Path, default=REPO, help="whose build.py to run")
    parser.add_argument("--poll", action="store_true", help="set LEGWORK_POLL")
    args = parser.parse_args()
    folder = args.work / f"n{args.entries}"
    content = folder / "content"
    if not (content / EDITED).is_file():
        generate(args.entries, content)
    idle, saves = measure(content, folder / "idle-site", args.repo.resolve(), args.seconds,
                          args.settle, args.edits, args.poll)
    polling = " LEGWORK_POLL=1" if args.poll else ""
    print(f"{args.entries:,} entries, {args.repo.resolve()}{polling}")
    print(f"idle: {idle * 1000:.1f} ms of processor time in {args.seconds:g} s "
          f"({100 * idle / args.seconds:.3f}% of one core)")
    if saves:
        print(f"body edit, saved to last file written: median {statistics.median(saves) * 1000:.0f}"
              f" ms ({', '.join(f'{s * 1000:.0f}' for s in saves)})")


if __name__ == "__main__":
    main()
