"""SQLAlchemy models: the kernel's whole durable state. Alembic migrations mirror this file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kernel.store.types import UTCDateTime

# Every constraint gets a deterministic name, so later migrations can drop or alter it (SQLite batch mode
# needs names) and both backends use the same names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL; on SQLite only INTEGER PRIMARY KEY autoincrements.
SERIAL_ID = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    """Base of all models.

    Every foreign key also has a many-to-one relationship(): without one, the unit of work does not know
    that a parent row must be inserted first, and one flush of a new run with its jobs and steps fails with
    a foreign-key violation. Deletes cascade in the database (ondelete="CASCADE"), not in the ORM.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every datetime column is timezone-aware UTC on both backends (see kernel.store.types.UTCDateTime).
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime()}


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="OFFLINE")
    version: Mapped[str] = mapped_column(String(64), default="")
    hostname: Mapped[str] = mapped_column(String(255), default="")
    registered_at: Mapped[datetime]
    last_heartbeat_at: Mapped[datetime | None]
    # Highest agent-event sequence number accepted through GatewayService.PushEvents (per registration).
    last_event_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The plugins the agent reported at registration: [{name, version, sha256, source}].
    plugins: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class Token(Base):
    """A bearer token. Only the SHA-256 of the secret is stored; the secret is shown once."""

    __tablename__ = "tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # admin | registration | agent
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(255), default="")
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    agent: Mapped[Agent | None] = relationship()
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Pipeline(Base):
    __tablename__ = "pipelines"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    spec_yaml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    next_run_number: Mapped[int] = mapped_column(BigInteger, default=1)
    # Key of the HMAC-SHA256 signature that webhook deliveries must carry, sealed with the kernel's secret
    # key (kernel.secrets.CredentialSeal); None: webhooks are refused.
    webhook_secret: Mapped[str | None] = mapped_column(Text)


