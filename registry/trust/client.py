"""The agents' side: verify signed metadata with `tuf.ngclient.Updater` and find plugin releases in it.

`TrustClient` starts from the root given at install and follows the root chain; every answer it gives
(`find`, `revocations`) comes from metadata that passed ngclient's checks: signatures and thresholds,
expiry (freeze), versions never going back (rollback), snapshot versions and hashes (mix-and-match) and
length limits (endless data).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuf.api import exceptions as tuf_errors
from tuf.ngclient import FetcherInterface, Updater, UpdaterConfig

from plugin_sdk.refs import newest_match, parse_plugin_ref
from registry.errors import MetadataUnavailable, RevokedError, TargetNotFound, TrustDirError, TrustError
from registry.trust.fetchers import METADATA_URL
from registry.trust.layout import REVOCATIONS_PATH, index_path, release_path
from registry.trust.revocations import Revocation, RevocationList

__all__ = ["TrustClient", "VerifiedTarget"]

_WHY = {
    tuf_errors.ExpiredMetadataError: "expired (a frozen or stale repository)",
    tuf_errors.EqualVersionNumberError: "replayed at the version already trusted",
    tuf_errors.BadVersionNumberError: "older than what was already trusted, or not the version the snapshot "
    "names (rollback or mixed metadata)",
    tuf_errors.UnsignedMetadataError: "not signed by the required keys",
    tuf_errors.LengthOrHashMismatchError: "not the length/hash the snapshot names (mixed metadata)",
}


@dataclass(frozen=True)
class VerifiedTarget:
    """A release whose metadata verified: download exactly `length` bytes hashing to `sha256`."""

    name: str
    version: str
    length: int
    sha256: str
    manifest: dict[str, Any]
    target_path: str
    warning: str | None = None  # set when the release is revoked with action `warn`


@contextmanager
def _verifying(what: str) -> Iterator[None]:
    try:
        yield
    except tuf_errors.RepositoryError as exc:
        why = next((text for kind, text in _WHY.items() if isinstance(exc, kind)), "failed verification")
        raise TrustError(f"{what}: signed metadata refused, {why}: {exc}") from exc
    except tuf_errors.DownloadError as exc:
        raise MetadataUnavailable(f"{what}: cannot fetch signed metadata: {exc}") from exc


class TrustClient:
    """Verified lookups of plugin releases for one agent; `metadata_dir` is its private metadata cache."""

    def __init__(
        self,
        root: Path | bytes,
        metadata_dir: Path,
        fetcher: FetcherInterface,
        base_url: str = METADATA_URL,
        config: UpdaterConfig | None = None,
    ) -> None:
        if isinstance(root, bytes):
            self._root = root
        else:
            try:
                self._root = Path(root).read_bytes()
            except OSError as exc:
                raise TrustDirError(f"{root}: cannot read the trust root ({exc.strerror})") from None
        self.metadata_dir = Path(metadata_dir)
        self.fetcher = fetcher
        self.base_url = base_url
        self.config = config
        self._updater: Updater | None = None

    def refresh(self) -> None:
        """Fetch and verify root (through every rotation), timestamp, snapshot and targets."""
        self.metadata_dir.mkdir(parents=True, exist_ok=True)
        with _verifying("trust root"):
            updater = Updater(
                str(self.metadata_dir),
                self.base_url,
                fetcher=self.fetcher,
                config=self.config,
                bootstrap=self._root,
            )
        with _verifying("refresh"):
            updater.refresh()
        self._updater = updater

    def _ready(self) -> Updater:
        if self._updater is None:
            self.refresh()
        assert self._updater is not None
        return self._updater

    def revocations(self) -> RevocationList:
        """The signed revocation list of the targets version verified by the last refresh."""
        updater = self._ready()
        with _verifying(REVOCATIONS_PATH):
            target = updater.get_targetinfo(REVOCATIONS_PATH)
        if target is None:
            raise TrustError(f"{REVOCATIONS_PATH}: the signed targets carry no revocation list")
        try:
            return RevocationList.from_custom(target.custom)
        except (KeyError, TypeError, ValueError) as exc:
            raise TrustError(f"{REVOCATIONS_PATH}: malformed revocation list ({exc})") from None

    def check_revocation(self, name: str, version: str, sha256: str) -> Revocation | None:
        """Raise RevokedError if the release is blocked; return its `warn` revocation, if any."""
        revocation = self.revocations().lookup(release_path(name, version), sha256)
        if revocation is not None and revocation.blocks:
            raise RevokedError(f"{name}@{version}: {revocation.describe()}; it will not run")
        return revocation

    def find(self, name: str, version_range: str = "*") -> VerifiedTarget:
        """The newest release of `name` that `version_range` accepts (an exact version or an npm range).

        Raises TargetNotFound, TrustError (metadata failed verification) or RevokedError (the only matching
        releases are revoked with `block`; newer revoked releases are skipped for older good ones).
        """
        ref = parse_plugin_ref(f"{name}@{version_range}")
        updater = self._ready()
        with _verifying(name):
            index = updater.get_targetinfo(index_path(ref.name))
        if index is None:
            raise TargetNotFound(f"{ref.name}: no such plugin in the signed registry metadata")
        versions = index.custom.get("versions", []) if isinstance(index.custom, dict) else []
        revocations = self.revocations()
        blocked = {v for v in versions if (r := revocations.lookup(release_path(ref.name, v))) and r.blocks}
        version = newest_match(ref, [v for v in versions if v not in blocked])
        if version is None:
            revoked = newest_match(ref, blocked)
            if revoked is not None:
                raise RevokedError(f"{ref}: {revocations.lookup(release_path(ref.name, revoked)).describe()}")
            raise TargetNotFound(f"{ref}: no published version matches (published: {', '.join(versions)})")
        path = release_path(ref.name, version)
        with _verifying(path):
            target = updater.get_targetinfo(path)
        if target is None:
            raise TrustError(f"{path}: listed in the signed version index but not signed itself")
        manifest = target.custom.get("manifest") if isinstance(target.custom, dict) else None
        if not isinstance(manifest, dict) or "sha256" not in target.hashes:
            raise TrustError(f"{path}: the signed target has no manifest or no sha256")
        warning = self.check_revocation(ref.name, version, target.hashes["sha256"])
        return VerifiedTarget(
            ref.name,
            version,
            target.length,
            target.hashes["sha256"],
            manifest,
            path,
            warning.describe() if warning else None,
        )
