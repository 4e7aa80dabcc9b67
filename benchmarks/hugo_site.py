"""Write a Legwork corpus as an equivalent Hugo site, for a side-by-side benchmark.

Same entries, same Markdown (with `[[slug]]` turned into plain links, since Hugo
does not check references), the same four taxonomies, and templates of a
similar size to Legwork's: a base layout with navigation, entry pages with
dose, steps, cues, cautions and term links, section lists, taxonomy pages.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

LAYOUTS = Path(__file__).resolve().parent / "hugo_layouts"
CONFIG = """baseURL: "http://127.0.0.1/"
title: Benchmark guide
relativeURLs: true
disableKinds: [RSS]
taxonomies:
  muscle: muscles
  goal: goals
  level: levels
  equipment: equipment
"""
WIKILINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")


def split(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def convert(front: dict, body: str, titles: dict[str, tuple[str, str]]) -> str:
    """One entry as Hugo front matter and Markdown."""
    muscles = front.get("muscles") or {}
    hugo = {k: v for k, v in front.items() if k not in ("muscles", "level", "goals")}
    hugo["muscles"] = [*muscles.get("primary", []), *muscles.get("secondary", [])]
    hugo["goals"] = front.get("goals", [])
    if "level" in front:
        hugo["levels"] = [front["level"]]

    def link(match: re.Match) -> str:
        slug = match[1].strip()
        folder, title = titles[slug]
        return f"[{match[2] or title}](/{folder}/{slug}/)"

    return "---\n" + yaml.safe_dump(hugo, sort_keys=True) + "---\n" + WIKILINK.sub(link, body)


def write_hugo_site(content: Path, target: Path) -> Path:
    """Write `content` (a Legwork content folder) as a Hugo site in `target`."""
    if target.exists():
        shutil.rmtree(target)
    (target / "content").mkdir(parents=True)
    (target / "hugo.yaml").write_text(CONFIG)
    shutil.copytree(LAYOUTS, target / "layouts")
    entries = {}
    for folder in ("exercises", "tips", "plans"):
        for path in sorted((content / folder).glob("*.md")):
            entries[path.stem] = (folder, *split(path.read_text()))
    titles = {slug: (folder, front["title"]) for slug, (folder, front, _) in entries.items()}
    for slug, (folder, front, body) in entries.items():
        out = target / "content" / folder / f"{slug}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(convert(front, body, titles))
    return target
