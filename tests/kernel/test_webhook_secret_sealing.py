"""Webhook secrets are stored encrypted with the kernel's secret key, never in clear."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import update

from kernel.errors import FailedPrecondition
from kernel.events import EventBus
from kernel.journal import Journal
from kernel.pipelines import PipelineCatalog
from kernel.sealing import SEALED_PREFIX, CredentialSeal
from kernel.store import models

SPEC = "name: hooked\njobs:\n  - {name: j, steps: [{run: 'true'}]}\n"
SECRET = "s3cr3t-webhook-key"


def stored_secret(database, pipeline_id: str) -> str | None:
    with database.session() as session:
        return session.get(models.Pipeline, pipeline_id).webhook_secret


def test_the_secret_is_stored_sealed_and_read_back_in_clear(database):
    seal = CredentialSeal(Fernet.generate_key().decode())
    catalog = PipelineCatalog(Journal(database, EventBus()), seal=seal)
    row = catalog.create(SPEC, webhook_secret=SECRET)
    stored = stored_secret(database, row.id)
    assert stored is not None and stored.startswith(SEALED_PREFIX) and SECRET not in stored
    assert catalog.webhook_secret(catalog.get("hooked")) == SECRET
    # Same secret again: nothing changes; a new one is sealed; "" removes it.
    assert catalog.create(SPEC, upsert=True, webhook_secret=SECRET).updated_at == row.updated_at
    catalog.update("hooked", SPEC, webhook_secret="another-secret")
    assert catalog.webhook_secret(catalog.get("hooked")) == "another-secret"
    catalog.update("hooked", SPEC, webhook_secret="")
    assert stored_secret(database, row.id) is None and catalog.webhook_secret(catalog.get("hooked")) is None


def test_without_a_key_a_webhook_secret_is_refused_and_nothing_is_stored(database):
    catalog = PipelineCatalog(Journal(database, EventBus()))
    with pytest.raises(FailedPrecondition, match="ARCADE_SECRET_KEY"):
        catalog.create(SPEC, webhook_secret=SECRET)
    assert catalog.list() == []
    catalog.create(SPEC)  # a pipeline without webhooks needs no key


def test_secrets_an_older_kernel_stored_in_clear_are_sealed_once_a_key_is_set(database):
    journal = Journal(database, EventBus())
    row = PipelineCatalog(journal).create(SPEC)
    with database.session() as session, session.begin():
        clear = update(models.Pipeline).where(models.Pipeline.id == row.id).values(webhook_secret=SECRET)
        session.execute(clear)
    keyless = PipelineCatalog(journal)
    assert keyless.webhook_secret(keyless.get("hooked")) == SECRET  # readable in clear without a key
    catalog = PipelineCatalog(journal, seal=CredentialSeal(Fernet.generate_key().decode()))
    assert catalog.seal_legacy_webhook_secrets() == 1
    assert stored_secret(database, row.id).startswith(SEALED_PREFIX)
    assert catalog.webhook_secret(catalog.get("hooked")) == SECRET
    assert catalog.seal_legacy_webhook_secrets() == 0
