"""The publisher's side: sign a new version of the namespace's delegated role with one more release."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from securesystemslib.signer import Signer
from tuf.api.metadata import Metadata, Targets
from tuf.api.serialization import DeserializationError

from registry.trust.layout import EXPIRY, parse_release_path, utc_now, validate_namespace
from registry.trust.releases import build_index, check_role_update, release_target

__all__ = ["sign_release"]


def sign_release(
    role_metadata: bytes | None,
    namespace: str,
    signer: Signer,
    target_path: str,
    length: int,
    sha256: str,
    manifest: dict[str, Any],
    now: datetime | None = None,
) -> bytes:
    """The next version of `namespace`'s role, with the release `target_path` (`ns/name@version`) added.

    `role_metadata` is the role as published now (None for the namespace's first release). The result,
    signed with `signer`, is what the publisher uploads to `OnlineRepository.accept_delegated_update`;
    it is checked here with the same rules the repository applies (PublishRefused when broken).
    """
    validate_namespace(namespace)
    parsed = parse_release_path(target_path)
    if parsed is None:
        raise ValueError(f"invalid target path {target_path!r}: expected NS/NAME@VERSION")
    if role_metadata is None:
        current = None
        md = Metadata(Targets(version=1))
    else:
        try:
            md = Metadata.from_bytes(role_metadata)
        except DeserializationError as exc:
            raise ValueError(f"{namespace}: the current role is not TUF metadata ({exc})") from None
        if not isinstance(md.signed, Targets):
            raise ValueError(f"{namespace}: the current role is {md.signed.type} metadata, not targets")
        current = Metadata.from_bytes(role_metadata).signed
    role = md.signed
    now = now or utc_now()
    name = parsed[0]
    role.targets[target_path] = release_target(target_path, length, sha256.lower(), manifest)
    versions = [found[1] for path in role.targets if (found := parse_release_path(path)) and found[0] == name]
    role.targets[name] = build_index(name, versions)
    if current is not None:
        role.version += 1
    role.expires = now + EXPIRY["delegated"]
    check_role_update(namespace, current, role, now)
    md.signatures.clear()
    md.sign(signer)
    return md.to_bytes()
