"""The data kernel extensions receive and return: plain frozen values, no kernel objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class JobSummary:
    """One job of a finished run."""

    name: str
    stage: str
    status: str  # SUCCESS, FAILED, CANCELLED, TIMEOUT, SKIPPED (a job never left PENDING: PENDING)
    message: str = ""
    attempt: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "stage": self.stage,
            "status": self.status,
            "message": self.message,
            "attempt": self.attempt,
        }


@dataclass(frozen=True)
class RunSummary:
    """A finished run as notifications describe it: what ran, how it ended and why."""

    pipeline: str
    run_id: str
    number: int
    status: str  # SUCCESS, FAILED or CANCELLED
    message: str = ""
    trigger: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    jobs: tuple[JobSummary, ...] = ()

    @property
    def ref(self) -> str:
        """How people name the run: `PIPELINE#NUMBER`."""
        return f"{self.pipeline}#{self.number}"

    @property
    def duration_seconds(self) -> float | None:
        """From start (or creation, for a run that never started) to finish; None while unfinished."""
        begin = self.started_at or self.created_at
        if begin is None or self.finished_at is None:
            return None
        return round((self.finished_at - begin).total_seconds(), 3)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document a webhook receives."""
        return {
            "pipeline": self.pipeline,
            "run_id": self.run_id,
            "number": self.number,
            "ref": self.ref,
            "status": self.status,
            "message": self.message,
            "trigger": dict(self.trigger),
            "created_at": _iso(self.created_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "duration_seconds": self.duration_seconds,
            "jobs": [job.to_dict() for job in self.jobs],
        }


@dataclass(frozen=True)
class NotifyResult:
    """What a channel did with a notification: delivered (`ok`), or not and why (`message`)."""

    ok: bool
    message: str = ""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class NotifyRequest:
    """One `notify` entry of a pipeline, with its expressions already substituted.

    `plugin` names the channel (`notify/webhook`), `when` the list it came from (`on_failure`).
    """

    plugin: str
    action: str
    params: Mapping[str, Any] = field(default_factory=dict)
    when: str = ""
