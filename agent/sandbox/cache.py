"""Compiled-code cache: memory LRUs in front of a private disk folder of `.cwasm` artifacts, for both kinds of
plugin binary: core modules (wasi-command) and components (Python plugins).

Disk entries are named `<sha256 of the binary>-<kind>-<engine fingerprint>.cwasm` and start with the sha256
of the artifact that follows, so a corrupt or truncated entry is detected, discarded and recompiled instead of
being handed to `deserialize` (which trusts its input). The folder must be owned by this user with mode 0700:
only artifacts this agent produced itself are ever deserialized. Compiled components are large (tens of MiB
of machine code), so fewer of them are kept in memory than modules.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import wasmtime
from wasmtime.component import Component

from agent.sandbox.engine import EngineSettings, engine_fingerprint
from agent.sandbox.errors import CacheError, ModuleRejected
from agent.sandbox.result import CacheTier

__all__ = ["BinaryKind", "CacheStats", "ModuleCache", "check_wasm_header", "private_folder"]

WASM_MAGIC = b"\0asm"
CORE_VERSION = b"\x01\x00\x00\x00"
COMPONENT_LAYER = b"\x01\x00"  # bytes 6-7 of a component's header; bytes 4-5 are its (draft) version
DIGEST_SIZE = 32
DIGEST_MEMO_ENTRIES = 256

BinaryKind = Literal["module", "component"]
Compiled = wasmtime.Module | Component
_StatKey = tuple[int, int, int, int, int]

_WRONG_KIND = {
    "module": (
        "this is a WebAssembly component, not a core module: abi wasi-command needs a WASI preview1 command "
        "module (a component runs with abi component)"
    ),
    "component": (
        "this is a core WebAssembly module, not a component: abi component needs a component built by "
        "`arcade plugin build` (a core module runs with abi wasi-command)"
    ),
}


@dataclass
class CacheStats:
    memory_hits: int = 0
    disk_hits: int = 0
    compilations: int = 0
    discarded: int = 0  # corrupt disk entries thrown away


def check_wasm_header(data: bytes, kind: BinaryKind = "module") -> None:
    """Reject what is not a WebAssembly binary of `kind` before wasmtime sees it (it accepts WAT text too)."""
    if len(data) < 8 or data[:4] != WASM_MAGIC:
        raise ModuleRejected(f"not a WebAssembly {kind} (no \\0asm header)")
    is_core = data[4:8] == CORE_VERSION
    is_component = data[6:8] == COMPONENT_LAYER
    if (kind == "module" and is_component) or (kind == "component" and is_core):
        raise ModuleRejected(_WRONG_KIND[kind])
    if not (is_core or is_component):
        raise ModuleRejected(f"not a WebAssembly {kind} this runner can run (unknown binary version)")


def private_folder(folder: Path) -> Path:
    """Create `folder` with mode 0700, or check that an existing one is ours and private."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.getuid():
        raise CacheError(f"module cache folder {folder} is owned by another user")
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise CacheError(f"module cache folder {folder} is accessible to other users (needs mode 0700)")
    return folder


