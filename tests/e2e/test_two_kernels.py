"""Two kernel processes on one PostgreSQL database, one agent on each (ARCADE_TEST_POSTGRES_URL)."""

import collections
import threading

import pytest
from harness import Cluster, job

from proto.arcade.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

pytestmark = pytest.mark.e2e

WIDE = 20
FAN_OUT = (
    "name: fan-out\nstages:\n  - name: wide\n    jobs:\n"
    + "".join(
        f"      - {{name: j{i:02d}, steps: [{{name: s, run: 'echo \"marker $ARCADE_JOB\"; sleep 0.3'}}]}}\n"
        for i in range(WIDE)
    )
    + "  - name: after\n    jobs:\n      - {name: final, steps: [{name: s, run: 'echo \"marker final\"'}]}\n"
)
GATED = """
name: via-b
jobs:
  - name: gated
    steps:
      - name: s
        run: |
          while [ ! -e {gate1} ]; do sleep 0.05; done
          echo first
          while [ ! -e {gate2} ]; do sleep 0.05; done
          echo second
"""
FINAL = ("SUCCESS", "FAILED", "CANCELLED")


class EventFollower:
    """Every event a kernel's StreamEvents sends, collected on a thread until the run ends."""

    def __init__(self, cluster: Cluster) -> None:
        stub = stream_pb2_grpc.StreamServiceStub(cluster.channel())
        self._stream = stub.StreamEvents(
            stream_pb2.StreamEventsRequest(), metadata=cluster.metadata(), timeout=120
        )
        self.events = []
        self.run_id = ""
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        for response in self._stream:
            with self._changed:
                self.events.append(response.event)
                self._changed.notify_all()
            event = response.event
            if event.kind == "run.status" and event.pipeline_run_id == self.run_id and event.status in FINAL:
                return

    def wait_for(self, predicate, timeout: float = 60):
        with self._changed:
            if not self._changed.wait_for(lambda: any(map(predicate, self.events)), timeout):
                raise AssertionError(f"no such event among {[e.kind for e in self.events]}")

    def join(self, timeout: float = 90) -> None:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the run never ended on the following kernel"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_kernels_share_one_database(tmp_path, database_url):
    a = Cluster(tmp_path / "a", database_url=database_url)
    b = Cluster(tmp_path / "b", database_url=database_url)
    try:
        a.start_kernel()
        b.start_kernel()
        a.start_agent("agent-a", capacity=2)
        b.start_agent("agent-b", capacity=2)

        # Follow everything through kernel B; it is live once it shows a pipeline stored through A.
        # The stream starts when its thread first reads it, so probe pipelines are stored through A until
        # one shows up on B.
        follower = EventFollower(b)
        pipelines = pipeline_pb2_grpc.PipelineServiceStub(a.channel())
        for probe in range(30):
            spec = f"name: probe-{probe}\njobs:\n  - {{name: j, steps: [{{run: 'true'}}]}}\n"
            request = pipeline_pb2.CreatePipelineRequest(spec_yaml=spec)
            pipelines.CreatePipeline(request, metadata=a.metadata())
            try:
                follower.wait_for(lambda e: e.kind == "pipeline.created", timeout=2)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("kernel B never showed a pipeline created through kernel A")
        created = pipelines.CreatePipeline(
            pipeline_pb2.CreatePipelineRequest(spec_yaml=FAN_OUT), metadata=a.metadata()
        ).pipeline
        follower.run_id = run_id = pipelines.TriggerPipeline(
            pipeline_pb2.TriggerPipelineRequest(pipeline=created.id), metadata=a.metadata()
        ).run.id
        logs_via_b: list = []
        log_thread = threading.Thread(target=lambda: logs_via_b.extend(b.log_lines(run_id)), daemon=True)
        log_thread.start()
        follower.join()
        log_thread.join(60)

        run = b.http("GET", f"/api/v1/runs/{run_id}")
        assert run["status"] == "SUCCESS", run
        assert len(run["jobs"]) == WIDE + 1 and {j["status"] for j in run["jobs"]} == {"SUCCESS"}
        ours = [e for e in follower.events if e.pipeline_run_id == run_id]
        assigned = collections.Counter(e.job_run_id for e in ours if e.kind == "job.assigned")
        assert sorted(assigned) == sorted(j["id"] for j in run["jobs"]) and set(assigned.values()) == {1}
        agents = {a["name"]: a["id"] for a in b.http("GET", "/api/v1/agents")["agents"]}
        assert {j["agent_id"] for j in run["jobs"]} == {agents["agent-a"], agents["agent-b"]}
        markers = collections.Counter(
            line["text"] for line in logs_via_b if line["text"].startswith("marker ")
        )
        assert markers == collections.Counter(f"marker {j['name']}" for j in run["jobs"]), markers

        # A run triggered on kernel B while only kernel A has an agent: A runs it, B follows it live.
        b.agents.pop("agent-b").terminate()
        gate1, gate2 = tmp_path / "gate1", tmp_path / "gate2"
        run_id = b.run_pipeline(GATED.format(gate1=gate1, gate2=gate2))
        step_id = job(b.wait_job_status(run_id, "gated", ("RUNNING",)), "gated")["steps"][0]["id"]
        stub = stream_pb2_grpc.StreamServiceStub(b.channel())
        lines = stub.StreamStepRunLog(
            stream_pb2.StreamStepRunLogRequest(step_run_id=step_id, from_seq=1, follow=True),
            metadata=b.metadata(),
            timeout=60,
        )
        gate1.write_text("open")
        assert [line.text for line in next(lines).lines] == ["first"]
        gate2.write_text("open")  # the follower is live: this line can only come from kernel A's notice
        assert [line.text for response in lines for line in response.lines] == ["second"]
        run = b.wait_run(run_id)
        assert run["status"] == "SUCCESS" and job(run, "gated")["agent_id"] == agents["agent-a"]

        # A cancel decided on kernel B reaches the agent connected to kernel A.
        run_id = b.run_pipeline("name: stop-me\njobs:\n  - name: j\n    steps: [{run: 'sleep 1000'}]\n")
        b.wait_job_status(run_id, "j", ("RUNNING",))
        b.http("POST", f"/api/v1/runs/{run_id}/cancel")
        run = b.wait_run(run_id)
        assert run["status"] == "CANCELLED" and job(run, "j")["status"] == "CANCELLED", run
    finally:
        b.stop()
        a.stop()
