"""arcade.stream.v1.StreamService: live logs and status streams fed by the event bus.

Status streams send the current state, then a fresh snapshot after every event about the object, and end
once it is final. StreamEvents replays stored events after `after_id`, then follows new ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

import grpc
from sqlalchemy import select

from kernel.agents import AgentRegistry
from kernel.events import EventBus
from kernel.logstore import LogStore
from kernel.queries import RunQueries
from kernel.services.convert import agent_pb, event_pb, job_pb, lines_pb, run_pb, step_pb
from kernel.services.errors import streaming
from kernel.status import RunStatus, Status
from kernel.store import Database, models
from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

T = TypeVar("T")
LINES_PER_MESSAGE = 5000
SNAPSHOT_INTERVAL = 0.05


async def _snapshots(bus: EventBus, topic: str, snapshot: Callable[[], tuple[T, bool]]) -> AsyncIterator[T]:
    """The current state, then a fresh one after events, at most every SNAPSHOT_INTERVAL seconds."""
    loop = asyncio.get_running_loop()
    with bus.subscribe(topic) as sub:
        while True:
            taken = loop.time()
            value, final = snapshot()
            yield value
            if final:
                return
            if await sub.get() is None:
                sub.overflowed = False
            # A burst of events (a large run finishing many jobs) becomes one snapshot, not one per event.
            await asyncio.sleep(max(0.0, taken + SNAPSHOT_INTERVAL - loop.time()))
            sub.drain()


def _matches(event: models.Event, kinds: list[str], run_id: str) -> bool:
    if run_id and event.run_id != run_id:
        return False
    return not kinds or any(event.kind.startswith(kind) for kind in kinds)


class StreamServicer(stream_pb2_grpc.StreamServiceServicer):
    def __init__(
        self, db: Database, bus: EventBus, queries: RunQueries, logs: LogStore, agents: AgentRegistry
    ) -> None:
        self.db = db
        self.bus = bus
        self.queries = queries
        self.logs = logs
        self.agents = agents

    @streaming
    async def StreamStepRunLog(
        self, request: stream_pb2.StreamStepRunLogRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[stream_pb2.StreamStepRunLogResponse]:
        self.queries.step(request.step_run_id)
        async for lines in self.logs.follow(request.step_run_id, max(1, request.from_seq), request.follow):
            for start in range(0, len(lines), LINES_PER_MESSAGE):
                chunk = lines[start : start + LINES_PER_MESSAGE]
                yield stream_pb2.StreamStepRunLogResponse(lines=lines_pb(chunk))

    @streaming
    async def StreamStepRunStatus(
        self, request: stream_pb2.StreamStepRunStatusRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[stream_pb2.StreamStepRunStatusResponse]:
        def snapshot() -> tuple[stream_pb2.StreamStepRunStatusResponse, bool]:
            step = self.queries.step(request.step_run_id)
            return stream_pb2.StreamStepRunStatusResponse(step_run=step_pb(step)), Status(step.status).final

        async for item in _snapshots(self.bus, f"step:{request.step_run_id}", snapshot):
            yield item

    @streaming
    async def StreamJobStatus(
        self, request: stream_pb2.StreamJobStatusRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[stream_pb2.StreamJobStatusResponse]:
        def snapshot() -> tuple[stream_pb2.StreamJobStatusResponse, bool]:
            job, steps = self.queries.job(request.job_run_id)
            return stream_pb2.StreamJobStatusResponse(job_run=job_pb(job, steps)), Status(job.status).final

        async for item in _snapshots(self.bus, f"job:{request.job_run_id}", snapshot):
            yield item

    @streaming
    async def StreamPipelineStatus(
        self, request: stream_pb2.StreamPipelineStatusRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[stream_pb2.StreamPipelineStatusResponse]:
        run_id = self.queries.resolve_run_id(request.pipeline_run_id)

        def snapshot() -> tuple[stream_pb2.StreamPipelineStatusResponse, bool]:
            tree = self.queries.run_tree(run_id)
            run = tree.run
            return stream_pb2.StreamPipelineStatusResponse(run=run_pb(*tree)), RunStatus(run.status).final

        async for item in _snapshots(self.bus, f"run:{run_id}", snapshot):
            yield item

    @streaming
    async def StreamAgentStatus(
        self, request: stream_pb2.StreamAgentStatusRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[stream_pb2.StreamAgentStatusResponse]:
        wanted = self.agents.get(request.agent_id).row.id if request.agent_id else ""
        topic = f"agent:{wanted}" if wanted else "agents"
        with self.bus.subscribe(topic) as sub:
            views = [self.agents.get(wanted)] if wanted else self.agents.list()
            for view in views:
                yield stream_pb2.StreamAgentStatusResponse(agent=agent_pb(view))
            while True:
                got = await sub.get()
                if got is None:
                    sub.overflowed = False
                    continue
                event = got[1]
                if isinstance(event, models.Event) and event.agent_id:
                    yield stream_pb2.StreamAgentStatusResponse(
                        agent=agent_pb(self.agents.get(event.agent_id))
                    )

    @streaming
    async def StreamEvents(
        self, request: stream_pb2.StreamEventsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[stream_pb2.StreamEventsResponse]:
        kinds = list(request.kinds)
        run_id = self.queries.resolve_run_id(request.pipeline_run_id) if request.pipeline_run_id else ""
        with self.bus.subscribe(f"run:{run_id}" if run_id else "events") as sub:
            last_id = request.after_id
            replayed: set[int] = set()
            if request.after_id > 0:
                with self.db.session() as session:
                    query = (
                        select(models.Event)
                        .where(models.Event.id > request.after_id)
                        .order_by(models.Event.id)
                    )
                    if run_id:
                        query = query.where(models.Event.run_id == run_id)
                    stored = list(session.scalars(query))
                for event in stored:
                    last_id = event.id
                    replayed.add(event.id)
                    if _matches(event, kinds, run_id):
                        yield stream_pb2.StreamEventsResponse(event=event_pb(event))
            while True:
                got = await sub.get()
                if got is None:
                    raise_overflow = sub.overflowed
                    if raise_overflow:
                        await context.abort(
                            grpc.StatusCode.RESOURCE_EXHAUSTED,
                            f"event stream fell behind; resume with after_id={last_id}",
                        )
                    continue
                event = got[1]
                # Not `id > last_id`: kernels sharing a database commit events out of id order.
                fresh = event.id > request.after_id and event.id not in replayed
                if isinstance(event, models.Event) and fresh and _matches(event, kinds, run_id):
                    last_id = max(last_id, event.id)
                    yield stream_pb2.StreamEventsResponse(event=event_pb(event))
