"""Position-tracking YAML loading: every key and value keeps its 1-based line and column."""

from __future__ import annotations

import textwrap

from kernel.dsl.errors import Reporter
from kernel.dsl.yamlpos import MAX_NODES, compose_document, format_path


def load(text: str):
    report = Reporter("f.yaml")
    return compose_document(textwrap.dedent(text).lstrip("\n"), report), report.errors


def test_positions_of_keys_and_values():
    doc, errors = load(
        """
        name: demo
        stages:
          - name: build
            jobs: [{name: a, timeout: 5m}]
        """
    )
    assert errors == []
    assert doc.data == {
        "name": "demo",
        "stages": [{"name": "build", "jobs": [{"name": "a", "timeout": "5m"}]}],
    }
    assert doc.keys[("name",)] == (1, 1)
    assert doc.values[("name",)] == (1, 7)
    assert doc.values[("stages", 0)] == (3, 5)
    assert doc.keys[("stages", 0, "name")] == (3, 5)
    assert doc.values[("stages", 0, "name")] == (3, 11)
    assert doc.keys[("stages", 0, "jobs", 0, "timeout")] == (4, 22)
    assert doc.values[("stages", 0, "jobs", 0, "timeout")] == (4, 31)


def test_missing_paths_fall_back_to_the_nearest_enclosing_value():
    doc, _ = load("a:\n  b: 1\n")
    assert doc.value_at(("a", "missing", 3)) == (2, 3)
    assert doc.key_at(("a", "missing")) == (2, 3)
    assert doc.value_at(()) == (1, 1)


def test_scalars_keep_their_source_spelling():
    doc, _ = load("v: 3.10\nn: 0x1F\n")
    assert doc.data == {"v": 3.1, "n": 31}
    assert doc.source[("v",)] == "3.10"
    assert doc.source[("n",)] == "0x1F"


def test_keys_are_always_strings_as_written():
    doc, _ = load("on: 1\n8: x\n")
    assert doc.data == {"on": 1, "8": "x"}


def test_every_duplicate_key_is_reported():
    doc, errors = load("a: 1\nb: 2\na: 3\nb: 4\n")
    assert [str(e) for e in errors] == [
        "f.yaml:3:1: duplicate key 'a' (first defined at line 1, column 1)",
        "f.yaml:4:1: duplicate key 'b' (first defined at line 2, column 1)",
    ]
    assert doc.data == {"a": 3, "b": 4}


def test_merge_keys_do_not_count_as_duplicates_and_local_keys_win():
    doc, errors = load(
        """
        base: &base {a: 1, b: 2}
        more: &more {c: 3}
        job:
          <<: [*base, *more]
          b: 20
        """
    )
    assert errors == []
    assert doc.data["job"] == {"a": 1, "b": 20, "c": 3}


def test_syntax_error_is_reported_at_the_problem_mark():
    doc, errors = load("a: [1, 2\nb: 3\n")
    assert doc is None
    [error] = errors
    assert (error.line, error.column) == (2, 2)
    assert error.message.startswith("invalid YAML: ")


def test_more_than_one_document_is_a_syntax_error():
    doc, errors = load("a: 1\n---\nb: 2\n")
    assert doc is None
    assert (errors[0].line, errors[0].column) == (2, 1)
    assert "expected a single document" in errors[0].message


def test_forbidden_characters_are_reported_with_their_position():
    doc, errors = load("a: 1\nb: \x07\n")
    assert doc is None
    assert (errors[0].line, errors[0].column) == (2, 4)


def test_complex_keys_are_rejected():
    _, errors = load("? [a, b]\n: 1\n")
    assert [(e.line, e.column, e.message) for e in errors] == [(1, 3, "mapping keys must be plain strings")]


def test_alias_expansion_is_bounded():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 7):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    doc, errors = load("\n".join(lines) + "\n")
    assert doc is None
    assert f"more than {MAX_NODES} values" in errors[0].message


def test_format_path():
    assert format_path(()) == ""
    assert format_path(("stages", 0, "jobs", 1, "timeout")) == "stages[0].jobs[1].timeout"
    assert format_path(("jobs", 0)) == "jobs[0]"