class ModuleCache:
    """Modules and components compiled for one engine, found by the sha256 of their bytes."""

    def __init__(
        self,
        engine: wasmtime.Engine,
        settings: EngineSettings,
        folder: Path | None,
        entries: int = 32,
        component_entries: int = 4,
    ) -> None:
        self._engine = engine
        self._fingerprint = engine_fingerprint(settings)
        self._folder = private_folder(folder) if folder is not None else None
        self._entries: dict[BinaryKind, int] = {"module": entries, "component": component_entries}
        self._memory: dict[BinaryKind, OrderedDict[str, Compiled]] = {
            "module": OrderedDict(),
            "component": OrderedDict(),
        }
        self._digests: OrderedDict[_StatKey, str] = OrderedDict()
        self.stats = CacheStats()

    def load(self, path: Path) -> tuple[wasmtime.Module, CacheTier]:
        """The compiled core module in the file at `path`."""
        compiled, tier = self._load(path, "module")
        assert isinstance(compiled, wasmtime.Module)
        return compiled, tier

    def load_component(self, path: Path) -> tuple[Component, CacheTier]:
        """The compiled component in the file at `path`."""
        compiled, tier = self._load(path, "component")
        assert isinstance(compiled, Component)
        return compiled, tier

    def get(self, data: bytes) -> tuple[wasmtime.Module, CacheTier]:
        compiled, tier = self._get(data, hashlib.sha256(data).hexdigest(), "module")
        assert isinstance(compiled, wasmtime.Module)
        return compiled, tier

    def get_component(self, data: bytes) -> tuple[Component, CacheTier]:
        compiled, tier = self._get(data, hashlib.sha256(data).hexdigest(), "component")
        assert isinstance(compiled, Component)
        return compiled, tier

    def _load(self, path: Path, kind: BinaryKind) -> tuple[Compiled, CacheTier]:
        """Files are hashed once per (device, inode, size, mtime, ctime): a component is tens of MiB, and
        any change to the file changes its ctime."""
        try:
            info = path.stat()
            key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            digest = self._digests.get(key)
            if digest is not None and digest in self._memory[kind]:
                self._digests.move_to_end(key)
                return self._get(b"", digest, kind)
            data = path.read_bytes()
        except OSError as exc:
            raise ModuleRejected(f"cannot read {kind} {path.name}: {exc.strerror}") from exc
        digest = hashlib.sha256(data).hexdigest()
        self._digests[key] = digest
        if len(self._digests) > DIGEST_MEMO_ENTRIES:
            self._digests.popitem(last=False)
        return self._get(data, digest, kind)

    def _get(self, data: bytes, digest: str, kind: BinaryKind) -> tuple[Compiled, CacheTier]:
        memory = self._memory[kind]
        compiled = memory.get(digest)
        if compiled is not None:
            memory.move_to_end(digest)
            self.stats.memory_hits += 1
            return compiled, "memory"
        tier: CacheTier = "disk"
        compiled = self._from_disk(digest, kind)
        if compiled is None:
            tier = "compiled"
            compiled = self._compile(data, kind)
            self._to_disk(digest, kind, compiled)
        memory[digest] = compiled
        if len(memory) > self._entries[kind]:
            memory.popitem(last=False)
        return compiled, tier

    def _compile(self, data: bytes, kind: BinaryKind) -> Compiled:
        check_wasm_header(data, kind)
        try:
            if kind == "module":
                compiled: Compiled = wasmtime.Module(self._engine, data)
            else:
                compiled = Component(self._engine, data)
        except wasmtime.WasmtimeError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid"
            raise ModuleRejected(f"not a WebAssembly {kind}: truncated or invalid ({first})") from exc
        self.stats.compilations += 1
        return compiled

    def _entry(self, digest: str, kind: BinaryKind) -> Path | None:
        if self._folder is None:
            return None
        return self._folder / f"{digest}-{kind}-{self._fingerprint}.cwasm"

    def _from_disk(self, digest: str, kind: BinaryKind) -> Compiled | None:
        entry = self._entry(digest, kind)
        if entry is None:
            return None
        try:
            blob = entry.read_bytes()
        except FileNotFoundError:
            return None
        artifact = blob[DIGEST_SIZE:]
        if len(blob) > DIGEST_SIZE and hashlib.sha256(artifact).digest() == blob[:DIGEST_SIZE]:
            try:
                compiled = (
                    wasmtime.Module.deserialize(self._engine, artifact)
                    if kind == "module"
                    else Component.deserialize(self._engine, artifact)
                )
            except wasmtime.WasmtimeError:
                pass
            else:
                self.stats.disk_hits += 1
                return compiled
        self.stats.discarded += 1
        entry.unlink(missing_ok=True)
        return None

    def _to_disk(self, digest: str, kind: BinaryKind, compiled: Compiled) -> None:
        entry = self._entry(digest, kind)
        if entry is None:
            return
        artifact = bytes(compiled.serialize())
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".cwasm")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(artifact).digest())
                out.write(artifact)
            os.replace(tmp, entry)
        except OSError:
            Path(tmp).unlink(missing_ok=True)  # a cache that cannot write is still a working cache
