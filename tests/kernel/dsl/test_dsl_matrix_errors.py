"""Every class of `matrix` error, each pointing at the offending node with a human message."""

from __future__ import annotations

import pytest
from dsl_checks import assert_one_error, errors, matrix_job, numbers

# (text, line, column, message fragment); each text has exactly one error.
MATRIX_ERRORS = [
    (
        matrix_job("matrix: [python]"),
        4,
        13,
        "jobs[0].matrix: expected a mapping of matrix axes to lists of values, got a list",
    ),
    (matrix_job("matrix: {}"), 4, 13, "jobs[0].matrix: the matrix has no axes"),
    (matrix_job("matrix: {exclude: []}"), 4, 13, "the matrix has no axes"),
    (
        matrix_job("matrix:", "  python: '3.11'"),
        5,
        15,
        "jobs[0].matrix.python: matrix axis 'python' needs a non-empty list of values, got '3.11'",
    ),
    (matrix_job("matrix:", "  python: []"), 5, 15, "got an empty list"),
    (
        matrix_job("matrix:", "  python: ['3.11', [3]]"),
        5,
        24,
        "jobs[0].matrix.python[1]: expected a string, number or boolean, got a list",
    ),
    (
        matrix_job("matrix:", "  os: [linux, {a: b}]"),
        5,
        19,
        "jobs[0].matrix.os[1]: expected a string, number or boolean, got a mapping",
    ),
    (matrix_job("matrix:", "  os: [linux, ~]"), 5, 19, "got null"),
    (
        matrix_job("matrix:", "  python: ['3.11', 3.12, 3.11]"),
        5,
        30,
        "jobs[0].matrix.python[2]: duplicate value '3.11' in matrix axis 'python' (see [0])",
    ),
    (matrix_job("matrix:", "  1py: [a]"), 5, 7, "jobs[0].matrix: invalid matrix axis name '1py'"),
    (
        matrix_job("matrix:", "  a.b: [a]"),
        5,
        7,
        "invalid matrix axis name 'a.b': use letters, digits, '_' and '-'",
    ),
    (
        matrix_job("matrix:", "  py-v: [a]", "  py_v: [b]"),
        6,
        7,
        "jobs[0].matrix: matrix axes 'py-v' and 'py_v' both set MATRIX_PY_V",
    ),
    (
        matrix_job("matrix:", "  os: [a]", "  exclude: {os: a}"),
        6,
        16,
        "jobs[0].matrix.exclude: expected a list of mappings (axis: value), got a mapping",
    ),
    (
        matrix_job("matrix:", "  os: [a]", "  include: os"),
        6,
        16,
        "jobs[0].matrix.include: expected a list of mappings (axis: value), got 'os'",
    ),
    (
        matrix_job("matrix:", "  os: [a, b]", "  exclude: [a]"),
        6,
        17,
        "jobs[0].matrix.exclude[0]: expected a mapping of matrix axes to values (exclude entry), got 'a'",
    ),
    (
        matrix_job("matrix:", "  os: [a, b]", "  exclude: [{}]"),
        6,
        17,
        "jobs[0].matrix.exclude[0]: an exclude entry must name at least one matrix axis",
    ),
    (
        matrix_job("matrix:", "  os: [a, b]", "  exclude: [{os: a, cpu: x}]"),
        6,
        25,
        "jobs[0].matrix.exclude[0]: unknown matrix axis 'cpu' (axes: os)",
    ),
    (
        matrix_job("matrix:", "  os: [a, b]", "  exclude: [{os: c}]"),
        6,
        22,
        "jobs[0].matrix.exclude[0].os: 'c' is not a value of matrix axis 'os' (values: a, b)",
    ),
    (
        matrix_job("matrix:", "  os: [a, b]", "  exclude: [{os: [a]}]"),
        6,
        22,
        "jobs[0].matrix.exclude[0].os: expected a string, number or boolean, got a list",
    ),
    (
        matrix_job("matrix:", "  os: [a]", "  include: [[os, b]]"),
        6,
        17,
        "jobs[0].matrix.include[0]: expected a mapping of matrix axes to values (include entry), got a list",
    ),
    (
        matrix_job("matrix:", "  os: [a]", "  cpu: [x]", "  include: [{os: b}]"),
        7,
        17,
        "jobs[0].matrix.include[0]: an include entry must set every matrix axis; missing 'cpu'",
    ),
    (
        matrix_job("matrix:", "  os: [a]", "  include: [{os: b, gpu: y}]"),
        6,
        25,
        "jobs[0].matrix.include[0]: unknown matrix axis 'gpu' (axes: os)",
    ),
    (
        matrix_job("matrix:", "  os: [a, b]", "  exclude: [{os: a}, {os: b}]"),
        4,
        5,
        "jobs[0].matrix: matrix expands to no job",
    ),
    (
        matrix_job("matrix:", f"  a: [{numbers(17)}]", f"  b: [{numbers(16)}]"),
        4,
        5,
        "jobs[0].matrix: matrix expands to 272 jobs; at most 256",
    ),
    (
        matrix_job("matrix:", f"  a: [{numbers(16)}]", f"  b: [{numbers(16)}]", "  include: [{a: x, b: y}]"),
        4,
        5,
        "matrix expands to 257 jobs; at most 256",
    ),
    (
        matrix_job("matrix: {" + ", ".join(f"a{i}: [1, 2, 3, 4]" for i in range(10)) + "}"),
        4,
        5,
        "matrix expands to 1048576 jobs before exclusions; at most 256",
    ),
    (
        matrix_job("env: {A: '1', MATRIX_OS: linux}", "matrix: {os: [a]}"),
        4,
        19,
        "jobs[0].env: MATRIX_OS is set by the matrix (axis 'os'); remove it from the job's env",
    ),
    (
        matrix_job("matrix: {v: ['" + "x" * 200 + "']}"),
        4,
        5,
        "jobs[0].matrix: the matrix job name 't[v=xxxx",
    ),
    (
        matrix_job("matrix: {a: ['1,b=2', '1'], b: ['3', '2,b=3']}"),
        4,
        5,
        "two combinations are both named 't[a=1,b=2,b=3]'",
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "fragment"), MATRIX_ERRORS)
def test_matrix_errors_point_at_the_offending_node(text, line, column, fragment):
    assert_one_error(text, line, column, fragment)


def test_every_matrix_error_is_reported_in_one_pass():
    found = errors(
        """
        name: x
        jobs:
          - name: t
            matrix:
              os: [a, a]
              9: [b]
              exclude: [{cpu: x}]
              include: [{}]
            steps: [{run: x}]
        """
    )
    assert [(error.line, error.column) for error in found] == [(5, 15), (6, 7), (7, 18), (8, 17)], found
    assert "missing 'os', '9'" in found[-1].message
