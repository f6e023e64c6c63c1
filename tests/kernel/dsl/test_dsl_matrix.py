"""`matrix` on jobs: expansion into plain jobs, `depends_on` on matrix jobs, and every matrix error."""

from __future__ import annotations

import textwrap

from dsl_checks import assert_one_error, errors, matrix_job, numbers

from kernel.dsl import PipelineSpec, Selector, StepSpec, parse_pipeline


def parse(text: str) -> PipelineSpec:
    return parse_pipeline(textwrap.dedent(text))


def names(spec: PipelineSpec) -> list[str]:
    return [job.name for job in spec.jobs]


def test_axes_expand_in_declaration_order_with_the_first_axis_slowest():
    spec = parse(
        """
        name: x
        jobs:
          - name: test
            timeout: 10m
            continue_on_error: true
            agent_selector: {match_labels: {os: linux}}
            matrix:
              python: ["3.11", "3.12"]
              os: [linux, macos]
            steps: [{name: unit, run: "echo $MATRIX_PYTHON $MATRIX_OS"}]
        """
    )
    assert names(spec) == [
        "test[python=3.11,os=linux]",
        "test[python=3.11,os=macos]",
        "test[python=3.12,os=linux]",
        "test[python=3.12,os=macos]",
    ]
    for job in spec.jobs:  # every other field is copied
        assert job.stage == "default"
        assert job.steps == (StepSpec("unit", "echo $MATRIX_PYTHON $MATRIX_OS"),)
        assert (job.timeout, job.continue_on_error) == (600, True)
        assert job.agent_selector == Selector(match_labels={"os": "linux"})


def test_each_expansion_gets_its_matrix_env_next_to_the_job_env():
    spec = parse(
        """
        name: x
        jobs:
          - name: build
            env: {TARGET: release}
            matrix:
              python-version: [3.10, "3.12"]
              debug: [true, false]
              level: [1]
            steps: [{run: make}]
        """
    )
    assert names(spec) == [
        "build[python-version=3.10,debug=true,level=1]",
        "build[python-version=3.10,debug=false,level=1]",
        "build[python-version=3.12,debug=true,level=1]",
        "build[python-version=3.12,debug=false,level=1]",
    ]
    assert spec.jobs[1].env == {
        "TARGET": "release",
        "MATRIX_PYTHON_VERSION": "3.10",
        "MATRIX_DEBUG": "false",
        "MATRIX_LEVEL": "1",
    }


def test_exclude_drops_matching_combinations_and_include_appends_new_ones():
    spec = parse(
        """
        name: x
        jobs:
          - name: test
            matrix:
              python: ["3.11", "3.12"]
              os: [linux, macos, windows]
              exclude:
                - {python: "3.11", os: macos}
                - {os: windows}          # matches every python
              include:
                - {python: "3.13", os: linux}
                - {python: "3.12", os: linux}   # already there: ignored
                - {python: "3.13", os: linux}   # a repeated include: ignored
            steps: [{run: x}]
        """
    )
    assert names(spec) == [
        "test[python=3.11,os=linux]",
        "test[python=3.12,os=linux]",
        "test[python=3.12,os=macos]",
        "test[python=3.13,os=linux]",
    ]
    assert spec.jobs[3].env == {"MATRIX_PYTHON": "3.13", "MATRIX_OS": "linux"}


def test_exclude_values_compare_as_written_text():
    spec = parse(
        """
        name: x
        jobs:
          - name: t
            matrix: {v: [3.10, 3.1], flag: [true, false], exclude: [{v: 3.10, flag: false}]}
            steps: [{run: x}]
        """
    )
    assert names(spec) == ["t[v=3.10,flag=true]", "t[v=3.1,flag=true]", "t[v=3.1,flag=false]"]


def test_depends_on_a_matrix_job_means_all_its_expansions_and_one_expansion_by_its_full_name():
    spec = parse(
        """
        name: x
        stages:
          - name: test
            jobs:
              - name: unit
                matrix: {python: ["3.11", "3.12"], os: [linux]}
                steps: [{run: x}]
          - name: ship
            jobs:
              - {name: all, depends_on: [unit], steps: [{run: x}]}
              - {name: one, depends_on: ["unit[python=3.12,os=linux]"], steps: [{run: x}]}
              - {name: both, depends_on: ["unit[python=3.12,os=linux]", unit], steps: [{run: x}]}
        """
    )
    jobs = {job.name: job for job in spec.jobs}
    assert jobs["all"].depends_on == ("unit[python=3.11,os=linux]", "unit[python=3.12,os=linux]")
    assert jobs["one"].depends_on == ("unit[python=3.12,os=linux]",)
    assert jobs["both"].depends_on == ("unit[python=3.12,os=linux]", "unit[python=3.11,os=linux]")


