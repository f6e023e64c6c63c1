"""`@action("name")` registers a plugin's action; `Request` is what an action gets; `ActionError` fails it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = ["ActionError", "Request", "action", "find_action", "registered_actions"]

Handler = Callable[["Request"], dict[str, Any]]
H = TypeVar("H", bound=Handler)

# One plugin per component, so one table per interpreter, filled while `plugin.py` is imported (at build).
_ACTIONS: dict[str, Handler] = {}


class ActionError(Exception):
    """Fails the step with this message (the `err` result of `run`), without a traceback in the log."""


@dataclass(frozen=True)
class Request:
    """One invocation: the action's `args`, the plugin's `config`, the job's `context`, and `workspace`, the
    path of the job workspace inside the sandbox ("/workspace") when the plugin is granted one, else None."""

    action: str
    args: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    workspace: str | None = None


def action(name: str) -> Callable[[H], H]:
    """Register the decorated function as the handler of action `name` (each name once)."""
    if not isinstance(name, str) or not name:
        raise ValueError("an action name must be a non-empty string")

    def register(handler: H) -> H:
        if name in _ACTIONS:
            raise ValueError(f"action {name!r} is registered twice")
        _ACTIONS[name] = handler
        return handler

    return register


def find_action(name: str) -> Handler | None:
    return _ACTIONS.get(name)


def registered_actions() -> list[str]:
    return sorted(_ACTIONS)
