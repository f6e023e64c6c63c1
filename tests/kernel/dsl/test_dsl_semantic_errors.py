"""Semantic checks: duplicate names, bad `depends_on` entries, dependency cycles and bad selectors."""

from __future__ import annotations

import pytest
from dsl_checks import assert_one_error, errors


def test_duplicate_stage_names():
    assert_one_error(
        """
        name: x
        stages:
          - name: build
            jobs: [{name: a, steps: [{run: x}]}]
          - name: build
            jobs: [{name: b, steps: [{run: x}]}]
        """,
        5,
        11,
        "stages[1].name: duplicate stage name 'build'; first defined at line 3",
    )


def test_duplicate_job_names_across_stages():
    assert_one_error(
        """
        name: x
        stages:
          - name: one
            jobs: [{name: test, steps: [{run: x}]}]
          - name: two
            jobs: [{name: test, steps: [{run: x}]}]
        """,
        6,
        19,
        "stages[1].jobs[0].name: duplicate job name 'test'; first defined at line 4",
    )


def test_duplicate_step_names_within_a_job():
    assert_one_error(
        """
        name: x
        jobs:
          - name: j
            steps:
              - {name: unit, run: a}
              - {name: unit, run: b}
        """,
        6,
        16,
        "jobs[0].steps[1].name: duplicate step name 'unit'; first defined at line 5",
    )


def test_a_default_step_name_can_clash_with_an_explicit_one():
    assert_one_error(
        """
        name: x
        jobs:
          - name: j
            steps:
              - {name: step-2, run: a}
              - run: b
        """,
        6,
        9,
        "duplicate step name 'step-2' (the default name of this step)",
    )


def test_equal_step_names_in_different_jobs_are_fine():
    text = "name: x\njobs:\n  - {name: a, steps: [{name: s, run: x}]}\n"
    text += "  - {name: b, steps: [{name: s, run: y}]}\n"
    assert errors(text) == []


def test_depends_on_unknown_job_suggests_close_names():
    error = assert_one_error(
        """
        name: x
        jobs:
          - {name: test, steps: [{run: x}]}
          - {name: deploy, depends_on: [tset], steps: [{run: x}]}
        """,
        4,
        33,
        "jobs[1].depends_on[0]: job 'deploy' depends on unknown job 'tset' (did you mean 'test'?)",
    )
    assert error.file == "p.yaml"


def test_depends_on_unknown_job_without_close_names_has_no_hint():
    error = assert_one_error(
        "name: x\njobs: [{name: a, depends_on: [zzz], steps: [{run: x}]}]\n", 2, 31, "unknown job 'zzz'"
    )
    assert "did you mean" not in error.message


def test_depends_on_itself():
    assert_one_error(
        "name: x\njobs: [{name: a, depends_on: [a], steps: [{run: x}]}]\n", 2, 31, "job 'a' depends on itself"
    )


def test_depends_on_a_job_in_a_later_stage():
    assert_one_error(
        """
        name: x
        stages:
          - name: build
            jobs: [{name: compile, depends_on: [publish], steps: [{run: x}]}]
          - name: ship
            jobs: [{name: publish, steps: [{run: x}]}]
        """,
        4,
        41,
        "job 'compile' in stage 'build' depends on 'publish' in the later stage 'ship'",
    )


def test_depends_on_a_later_job_in_a_serial_stage():
    assert_one_error(
        """
        name: x
        stages:
          - name: s
            run_mode: serial
            jobs:
              - {name: first, depends_on: [second], steps: [{run: x}]}
              - {name: second, steps: [{run: x}]}
        """,
        6,
        36,
        "job 'first' depends on 'second', which runs after it in the serial stage 's'",
    )


def test_depends_on_within_a_stage_and_on_earlier_stages_is_fine():
    text = """
        name: x
        stages:
          - name: one
            jobs:
              - {name: b, depends_on: [a], steps: [{run: x}]}
              - {name: a, steps: [{run: x}]}
          - name: two
            run_mode: serial
            jobs:
              - {name: c, depends_on: [a, b], steps: [{run: x}]}
              - {name: d, depends_on: [c], steps: [{run: x}]}
        """
    assert errors(text) == []


def test_duplicate_depends_on_entries():
    assert_one_error(
        """
        name: x
        jobs:
          - {name: a, steps: [{run: x}]}
          - {name: b, depends_on: [a, a], steps: [{run: x}]}
        """,
        4,
        31,
        "jobs[1].depends_on[1]: 'a' is listed more than once in depends_on",
    )


@pytest.mark.parametrize(("value", "fragment"), [("a", "got 'a' (write [a])"), ("{a: 1}", "got a mapping")])
def test_depends_on_must_be_a_list(value, fragment):
    text = "name: x\njobs:\n  - {name: a, steps: [{run: x}]}\n"
    text += f"  - {{name: b, depends_on: {value}, steps: [{{run: x}}]}}\n"
    assert_one_error(text, 4, 27, f"jobs[1].depends_on: expected a list of job names, {fragment}")


