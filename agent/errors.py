"""The agent's exception tree; every error the agent raises on purpose derives from `AgentError`.

AgentError
├── ConfigError             bad AgentConfig values
├── WorkspaceError          a job workspace could not be created or removed
├── ArchiveError            an artifact could not be packed, or an archive is unsafe to unpack
├── PluginUnavailable       a step's plugin could not be found, unpacked or loaded
│   └── PinMismatch         the plugin found is not the package (sha256) the kernel pinned
└── PeerError               a call to the kernel failed (carries the wire status name in `code`)
    ├── PeerUnavailable     transient: kernel down, restarting, overloaded; retry with backoff
    ├── Unauthenticated     the agent token was refused; register again
    │   └── RegistrationRejected   the registration token itself was refused; fatal
    ├── Unimplemented       the kernel does not offer this call (e.g. no Connect stream)
    └── PeerRejected        the kernel refused this request for good; retrying will not help
"""

from __future__ import annotations

__all__ = [
    "AgentError",
    "ArchiveError",
    "ConfigError",
    "PeerError",
    "PeerRejected",
    "PeerUnavailable",
    "PinMismatch",
    "PluginUnavailable",
    "RegistrationRejected",
    "Unauthenticated",
    "Unimplemented",
    "WorkspaceError",
]


class AgentError(Exception):
    """Root of every error the agent raises on purpose."""


class ConfigError(AgentError):
    """An AgentConfig value is unusable."""


class WorkspaceError(AgentError):
    """A job workspace could not be created or removed."""


class ArchiveError(AgentError):
    """An artifact could not be packed, or a downloaded archive is unsafe or too large to unpack."""


class PluginUnavailable(AgentError):
    """A step's plugin could not be found in the plugin path, or its folder or package is unusable."""


class PinMismatch(PluginUnavailable):
    """The plugin found for a pinned step is not the package the kernel pinned (another sha256)."""


class PeerError(AgentError):
    """A call to the kernel failed; `code` names the wire status (e.g. "UNAVAILABLE")."""

    def __init__(self, message: str, code: str = "UNKNOWN") -> None:
        super().__init__(message)
        self.code = code


class PeerUnavailable(PeerError):
    """The kernel could not be reached or asked us to come back later; retrying later may succeed."""


class Unauthenticated(PeerError):
    """The kernel refused the agent's credentials; the agent registers again and retries."""


class RegistrationRejected(Unauthenticated):
    """The kernel refused the registration token itself; the agent cannot continue."""


class Unimplemented(PeerError):
    """The kernel does not implement the call (the agent falls back to another one)."""


class PeerRejected(PeerError):
    """The kernel refused this request for good (bad argument, unknown run, ...)."""
