"""Matrix jobs end to end: one job per combination, MATRIX_* in the env, dependents wait for all."""

from datetime import datetime

import pytest
from harness import job

pytestmark = pytest.mark.e2e

SPEC = """
name: matrix
jobs:
  - name: test
    matrix:
      py: ["3.11", "3.12"]
      os: [linux, macos]
      exclude: [{py: "3.11", os: macos}]
      include: [{py: "3.13", os: linux}]
    steps: [{run: 'echo "py=$MATRIX_PY os=$MATRIX_OS"'}]
  - name: report
    depends_on: [test]
    steps: [{run: "echo all done"}]
"""


def test_matrix_expands_and_dependents_wait_for_every_combination(cluster):
    run = cluster.wait_run(cluster.run_pipeline(SPEC), timeout=60)
    assert run["status"] == "SUCCESS", run
    names = [j["name"] for j in run["jobs"]]
    expected = [
        "test[py=3.11,os=linux]",
        "test[py=3.12,os=linux]",
        "test[py=3.12,os=macos]",
        "test[py=3.13,os=linux]",
    ]
    assert names == [*expected, "report"]
    by_job = {}
    for line in cluster.log_lines(run["id"]):
        by_job.setdefault(line["job"], []).append(line["text"])
    assert by_job["test[py=3.12,os=macos]"] == ["py=3.12 os=macos"]
    assert by_job["test[py=3.13,os=linux]"] == ["py=3.13 os=linux"]
    report_start = datetime.fromisoformat(job(run, "report")["started_at"])
    assert all(report_start >= datetime.fromisoformat(job(run, name)["finished_at"]) for name in expected)
