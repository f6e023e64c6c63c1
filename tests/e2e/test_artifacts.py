"""Artifacts end to end: job a uploads `dist`, job b unpacks it and reads it; listed and downloadable through
the CLI, HTTP and gRPC; once with the kernel's blob store in a folder, once in S3 (a real moto server)."""

import io
import json
import subprocess
import tarfile

import boto3
import grpc
import httpx
import pytest
from harness import ADMIN_TOKEN, Cluster, arcade_command, job

from proto.arcade.steprun.v1 import steprun_pb2, steprun_pb2_grpc
from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

pytestmark = pytest.mark.e2e

SPEC = """
name: artifacts-e2e
stages:
  - name: build
    jobs:
      - name: a
        artifacts: [{name: dist, path: "dist/**", expire_days: 2}]
        steps:
          - run: mkdir -p dist/sub && echo "built by a" > dist/app.txt && echo nested > dist/sub/n.txt
  - name: test
    jobs:
      - name: b
        depends_on: [a]
        download_artifacts: [dist]
        steps: [{run: cat dist/app.txt dist/sub/n.txt}]
"""


@pytest.fixture(params=["local", "s3"])
def storage_env(request, tmp_path):
    if request.param == "local":
        return {"ARCADE_STORAGE_URL": f"file://{tmp_path / 'blobs'}"}
    endpoint = request.getfixturevalue("s3_endpoint")  # also puts AWS_* test credentials in the env
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="arcade-e2e")
    return {"ARCADE_STORAGE_URL": "s3://arcade-e2e/ci", "ARCADE_S3_ENDPOINT_URL": endpoint}


@pytest.fixture
def artifact_cluster(tmp_path, storage_env):
    cluster = Cluster(tmp_path, kernel_extra_env=storage_env)
    try:
        cluster.start_kernel()
        cluster.start_agent("builder", capacity=2)
        yield cluster
    finally:
        cluster.stop()


def cli(cluster: Cluster, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        arcade_command(*args, "--server", cluster.http_url, "--token", ADMIN_TOKEN),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cluster.root,
    )


def test_a_job_downloads_the_artifact_an_earlier_job_uploaded(artifact_cluster, storage_env, tmp_path):
    cluster = artifact_cluster
    run = cluster.wait_run(cluster.run_pipeline(SPEC), timeout=90)
    assert run["status"] == "SUCCESS", json.dumps(run, indent=1)
    lines = cluster.log_lines(run["id"])
    texts = {name: [line["text"] for line in lines if line["job"] == name] for name in ("a", "b")}
    assert "uploaded artifact 'dist': 2 files" in " ".join(texts["a"])
    assert texts["b"][0].startswith("downloaded artifact 'dist': 2 files")
    assert texts["b"][1:] == ["built by a", "nested"]

    listed = cli(cluster, "artifacts", run["id"], "--json")
    assert listed.returncode == 0, listed.stderr
    (artifact,) = json.loads(listed.stdout)
    assert (artifact["name"], artifact["job"], artifact["files"]) == ("dist", "a", 2)
    assert artifact["job_run_id"] == job(run, "a")["id"]
    assert artifact["step_run_id"] == job(run, "a")["steps"][-1]["id"]

    response = httpx.get(
        f"{cluster.http_url}/api/v1/runs/{run['id']}/artifacts/dist",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/gzip"
    assert len(response.content) == artifact["size"]
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as tar:
        assert sorted(tar.getnames()) == ["dist/app.txt", "dist/sub/n.txt"]
        assert tar.extractfile("dist/app.txt").read() == b"built by a\n"

    out = tmp_path / "downloads"
    out.mkdir()
    saved = cli(
        cluster, "artifacts", f"artifacts-e2e#{run['number']}", "--download", "dist", "--output", str(out)
    )
    assert saved.returncode == 0, saved.stderr
    assert (out / "dist.tar.gz").read_bytes() == response.content
    missing = cli(cluster, "artifacts", run["id"], "--download", "nope")
    assert missing.returncode == 2 and "no artifact named 'nope'" in missing.stderr

    steprun = steprun_pb2_grpc.StepRunServiceStub(cluster.channel())
    by_job = steprun.ListStepRunArtifacts(
        steprun_pb2.ListStepRunArtifactsRequest(job_run_id=job(run, "a")["id"]), metadata=cluster.metadata()
    ).artifacts
    assert [(a.name, a.job_name, a.file_count, a.size) for a in by_job] == [
        ("dist", "a", 2, artifact["size"])
    ]
    assert by_job[0].sha256 == artifact["sha256"]
    with pytest.raises(grpc.RpcError) as denied:  # an agent's token is not an admin token
        steprun.ListStepRunArtifacts(
            steprun_pb2.ListStepRunArtifactsRequest(pipeline_run_id=run["id"]),
            metadata=cluster.metadata(cluster.registration_token),
        )
    assert denied.value.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED)

    stream = stream_pb2_grpc.StreamServiceStub(cluster.channel()).StreamEvents(
        stream_pb2.StreamEventsRequest(after_id=1, kinds=["artifact."], pipeline_run_id=run["id"]),
        metadata=cluster.metadata(),
        timeout=30,
    )
    event = next(iter(stream)).event
    stream.cancel()
    assert (event.kind, event.job_run_id) == ("artifact.uploaded", job(run, "a")["id"])
    assert json.loads(event.payload_json)["sha256"] == artifact["sha256"]

    if "ARCADE_S3_ENDPOINT_URL" in storage_env:
        s3 = boto3.client("s3", endpoint_url=storage_env["ARCADE_S3_ENDPOINT_URL"])
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="arcade-e2e")["Contents"]]
        digest = artifact["sha256"]
        assert keys == [f"ci/sha256/{digest[:2]}/{digest[2:4]}/{digest}"]
    else:
        assert len(list((tmp_path / "blobs" / "sha256").rglob("*"))) == 3  # ab/, ab/cd/ and the blob
