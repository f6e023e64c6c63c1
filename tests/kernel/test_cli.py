"""The `arcade` command line as users run it: exit codes, error formats, embedded runs."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def arcade(*args, env=None, cwd=None, timeout=120):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kernel.cli.main", *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=cwd or ROOT,
        timeout=timeout,
    )


def test_validate_accepts_the_examples():
    for example in ("examples/hello/arcade.yaml", "examples/realistic/arcade.yaml"):
        result = arcade("validate", example)
        assert result.returncode == 0, result.stderr


def test_validate_prints_file_line_column_and_exits_2(tmp_path):
    spec = tmp_path / "arcade.yaml"
    spec.write_text("name: bad\njobs:\n  - name: j\n    timeout: soon\n    steps: [{run: 'true'}]\n")
    result = arcade("validate", str(spec))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{spec}:4:14: ")
    assert "expected a duration" in result.stderr
    parsed = json.loads(arcade("validate", str(spec), "--json").stdout)
    assert parsed["valid"] is False and parsed["errors"][0]["line"] == 4


def test_missing_file_is_a_usage_error(tmp_path):
    result = arcade("validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "nope.yaml" in result.stderr


def test_embedded_run_prints_logs_and_exits_0():
    result = arcade("run", "examples/hello/arcade.yaml")
    assert result.returncode == 0, result.stderr
    assert "[greet/say hello] Hello from Arcade" in result.stdout
    assert "SUCCESS" in result.stderr


def test_embedded_run_of_a_failing_pipeline_exits_1(tmp_path):
    spec = tmp_path / "fail.yaml"
    spec.write_text("name: fail\njobs:\n  - name: j\n    steps: [{name: boom, run: 'echo bye; exit 7'}]\n")
    result = arcade("run", str(spec), "--var", "X=1")
    assert result.returncode == 1
    assert "[j/boom] bye" in result.stdout
    assert "step 'boom' failed: exit code 7" in result.stderr


def test_a_pipeline_inside_a_run_is_refused():
    result = arcade("run", "examples/hello/arcade.yaml", env={"ARCADE_RUN_ID": "r-123"})
    assert result.returncode == 2
    assert "nested inside run r-123" in result.stderr


def test_client_commands_against_a_kernel(embedded):
    env = {"ARCADE_SERVER": embedded.kernel.http_url, "ARCADE_TOKEN": embedded.admin_token}
    created = arcade("pipeline", "create", "examples/hello/arcade.yaml", "--json", env=env)
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["name"] == "hello"
    assert "hello" in arcade("pipeline", "list", env=env).stdout
    triggered = json.loads(arcade("pipeline", "trigger", "hello", "--var", "A=1", "--json", env=env).stdout)
    runs = json.loads(arcade("pipeline", "runs", "hello", "--json", env=env).stdout)
    assert [run["id"] for run in runs] == [triggered["id"]]
    assert arcade("cancel", "hello#1", env=env).returncode == 0
    shown = json.loads(arcade("show", "hello#1", "--json", env=env).stdout)
    assert shown["status"] == "CANCELLED"
    token = arcade("token", "create", "--kind", "agent", env=env)
    assert token.stdout.strip().startswith("arc_reg_") and len(token.stdout.strip().splitlines()) == 1
    assert json.loads(arcade("agents", "--json", env=env).stdout) == []


def test_client_errors_have_exit_codes(embedded):
    env = {"ARCADE_SERVER": embedded.kernel.http_url, "ARCADE_TOKEN": "wrong"}
    assert arcade("agents", env=env).returncode == 2
    env["ARCADE_TOKEN"] = embedded.admin_token
    assert arcade("logs", "nope#1", env=env).returncode == 2
    unreachable = arcade("agents", env={"ARCADE_SERVER": "http://127.0.0.1:1", "ARCADE_TOKEN": "x"})
    assert unreachable.returncode == 1 and "cannot reach the kernel" in unreachable.stderr


def test_pipeline_create_with_a_webhook_secret(embedded):
    env = {"ARCADE_SERVER": embedded.kernel.http_url, "ARCADE_TOKEN": embedded.admin_token}
    created = arcade(
        "pipeline", "create", "examples/hello/arcade.yaml", "--webhook-secret", "s3cret", "--json", env=env
    )
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["webhook"] is True and "s3cret" not in created.stdout
    stored = embedded.kernel.pipelines.get("hello")
    assert "s3cret" not in stored.webhook_secret  # sealed with the kernel's secret key
    assert embedded.kernel.pipelines.webhook_secret(stored) == "s3cret"


def test_secret_commands_never_print_values(embedded):
    env = {"ARCADE_SERVER": embedded.kernel.http_url, "ARCADE_TOKEN": embedded.admin_token}
    assert arcade("pipeline", "create", "examples/hello/arcade.yaml", env=env).returncode == 0
    assert arcade("secret", "set", "DEPLOY_KEY", "--value", "s3cr3t-global", env=env).returncode == 0
    piped = subprocess.run(
        [sys.executable, "-m", "kernel.cli.main", "secret", "set", "DEPLOY_KEY", "--pipeline", "hello"],
        input="s3cr3t-scoped\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}, **env},
    )
    assert piped.returncode == 0, piped.stderr
    listed = arcade("secret", "list", "--json", env=env)
    assert listed.returncode == 0 and "s3cr3t" not in listed.stdout
    assert arcade("secret", "list", "--pipeline", "hello", "--json", env=env).stdout.count("DEPLOY_KEY") == 1
    assert arcade("secret", "delete", "DEPLOY_KEY", "--pipeline", "hello", env=env).returncode == 0
    missing = arcade("secret", "delete", "DEPLOY_KEY", "--pipeline", "hello", env=env)
    assert missing.returncode == 2
    bad = arcade("secret", "set", "1-bad", "--value", "x", env=env)
    assert bad.returncode == 2


def test_error_messages_are_printed_as_written_never_as_markup(capsys):
    from kernel.cli.output import error

    message = "build failed: list[str] is not [/bold] " + "long " * 40
    error(message)
    assert capsys.readouterr().err == f"error: {message}\n"
