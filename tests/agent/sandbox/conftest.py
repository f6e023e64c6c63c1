"""Session fixtures for the component tests: the test plugin (`component_guest/plugin.py`) is built once
(about ten seconds) and compiled once (about ten more); every other call loads the compiled artifact from
disk or memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.sandbox import Limits, Permissions, SandboxResult, SandboxRunner
from plugin_sdk.componentize import build_component

GUEST_SOURCE = Path(__file__).resolve().parent / "component_guest"


@dataclass(frozen=True)
class CompiledComponent:
    """The built test component, the private cache folder holding its compiled artifact, and the result of
    the call that compiled it (made with a deadline shorter than the compile)."""

    path: Path
    cache_dir: Path
    first_call: SandboxResult
    first_call_deadline: float


@pytest.fixture(scope="session")
def test_component(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_component(GUEST_SOURCE, tmp_path_factory.mktemp("component") / "plugin.wasm")


@pytest.fixture(scope="session")
def compiled_component(test_component: Path, tmp_path_factory: pytest.TempPathFactory) -> CompiledComponent:
    cache_dir = tmp_path_factory.mktemp("component-cache") / "cache"
    deadline = 0.5  # a no-op call takes milliseconds, compiling the component seconds
    request = {"action": "noop", "args": {}, "config": {}, "context": {}}
    with SandboxRunner(cache_dir=cache_dir) as runner:
        first = runner.run_component(
            test_component,
            request,
            None,
            Permissions(),
            Limits(deadline_seconds=deadline),
            {},
            lambda _: None,
        )
    return CompiledComponent(test_component, cache_dir, first, deadline)


@pytest.fixture(scope="module")
def component_runner(compiled_component: CompiledComponent) -> Iterator[SandboxRunner]:
    """A runner on the cache that already holds the compiled test component."""
    with SandboxRunner(cache_dir=compiled_component.cache_dir) as runner:
        yield runner
