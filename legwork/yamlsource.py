"""Safe YAML parsing that remembers where every key and value came from.

PyYAML's safe constructor builds plain values but forgets positions; the
validator needs them for `file:line:col` messages. So the document is composed
into nodes first and converted here, recording the mark of each key and value
under its path (a tuple such as `("dose", "sets")` or `("steps", 2)`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple  # a key path inside a document


class YamlProblem(Exception):
    """A YAML document that cannot be read; carries a 1-based position."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Document:
    """A parsed YAML document with the position of every key and value."""

    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    start: tuple[int, int] = (1, 1)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or key) at `path`, else its nearest parent."""
        marks = self.keys if key else self.values
        while path:
            if path in marks:
                return marks[path]
            if not key and path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.start


FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when present: the same safe constructor, several times faster."""


def parse_yaml(text: str, first_line: int = 1) -> Document:
    """Parse one YAML document safely; `first_line` is its line in the file."""
    try:
        return _parse(text, first_line, FastLoader)
    except YamlProblem:
        if FastLoader is yaml.SafeLoader:
            raise
    # libyaml found a problem; PyYAML's own parser words and places it better.
    return _parse(text, first_line, yaml.SafeLoader)


def _parse(text: str, first_line: int, loader_class: type) -> Document:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        doc = Document(data=None, start=(first_line, 1))
        if node is not None:
            doc.data = _convert(node, loader, (), doc, first_line)
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "end of stream" in str(exc.problem) and exc.context_mark:
            mark = exc.context_mark  # where the unclosed quote or bracket opened
        line = mark.line + first_line if mark else first_line
        column = mark.column + 1 if mark else 1
        raise YamlProblem(_describe(exc), line, column) from None
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        raise YamlProblem(f"invalid YAML: {exc}", first_line, 1) from None
    finally:
        loader.dispose()


def _describe(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if "found character '\\t'" in problem:
        return "invalid YAML: a tab is used for indentation; indent with spaces"
    if "could not determine a constructor" in problem:
        tag = problem.split("tag ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        return f"YAML tag {tag} is not allowed: content is data, write a plain value"
    if "quoted scalar" in str(exc.context) and "end of stream" in problem:
        return "invalid YAML: this quote is never closed; add the closing quote"
    if exc.context:
        return f"invalid YAML: {exc.context}, {problem}"
    return f"invalid YAML: {problem}"


def _position(node: yaml.Node, first_line: int) -> tuple[int, int]:
    return (node.start_mark.line + first_line, node.start_mark.column + 1)


STR = "tag:yaml.org,2002:str"
MAX_NODES = 100_000  # aliases can multiply a small file into a huge value


def _convert(node: yaml.Node, loader: yaml.SafeLoader, path: Path_, doc: Document,
             first_line: int) -> Any:
    if len(doc.values) >= MAX_NODES:
        raise yaml.constructor.ConstructorError(
            None, None, f"the document expands to more than {MAX_NODES} values; "
            "remove the aliases (*name) that repeat it", node.start_mark)
    doc.values[path] = _position(node, first_line)
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            return loader.construct_object(node)  # raises for unsafe tags
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(
                    None, None, "merge keys (<<) are not supported", key_node.start_mark)
            key = key_node.value if key_node.tag == STR else loader.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                line, _ = doc.keys[path + (key,)]
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first given on line {line})",
                    key_node.start_mark)
            doc.keys[path + (key,)] = _position(key_node, first_line)
            result[key] = _convert(value_node, loader, path + (key,), doc, first_line)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            return loader.construct_object(node)
        return [_convert(item, loader, path + (i,), doc, first_line)
                for i, item in enumerate(node.value)]
    if node.tag == STR:
        return node.value  # what the safe constructor gives for a string, without its machinery
    return loader.construct_object(node)