class PipelineSchedule(Base):
    """The cron schedule of a pipeline (at most one): when it fires next. Kept in step by PipelineCatalog."""

    __tablename__ = "pipeline_schedules"

    pipeline_id: Mapped[str] = mapped_column(ForeignKey("pipelines.id", ondelete="CASCADE"), primary_key=True)
    pipeline: Mapped[Pipeline] = relationship()
    expression: Mapped[str] = mapped_column(String(200))
    next_fire_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PipelineRun(Base):
    __tablename__ = "pipeline_runs"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "number"),
        UniqueConstraint("pipeline_id", "request_id"),
        Index("ix_pipeline_runs_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    pipeline_id: Mapped[str] = mapped_column(ForeignKey("pipelines.id", ondelete="CASCADE"))
    pipeline: Mapped[Pipeline] = relationship()
    pipeline_name: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="PENDING")
    message: Mapped[str] = mapped_column(Text, default="")
    # The spec as it was when the run was triggered, so later edits never change a running pipeline.
    spec_yaml: Mapped[str] = mapped_column(Text)
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    trigger: Mapped[dict[str, Any]] = mapped_column(default=dict)
    request_id: Mapped[str | None] = mapped_column(String(200))
    timeout_seconds: Mapped[float]
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class StageRun(Base):
    __tablename__ = "stage_runs"
    __table_args__ = (UniqueConstraint("run_id", "index"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("pipeline_runs.id", ondelete="CASCADE"))
    pipeline_run: Mapped[PipelineRun] = relationship()
    index: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    run_mode: Mapped[str] = mapped_column(String(16))
    timeout_seconds: Mapped[float | None]
    started_at: Mapped[datetime | None]
    # Manual gate: None (no gate), WAITING, APPROVED or REJECTED; who decided, when, and why.
    approval_required: Mapped[bool] = mapped_column(default=False)
    approval_status: Mapped[str | None] = mapped_column(String(16))
    approval_by: Mapped[str | None] = mapped_column(String(255))
    approval_at: Mapped[datetime | None]
    approval_comment: Mapped[str] = mapped_column(Text, default="")


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (
        Index("ix_job_runs_run", "run_id"),
        Index("ix_job_runs_status", "status"),
        Index("ix_job_runs_agent", "agent_id"),
        Index("ix_job_runs_concurrency", "concurrency"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("pipeline_runs.id", ondelete="CASCADE"))
    pipeline_run: Mapped[PipelineRun] = relationship()
    stage_index: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(200))
    # Position in the pipeline spec; orders serial stages and listings.
    index: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="PENDING")
    message: Mapped[str] = mapped_column(Text, default="")
    exit_code: Mapped[int | None]
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    depends_on: Mapped[list[Any]] = mapped_column(default=list)
    agent_selector: Mapped[dict[str, Any]] = mapped_column(default=dict)
    env: Mapped[dict[str, Any]] = mapped_column(default=dict)
    timeout_seconds: Mapped[float | None]
    continue_on_error: Mapped[bool] = mapped_column(default=False)
    # At most one job per concurrency key is assigned or running at a time, across all runs.
    concurrency: Mapped[str | None] = mapped_column(String(200))
    # [{name, path, expire_days}, ...] uploaded after the steps; artifact names unpacked before them.
    artifacts: Mapped[list[Any]] = mapped_column(default=list)
    download_artifacts: Mapped[list[Any]] = mapped_column(default=list)
    # The job's CEL `when` condition (None: always, after its dependencies succeeded) and matrix values.
    when: Mapped[str | None] = mapped_column(Text)
    matrix: Mapped[dict[str, Any]] = mapped_column(default=dict)
    agent_id: Mapped[str | None] = mapped_column(String(36))
    lease_expires_at: Mapped[datetime | None]
    # Set when a stage/pipeline deadline or a user cancel asked the agent to stop this job.
    cancel_status: Mapped[str | None] = mapped_column(String(16))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Retries: the job's `retry` policy, and the attempt that began the current series of automatic
    # retries (1, or the attempt a rerun made); retries go on up to first_attempt + max_attempts - 1.
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    retry_delay_seconds: Mapped[float] = mapped_column(default=0.0)
    first_attempt: Mapped[int] = mapped_column(Integer, default=1)
    # The next attempt of this job, once there is one; only the latest attempt counts for the run.
    superseded_by: Mapped[str | None] = mapped_column(String(36))
    # A retry waits PENDING until then (its delay).
    not_before: Mapped[datetime | None]


