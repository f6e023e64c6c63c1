"""The signed plugin registry (DESIGN §6): TUF trust (`registry.trust`), keys (`registry.keys`), plugin blobs
(`registry.blobs`) and the three-tier cache (`registry.cache`, `registry.metrics`)."""

from registry.errors import (
    IntegrityError,
    KeyFileError,
    MetadataUnavailable,
    PackageTooLarge,
    PublishRefused,
    RegistryError,
    RevokedError,
    TargetNotFound,
    TrustDirError,
    TrustError,
)

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
