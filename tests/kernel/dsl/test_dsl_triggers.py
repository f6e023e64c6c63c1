"""`triggers` on pipelines: cron schedules and webhook events, and every trigger error with its position."""

from __future__ import annotations

import textwrap

import pytest
from dsl_checks import assert_one_error, errors

from kernel.dsl import PipelineSpec, TriggerSpec, parse_pipeline

JOBS = "jobs: [{name: j, steps: [{run: x}]}]\n"


def parse(text: str) -> PipelineSpec:
    return parse_pipeline(textwrap.dedent(text).lstrip("\n") + JOBS)


def test_cron_and_event_triggers_are_read_in_order():
    spec = parse(
        """
        name: x
        triggers:
          - {type: cron, expression: "0  3 * * *"}
          - {type: event, event_type: push, branch: "release/*"}
          - type: event
            event_type: tag
        """
    )
    assert spec.triggers == (
        TriggerSpec(type="cron", expression="0 3 * * *", branch=None),
        TriggerSpec(type="event", event_type="push", branch="release/*"),
        TriggerSpec(type="event", event_type="tag", branch="*"),
    )


def test_no_triggers_and_an_empty_list_mean_none():
    assert parse("name: x\n").triggers == ()
    assert parse("name: x\ntriggers: []\n").triggers == ()


def test_six_fields_put_seconds_last():
    spec = parse('name: x\ntriggers: [{type: cron, expression: "*/10 * * * * 30"}]\n')
    assert spec.triggers[0].expression == "*/10 * * * * 30"


@pytest.mark.parametrize(
    ("triggers", "column", "fragment"),
    [
        ("[{type: webhook}]", 19, "unknown trigger type 'webhook'; expected 'cron' or 'event'"),
        ("[{expression: '* * * * *'}]", 12, "missing required key 'type' (cron or event)"),
        ("[{type: cron}]", 12, "triggers[0]: missing required key 'expression'"),
        ("[{type: event}]", 12, "triggers[0]: missing required key 'event_type'"),
        ("[{type: event, event_type: ''}]", 38, "triggers[0].event_type: must not be empty"),
        ("[{type: event, event_type: push, branch: 3}]", 52, "branch: expected a string, got 3"),
        ("[{type: cron, expression: 5}]", 37, 'expected a string, got 5 (quote it: "5")'),
        ("[{type: cron, expression: '0 3 * * *', branch: main}]", 50, "unknown key 'branch'"),
        (
            "[{type: event, event_type: push, expression: '0 3 * * *'}]",
            44,
            "unknown key 'expression' (expected one of: type, event_type, branch)",
        ),
        ("{type: cron}", 11, "expected a list of triggers, got a mapping"),
        ("[push]", 12, "expected a mapping (a trigger with a type), got 'push'"),
    ],
)
def test_trigger_shape_errors(triggers, column, fragment):
    assert_one_error(f"name: x\ntriggers: {triggers}\n{JOBS}", 2, column, fragment)


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("61 * * * *", "invalid cron expression '61 * * * *': the minute field '61' is malformed or out"),
        ("0 3 * * mon-xyz", "the day-of-week field 'mon-xyz' is malformed or out of range"),
        ("* * * * * 75", "the second field '75' is malformed or out of range"),
        ("*/0 * * * *", "the minute field '*/0'"),
        ("0 3 * *", "has 4 fields; expected 5 (minute hour day-of-month month day-of-week) or 6"),
        ("0 3 * * * * 2030", "has 7 fields"),
        ("@daily", "has 1 field;"),
        ("0 0 31 2 *", "cron expression '0 0 31 2 *' never fires"),
    ],
)
def test_invalid_cron_expressions_point_at_the_expression(expression, fragment):
    error = assert_one_error(
        f"""
        name: x
        triggers:
          - type: cron
            expression: "{expression}"
        {JOBS}""",
        4,
        17,
        fragment,
    )
    assert error.message.startswith("triggers[0].expression: ")


def test_one_schedule_per_pipeline():
    assert_one_error(
        f"""
        name: x
        triggers:
          - {{type: cron, expression: "0 3 * * *"}}
          - {{type: event, event_type: push}}
          - {{type: cron, expression: "0 4 * * *"}}
        {JOBS}""",
        5,
        5,
        "triggers[2]: a second cron trigger; one schedule per pipeline (the first is at line 3)",
    )


def test_a_second_cron_trigger_is_refused_even_when_the_first_is_invalid():
    found = errors(
        f"""
        name: x
        triggers:
          - {{type: cron, expression: "99 * * * *"}}
          - {{type: cron, expression: "0 4 * * *"}}
        {JOBS}"""
    )
    assert [(e.line, e.column) for e in found] == [(3, 30), (4, 5)]
    assert "one schedule per pipeline" in found[1].message


def test_every_trigger_error_is_reported_in_one_pass():
    found = errors(
        f"""
        name: x
        triggers:
          - {{type: webhook}}
          - {{type: event}}
          - {{type: cron, expression: "bad"}}
        {JOBS}"""
    )
    assert [e.line for e in found] == [3, 4, 5]
