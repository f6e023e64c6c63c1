"""The signed revocation list: the `revocations.json` target of top-level targets (offline targets key).

Its `custom` holds `revocations` (`{"target": "ns/name@version", "sha256"?, "reason", "action", "revoked"}`,
action `block`: never run it, `warn`: run it with a warning) and `revoked_keys` (publisher keys taken out of
their delegations, so nothing they signed verifies any more).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Revocation", "RevocationList"]


@dataclass(frozen=True)
class Revocation:
    """One revoked release, by target path and, when given, by package digest."""

    target: str
    reason: str
    action: str
    sha256: str | None = None

    @property
    def blocks(self) -> bool:
        return self.action != "warn"

    def describe(self) -> str:
        return f"{self.target} is revoked" + (f": {self.reason}" if self.reason else "")


@dataclass(frozen=True)
class RevocationList:
    """The revoked releases and keyids of one verified targets version."""

    revocations: tuple[Revocation, ...] = ()
    revoked_keyids: frozenset[str] = frozenset()

    @classmethod
    def from_custom(cls, custom: Any) -> RevocationList:
        """Parse the target's `custom`; ValueError when it is not a revocation list."""
        if not isinstance(custom, dict) or not isinstance(custom.get("revocations"), list):
            raise ValueError("the revocation list has no 'revocations' array")
        revocations = tuple(
            Revocation(
                str(item["target"]),
                str(item.get("reason", "")),
                str(item.get("action", "block")),
                item.get("sha256"),
            )
            for item in custom["revocations"]
        )
        keyids = frozenset(str(item["keyid"]) for item in custom.get("revoked_keys", []))
        return cls(revocations, keyids)

    def lookup(self, target: str, sha256: str | None = None) -> Revocation | None:
        """The revocation of release `target` (or of a package with digest `sha256`), blocking ones first."""
        found = [
            item for item in self.revocations if item.target == target or (sha256 and item.sha256 == sha256)
        ]
        found.sort(key=lambda item: not item.blocks)
        return found[0] if found else None
