"""Stage 6: write the rendered site into a staging folder, then swap it in.

The previous output stays untouched until the new one is complete: a failed
or interrupted build leaves it exactly as it was. Nothing is written outside
the output folder and its staging sibling, and no path is written twice.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from legwork.errors import UsageError

MARKER = ".nojekyll"
"""Written into every output folder; an existing folder without it is not ours."""


def static_files(static: Path) -> dict[str, Path]:
    """Files of `static/`, keyed by their output path (`static/...`)."""
    if not static.is_dir():
        return {}
    found = {}
    for path in sorted(static.rglob("*")):
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(static).parts):
            found["static/" + path.relative_to(static).as_posix()] = path
    return found


def check_output_folder(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder that would overwrite sources or someone else's files."""
    resolved = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if resolved == folder or folder.is_relative_to(resolved):
            raise UsageError(f"refusing to write the site to {out}: it holds {folder}; "
                             "choose an empty or new folder such as site/")
        if resolved.is_relative_to(folder) and folder.name in ("content", "templates", "static"):
            raise UsageError(f"refusing to write the site into {folder}; choose site/")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise UsageError(f"refusing to replace {out}: it exists and was not made by Legwork "
                         f"(no {MARKER}); remove it or choose another --out")


def staging_folder(out: Path) -> Path:
    """A fresh, empty staging folder beside `out` (leftovers of a killed build removed)."""
    staging = out.with_name(f".{out.name}.staging")
    for leftover in (staging, out.with_name(f".{out.name}.old")):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir(parents=True)
    return staging


def manifest_path(out: Path) -> Path:
    """Where the fingerprints of the last build are kept: beside the output, not in it."""
    return out.with_name(f".{out.name}.manifest.json")


def read_manifest(out: Path) -> dict:
    """The manifest of the build now in `out`, or {} when there is none to trust."""
    path = manifest_path(out)
    if not (out / MARKER).exists() or not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def finish_site(staging: Path, statics: dict[str, Path], extra: dict[str, bytes],
                out: Path, manifest: dict) -> int:
    """Add static files and extras to a rendered staging folder, swap it in, record it."""
    for path, source in statics.items():
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for path, data in extra.items():
        (staging / path).write_bytes(data)
    (staging / MARKER).write_bytes(b"")
    manifest_path(out).unlink(missing_ok=True)  # never pair an old manifest with a new site
    swap(staging, out, out.with_name(f".{out.name}.old"))
    write_manifest(out, manifest)
    return len(statics) + len(extra) + 1


def write_manifest(out: Path, manifest: dict) -> None:
    """Record what is in `out` now, atomically."""
    path = manifest_path(out)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def swap(staging: Path, out: Path, retired: Path) -> None:
    """Put `staging` in place of `out` with two renames; the old tree is then removed."""
    if out.exists():
        os.replace(out, retired)
    os.replace(staging, out)
    if retired.exists():
        shutil.rmtree(retired)


# --- Rebuilds: files written in place, each atomically ------------------------------

WRITERS = 2
"""Threads that compare and write a rebuild's files: both leave the interpreter
free, so two files are done at once."""
BLOCK = 1 << 20
"""How much of a file is read at a time to compare it."""


def update_files(out: Path, files: dict[str, list[bytes]]) -> list[str]:
    """Write each of `files` (output path -> its bytes in parts) whose bytes differ
    from the file in `out`, largest first, on WRITERS threads; returns those written."""
    sizes = {path: sum(map(len, parts)) for path, parts in files.items()}
    largest_first = sorted(files, key=lambda path: (-sizes[path], path))

    def update(path: str) -> bool:  # compared and, when it differs, written at once
        found = differs(out / path, files[path], sizes[path])
        if found:
            replace_file(out / path, files[path], new_folder=found is MISSING)
        return bool(found)

    with ThreadPoolExecutor(WRITERS) as pool:
        wrote = list(pool.map(update, largest_first))
    return [path for path, yes in zip(largest_first, wrote, strict=True) if yes]


def remove_file(path: Path, out: Path) -> None:
    """Delete a page that is gone, and the folders it leaves empty."""
    path.unlink(missing_ok=True)
    _prune(path, out)


MISSING = "missing"
"""What `differs` says of a file that is not there (it differs, and its folder may
be missing too)."""


def differs(target: Path, parts: list[bytes], size: int) -> bool | str:
    """Whether the file `target` differs from `parts` (of `size` bytes in all), or
    MISSING."""
    try:
        with target.open("rb", buffering=0) as file:
            if os.fstat(file.fileno()).st_size != size:
                return True
            # A page that changed mostly differs early: the blocks grow from a
            # sixteenth of BLOCK, so as little of the old file as may be is read.
            step = max(BLOCK >> 4, 1)
            for part in parts:  # bytes compare with memcmp; memoryviews do not
                start = 0
                while start < len(part):
                    block = part[start:start + step] if start or len(part) > step else part
                    if file.read(len(block)) != block:
                        return True
                    start += len(block)
                    step = min(step * 2, BLOCK)
    except FileNotFoundError:
        return MISSING
    return False


def replace_file(target: Path, parts: list[bytes], new_folder: bool = True) -> None:
    """Write `target` whole, never showing a part-written file: the data goes to a
    temporary file that then takes the target's name. The old file is removed
    first: renaming over it makes ext4 write the new file to disk at once
    (auto_da_alloc), which takes several times longer than the write. The folder
    is made first when it may be missing (`new_folder`)."""
    if new_folder:
        target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    with temporary.open("wb") as file:
        file.writelines(parts)
    target.unlink(missing_ok=True)
    os.rename(temporary, target)


def _prune(path: Path, root: Path) -> None:
    """Remove folders left empty by a deleted page, up to the output root."""
    folder = path.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
