"""Secrets and `${{ }}` expressions end to end: real values in the job, *** in logs, nothing in the store."""

import json

import httpx
import pytest
from harness import ADMIN_TOKEN

pytestmark = pytest.mark.e2e

SECRET = "s3cr3t-value-42"
SPEC = """
name: secretive
variables: {GREETING: hello}
env: {TOKEN: "${{ secrets.TOKEN }}", WHO: "${{variables.GREETING}}-world"}
jobs:
  - name: use
    steps:
      - run: 'test "${TOKEN%-value-42}" = s3cr3t && test "${TOKEN#s3cr3t-}" = value-42 && echo ok'
      - run: 'echo "token is $TOKEN" && echo "inline ${{ secrets.TOKEN }}" && echo "${{ env.WHO }}"'
  - name: axes
    matrix: {py: ["3.11", "3.12"]}
    steps: [{run: 'echo "py=${{ matrix.py }} greeting=${{ variables.GREETING }}"'}]
"""


def test_secrets_reach_the_job_masked_and_never_stored(cluster):
    cluster.http("POST", "/api/v1/pipelines", {"spec_yaml": SPEC})
    cluster.http("PUT", "/api/v1/secrets/TOKEN?pipeline=secretive", {"value": SECRET})
    run = cluster.wait_run(cluster.run_pipeline(SPEC), timeout=60)
    assert run["status"] == "SUCCESS", run
    texts = {}
    for line in cluster.log_lines(run["id"]):
        texts.setdefault(line["job"], []).append(line["text"])
    assert texts["use"] == ["ok", "token is ***", "inline ***", "hello-world"]
    assert texts["axes[py=3.12]"] == ["py=3.12 greeting=hello"]
    assert SECRET not in json.dumps(run)
    listed = cluster.http("GET", "/api/v1/secrets?pipeline=secretive")["secrets"]
    assert [s["name"] for s in listed] == ["TOKEN"] and SECRET not in json.dumps(listed)
    database = cluster.root / "kernel" / "arcade.db"
    stored = b"".join(path.read_bytes() for path in database.parent.glob("arcade.db*"))
    assert SECRET.encode() not in stored
    key = database.parent / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_a_missing_secret_fails_the_trigger_with_its_name(cluster):
    spec = "name: lacking\njobs:\n  - name: j\n    steps: [{run: 'echo ${{ secrets.NOPE }}'}]\n"
    cluster.http("POST", "/api/v1/pipelines", {"spec_yaml": spec})
    response = httpx.post(
        cluster.http_url + "/api/v1/pipelines/lacking/trigger",
        json={},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code == 409, response.text
    assert "secret 'NOPE' is not set for pipeline 'lacking' or globally" in response.json()["detail"]
