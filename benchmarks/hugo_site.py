"""Write a Legwork corpus as an equivalent Hugo site, for a side-by-side benchmark.

Same entries, same Markdown (with `[[slug]]` turned into plain links, since Hugo
does not check references), the same four taxonomies with the same term names
and descriptions, and the same pages built from templates that mirror
Legwork's, so that both tools write sites of about the same size: entry pages
with the inline body map, dose, steps, variants, "also works", "mentioned in"
and the printable card; plan pages with their session sheet; section and term
lists; card decks of 100 per page for all exercises and for each term; the
search index and the data files.

What Legwork works out itself and Hugo has no way to, the converter works out
for Hugo: "mentioned in" (which entries refer to this one) is written into each
entry's front matter.

For reference, the benchmark also builds the corpus with the minimal templates
(`hugo_layouts_minimal`): entry pages without body map or card, no decks, no
search index or data files; a site about a fifth of the size.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LAYOUTS = {"matched": HERE / "hugo_layouts", "minimal": HERE / "hugo_layouts_minimal"}
TAXONOMIES = ("muscles", "goals", "levels", "equipment")
MINIMAL_CONFIG = {
    "baseURL": "http://127.0.0.1/",
    "relativeURLs": True,
    "disableKinds": ["RSS"],
    "taxonomies": {"muscle": "muscles", "goal": "goals", "level": "levels",
                   "equipment": "equipment"},
}
CONFIG = {
    **MINIMAL_CONFIG,
    "enableRobotsTXT": True,
    "outputFormats": {
        "searchindex": {"mediaType": "text/javascript", "baseName": "search-index",
                        "isPlainText": True, "notAlternative": True},
        **{f"data{kind}": {"mediaType": "application/json", "baseName": kind, "path": "data",
                           "isPlainText": True, "notAlternative": True}
           for kind in ("exercises", "tips", "plans")},
    },
    "outputs": {"home": ["HTML", "searchindex", "dataexercises", "datatips", "dataplans"]},
}
WIKILINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")


def split(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def page(front: dict, body: str = "") -> str:
    return "---\n" + yaml.safe_dump(front, sort_keys=True) + "---\n" + body


def convert(front: dict, body: str, titles: dict[str, tuple[str, str]],
            mentioned_in: list[str]) -> str:
    """One entry as Hugo front matter and Markdown."""
    hugo = dict(front)
    muscles = hugo.pop("muscles", None) or {}
    if muscles:
        hugo["primary"] = muscles.get("primary", [])
        hugo["secondary"] = muscles.get("secondary", [])
        hugo["muscles"] = [*hugo["primary"], *hugo["secondary"]]
    if "level" in front:
        hugo["levels"] = [front["level"]]
    hugo["mentioned_in"] = mentioned_in

    def link(match: re.Match) -> str:
        slug = match[1].strip()
        folder, title = titles[slug]
        return f"[{match[2] or title}](/{folder}/{slug}/)"

    return page(hugo, WIKILINK.sub(link, body))


def terms(front: dict) -> list[tuple[str, str]]:
    """An exercise's taxonomy terms, as (taxonomy, term) pairs."""
    muscles = front.get("muscles") or {}
    return [*(("muscles", m) for m in [*muscles.get("primary", []), *muscles.get("secondary", [])]),
            *(("goals", g) for g in front.get("goals", [])), ("levels", front["level"]),
            *(("equipment", e) for e in front.get("equipment", []))]


def references(folder: str, front: dict, body: str) -> list[str]:
    """The entries one entry refers to: the exercises a tip or plan names, and
    the `[[links]]` of its body."""
    named = []
    if folder == "tips":
        named = front.get("exercises", [])
    elif folder == "plans":
        named = [item["exercise"] for s in front.get("sessions", []) for item in s["items"]]
    return [*named, *(m[1].strip() for m in WIKILINK.finditer(body))]


def write_sections(content: Path, vocabularies: dict[str, dict],
                   used: set[tuple[str, str]]) -> None:
    """Term pages with their names and descriptions, card decks for the terms
    that have exercises (`used`: taxonomy and term), the search page."""
    for taxonomy in TAXONOMIES:
        for slug, term in vocabularies[taxonomy].items():
            fields = {"title": term["name"], "description": term.get("description", "")}
            if term.get("muscles"):
                fields["muscles"] = term["muscles"]
            (content / taxonomy / slug).mkdir(parents=True, exist_ok=True)
            (content / taxonomy / slug / "_index.md").write_text(page(fields))
    cards = content / "cards"
    cards.mkdir()
    (cards / "_index.md").write_text(page({"title": "All exercise cards"}))
    for taxonomy in TAXONOMIES:
        (cards / taxonomy).mkdir()
        (cards / taxonomy / "_index.md").write_text(page({"build": {"render": "never"}}))
        for slug, term in vocabularies[taxonomy].items():
            if (taxonomy, slug) not in used:
                continue
            (cards / taxonomy / slug).mkdir()
            deck = {"title": f"{term['name']} cards", "taxonomy": taxonomy, "term": slug}
            (cards / taxonomy / slug / "_index.md").write_text(page(deck))
    (content / "search").mkdir()
    (content / "search" / "_index.md").write_text(page({"title": "Search"}))


def write_hugo_site(content: Path, target: Path, templates: str = "matched") -> Path:
    """Write `content` (a Legwork content folder) as a Hugo site in `target`,
    with the "matched" templates or the "minimal" ones."""
    if target.exists():
        shutil.rmtree(target)
    (target / "content").mkdir(parents=True)
    site = yaml.safe_load((content / "site.yaml").read_text())
    config = {**(CONFIG if templates == "matched" else MINIMAL_CONFIG), "title": site["title"],
              "params": {"description": site.get("description", "")}}
    (target / "hugo.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    shutil.copytree(LAYOUTS[templates], target / "layouts")
    vocabularies = {path.stem: yaml.safe_load(path.read_text())
                    for path in (content / "vocabularies").glob("*.yaml")}
    entries = {}
    for folder in ("exercises", "tips", "plans"):
        for path in sorted((content / folder).glob("*.md")):
            entries[path.stem] = (folder, *split(path.read_text()))
    titles = {slug: (folder, front["title"]) for slug, (folder, front, _) in entries.items()}
    mentioned_in = defaultdict(list)
    for slug, entry in entries.items():
        for target_slug in dict.fromkeys(references(*entry)):
            mentioned_in[target_slug].append(slug)
    for slug, (folder, front, body) in entries.items():
        out = target / "content" / folder / f"{slug}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(convert(front, body, titles, mentioned_in[slug]))
    if templates == "matched":
        used = {(taxonomy, term) for folder, front, _ in entries.values() if folder == "exercises"
                for taxonomy, term in terms(front)}
        write_sections(target / "content", vocabularies, used)
        shutil.copytree(REPO / "static", target / "static" / "static")
        shutil.copytree(content / "vocabularies", target / "data" / "vocabularies")
        shutil.copy(REPO / "templates" / "bodymap.json", target / "data" / "bodymap.json")
    return target
