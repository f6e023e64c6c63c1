"""The one wasmtime engine configuration sandboxed modules are compiled for, and its fingerprint.

Compiled `.cwasm` artifacts only load into an engine with the same configuration, so the fingerprint (wasmtime
version + these settings + the machine) is part of every disk cache key.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass
from importlib.metadata import version

import wasmtime

__all__ = ["EngineSettings", "build_engine", "engine_fingerprint", "wasmtime_version"]

# wasmtime aborts the whole process when max_wasm_stack exceeds what the host thread can give it.
MAX_SAFE_WASM_STACK = 2 * 1024 * 1024


@dataclass(frozen=True)
class EngineSettings:
    """Engine knobs that change compiled code. Fuel and epoch checks are always compiled in."""

    max_wasm_stack: int = 1024 * 1024
    opt_level: str = "speed"

    def __post_init__(self) -> None:
        if not 64 * 1024 <= self.max_wasm_stack <= MAX_SAFE_WASM_STACK:
            raise ValueError(f"max_wasm_stack must be between 64 KiB and {MAX_SAFE_WASM_STACK} bytes")


def wasmtime_version() -> str:
    return version("wasmtime")


def build_engine(settings: EngineSettings) -> wasmtime.Engine:
    config = wasmtime.Config()
    config.consume_fuel = True
    config.epoch_interruption = True
    config.max_wasm_stack = settings.max_wasm_stack
    config.cranelift_opt_level = settings.opt_level
    # wasmtime's own code cache stays off (its default): ours is keyed, private and verified.
    return wasmtime.Engine(config)


def engine_fingerprint(settings: EngineSettings) -> str:
    """Short hex digest of everything a compiled artifact depends on besides the module bytes."""
    facts = {
        "wasmtime": wasmtime_version(),
        "machine": platform.machine(),
        "system": platform.system(),
        "fuel": True,
        "epoch": True,
        **asdict(settings),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]
