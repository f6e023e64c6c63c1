"""The secret store: encryption at rest, scopes, keys from settings or a generated key file."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from kernel.config import Settings
from kernel.errors import FailedPrecondition, InvalidInput, KernelError
from kernel.masking import mask, masked_values
from kernel.pipelines import PipelineCatalog
from kernel.secrets import SecretStore, resolve_secret_key
from kernel.store import Database, models

SPEC = "name: p\njobs:\n  - name: j\n    steps: [{run: echo}]\n"


@pytest.fixture
def db(tmp_path):
    from kernel.events import EventBus
    from kernel.journal import Journal

    database = Database(f"sqlite:///{tmp_path / 'arcade.db'}")
    database.migrate()
    PipelineCatalog(Journal(database, EventBus())).create(SPEC)
    yield database
    database.dispose()


def test_round_trip_scopes_and_ciphertext(db):
    store = SecretStore(db, Fernet.generate_key().decode())
    store.set("TOKEN", "global-value")
    store.set("TOKEN", "scoped-value", pipeline="p")
    store.set("OTHER", "other-value")
    with db.session() as session:
        pipeline_id = session.scalars(select(models.Pipeline.id)).one()
        assert store.values(session, pipeline_id, {"TOKEN", "OTHER", "NONE"}) == {
            "TOKEN": "scoped-value",
            "OTHER": "other-value",
        }
        stored = session.scalars(select(models.Secret.ciphertext)).all()
    assert all("value" not in text for text in stored)
    assert [row.name for row, _ in store.list()] == ["OTHER", "TOKEN"]
    assert [(row.name, name) for row, name in store.list("p")] == [("TOKEN", "p")]
    store.delete("TOKEN", pipeline="p")
    with pytest.raises(KernelError, match="not found"):
        store.delete("TOKEN", pipeline="p")


def test_a_wrong_key_is_a_clear_error(db):
    SecretStore(db, Fernet.generate_key().decode()).set("TOKEN", "v")
    other = SecretStore(db, Fernet.generate_key().decode())
    with db.session() as session, pytest.raises(KernelError, match="not the key it was stored with"):
        other.values(session, "x", {"TOKEN"})


def test_bad_names_and_no_key():
    store = SecretStore(Database("sqlite://"), None)
    with pytest.raises(InvalidInput, match="secret name"):
        store.set("bad-name", "v")
    with pytest.raises(FailedPrecondition, match="ARCADE_SECRET_KEY"):
        store.set("GOOD", "v")


def test_keys_come_from_settings_or_a_generated_file(tmp_path):
    with pytest.raises(InvalidInput, match="not a Fernet key"):
        Settings.load(environ={"ARCADE_SECRET_KEY": "short"})
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'data' / 'arcade.db'}")
    key = resolve_secret_key(settings)
    path = tmp_path / "data" / "secret.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert resolve_secret_key(settings) == key == path.read_text().strip()
    assert resolve_secret_key(Settings(database_url="postgresql://u@h/db")) is None


def test_masking_skips_short_values_and_masks_lines():
    values = masked_values(["ab", "line-one\nline-two"])
    assert mask("ab line-one line-two", values) == "ab *** ***"
