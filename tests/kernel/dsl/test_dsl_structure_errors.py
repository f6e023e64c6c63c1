"""Structurally invalid pipelines: each error names the key or value at its exact line and column."""

from __future__ import annotations

import pytest
from dsl_checks import assert_one_error, errors

from kernel.dsl import (
    DslError,
    SpecError,
    SpecValidationError,
    load_pipeline,
    parse_pipeline,
)


def test_spec_error_prints_file_line_column_and_message():
    assert str(SpecError("arcade.yaml", 3, 7, "boom")) == "arcade.yaml:3:7: boom"


def test_parse_pipeline_raises_with_every_error():
    text = "name: x\nbogus: 1\njobs: [{name: j, steps: [{run: x}], extra: 2}]\n"
    with pytest.raises(SpecValidationError) as caught:
        parse_pipeline(text, "ci.yaml")
    assert isinstance(caught.value, DslError)
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, 1), (3, 37)]
    assert str(caught.value).splitlines()[0] == (
        "ci.yaml:2:1: unknown key 'bogus' "
        "(expected one of: name, variables, env, timeout, triggers, stages, jobs, notify)"
    )


def test_yaml_syntax_error_is_one_error_at_the_problem_mark():
    assert_one_error(
        """
        name: x
        jobs:
          - name: a
             steps: []
        """,
        4,
        11,
        "invalid YAML: mapping values are not allowed here",
    )


def test_unsupported_tag_is_reported_at_the_value():
    assert_one_error(
        "name: !!python/object:os.system x\njobs: [{name: j, steps: [{run: x}]}]\n",
        1,
        7,
        "name: cannot read this value",
    )


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_empty_document(text):
    assert_one_error(text, 1, 1, "the file is empty")


@pytest.mark.parametrize(
    ("text", "found"),
    [("- a\n- b\n", "got a list"), ("just text\n", "got 'just text'"), ("# hi\n\n42\n", "got 42")],
)
def test_root_must_be_a_mapping(text, found):
    error = assert_one_error(text, 1, 1, "expected a mapping (the pipeline)")
    assert found in error.message


def test_duplicate_mapping_key_points_at_the_second_key():
    assert_one_error(
        """
        name: x
        jobs:
          - name: a
            steps: [{run: x}]
            name: b
        """,
        5,
        5,
        "jobs[0]: duplicate key 'name' (first defined at line 3, column 5)",
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("name: x\ntrigger: []\njobs: [{name: j, steps: [{run: x}]}]\n", 2, 1, "unknown key 'trigger'"),
        (
            "name: x\nstages:\n  - name: s\n    aproval: {}\n    jobs: [{name: j, steps: [{run: x}]}]\n",
            4,
            5,
            "stages[0]: unknown key 'aproval' (expected one of: name, run_mode, env, timeout, jobs, approval",
        ),
        (
            "name: x\njobs:\n  - name: j\n    matirx: {}\n    steps: [{run: x}]\n",
            4,
            5,
            "jobs[0]: unknown key 'matirx'",
        ),
        (
            "name: x\njobs: [{name: j, steps: [{run: x, with: a/b}]}]\n",
            2,
            35,
            "jobs[0].steps[0]: unknown key 'with'",
        ),
        (
            "name: x\njobs: [{name: j, agent_selector: {labels: {}}, steps: [{run: x}]}]\n",
            2,
            35,
            "jobs[0].agent_selector: unknown key 'labels' (expected one of: match_labels, match_expressions)",
        ),
    ],
)
def test_unknown_keys_point_at_the_key(text, line, column, fragment):
    assert_one_error(text, line, column, fragment)


def test_missing_pipeline_name():
    assert_one_error("jobs: [{name: j, steps: [{run: x}]}]\n", 1, 1, "missing required key 'name'")


def test_missing_stages_and_jobs():
    assert_one_error("name: x\n", 1, 1, "missing required key 'stages' or 'jobs'")


