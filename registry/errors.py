"""The registry's exception tree: one root, `RegistryError`, caught once where it meets HTTP, gRPC or the CLI.

RegistryError
├── KeyFileError        a key file is missing, unreadable, not a key, or not an Ed25519 key
├── TrustDirError       an admin's TRUST folder is missing, incomplete or inconsistent
├── PublishRefused      the online repository refused a publisher's signed update (nothing was changed)
├── MetadataUnavailable signed metadata could not be fetched (network, missing file)
├── TargetNotFound      no signed target matches the plugin name and version range
├── TrustError          signed metadata failed verification (signature, expiry, rollback, mix-and-match)
│   └── RevokedError    the plugin version or its publisher key is on the signed revocation list
├── IntegrityError      stored or downloaded bytes do not match their length and sha256
└── PackageTooLarge     a package is over the configured size limit
"""

from __future__ import annotations

__all__ = [
    "IntegrityError",
    "KeyFileError",
    "MetadataUnavailable",
    "PackageTooLarge",
    "PublishRefused",
    "RegistryError",
    "RevokedError",
    "TargetNotFound",
    "TrustDirError",
    "TrustError",
]


class RegistryError(Exception):
    """Root of the plugin registry's errors."""


class KeyFileError(RegistryError):
    """A key file is missing, unreadable, not a key, or of the wrong type; the message names the file."""


class TrustDirError(RegistryError):
    """An admin's TRUST folder is missing, incomplete or inconsistent; the message names the file."""


class PublishRefused(RegistryError):
    """The online repository refused a delegated-role update; the repository is unchanged."""


class MetadataUnavailable(RegistryError):
    """Signed metadata could not be fetched."""


class TargetNotFound(RegistryError):
    """No signed target matches the plugin name and version range."""


class TrustError(RegistryError):
    """Signed metadata failed verification; nothing it describes may be used."""


class RevokedError(TrustError):
    """The plugin version (or the key that signed it) is revoked by the signed revocation list."""


class IntegrityError(RegistryError):
    """Bytes differ in length or SHA-256 from what was asked for (tampered); the message names the digest."""

    def __init__(self, message: str, digest: str | None = None) -> None:
        super().__init__(message)
        self.digest = digest


class PackageTooLarge(RegistryError):
    """A plugin package is larger than allowed; nothing of it was stored."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = limit
