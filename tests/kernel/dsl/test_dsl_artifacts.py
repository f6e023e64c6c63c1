"""`artifacts` and `download_artifacts`: what they parse to, and every class of error with its position."""

from __future__ import annotations

import textwrap

import pytest
from dsl_checks import assert_one_error, errors

from kernel.dsl import ArtifactRule, parse_pipeline


def two_stages(producer: str, consumer: str) -> str:
    """Job `a` in stage `build` (its extra lines start on line 5) and job `b` in stage `test` (line 10)."""
    return (
        "name: x\nstages:\n  - name: build\n    jobs:\n"
        f"      - {{name: a, steps: [{{run: x}}], {producer}}}\n"
        "  - name: test\n    jobs:\n      - name: b\n        steps: [{run: x}]\n"
        f"        {consumer}\n"
    )


def test_artifact_rules_and_downloads_parse():
    spec = parse_pipeline(
        textwrap.dedent(
            """
            name: x
            stages:
              - name: build
                jobs:
                  - name: a
                    artifacts:
                      - {name: dist, path: "dist/**", expire_days: 7}
                      - {name: logs, path: "*.log"}
                    steps: [{run: x}]
              - name: test
                jobs:
                  - {name: b, download_artifacts: [dist, logs], steps: [{run: x}]}
            """
        )
    )
    a, b = spec.jobs
    assert a.artifacts == (ArtifactRule("dist", "dist/**", 7), ArtifactRule("logs", "*.log", 30))
    assert b.download_artifacts == ("dist", "logs")


def test_download_through_transitive_depends_on_and_serial_order_is_valid():
    text = """
        name: x
        jobs:
          - {name: a, artifacts: [{name: dist, path: d}], steps: [{run: x}]}
          - {name: m, depends_on: [a], steps: [{run: x}]}
          - {name: b, depends_on: [m], download_artifacts: [dist], steps: [{run: x}]}
        """
    assert errors(text) == []
    serial = """
        name: x
        stages:
          - name: s
            run_mode: serial
            jobs:
              - {name: a, artifacts: [{name: dist, path: d}], steps: [{run: x}]}
              - {name: b, download_artifacts: [dist], steps: [{run: x}]}
        """
    assert errors(serial) == []


ARTIFACT_ERRORS = [
    (
        two_stages("artifacts: [{name: d, path: p, keep: 1}]", "download_artifacts: [d]"),
        5,
        69,
        "unknown key 'keep' (expected one of: name, path, expire_days)",
    ),
    (two_stages("artifacts: [{path: p}]", ""), 5, 50, "missing required key 'name'"),
    (two_stages("artifacts: [{name: d}]", ""), 5, 50, "missing required key 'path'"),
    (two_stages("artifacts: [{name: 'a b', path: p}]", ""), 5, 57, "invalid artifact name 'a b'"),
    (two_stages("artifacts: {name: d, path: p}", ""), 5, 49, "expected a list of artifacts, got a mapping"),
    (two_stages("artifacts: [{name: d, path: /abs/*}]", ""), 5, 66, "must be relative to the workspace"),
    (two_stages("artifacts: [{name: d, path: ../up}]", ""), 5, 66, "'..' is not allowed"),
    (two_stages("artifacts: [{name: d, path: 'a/../../b'}]", ""), 5, 66, "'..' is not allowed"),
    (
        two_stages("artifacts: [{name: d, path: p, expire_days: 0}]", ""),
        5,
        82,
        "expire_days: expected a whole number of days from 1 to 3650, got 0",
    ),
    (two_stages("artifacts: [{name: d, path: p, expire_days: 1.5}]", ""), 5, 82, "got 1.5"),
    (two_stages("artifacts: [{name: d, path: p, expire_days: '7'}]", ""), 5, 82, "got '7'"),
    (
        two_stages("artifacts: [{name: d, path: p}, {name: d, path: q}]", ""),
        5,
        77,
        "duplicate artifact name 'd'; first defined at line 5 (job 'a')",
    ),
    (
        two_stages("artifacts: [{name: d, path: p}]", "artifacts: [{name: d, path: q}]"),
        10,
        28,
        "duplicate artifact name 'd'",
    ),
    (
        two_stages("artifacts: [{name: dist, path: p}]", "download_artifacts: [dits]"),
        10,
        30,
        "no job produces an artifact named 'dits' (did you mean 'dist'?)",
    ),
    (
        two_stages("artifacts: [{name: d, path: p}]", "download_artifacts: d"),
        10,
        29,
        "expected a list of artifact names, got 'd' (write [d])",
    ),
    (
        two_stages("artifacts: [{name: d, path: p}]", "download_artifacts: [d, d]"),
        10,
        33,
        "'d' is listed more than once in download_artifacts",
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "fragment"), ARTIFACT_ERRORS)
def test_artifact_error(text, line, column, fragment):
    assert_one_error(text, line, column, fragment)


def test_download_from_a_later_stage_is_an_error():
    text = """
        name: x
        stages:
          - name: build
            jobs:
              - {name: b, download_artifacts: [dist], steps: [{run: x}]}
          - name: pack
            jobs:
              - {name: a, artifacts: [{name: dist, path: d}], steps: [{run: x}]}
        """
    error = assert_one_error(text, 5, 40, "job 'b' downloads the artifact 'dist', but job 'a'")
    assert "add 'a' to its depends_on or move it to an earlier stage" in error.message


def test_download_from_a_parallel_sibling_or_an_unrelated_dependency_chain_is_an_error():
    sibling = """
        name: x
        jobs:
          - {name: a, artifacts: [{name: dist, path: d}], steps: [{run: x}]}
          - {name: b, download_artifacts: [dist], steps: [{run: x}]}
        """
    assert_one_error(sibling, 4, 36, "does not finish before 'b' starts")
    explicit = """
        name: x
        stages:
          - name: one
            jobs:
              - {name: a, artifacts: [{name: dist, path: d}], steps: [{run: x}]}
              - {name: c, steps: [{run: x}]}
          - name: two
            jobs:
              - {name: b, depends_on: [c], download_artifacts: [dist], steps: [{run: x}]}
        """
    assert_one_error(explicit, 9, 57, "job 'a' that uploads it does not finish before 'b' starts")


def test_download_of_its_own_artifact_is_an_error():
    text = """
        name: x
        jobs:
          - {name: a, artifacts: [{name: d, path: p}], download_artifacts: [d], steps: [{run: x}]}
        """
    assert_one_error(text, 3, 69, "job 'a' downloads the artifact 'd' that it uploads itself")


def test_artifacts_on_a_matrix_job_is_an_error():
    text = """
        name: x
        jobs:
          - name: t
            matrix: {py: ["3.11", "3.12"]}
            artifacts: [{name: d, path: p}]
            steps: [{run: x}]
        """
    assert_one_error(text, 5, 5, "a matrix job cannot upload artifacts")


def test_a_matrix_job_may_download():
    text = """
        name: x
        stages:
          - name: one
            jobs: [{name: a, artifacts: [{name: d, path: p}], steps: [{run: x}]}]
          - name: two
            jobs: [{name: t, matrix: {py: ["1", "2"]}, download_artifacts: [d], steps: [{run: x}]}]
        """
    assert errors(text) == []
