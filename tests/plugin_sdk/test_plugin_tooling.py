"""The plugin author's SDK tooling: project templates (`plugin_sdk.scaffold`) and builds (`plugin_sdk.build`).

The C and WAT builds are real (clang for wasm32-wasi, wasmtime's wat2wasm) and fast; the Python build
(componentize-py, ~10 s) is covered once, end to end, in tests/kernel/test_cli_plugin.py.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from pathlib import Path

import pytest
import wasmtime

from plugin_sdk.build import build_plugin, detect_language
from plugin_sdk.errors import BuildError, ManifestError
from plugin_sdk.manifest import load_manifest
from plugin_sdk.scaffold import (
    LANGUAGES,
    PLUGIN_TYPES,
    ScaffoldError,
    check_plugin_name,
    new_plugin,
    render_template,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "plugin_sdk" / "templates"

EXPECTED = {
    "python": ("python", "component", "plugin.py"),
    "c": ("wasm", "wasi-command", "plugin.c"),
    "wat": ("wasm", "wasi-command", "plugin.wat"),
}


# ------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["acme/lint", "a/b", "my-org/tool.v2_x", "x1/y"])
def test_plugin_names_of_the_manifest_schema_are_accepted(name):
    check_plugin_name(name)


@pytest.mark.parametrize(
    "name",
    ["acme", "Acme/lint", "acme/", "/lint", "acme/lint/x", "acme/-lint", "ac me/lint", "a/" + "b" * 130],
)
def test_bad_plugin_names_are_refused_with_the_expected_form(name):
    with pytest.raises(ScaffoldError) as caught:
        check_plugin_name(name)
    assert f"NAME: {name!r} is not a plugin name 'ns/name'" in str(caught.value)


# --------------------------------------------------------------------------------------- templates


def test_render_template_fills_placeholders_and_refuses_unknown_ones():
    assert render_template("{{name}} is {{ type }}", {"name": "a/b", "type": "ci"}, "t") == "a/b is ci"
    with pytest.raises(ScaffoldError, match=r"template x/y\.tmpl: unknown placeholder '\{\{nope\}\}'"):
        render_template("{{nope}}", {"name": "a/b"}, "x/y.tmpl")


def test_every_template_file_is_shipped_with_the_package():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    globs = data["plugin_sdk"]
    files = [p.relative_to(ROOT / "plugin_sdk").as_posix() for p in TEMPLATES.rglob("*") if p.is_file()]
    files = [f for f in files if "__pycache__" not in f]
    assert sorted({f.split("/")[1] for f in files}) == sorted(LANGUAGES)
    assert [f for f in files if not any(fnmatch.fnmatch(f, g) for g in globs)] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_new_plugin_writes_a_complete_project_without_template_leftovers(tmp_path, language):
    made = new_plugin("acme/thing", "security", language, tmp_path)
    kind, abi, source = EXPECTED[language]
    assert made.path == tmp_path / "thing"
    assert set(made.files) == {"manifest.json", source, "README.md", ".gitignore"}
    for name in made.files:
        text = (made.path / name).read_text()
        assert re.search(r"\{\{\s*\w+\s*\}\}", text) is None, name
    manifest = load_manifest(made.path / "manifest.json")
    assert (manifest.name, manifest.type, manifest.kind, manifest.abi, manifest.entry) == (
        "acme/thing",
        "security",
        kind,
        abi,
        "plugin.wasm",
    )
    assert manifest.actions and manifest.examples
    ignored = (made.path / ".gitignore").read_text().split()
    assert "plugin.wasm" in ignored and "*.zip" in ignored
    assert "acme/thing" in (made.path / "README.md").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["thing"]  # no staging folder left behind


def test_new_plugin_refuses_a_non_empty_folder_and_fills_an_empty_one(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(ScaffoldError, match="already exists and is not empty"):
        new_plugin("acme/taken", "ci", "wat", tmp_path)
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(ScaffoldError, match="is not a folder"):
        new_plugin("acme/file", "ci", "wat", tmp_path)
    (tmp_path / "empty").mkdir()
    assert new_plugin("acme/empty", "ci", "wat", tmp_path).path == tmp_path / "empty"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "file", "taken"]


def test_new_plugin_rejects_unknown_types_and_languages(tmp_path):
    with pytest.raises(ScaffoldError, match=r"--type: 'web' is not one of ci, cd"):
        new_plugin("acme/x", "web", "c", tmp_path)
    with pytest.raises(ScaffoldError, match=r"--lang: 'rust' is not one of python, c, wat"):
        new_plugin("acme/x", "ci", "rust", tmp_path)
    assert set(PLUGIN_TYPES) == {"ci", "cd", "security", "notify", "storage", "custom"}
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------- builds


def _assert_command_module(path: Path) -> None:
    module = wasmtime.Module.from_file(wasmtime.Engine(), str(path))
    assert "_start" in [export.name for export in module.exports]
    assert {item.module for item in module.imports} <= {"wasi_snapshot_preview1"}


def test_build_wat_writes_a_wasi_command_module(tmp_path):
    made = new_plugin("acme/w", "ci", "wat", tmp_path)
    built = build_plugin(made.path)
    assert (built.language, built.output, built.size) == (
        "wat",
        made.path / "plugin.wasm",
        (made.path / "plugin.wasm").stat().st_size,
    )
    _assert_command_module(built.output)


def test_build_c_writes_a_wasi_command_module(tmp_path):
    made = new_plugin("acme/c", "ci", "c", tmp_path)
    built = build_plugin(made.path)
    assert built.language == "c" and built.source == made.path / "plugin.c"
    _assert_command_module(built.output)


def test_a_broken_c_source_fails_naming_file_and_line_and_keeps_the_previous_entry(tmp_path):
    made = new_plugin("acme/c", "ci", "c", tmp_path)
    before = build_plugin(made.path).output.read_bytes()
    source = made.path / "plugin.c"
    source.write_text("int main(void) {\n    return missing;\n}\n")
    with pytest.raises(BuildError) as caught:
        build_plugin(made.path)
    message = str(caught.value)
    assert f"cannot build {source}: clang failed" in message
    assert "plugin.c:2:12: error: use of undeclared identifier 'missing'" in message
    assert (made.path / "plugin.wasm").read_bytes() == before
    assert sorted(p.name for p in made.path.iterdir() if p.name.endswith(".tmp")) == []


def test_a_broken_wat_source_fails_naming_file_line_and_column(tmp_path):
    made = new_plugin("acme/w", "ci", "wat", tmp_path)
    source = made.path / "plugin.wat"
    source.write_text('(module\n  (func (export "_start")\n    (i32.bogus)))\n')
    with pytest.raises(BuildError, match=rf"^{source}:3:6: unknown operator") as caught:
        build_plugin(made.path)
    assert "<anon>" not in str(caught.value)
    assert not (made.path / "plugin.wasm").exists()


def test_a_python_syntax_error_is_reported_before_componentize(tmp_path):
    made = new_plugin("acme/p", "ci", "python", tmp_path)
    source = made.path / "plugin.py"
    source.write_text("def broken(:\n    pass\n")
    with pytest.raises(BuildError, match=rf"^{source}:1:12: "):
        build_plugin(made.path)


def test_build_names_clang_and_the_toolchain_when_clang_is_missing(tmp_path, monkeypatch):
    made = new_plugin("acme/c", "ci", "c", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    with pytest.raises(BuildError) as caught:
        build_plugin(made.path)
    message = str(caught.value)
    assert "clang not found on PATH" in message
    assert "wasi-libc" in message and "make toolchain" in message


def test_build_validates_the_manifest_first(tmp_path):
    made = new_plugin("acme/w", "ci", "wat", tmp_path)
    document = json.loads((made.path / "manifest.json").read_text())
    document["permissions"]["fs"]["workspace"] = "write"
    (made.path / "manifest.json").write_text(json.dumps(document))
    with pytest.raises(ManifestError, match=r"permissions\.fs\.workspace: 'write' is not one of"):
        build_plugin(made.path)


def test_the_language_follows_the_kind_and_the_source_present(tmp_path):
    made = new_plugin("acme/w", "ci", "wat", tmp_path)
    manifest = load_manifest(made.path / "manifest.json")
    assert detect_language(made.path, manifest) == "wat"
    (made.path / "plugin.c").write_text("int main(void) { return 0; }\n")
    with pytest.raises(BuildError, match="both plugin.c and plugin.wat exist"):
        detect_language(made.path, manifest)
    (made.path / "plugin.c").unlink()
    (made.path / "plugin.wat").unlink()
    with pytest.raises(BuildError, match="no plugin.c or plugin.wat to build"):
        detect_language(made.path, manifest)
    python = new_plugin("acme/p", "ci", "python", tmp_path)
    (python.path / "plugin.py").unlink()
    with pytest.raises(BuildError, match=r"plugin\.py: no such file \(kind python builds plugin\.py\)"):
        detect_language(python.path, load_manifest(python.path / "manifest.json"))
