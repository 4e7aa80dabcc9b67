"""Stage 2: turn raw content into a checked `Guide`, recording every mistake.

Types, required fields, unknown keys and vocabulary terms are checked here.
References between entries are only collected; the `links` stage resolves them.
"""

from __future__ import annotations

from legwork.errors import ErrorLog
from legwork.fields import Fields, suggest
from legwork.load import SLUG_RE, RawContent, RawEntry
from legwork.model import (
    Dose,
    Entry,
    Exercise,
    Guide,
    Plan,
    PlanItem,
    Session,
    SiteConfig,
    Term,
    Tip,
    Vocabulary,
    same_vocabularies,
)
from legwork.yamlsource import Document

VOCABULARIES = ("muscles", "goals", "levels", "equipment", "kinds", "topics")
"""Vocabulary files every guide defines, in `content/vocabularies/`."""

NO_EQUIPMENT = "none"
"""Equipment term for exercises that list no equipment, when the vocabulary has it."""


def validate(raw: RawContent, log: ErrorLog, cache: dict | None = None) -> Guide:
    """Check everything that can be checked without following references.

    With a `cache` (kept by the dev server), an entry whose raw file object and
    vocabularies are the same as last time is reused instead of re-read.
    """
    # A vocabulary that failed to load is left out; terms from it are not checked.
    vocabularies = {name: read_vocabulary(name, path, doc, log)
                    for name, (path, doc) in sorted(raw.vocabularies.items())
                    if name in VOCABULARIES and doc is not None}
    for name in sorted(set(raw.vocabularies) - set(VOCABULARIES)):
        path, _ = raw.vocabularies[name]
        log.add(path, 0, 0, f"unknown vocabulary '{name}'{suggest(name, list(VOCABULARIES))}; "
                f"the vocabularies are {', '.join(VOCABULARIES)}")
    for name in VOCABULARIES:
        if name not in raw.vocabularies:
            log.add(f"{raw.vocabulary_folder}/{name}.yaml", 0, 0,
                    f"missing vocabulary file {name}.yaml")
    config = read_site(raw.site, raw.site_path, log)
    if cache:
        _, previous, _ = next(iter(cache.values()))
        if same_vocabularies(previous, vocabularies):  # keep the objects entries hold
            vocabularies = previous
    entries = [read_entry(e, vocabularies, log, cache) for e in raw.entries]
    check_unique_slugs(raw.entries, log)
    return Guide(
        config=config,
        vocabularies=vocabularies,
        exercises=sorted((e for e in entries if isinstance(e, Exercise)), key=sort_key),
        tips=sorted((e for e in entries if isinstance(e, Tip)), key=sort_key),
        plans=sorted((e for e in entries if isinstance(e, Plan)), key=sort_key),
    )


def sort_key(entry: Entry) -> tuple[str, str]:
    """Where an entry sits in its list: by title, regardless of case, then slug."""
    return (entry.title.casefold(), entry.slug)


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
        terms[slug] = Term(name, slug, fields.text("name"), fields.text("description"), muscles)
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


def read_dose(fields: Fields | None) -> Dose | None:
    """Read a dose mapping; at least one measure of work is required."""
    if fields is None:
        return None
    dose = Dose(
        sets=fields.span("sets"),
        reps=fields.span("reps"),
        hold_seconds=fields.span("hold_seconds"),
        duration_seconds=fields.span("duration_seconds"),
        distance_m=fields.span("distance_m"),
        per_side=fields.boolean("per_side"),
        rest_seconds=fields.span("rest_seconds"),
        per_week=fields.span("per_week"),
        note=fields.text("note", required=False),
        suggested=fields.boolean("suggested"),
    )
    measures = ("reps", "hold_seconds", "duration_seconds", "distance_m")
    if not any(fields.data.get(m) is not None for m in measures):
        fields.error((), f"dose needs one of {', '.join(measures)}")
    if dose.per_week and dose.per_week.high > 7:
        fields.error("per_week", "'dose.per_week' cannot be more than 7")
    fields.finish()
    return dose


def _common(raw: RawEntry, fields: Fields, vocabularies: dict[str, Vocabulary]) -> dict:
    return dict(
        slug=raw.slug,
        path=raw.path,
        title=fields.text("title"),
        summary=fields.text("summary"),
        body=raw.body,
        body_line=raw.body_line,
        goals=fields.terms("goals", vocabularies.get("goals")),
        related=fields.refs("related"),
        draft=fields.boolean("draft"),
    )


