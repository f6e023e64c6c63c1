"""The agents' side: verify signed metadata with `tuf.ngclient.Updater` and find plugin releases in it.

`TrustClient` starts from the root given at install and follows the root chain; every answer it gives
(`find`, `revocations`) comes from metadata that passed ngclient's checks: signatures and thresholds,
expiry (freeze), versions never going back (rollback), snapshot versions and hashes (mix-and-match) and
length limits (endless data).

Each refresh builds a new `Updater` (so every execution sees the current revocation list), which would load
and re-verify a publisher's role again on every lookup: about 200 ms for a namespace of 1,000 plugins. So
lookups in a delegated role are remembered per process, keyed by what the freshly verified metadata says
about that role: the top-level targets version (which any change of the delegation's keys bumps) and the
role's version in the snapshot, and only until the role expires. A new release, a revoked key or a rotated
delegation changes the key.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tuf.api import exceptions as tuf_errors
from tuf.api.metadata import TargetFile
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
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
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
        self._clock = clock  # only for the expiry of remembered lookups; ngclient keeps its own
        # (targets version, role, role version in the snapshot, target path) -> what get_targetinfo answered,
        # and when the role that answered expires
        self._lookups: OrderedDict[tuple[int, str, int, str], tuple[TargetFile | None, datetime]] = (
            OrderedDict()
        )

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

    def _targetinfo(self, updater: Updater, path: str) -> TargetFile | None:
        """`updater.get_targetinfo(path)`, remembered while the verified metadata names the same version of
        the delegated role that holds `path` (see the module's docstring)."""
        key = _lookup_key(updater, path)
        if key is None:
            return updater.get_targetinfo(path)
        remembered = self._lookups.get(key)
        if remembered is not None and remembered[1] > self._clock():
            self._lookups.move_to_end(key)
            return remembered[0]
        found = updater.get_targetinfo(path)  # loads and verifies the role (expired: refused)
        expires = _role_expiry(updater, key[1])
        if expires is not None:
            self._lookups[key] = (found, expires)
            while len(self._lookups) > _MAX_LOOKUPS:
                self._lookups.popitem(last=False)
        return found

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
            index = self._targetinfo(updater, index_path(ref.name))
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
            target = self._targetinfo(updater, path)
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


_MAX_LOOKUPS = 4096


def _lookup_key(updater: Updater, path: str) -> tuple[int, str, int, str] | None:
    """What identifies the answer for `path` in the metadata `updater` just verified: None when `path` is
    not in a namespace role delegated by the top-level targets (nothing is remembered then)."""
    trusted = getattr(updater, "_trusted_set", None)  # python-tuf 7 (pinned <8); without it: no memo
    try:
        targets = trusted.targets  # type: ignore[union-attr]
        snapshot = trusted.snapshot  # type: ignore[union-attr]
    except (AttributeError, KeyError):
        return None
    role = path.split("/", 1)[0]
    delegations = targets.delegations
    if delegations is None or not delegations.roles or role not in delegations.roles:
        return None
    meta = snapshot.meta.get(f"{role}.json")
    if meta is None:
        return None
    return targets.version, role, meta.version, path


def _role_expiry(updater: Updater, role: str) -> datetime | None:
    try:
        return updater._trusted_set[role].expires  # type: ignore[no-any-return]
    except (AttributeError, KeyError):
        return None
