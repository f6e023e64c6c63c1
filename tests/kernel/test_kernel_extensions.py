"""The kernel's PluginManager: builtins from one tuple, allow-listed entry points, unknown hooks refused."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from kernel.errors import InvalidInput
from kernel.extensions import BUILTIN_PLUGINS, ENTRY_POINT_GROUP, allowed_names, build_plugin_manager
from plugin_sdk import NotifyRequest, NotifyResult, RunSummary, hookimpl

SUMMARY = RunSummary(pipeline="ci", run_id="r", number=1, status="SUCCESS")


class LoudWebhook:
    """A third-party extension that takes over the builtin webhook channel."""

    @hookimpl
    def arcade_notify(self, request: NotifyRequest) -> NotifyResult | None:
        return NotifyResult(True, "sent by acme") if request.plugin == "notify/webhook" else None


class Misspelled:
    @hookimpl
    def arcade_notfy(self, request):
        return None


class ExtraArgument:
    @hookimpl
    def arcade_notify(self, request, summary, colour):
        return None


loud_webhook = LoudWebhook()
misspelled = Misspelled()
extra_argument = ExtraArgument()


def entry(name: str, attribute: str) -> EntryPoint:
    return EntryPoint(name=name, value=f"{__name__}:{attribute}", group=ENTRY_POINT_GROUP)


def test_builtins_come_from_the_one_tuple_and_each_kernel_gets_its_own_objects():
    first = build_plugin_manager(available=[])
    second = build_plugin_manager(available=[])
    names = [name for name, _ in BUILTIN_PLUGINS]
    assert sorted(name for name, _ in first.list_name_plugin()) == sorted(names)
    assert {"builtin.notify.stdout", "builtin.notify.webhook"} <= set(names)
    assert first.get_plugin("builtin.notify.webhook") is not second.get_plugin("builtin.notify.webhook")
    assert first.project_name == "arcade"


def test_only_allow_listed_entry_points_are_loaded():
    available = [
        entry("acme-notify", "loud_webhook"),
        EntryPoint("not-allowed", "no_such_module:x", ENTRY_POINT_GROUP),
    ]
    manager = build_plugin_manager(["acme-notify"], available)
    assert manager.get_plugin("acme-notify") is loud_webhook
    assert manager.get_plugin("not-allowed") is None  # never imported: its module does not even exist
    # Later-registered plugins come first and the builtins are trylast: the third party wins.
    result = manager.hook.arcade_notify(
        request=NotifyRequest("notify/webhook", "send", {"url": "x"}), summary=SUMMARY
    )
    assert result == NotifyResult(True, "sent by acme")


def test_an_allowed_name_that_is_not_installed_stops_the_kernel():
    with pytest.raises(
        InvalidInput,
        match=r"an 'arcade.plugins' entry point named 'ghost' \(installed: acme-notify\)",
    ):
        build_plugin_manager(["ghost"], [entry("acme-notify", "loud_webhook")])


def test_an_entry_point_that_fails_to_import_is_named():
    broken = EntryPoint("broken", "no_such_module_anywhere:plugin", ENTRY_POINT_GROUP)
    with pytest.raises(
        InvalidInput,
        match=r"'broken' \(no_such_module_anywhere:plugin\) failed to load: ModuleNotFoundError",
    ):
        build_plugin_manager(["broken"], [broken])


def test_unknown_hooks_fail_loudly_through_check_pending():
    with pytest.raises(InvalidInput, match=r"kernel extension 'typo'.*arcade_notfy"):
        build_plugin_manager(["typo"], [entry("typo", "misspelled")])


def test_a_hook_argument_the_spec_does_not_have_is_refused():
    with pytest.raises(InvalidInput, match=r"kernel extension 'extra'.*colour"):
        build_plugin_manager(["extra"], [entry("extra", "extra_argument")])


def test_the_setting_is_a_comma_separated_list():
    assert allowed_names("") == []
    assert allowed_names(" acme-notify, ,other ") == ["acme-notify", "other"]
