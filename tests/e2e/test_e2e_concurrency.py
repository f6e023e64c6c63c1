"""Concurrency keys: at most one running job per key across all runs; the others wait, in order."""

from datetime import datetime
from itertools import pairwise

import pytest
from harness import job

pytestmark = pytest.mark.e2e

SPEC = """
name: deploys
jobs:
  - name: deploy
    concurrency: prod
    steps: [{run: "sleep 1"}]
  - name: unrelated
    steps: [{run: "sleep 1"}]
"""


def test_jobs_sharing_a_key_never_overlap_across_runs(cluster):
    first, second, third = (cluster.run_pipeline(SPEC) for _ in range(3))
    runs = [cluster.wait_run(run_id, timeout=60) for run_id in (first, second, third)]
    assert [run["status"] for run in runs] == ["SUCCESS"] * 3
    deploys = [job(run, "deploy") for run in runs]
    for earlier, later in pairwise(deploys):
        assert datetime.fromisoformat(later["started_at"]) >= datetime.fromisoformat(earlier["finished_at"])
    # Jobs without the key are not held back: the second run's other job ran beside the first deploy.
    assert datetime.fromisoformat(job(runs[1], "unrelated")["started_at"]) < datetime.fromisoformat(
        deploys[0]["finished_at"]
    )
