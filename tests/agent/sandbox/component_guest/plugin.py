"""The test plugin built into one component for all component tests: a few good actions, many hostile ones."""

from __future__ import annotations

import os
import socket
import sys
import time

from arcade_plugin import ActionError, Request, action, http, log


@action("noop")
def noop(request: Request) -> dict:
    return {}


@action("echo")
def echo(request: Request) -> dict:
    return {
        "action": request.action,
        "args": request.args,
        "config": request.config,
        "context": request.context,
        "workspace": request.workspace,
    }


@action("log")
def write_logs(request: Request) -> dict:
    log.debug("one")
    log.info("two")
    print("three (stdout)")
    print("four (stderr)", file=sys.stderr)
    log.warning("five")
    log.error("six")
    return {"logged": 6}


@action("log-flood")
def log_flood(request: Request) -> dict:
    for i in range(int(request.args["lines"])):
        log.info(f"line {i} " + "x" * 100)
    return {}


@action("fetch")
def fetch(request: Request) -> dict:
    response = http.fetch(
        request.args["url"],
        method=request.args.get("method", "GET"),
        headers=request.args.get("headers"),
        body=request.args.get("body", ""),
        json=request.args.get("json"),
    )
    parsed = response.json() if response.headers.get("content-type") == "application/json" else None
    return {
        "status": response.status,
        "ok": response.ok,
        "headers": response.headers,
        "body": response.body,
        "json": parsed,
    }


@action("fetch-error")
def fetch_error(request: Request) -> dict:
    try:
        http.fetch(request.args["url"])
    except http.HttpError as exc:
        return {"error": str(exc)}
    return {"error": None}


@action("read")
def read(request: Request) -> dict:
    with open(request.args["path"]) as handle:
        return {"text": handle.read()}


@action("write")
def write(request: Request) -> dict:
    with open(request.args["path"], "w") as handle:
        handle.write(request.args.get("text", "written"))
    return {"written": request.args["path"]}


@action("sleep")
def sleep(request: Request) -> dict:
    time.sleep(float(request.args.get("seconds", 1000)))
    return {}


@action("spin")
def spin(request: Request) -> dict:
    while True:
        pass


@action("memory-bomb")
def memory_bomb(request: Request) -> dict:
    hoard = []
    while True:
        hoard.append(bytearray(1024 * 1024))


@action("recurse")
def recurse(request: Request) -> dict:
    sys.setrecursionlimit(1_000_000)

    def down(depth: int) -> int:
        return down(depth + 1) + 1

    return {"depth": down(0)}


@action("socket")
def open_socket(request: Request) -> dict:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(("127.0.0.1", int(request.args["port"])))
        sock.sendall(b"escaped")
    return {"connected": True}


@action("udp")
def send_datagram(request: Request) -> dict:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"escaped", ("127.0.0.1", int(request.args["port"])))
    return {"sent": True}


@action("resolve")
def resolve(request: Request) -> dict:
    host = request.args["host"].encode()  # bytes: skips the idna codec, which the component lacks
    return {"addresses": [str(info[4]) for info in socket.getaddrinfo(host, 80)]}


@action("env")
def environment(request: Request) -> dict:
    return {"environ": dict(os.environ)}


@action("not-an-object")
def not_an_object(request: Request) -> list:
    return [1, 2, 3]


@action("fail")
def fail(request: Request) -> dict:
    raise ActionError("config.url is required")


@action("crash")
def crash(request: Request) -> dict:
    return {"value": request.args["missing"]}