class StepRun(Base):
    __tablename__ = "step_runs"
    __table_args__ = (Index("ix_step_runs_job", "job_run_id"), Index("ix_step_runs_run", "run_id"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_run_id: Mapped[str] = mapped_column(ForeignKey("job_runs.id", ondelete="CASCADE"))
    job_run: Mapped[JobRun] = relationship()
    run_id: Mapped[str] = mapped_column(ForeignKey("pipeline_runs.id", ondelete="CASCADE"))
    pipeline_run: Mapped[PipelineRun] = relationship()
    index: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    run: Mapped[str] = mapped_column(Text)
    env: Mapped[dict[str, Any]] = mapped_column(default=dict)
    timeout_seconds: Mapped[float | None]
    continue_on_error: Mapped[bool] = mapped_column(default=False)
    # The step's CEL `when` condition, evaluated by the agent; None runs it unless an earlier step failed.
    when: Mapped[str | None] = mapped_column(Text)
    # A plugin step (`run` is ""): ns/name[@range], the action (None: the plugin's only one) and its args.
    uses: Mapped[str | None] = mapped_column(String(300))
    action: Mapped[str | None] = mapped_column(String(100))
    args: Mapped[dict[str, Any] | None]
    status: Mapped[str] = mapped_column(String(16), default="PENDING")
    message: Mapped[str] = mapped_column(Text, default="")
    exit_code: Mapped[int | None]
    # What a plugin step returned (validated against the action's `returns` schema on the agent).
    result: Mapped[dict[str, Any] | None]
    # Highest log sequence number stored; PushLogs ignores lines at or below it (idempotent resend).
    log_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # Number of lines the agent reported when the step finished; None while it runs.
    log_line_count: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class LogChunk(Base):
    """A batch of consecutive log lines of one step: lines[i] has sequence number first_seq + i."""

    __tablename__ = "log_chunks"
    __table_args__ = (
        Index("ix_log_chunks_step_seq", "step_run_id", "first_seq"),
        Index("ix_log_chunks_run", "run_id"),
    )

    id: Mapped[int] = mapped_column(SERIAL_ID, primary_key=True, autoincrement=True)
    step_run_id: Mapped[str] = mapped_column(ForeignKey("step_runs.id", ondelete="CASCADE"))
    step_run: Mapped[StepRun] = relationship()
    run_id: Mapped[str] = mapped_column(String(36))
    first_seq: Mapped[int] = mapped_column(BigInteger)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    # [[stream, time_unix_ms, text], ...] with stream one of "stdout", "stderr", "system".
    lines: Mapped[list[Any]] = mapped_column()
    created_at: Mapped[datetime]


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_run", "run_id"),)

    id: Mapped[int] = mapped_column(SERIAL_ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str | None] = mapped_column(String(36))
    job_run_id: Mapped[str | None] = mapped_column(String(36))
    step_run_id: Mapped[str | None] = mapped_column(String(36))
    agent_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class Secret(Base):
    """A secret value, Fernet-encrypted with the kernel's secret key; global when pipeline_id is NULL."""

    __tablename__ = "secrets"
    __table_args__ = (UniqueConstraint("name", "pipeline_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    pipeline_id: Mapped[str | None] = mapped_column(
        ForeignKey("pipelines.id", ondelete="CASCADE"), index=True
    )
    pipeline: Mapped[Pipeline | None] = relationship()
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Artifact(Base):
    """An archive (tar.gz) of files a job uploaded; the bytes live in the blob store under `blob_key`."""

    __tablename__ = "artifacts"
    __table_args__ = (
        Index("ix_artifacts_run_name", "run_id", "name"),
        Index("ix_artifacts_job", "job_run_id"),
        Index("ix_artifacts_expires", "expires_at"),
        Index("ix_artifacts_digest", "digest"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("pipeline_runs.id", ondelete="CASCADE"))
    pipeline_run: Mapped[PipelineRun] = relationship()
    job_run_id: Mapped[str] = mapped_column(ForeignKey("job_runs.id", ondelete="CASCADE"))
    job_run: Mapped[JobRun] = relationship()
    # The job's last step that ran when it was uploaded; NULL when none had started.
    step_run_id: Mapped[str | None] = mapped_column(ForeignKey("step_runs.id", ondelete="SET NULL"))
    step_run: Mapped[StepRun | None] = relationship()
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 hex of the archive
    blob_key: Mapped[str] = mapped_column(String(255))
    file_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class Plugin(Base):
    """A plugin of the registry's marketplace, `ns/name`; its releases are `PluginVersion` rows."""

    __tablename__ = "plugins"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # ns/name
    namespace: Mapped[str] = mapped_column(String(100), index=True)
    type: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    # Install state (None: published in the marketplace but not installed).
    installed_version: Mapped[str | None] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    config: Mapped[dict[str, Any] | None]  # the admin's config, over the manifest's default_config
    approved_permissions: Mapped[dict[str, Any] | None]  # what the admin approved at install or update
    installed_at: Mapped[datetime | None]
    installed_by: Mapped[str | None] = mapped_column(String(200))


class PluginVersion(Base):
    """A published release: the package's sha256 and size, its manifest, and who published it."""

    __tablename__ = "plugin_versions"
    __table_args__ = (UniqueConstraint("plugin_id", "version"), Index("ix_plugin_versions_sha256", "sha256"))

    id: Mapped[int] = mapped_column(SERIAL_ID, primary_key=True, autoincrement=True)
    plugin_id: Mapped[str] = mapped_column(ForeignKey("plugins.id", ondelete="CASCADE"))
    plugin: Mapped[Plugin] = relationship()
    version: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    manifest: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(String(200), default="")
    downloads: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class RegistryAudit(Base):
    """One change to the registry: who (the token's label), when, what (action, target, details)."""

    __tablename__ = "registry_audit"

    id: Mapped[int] = mapped_column(SERIAL_ID, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
