"""Plugin steps (`uses`, `action`, `args`): parsed values and each class of bad input with its position."""

import pytest
from dsl_checks import assert_one_error

from kernel.dsl import parse_pipeline


def one_step(step: str) -> str:
    """A pipeline whose only step is `step` (a flow mapping), written on line 4 from column 7."""
    return f"name: x\njobs:\n  - name: j\n    steps:\n      - {step}\n"


def test_a_plugin_step_is_parsed_with_its_action_and_args():
    spec = parse_pipeline(
        one_step(
            "{name: scan, uses: security/secret-scan@^1, action: scan, "
            "args: {fail_on: high, paths: [src, docs], depth: 3, strict: true, extra: null}}"
        )
    )
    step = spec.jobs[0].steps[0]
    assert (step.uses, step.action, step.run) == ("security/secret-scan@^1", "scan", "")
    assert step.args == {
        "fail_on": "high",
        "paths": ["src", "docs"],
        "depth": 3,
        "strict": True,
        "extra": None,
    }


def test_action_and_args_are_optional_and_a_version_range_too():
    step = parse_pipeline(one_step("{uses: examples/wc}")).jobs[0].steps[0]
    assert (step.uses, step.action, step.args) == ("examples/wc", None, {})


@pytest.mark.parametrize("ref", ["a/b@1.2.3", "a/b@~1.2", "a/b@1.x", "a/b@>=1.0.0 <2.0.0", "a-1/b.c_d"])
def test_semver_ranges_are_accepted(ref):
    assert parse_pipeline(one_step(f"{{uses: '{ref}'}}")).jobs[0].steps[0].uses == ref


def test_any_version_is_written_without_a_range():
    assert parse_pipeline(one_step("{uses: 'a/b@*'}")).jobs[0].steps[0].uses == "a/b"


def test_shell_steps_are_unchanged():
    step = parse_pipeline(one_step("{run: make}")).jobs[0].steps[0]
    assert (step.run, step.uses, step.action, step.args) == ("make", None, None, {})


def test_args_may_use_variables():
    spec = parse_pipeline(
        "name: x\nvariables: {TARGET: prod}\njobs:\n  - name: j\n    steps:\n"
        "      - {uses: cd/deploy@1.0.0, args: {target: '${{ variables.TARGET }}'}}\n"
    )
    assert spec.jobs[0].steps[0].args == {"target": "${{ variables.TARGET }}"}


@pytest.mark.parametrize(
    ("step", "at", "fragment"),
    [
        ("{run: make, uses: a/b}", "uses", "a step has either 'run' (a shell command) or 'uses' (a plugin)"),
        ("{name: s}", "{name", "missing required key 'run' (a shell command) or 'uses' (a plugin)"),
        (
            "{run: make, action: scan}",
            "action",
            "'action' belongs to plugin steps: add 'uses: ns/name@version'",
        ),
        ("{run: make, args: {}}", "args", "'args' belongs to plugin steps"),
        ("{uses: Security/Scan}", "Security", "invalid plugin reference 'Security/Scan': expected 'ns/name'"),
        ("{uses: scan}", "scan}", "invalid plugin reference 'scan'"),
        ("{uses: a/b@latest}", "a/b@", "invalid version range 'latest' in 'a/b@latest'"),
        ("{uses: 42}", "42", "expected a string, got 42"),
        ("{uses: a/b, action: Scan!}", "Scan!", "invalid action name 'Scan!'"),
        ("{uses: a/b, args: [1, 2]}", "[1", "expected a mapping of argument names to values, got a list"),
        (
            "{uses: a/b, args: {when: 2020-01-01}}",
            "2020",
            "expected a string, number, boolean, null, list or",
        ),
        ("{uses: a/b, args: {x: .inf}}", ".inf", "expected a finite number, got inf"),
        ("{uses: a/b, args: {x: '${{ variables.NOPE }}'}}", "'${{", "variable 'NOPE' is not declared"),
        ("{uses: a/b, args: {x: ['${{ foo.bar }}']}}", "'${{", "unknown namespace 'foo'"),
    ],
)
def test_bad_plugin_steps_are_reported_where_they_are(step, at, fragment):
    column = len("      - ") + step.index(at) + 1
    assert_one_error(one_step(step), 5, column, fragment)
