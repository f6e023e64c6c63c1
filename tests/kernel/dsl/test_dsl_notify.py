"""`notify` on pipelines: entries per run outcome, builtin channel params, each error at its position."""

from __future__ import annotations

import textwrap

import pytest
from dsl_checks import assert_one_error

from kernel.dsl import NotifySpec, PipelineSpec, parse_pipeline

HEAD = "name: x\nvariables: {CHAN: ci}\njobs: [{name: j, steps: [{run: x}]}]\nnotify:\n"


def parse(text: str) -> PipelineSpec:
    return parse_pipeline(HEAD + textwrap.indent(textwrap.dedent(text).lstrip("\n"), "  "))


def notify_error(entries: str, line: int, column: int, fragment: str) -> None:
    """`entries` is the text after `notify:` (indented by two), starting on line 5."""
    assert_one_error(HEAD + entries, line, column, fragment)


def test_entries_are_read_per_outcome_with_defaults_and_durations_in_seconds():
    spec = parse(
        """
          on_failure:
            - plugin: notify/webhook
              action: send
              params:
                url: "https://hooks.example/${{ variables.CHAN }}"
                headers: {X-Token: "${{ secrets.HOOK_TOKEN }}"}
                timeout: 2s
          on_success: [{plugin: notify/stdout}]
          on_cancel: [{plugin: acme/slack, action: post, params: {channel: "#ci", mention: [a, b]}}]
        """
    )
    assert spec.notify == {
        "on_success": (NotifySpec(plugin="notify/stdout", action="send", params={}),),
        "on_failure": (
            NotifySpec(
                plugin="notify/webhook",
                action="send",
                params={
                    "url": "https://hooks.example/${{ variables.CHAN }}",
                    "headers": {"X-Token": "${{ secrets.HOOK_TOKEN }}"},
                    "timeout": 2.0,
                },
            ),
        ),
        "on_cancel": (
            NotifySpec(plugin="acme/slack", action="post", params={"channel": "#ci", "mention": ["a", "b"]}),
        ),
    }


def test_no_notify_means_none_and_a_whole_url_may_come_from_a_secret():
    assert parse_pipeline("name: x\njobs: [{name: j, steps: [{run: x}]}]\n").notify == {}
    spec = parse('on_failure: [{plugin: notify/webhook, params: {url: "${{ secrets.HOOK }}"}}]\n')
    assert spec.notify["on_failure"][0].params == {"url": "${{ secrets.HOOK }}"}


@pytest.mark.parametrize(
    ("entries", "line", "column", "fragment"),
    [
        (
            "  on_fail: []\n",
            5,
            3,
            "notify: unknown key 'on_fail' (expected one of: on_success, on_failure, on_cancel)",
        ),
        ("  [1]\n", 5, 3, "notify: expected a mapping (notify lists by run outcome), got a list"),
        (
            "  on_failure: {plugin: notify/stdout}\n",
            5,
            15,
            "expected a list of notify entries, got a mapping",
        ),
        ("  on_failure: [notify/stdout]\n", 5, 16, "on_failure[0]: expected a mapping (a notify entry)"),
        ("  on_failure: [{action: send}]\n", 5, 16, "on_failure[0]: missing required key 'plugin'"),
        (
            "  on_failure: [{plugin: notify/stdout, with: 1}]\n",
            5,
            40,
            "unknown key 'with' (expected one of: plugin",
        ),
        ("  on_failure: [{plugin: Slack}]\n", 5, 25, "invalid channel 'Slack': expected NAMESPACE/NAME"),
        ("  on_failure: [{plugin: 3}]\n", 5, 25, "plugin: expected a string, got 3"),
        ("  on_failure: [{plugin: notify/email}]\n", 5, 25, "unknown builtin channel 'notify/email'"),
        (
            "  on_failure: [{plugin: notify/stdout, action: post}]\n",
            5,
            48,
            "channel 'notify/stdout' has no action 'post'",
        ),
        ("  on_failure: [{plugin: acme/x, action: 'Do It'}]\n", 5, 41, "invalid action name 'Do It'"),
        (
            "  on_failure: [{plugin: acme/x, params: [1]}]\n",
            5,
            41,
            "params: expected a mapping of params, got a list",
        ),
        (
            "  on_failure: [{plugin: notify/stdout, params: {x: 1}}]\n",
            5,
            49,
            "unknown param 'x' (it takes no params)",
        ),
        ("  on_failure: [{plugin: notify/webhook}]\n", 5, 16, "missing required param 'url'"),
        (
            "  on_failure: [{plugin: notify/webhook, params: {url: 'ftp://h/x'}}]\n",
            5,
            55,
            "params.url: expected an http:// or https:// URL, got 'ftp://h/x'",
        ),
        (
            "  on_failure: [{plugin: notify/webhook, params: {url: 'hooks.example'}}]\n",
            5,
            55,
            "http:// or https://",
        ),
        (
            "  on_failure: [{plugin: notify/webhook, params: {url: 'http://h', method: PUT}}]\n",
            5,
            67,
            "unknown param 'method' (expected one of: url, headers, timeout)",
        ),
        (
            "  on_failure: [{plugin: notify/webhook, params: {url: 'http://h', timeout: soon}}]\n",
            5,
            76,
            "params.timeout: expected a duration",
        ),
        (
            "  on_failure: [{plugin: notify/webhook, params: {url: 'http://h', headers: [a]}}]\n",
            5,
            76,
            "params.headers: expected a mapping of header names to values, got a list",
        ),
        (
            "  on_failure: [{plugin: notify/webhook, params: {url: 'http://h', headers: {'a b': x}}}]\n",
            5,
            77,
            "invalid header name 'a b'",
        ),
        (
            "  on_failure: [{plugin: acme/x, params: {to: '${{ env.HOME }}'}}]\n",
            5,
            46,
            "${{ env.HOME }}: notify params may only use ${{ variables.X }} and ${{ secrets.X }}",
        ),
        (
            "  on_failure: [{plugin: acme/x, params: {to: ['${{ variables.NOPE }}']}}]\n",
            5,
            47,
            "variable 'NOPE' is not declared in 'variables' (declared: CHAN)",
        ),
        (
            "  on_failure: [{plugin: acme/x, params: {to: '${{ variables.CHAN'}}]\n",
            5,
            46,
            "unterminated expression",
        ),
    ],
)
def test_bad_notify_entries_are_reported_where_they_are(entries, line, column, fragment):
    notify_error(entries, line, column, fragment)
