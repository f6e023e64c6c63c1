"""The job runner with artifacts: uploads after the steps (also after a failure), downloads before them."""

from __future__ import annotations

import io
import tarfile

import pytest
from agent_testkit import Harness, job, step

from agent.peer import ArtifactRule, Status


@pytest.fixture
def harness(tmp_path):
    h = Harness(tmp_path)
    yield h
    h.close()


def names_in(archive: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return sorted(tar.getnames())


def test_artifacts_are_uploaded_after_the_last_step_and_logged_there(harness):
    rules = (ArtifactRule("dist", "out/**", 3), ArtifactRule("empty", "none/*", 3))
    final = harness.run(
        job(
            "j1",
            step("s1", "mkdir -p out && echo one > out/a"),
            step("s2", "echo two > out/b"),
            artifacts=rules,
        )
    )
    assert (final.status, final.message) == (Status.SUCCESS, "")
    assert names_in(harness.peer.artifacts["dist"]) == ["out/a", "out/b"]
    assert "empty" not in harness.peer.artifacts
    assert harness.peer.texts("s1") == []
    assert harness.peer.texts("s2") == [
        "uploaded artifact 'dist': 2 files (" + str(len(harness.peer.artifacts["dist"])) + " bytes)",
        "artifact 'empty': no files match 'none/*'; nothing uploaded",
    ]
    assert harness.peer.final_step("s2").log_line_count == 2


def test_a_failed_job_still_uploads_and_keeps_its_own_result(harness):
    assignment = job(
        "j2", step("s1", "echo log > build.log; exit 3"), artifacts=(ArtifactRule("logs", "*.log"),)
    )
    final = harness.run(assignment)
    assert (final.status, final.exit_code) == (Status.FAILED, 3)
    assert final.message.startswith("step 's1' failed")
    assert names_in(harness.peer.artifacts["logs"]) == ["build.log"]


def test_an_upload_failure_is_in_the_log_and_the_message_but_not_the_status(harness):
    harness.peer.refuse_uploads = "FAILED_PRECONDITION: the kernel has no room"
    final = harness.run(job("j3", step("s1", "touch a.txt"), artifacts=(ArtifactRule("txt", "*.txt"),)))
    problem = "upload of artifact 'txt' failed: FAILED_PRECONDITION: the kernel has no room"
    assert (final.status, final.message) == (Status.SUCCESS, problem)
    assert harness.peer.texts("s1") == [problem]


def test_downloads_are_unpacked_before_the_first_step(harness):
    producer = job(
        "j4",
        step("p", "mkdir -p dist && echo shipped > dist/x.txt"),
        artifacts=(ArtifactRule("dist", "dist"),),
    )
    assert harness.run(producer).status == Status.SUCCESS
    final = harness.run(job("j5", step("c", "cat dist/x.txt"), download_artifacts=("dist",)))
    assert final.status == Status.SUCCESS
    texts = harness.peer.texts("c")
    assert texts[0].startswith("downloaded artifact 'dist': 1 file (")
    assert texts[1:] == ["shipped"]


def test_a_failed_download_fails_the_first_step_and_the_job_without_running_it(harness, tmp_path):
    final = harness.run(
        job("j6", step("c", f"touch {tmp_path}/ran"), step("d", "true"), download_artifacts=("gone",))
    )
    problem = "download of artifact 'gone' failed: NOT_FOUND: run has no artifact named 'gone'"
    assert (final.status, final.message) == (Status.FAILED, problem)
    report = harness.peer.final_step("c")
    assert (report.status, report.message, report.log_line_count) == (Status.FAILED, problem, 1)
    assert harness.peer.texts("c") == [problem]
    assert harness.peer.steps_of("d") == []
    assert not (tmp_path / "ran").exists()


def test_under_step_conditions_the_upload_lands_in_the_last_step_that_runs(harness):
    rules = (ArtifactRule("logs", "*.log"),)
    # s1 fails; s2 (no `when`) is skipped, s3 (`failure()`) runs and is the last: the upload is logged there.
    failing = job(
        "j6",
        step("s1", "echo a > a.log; exit 1"),
        step("s2", "echo never"),
        step("s3", "echo cleanup > c.log", when="failure()"),
        step("s4", "echo only on success", when="success()"),
        artifacts=rules,
    )
    final = harness.run(failing)
    assert final.status == Status.FAILED
    assert harness.peer.texts("s1") == []
    assert harness.peer.texts("s3")[-1].startswith("uploaded artifact 'logs': 2 files (")
    assert names_in(harness.peer.artifacts["logs"]) == ["a.log", "c.log"]
    # All succeed: s3's `failure()` is false, so s2 is the last step that runs and carries the upload.
    passing = job(
        "j7",
        step("t1", "echo a > a.log"),
        step("t2", "echo b > b.log"),
        step("t3", "echo cleanup", when="failure()"),
        artifacts=rules,
    )
    assert harness.run(passing).status == Status.SUCCESS
    assert harness.peer.texts("t2")[-1].startswith("uploaded artifact 'logs': 2 files (")
    assert harness.peer.final_step("t2").log_line_count == len(harness.peer.texts("t2"))
    assert harness.peer.steps_of("t3")[-1].status == Status.SKIPPED
