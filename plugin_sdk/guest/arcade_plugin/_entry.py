"""The component's export: `run(action, input)` dispatches to the plugin's registered action.

componentize-py imports this module at build time, so `plugin.py` (and its import errors) are part of the
build and the snapshot starts with the actions registered. Everything an action raises becomes an `err`
result: raising anything but `Err` out of `run` would abort the whole instance.
"""

from __future__ import annotations

import json
import os
import traceback
from typing import Any

import plugin  # noqa: F401  (the plugin's plugin.py: importing it registers its actions)
import wit_world
from componentize_py_types import Err

from arcade_plugin import log
from arcade_plugin.actions import ActionError, Request, find_action, registered_actions
from arcade_plugin.http import HttpError

WORKSPACE = "/workspace"
NO_SOCKETS = (
    "denied: the plugin has no network permission for sockets "
    "(only HTTP through arcade_plugin.http, to the origins in permissions.network.allowed_hosts)"
)


class WitWorld(wit_world.WitWorld):
    def run(self, action: str, input: str) -> str:
        try:
            return _dispatch(action, input)
        except (ActionError, HttpError) as exc:
            raise Err(str(exc)) from None
        except MemoryError:
            raise Err("MemoryError: the plugin ran out of memory") from None
        except RecursionError as exc:
            raise Err(f"RecursionError: {exc}") from None
        except OSError as exc:
            raise Err(_os_error(action, exc)) from None
        except Exception as exc:
            log.error(traceback.format_exc().rstrip())
            raise Err(f"action {action!r} raised {type(exc).__name__}: {exc}") from None
        except SystemExit as exc:
            raise Err(f"action {action!r} called sys.exit({exc.code!r})") from None


def _dispatch(action: str, input: str) -> str:
    handler = find_action(action)
    if handler is None:
        known = ", ".join(registered_actions()) or "none"
        raise ActionError(f"unknown action {action!r} (this plugin has: {known})")
    data: dict[str, Any] = json.loads(input)
    os.environ.update(data.get("env") or {})  # the granted env keys (os.environ was frozen at build time)
    request = Request(
        action=action,
        args=data.get("args") or {},
        config=data.get("config") or {},
        context=data.get("context") or {},
        workspace=WORKSPACE if os.path.isdir(WORKSPACE) else None,
    )
    return json.dumps(handler(request))  # the host checks that it is a JSON object


def _os_error(action: str, exc: OSError) -> str:
    """The sandbox refused a socket, or a file operation (the host names the permission from the path)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if frames and frames[-1].filename.endswith("/socket.py"):
        return NO_SOCKETS
    log.error(traceback.format_exc().rstrip())
    return f"action {action!r} raised {type(exc).__name__}: {exc}"
