"""The scheduler: hand queued jobs to agents, and decide what an expired lease means. Pure logic, no I/O.

A job goes to a connected agent with a free slot whose labels match the job's selector, first come
first served; among matching agents the one with the most free slots wins, so load spreads out. Jobs
sharing a concurrency key run one at a time, in the order they were queued.
A lease lapses when its agent stops heartbeating: a job the agent never started goes back to the
queue, a started one fails with the reason (or ends as requested if a stop was already under way).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from kernel.dsl.durations import format_duration
from kernel.dsl.model import Selector
from kernel.selectors import matches
from kernel.status import Status


@dataclass(frozen=True)
class QueuedJob:
    id: str
    selector: Selector
    queued_at: datetime
    concurrency: str | None = None


@dataclass(frozen=True)
class AgentSlots:
    id: str
    labels: Mapping[str, str]
    free: int


@dataclass(frozen=True)
class Assignment:
    job_id: str
    agent_id: str


def assign(
    jobs: Sequence[QueuedJob], agents: Sequence[AgentSlots], held_keys: Collection[str] = ()
) -> list[Assignment]:
    """Assignments for as many of `jobs` as the agents' free slots allow, oldest job first.

    A concurrency key held by an assigned or running job (`held_keys`) blocks every queued job with
    that key; among queued jobs of one key only the oldest may go, so they run in the order they came.
    """
    free = {agent.id: agent.free for agent in agents}
    claimed = set(held_keys)
    result = []
    for job in sorted(jobs, key=lambda j: (j.queued_at, j.id)):
        if job.concurrency is not None:
            if job.concurrency in claimed:
                continue
            claimed.add(job.concurrency)  # taken now, or reserved for this oldest waiting job
        candidates = [a for a in agents if free[a.id] > 0 and matches(job.selector, a.labels)]
        if not candidates:
            continue
        chosen = max(candidates, key=lambda a: (free[a.id], a.id))
        free[chosen.id] -= 1
        result.append(Assignment(job.id, chosen.id))
        if not any(free.values()):
            break
    return result


def unmatched(jobs: Sequence[QueuedJob], labels_of_known_agents: Sequence[Mapping[str, str]]) -> list[str]:
    """Ids of jobs that no known agent could ever run, so users can be told why they wait."""
    return [
        job.id for job in jobs if not any(matches(job.selector, labels) for labels in labels_of_known_agents)
    ]


@dataclass(frozen=True)
class Lease:
    job_id: str
    agent_name: str
    status: Status
    expires_at: datetime
    stop_status: Status | None = None
    stop_reason: str | None = None


@dataclass(frozen=True)
class LeaseOutcome:
    job_id: str
    requeue: bool
    status: Status
    message: str


def expired(leases: Sequence[Lease], now: datetime, heartbeat_timeout: float) -> list[LeaseOutcome]:
    """What to do with each lease that has lapsed at `now`."""
    outcomes = []
    for lease in leases:
        if lease.expires_at > now:
            continue
        if lease.stop_status is not None:
            outcomes.append(LeaseOutcome(lease.job_id, False, lease.stop_status, lease.stop_reason or ""))
        elif lease.status is Status.QUEUED:
            outcomes.append(LeaseOutcome(lease.job_id, True, Status.QUEUED, ""))
        else:
            message = (
                f"lease expired: agent '{lease.agent_name}' sent no heartbeat for "
                f"{format_duration(heartbeat_timeout)}"
            )
            outcomes.append(LeaseOutcome(lease.job_id, False, Status.FAILED, message))
    return outcomes
