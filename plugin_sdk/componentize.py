"""Build a Python step plugin (`plugin.py`) into an `arcade:plugin` WebAssembly component (componentize-py).

The component bundles CPython, the plugin's modules, the guest helpers (`plugin_sdk/guest/arcade_plugin`) and
the WIT world (`plugin_sdk/wit/arcade-plugin.wit`). componentize-py imports the plugin while building (its
snapshot starts with the plugin loaded), so an error while importing it fails the build with the plugin's own
traceback; a syntax error in plugin.py itself is reported before componentize-py starts. Works offline;
takes about ten seconds and produces a component of about 18 MiB.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from plugin_sdk.errors import BuildError

__all__ = ["ENTRY_MODULE", "GUEST_DIR", "WIT_DIR", "WORLD", "build_component"]

WIT_DIR = Path(__file__).resolve().parent / "wit"
GUEST_DIR = Path(__file__).resolve().parent / "guest"
WORLD = "plugin"
ENTRY_MODULE = "arcade_plugin._entry"  # defines the WitWorld class that dispatches to @action functions
PLUGIN_MODULE = "plugin.py"
BUILD_TIMEOUT = 600.0
_NOISE = re.compile(r"\n\s*Stack backtrace:.*", re.DOTALL)


def build_component(source_dir: Path, out_path: Path) -> Path:
    """Build `source_dir/plugin.py` into the component `out_path` (written whole or not at all)."""
    source_dir = Path(source_dir).resolve()
    out_path = Path(out_path).resolve()
    source = source_dir / PLUGIN_MODULE
    if not source.is_file():
        raise BuildError(f"{source}: no such file (a Python plugin's actions live in {PLUGIN_MODULE})")
    _check_syntax(source)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.", suffix=".partial")
    os.close(fd)
    command = [
        _componentize_py(),
        "--quiet",
        "--wit-path",
        str(WIT_DIR),
        "--world",
        WORLD,
        "componentize",
        "--python-path",
        str(source_dir),  # first on the path: shown as /0/ in the build's tracebacks
        "--python-path",
        str(GUEST_DIR),
        ENTRY_MODULE,
        "--output",
        partial,
    ]
    env = {**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=BUILD_TIMEOUT, env=env, check=False
        )
        if done.returncode != 0:
            raise BuildError(f"cannot build {source}: {_failure(done.stderr or done.stdout, source_dir)}")
        os.replace(partial, out_path)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"cannot build {source}: componentize-py took more than {BUILD_TIMEOUT:g}s") from exc
    except OSError as exc:
        raise BuildError(f"cannot build {source}: {exc.strerror or exc}") from exc
    finally:
        Path(partial).unlink(missing_ok=True)
    return out_path


def _check_syntax(source: Path) -> None:
    """Fail in milliseconds on a syntax error in plugin.py (componentize-py would take seconds to say so)."""
    try:
        compile(source.read_bytes(), str(source), "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f"{source}:{exc.lineno}:{exc.offset}" if exc.lineno else str(source)
        raise BuildError(f"{where}: {exc.msg}") from exc
    except ValueError as exc:  # e.g. NUL bytes in the source
        raise BuildError(f"{source}: {exc}") from exc


def _componentize_py() -> str:
    """The componentize-py installed next to this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "componentize-py"
    if beside.is_file():
        return str(beside)
    found = shutil.which("componentize-py")
    if found is None:
        raise BuildError("componentize-py is not installed (pip install 'componentize-py>=0.25')")
    return found


def _failure(output: str, source_dir: Path) -> str:
    """componentize-py's report without its own wrapper traceback and backtrace, with the plugin's paths."""
    text = _NOISE.sub("", output.strip())
    marker = "AssertionError: "  # componentize-py's script raises the build error as an AssertionError
    if marker in text:
        text = text.split(marker, 1)[1]
    text = text.replace('File "/0/', f'File "{source_dir}/')
    return "componentize-py failed:\n" + text.strip() if text.strip() else "componentize-py failed"
