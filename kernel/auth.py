"""Bearer tokens: admin, registration and agent tokens (DESIGN §3, issue "core loop" item 7).

Secrets are random, shown once, and stored only as SHA-256 hashes. The admin token from the settings is
compared in constant time; admin tokens created later live in the store like the others.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import select, update

from kernel.errors import InvalidInput, Unauthenticated
from kernel.store import Database, models

TokenKind = Literal["admin", "registration", "agent"]
TOKEN_KINDS: tuple[TokenKind, ...] = ("admin", "registration", "agent")
_PREFIX = {"admin": "arc_adm_", "registration": "arc_reg_", "agent": "arc_agt_"}


@dataclass(frozen=True)
class Principal:
    kind: TokenKind
    token_id: str | None = None
    agent_id: str | None = None
    # Who this is, for audit records (approvals): the token's description, or its kind and id.
    label: str = ""

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(kind: TokenKind) -> str:
    return _PREFIX[kind] + secrets.token_urlsafe(32)


def bearer(metadata_value: str | None) -> str | None:
    """The token of an `authorization: bearer <token>` value, or None."""
    if not metadata_value:
        return None
    scheme, _, token = metadata_value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class TokenService:
    def __init__(self, db: Database, admin_token: str = "") -> None:
        self._db = db
        self._admin_token = admin_token
        self._cache: dict[str, Principal] = {}

    def create(
        self,
        kind: TokenKind,
        description: str = "",
        ttl_seconds: float | None = None,
        agent_id: str | None = None,
    ) -> tuple[str, models.Token]:
        """Store a new token; returns the secret (never stored) and its row."""
        if kind not in TOKEN_KINDS:
            raise InvalidInput(f"token kind '{kind}': expected one of {', '.join(TOKEN_KINDS)}")
        if ttl_seconds is not None and ttl_seconds <= 0:
            raise InvalidInput(f"token ttl: expected a positive number of seconds, got {ttl_seconds}")
        secret = new_secret(kind)
        now = datetime.now(UTC)
        row = models.Token(
            id=str(uuid.uuid4()),
            kind=kind,
            token_hash=hash_token(secret),
            description=description,
            agent_id=agent_id,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds) if ttl_seconds else None,
        )
        with self._db.session() as session, session.begin():
            session.add(row)
        return secret, row

    def authenticate(self, secret: str | None) -> Principal:
        """The principal a token stands for; raises Unauthenticated for a missing, wrong or expired one."""
        if not secret:
            raise Unauthenticated("missing bearer token")
        if self._admin_token and hmac.compare_digest(secret.encode(), self._admin_token.encode()):
            return Principal("admin", label="admin (configured token)")
        digest = hash_token(secret)
        cached = self._cache.get(digest)
        if cached is not None:
            return cached
        with self._db.session() as session:
            row = session.scalars(select(models.Token).where(models.Token.token_hash == digest)).first()
        now = datetime.now(UTC)
        if row is None or row.revoked_at is not None or row.kind == "registration":
            raise Unauthenticated("invalid token")
        if row.expires_at is not None and row.expires_at <= now:
            raise Unauthenticated("token expired")
        label = row.description or f"{row.kind} token {row.id[:8]}"
        principal = Principal(row.kind, row.id, row.agent_id, label)  # type: ignore[arg-type]
        if row.expires_at is None:
            self._cache[digest] = principal
        return principal

    def check_registration(self, secret: str) -> models.Token:
        """The registration token row for `secret`; raises Unauthenticated otherwise."""
        digest = hash_token(secret or "")
        with self._db.session() as session:
            row = session.scalars(
                select(models.Token).where(
                    models.Token.token_hash == digest, models.Token.kind == "registration"
                )
            ).first()
        if row is None or row.revoked_at is not None:
            raise Unauthenticated("invalid registration token")
        if row.expires_at is not None and row.expires_at <= datetime.now(UTC):
            raise Unauthenticated("registration token expired")
        return row

    def revoke(self, token_id: str) -> bool:
        with self._db.session() as session, session.begin():
            result = session.execute(
                update(models.Token)
                .where(models.Token.id == token_id, models.Token.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
                .returning(models.Token.token_hash)
            )
            hashes = [h for (h,) in result]
        for digest in hashes:
            self._cache.pop(digest, None)
        return bool(hashes)

    def revoke_agent_tokens(self, agent_id: str) -> None:
        with self._db.session() as session:
            ids = session.scalars(
                select(models.Token.id).where(
                    models.Token.agent_id == agent_id, models.Token.revoked_at.is_(None)
                )
            ).all()
        for token_id in ids:
            self.revoke(token_id)

    def list(self) -> list[models.Token]:
        with self._db.session() as session:
            return list(session.scalars(select(models.Token).order_by(models.Token.created_at)))
