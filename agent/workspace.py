"""Job workspaces: a fresh directory per job run under `<workdir>/workspaces/`, removed afterwards."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

from agent.errors import WorkspaceError

__all__ = [
    "Workspaces",
]

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class Workspaces:
    def __init__(self, workdir: Path) -> None:
        self.root = Path(workdir).absolute() / "workspaces"

    def path_for(self, job_run_id: str) -> Path:
        """Where the job's workspace lives; raises WorkspaceError for an id that is not a safe file name."""
        if not _SAFE_ID.fullmatch(job_run_id) or ".." in job_run_id:
            raise WorkspaceError(f"job run id {job_run_id!r} cannot name a workspace directory")
        return self.root / job_run_id

    def create(self, job_run_id: str) -> Path:
        """A new, empty workspace for the job (an old one with the same id is removed first)."""
        path = self.path_for(job_run_id)
        try:
            if path.exists():
                shutil.rmtree(path)
            path.mkdir(parents=True)
        except OSError as error:
            raise WorkspaceError(f"cannot create workspace {path}: {error}") from error
        return path

    def remove(self, path: Path) -> None:
        """Delete a workspace, read-only directories included; raises WorkspaceError if that fails."""
        try:
            shutil.rmtree(path)
        except FileNotFoundError:
            return
        except OSError:
            _make_writable(path)
            try:
                shutil.rmtree(path)
            except FileNotFoundError:
                return
            except OSError as error:
                raise WorkspaceError(f"could not remove workspace {path}: {error}") from error


def _make_writable(directory: Path | str) -> None:
    """Give the owner rwx on `directory` and every directory below it (Go leaves read-only trees)."""
    try:
        os.chmod(directory, stat.S_IRWXU)
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _make_writable(entry.path)
