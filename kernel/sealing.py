"""Sealing credentials stored outside the secrets table (webhook secrets) with the kernel's secret key."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from kernel.errors import FailedPrecondition, KernelError

SEALED_PREFIX = "fernet:"


class CredentialSeal:
    """Encrypts credentials stored outside the secrets table (webhook secrets) with the same key.

    Stored values carry SEALED_PREFIX; a value without it was stored in clear by an older kernel, is still
    readable, and is sealed by `seal_legacy` once a key is configured.
    """

    def __init__(self, key: str | None) -> None:
        self._fernet = Fernet(key.encode()) if key else None

    @property
    def available(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str, what: str) -> str:
        if self._fernet is None:
            raise FailedPrecondition(
                f"{what} cannot be stored: set ARCADE_SECRET_KEY (a Fernet key) so it is stored encrypted; "
                "only a SQLite database gets a generated key file"
            )
        return SEALED_PREFIX + self._fernet.encrypt(value.encode()).decode()

    def unseal(self, stored: str, what: str) -> str:
        if not stored.startswith(SEALED_PREFIX):
            return stored  # stored in clear before values were sealed
        if self._fernet is None:
            raise FailedPrecondition(f"{what} cannot be read: ARCADE_SECRET_KEY is not set")
        try:
            return self._fernet.decrypt(stored.removeprefix(SEALED_PREFIX).encode()).decode()
        except InvalidToken:
            raise KernelError(
                f"cannot decrypt {what}: ARCADE_SECRET_KEY is not the key it was stored with"
            ) from None
