"""Typed access to a YAML mapping that records every mistake with its position.

`Fields` is how the validator reads front matter: each accessor names the
field, checks its type, and on failure records `file:line:col: message`
instead of raising, so one run reports every mistake.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from legwork.errors import ErrorLog
from legwork.model import Ref, Span, Term, Vocabulary
from legwork.yamlsource import Document

SPAN_RE = re.compile(r"^\s*(\d+)\s*(?:(?:-|\u2013|to)\s*(\d+)\s*)?$")


def suggest(word: str, choices: list[str]) -> str:
    """A " (did you mean 'x'?)" hint, or "" when nothing is close."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def nearest(word: str, choices: list[str], count: int = 3) -> str:
    """Up to `count` close choices as a hint for an unknown slug."""
    close = difflib.get_close_matches(word, choices, n=count, cutoff=0.5)
    if not close:
        return ""
    listed = ", ".join(f"'{c}'" for c in close)
    return f" (did you mean {listed}?)" if len(close) == 1 else f" (nearest: {listed})"


def type_name(value: Any) -> str:
    """How a YAML value reads to an author."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Fields:
    """The fields of one mapping inside a document, read with checks."""

    def __init__(self, doc: Document, path: str, log: ErrorLog, prefix: tuple = ()) -> None:
        self.doc = doc
        self.path = path
        self.log = log
        self.prefix = prefix
        data = doc.data
        for key in prefix:
            data = data[key]
        self.data: dict = data
        self.asked: list[str] = []

    def error(self, key: str | int | tuple, message: str, at_key: bool = False) -> None:
        """Record a mistake at the field `key` (or a path below it)."""
        sub = key if isinstance(key, tuple) else (key,)
        line, column = self.doc.where(self.prefix + sub, key=at_key)
        self.log.add(self.path, line, column, message)

    def _name(self, key: str) -> str:
        return ".".join(str(k) for k in (*self.prefix, key))

    def raw(self, key: str, required: bool) -> Any:
        """The value of `key` or None; records a missing required field."""
        self.asked.append(key)
        value = self.data.get(key)
        if value is None and required:
            where = "" if not self.prefix else f" in '{'.'.join(map(str, self.prefix))}'"
            self.error((), f"missing required field '{key}'{where}")
        return value

    def text(self, key: str, required: bool = True) -> str:
        """A non-empty string."""
        value = self.raw(key, required)
        if value is None:
            return ""
        if isinstance(value, str) and not value.strip():
            self.error(key, f"'{self._name(key)}' is empty; write some text or remove the field")
            return ""
        if not isinstance(value, str):
            self.error(key, f"'{self._name(key)}' must be text, not {type_name(value)}"
                       + (" (put it in quotes)" if isinstance(value, (int, float)) else ""))
            return ""
        return value.strip()

    def texts(self, key: str, required: bool = False) -> list[str]:
        """A list of non-empty strings; a single string is not accepted."""
        value = self.raw(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, f"'{self._name(key)}' must be a list (one '- item' per line), "
                       f"not {type_name(value)}")
            return []
        if required and not value:
            self.error(key, f"'{self._name(key)}' must list at least one item")
        result = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                result.append(item.strip())
            else:
                hint = " (put it in quotes: it contains ': ')" if isinstance(item, dict) else ""
                self.error((key, i), f"'{self._name(key)}' item {i + 1} must be text, "
                           f"not {type_name(item)}{hint}")
        return result

    def boolean(self, key: str) -> bool:
        """true or false (default false)."""
        value = self.raw(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"'{self._name(key)}' must be true or false, not {type_name(value)}")
            return False
        return value

    def span(self, key: str, required: bool = False, minimum: int = 1) -> Span | None:
        """A whole number or a range such as 8-10."""
        value = self.raw(key, required)
        if value is None:
            return None
        low = high = None
        if isinstance(value, int) and not isinstance(value, bool):
            low = high = value
        elif isinstance(value, str) and (match := SPAN_RE.match(value)):
            low, high = int(match[1]), int(match[2] or match[1])
        if low is None:
            self.error(key, f"'{self._name(key)}' must be a whole number or a range like "
                       f"8-10, not {value!r}")
            return None
        if low < minimum or high < low:
            self.error(key, f"'{self._name(key)}' must be at least {minimum}"
                       + (" and run low-high" if high < low else "") + f", not {value!r}")
            return None
        return Span(low, high)

    def term(self, key: str, vocabulary: Vocabulary | None, required: bool = True) -> Term | None:
        """One word of a vocabulary."""
        terms = self._terms(key, vocabulary, required, single=True)
        return terms[0] if terms else None

    def terms(self, key: str, vocabulary: Vocabulary | None, required: bool = True) -> list[Term]:
        """A list of vocabulary words, without repeats."""
        return self._terms(key, vocabulary, required, single=False)

    def _terms(self, key: str, vocabulary: Vocabulary | None, required: bool,
               single: bool) -> list[Term]:
        if single:
            word = self.text(key, required)
            words = [(key, word)] if word else []
        else:
            words = [((key, i), w) for i, w in enumerate(self.texts(key, required))]
        if vocabulary is None:
            return []
        found: list[Term] = []
        seen: set[str] = set()
        for at, word in words:
            term = vocabulary.lookup(word)
            if term is None:
                self.error(at, f"unknown {vocabulary.term_label} '{word}'"
                           f"{suggest(word, vocabulary.words())}; the terms are listed in "
                           f"{vocabulary.path}")
            elif word in seen:
                self.error(at, f"'{word}' is listed twice in '{self._name(key)}'")
            elif term not in found:  # e.g. soleus and gastrocnemius are both calves
                found.append(term)
            seen.add(word)
        return found

    def refs(self, key: str) -> list[Ref]:
        """A list of entry slugs, kept with their positions for the link stage."""
        refs = []
        for i, slug in enumerate(self.texts(key)):
            line, column = self.doc.where(self.prefix + (key, i))
            refs.append(Ref(slug, self.path, line, column))
        return refs

    def ref(self, key: str) -> Ref | None:
        """One entry slug."""
        slug = self.text(key)
        if not slug:
            return None
        line, column = self.doc.where(self.prefix + (key,))
        return Ref(slug, self.path, line, column)

    def mapping(self, key: str, required: bool = False) -> Fields | None:
        """A nested mapping, read with its own `Fields`."""
        value = self.raw(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(key, f"'{self._name(key)}' must be a mapping of 'field: value' lines, "
                       f"not {type_name(value)}")
            return None
        return Fields(self.doc, self.path, self.log, self.prefix + (key,))

    def mappings(self, key: str, required: bool = False) -> list[Fields]:
        """A list of mappings, each read with its own `Fields`."""
        value = self.raw(key, required)
        if value is None:
            return []
        if not isinstance(value, list) or (required and not value):
            self.error(key, f"'{self._name(key)}' must be a list of mappings "
                       f"('- field: value'), not {type_name(value)}")
            return []
        result = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                result.append(Fields(self.doc, self.path, self.log, self.prefix + (key, i)))
            else:
                self.error((key, i), f"'{self._name(key)}' item {i + 1} must be a mapping "
                           f"('field: value'), not {type_name(item)}")
        return result

    def finish(self) -> None:
        """Report every key that no accessor asked for."""
        for key in self.data:
            if key not in self.asked:
                self.error(key, f"unknown field '{self._name(key)}'"
                           f"{suggest(key, self.asked)}", at_key=True)
