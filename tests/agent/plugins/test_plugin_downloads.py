"""Registry downloads of a job: every plugin its steps use is fetched before its first step, several at once,
each reporting progress (to the CLI's bars or log lines); what the agent holds is listed for registration."""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from agent_testkit import FakePeer, Harness, job, step
from plugin_kit import package, plugin_dir
from test_registry_source import SignedRegistry

from agent.download_display import DownloadDisplay
from agent.peer import InstalledPlugin, PluginPin, Status
from agent.plugins.progress import DownloadProgress
from agent.plugins.steps import PluginSteps

BARRIER_SECONDS = 10.0


class BarrierPeer(FakePeer):
    """DownloadPlugin that waits, after its first chunk, until `parties` downloads are under way at once:
    downloads made one after the other break the barrier (and fail)."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self.barrier = threading.Barrier(parties, timeout=BARRIER_SECONDS)
        self.met: list[str] = []

    def download_plugin(self, sha256: str) -> Iterator[bytes]:
        chunks = super().download_plugin(sha256)
        yield next(chunks)
        self.barrier.wait()
        with self.cond:
            self.met.append(sha256)
        yield from chunks


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.updates: list[DownloadProgress] = []

    def __call__(self, update: DownloadProgress) -> None:
        with self.lock:
            self.updates.append(update)

    def of(self, digest: str) -> list[DownloadProgress]:
        with self.lock:
            return [u for u in self.updates if u.sha256 == digest]


@pytest.fixture
def signed(tmp_path: Path) -> SignedRegistry:
    return SignedRegistry(tmp_path / "registry")


def test_two_plugins_of_a_job_download_concurrently_with_progress(signed: SignedRegistry, tmp_path: Path):
    echo = signed.publish("tests/echo", "1.0.0")
    other = signed.publish("tests/other", "2.0.0")
    peer = BarrierPeer(2)
    harness = Harness(tmp_path, peer)
    try:
        signed.serve(peer)
        harness.plugins = PluginSteps([], harness.config.workdir, trust_root=signed.root, peer=peer)
        recorder = Recorder()
        harness.plugins.on_download(recorder)
        assignment = job(
            "j1",
            step("s1", "", uses="tests/echo@^1"),
            step("s2", "", uses="tests/other", plugin=PluginPin(version="2.0.0", sha256=other)),
            step("s3", "", uses="tests/echo@^1"),  # the same plugin again: one download
        )
        final = harness.run(assignment)
        assert final.status == Status.SUCCESS, final.message
        assert sorted(peer.met) == sorted([echo, other])  # both were in flight at the same time
        assert sorted(peer.plugin_downloads) == sorted([echo, other])

        for digest, label in ((echo, "tests/echo@1.0.0"), (other, "tests/other@2.0.0")):
            total = len(signed.packages[digest])
            updates = recorder.of(digest)
            assert {u.plugin for u in updates} == {label}
            assert {u.total for u in updates} == {total}
            assert updates[0].done == 0 and not updates[0].finished
            assert [u.done for u in updates] == sorted(u.done for u in updates)
            assert updates[-1].finished and updates[-1].error is None and updates[-1].done == total
            assert sum(u.finished for u in updates) == 1
        # timestamps of the callbacks: each download started before the other one finished
        with recorder.lock:
            order = [(u.sha256, u.finished) for u in recorder.updates if u.done == 0 or u.finished]
        starts = [i for i, (_, finished) in enumerate(order) if not finished]
        ends = [i for i, (_, finished) in enumerate(order) if finished]
        assert max(starts) < min(ends)
    finally:
        harness.close()


def test_prefetch_failures_fail_their_steps_once_and_the_others_run(signed: SignedRegistry, harness: Harness):
    echo = signed.publish("tests/echo", "1.0.0")
    signed.publish("tests/other", "1.0.0")
    signed.serve(harness.peer)
    good = harness.peer.plugin_blobs[echo]
    harness.peer.plugin_blobs[echo] = good[:-1] + bytes([good[-1] ^ 1])
    harness.plugins = PluginSteps([], harness.config.workdir, trust_root=signed.root, peer=harness.peer)
    recorder = Recorder()
    harness.plugins.on_download(recorder)
    assignment = job(
        "j1",
        step("s1", "", uses="tests/other"),
        step("s2", "", uses="tests/echo", continue_on_error=True),
    )
    harness.run(assignment)
    assert harness.peer.final_step("s1").status == Status.SUCCESS
    failed = harness.peer.final_step("s2")
    assert failed.status == Status.FAILED and "failed verification" in failed.message
    assert harness.peer.plugin_downloads.count(echo) == 1  # not downloaded again for the step
    last = recorder.of(echo)[-1]
    assert last.finished and last.error is not None and "failed verification" in last.error


def test_a_job_without_registry_plugins_downloads_nothing(signed: SignedRegistry, harness: Harness):
    signed.serve(harness.peer)
    harness.plugins = PluginSteps([], harness.config.workdir, trust_root=signed.root, peer=harness.peer)
    refused = PluginPin(refused="disabled")
    final = harness.run(job("j1", step("s1", "echo hi"), step("s2", "", uses="tests/echo", plugin=refused)))
    assert final.status == Status.FAILED and harness.peer.final_step("s2").message == "disabled"
    assert harness.peer.plugin_downloads == []


# ---- what the CLI shows ----------------------------------------------------------------------------------


def updates(label: str = "tests/echo@1.0.0", total: int = 3000) -> list[DownloadProgress]:
    digest = "ab" * 32
    return [
        DownloadProgress(label, digest, 0, total),
        DownloadProgress(label, digest, 1000, total, seconds=0.1),
        DownloadProgress(label, digest, total, total, finished=True, seconds=0.2),
    ]


def test_without_a_terminal_the_display_logs_one_line_per_finished_download(caplog: pytest.LogCaptureFixture):
    stream = io.StringIO()
    display = DownloadDisplay(stream)
    assert display.terminal is False
    with caplog.at_level(logging.INFO, logger="arcade.agent"):
        for update in updates():
            display(update)
        display(DownloadProgress("tests/bad@1.0.0", "cd" * 32, 10, 20, finished=True, error="refused"))
    assert [r.getMessage() for r in caplog.records] == [
        "downloaded plugin tests/echo@1.0.0: 3000 bytes in 0.20s (sha256 abababababab)",
        "download of plugin tests/bad@1.0.0 (sha256 cdcdcdcdcdcd) failed: refused",
    ]
    assert stream.getvalue() == ""


def test_on_a_terminal_the_display_draws_a_bar_per_download():
    stream = io.StringIO()
    display = DownloadDisplay(stream, terminal=True)
    first, second = updates("tests/echo@1.0.0"), updates("tests/other@2.0.0")
    second = [DownloadProgress(u.plugin, "ef" * 32, u.done, u.total, u.finished) for u in second]
    display(first[0])
    display(second[0])
    assert display._progress is not None and len(display._progress.tasks) == 2  # two bars at once
    for update in first[1:] + second[1:]:
        display(update)
    assert display._progress is None  # taken down after the last download
    drawn = stream.getvalue()
    assert "tests/echo@1.0.0" in drawn and "tests/other@2.0.0" in drawn and "3.0 kB" in drawn


# ---- what the agent reports at registration ---------------------------------------------------------------


def test_installed_lists_the_plugin_path_and_the_verified_cache(signed: SignedRegistry, tmp_path: Path):
    digest = signed.publish("tests/echo", "1.0.0")
    path = tmp_path / "path"
    plugin_dir(path / "folder-plugin")
    zipped = package(plugin_dir(tmp_path / "src", None), path / "packed.zip")
    peer = FakePeer()
    signed.serve(peer)
    steps = PluginSteps([path], tmp_path / "work", trust_root=signed.root, peer=peer)
    assert steps.registry is not None
    steps.registry.resolve("tests/echo@1.0.0")
    packed = hashlib.sha256(zipped.read_bytes()).hexdigest()
    assert sorted(steps.installed(), key=lambda p: (p.source, p.sha256)) == [
        InstalledPlugin("tests/echo", "1.0.0", "", str(path)),
        InstalledPlugin("tests/echo", "1.0.0", packed, str(path)),
        InstalledPlugin("tests/echo", "1.0.0", digest, "cache"),
    ]