def test_a_matrix_job_can_depend_on_another_matrix_job_and_its_expansions_all_do():
    spec = parse(
        """
        name: x
        jobs:
          - {name: build, matrix: {arch: [amd64, arm64]}, steps: [{run: x}]}
          - {name: test, depends_on: [build], matrix: {shard: [1, 2]}, steps: [{run: x}]}
        """
    )
    for job in spec.jobs[2:]:
        assert job.depends_on == ("build[arch=amd64]", "build[arch=arm64]")


def test_a_matrix_job_in_a_serial_stage_expands_in_order():
    spec = parse(
        """
        name: x
        stages:
          - name: s
            run_mode: serial
            jobs:
              - {name: first, steps: [{run: x}]}
              - {name: test, matrix: {n: [1, 2, 3]}, steps: [{run: x}]}
              - {name: last, depends_on: [test], steps: [{run: x}]}
        """
    )
    assert names(spec) == ["first", "test[n=1]", "test[n=2]", "test[n=3]", "last"]
    assert spec.jobs[4].depends_on == ("test[n=1]", "test[n=2]", "test[n=3]")


def test_depending_on_a_later_matrix_job_in_a_serial_stage_is_one_error():
    assert_one_error(
        """
        name: x
        stages:
          - name: s
            run_mode: serial
            jobs:
              - {name: first, depends_on: [test], steps: [{run: x}]}
              - {name: test, matrix: {n: [1, 2]}, steps: [{run: x}]}
        """,
        6,
        36,
        "job 'first' depends on 'test[n=1]', which runs after it in the serial stage 's'",
    )


def test_depending_on_a_matrix_job_of_a_later_stage_is_one_error_per_entry():
    assert_one_error(
        """
        name: x
        stages:
          - name: a
            jobs: [{name: early, matrix: {n: [1, 2]}, depends_on: [late], steps: [{run: x}]}]
          - name: b
            jobs: [{name: late, matrix: {m: [1, 2]}, steps: [{run: x}]}]
        """,
        4,
        60,
        "job 'early[n=1]' in stage 'a' depends on 'late[m=1]' in the later stage 'b'",
    )


def test_an_unknown_expansion_name_suggests_close_names():
    error = assert_one_error(
        """
        name: x
        jobs:
          - {name: test, matrix: {python: ["3.11", "3.12"]}, steps: [{run: x}]}
          - {name: deploy, depends_on: ["test[python=3.13]"], steps: [{run: x}]}
        """,
        4,
        33,
        "job 'deploy' depends on unknown job 'test[python=3.13]'",
    )
    assert "did you mean 'test[python=3.12]' or 'test[python=3.11]'?" in error.message
    found = errors(
        "name: x\njobs:\n  - {name: test, matrix: {p: [a]}, steps: [{run: x}]}\n"
        "  - {name: d, depends_on: [tets], steps: [{run: x}]}\n"
    )
    assert len(found) == 1 and "did you mean 'test'?" in found[0].message, found


def test_a_matrix_job_depending_on_itself():
    assert_one_error(
        """
        name: x
        jobs:
          - {name: test, matrix: {n: [1, 2]}, depends_on: [test], steps: [{run: x}]}
        """,
        3,
        52,
        "jobs[0].depends_on[0]: job 'test' depends on itself",
    )


def test_an_expansion_depending_on_itself_by_its_full_name():
    assert_one_error(
        """
        name: x
        jobs:
          - {name: t, matrix: {n: [1, 2]}, depends_on: ["t[n=1]"], steps: [{run: x}]}
        """,
        3,
        49,
        "job 't[n=1]' depends on itself",
    )


def test_a_cycle_through_a_matrix_job_is_reported_once():
    assert_one_error(
        """
        name: x
        jobs:
          - {name: a, depends_on: [b], steps: [{run: x}]}
          - {name: b, matrix: {n: [1, 2]}, depends_on: [a], steps: [{run: x}]}
        """,
        3,
        28,
        "dependency cycle: a -> b[n=1] -> a",
    )


def test_a_matrix_job_name_must_not_clash_with_another_job():
    assert_one_error(
        """
        name: x
        jobs:
          - {name: test, steps: [{run: x}]}
          - {name: test, matrix: {n: [1]}, steps: [{run: x}]}
        """,
        4,
        12,
        "duplicate job name 'test'; first defined at line 3",
    )


def test_a_broken_matrix_does_not_make_its_dependents_fail_too():
    assert_one_error(
        """
        name: x
        jobs:
          - {name: test, matrix: {n: []}, steps: [{run: x}]}
          - {name: deploy, depends_on: [test], steps: [{run: x}]}
        """,
        3,
        30,
        "jobs[0].matrix.n: matrix axis 'n' needs a non-empty list of values, got an empty list",
    )


def test_256_jobs_are_allowed():
    spec = parse(matrix_job("matrix:", f"  a: [{numbers(16)}]", f"  b: [{numbers(16)}]"))
    assert len(spec.jobs) == 256 and spec.jobs[-1].name == "t[a=15,b=15]"
