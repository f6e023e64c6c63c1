"""Run statuses shared by the store, planner, scheduler and the wire mapping."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Status of a job run or a step run."""

    PENDING = "PENDING"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    TIMEOUT = "TIMEOUT"
    SKIPPED = "SKIPPED"

    @property
    def final(self) -> bool:
        return self in FINAL

    @property
    def failed(self) -> bool:
        """A final status that means the work did not succeed (SKIPPED does not count)."""
        return self in (Status.FAILED, Status.CANCELLED, Status.TIMEOUT)


FINAL = frozenset({Status.SUCCESS, Status.FAILED, Status.CANCELLED, Status.TIMEOUT, Status.SKIPPED})


class RunStatus(StrEnum):
    """Status of a pipeline run."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def final(self) -> bool:
        return self in (RunStatus.SUCCESS, RunStatus.FAILED, RunStatus.CANCELLED)


class AgentState(StrEnum):
    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"
    BUSY = "BUSY"
    IDLE = "IDLE"
