"""The admin's offline operations on a TRUST folder: init, add a publisher, rotate root, revoke.

Each operation writes a new version of root or targets into TRUST/metadata (signed with the offline keys in
TRUST/keys); the online repository takes it with `OnlineRepository.sync(TRUST/metadata)`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import semantic_version
from securesystemslib.signer import CryptoSigner, Key, Signer
from tuf.api.metadata import (
    DelegatedRole,
    Delegations,
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    Targets,
    Timestamp,
)

from registry.errors import TrustDirError
from registry.keys import write_key_pair
from registry.trust.layout import (
    EXPIRY,
    REVOCATIONS_PATH,
    content_target,
    parse_release_path,
    utc_now,
    validate_namespace,
)
from registry.trust.trust_dir import TrustDir

__all__ = ["TrustInit", "add_publisher", "init", "revoke_key", "revoke_release", "rotate"]

REVOCATION_ACTIONS = ("block", "warn")


@dataclass(frozen=True)
class TrustInit:
    """What `init` created: the root agents are given, and the keyids of each role."""

    root_json: Path
    root_keyids: tuple[str, ...]
    threshold: int
    targets_keyid: str
    online_dir: Path


def _sign(md: Metadata, signers: list[Signer]) -> Metadata:
    md.signatures.clear()
    for signer in signers:
        md.sign(signer, append=True)
    return md


def init(trust_dir: Path, threshold: int = 1, root_keys: int = 1, now: datetime | None = None) -> TrustInit:
    """Create a TRUST folder: keys, root v1 (`threshold` of `root_keys`), targets, snapshot, timestamp."""
    if not 1 <= threshold <= root_keys:
        raise ValueError(f"threshold {threshold} must be between 1 and the number of root keys ({root_keys})")
    trust = TrustDir(trust_dir)
    if trust.root_json.exists() or trust.metadata_dir.exists():
        raise TrustDirError(f"{trust.path}: already holds trust metadata; refusing to overwrite it")
    for folder in (trust.metadata_dir, trust.keys_dir, trust.online_dir):
        folder.mkdir(parents=True, exist_ok=True)
    trust.keys_dir.chmod(0o700)
    now = now or utc_now()

    root_signers = [CryptoSigner.generate_ed25519() for _ in range(root_keys)]
    for number, signer in enumerate(root_signers, start=1):
        write_key_pair(signer, trust.keys_dir / f"root-v1-{number}.key")
    targets_signer = CryptoSigner.generate_ed25519()
    write_key_pair(targets_signer, trust.targets_key)
    online = {role: CryptoSigner.generate_ed25519() for role in (Snapshot.type, Timestamp.type)}
    for role, signer in online.items():
        write_key_pair(signer, trust.online_dir / f"{role}.key")

    root = Root(version=1, expires=now + EXPIRY["root"], consistent_snapshot=True)
    for signer in root_signers:
        root.add_key(signer.public_key, Root.type)
    root.roles[Root.type].threshold = threshold
    root.add_key(targets_signer.public_key, Targets.type)
    for role, signer in online.items():
        root.add_key(signer.public_key, role)
    trust.write(_sign(Metadata(root), root_signers), Root.type)

    targets = Targets(version=1, expires=now + EXPIRY["targets"])
    targets.targets[REVOCATIONS_PATH] = content_target(
        REVOCATIONS_PATH, {"revocations": [], "revoked_keys": []}
    )
    trust.write(_sign(Metadata(targets), [targets_signer]), Targets.type)

    snapshot = Snapshot(version=1, expires=now + EXPIRY["snapshot"], meta={"targets.json": MetaFile(1)})
    trust.write(_sign(Metadata(snapshot), [online[Snapshot.type]]), Snapshot.type)
    timestamp = Timestamp(version=1, expires=now + EXPIRY["timestamp"], snapshot_meta=MetaFile(1))
    _sign(Metadata(timestamp), [online[Timestamp.type]]).to_file(str(trust.metadata_dir / "timestamp.json"))
    return TrustInit(
        trust.root_json,
        tuple(signer.public_key.keyid for signer in root_signers),
        threshold,
        targets_signer.public_key.keyid,
        trust.online_dir,
    )


def _update_targets(trust: TrustDir, change: Any, now: datetime | None) -> int:
    """Apply `change(targets)` to the newest targets, re-sign it as the next version; return that version."""
    trust.require()
    root = trust.root().signed
    md = trust.targets()
    signer = trust.targets_signer(root)
    change(md.signed)
    md.signed.version += 1
    md.signed.expires = (now or utc_now()) + EXPIRY["targets"]
    trust.write(_sign(md, [signer]), Targets.type)
    return md.signed.version


def _revocation_document(targets: Targets) -> dict[str, Any]:
    current = targets.targets.get(REVOCATIONS_PATH)
    custom = current.custom if current is not None else None
    return custom if isinstance(custom, dict) else {"revocations": [], "revoked_keys": []}


def add_publisher(trust_dir: Path, namespace: str, public_key: Key, now: datetime | None = None) -> int:
    """Delegate `<namespace>/*` to `public_key` (replacing the namespace's key if it had one)."""
    validate_namespace(namespace)

    def change(targets: Targets) -> None:
        revoked = {item["keyid"] for item in _revocation_document(targets)["revoked_keys"]}
        if public_key.keyid in revoked:
            raise ValueError(f"key {public_key.keyid} was revoked; generate a new one for {namespace!r}")
        if targets.delegations is None or targets.delegations.roles is None:
            targets.delegations = Delegations(keys={}, roles={})
        roles = targets.delegations.roles
        assert roles is not None
        if namespace in roles:
            for keyid in list(roles[namespace].keyids):
                targets.revoke_key(keyid, namespace)
        else:
            roles[namespace] = DelegatedRole(namespace, [], 1, True, paths=[f"{namespace}/*"])
        targets.add_key(public_key, namespace)

    return _update_targets(TrustDir(trust_dir), change, now)


def revoke_key(trust_dir: Path, public_key: Key, reason: str = "", now: datetime | None = None) -> list[str]:
    """Remove `public_key` from every delegation and list it as revoked; returns the namespaces it held."""
    held: list[str] = []

    def change(targets: Targets) -> None:
        roles = targets.delegations.roles if targets.delegations else None
        held.extend(name for name, role in (roles or {}).items() if public_key.keyid in role.keyids)
        if not held:
            raise ValueError(f"key {public_key.keyid} is not the key of any publisher namespace")
        for namespace in held:
            targets.revoke_key(public_key.keyid, namespace)
        document = _revocation_document(targets)
        document["revoked_keys"].append(
            {
                "keyid": public_key.keyid,
                "namespaces": held,
                "reason": reason,
                "revoked": utc_now().isoformat(),
            }
        )
        targets.targets[REVOCATIONS_PATH] = content_target(REVOCATIONS_PATH, document)

    _update_targets(TrustDir(trust_dir), change, now)
    return held


def revoke_release(
    trust_dir: Path,
    release: str,
    reason: str = "",
    action: str = "block",
    sha256: str | None = None,
    now: datetime | None = None,
) -> int:
    """Put `ns/name@version` on the signed revocation list (`block`: never run; `warn`: run, but warn)."""
    parsed = parse_release_path(release)
    if parsed is None or not semantic_version.validate(parsed[1]):
        raise ValueError(
            f"invalid release {release!r}: expected NS/NAME@VERSION with an exact semver version"
        )
    if action not in REVOCATION_ACTIONS:
        raise ValueError(f"invalid action {action!r}: expected one of {', '.join(REVOCATION_ACTIONS)}")

    def change(targets: Targets) -> None:
        document = _revocation_document(targets)
        entries = [item for item in document["revocations"] if item["target"] != release]
        entry = {"target": release, "reason": reason, "action": action, "revoked": utc_now().isoformat()}
        if sha256:
            entry["sha256"] = sha256
        document["revocations"] = [*entries, entry]
        targets.targets[REVOCATIONS_PATH] = content_target(REVOCATIONS_PATH, document)

    return _update_targets(TrustDir(trust_dir), change, now)


def rotate(trust_dir: Path, now: datetime | None = None) -> int:
    """A new root version with new root keys, signed by the old and new keys; returns its version."""
    trust = TrustDir(trust_dir)
    trust.require()
    old_md = trust.root()
    old = old_md.signed
    old_signers = trust.root_signers(old)
    old_files = trust.root_key_files()
    new_md = Metadata.from_bytes(old_md.to_bytes())
    root = new_md.signed
    root.version += 1
    root.expires = (now or utc_now()) + EXPIRY["root"]
    for keyid in list(root.roles[Root.type].keyids):
        root.revoke_key(keyid, Root.type)
    new_signers = [CryptoSigner.generate_ed25519() for _ in old.roles[Root.type].keyids]
    for signer in new_signers:
        root.add_key(signer.public_key, Root.type)
    _sign(new_md, old_signers + new_signers)
    old_md.verify_delegate(Root.type, new_md)  # the old threshold signed it
    new_md.verify_delegate(Root.type, new_md)  # and the new one
    trust.retired_dir.mkdir(exist_ok=True)
    for number, signer in enumerate(new_signers, start=1):
        write_key_pair(signer, trust.keys_dir / f"root-v{root.version}-{number}.key")
    trust.write(new_md, Root.type)
    for path in old_files:
        for file in (path, path.with_name(path.name + ".pub")):
            shutil.move(file, trust.retired_dir / file.name)
    return root.version
