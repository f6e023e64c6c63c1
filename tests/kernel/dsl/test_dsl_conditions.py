"""`when` on jobs and steps: what the spec keeps, and each class of bad condition validation reports."""

import textwrap

import pytest
from dsl_checks import assert_one_error, errors, matrix_job

from kernel.dsl import parse_pipeline


def test_job_and_step_conditions_and_matrix_values_are_kept():
    spec = parse_pipeline(
        textwrap.dedent(
            """
            name: x
            jobs:
              - name: t
                matrix: {python: ["3.11", "3.12"], os: [linux]}
                when: matrix.python == '3.12' && variables.BRANCH.startsWith('rel')
                steps:
                  - {run: make, when: "failure() || trigger.event == 'push'"}
                  - {run: echo done}
              - name: plain
                steps: [{run: echo}]
            """
        ),
        "p.yaml",
    )
    first, second, plain = spec.jobs
    assert first.name == "t[python=3.11,os=linux]" and first.matrix == {"python": "3.11", "os": "linux"}
    assert second.matrix == {"python": "3.12", "os": "linux"}
    assert first.when == second.when == "matrix.python == '3.12' && variables.BRANCH.startsWith('rel')"
    assert [step.when for step in first.steps] == ["failure() || trigger.event == 'push'", None]
    assert plain.when is None and plain.matrix == {}


def test_cel_standard_functions_macros_and_bound_variables_are_accepted():
    assert not errors(
        """
        name: x
        jobs:
          - name: t
            when: >-
              always() && size(env) > 0 && has(variables.A) && int(env.N) > 2 &&
              ['a', 'b'].exists(v, v == trigger.branch) && variables.A.matches('^v[0-9]+$') &&
              [1, 2].all(n, [n].map(m, m * 2).size() > 0)
            steps: [{run: echo}]
        """
    )


# (line of the job's `when`, column, message fragment) for one bad condition each.
@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        (
            '"variables.A =="',
            "jobs[0].when: invalid CEL expression at column 13: unexpected end of the expression",
        ),
        ("\"variables.A = 'x'\"", "invalid CEL expression at column 13: unexpected character '='"),
        ('"\'open"', 'invalid CEL expression at column 1: unexpected character "\'"'),
        ("\"branch == 'main'\"", "unknown name 'branch' (expected one of: variables, env, matrix, trigger)"),
        ("\"secrets.TOKEN == 'x'\"", "unknown name 'secrets'"),
        ('"[1].exists(v, v == w)"', "unknown name 'w'"),
        ('"deploy()"', "unknown function 'deploy()' (expected success(), failure(), always()"),
        ('"failure(1)"', "failure() takes no arguments"),
        ('"always"', "'always' is a function: write always()"),
        ("\"trigger.ref == 'x'\"", "unknown trigger field 'ref' (expected one of: type, branch, event)"),
        ("\"matrix.os == 'linux'\"", "'matrix.os': 'matrix' is only available in a job with a matrix"),
        ("3", 'expected a CEL expression (a string), got 3 (quote it: "3")'),
        ("true", 'expected a CEL expression (a string), got true (quote it: "true")'),
        ("[a]", "expected a CEL expression (a string), got a list"),
        ('"  "', "must not be empty; expected a CEL expression"),
        ('"' + "(" * 30 + "true" + ")" * 30 + '"', "the expression is nested too deeply"),
        ('"' + "true && " * 600 + 'true"', "the expression is 4804 characters long; the limit is 4096"),
    ],
)
def test_a_bad_job_condition_is_reported_at_its_value(when, fragment):
    assert_one_error(
        f"name: x\njobs:\n  - name: t\n    when: {when}\n    steps: [{{run: x}}]\n", 4, 11, fragment
    )


def test_an_unknown_matrix_axis_is_reported_once_for_the_matrix_job():
    spec = matrix_job("matrix: {python: ['3.12']}", "when: matrix.py == '3.12'")
    assert_one_error(spec, 5, 11, "jobs[0].when: 'matrix.py': unknown matrix axis 'py' (axes: python)")


@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        ("'env.A =='", "jobs[0].steps[1].when: invalid CEL expression at column 7: unexpected end"),
        ("'job.status == 1'", "unknown name 'job'"),
        ("'matrix.os != 1'", "'matrix.os': unknown matrix axis 'os' (axes: python)"),
        ("1.5", 'expected a CEL expression (a string), got 1.5 (quote it: "1.5")'),
    ],
)
def test_a_bad_step_condition_is_reported_at_its_value(when, fragment):
    spec = (
        "name: x\njobs:\n  - name: t\n    matrix: {python: [a]}\n    steps:\n"
        f"      - run: a\n      - run: b\n        when: {when}\n"
    )
    assert_one_error(spec, 8, 15, fragment)


def test_a_syntax_error_in_a_block_condition_names_the_line_within_the_expression():
    spec = (
        "name: x\njobs:\n  - name: t\n    when: |\n      variables.A == 'x' &&\n      == 2\n"
        "    steps: [{run: x}]\n"
    )
    assert_one_error(spec, 4, 11, "invalid CEL expression at line 2, column 1: unexpected '=='")


def test_every_bad_condition_is_reported_in_one_pass():
    found = errors(
        """
        name: x
        jobs:
          - name: a
            when: "nope"
            steps: [{run: x, when: "a =="}]
          - name: b
            when: "trigger.nope && success(2)"
            steps: [{run: x}]
        """
    )
    assert [(e.line, e.message) for e in found] == [
        (4, "jobs[0].when: unknown name 'nope' (expected one of: variables, env, matrix, trigger)"),
        (5, "jobs[0].steps[0].when: invalid CEL expression at column 3: unexpected end of the expression"),
        (7, "jobs[1].when: unknown trigger field 'nope' (expected one of: type, branch, event)"),
        (7, "jobs[1].when: success() takes no arguments"),
    ]
