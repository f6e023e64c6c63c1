"""`build_component`: a Python plugin built into an `arcade:plugin` component, and builds that fail clearly.

One good build (about ten seconds) and one failing build that gets as far as componentize-py (about as
long); the other failures are caught before componentize-py starts. Running components is covered by
tests/agent/sandbox/test_sandbox_component.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from plugin_sdk import BuildError, PluginError
from plugin_sdk.componentize import GUEST_DIR, WIT_DIR, build_component

HELLO = """
from arcade_plugin import Request, action


@action("hello")
def hello(request: Request) -> dict:
    return {"message": f"hello {request.args.get('name', 'world')}"}
"""


def plugin_dir(root: Path, source: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "plugin.py").write_text(source)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("hello")
    out = root / "dist" / "plugin.wasm"
    return build_component(plugin_dir(root / "src", HELLO), out), out


def test_builds_a_component(built):
    returned, out = built
    assert returned == out.resolve()
    header = out.read_bytes()[:8]
    assert header[:4] == b"\0asm" and header[6:8] == b"\x01\x00"  # layer 1: a component, not a core module
    assert out.stat().st_size > 1_000_000  # CPython is inside
    assert [path.name for path in out.parent.iterdir()] == ["plugin.wasm"]  # no partial file left behind


def test_the_wit_world_and_guest_helpers_ship_with_the_sdk():
    wit = (WIT_DIR / "arcade-plugin.wit").read_text()
    assert "package arcade:plugin@1.0.0;" in wit
    assert "http-fetch: func(method: string, url: string, headers-json: string, body: string)" in wit
    assert "export run: func(action: string, input: string) -> result<string, string>;" in wit
    assert (GUEST_DIR / "arcade_plugin" / "__init__.py").is_file()
    assert (GUEST_DIR / "arcade_plugin" / "_entry.py").is_file()


def test_an_error_while_importing_the_plugin_fails_the_build_with_its_traceback(tmp_path):
    failing = 'raise ValueError("config file missing at import")'
    text = f"{HELLO}\n{failing}\n"
    source = plugin_dir(tmp_path / "src", text)
    out = tmp_path / "plugin.wasm"
    out.write_bytes(b"previous build")
    with pytest.raises(BuildError) as failed:
        build_component(source, out)
    message = str(failed.value)
    assert message.startswith(f"cannot build {source.resolve() / 'plugin.py'}: componentize-py failed:")
    assert "ValueError: config file missing at import" in message
    line = text.splitlines().index(failing) + 1
    assert f'File "{source.resolve()}/plugin.py", line {line}' in message
    assert "Stack backtrace" not in message
    assert out.read_bytes() == b"previous build"  # written whole or not at all
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plugin.wasm", "src"]


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    source = plugin_dir(
        tmp_path, 'from arcade_plugin import action\n\n@action("x")\ndef x(request)\n    return {}\n'
    )
    with pytest.raises(BuildError, match=r"plugin\.py:4:\d+: expected ':'"):
        build_component(source, tmp_path / "plugin.wasm")
    assert not (tmp_path / "plugin.wasm").exists()


def test_a_missing_plugin_module_is_a_build_error(tmp_path):
    with pytest.raises(PluginError, match=r"plugin\.py: no such file"):
        build_component(tmp_path, tmp_path / "plugin.wasm")


def guest_actions_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A fresh copy of the guest's `arcade_plugin.actions` (pure Python; the rest of the package needs the
    component's generated bindings)."""
    spec = importlib.util.spec_from_file_location("guest_actions", GUEST_DIR / "arcade_plugin" / "actions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_actions_register_once_each_by_name(monkeypatch):
    actions = guest_actions_module(monkeypatch)

    @actions.action("greet")
    def greet(request):
        return {"greeting": f"hi {request.args['name']}"}

    handler = actions.find_action("greet")
    assert handler is greet
    assert handler(actions.Request(action="greet", args={"name": "ada"})) == {"greeting": "hi ada"}
    assert actions.find_action("other") is None
    assert actions.registered_actions() == ["greet"]
    with pytest.raises(ValueError, match="action 'greet' is registered twice"):
        actions.action("greet")(greet)
    with pytest.raises(ValueError, match="non-empty string"):
        actions.action("")