def named_muscles(muscles: Fields, vocabulary: Vocabulary | None) -> list[str]:
    """Specific muscles (e.g. "soleus") written instead of a group slug."""
    words = [*(muscles.data.get("primary") or []), *(muscles.data.get("secondary") or [])]
    aliases = vocabulary.aliases if vocabulary else {}
    return [w for w in words if isinstance(w, str) and w in aliases]


def read_exercise(raw: RawEntry, vocabularies: dict[str, Vocabulary], log: ErrorLog) -> Exercise:
    """Read an exercise's front matter."""
    fields = Fields(raw.front, raw.path, log)
    muscles_vocab = vocabularies.get("muscles")
    common = _common(raw, fields, vocabularies)
    muscles = fields.mapping("muscles", required=True)
    primary = secondary = []
    specific: list[str] = []
    if muscles is not None:
        primary = muscles.terms("primary", muscles_vocab)
        secondary = muscles.terms("secondary", muscles_vocab, required=False)
        for i, term in enumerate(secondary):
            if term in primary:
                muscles.error(("secondary", i), f"'{term.slug}' is already a primary muscle")
        specific = named_muscles(muscles, muscles_vocab)
        muscles.finish()
    equipment = fields.terms("equipment", vocabularies.get("equipment"), required=False)
    if not equipment and "equipment" in vocabularies:
        none = vocabularies["equipment"].terms.get(NO_EQUIPMENT)
        equipment = [none] if none else []
    exercise = Exercise(
        **common,
        aliases=fields.texts("aliases"),
        kind=fields.term("kind", vocabularies.get("kinds")),
        level=fields.term("level", vocabularies.get("levels")),
        primary=primary,
        secondary=[t for t in secondary if t not in primary],
        specific_muscles=specific,
        equipment=equipment,
        dose=read_dose(fields.mapping("dose", required=True)) or Dose(),
        steps=fields.texts("steps", required=True),
        cues=fields.texts("cues"),
        mistakes=fields.texts("mistakes"),
        cautions=fields.texts("cautions"),
        easier=fields.refs("easier"),
        harder=fields.refs("harder"),
    )
    fields.finish()
    return exercise


def read_tip(raw: RawEntry, vocabularies: dict[str, Vocabulary], log: ErrorLog) -> Tip:
    """Read a tip's front matter."""
    fields = Fields(raw.front, raw.path, log)
    tip = Tip(
        **_common(raw, fields, vocabularies),
        topic=fields.term("topic", vocabularies.get("topics")),
        exercises=fields.refs("exercises"),
    )
    fields.finish()
    return tip


def read_plan(raw: RawEntry, vocabularies: dict[str, Vocabulary], log: ErrorLog) -> Plan:
    """Read a plan's front matter: weeks, sessions and their exercises."""
    fields = Fields(raw.front, raw.path, log)
    common = _common(raw, fields, vocabularies)
    sessions = []
    for session in fields.mappings("sessions", required=True):
        items = []
        for item in session.mappings("items", required=True):
            exercise = item.ref("exercise")
            dose = read_dose(item.mapping("dose"))
            note = item.text("note", required=False)
            if exercise is not None:
                items.append(PlanItem(exercise, dose, note))
            item.finish()
        sessions.append(Session(session.text("name"), session.text("note", required=False),
                                items))
        session.finish()
    plan = Plan(
        **common,
        level=fields.term("level", vocabularies.get("levels")),
        weeks=fields.span("weeks", required=True),
        sessions_per_week=fields.span("sessions_per_week", required=True),
        sessions=sessions,
    )
    fields.finish()
    return plan


BUILDERS = {"exercise": read_exercise, "tip": read_tip, "plan": read_plan}
"""Entry type -> the function that reads its front matter."""


def read_entry(raw: RawEntry, vocabularies: dict[str, Vocabulary], log: ErrorLog,
               cache: dict | None) -> Entry:
    """Read one entry, or reuse the cached result for the same file and vocabularies."""
    if cache is not None:
        hit = cache.get(raw.path)
        if hit and hit[0] is raw and hit[1] is vocabularies:  # see validate()
            return hit[2]
    errors = len(log.errors)
    entry = BUILDERS[raw.kind](raw, vocabularies, log)
    if cache is not None and len(log.errors) == errors:
        cache[raw.path] = (raw, vocabularies, entry)
    return entry
