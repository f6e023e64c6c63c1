"""Opening a database (SQLite or PostgreSQL) and migrating it to the current schema."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from kernel.store.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Applied to every new SQLite connection: WAL lets readers run beside the writer; NORMAL is durable in WAL
# mode except for the last transactions on power loss; foreign keys are off by default in SQLite.
SQLITE_PRAGMAS = (
    "PRAGMA busy_timeout=5000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
)

_POSTGRES_DRIVERS = {"postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg"}
_SUPPORTED = "use sqlite:///PATH, sqlite:// (in memory) or postgresql://USER:PASSWORD@HOST:PORT/DB"


class Database:
    """One database: an engine, a session factory and the schema migrations.

    ``url`` is ``sqlite:///PATH`` (the parent directory is created), ``sqlite://`` (in memory, one shared
    connection) or ``postgresql[+psycopg]://...``. Opening does not connect yet; :meth:`migrate` does.
    """

    def __init__(self, url: str) -> None:
        self._url = _parse_url(url)
        try:
            if self._url.get_backend_name() == "sqlite":
                self.engine = _sqlite_engine(self._url)
            else:
                self.engine = _postgresql_engine(self._url)
        except (sa_exc.ArgumentError, ImportError, ValueError, TypeError) as exc:
            raise StoreError(f"cannot open database {self.display_url}: {_reason(exc, self._url)}") from exc
        except OSError as exc:
            raise StoreError(f"cannot open database {self.display_url}: {exc}") from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """The backend name: ``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        """The URL with its password masked, for messages and logs."""
        return self._url.render_as_string(hide_password=True)

    def session(self) -> Session:
        """A new session; objects stay usable after commit (``expire_on_commit=False``)."""
        return self._sessions()

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision; a no-op when it is already there."""
        try:
            with self.engine.begin() as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except (sa_exc.SQLAlchemyError, CommandError) as exc:
            reason = _reason(exc, self._url)
            raise StoreError(f"cannot migrate database {self.display_url}: {reason}") from exc

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for the store's migrations, without an ``alembic.ini``.

    ``Database.migrate`` passes its connection in ``config.attributes["connection"]``. For Alembic commands
    run by hand (e.g. ``command.revision(alembic_config(url), autogenerate=True, message=...)``), pass
    ``url``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def mask_password(url: str) -> str:
    """``url`` with the password replaced by ``***``; works on strings that do not parse as a URL too."""
    return re.sub(r"(://[^:/@?#]*:)[^@/?#]*@", r"\1***@", url)


def _parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except (sa_exc.ArgumentError, ValueError, TypeError) as exc:
        raise StoreError(f"invalid database URL {mask_password(str(url))!r}: {exc}; {_SUPPORTED}") from exc
    backend = parsed.get_backend_name()
    if parsed.drivername in _POSTGRES_DRIVERS:
        parsed = parsed.set(drivername=_POSTGRES_DRIVERS[parsed.drivername])
    elif backend not in ("sqlite", "postgresql"):
        masked = parsed.render_as_string(hide_password=True)
        scheme = parsed.drivername
        raise StoreError(f"unsupported database URL {masked}: unknown scheme {scheme!r}; {_SUPPORTED}")
    return parsed


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:") or "mode=memory" in url.render_as_string()
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if in_memory:
        options["poolclass"] = StaticPool
    elif not url.query.get("uri"):
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _set_sqlite_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _postgresql_engine(url: URL) -> Engine:
    connect_args = {} if "connect_timeout" in url.query else {"connect_timeout": 10}
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_recycle=1800,
        connect_args=connect_args,
    )


def _reason(exc: BaseException, url: URL) -> str:
    """The driver's own message on one line, without SQLAlchemy's boilerplate or the password."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    text = " ".join(text.split())
    if url.password and len(str(url.password)) >= 4:
        text = text.replace(str(url.password), "***")
    return text or type(exc).__name__
