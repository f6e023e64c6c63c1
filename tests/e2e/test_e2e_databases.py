"""The core loop on each supported database: SQLite and PostgreSQL (ARCADE_TEST_POSTGRES_URL)."""

from pathlib import Path

import pytest
from harness import Cluster, job, wait_log_line

pytestmark = pytest.mark.e2e

REALISTIC = (Path(__file__).resolve().parents[2] / "examples" / "realistic" / "arcade.yaml").read_text()


def test_realistic_run_and_cancel_on_each_database(tmp_path, database_url):
    cluster = Cluster(tmp_path, database_url=database_url)
    try:
        cluster.start_kernel()
        cluster.start_agent("linux-1", {"os": "linux", "cpu-cores": "16"}, capacity=2)
        cluster.start_agent("mac-1", {"os": "macos", "cpu-cores": "4"})
        run = cluster.wait_run(cluster.run_pipeline(REALISTIC), timeout=90)
        assert run["status"] == "SUCCESS", run
        assert {j["status"] for j in run["jobs"]} == {"SUCCESS"}

        spec = "name: stop-me\njobs:\n  - name: j\n    steps: [{run: 'echo started; sleep 1000'}]\n"
        run_id = cluster.run_pipeline(spec)
        wait_log_line(cluster, run_id, "^started$")
        cluster.http("POST", f"/api/v1/runs/{run_id}/cancel")
        cancelled = cluster.wait_run(run_id)
        assert cancelled["status"] == "CANCELLED" and job(cancelled, "j")["status"] == "CANCELLED"
    finally:
        cluster.stop()
