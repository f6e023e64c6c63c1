"""Meta-tests: contracts that must stay complete as the code grows."""

import re
from pathlib import Path

import httpx

from kernel.cli.main import build_parser
from kernel.grpc_server import SERVICE_NAMES
from kernel.services.agent import AgentServicer
from kernel.services.gateway import GatewayServicer
from kernel.services.pipeline import PipelineServicer
from kernel.services.steprun import StepRunServicer
from kernel.services.stream import StreamServicer
from proto.arcade.agent.v1 import agent_pb2
from proto.arcade.gateway.v1 import gateway_pb2
from proto.arcade.pipeline.v1 import pipeline_pb2
from proto.arcade.steprun.v1 import steprun_pb2
from proto.arcade.stream.v1 import stream_pb2

ROOT = Path(__file__).resolve().parents[2]
SERVICERS = {
    "arcade.agent.v1.AgentService": (agent_pb2, AgentServicer),
    "arcade.gateway.v1.GatewayService": (gateway_pb2, GatewayServicer),
    "arcade.pipeline.v1.PipelineService": (pipeline_pb2, PipelineServicer),
    "arcade.steprun.v1.StepRunService": (steprun_pb2, StepRunServicer),
    "arcade.stream.v1.StreamService": (stream_pb2, StreamServicer),
}


def test_every_service_is_served():
    assert set(SERVICE_NAMES) == set(SERVICERS)


def test_every_proto_rpc_is_implemented_by_its_servicer():
    missing = []
    for full_name, (module, servicer) in SERVICERS.items():
        service = module.DESCRIPTOR.services_by_name[full_name.rsplit(".", 1)[1]]
        for method in service.methods:
            if method.name not in vars(servicer):  # the generated base class only answers UNIMPLEMENTED
                missing.append(f"{full_name}/{method.name}")
    assert missing == []


def _cli_commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        nested = [a for a in command._actions if a.dest == "action"]
        if nested:
            for action in nested[0].choices:
                yield f"arcade {name} {action}"
        else:
            yield f"arcade {name}"


def test_every_cli_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [command for command in _cli_commands() if command not in readme]
    assert missing == []


def test_every_setting_is_in_the_readme():
    from dataclasses import fields

    from kernel.config import Settings

    readme = (ROOT / "README.md").read_text()
    assert [f.name for f in fields(Settings) if f"ARCADE_{f.name.upper()}" not in readme] == []


def test_every_http_route_is_in_the_openapi_document(embedded):
    app_routes = {
        (route.path, method.lower())
        for route in __import__("kernel.http.app", fromlist=["build_app"]).build_app(embedded.kernel).routes
        if route.include_in_schema
        for method in route.methods
        if method != "HEAD"
    }
    document = httpx.get(embedded.kernel.http_url + "/openapi.json").json()
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert app_routes == documented
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), f"{method.upper()} {path} has no summary"
            assert re.match(r"^[A-Z]", op["summary"])
