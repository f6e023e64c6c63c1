"""Regenerate the Python gRPC code under proto/ from the .proto sources (`make proto`).

With --check, generate into a scratch copy and fail if it differs from what is checked in, so CI
catches hand edits and forgotten regenerations.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

import grpc_tools

ROOT = Path(__file__).resolve().parents[2]
PROTO_DIR = ROOT / "proto"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")


def _sources(proto_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(proto_dir)) for p in proto_dir.rglob("*.proto"))


def generate(out_dir: Path) -> None:
    """Run protoc and rewrite the generated imports to package-relative ones."""
    include = Path(grpc_tools.__file__).parent / "_proto"
    sources = _sources(PROTO_DIR)
    protoc = [sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTO_DIR}", f"-I{include}"]
    subprocess.run(
        [
            *protoc,
            f"--python_out={out_dir}",
            f"--pyi_out={out_dir}",
            f"--grpc_python_out={out_dir}",
            *sources,
        ],
        check=True,
        cwd=PROTO_DIR,
    )
    protoc_path = f"{sys.executable} -m grpc_tools.protoc -I{include}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "protoletariat",
            "--python-out",
            str(out_dir),
            "--in-place",
            "--create-package",
            "--exclude-google-imports",
            "protoc",
            "--protoc-path",
            protoc_path,
            "--proto-path",
            str(PROTO_DIR),
            *sources,
        ],
        check=True,
        cwd=PROTO_DIR,
    )


def _generated_files(base: Path) -> set[str]:
    return {
        str(p.relative_to(base))
        for p in base.rglob("*.py*")
        if p.name.endswith(GENERATED_SUFFIXES) or (p.name == "__init__.py" and p.parent != base)
    }


def check() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        generate(out)
        expected, actual = _generated_files(out), _generated_files(PROTO_DIR)
        drift = sorted(expected ^ actual)
        drift += [
            f for f in sorted(expected & actual) if not filecmp.cmp(out / f, PROTO_DIR / f, shallow=False)
        ]
    if drift:
        print(
            "generated protobuf code is out of date; run `make proto`:", *drift, sep="\n  ", file=sys.stderr
        )
        return 1
    print("generated protobuf code is up to date")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the checked-in code differs")
    if parser.parse_args().check:
        return check()
    for stale in _generated_files(PROTO_DIR):
        (PROTO_DIR / stale).unlink()
    generate(PROTO_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main())
