"""The `notify/stdout` channel: one line per notification."""

from __future__ import annotations

import io

from builtin_plugins.notify.stdout import StdoutChannel
from plugin_sdk import NotifyRequest, NotifyResult, RunSummary

FAILED = RunSummary(pipeline="ci", run_id="r", number=3, status="FAILED", message="job 'test' failed")


def test_prints_one_line_per_notification():
    out = io.StringIO()
    channel = StdoutChannel(out)
    assert channel.arcade_notify(NotifyRequest("notify/stdout", "send"), FAILED) == NotifyResult(True)
    passed = RunSummary(pipeline="ci", run_id="r", number=4, status="SUCCESS")
    assert channel.arcade_notify(NotifyRequest("notify/stdout", "send"), passed) == NotifyResult(True)
    assert out.getvalue() == "[notify] ci#3 FAILED: job 'test' failed\n[notify] ci#4 SUCCESS\n"


def test_other_channels_are_not_its_business_and_bad_actions_or_streams_are_failures():
    out = io.StringIO()
    channel = StdoutChannel(out)
    assert channel.arcade_notify(NotifyRequest("notify/webhook", "send"), FAILED) is None
    assert channel.arcade_notify(NotifyRequest("notify/stdout", "shout"), FAILED) == NotifyResult(
        False, "notify/stdout: unknown action 'shout' (expected 'send')"
    )
    out.close()
    result = channel.arcade_notify(NotifyRequest("notify/stdout", "send"), FAILED)
    assert result is not None and not result.ok and "cannot write to stdout" in result.message
