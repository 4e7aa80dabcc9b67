"""Stage 2: turn raw content into a checked `Guide`, recording every mistake.

Types, required fields, unknown keys and vocabulary terms are checked here.
References between entries are only collected; the `links` stage resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from legwork import registry
from legwork.entries.common import read_common
from legwork.errors import ErrorLog
from legwork.fields import Fields, suggest
from legwork.load import SLUG_RE, RawContent, RawEntry
from legwork.model import (
    Entry,
    Guide,
    SiteConfig,
    Term,
    Vocabulary,
    same_vocabularies,
    sort_key,
)
from legwork.yamlsource import Document

__all__ = ["validate", "read_entry", "sort_key", "normalise_base_url"]


@dataclass
class Checked:
    """Entries checked before, kept by the dev server: an entry file that reads
    the same, checked against vocabularies that say the same, is not read again."""

    vocabularies: dict[str, Vocabulary] | None = None
    """The vocabularies the entries were checked against."""
    entries: dict[str, tuple[str, Entry]] = field(default_factory=dict)
    """Path -> (fingerprint of the file's text, the checked entry)."""

    def against(self, vocabularies: dict[str, Vocabulary]) -> None:
        """Keep only what still holds when entries are checked against `vocabularies`."""
        if self.vocabularies is None or not same_vocabularies(self.vocabularies,
                                                              vocabularies):
            self.entries.clear()
        self.vocabularies = vocabularies


def validate(raw: RawContent, log: ErrorLog, cache: Checked | None = None) -> Guide:
    """Check everything that can be checked without following references, reusing
    from `cache` (the dev server's) the entries checked before."""
    # A vocabulary that failed to load is left out; terms from it are not checked.
    names = registry.vocabularies()
    vocabularies = {name: read_vocabulary(name, path, doc, log)
                    for name, (path, doc) in sorted(raw.vocabularies.items())
                    if name in names and doc is not None}
    for name in sorted(set(raw.vocabularies) - set(names)):
        path, _ = raw.vocabularies[name]
        log.add(path, 0, 0, f"unknown vocabulary '{name}'{suggest(name, list(names))}; "
                f"the vocabularies are {', '.join(names)}")
    for name in names:
        if name not in raw.vocabularies:
            log.add(f"{raw.vocabulary_folder}/{name}.yaml", 0, 0,
                    f"missing vocabulary file {name}.yaml")
    config = read_site(raw.site, raw.site_path, log)
    if cache is not None:
        cache.against(vocabularies)
    entries = [read_entry(e, vocabularies, log, cache) for e in raw.entries]
    check_unique_slugs(raw.entries, log)
    lists = {declared.folder: sorted((e for e in entries if e.kind_name == declared.name),
                                     key=sort_key)
             for declared in registry.ENTRY_TYPES}
    return Guide(config=config, vocabularies=vocabularies, lists=lists)


def check_unique_slugs(entries: list[RawEntry], log: ErrorLog) -> None:
    """Slugs are global, since `[[slug]]` may point at any entry type."""
    first: dict[str, RawEntry] = {}
    for entry in entries:
        if entry.slug in first:
            log.add(entry.path, 0, 0, f"duplicate slug '{entry.slug}': "
                    f"{first[entry.slug].path} already uses it; rename one of the files")
        else:
            first[entry.slug] = entry


def read_vocabulary(name: str, path: str, doc: Document, log: ErrorLog) -> Vocabulary:
    """Read `vocabularies/<name>.yaml`: slug -> {name, description[, muscles]}."""
    terms: dict[str, Term] = {}
    aliases: dict[str, str] = {}
    if not isinstance(doc.data, dict) or not doc.data:
        log.add(path, 1, 1, f"{name}.yaml must map each term's slug to its 'name' and "
                "'description'")
        return Vocabulary(name, path, terms, aliases)
    top = Fields(doc, path, log)
    folder = name if name in {t.name for t in registry.TAXONOMIES} else ""
    for slug in doc.data:
        if not SLUG_RE.match(slug):
            top.error(slug, f"term '{slug}' is not a plain slug: use lower-case letters, "
                      "digits and hyphens", at_key=True)
            continue
        fields = top.mapping(slug, required=True)
        if fields is None:
            continue
        muscles = tuple(fields.texts("muscles")) if name == "muscles" else ()
        for i, muscle in enumerate(muscles):
            if muscle in aliases or muscle in doc.data:
                fields.error(("muscles", i), f"muscle '{muscle}' belongs to two groups")
            aliases[muscle] = slug
        terms[slug] = Term(name, slug, fields.text("name"), fields.text("description"), muscles,
                           folder)
        fields.finish()
    return Vocabulary(name, path, terms, aliases)


def read_site(doc: Document | None, path: str, log: ErrorLog) -> SiteConfig:
    """Read `site.yaml` into a `SiteConfig`."""
    if doc is None or not isinstance(doc.data, dict):
        if doc is not None:
            log.add(path, 1, 1, "site.yaml must be a list of 'field: value' lines")
        return SiteConfig(title="")
    fields = Fields(doc, path, log)
    base_url = fields.text("base_url", required=False)
    if base_url and not base_url.startswith(("https://", "http://")):
        fields.error("base_url", f"'base_url' must start with https:// or http://, "
                     f"not {base_url!r}")
        base_url = ""
    config = SiteConfig(
        title=fields.text("title"),
        description=fields.text("description", required=False),
        language=fields.text("language", required=False) or "en",
        base_url=normalise_base_url(base_url),
        author=fields.text("author", required=False),
        cname=fields.text("cname", required=False),
        featured_plans=tuple(fields.refs("featured_plans")),
    )
    fields.finish()
    return config


def normalise_base_url(url: str) -> str:
    """A base URL always ends with a slash, so page URLs can be appended."""
    return url if not url or url.endswith("/") else url + "/"


def read_entry(raw: RawEntry, vocabularies: dict[str, Vocabulary], log: ErrorLog,
               cache: Checked | None) -> Entry:
    """Read one entry, or reuse the one `cache` checked from the same text (against
    the same vocabularies: see `Checked.against`)."""
    if cache is not None:
        hit = cache.entries.get(raw.path)
        if hit and hit[0] == raw.digest:
            return hit[1]
    errors = len(log.errors)
    declared = registry.entry_type(raw.kind)
    fields = Fields(raw.front, raw.path, log)
    common = read_common(raw, fields, vocabularies, registry.taxonomies_of(declared.name))
    entry = declared.read(fields, vocabularies, common)
    fields.finish()
    if cache is not None and len(log.errors) == errors and raw.digest:
        cache.entries[raw.path] = (raw.digest, entry)
    return entry
