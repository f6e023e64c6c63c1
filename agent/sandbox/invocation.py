"""What the runner sends a worker for one call, already narrowed to what the grants allow."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from agent.sandbox.policy import Limits

__all__ = ["Abi", "Invocation"]

# How the plugin binary talks to the host: a WASI preview1 command module, or an `arcade:plugin` component.
Abi = Literal["wasi-command", "component"]


@dataclass(frozen=True)
class Invocation:
    """`workspace` is None unless the workspace is granted; `env` holds only granted keys present on the
    host; `allowed_hosts` the origins a component may fetch from."""

    abi: Abi
    path: Path
    request: dict[str, Any]
    workspace: Path | None
    workspace_access: str | None
    env: tuple[tuple[str, str], ...]
    allowed_hosts: tuple[str, ...]
    limits: Limits

    def to_message(self) -> dict[str, Any]:
        return {
            "abi": self.abi,
            "path": str(self.path),
            "request": self.request,
            "workspace": str(self.workspace) if self.workspace is not None else None,
            "workspace_access": self.workspace_access,
            "env": [list(pair) for pair in self.env],
            "allowed_hosts": list(self.allowed_hosts),
            "limits": asdict(self.limits),
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Invocation:
        abi = message.get("abi", "wasi-command")
        if abi not in ("wasi-command", "component"):
            raise ValueError(f"unknown plugin abi {abi!r}")
        workspace = message.get("workspace")
        return cls(
            abi=abi,
            path=Path(message["path"]),
            request=dict(message["request"]),
            workspace=Path(workspace) if workspace else None,
            workspace_access=message.get("workspace_access"),
            env=tuple((str(key), str(value)) for key, value in message.get("env", [])),
            allowed_hosts=tuple(str(origin) for origin in message.get("allowed_hosts", [])),
            limits=Limits(**message["limits"]),
        )