def test_two_job_cycle():
    assert_one_error(
        """
        name: x
        jobs:
          - {name: a, depends_on: [b], steps: [{run: x}]}
          - {name: b, depends_on: [a], steps: [{run: x}]}
        """,
        3,
        28,
        "jobs[0].depends_on[0]: dependency cycle: a -> b -> a",
    )


def test_longer_cycle_names_the_whole_path():
    assert_one_error(
        """
        name: x
        jobs:
          - {name: lint, steps: [{run: x}]}
          - {name: build, depends_on: [lint, package], steps: [{run: x}]}
          - {name: test, depends_on: [build], steps: [{run: x}]}
          - {name: package, depends_on: [test], steps: [{run: x}]}
        """,
        4,
        38,
        "jobs[1].depends_on[1]: dependency cycle: build -> package -> test -> build",
    )


def test_each_separate_cycle_is_reported_once():
    found = errors(
        """
        name: x
        jobs:
          - {name: a, depends_on: [b], steps: [{run: x}]}
          - {name: b, depends_on: [a], steps: [{run: x}]}
          - {name: c, depends_on: [d], steps: [{run: x}]}
          - {name: d, depends_on: [c], steps: [{run: x}]}
        """
    )
    assert [(e.line, e.message.split(": ", 1)[1]) for e in found] == [
        (3, "dependency cycle: a -> b -> a"),
        (5, "dependency cycle: c -> d -> c"),
    ]


@pytest.mark.parametrize(
    ("expression", "column", "fragment"),
    [
        (
            "{key: cpu, operator: gt, values: ['8']}",
            32,
            "operator: expected 'In', 'NotIn', 'Exists', 'NotExists'",
        ),
        ("{key: arch, operator: In, values: []}", 45, "values: operator In needs at least one value"),
        ("{key: arch, operator: NotIn}", 11, "match_expressions[0]: operator NotIn needs at least one value"),
        ("{key: gpu, operator: Exists, values: [a]}", 48, "operator Exists takes no values, got 1"),
        ("{key: gpu, operator: NotExists, values: [a, b]}", 51, "operator NotExists takes no values, got 2"),
        ("{key: cpu, operator: Gt, values: ['1', '2']}", 44, "operator Gt needs exactly one value, got 2"),
        ("{key: cpu, operator: Lt}", 11, "operator Lt needs exactly one value, got 0"),
        ("{key: cpu, operator: Gt, values: [many]}", 45, "values[0]: operator Gt needs a number, got 'many'"),
        ("{key: 'bad key', operator: Exists}", 17, "key: invalid label key 'bad key'"),
        ("{key: -cpu, operator: Exists}", 17, "invalid label key '-cpu'"),
        ("{operator: Exists}", 11, "match_expressions[0]: missing required key 'key'"),
        ("{key: a, operator: Exists, extra: 1}", 38, "match_expressions[0]: unknown key 'extra'"),
        ("cpu>8", 11, "expected a mapping (an expression with key, operator and values), got 'cpu>8'"),
    ],
)
def test_bad_selector_expressions(expression, column, fragment):
    text = f"""
        name: x
        jobs:
          - name: j
            agent_selector:
              match_expressions:
                - {expression}
            steps: [{{run: x}}]
        """
    error = assert_one_error(text, 6, column, fragment)
    assert error.message.startswith("jobs[0].agent_selector.match_expressions[0]")


@pytest.mark.parametrize(
    ("labels", "column", "fragment"),
    [
        ("{'os name': linux}", 22, "match_labels: invalid label key 'os name'"),
        ("{os: [linux]}", 26, "match_labels.os: expected a string, number or boolean, got a list"),
        ("{os: null}", 26, "match_labels.os: expected a string, number or boolean, got null"),
        ("[os=linux]", 21, "match_labels: expected a mapping of labels to values, got a list"),
    ],
)
def test_bad_match_labels(labels, column, fragment):
    text = f"name: x\njobs:\n  - name: j\n    agent_selector:\n      match_labels: {labels}\n"
    text += "    steps: [{run: x}]\n"
    assert_one_error(text, 5, column, "jobs[0].agent_selector." + fragment)


def test_agent_selector_must_be_a_mapping():
    assert_one_error(
        "name: x\njobs: [{name: j, agent_selector: linux, steps: [{run: x}]}]\n",
        2,
        34,
        "jobs[0].agent_selector: expected a mapping (an agent selector), got 'linux'",
    )


def test_label_keys_may_have_prefixes_dots_and_dashes():
    text = """
        name: x
        jobs:
          - name: j
            agent_selector:
              match_labels: {arcade.dev/os: linux, a_b-c.d: "1"}
              match_expressions: [{key: example.com/cpu-cores, operator: Gt, values: ["1.5"]}]
            steps: [{run: x}]
        """
    assert errors(text) == []
