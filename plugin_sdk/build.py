"""`arcade plugin build`: turn a plugin's source into the module or component its manifest names as `entry`.

The language follows from the manifest and the source present: kind `python` builds `plugin.py` into a
component (componentize-py, `plugin_sdk.componentize`); kind `wasm` compiles `plugin.c` with clang for
wasm32-wasi or assembles `plugin.wat` with wasmtime. The entry is written whole or not at all (a failed build
leaves the previous one in place), and every failure is a `BuildError` naming the source file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import wasmtime

from plugin_sdk.errors import BuildError
from plugin_sdk.manifest import MANIFEST_NAME, Manifest, load_manifest

__all__ = ["SOURCES", "BuildResult", "build_plugin", "detect_language"]

SOURCES = {"python": "plugin.py", "c": "plugin.c", "wat": "plugin.wat"}
CLANG = "clang"
CLANG_TIMEOUT = 300.0
TOOLCHAIN_HINT = (
    "install clang, lld and wasi-libc (on Debian: apt-get install clang lld wasi-libc "
    "libclang-rt-14-dev-wasm32; in the Arcade repository: make toolchain)"
)
_WAT_LOCATION = re.compile(r"-->\s*<anon>:(\d+):(\d+)")


@dataclass(frozen=True)
class BuildResult:
    """A finished build: the entry written, from which source and language, its size and how long it took."""

    manifest: Manifest
    language: str
    source: Path
    output: Path
    size: int
    seconds: float


def detect_language(plugin_dir: Path, manifest: Manifest) -> str:
    """`python`, `c` or `wat`, from the manifest's kind and the source file present in `plugin_dir`."""
    if manifest.kind == "python":
        if not (plugin_dir / SOURCES["python"]).is_file():
            raise BuildError(f"{plugin_dir / SOURCES['python']}: no such file (kind python builds plugin.py)")
        return "python"
    present = [language for language in ("c", "wat") if (plugin_dir / SOURCES[language]).is_file()]
    if len(present) == 1:
        return present[0]
    if present:
        raise BuildError(
            f"{plugin_dir}: both plugin.c and plugin.wat exist; remove the one that is not the source"
        )
    raise BuildError(
        f"{plugin_dir}: no plugin.c or plugin.wat to build (the manifest's kind is {manifest.kind})"
    )


def build_plugin(plugin_dir: Path | str) -> BuildResult:
    """Validate the manifest in `plugin_dir`, then build its source into the manifest's entry."""
    root = Path(plugin_dir)
    manifest = load_manifest(root / MANIFEST_NAME)
    language = detect_language(root, manifest)
    source = root / SOURCES[language]
    output = root / manifest.entry
    began = time.monotonic()
    try:
        _write_atomically(output, lambda temporary: _BUILDERS[language](root, source, temporary))
    except OSError as error:
        raise BuildError(f"cannot build {source}: {error}") from error
    return BuildResult(manifest, language, source, output, output.stat().st_size, time.monotonic() - began)


def _write_atomically(output: Path, build: Callable[[Path], None]) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        build(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)


def _build_python(root: Path, source: Path, out: Path) -> None:
    from plugin_sdk.componentize import build_component  # imported here: it pulls in componentize-py

    build_component(root, out)  # checks plugin.py's syntax first, then runs componentize-py


def _build_c(root: Path, source: Path, out: Path) -> None:
    clang = shutil.which(CLANG)
    if clang is None:
        raise BuildError(f"cannot build {source}: {CLANG} not found on PATH; {TOOLCHAIN_HINT}")
    command = [clang, "--target=wasm32-wasi", "-O2", "-o", str(out.resolve()), source.name]
    try:
        done = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=CLANG_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BuildError(f"cannot build {source}: clang took more than {CLANG_TIMEOUT:g}s") from error
    except OSError as error:
        raise BuildError(f"cannot build {source}: cannot run {clang}: {error.strerror or error}") from error
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()
        hint = ""
        if "wasm32-wasi" in output and ("not found" in output or "No such file" in output):
            hint = f"\n(the wasm32-wasi toolchain looks incomplete: {TOOLCHAIN_HINT})"
        raise BuildError(f"cannot build {source}: clang failed (exit {done.returncode}):\n{output}{hint}")


def _build_wat(root: Path, source: Path, out: Path) -> None:
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise BuildError(f"{source}: not UTF-8 text: {error}") from error
    try:
        binary = wasmtime.wat2wasm(text)
    except wasmtime.WasmtimeError as error:
        message = str(error)
        found = _WAT_LOCATION.search(message)
        where = f"{source}:{found[1]}:{found[2]}" if found else str(source)
        first, _, detail = message.partition("\n")
        detail = detail.replace("<anon>", str(source))
        raise BuildError(f"{where}: {first}" + (f"\n{detail}" if detail else "")) from error
    out.write_bytes(bytes(binary))


_BUILDERS: dict[str, Callable[[Path, Path, Path], None]] = {
    "python": _build_python,
    "c": _build_c,
    "wat": _build_wat,
}
