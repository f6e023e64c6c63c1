"""Cron triggers: next instants, schedule rows kept in step with specs, firing, catch-up and idempotence.

Every test passes `now` (or a clock) explicitly: nothing sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from kernel.dsl import TriggerSpec, parse_pipeline
from kernel.engine import RunEngine
from kernel.events import EventBus
from kernel.hub import AgentHub
from kernel.journal import Journal
from kernel.metrics import KernelMetrics
from kernel.pipelines import PipelineCatalog
from kernel.sealing import CredentialSeal
from kernel.store import models
from kernel.triggers import (
    MAX_SLEEP_SECONDS,
    CronScheduler,
    cron_request_id,
    latest_fire,
    matching_event_trigger,
    next_fire,
    sync_schedule,
)

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
DAILY = (
    "name: nightly\ntriggers: [{type: cron, expression: '0 3 * * *'}]\njobs: [{name: j, steps: [{run: x}]}]\n"
)


def spec_with(triggers: str) -> str:
    return f"name: nightly\ntriggers: {triggers}\njobs: [{{name: j, steps: [{{run: x}}]}}]\n"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Kernelish:
    """The pieces a CronScheduler works with, on a real store: journal, engine, catalog."""

    def __init__(self, database, clock: Clock) -> None:
        self.journal = Journal(database, EventBus())
        self.engine = RunEngine(self.journal, AgentHub(), 10.0, KernelMetrics())
        self.cron = CronScheduler(self.journal, self.engine, clock=clock)
        self.wakes = 0
        self.catalog = PipelineCatalog(self.journal, on_schedule_change=self._woken)

    def _woken(self) -> None:
        self.wakes += 1
        self.cron.wake()

    def schedule(self, pipeline_id: str) -> models.PipelineSchedule | None:
        with self.journal.db.session() as session:
            return session.get(models.PipelineSchedule, pipeline_id)

    def set_next_fire(self, pipeline_id: str, when: datetime) -> None:
        with self.journal.transaction() as tx:
            tx.session.get(models.PipelineSchedule, pipeline_id).next_fire_at = when

    def runs(self) -> list[models.PipelineRun]:
        with self.journal.db.session() as session:
            query = select(models.PipelineRun).order_by(models.PipelineRun.number)
            return list(session.scalars(query))


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def k(database, clock) -> Kernelish:
    return Kernelish(database, clock)


# ---------------------------------------------------------------------- instants


def test_next_fire_is_strictly_after():
    assert next_fire("0 3 * * *", T0) == datetime(2024, 5, 2, 3, 0, tzinfo=UTC)
    assert next_fire("0 12 * * *", T0) == datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
    assert next_fire("* * * * * *", T0) == T0 + timedelta(seconds=1)
    assert next_fire("* * * * * 30", T0) == T0 + timedelta(seconds=30)  # the sixth field is seconds
    assert next_fire("0 0 31 2 *", T0) is None


def test_latest_fire_includes_the_instant_itself():
    assert latest_fire("0 12 * * *", T0) == T0
    assert latest_fire("0 3 * * *", T0) == datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
    assert latest_fire("* * * * * *", T0 + timedelta(milliseconds=1500)) == T0 + timedelta(seconds=1)


def test_request_ids_name_the_pipeline_and_the_instant():
    assert cron_request_id("p1", T0) == "cron:p1:2024-05-01T12:00:00+00:00"
    assert cron_request_id("p1", T0) == cron_request_id("p1", T0) != cron_request_id("p2", T0)


def test_event_triggers_match_on_type_and_branch_glob():
    spec = parse_pipeline(
        spec_with("[{type: event, event_type: push, branch: 'release/*'}, {type: event, event_type: tag}]")
    )
    assert matching_event_trigger(spec, "push", "release/1.2") == spec.triggers[0]
    assert matching_event_trigger(spec, "push", "main") is None
    assert matching_event_trigger(spec, "push", None) is None  # a glob other than "*" needs a branch
    assert matching_event_trigger(spec, "tag", None) == TriggerSpec(type="event", event_type="tag")
    assert matching_event_trigger(spec, "ping", "main") is None


# ---------------------------------------------------------------------- schedule rows


def test_sync_schedule_follows_the_spec(database):
    journal = Journal(database, EventBus())
    daily, hourly = (
        parse_pipeline(DAILY),
        parse_pipeline(spec_with("[{type: cron, expression: '0 * * * *'}]")),
    )
    with journal.transaction() as tx:
        tx.session.add(models.Pipeline(id="p1", name="nightly", spec_yaml="", created_at=T0, updated_at=T0))
        assert sync_schedule(tx.session, "p1", daily, T0)
    later = T0 + timedelta(hours=20)
    with journal.transaction() as tx:
        assert not sync_schedule(tx.session, "p1", daily, later)  # unchanged: keeps its pending instant
        row = tx.session.get(models.PipelineSchedule, "p1")
        assert (row.expression, row.next_fire_at) == ("0 3 * * *", datetime(2024, 5, 2, 3, tzinfo=UTC))
        assert sync_schedule(tx.session, "p1", hourly, later)
    with journal.transaction() as tx:
        row = tx.session.get(models.PipelineSchedule, "p1")
        assert (row.next_fire_at, row.updated_at) == (datetime(2024, 5, 2, 9, tzinfo=UTC), later)
        assert sync_schedule(tx.session, "p1", parse_pipeline(spec_with("[]")), later)
    with journal.db.session() as session:
        assert session.get(models.PipelineSchedule, "p1") is None


def test_catalog_keeps_schedules_and_wakes_the_scheduler_only_on_change(k):
    before = datetime.now(UTC)
    row = k.catalog.create(DAILY)
    schedule = k.schedule(row.id)
    assert schedule.expression == "0 3 * * *"
    assert before < schedule.next_fire_at <= before + timedelta(days=1)
    assert k.wakes == 1
    k.catalog.create(DAILY, upsert=True)  # same spec: nothing changes
    k.catalog.update(row.id, DAILY.replace("j,", "k,"))  # same schedule
    assert k.wakes == 1
    k.catalog.update(row.id, spec_with("[{type: event, event_type: push}]"))
    assert k.schedule(row.id) is None and k.wakes == 2
    k.catalog.update(row.id, DAILY)
    k.catalog.delete(row.id)
    assert k.schedule(row.id) is None  # cascaded with the pipeline


def test_webhook_secret_is_stored_kept_and_removed(k):
    k.catalog.seal = CredentialSeal(Fernet.generate_key().decode())
    secret_of = k.catalog.webhook_secret
    row = k.catalog.create(DAILY, webhook_secret="s3cret")
    assert secret_of(row) == "s3cret"
    assert secret_of(k.catalog.update(row.id, DAILY)) == "s3cret"  # None keeps it
    assert secret_of(k.catalog.create(DAILY, upsert=True, webhook_secret="other")) == "other"
    assert secret_of(k.catalog.update(row.id, DAILY, webhook_secret="")) is None


# ---------------------------------------------------------------------- firing


def test_nothing_fires_before_the_instant_then_one_run_with_the_instant(k, clock):
    pipeline = k.catalog.create(DAILY)
    k.set_next_fire(pipeline.id, T0)
    assert k.cron.fire_due(T0 - timedelta(microseconds=1)) == []
    assert k.cron.seconds_to_next(T0 - timedelta(seconds=2)) == pytest.approx(2.001)

    clock.now = T0 + timedelta(milliseconds=40)  # woke a little late
    [run_id] = k.cron.fire_due()
    [run] = k.runs()
    assert run.id == run_id
    assert run.request_id == cron_request_id(pipeline.id, T0)
    assert run.trigger == {"type": "cron", "scheduled_for": T0.isoformat(), "expression": "0 3 * * *"}
    assert k.schedule(pipeline.id).next_fire_at == datetime(2024, 5, 2, 3, tzinfo=UTC)
    assert k.cron.fire_due(clock.now) == []  # not due again


def test_missed_instants_fire_once_for_the_latest_then_continue_from_now(k):
    pipeline = k.catalog.create(DAILY)
    k.set_next_fire(pipeline.id, datetime(2024, 5, 1, 3, tzinfo=UTC))
    now = datetime(2024, 5, 4, 5, 30, tzinfo=UTC)  # down for three days: May 1, 2, 3 and 4 at 03:00 missed
    assert len(k.cron.fire_due(now)) == 1
    [run] = k.runs()
    assert run.trigger["scheduled_for"] == "2024-05-04T03:00:00+00:00"
    assert k.schedule(pipeline.id).next_fire_at == datetime(2024, 5, 5, 3, tzinfo=UTC)


def test_an_instant_never_makes_two_runs(k, database, clock):
    pipeline = k.catalog.create(DAILY)
    k.set_next_fire(pipeline.id, T0)
    first = k.cron.fire_due(T0)
    # A second kernel (or this one after a crash before the schedule moved on) sees the same instant due.
    k.set_next_fire(pipeline.id, T0)
    other = Kernelish(database, clock)
    assert other.cron.fire_due(T0) == first
    assert len(k.runs()) == 1
    assert k.schedule(pipeline.id).next_fire_at == datetime(2024, 5, 2, 3, tzinfo=UTC)


def test_a_schedule_changed_while_firing_is_not_overwritten(k):
    pipeline = k.catalog.create(DAILY)
    k.set_next_fire(pipeline.id, T0)
    stale = k.schedule(pipeline.id)
    k.catalog.update(pipeline.id, spec_with("[{type: cron, expression: '30 * * * *'}]"))
    changed = k.schedule(pipeline.id).next_fire_at
    k.cron._advance(stale, T0)
    assert k.schedule(pipeline.id).next_fire_at == changed


def test_every_due_pipeline_fires_on_one_wake(k):
    ids = [k.catalog.create(DAILY.replace("nightly", name)).id for name in ("a", "b", "c")]
    for pipeline_id in ids:
        k.set_next_fire(pipeline_id, T0)
    assert len(k.cron.fire_due(T0)) == 3
    assert sorted(run.pipeline_id for run in k.runs()) == sorted(ids)


def test_sleeps_until_the_soonest_schedule_at_most_a_minute(k):
    assert k.cron.seconds_to_next(T0) == MAX_SLEEP_SECONDS
    a = k.catalog.create(DAILY.replace("nightly", "a")).id
    b = k.catalog.create(DAILY.replace("nightly", "b")).id
    k.set_next_fire(a, T0 + timedelta(seconds=30))
    k.set_next_fire(b, T0 + timedelta(seconds=10))
    assert k.cron.seconds_to_next(T0) == pytest.approx(10.001)
    assert k.cron.seconds_to_next(T0 + timedelta(hours=1)) == pytest.approx(0.001)  # overdue: now
    k.set_next_fire(a, T0 + timedelta(days=1))
    k.set_next_fire(b, T0 + timedelta(days=1))
    assert k.cron.seconds_to_next(T0) == MAX_SLEEP_SECONDS


def test_started_scheduler_catches_up_before_it_sleeps(k, clock):
    pipeline = k.catalog.create(DAILY)
    k.set_next_fire(pipeline.id, T0 - timedelta(days=2))

    async def scenario() -> models.Event:
        with k.journal.bus.subscribe("events") as events:
            await k.cron.start()
            try:
                while True:
                    got = await events.get(timeout=10)
                    assert got is not None, "no run was created"
                    if got[1].kind == "run.created":
                        return got[1]
            finally:
                await k.cron.stop()

    created = asyncio.run(scenario())
    [run] = k.runs()
    assert created.run_id == run.id
    assert run.trigger["scheduled_for"] == datetime(2024, 5, 1, 3, tzinfo=UTC).isoformat()
