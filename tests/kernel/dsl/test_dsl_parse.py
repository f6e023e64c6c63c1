"""Valid pipelines parse into the frozen model."""

from __future__ import annotations

import textwrap

import pytest

from kernel.dsl import (
    DEFAULT_STAGE_NAME,
    DEFAULT_TIMEOUT_SECONDS,
    JobSpec,
    PipelineSpec,
    Selector,
    SelectorRequirement,
    StageSpec,
    StepSpec,
    load_pipeline,
    parse_pipeline,
    validate_pipeline,
)


def parse(text: str) -> PipelineSpec:
    return parse_pipeline(textwrap.dedent(text))


def test_minimal_pipeline_with_top_level_jobs_gets_one_default_parallel_stage():
    spec = parse(
        """
        name: hello
        jobs:
          - name: greet
            steps:
              - run: echo hello
        """
    )
    assert spec == PipelineSpec(
        name="hello",
        stages=(
            StageSpec(
                name=DEFAULT_STAGE_NAME,
                run_mode="parallel",
                jobs=(
                    JobSpec(
                        name="greet", stage=DEFAULT_STAGE_NAME, steps=(StepSpec("step-1", "echo hello"),)
                    ),
                ),
            ),
        ),
    )
    assert spec.timeout == DEFAULT_TIMEOUT_SECONDS
    assert [job.name for job in spec.jobs] == ["greet"]


def test_stages_keep_order_run_mode_and_job_stage_names():
    spec = parse(
        """
        name: build-and-ship
        stages:
          - name: build
            jobs:
              - {name: lint, steps: [{run: ruff check .}]}
              - {name: test, steps: [{run: pytest -q}]}
          - name: ship
            run_mode: serial
            jobs:
              - {name: package, depends_on: [test], steps: [{run: make dist}]}
              - {name: deploy, depends_on: [package, lint], steps: [{run: ./deploy}]}
        """
    )
    assert [stage.name for stage in spec.stages] == ["build", "ship"]
    assert [stage.run_mode for stage in spec.stages] == ["parallel", "serial"]
    assert [(job.name, job.stage) for job in spec.jobs] == [
        ("lint", "build"),
        ("test", "build"),
        ("package", "ship"),
        ("deploy", "ship"),
    ]
    assert spec.jobs[3].depends_on == ("package", "lint")


def test_every_key_is_read():
    spec = parse(
        """
        name: everything
        variables: {REGISTRY: ghcr.io/acme}
        env: {CI: "true"}
        timeout: 2h
        stages:
          - name: build
            run_mode: parallel
            env: {STAGE: build}
            timeout: 1h
            jobs:
              - name: compile
                steps: [{run: make}]
              - name: test
                depends_on: [compile]
                env: {JOB: test}
                timeout: 30m
                continue_on_error: true
                agent_selector:
                  match_labels: {os: linux}
                  match_expressions:
                    - {key: cpu-cores, operator: Gt, values: ["8"]}
                    - {key: arch, operator: In, values: [amd64, arm64]}
                    - {key: gpu, operator: Exists}
                steps:
                  - name: unit
                    run: pytest -q
                    env: {STEP: unit}
                    timeout: 10m
                    continue_on_error: true
        """
    )
    assert spec.variables == {"REGISTRY": "ghcr.io/acme"}
    assert spec.env == {"CI": "true"}
    assert spec.timeout == 7200
    stage = spec.stages[0]
    assert (stage.env, stage.timeout, stage.run_mode) == ({"STAGE": "build"}, 3600, "parallel")
    job = spec.jobs[1]
    assert job == JobSpec(
        name="test",
        stage="build",
        steps=(StepSpec("unit", "pytest -q", env={"STEP": "unit"}, timeout=600, continue_on_error=True),),
        depends_on=("compile",),
        env={"JOB": "test"},
        timeout=1800,
        agent_selector=Selector(
            match_labels={"os": "linux"},
            match_expressions=(
                SelectorRequirement("cpu-cores", "Gt", ("8",)),
                SelectorRequirement("arch", "In", ("amd64", "arm64")),
                SelectorRequirement("gpu", "Exists"),
            ),
        ),
        continue_on_error=True,
    )
    assert spec.jobs[0].timeout is None and spec.jobs[0].agent_selector == Selector()


def test_env_and_variable_scalars_become_strings():
    spec = parse(
        """
        name: scalars
        variables: {PY: 3.10, COUNT: 8, DEBUG: true, OFF: no, EMPTY: "", RATIO: 0.5}
        env: {FLAG: false, WHEN: 2024-01-02}
        jobs: [{name: j, steps: [{run: x}]}]
        """
    )
    assert spec.variables == {
        "PY": "3.10",
        "COUNT": "8",
        "DEBUG": "true",
        "OFF": "false",
        "EMPTY": "",
        "RATIO": "0.5",
    }
    assert spec.env == {"FLAG": "false", "WHEN": "2024-01-02"}


def test_selector_scalars_become_strings():
    spec = parse(
        """
        name: sel
        jobs:
          - name: j
            agent_selector:
              match_labels: {gpu: true, cores: 8}
              match_expressions:
                - {key: mem, operator: Lt, values: [16]}
                - {key: v, operator: NotIn, values: [1.5]}
            steps: [{run: x}]
        """
    )
    selector = spec.jobs[0].agent_selector
    assert selector.match_labels == {"gpu": "true", "cores": "8"}
    assert selector.match_expressions == (
        SelectorRequirement("mem", "Lt", ("16",)),
        SelectorRequirement("v", "NotIn", ("1.5",)),
    )


def test_steps_without_names_are_numbered_from_one():
    spec = parse(
        """
        name: steps
        jobs:
          - name: j
            steps:
              - run: a
              - {name: middle, run: b}
              - run: c
        """
    )
    assert [step.name for step in spec.jobs[0].steps] == ["step-1", "middle", "step-3"]


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("90s", 90), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("500ms", 0.5), ("2d", 172800), ("45", 45)],
)
def test_timeouts_accept_durations_and_seconds(written, seconds):
    spec = parse(f"name: t\ntimeout: {written}\njobs: [{{name: j, steps: [{{run: x}}]}}]\n")
    assert spec.timeout == seconds


def test_nested_timeouts_may_equal_their_parent():
    spec = parse(
        """
        name: t
        timeout: 1h
        stages:
          - name: s
            timeout: 60m
            jobs: [{name: j, timeout: 3600, steps: [{run: x, timeout: 1h}]}]
        """
    )
    assert spec.jobs[0].steps[0].timeout == 3600


def test_anchors_and_merge_keys_are_supported():
    spec = parse(
        """
        name: merged
        jobs:
          - &base
            name: a
            env: {X: "1"}
            steps: [{run: x}]
          - <<: *base
            name: b
        """
    )
    assert [(job.name, job.env) for job in spec.jobs] == [("a", {"X": "1"}), ("b", {"X": "1"})]


def test_validate_pipeline_returns_no_errors_for_a_valid_file():
    assert validate_pipeline("name: ok\njobs: [{name: j, steps: [{run: x}]}]\n") == []


def test_load_pipeline_reads_a_file(tmp_path):
    path = tmp_path / "arcade.yaml"
    path.write_text("name: from-disk\njobs: [{name: j, steps: [{run: x}]}]\n", encoding="utf-8")
    assert load_pipeline(path).name == "from-disk"
    assert load_pipeline(str(path)).name == "from-disk"


def test_the_model_is_frozen():
    spec = parse("name: f\njobs: [{name: j, steps: [{run: x}]}]\n")
    with pytest.raises(AttributeError):
        spec.name = "other"  # type: ignore[misc]
