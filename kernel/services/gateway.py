"""arcade.gateway.v1.GatewayService: log lines and agent events, idempotent by sequence number."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import grpc
from sqlalchemy import update

from kernel.auth import TokenService
from kernel.errors import InvalidInput, NotFound, PermissionDenied
from kernel.journal import Journal
from kernel.logstore import LogStore
from kernel.services.auth import principal_of
from kernel.services.convert import lines_from_pb
from kernel.services.errors import unary
from kernel.store import models
from proto.arcade.gateway.v1 import gateway_pb2, gateway_pb2_grpc

log = logging.getLogger("arcade.kernel.gateway")


class GatewayServicer(gateway_pb2_grpc.GatewayServiceServicer):
    def __init__(self, tokens: TokenService, logs: LogStore, journal: Journal) -> None:
        self.tokens = tokens
        self.logs = logs
        self.journal = journal

    @unary
    async def PushLogs(
        self, request_iterator: AsyncIterator[gateway_pb2.PushLogsRequest], context: grpc.aio.ServicerContext
    ) -> gateway_pb2.PushLogsResponse:
        agent_id = principal_of(self.tokens, context).agent_id or ""
        acks: dict[str, int] = {}
        async for request in request_iterator:
            lines = lines_from_pb(request.lines)
            try:
                acks[request.step_run_id] = self.logs.append(agent_id, request.step_run_id, lines)
            except (NotFound, PermissionDenied) as error:
                # Stale lines (the job moved on or is gone): acknowledge so the agent drops them.
                log.warning("dropping %d log lines from agent %s: %s", len(lines), agent_id, error.message)
                acks[request.step_run_id] = max((line.seq for line in lines), default=0)
        return gateway_pb2.PushLogsResponse(
            acks=[gateway_pb2.LogAck(step_run_id=step, last_accepted_seq=seq) for step, seq in acks.items()]
        )

    @unary
    async def PushEvents(
        self,
        request_iterator: AsyncIterator[gateway_pb2.PushEventsRequest],
        context: grpc.aio.ServicerContext,
    ) -> gateway_pb2.PushEventsResponse:
        agent_id = principal_of(self.tokens, context).agent_id or ""
        last = 0
        async for request in request_iterator:
            with self.journal.transaction() as tx:
                agent = tx.session.get(models.Agent, agent_id)
                if agent is None:
                    raise NotFound(f"agent '{agent_id}' not found")
                last = agent.last_event_seq
                for event in sorted(request.events, key=lambda e: e.seq):
                    if event.seq <= last:
                        continue
                    if not event.kind.startswith("agent."):
                        raise InvalidInput(
                            f"agent event kind '{event.kind}': expected a name starting with 'agent.'"
                        )
                    try:
                        payload = json.loads(event.payload_json) if event.payload_json else {}
                    except json.JSONDecodeError as exc:
                        raise InvalidInput(
                            f"agent event {event.seq}: payload_json is not JSON: {exc}"
                        ) from exc
                    tx.emit(
                        event.kind,
                        agent_id=agent_id,
                        job_run_id=event.job_run_id or None,
                        step_run_id=event.step_run_id or None,
                        message=event.message,
                        payload=payload if isinstance(payload, dict) else {"value": payload},
                    )
                    last = event.seq
                tx.session.execute(
                    update(models.Agent).where(models.Agent.id == agent_id).values(last_event_seq=last)
                )
        return gateway_pb2.PushEventsResponse(last_accepted_seq=last)
