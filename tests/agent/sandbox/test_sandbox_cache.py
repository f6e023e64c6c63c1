"""The compiled-module cache: memory LRU, private disk folder, corrupt entries, compilation counts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sandbox_wat as wat

from agent.sandbox import CacheError, Limits, ModuleRejected, Permissions, SandboxRunner
from agent.sandbox.cache import ModuleCache
from agent.sandbox.engine import EngineSettings, build_engine, engine_fingerprint

SETTINGS = EngineSettings()


@pytest.fixture(scope="module")
def engine():
    return build_engine(SETTINGS)


def test_memory_then_disk_then_compile(engine, tmp_path):
    data = wat.wasm(wat.NOOP)
    first = ModuleCache(engine, SETTINGS, tmp_path / "cache")
    assert first.get(data)[1] == "compiled"
    assert first.get(data)[1] == "memory"
    assert first.stats.compilations == 1 and first.stats.memory_hits == 1
    second = ModuleCache(engine, SETTINGS, tmp_path / "cache")  # a restarted worker: memory empty
    assert second.get(data)[1] == "disk"
    assert second.stats.compilations == 0 and second.stats.disk_hits == 1


def test_entries_are_keyed_by_digest_and_engine_fingerprint(engine, tmp_path):
    cache = ModuleCache(engine, SETTINGS, tmp_path / "cache")
    cache.get(wat.wasm(wat.NOOP))
    (entry,) = (tmp_path / "cache").iterdir()
    assert entry.name.endswith(f"-{engine_fingerprint(SETTINGS)}.cwasm")
    assert engine_fingerprint(SETTINGS) != engine_fingerprint(EngineSettings(max_wasm_stack=512 * 1024))


def test_the_folder_is_private(engine, tmp_path):
    ModuleCache(engine, SETTINGS, tmp_path / "cache")
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    with pytest.raises(CacheError, match="accessible to other users"):
        ModuleCache(engine, SETTINGS, shared)


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty"])
def test_corrupt_entries_are_discarded_and_recompiled(engine, tmp_path, damage):
    data = wat.wasm(wat.NOOP)
    ModuleCache(engine, SETTINGS, tmp_path / "cache").get(data)
    (entry,) = (tmp_path / "cache").iterdir()
    blob = bytearray(entry.read_bytes())
    if damage == "truncate":
        entry.write_bytes(bytes(blob[: len(blob) // 2]))
    elif damage == "flip":
        blob[len(blob) // 2] ^= 0xFF
        entry.write_bytes(bytes(blob))
    else:
        entry.write_bytes(b"")
    cache = ModuleCache(engine, SETTINGS, tmp_path / "cache")
    assert cache.get(data)[1] == "compiled"
    assert cache.stats.discarded == 1
    assert ModuleCache(engine, SETTINGS, tmp_path / "cache").get(data)[1] == "disk"  # rewritten whole


def test_lru_evicts_the_least_recently_used(engine):
    cache = ModuleCache(engine, SETTINGS, None, entries=1)
    a, b = wat.wasm(wat.NOOP), wat.wasm(wat.ECHO)
    cache.get(a)
    cache.get(b)
    assert cache.get(a)[1] == "compiled"
    assert cache.stats.compilations == 3


def test_rejects_what_is_not_a_core_module(engine):
    cache = ModuleCache(engine, SETTINGS, None)
    with pytest.raises(ModuleRejected, match="not a WebAssembly module"):
        cache.get(b"(module)")  # WAT text: wasmtime would accept it, we do not
    with pytest.raises(ModuleRejected, match="not a WebAssembly module"):
        cache.get(wat.wasm(wat.NOOP)[:12])


def test_second_and_later_runs_skip_compilation(tmp_path):
    module = wat.save(tmp_path, "noop", wat.wasm(wat.NOOP))
    call = (module, {"action": "noop"}, None, Permissions(), Limits(), {}, lambda line: None)
    with SandboxRunner(cache_dir=tmp_path / "cache") as runner:
        assert runner.run_wasi_command(*call).cache == "compiled"
        assert runner.run_wasi_command(*call).cache == "memory"
        assert runner.stats.compilations == 1
    with SandboxRunner(cache_dir=tmp_path / "cache") as runner:  # agent restart: fresh workers
        result = runner.run_wasi_command(*call)
        assert result.ok and result.result == {} and result.cache == "disk"
        assert runner.stats.compilations == 0


def test_runner_refuses_a_shared_cache_folder(tmp_path):
    shared: Path = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    with pytest.raises(CacheError):
        SandboxRunner(cache_dir=shared, prewarm=0)
