"""Compiled-module cache: a memory LRU in front of a private disk folder of `.cwasm` artifacts.

Disk entries are named `<sha256 of the module>-<engine fingerprint>.cwasm` and start with the sha256 of the
artifact that follows, so a corrupt or truncated entry is detected, discarded and recompiled instead of
being handed to `Module.deserialize` (which trusts its input). The folder must be owned by this user with
mode 0700: only artifacts this agent produced itself are ever deserialized.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import wasmtime

from agent.sandbox.engine import EngineSettings, engine_fingerprint
from agent.sandbox.errors import CacheError, ModuleRejected
from agent.sandbox.result import CacheTier

__all__ = ["CacheStats", "ModuleCache", "check_wasm_header"]

WASM_MAGIC = b"\0asm"
CORE_VERSION = b"\x01\x00\x00\x00"
DIGEST_SIZE = 32


@dataclass
class CacheStats:
    memory_hits: int = 0
    disk_hits: int = 0
    compilations: int = 0
    discarded: int = 0  # corrupt disk entries thrown away


def check_wasm_header(data: bytes) -> None:
    """Reject what is not a core WebAssembly binary before wasmtime sees it (it also accepts WAT text)."""
    if len(data) < 8 or data[:4] != WASM_MAGIC:
        raise ModuleRejected("not a WebAssembly module (no \\0asm header)")
    if data[4:8] != CORE_VERSION:
        raise ModuleRejected("not a WebAssembly module this runner can run (a component or unknown version)")


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
    """Modules compiled for one engine, found by the sha256 of their bytes."""

    def __init__(
        self, engine: wasmtime.Engine, settings: EngineSettings, folder: Path | None, entries: int = 32
    ) -> None:
        self._engine = engine
        self._fingerprint = engine_fingerprint(settings)
        self._folder = private_folder(folder) if folder is not None else None
        self._entries = entries
        self._memory: OrderedDict[str, wasmtime.Module] = OrderedDict()
        self.stats = CacheStats()

    def load(self, path: Path) -> tuple[wasmtime.Module, CacheTier]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ModuleRejected(f"cannot read module {path.name}: {exc.strerror}") from exc
        return self.get(data)

    def get(self, data: bytes) -> tuple[wasmtime.Module, CacheTier]:
        digest = hashlib.sha256(data).hexdigest()
        module = self._memory.get(digest)
        if module is not None:
            self._memory.move_to_end(digest)
            self.stats.memory_hits += 1
            return module, "memory"
        tier: CacheTier = "disk"
        module = self._from_disk(digest)
        if module is None:
            tier = "compiled"
            module = self._compile(data)
            self._to_disk(digest, module)
        self._memory[digest] = module
        if len(self._memory) > self._entries:
            self._memory.popitem(last=False)
        return module, tier

    def _compile(self, data: bytes) -> wasmtime.Module:
        check_wasm_header(data)
        try:
            module = wasmtime.Module(self._engine, data)
        except wasmtime.WasmtimeError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid"
            raise ModuleRejected(f"not a WebAssembly module: truncated or invalid ({first})") from exc
        self.stats.compilations += 1
        return module

    def _entry(self, digest: str) -> Path | None:
        if self._folder is None:
            return None
        return self._folder / f"{digest}-{self._fingerprint}.cwasm"

    def _from_disk(self, digest: str) -> wasmtime.Module | None:
        entry = self._entry(digest)
        if entry is None:
            return None
        try:
            blob = entry.read_bytes()
        except FileNotFoundError:
            return None
        artifact = blob[DIGEST_SIZE:]
        if len(blob) > DIGEST_SIZE and hashlib.sha256(artifact).digest() == blob[:DIGEST_SIZE]:
            try:
                module = wasmtime.Module.deserialize(self._engine, artifact)
            except wasmtime.WasmtimeError:
                pass
            else:
                self.stats.disk_hits += 1
                return module
        self.stats.discarded += 1
        entry.unlink(missing_ok=True)
        return None

    def _to_disk(self, digest: str, module: wasmtime.Module) -> None:
        entry = self._entry(digest)
        if entry is None:
            return
        artifact = bytes(module.serialize())
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".cwasm")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(artifact).digest())
                out.write(artifact)
            os.replace(tmp, entry)
        except OSError:
            Path(tmp).unlink(missing_ok=True)  # a cache that cannot write is still a working cache
