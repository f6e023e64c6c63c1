"""Fixtures for the plugin tests: the sandbox tests' WAT guests are reused as plugin entries."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sandbox"))  # sandbox_wat

from agent.plugins import PluginInvoker
from agent.sandbox import SandboxRunner


@pytest.fixture(scope="module")
def invoker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PluginInvoker]:
    with SandboxRunner(cache_dir=tmp_path_factory.mktemp("plugins") / "cache") as runner:
        yield PluginInvoker(runner)
