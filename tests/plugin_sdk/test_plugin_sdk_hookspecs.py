"""Meta-tests of the kernel's extension API: every hook typed, documented and tested; SDK exports."""

from __future__ import annotations

import inspect
from pathlib import Path

import plugin_sdk
from plugin_sdk import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS = [name for name, value in vars(hookspecs).items() if name.startswith("arcade_") and callable(value)]


def test_there_are_hooks_and_each_is_a_marked_spec():
    assert HOOKS
    for name in HOOKS:
        assert getattr(getattr(hookspecs, name), "arcade_spec", None) is not None, name


def test_every_hook_is_typed_and_documented():
    for name in HOOKS:
        function = getattr(hookspecs, name)
        assert (function.__doc__ or "").strip(), f"{name} has no docstring"
        signature = inspect.signature(function)
        assert signature.return_annotation is not inspect.Signature.empty, f"{name} has no return type"
        for parameter in signature.parameters.values():
            assert parameter.annotation is not inspect.Parameter.empty, f"{name}({parameter.name}) is untyped"


def test_every_hook_is_tested_and_in_the_readme():
    this = Path(__file__).resolve()
    sources = [path.read_text() for path in (ROOT / "tests").rglob("test_*.py") if path.resolve() != this]
    readme = (ROOT / "README.md").read_text()
    for name in HOOKS:
        assert any(name in source for source in sources), f"no test calls or implements {name}"
        assert name in readme, f"{name} is not documented in README.md"


def test_the_sdk_exports_what_it_lists():
    for name in plugin_sdk.__all__:
        assert hasattr(plugin_sdk, name), name