def test_stages_and_jobs_together():
    assert_one_error(
        "name: x\nstages: [{name: s, jobs: [{name: a, steps: [{run: x}]}]}]\njobs: []\n",
        3,
        1,
        "use either 'stages' or 'jobs' at the top level, not both",
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("name: x\nstages: []\n", 2, 9, "stages: expected at least one stage, got an empty list"),
        ("name: x\njobs: []\n", 2, 7, "jobs: expected at least one job"),
        ("name: x\nstages: [{name: s, jobs: []}]\n", 2, 26, "stages[0].jobs: expected at least one job"),
        ("name: x\njobs: [{name: j, steps: []}]\n", 2, 25, "jobs[0].steps: expected at least one step"),
        ("name: x\njobs: {name: j}\n", 2, 7, "jobs: expected a list of jobs, got a mapping"),
        ("name: x\njobs: [build]\n", 2, 8, "jobs[0]: expected a mapping (a job), got 'build'"),
    ],
)
def test_lists_must_be_non_empty_lists_of_mappings(text, line, column, fragment):
    assert_one_error(text, line, column, fragment)


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("name: x\nstages: [{name: s}]\n", 2, 10, "stages[0]: missing required key 'jobs'"),
        (
            "name: x\nstages: [{jobs: [{name: j, steps: [{run: x}]}]}]\n",
            2,
            10,
            "stages[0]: missing required key 'name'",
        ),
        ("name: x\njobs: [{name: j}]\n", 2, 8, "jobs[0]: missing required key 'steps'"),
        ("name: x\njobs: [{steps: [{run: x}]}]\n", 2, 8, "jobs[0]: missing required key 'name'"),
        (
            "name: x\njobs: [{name: j, steps: [{name: s}]}]\n",
            2,
            26,
            "jobs[0].steps[0]: missing required key 'run'",
        ),
    ],
)
def test_missing_required_keys_point_at_the_mapping(text, line, column, fragment):
    assert_one_error(text, line, column, fragment)


@pytest.mark.parametrize(
    ("run", "column", "fragment"),
    [
        ('""', 32, "must not be empty"),
        ('"   "', 32, "must not be empty"),
        ("[a, b]", 32, "expected a string"),
    ],
)
def test_run_must_be_a_non_empty_string(run, column, fragment):
    assert_one_error(f"name: x\njobs: [{{name: j, steps: [{{run: {run}}}]}}]\n", 2, column, fragment)


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        (
            "name: my pipeline\njobs: [{name: j, steps: [{run: x}]}]\n",
            1,
            7,
            "invalid pipeline name 'my pipeline'",
        ),
        (
            "name: x\nstages: [{name: -s, jobs: [{name: j, steps: [{run: x}]}]}]\n",
            2,
            17,
            "invalid stage name '-s'",
        ),
        (
            "name: x\njobs: [{name: 'a/b', steps: [{run: x}]}]\n",
            2,
            15,
            "jobs[0].name: invalid job name 'a/b'",
        ),
        (
            "name: x\njobs: [{name: 42, steps: [{run: x}]}]\n",
            2,
            15,
            'expected a string, got 42 (quote it: "42")',
        ),
        (
            "name: x\njobs: [{name: j, steps: [{name: '', run: x}]}]\n",
            2,
            33,
            "jobs[0].steps[0].name: must not be empty",
        ),
        (
            f"name: x\njobs: [{{name: {'j' * 201}, steps: [{{run: x}}]}}]\n",
            2,
            15,
            "201 characters long; the limit is 200",
        ),
    ],
)
def test_bad_names(text, line, column, fragment):
    assert_one_error(text, line, column, fragment)


def test_step_names_may_contain_spaces_and_punctuation():
    assert errors("name: x\njobs: [{name: j, steps: [{name: 'Run unit tests (fast)', run: x}]}]\n") == []


def test_bad_run_mode():
    assert_one_error(
        "name: x\nstages: [{name: s, run_mode: seriel, jobs: [{name: j, steps: [{run: x}]}]}]\n",
        2,
        30,
        "stages[0].run_mode: expected 'parallel' or 'serial', got 'seriel'",
    )


@pytest.mark.parametrize(
    ("env", "column", "fragment"),
    [
        ("{1ABC: x}", 7, "env: invalid variable name '1ABC'"),
        ("{MY-VAR: x}", 7, "invalid variable name 'MY-VAR'"),
        ("{A: null}", 10, "env.A: expected a string, number or boolean, got null"),
        ("{A: [1, 2]}", 10, "env.A: expected a string, number or boolean, got a list"),
        ("{A: {b: c}}", 10, "env.A: expected a string, number or boolean, got a mapping"),
        ("[A=1]", 6, "env: expected a mapping of variable names to values, got a list"),
    ],
)
def test_bad_env_maps(env, column, fragment):
    assert_one_error(f"name: x\nenv: {env}\njobs: [{{name: j, steps: [{{run: x}}]}}]\n", 2, column, fragment)


