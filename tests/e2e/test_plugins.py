"""Plugin steps end to end: the example C and Python plugins built with `arcade plugin build`, one packed
with `arcade plugin pack`, run by a real agent process (`--plugin-path`) and by `arcade run --plugin-path`;
results shown by the API, hostile input stopped with a clear error while the agent keeps serving."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from harness import ADMIN_TOKEN, arcade_command, job

from proto.arcade.steprun.v1 import steprun_pb2, steprun_pb2_grpc

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "plugins"

SPEC = """
name: plugin-steps
variables: {WHO: Grace}
jobs:
  - name: report
    steps:
      - {name: notes, run: "printf 'one two\\nthree\\n' > notes.txt"}
      - {name: count, uses: "examples/wc@^1", action: count, args: {path: notes.txt}}
      - {name: greet, uses: "examples/greet@1.0.0", args: {name: "${{ variables.WHO }}"}}
      - {name: hello, uses: examples/hello-wat}
  - name: escape
    depends_on: [report]
    steps:
      - name: outside
        uses: examples/wc
        args: {path: "../../etc/passwd"}
        continue_on_error: true
      - {name: bad-args, uses: examples/wc, action: count, args: {path: 7}, continue_on_error: true}
      - {name: missing, uses: "examples/nope@^1", continue_on_error: true}
      - {name: after, uses: examples/wc, action: count, args: {path: absent.txt}}
  - name: still-serving
    depends_on: [escape]
    when: always()
    steps:
      - {run: "printf 'x\\n' > one.txt"}
      - {name: count-again, uses: examples/wc, action: count, args: {path: one.txt}}
"""


def arcade(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}
    return subprocess.run(
        arcade_command(*args), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples built from a copy of their sources: the C one packed, the others as folders."""
    work = tmp_path_factory.mktemp("plugin-build")
    path = work / "plugins"
    path.mkdir()
    for name in ("wc-c", "hello-python", "hello-wat"):
        shutil.copytree(EXAMPLES / name, work / name, ignore=shutil.ignore_patterns("*.wasm", "*.zip"))
        built = arcade("plugin", "build", str(work / name))
        assert built.returncode == 0, built.stdout + built.stderr
    packed = arcade("plugin", "pack", str(work / "wc-c"), "--out", str(path / "wc.zip"), "--json")
    assert packed.returncode == 0, packed.stdout + packed.stderr
    shutil.copytree(work / "hello-python", path / "hello-python")
    shutil.copytree(work / "hello-wat", path / "hello-wat")
    return path


def step(run: dict, job_name: str, step_name: str) -> dict:
    return next(s for s in job(run, job_name)["steps"] if s["name"] == step_name)


def test_an_agent_runs_plugin_steps_from_its_plugin_path(bare_cluster, plugin_path):
    bare_cluster.start_agent("plugins-1", extra=("--plugin-path", str(plugin_path)))
    run = bare_cluster.wait_run(bare_cluster.run_pipeline(SPEC), timeout=240)

    count = step(run, "report", "count")
    assert count["status"] == "SUCCESS", count["message"]
    assert (count["uses"], count["action"]) == ("examples/wc@^1", "count")
    assert count["result"] == {"lines": 2, "words": 3, "bytes": 14}
    greet = step(run, "report", "greet")
    assert greet["status"] == "SUCCESS", greet["message"]
    assert greet["result"] == {"message": "Hello, Grace!"}
    hello = step(run, "report", "hello")
    assert hello["status"] == "SUCCESS" and hello["result"]["message"] == "hello from examples/hello-wat"

    outside = step(run, "escape", "outside")
    assert outside["status"] == "FAILED" and "denied" in outside["message"], outside["message"]
    assert "no filesystem permission" in outside["message"]
    bad = step(run, "escape", "bad-args")
    expected = "invalid args for examples/wc action 'count': args.path: 7 is not of type 'string'"
    assert bad["message"] == expected
    missing = step(run, "escape", "missing")
    assert missing["message"].startswith("plugin examples/nope@^1 not found in the plugin path")
    assert step(run, "escape", "after")["status"] == "FAILED"
    again = step(run, "still-serving", "count-again")
    assert again["status"] == "SUCCESS" and again["result"] == {"lines": 1, "words": 1, "bytes": 2}

    texts = [line["text"] for line in bare_cluster.log_lines(run["id"])]
    assert any(text.startswith("plugin examples/wc@1.0.0 (wasm, wasi-command) from ") for text in texts)
    assert any(text.startswith("plugin examples/greet@1.0.0 (python, component) from ") for text in texts)

    shown_by_cli = arcade("show", run["id"], "--server", bare_cluster.http_url, "--token", ADMIN_TOKEN)
    assert shown_by_cli.returncode == 0, shown_by_cli.stderr
    expected_line = 'result of report/count (examples/wc@^1): {"bytes": 14, "lines": 2, "words": 3}'
    assert expected_line in shown_by_cli.stdout.splitlines()

    stub = steprun_pb2_grpc.StepRunServiceStub(bare_cluster.channel())
    shown = stub.GetStepRun(
        steprun_pb2.GetStepRunRequest(step_run_id=count["id"]), metadata=bare_cluster.metadata()
    ).step_run
    assert json.loads(shown.result_json) == count["result"] and shown.uses == "examples/wc@^1"


def test_arcade_run_resolves_plugins_with_plugin_path(plugin_path, tmp_path):
    # The example pipeline without its Python step: the embedded agent would compile that component
    # (about 8 s) only to repeat what the test above already ran.
    example = (EXAMPLES / "arcade.yaml").read_text()
    pipeline = tmp_path / "arcade.yaml"
    greet, hello = example.index("      - name: greet"), example.index("      - name: hello")
    pipeline.write_text(example[:greet] + example[hello:])
    done = arcade("run", str(pipeline), "--plugin-path", str(plugin_path), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "run plugins-demo#1: SUCCESS" in done.stderr
    assert "[report/count] notes.txt: 2 lines, 10 words, 61 bytes" in done.stdout

    refused = arcade("run", str(pipeline), "--plugin-path", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert refused.returncode == 2 and "--plugin-path" in refused.stderr and "not a folder" in refused.stderr
