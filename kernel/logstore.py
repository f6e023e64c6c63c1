"""Step logs: idempotent append from agents, reads from the store, and live following.

Lines are stored in chunks (one row per pushed batch). Followers read what is stored, then take new
batches from the event bus; whenever the bus cannot be trusted (overflow, a gap) they re-read the store.
A step's log is complete when the step is final and every line the agent reported has arrived.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import select, update

from kernel.errors import NotFound, PermissionDenied
from kernel.journal import Journal
from kernel.masking import SecretMasks, mask
from kernel.metrics import KernelMetrics
from kernel.status import RunStatus, Status
from kernel.store import models

STREAMS = ("stdout", "stderr", "system")
# How long a follower of a finished run waits for lines an agent still has to deliver.
LATE_LINES_GRACE_SECONDS = 10.0


class Line(NamedTuple):
    # A NamedTuple, not a dataclass: hundreds of thousands are made per second on the log path.
    seq: int
    stream: str
    time_unix_ms: int
    text: str


@dataclass(frozen=True)
class Batch:
    step_run_id: str
    lines: list[Line]


def _lines(chunk_first: int, raw: list[list[object]]) -> list[Line]:
    return [Line(chunk_first + i, str(s), int(t), str(text)) for i, (s, t, text) in enumerate(raw)]  # type: ignore[call-overload]


class LogStore:
    def __init__(self, journal: Journal, metrics: KernelMetrics, masks: SecretMasks | None = None) -> None:
        self.journal = journal
        self.metrics = metrics
        self.masks = masks  # secret values to replace by *** before a line is stored

    def append(self, agent_id: str, step_run_id: str, lines: Sequence[Line]) -> int:
        """Store the lines not seen before; returns the highest sequence number stored for the step."""
        with self.journal.transaction() as tx:
            row = tx.session.execute(
                select(
                    models.StepRun.log_seq,
                    models.StepRun.run_id,
                    models.StepRun.job_run_id,
                    models.JobRun.agent_id,
                )
                .join(models.JobRun, models.JobRun.id == models.StepRun.job_run_id)
                .where(models.StepRun.id == step_run_id)
            ).first()
            if row is None:
                raise NotFound(f"step run '{step_run_id}' not found")
            if row.agent_id != agent_id:
                raise PermissionDenied(f"step run '{step_run_id}' does not belong to this agent")
            # Keep the stored sequence dense: take only the run of lines that continues it. Anything after a
            # gap is left for the agent to resend (it resends everything after the acknowledged seq).
            if lines and lines[0].seq == row.log_seq + 1 and lines[-1].seq == row.log_seq + len(lines):
                fresh = list(lines)  # the usual case: the next batch, in order
            else:
                by_seq = {line.seq: line for line in lines if line.seq > row.log_seq}
                fresh = []
                while row.log_seq + len(fresh) + 1 in by_seq:
                    fresh.append(by_seq[row.log_seq + len(fresh) + 1])
            if not fresh:
                return row.log_seq
            secrets = self.masks.for_job(row.job_run_id) if self.masks is not None else ()
            if secrets:
                fresh = [line._replace(text=mask(line.text, secrets)) for line in fresh]
            first, last = fresh[0].seq, fresh[-1].seq
            tx.session.add(
                models.LogChunk(
                    step_run_id=step_run_id,
                    run_id=row.run_id,
                    first_seq=first,
                    last_seq=last,
                    lines=[[stream, time_ms, text] for _, stream, time_ms, text in fresh],
                    created_at=datetime.now(UTC),
                )
            )
            tx.session.execute(
                update(models.StepRun).where(models.StepRun.id == step_run_id).values(log_seq=last)
            )
            batch = Batch(step_run_id, fresh)
            tx.publish(f"log:{step_run_id}", batch)
            tx.publish(f"runlog:{row.run_id}", batch)
        self.metrics.log_lines.inc(len(fresh))
        return last

    def read(self, step_run_id: str, from_seq: int = 1, limit: int | None = None) -> list[Line]:
        C = models.LogChunk
        with self.journal.db.session() as session:
            chunks = session.execute(
                select(C.first_seq, C.lines)
                .where(C.step_run_id == step_run_id, C.last_seq >= from_seq)
                .order_by(C.first_seq)
            ).all()
        lines = [
            line for chunk in chunks for line in _lines(chunk.first_seq, chunk.lines) if line.seq >= from_seq
        ]
        return lines[:limit] if limit else lines

    def read_run(self, run_id: str) -> list[Batch]:
        """Every stored line of a run, in the order the kernel received them."""
        C = models.LogChunk
        with self.journal.db.session() as session:
            chunks = session.execute(
                select(C.step_run_id, C.first_seq, C.lines).where(C.run_id == run_id).order_by(C.id)
            ).all()
        return [Batch(c.step_run_id, _lines(c.first_seq, c.lines)) for c in chunks]

    def _step_state(self, step_run_id: str) -> tuple[bool, int, int | None]:
        """(final, stored seq, reported line count) of a step."""
        with self.journal.db.session() as session:
            step = session.get(models.StepRun, step_run_id)
        if step is None:
            raise NotFound(f"step run '{step_run_id}' not found")
        return Status(step.status).final, step.log_seq, step.log_line_count

    async def follow(
        self, step_run_id: str, from_seq: int = 1, follow: bool = True
    ) -> AsyncIterator[list[Line]]:
        """Batches of lines from `from_seq` on; with follow, until the step is final and complete."""
        next_seq = max(1, from_seq)
        with self.journal.bus.subscribe(f"log:{step_run_id}", f"step:{step_run_id}") as sub:
            while True:
                # No await between reading the store and draining the queue: nothing can slip between them.
                final, stored, count = self._step_state(step_run_id)
                lines = self.read(step_run_id, next_seq) if stored >= next_seq else []
                sub.overflowed = False
                sub.drain()
                if lines:
                    next_seq = lines[-1].seq + 1
                    yield lines
                if not follow or (final and (count is None or next_seq > count)):
                    return
                # Live: take batches from the bus; re-read the store only after an overflow or a gap.
                while True:
                    got = await sub.get(LATE_LINES_GRACE_SECONDS if final else None)
                    if got is None:
                        if final and not sub.overflowed:
                            return  # lines the agent reported never came; do not wait forever
                        break
                    topic, item = got
                    if not topic.startswith("log:"):
                        final, _, count = self._step_state(step_run_id)
                        if final and (count is None or next_seq > count):
                            return
                        continue
                    assert isinstance(item, Batch)
                    if item.lines[-1].seq < next_seq:
                        continue
                    if item.lines[0].seq > next_seq:
                        break  # a gap: re-read the store
                    fresh = item.lines[next_seq - item.lines[0].seq :]
                    next_seq = fresh[-1].seq + 1
                    yield fresh
                    if final and count is not None and next_seq > count:
                        return

    async def follow_run(self, run_id: str, follow: bool = True) -> AsyncIterator[Batch]:
        """Every line of every step of a run, in arrival order; with follow, until the run is complete."""
        seen: dict[str, int] = {}

        def fresh(batch: Batch) -> Batch | None:
            after = seen.get(batch.step_run_id, 0)
            lines = [line for line in batch.lines if line.seq > after]
            if not lines:
                return None
            seen[batch.step_run_id] = lines[-1].seq
            return Batch(batch.step_run_id, lines)

        with self.journal.bus.subscribe(f"runlog:{run_id}", f"run:{run_id}") as sub:
            while True:
                backlog = [new for new in map(fresh, self.read_run(run_id)) if new]
                sub.overflowed = False
                sub.drain()
                finished, missing = self._run_completion(run_id, seen)
                for new in backlog:
                    yield new
                if not follow or (finished and not missing):
                    return
                # Live: take batches from the bus; re-read the store only after an overflow or a run change.
                # Once the run is final, lines still due may trickle in for a while: give up only after
                # LATE_LINES_GRACE_SECONDS without any (an agent that died never sends them).
                while True:
                    got = await sub.get(LATE_LINES_GRACE_SECONDS if finished else None)
                    if got is None:
                        if finished and not sub.overflowed:
                            return
                        break
                    topic, item = got
                    if not topic.startswith("runlog:"):
                        break
                    new = fresh(item)
                    if new:
                        yield new
                    if finished and not self._run_completion(run_id, seen)[1]:
                        return

    def _run_completion(self, run_id: str, seen: dict[str, int]) -> tuple[bool, bool]:
        """(the run is final, some finished step still has lines that have not arrived)."""
        with self.journal.db.session() as session:
            run = session.get(models.PipelineRun, run_id)
            if run is None:
                raise NotFound(f"run '{run_id}' not found")
            counts = session.execute(
                select(models.StepRun.id, models.StepRun.log_line_count).where(
                    models.StepRun.run_id == run_id
                )
            ).all()
        missing = any(count is not None and seen.get(step_id, 0) < count for step_id, count in counts)
        return RunStatus(run.status).final, missing