def test_bad_variables_and_nested_env_are_reported_too():
    found = errors(
        """
        name: x
        variables: {ok: 1, "bad name": 2}
        jobs:
          - name: j
            env: {E: ~}
            steps: [{run: x, env: {S: [1]}}]
        """
    )
    assert [(e.line, e.column) for e in found] == [(2, 20), (5, 14), (6, 31)]
    assert "variables: invalid variable name 'bad name'" in found[0].message
    assert "jobs[0].env.E: expected a string, number or boolean, got null" in found[1].message
    assert "jobs[0].steps[0].env.S:" in found[2].message


@pytest.mark.parametrize("where", ["job", "step"])
def test_continue_on_error_must_be_a_boolean(where):
    if where == "job":
        text = "name: x\njobs: [{name: j, continue_on_error: maybe, steps: [{run: x}]}]\n"
        position, path = (2, 37), "jobs[0].continue_on_error"
    else:
        text = "name: x\njobs: [{name: j, steps: [{run: x, continue_on_error: 1}]}]\n"
        position, path = (2, 54), "jobs[0].steps[0].continue_on_error"
    assert_one_error(text, *position, f"{path}: expected true or false, got ")


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        (
            "name: x\ntimeout: soon\njobs: [{name: j, steps: [{run: x}]}]\n",
            2,
            10,
            "timeout: expected a duration",
        ),
        (
            "name: x\nstages:\n  - name: s\n    jobs:\n      - name: a\n        steps: [{run: x}]\n"
            "      - name: b\n        timeout: soon\n        steps: [{run: x}]\n",
            8,
            18,
            "stages[0].jobs[1].timeout: expected a duration such as 90s, 15m, 1h or a number of seconds, "
            "got 'soon'",
        ),
        ("name: x\njobs: [{name: j, steps: [{run: x, timeout: -5}]}]\n", 2, 44, "longer than zero, got -5"),
        (
            "name: x\njobs: [{name: j, timeout: true, steps: [{run: x}]}]\n",
            2,
            27,
            "jobs[0].timeout: expected a duration such as 90s, 15m, 1h or a number of seconds, got true",
        ),
        ("name: x\njobs: [{name: j, timeout: 1m1h, steps: [{run: x}]}]\n", 2, 27, "out of order"),
    ],
)
def test_bad_durations(text, line, column, fragment):
    assert_one_error(text, line, column, fragment)


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        (
            "name: x\ntimeout: 1h\nstages:\n  - name: s\n    timeout: 90m\n"
            "    jobs: [{name: j, steps: [{run: x}]}]\n",
            5,
            14,
            "stages[0].timeout: stage timeout 1h30m is longer than the pipeline's 1h; "
            "nested timeouts can only shorten",
        ),
        (
            "name: x\nstages:\n  - name: s\n    timeout: 1h\n"
            "    jobs: [{name: j, timeout: 2h, steps: [{run: x}]}]\n",
            5,
            31,
            "job timeout 2h is longer than the stage's 1h; nested timeouts can only shorten",
        ),
        (
            "name: x\njobs: [{name: j, timeout: 10m, steps: [{run: x, timeout: 11m}]}]\n",
            2,
            58,
            "jobs[0].steps[0].timeout: step timeout 11m is longer than the job's 10m",
        ),
        (
            "name: x\ntimeout: 30m\njobs: [{name: j, steps: [{run: x, timeout: 1h}]}]\n",
            3,
            44,
            "step timeout 1h is longer than the pipeline's 30m",
        ),
        (
            "name: x\njobs: [{name: j, timeout: 25h, steps: [{run: x}]}]\n",
            2,
            27,
            "job timeout 1d1h is longer than the pipeline's default 1d",
        ),
    ],
)
def test_nested_timeouts_can_only_shorten(text, line, column, fragment):
    assert_one_error(text, line, column, fragment)


def test_load_pipeline_unreadable_file_names_the_os_error(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(SpecValidationError) as caught:
        load_pipeline(missing)
    [error] = caught.value.errors
    assert (error.file, error.line, error.column) == (str(missing), 1, 1)
    assert "No such file or directory" in error.message


def test_load_pipeline_reports_errors_with_the_file_path(tmp_path):
    path = tmp_path / "arcade.yaml"
    path.write_text("name: x\njobs: []\n", encoding="utf-8")
    with pytest.raises(SpecValidationError) as caught:
        load_pipeline(path)
    assert str(caught.value.errors[0]).startswith(f"{path}:2:7: jobs:")


def test_all_errors_are_collected_in_file_order():
    found = errors(
        """
        name: bad name
        timeout: later
        stages:
          - name: s
            run_mode: sometimes
            jobs:
              - name: j
                steps: [{run: ""}]
                oops: 1
        """
    )
    assert [(e.line, e.column) for e in found] == [(1, 7), (2, 10), (5, 15), (8, 23), (9, 9)]
