"""Stage 6: write the rendered site into a staging folder, then swap it in.

The previous output stays untouched until the new one is complete: a failed
or interrupted build leaves it exactly as it was. Nothing is written outside
the output folder and its staging sibling, and no path is written twice.
"""

from __future__ import annotations

import json
import os
import shutil
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
