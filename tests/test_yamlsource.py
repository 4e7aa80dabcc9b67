"""Safe YAML parsing with positions."""

import pytest

from legwork.yamlsource import YamlProblem, parse_yaml


def test_positions_of_keys_and_values_are_one_based_lines_in_the_file():
    """Values and keys are located by line and column, offset by the document's start."""
    doc = parse_yaml("title: Squat\ndose:\n  sets: 3\nsteps:\n  - one\n  - two\n", first_line=2)
    assert doc.data == {"title": "Squat", "dose": {"sets": 3}, "steps": ["one", "two"]}
    assert doc.where(("title",)) == (2, 8)
    assert doc.where(("dose", "sets")) == (4, 9)
    assert doc.where(("dose", "sets"), key=True) == (4, 3)
    assert doc.where(("steps", 1)) == (7, 5)


def test_where_falls_back_to_the_nearest_parent():
    """A path that does not exist is reported at its closest existing parent."""
    doc = parse_yaml("dose:\n  sets: 3\n")
    assert doc.where(("dose", "reps")) == (2, 3)


@pytest.mark.parametrize(("text", "message", "line", "column"), [
    ("a: 1\na: 2\n", "invalid YAML: duplicate key 'a' (first given on line 1)", 2, 1),
    ("a: !!python/object/apply:os.system [ls]\n",
     "YAML tag '!!python/object/apply:os.system' is not allowed: content is data, "
     "write a plain value", 1, 4),
    ("a:\n\t- b\n", "invalid YAML: a tab is used for indentation; indent with spaces", 2, 1),
    ('a: "open\n', "invalid YAML: this quote is never closed; add the closing quote", 1, 4),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", "invalid YAML: merge keys (<<) are not supported",
     3, 3),
], ids=["duplicate-key", "python-tag", "tab", "unclosed-quote", "merge-key"])
def test_bad_yaml_is_a_located_problem(text, message, line, column):
    """Unsafe or malformed YAML raises one problem with its position."""
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text)
    assert (caught.value.message, caught.value.line, caught.value.column) == (message, line, column)


def test_alias_bombs_are_refused():
    """Aliases that multiply a tiny file into millions of values are refused."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(YamlProblem) as caught:
        parse_yaml("\n".join(lines))
    assert "expands to more than 100000 values" in caught.value.message
