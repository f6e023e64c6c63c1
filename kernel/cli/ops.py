"""Client commands against a running kernel: pipelines, runs, logs, agents, tokens."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kernel.cli.client import EXIT_FAILED, EXIT_OK, EXIT_USAGE, ApiClient, CliError
from kernel.cli.output import LogPrinter, print_json, print_table

SUCCESS = "SUCCESS"


def ref(value: str) -> str:
    """A user-given name or id as one URL path segment (run refs like hello#3 contain '#')."""
    return quote(value, safe="")


def client(args: argparse.Namespace) -> ApiClient:
    return ApiClient(args.server, args.token)


def parse_vars(values: list[str]) -> dict[str, str]:
    result = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CliError(f"--var '{item}': expected KEY=VALUE", exit_code=EXIT_USAGE)
        result[key] = value
    return result


def read_spec(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError as exc:
        raise CliError(f"{path}: cannot read: {exc.strerror}", exit_code=EXIT_USAGE) from exc


def follow_logs(api: ApiClient, run_id: str, follow: bool, as_json: bool) -> dict[str, Any]:
    """Print the run's log lines (live with follow); returns the closing {"type": "end", ...} record."""
    printer = LogPrinter()
    end: dict[str, Any] = {}
    collected = []
    for item in api.stream_lines(f"/runs/{ref(run_id)}/logs", {"follow": "true" if follow else "false"}):
        if item["type"] == "end":
            end = item
        elif as_json:
            collected.append(item)
        else:
            printer.line(item)
            printer.flush()
    if as_json:
        print_json({"lines": collected, **{k: v for k, v in end.items() if k != "type"}})
    return end


def describe_run(run: dict[str, Any]) -> str:
    return f"run {run['pipeline']}#{run['number']} ({run['id']})"


def cmd_pipeline_create(args: argparse.Namespace) -> int:
    body = {"spec_yaml": read_spec(args.file), "file_name": args.file, "upsert": args.upsert}
    if args.webhook_secret is not None:
        body["webhook_secret"] = args.webhook_secret
    row = client(args).request("POST", "/pipelines", body)
    print_json(row) if args.json else print(f"pipeline {row['name']} ({row['id']})")
    return EXIT_OK


def cmd_pipeline_list(args: argparse.Namespace) -> int:
    rows = client(args).request("GET", "/pipelines")["pipelines"]
    if args.json:
        print_json(rows)
    else:
        print_table(("NAME", "ID", "UPDATED"), [(p["name"], p["id"], p["updated_at"]) for p in rows])
    return EXIT_OK


def cmd_pipeline_trigger(args: argparse.Namespace) -> int:
    api = client(args)
    body = {"variables": parse_vars(args.var), "request_id": args.request_id}
    run = api.request("POST", f"/pipelines/{ref(args.pipeline)}/trigger", body)
    if not args.follow:
        print_json(run) if args.json else print(f"triggered {describe_run(run)}")
        return EXIT_OK
    end = follow_logs(api, run["id"], True, args.json)
    return EXIT_OK if end.get("status") == SUCCESS else EXIT_FAILED


def cmd_pipeline_runs(args: argparse.Namespace) -> int:
    runs = client(args).request("GET", f"/pipelines/{ref(args.pipeline)}/runs", params={"limit": args.limit})[
        "runs"
    ]
    if args.json:
        print_json(runs)
    else:
        print_table(
            ("RUN", "STATUS", "CREATED", "ID", "MESSAGE"),
            [
                (f"{r['pipeline']}#{r['number']}", r["status"], r["created_at"], r["id"], r["message"])
                for r in runs
            ],
        )
    return EXIT_OK


def cmd_logs(args: argparse.Namespace) -> int:
    end = follow_logs(client(args), args.run, args.follow, args.json)
    return EXIT_OK if not args.follow or end.get("status") == SUCCESS else EXIT_FAILED


def cmd_cancel(args: argparse.Namespace) -> int:
    run = client(args).request("POST", f"/runs/{ref(args.run)}/cancel")
    print_json(run) if args.json else print(f"cancelling {describe_run(run)}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    run = client(args).request("GET", f"/runs/{ref(args.run)}")
    if args.json:
        print_json(run)
        return EXIT_OK
    print(f"{describe_run(run)}: {run['status']} {run['message']}")
    rows = [
        (
            job["stage"],
            job["name"],
            f"{job['attempt']} (superseded)" if job.get("superseded") else job["attempt"],
            job["status"],
            job["agent_id"] or "",
            job["message"],
        )
        for job in run["jobs"]
    ]
    print_table(("STAGE", "JOB", "ATTEMPT", "STATUS", "AGENT", "MESSAGE"), rows)
    for job in run["jobs"]:
        for step in job.get("steps", ()):
            if step.get("result") is not None:
                result = json.dumps(step["result"], sort_keys=True)
                print(f"result of {job['name']}/{step['name']} ({step['uses']}): {result}")
    return EXIT_OK


def cmd_rerun(args: argparse.Namespace) -> int:
    job = client(args).request("POST", f"/runs/{ref(args.run)}/jobs/{ref(args.job)}/rerun")
    if args.json:
        print_json(job)
    else:
        run = job["run"]
        attempt = f"attempt {job['attempt']}"
        print(f"rerunning job '{job['name']}' of {describe_run(run)} ({attempt}); run is {run['status']}")
    return EXIT_OK


def cmd_agents(args: argparse.Namespace) -> int:
    agents = client(args).request("GET", "/agents")["agents"]
    if args.json:
        print_json(agents)
    else:
        print_table(
            ("NAME", "STATUS", "RUNNING", "CAPACITY", "LABELS", "LAST HEARTBEAT"),
            [
                (
                    a["name"],
                    a["status"],
                    a["running_jobs"],
                    a["capacity"],
                    ",".join(f"{k}={v}" for k, v in sorted(a["labels"].items())),
                    a["last_heartbeat_at"],
                )
                for a in agents
            ],
        )
    return EXIT_OK


def cmd_token_create(args: argparse.Namespace) -> int:
    body = {"kind": args.kind, "description": args.description, "ttl_seconds": args.ttl}
    token = client(args).request("POST", "/tokens", body)
    print_json(token) if args.json else print(token["token"])
    return EXIT_OK


def _decide(args: argparse.Namespace, verb: str) -> int:
    path = f"/runs/{ref(args.run)}/stages/{ref(args.stage)}/{verb}"
    run = client(args).request("POST", path, {"comment": args.comment})
    if args.json:
        print_json(run)
    else:
        print(f"stage '{args.stage}' of {describe_run(run)} {verb}d; run is {run['status']}")
    return EXIT_OK


def cmd_approve(args: argparse.Namespace) -> int:
    return _decide(args, "approve")


def cmd_reject(args: argparse.Namespace) -> int:
    return _decide(args, "reject")


def _secret_params(args: argparse.Namespace) -> dict[str, Any] | None:
    return {"pipeline": args.pipeline} if args.pipeline else None


def cmd_secret_set(args: argparse.Namespace) -> int:
    value = args.value
    if value is None:
        value = sys.stdin.read().removesuffix("\n")
    row = client(args).request("PUT", f"/secrets/{ref(args.name)}", {"value": value}, _secret_params(args))
    print_json(row) if args.json else print(f"secret {row['name']} set ({row['scope']})")
    return EXIT_OK


def cmd_secret_list(args: argparse.Namespace) -> int:
    rows = client(args).request("GET", "/secrets", params=_secret_params(args))["secrets"]
    if args.json:
        print_json(rows)
    else:
        print_table(
            ("NAME", "SCOPE", "UPDATED"),
            [(r["name"], r["pipeline"] or r["scope"], r["updated_at"]) for r in rows],
        )
    return EXIT_OK


def cmd_secret_delete(args: argparse.Namespace) -> int:
    client(args).request("DELETE", f"/secrets/{ref(args.name)}", params=_secret_params(args))
    print_json({"deleted": args.name}) if args.json else print(f"secret {args.name} deleted")
    return EXIT_OK
