"""The admin's TRUST folder: offline keys and the admin's copy of root and targets metadata.

TRUST/root.json                      the newest root; give it to agents at install (`--trust-root`)
TRUST/metadata/N.root.json           every root version (the chain old agents follow)
TRUST/metadata/N.targets.json        every targets version (delegations, revocation list)
TRUST/metadata/1.snapshot.json, timestamp.json   the first snapshot/timestamp, signed at init
TRUST/keys/root-vV-I.key[.pub]       root keys of root version V (offline; retired ones in keys/retired/)
TRUST/keys/targets.key[.pub]         the targets key (offline)
TRUST/online/snapshot.key[.pub], timestamp.key[.pub]   the online keys, to hand to the kernel
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from securesystemslib.signer import Signer
from tuf.api.metadata import Metadata, Root, Targets

from registry.errors import TrustDirError
from registry.keys import load_signer
from registry.trust.layout import atomic_write, load_metadata, versioned_files

__all__ = ["OnlineKeys", "TrustDir", "load_online_keys"]


@dataclass(frozen=True)
class OnlineKeys:
    """The kernel's signers for the snapshot and timestamp roles."""

    snapshot: Signer
    timestamp: Signer


def load_online_keys(folder: Path) -> OnlineKeys:
    """The online keys in `folder` (TRUST/online: snapshot.key and timestamp.key)."""
    return OnlineKeys(load_signer(Path(folder) / "snapshot.key"), load_signer(Path(folder) / "timestamp.key"))


class TrustDir:
    """Paths and metadata of one TRUST folder."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.metadata_dir = self.path / "metadata"
        self.keys_dir = self.path / "keys"
        self.retired_dir = self.keys_dir / "retired"
        self.online_dir = self.path / "online"
        self.root_json = self.path / "root.json"
        self.targets_key = self.keys_dir / "targets.key"

    def require(self) -> None:
        if not self.root_json.is_file() or not self.metadata_dir.is_dir():
            raise TrustDirError(
                f"{self.path}: not a TRUST folder (run `arcade trust init --dir {self.path}`)"
            )

    def latest(self, role: str) -> tuple[Path, Metadata]:
        files = versioned_files(self.metadata_dir, role)
        if not files:
            raise TrustDirError(f"{self.metadata_dir}: no {role} metadata (N.{role}.json)")
        path = files[max(files)]
        md = load_metadata(path)
        if md.signed.type != role:
            raise TrustDirError(f"{path}: holds {md.signed.type} metadata, not {role}")
        return path, md

    def root(self) -> Metadata[Root]:
        return self.latest("root")[1]

    def targets(self) -> Metadata[Targets]:
        return self.latest("targets")[1]

    def write(self, md: Metadata, role: str) -> Path:
        """Write `md` as metadata/N.<role>.json (and root.json for a root); refuses to replace a version."""
        path = self.metadata_dir / f"{md.signed.version}.{role}.json"
        if path.exists():
            raise TrustDirError(f"{path}: already exists; metadata versions are never rewritten")
        data = md.to_bytes()
        atomic_write(path, data)
        if role == "root":
            atomic_write(self.root_json, data)
        return path

    def root_key_files(self) -> list[Path]:
        return sorted(self.keys_dir.glob("root-v*.key"))

    def root_signers(self, root: Root) -> list[Signer]:
        """The signers of the current root keys, checked against the root role (at least its threshold)."""
        role = root.roles[Root.type]
        signers = [load_signer(path) for path in self.root_key_files()]
        for path, signer in zip(self.root_key_files(), signers, strict=True):
            if signer.public_key.keyid not in role.keyids:
                raise TrustDirError(f"{path}: not a key of the current root (version {root.version})")
        if len(signers) < role.threshold:
            raise TrustDirError(
                f"{self.keys_dir}: {len(signers)} root key file(s), the root threshold is {role.threshold}"
            )
        return signers

    def targets_signer(self, root: Root) -> Signer:
        signer = load_signer(self.targets_key)
        if signer.public_key.keyid not in root.roles[Targets.type].keyids:
            raise TrustDirError(f"{self.targets_key}: not the targets key of the current root")
        return signer
