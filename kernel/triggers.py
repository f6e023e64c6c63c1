"""Pipeline triggers: cron schedules fired from the kernel's event loop, and matching webhook events.

A pipeline with a `cron` trigger has one `PipelineSchedule` row holding its next instant. The
`CronScheduler` sleeps until the soonest one, triggers each due pipeline with a request id derived from
the instant (so an instant never makes two runs: not across a restart, not across kernels sharing a
database), and moves the schedule on. Instants missed while no kernel ran collapse into one catch-up run
for the latest of them; the schedule then continues from now. Cron expressions are read in UTC.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from croniter import CroniterError, croniter
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.dsl.model import PipelineSpec, TriggerSpec
from kernel.errors import NotFound
from kernel.jobs import utcnow
from kernel.journal import Journal
from kernel.store import models

if TYPE_CHECKING:
    from kernel.engine import RunEngine

log = logging.getLogger("arcade.kernel.triggers")

# The longest sleep: a schedule another kernel stored in the shared database is seen within this time.
MAX_SLEEP_SECONDS = 60.0
RETRY_SECONDS = 5.0


# ---------------------------------------------------------------------- cron instants


def next_fire(expression: str, after: datetime) -> datetime | None:
    """The first instant of `expression` strictly after `after` (aware UTC), or None if there is none."""
    try:
        return croniter(expression, after).get_next(datetime)
    except CroniterError:
        return None


def latest_fire(expression: str, at: datetime) -> datetime | None:
    """The last instant of `expression` at or before `at`, or None if there is none."""
    try:
        return croniter(expression, at + timedelta(microseconds=1)).get_prev(datetime)
    except CroniterError:
        return None


def cron_request_id(pipeline_id: str, fire_time: datetime) -> str:
    """The request id of the run for one instant: the same instant always maps to the same run."""
    return f"cron:{pipeline_id}:{fire_time.isoformat()}"


def cron_trigger(spec: PipelineSpec) -> TriggerSpec | None:
    return next((t for t in spec.triggers if t.type == "cron"), None)


def matching_event_trigger(spec: PipelineSpec, event: str, branch: str | None) -> TriggerSpec | None:
    """The first event trigger for `event` whose branch glob matches `branch` ("*" also matches none)."""
    for trigger in spec.triggers:
        if trigger.type != "event" or trigger.event_type != event:
            continue
        pattern = trigger.branch or "*"
        if pattern == "*" or (branch is not None and fnmatch.fnmatchcase(branch, pattern)):
            return trigger
    return None


def sync_schedule(session: Session, pipeline_id: str, spec: PipelineSpec, now: datetime) -> bool:
    """Make the pipeline's schedule row match its spec; True if it changed.

    An unchanged expression keeps its pending instant; a new one starts from the first instant after `now`.
    """
    cron = cron_trigger(spec)
    expression = cron.expression if cron is not None else None
    row = session.get(models.PipelineSchedule, pipeline_id)
    next_at = next_fire(expression, now) if expression else None
    if expression is None or next_at is None:
        if row is not None:
            session.delete(row)
        return row is not None
    if row is None:
        row = models.PipelineSchedule(pipeline_id=pipeline_id)
        session.add(row)
    elif row.expression == expression:
        return False
    row.expression, row.next_fire_at, row.updated_at = expression, next_at, now
    return True


# ---------------------------------------------------------------------- the scheduler


class CronScheduler:
    """Fires due schedules on the kernel's event loop; `wake()` after a schedule changed."""

    def __init__(self, journal: Journal, engine: RunEngine, clock: Callable[[], datetime] = utcnow) -> None:
        self.journal = journal
        self.engine = engine
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="arcade-cron")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                self.fire_due()
                timeout = self.seconds_to_next(self.clock())
            except Exception:  # the loop must survive a store hiccup; it tries again shortly
                log.exception("cron: firing schedules failed")
                timeout = RETRY_SECONDS
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                pass
            self._wake.clear()

    def seconds_to_next(self, now: datetime) -> float:
        """Seconds until the soonest schedule is due (at most MAX_SLEEP_SECONDS)."""
        with self.journal.db.session() as session:
            soonest = session.scalar(select(func.min(models.PipelineSchedule.next_fire_at)))
        if soonest is None:
            return MAX_SLEEP_SECONDS
        return min(MAX_SLEEP_SECONDS, max(0.0, (soonest - now).total_seconds()) + 0.001)

    def fire_due(self, now: datetime | None = None) -> list[str]:
        """Trigger every pipeline whose schedule is due at `now`; returns the ids of the runs."""
        now = now or self.clock()
        S = models.PipelineSchedule
        with self.journal.db.session() as session:
            due = session.scalars(select(S).where(S.next_fire_at <= now).order_by(S.next_fire_at)).all()
        run_ids = []
        for schedule in due:
            # Catch-up: of the instants missed (say, while no kernel ran) only the latest one fires.
            latest = latest_fire(schedule.expression, now)
            fire_time = max(latest, schedule.next_fire_at) if latest is not None else schedule.next_fire_at
            run_id = self._fire(schedule, fire_time)
            if run_id is not None:
                run_ids.append(run_id)
            self._advance(schedule, now)
        return run_ids

    def _fire(self, schedule: models.PipelineSchedule, fire_time: datetime) -> str | None:
        try:
            run_id = self.engine.trigger(
                schedule.pipeline_id,
                {},
                request_id=cron_request_id(schedule.pipeline_id, fire_time),
                trigger={
                    "type": "cron",
                    "scheduled_for": fire_time.isoformat(),
                    "expression": schedule.expression,
                },
            )
        except IntegrityError:  # another kernel stored the run for this instant a moment earlier
            log.info("cron: %s at %s was already triggered", schedule.pipeline_id, fire_time.isoformat())
            return None
        except NotFound:  # deleted meanwhile; its schedule went with it
            return None
        except Exception:  # one pipeline's failure must not stop the others; its next instant comes
            log.exception("cron: triggering %s for %s failed", schedule.pipeline_id, fire_time.isoformat())
            return None
        log.info("cron: triggered %s for %s (run %s)", schedule.pipeline_id, fire_time.isoformat(), run_id)
        return run_id

    def _advance(self, schedule: models.PipelineSchedule, now: datetime) -> None:
        """Move the schedule to its first instant after `now`, unless it changed since it was read."""
        S = models.PipelineSchedule
        next_at = next_fire(schedule.expression, now)
        with self.journal.transaction() as tx:
            unchanged = (
                S.pipeline_id == schedule.pipeline_id,
                S.expression == schedule.expression,
                S.next_fire_at == schedule.next_fire_at,
            )
            if next_at is None:
                tx.session.execute(delete(S).where(*unchanged))
            else:
                tx.session.execute(update(S).where(*unchanged).values(next_fire_at=next_at, updated_at=now))
