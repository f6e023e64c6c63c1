"""`arcade plugin new/build/test/pack/info`, in-process through `kernel.cli.main.main` (and once as a real
subprocess of the `arcade` script). `test` runs in the agents' sandbox (SandboxRunner + PluginInvoker).

The WAT and C flows take well under a second each; the Python flow builds one component (~10 s with
componentize-py) and compiles it once (~10 s), shared by its tests through a module-scoped fixture.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kernel.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "plugins"


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory) -> Path:
    """One compiled-module cache for the module, so a component compiles once."""
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def _environment(monkeypatch, cache_home):
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.setenv("COLUMNS", "500")  # rich wraps error lines at 80 columns otherwise


def arcade(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["plugin", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def scaffold(capsys, parent: Path, language: str, name: str = "acme/demo") -> Path:
    code, out, err = arcade(capsys, "new", name, "--type", "ci", "--lang", language, "--dir", str(parent))
    assert code == 0, err
    return parent / name.split("/")[1]


# ------------------------------------------------------------------------------ the whole tool chain


@pytest.mark.parametrize("language", ["wat", "c"])
def test_new_build_test_pack_info(tmp_path, capsys, language):
    argv = ["new", "acme/demo", "--type", "ci", "--lang", language, "--dir", str(tmp_path)]
    code, out, _ = arcade(capsys, *argv)
    assert code == 0
    folder = tmp_path / "demo"
    assert f"created acme/demo ({language}, ci) in {folder}/" in out

    code, out, err = arcade(capsys, "build", str(folder))
    assert code == 0, err
    assert f"built {folder / 'plugin.wasm'} from plugin.{language} ({language}," in out

    code, out, err = arcade(capsys, "test", str(folder))
    assert code == 0, err
    result = json.loads(out)
    assert "ok: acme/demo hello succeeded" in err
    if language == "c":
        assert result == {"message": "Hello, Ada!"}  # the args of the manifest's example
        assert "[acme/demo] greeting Ada" in err
    else:
        assert result["message"] == "hello from acme/demo" and result["request_bytes"] > 0
        assert f"[acme/demo] read a request of {result['request_bytes']} bytes" in err

    code, out, err = arcade(capsys, "pack", str(folder), "--json")
    assert code == 0, err
    packed = json.loads(out)
    package = folder / "acme-demo-0.1.0.zip"
    assert packed["path"] == str(package)
    assert packed["sha256"] == hashlib.sha256(package.read_bytes()).hexdigest()
    assert packed["size"] == package.stat().st_size
    assert zipfile.ZipFile(package).namelist() == ["README.md", "manifest.json", "plugin.wasm"]

    code, out, err = arcade(capsys, "info", str(package))
    assert code == 0, err
    assert out.startswith("acme/demo@0.1.0\n")
    assert f"sha256     {packed['sha256']}" in out
    assert "kind/abi   wasm/wasi-command" in out
    assert "  hello: " in out and "returns  {message: string" in out
    assert "workspace  none" in out

    code, out, err = arcade(capsys, "info", str(folder), "--json")
    assert code == 0, err
    document = json.loads(out)
    assert document["source"] == "folder" and document["entry_built"] is True
    assert document["manifest"]["name"] == "acme/demo"


def test_human_pack_prints_path_sha256_and_size(tmp_path, capsys):
    folder = scaffold(capsys, tmp_path, "wat")
    arcade(capsys, "build", str(folder))
    out_file = tmp_path / "out" / "demo.zip"
    code, out, _ = arcade(capsys, "pack", str(folder), "--out", str(out_file))
    assert code == 0
    digest = hashlib.sha256(out_file.read_bytes()).hexdigest()
    assert f"packed acme/demo@0.1.0 into {out_file}" in out
    assert f"sha256  {digest}" in out and f"size    {out_file.stat().st_size:,} bytes" in out


# ------------------------------------------------------------------------------------------- test


@pytest.fixture
def wat_plugin(tmp_path, capsys) -> Path:
    folder = scaffold(capsys, tmp_path, "wat")
    assert arcade(capsys, "build", str(folder))[0] == 0
    return folder


def test_test_exit_codes(wat_plugin, capsys):
    code, out, err = arcade(capsys, "test", str(wat_plugin), "--action", "hello", "--args", "{}", "--json")
    assert code == 0
    document = json.loads(out)
    size = document["result"]["request_bytes"]
    assert document["ok"] is True and document["logs"] == [f"read a request of {size} bytes"]

    code, _, err = arcade(capsys, "test", str(wat_plugin), "--args", '{"unexpected": 1}')
    assert code == 1
    assert "invalid args for acme/demo action 'hello'" in err

    code, _, err = arcade(capsys, "test", str(wat_plugin), "--args", "[1, 2]")
    assert code == 2
    assert "--args: expected a JSON object, got list" in err
    code, _, err = arcade(capsys, "test", str(wat_plugin), "--args", "{nope")
    assert code == 2 and "--args: not valid JSON" in err
    code, _, err = arcade(capsys, "test", str(wat_plugin), "--action", "bye")
    assert code == 2 and "--action: 'bye' is not an action of acme/demo (it has: hello)" in err
    code, _, err = arcade(capsys, "test", str(wat_plugin), "--env", "not a pair")
    assert code == 2 and "--env: expected KEY=VALUE" in err
    code, _, err = arcade(capsys, "test", str(wat_plugin), "--workspace", str(wat_plugin / "nowhere"))
    assert code == 2 and "--workspace:" in err


def test_a_result_that_breaks_the_returns_schema_fails_with_the_schema_message(wat_plugin, capsys):
    manifest = json.loads((wat_plugin / "manifest.json").read_text())
    manifest["actions"]["hello"]["returns"]["properties"]["request_bytes"] = {"type": "string"}
    (wat_plugin / "manifest.json").write_text(json.dumps(manifest))
    code, out, err = arcade(capsys, "test", str(wat_plugin))
    assert code == 1 and out == ""
    assert "acme/demo action 'hello' returned a result that breaks its returns schema" in err
    assert "result.request_bytes:" in err and "is not of type 'string'" in err


def test_test_and_pack_ask_for_a_build_when_the_entry_is_missing(tmp_path, capsys):
    folder = scaffold(capsys, tmp_path, "wat")
    for command in ("test", "pack"):
        code, _, err = arcade(capsys, command, str(folder))
        assert code == 2
        assert f"{folder / 'plugin.wasm'} does not exist: run `arcade plugin build {folder}` first" in err
    code, out, _ = arcade(capsys, "info", str(folder))
    assert code == 0 and "(not built yet: arcade plugin build" in out


def test_the_wc_example_counts_a_workspace_file(tmp_path, capsys):
    folder = tmp_path / "wc-c"
    shutil.copytree(EXAMPLES / "wc-c", folder, ignore=shutil.ignore_patterns("*.wasm", "*.zip"))
    workspace = tmp_path / "ws"
    (workspace / "docs").mkdir(parents=True)
    (workspace / "docs" / "notes.txt").write_text("one two\nthree  four five\n\nsix")
    assert arcade(capsys, "build", str(folder))[0] == 0
    args = ["test", str(folder), "--action", "count", "--workspace", str(workspace)]
    code, out, err = arcade(capsys, *args, "--args", '{"path": "docs/notes.txt"}')
    assert code == 0, err
    assert json.loads(out) == {"lines": 3, "words": 6, "bytes": 29}
    assert "[examples/wc] docs/notes.txt: 3 lines, 6 words, 29 bytes" in err
    code, _, err = arcade(capsys, *args, "--args", '{"path": "docs/missing.txt"}')
    assert code == 1 and "cannot open /workspace/docs/missing.txt: No such file or directory" in err
    code, _, err = arcade(capsys, *args, "--args", '{"path": "docs/../../etc/passwd"}')
    assert code == 1 and "denied: the plugin has no filesystem permission for /etc/passwd" in err
    code, _, err = arcade(capsys, *args, "--args", '{"path": "docs"}')
    assert code == 1 and "args.path names a folder, not a file: docs" in err


# ------------------------------------------------------------------------------------ bad input


def test_new_refuses_bad_names_types_and_taken_folders(tmp_path, capsys):
    code, _, err = arcade(capsys, "new", "Acme/Demo", "--type", "ci", "--lang", "c", "--dir", str(tmp_path))
    assert code == 2 and "NAME: 'Acme/Demo' is not a plugin name 'ns/name'" in err
    with pytest.raises(SystemExit) as caught:
        main(["plugin", "new", "acme/demo", "--type", "web", "--lang", "c", "--dir", str(tmp_path)])
    assert caught.value.code == 2
    assert "argument --type: invalid choice: 'web'" in capsys.readouterr().err
    scaffold(capsys, tmp_path, "wat")
    code, _, err = arcade(capsys, "new", "acme/demo", "--type", "ci", "--lang", "c", "--dir", str(tmp_path))
    assert code == 2 and f"{tmp_path / 'demo'} already exists and is not empty" in err


def test_a_broken_source_fails_the_build_naming_the_file(tmp_path, capsys):
    folder = scaffold(capsys, tmp_path, "c")
    (folder / "plugin.c").write_text("int main(void) { return 0 }\n")
    code, out, err = arcade(capsys, "build", str(folder))
    assert code == 1 and out == ""
    assert f"cannot build {folder / 'plugin.c'}: clang failed" in err
    assert "plugin.c:1:26: error: expected ';' after return statement" in err


def test_an_invalid_manifest_is_bad_input_naming_the_field(tmp_path, capsys):
    folder = scaffold(capsys, tmp_path, "wat")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["version"] = "one"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for command in ("build", "test", "pack", "info"):
        code, _, err = arcade(capsys, command, str(folder))
        assert code == 2, command
        assert f"{folder / 'manifest.json'}: version: 'one' is not a semantic version" in err
    code, _, err = arcade(capsys, "info", str(tmp_path / "nothing"))
    assert code == 2 and "no such plugin folder, manifest or package" in err
    (tmp_path / "fake.zip").write_bytes(b"not a zip")
    code, _, err = arcade(capsys, "info", str(tmp_path / "fake.zip"))
    assert code == 2 and "fake.zip is not a zip archive" in err


# ------------------------------------------------------------------------------ the real command


def test_the_arcade_script_runs_the_plugin_commands(tmp_path, cache_home):
    script = Path(sys.executable).with_name("arcade")
    if not script.exists():
        pytest.skip(f"{script} is not installed (pip install -e .)")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [str(script), "plugin", *argv]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    assert run("new", "acme/sub", "--type", "notify", "--lang", "wat", "--dir", str(tmp_path)).returncode == 0
    assert run("build", str(tmp_path / "sub")).returncode == 0
    done = run("test", str(tmp_path / "sub"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"]["message"] == "hello from acme/sub"
    done = run("test", str(tmp_path / "sub"), "--args", "7")
    assert done.returncode == 2 and "--args: expected a JSON object, got int" in done.stderr


# ------------------------------------------------------------------------------ python, built once


@pytest.fixture(scope="module")
def python_plugin(tmp_path_factory) -> Path:
    from plugin_sdk.build import build_plugin
    from plugin_sdk.scaffold import new_plugin

    made = new_plugin("acme/py", "custom", "python", tmp_path_factory.mktemp("python"))
    build_plugin(made.path)
    return made.path


@pytest.mark.timeout(600)
def test_python_template_builds_and_passes_test_pack_and_info(python_plugin, capsys):
    code, out, err = arcade(capsys, "test", str(python_plugin))
    assert code == 0, err
    assert json.loads(out) == {"message": "Hello, Ada!"}
    assert "[acme/py] greeting Ada" in err

    code, out, err = arcade(capsys, "test", str(python_plugin), "--args", '{"name": " "}')
    assert code == 1 and "args.name must not be blank" in err

    code, out, err = arcade(capsys, "pack", str(python_plugin), "--json")
    assert code == 0, err
    package = Path(json.loads(out)["path"])
    code, out, err = arcade(capsys, "info", str(package))
    assert code == 0, err
    assert "kind/abi   python/component" in out and 'config\n  {"greeting": "Hello"}' in out
