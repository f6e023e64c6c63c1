"""The agent's identity with the kernel: first registration (with backoff) and renewal after UNAUTHENTICATED.

Any thread whose call came back UNAUTHENTICATED (revoked token, kernel reset) calls `renew` with the
generation it used; the first one registers again, the others see the new generation and just retry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from agent.backoff import Backoff
from agent.errors import (
    AgentError,
    PeerError,
    PeerRejected,
    PeerUnavailable,
    RegistrationRejected,
    Unauthenticated,
)
from agent.peer import AgentInfo, InstalledPlugin, Peer, Registration

__all__ = [
    "Registrar",
    "Renewer",
    "recover_unauthenticated",
]

log = logging.getLogger("arcade.agent")

DEFAULT_HEARTBEAT_INTERVAL = 10.0
DEFAULT_HEARTBEAT_TIMEOUT = 30.0


class Renewer(Protocol):
    """What a background sender needs to recover from UNAUTHENTICATED."""

    @property
    def generation(self) -> int:
        """Increases with every successful registration."""
        ...

    def renew(self, seen_generation: int) -> None:
        """Register again unless that already happened since `seen_generation`; raises PeerError."""


def recover_unauthenticated(renewer: Renewer | None, seen_generation: int) -> bool:
    """Try to renew after UNAUTHENTICATED; True if the caller may retry at once, False to back off first."""
    if renewer is None:
        return False
    try:
        renewer.renew(seen_generation)
    except AgentError as error:
        log.info("cannot register again yet: %s", error)
        return False
    return True


class Registrar:
    """Holds the current registration and performs (re-)registration, one at a time."""

    def __init__(
        self,
        peer: Peer,
        info: AgentInfo,
        *,
        on_rejected: Callable[[RegistrationRejected], None] | None = None,
        backoff: Backoff | None = None,
        installed_plugins: Callable[[], Sequence[InstalledPlugin]] | None = None,
    ) -> None:
        self._peer = peer
        self._info = info
        self._installed_plugins = installed_plugins
        self._on_rejected = on_rejected
        self._backoff = backoff or Backoff(0.1, 3.0)
        self._lock = threading.Lock()
        self._generation = 0
        self._current: Registration | None = None
        self._rejected: RegistrationRejected | None = None
        self._listeners: list[Callable[[Registration, int], None]] = []
        # Renewals are spaced out: two agents registered under one name would otherwise take the name from
        # each other in a tight loop (the kernel revokes the older one's token on every registration).
        self._renew_backoff = Backoff(1.0, 60.0)
        self._renew_not_before = 0.0
        self._registered_at = 0.0

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def current(self) -> Registration | None:
        return self._current

    @property
    def heartbeat_interval(self) -> float:
        current = self._current
        if current is None or current.heartbeat_interval_seconds <= 0:
            return DEFAULT_HEARTBEAT_INTERVAL
        return current.heartbeat_interval_seconds

    @property
    def heartbeat_timeout(self) -> float:
        current = self._current
        if current is None or current.heartbeat_timeout_seconds <= 0:
            return DEFAULT_HEARTBEAT_TIMEOUT
        return current.heartbeat_timeout_seconds

    def on_registered(self, listener: Callable[[Registration, int], None]) -> None:
        """Call `listener(registration, generation)` after every successful (re-)registration."""
        self._listeners.append(listener)

    def apply_config(self, interval: float, timeout: float) -> None:
        """Take new heartbeat settings from the kernel (zero keeps the current value)."""
        with self._lock:
            current = self._current
            if current is None:
                return
            self._current = Registration(
                agent_id=current.agent_id,
                agent_token=current.agent_token,
                heartbeat_interval_seconds=interval if interval > 0 else current.heartbeat_interval_seconds,
                heartbeat_timeout_seconds=timeout if timeout > 0 else current.heartbeat_timeout_seconds,
            )

    def establish(self, stop: threading.Event) -> Registration | None:
        """Register, retrying with backoff while the kernel is unreachable; None if `stop` was set first.

        Raises RegistrationRejected when the kernel refuses the registration token.
        """
        self._backoff.reset()
        while not stop.is_set():
            try:
                with self._lock:
                    return self._register_locked()
            except RegistrationRejected:
                raise
            except PeerError as error:
                delay = self._backoff.next_delay()
                log.warning("cannot register with the kernel (%s); retrying in %.1fs", error, delay)
                stop.wait(delay)
        return None

    def renew(self, seen_generation: int) -> None:
        with self._lock:
            if self._generation != seen_generation:
                return
            now = time.monotonic()
            if now < self._renew_not_before:
                raise PeerUnavailable(
                    f"registering again in {self._renew_not_before - now:.1f}s", "RENEWAL_POSTPONED"
                )
            if now - self._registered_at > self._renew_backoff.maximum:
                self._renew_backoff.reset()
            self._renew_not_before = now + self._renew_backoff.next_delay()
            log.warning(
                "the kernel refused the agent token (revoked, kernel reset, or another agent took"
                " the name %r); registering again",
                self._info.name,
            )
            self._register_locked()

    def _register_locked(self) -> Registration:
        if self._rejected is not None:
            raise self._rejected
        try:
            registration = self._peer.register(self._info_now())
        except (Unauthenticated, PeerRejected) as error:
            self._rejected = RegistrationRejected(
                f"the kernel rejected the registration ({error}); check the registration token", error.code
            )
            if self._on_rejected is not None:
                self._on_rejected(self._rejected)
            raise self._rejected from None
        except PeerError:
            raise
        except Exception as error:  # a bug in a peer must not kill the registration loop silently
            raise PeerUnavailable(f"registration failed: {error}") from error
        self._current = registration
        self._generation += 1
        self._registered_at = time.monotonic()
        log.info(
            "registered as %s (agent id %s, heartbeat every %.1fs)",
            self._info.name,
            registration.agent_id,
            self.heartbeat_interval,
        )
        for listener in self._listeners:
            listener(registration, self._generation)
        return registration

    def _info_now(self) -> AgentInfo:
        """The agent's info with the plugins it holds right now (listed again at every registration)."""
        if self._installed_plugins is None:
            return self._info
        try:
            installed = tuple(self._installed_plugins())
        except Exception:  # a broken plugin folder must not keep the agent from registering
            log.exception("cannot list the installed plugins; registering without them")
            installed = ()
        return replace(self._info, installed_plugins=installed)
