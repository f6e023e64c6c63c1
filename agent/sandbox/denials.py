"""Turn a guest's own report of a refused file-system call into an error naming the missing permission.

wasi-command guests get a WASI errno back (wasi-libc refuses paths outside every preopen itself, without a
host call) and usually print it the libc way (`open /etc/passwd: Capabilities insufficient`) before exiting
non-zero. The host cannot see which path the guest meant, so this reads the guest's last stderr lines (for a
component: its error, where the guest helpers put the OSError with its path). A missing file outside the
workspace counts as refused: nothing outside it can be reached.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

__all__ = ["WORKSPACE", "describe_denial"]

WORKSPACE = "/workspace"

# strerror texts (wasi-libc, Rust std) of the WASI errnos that mean "not allowed" rather than "not there".
_DENIED = re.compile(
    r"Capabilities insufficient|Bad file descriptor|Read-only file system|Operation not permitted"
    r"|Permission denied|pre-opened file descriptor|os error (2|8|63|69|76)\b",
    re.IGNORECASE,
)
_WRITE_HINT = re.compile(r"Read-only file system|Operation not permitted|os error (63|69)\b", re.IGNORECASE)
# "not there" is a denial too where nothing can be there: outside the workspace, or in one not granted.
_MISSING = re.compile(r"No such file or directory|os error 44\b", re.IGNORECASE)
_PATH = re.compile(r"""["'`]?(/[^\s"'`:,)]*)""")


def describe_denial(lines: Iterable[str], workspace_access: str | None) -> str | None:
    """The denial message for the first line (of stderr, or a component's error) that reports a refused
    file-system call, if any."""
    for line in lines:
        found = _PATH.search(line)
        path = posixpath.normpath(found[1]) if found else None
        inside = path is not None and (path == WORKSPACE or path.startswith(WORKSPACE + "/"))
        unreachable = path is not None and (not inside or workspace_access is None)
        if not (_DENIED.search(line) or (unreachable and _MISSING.search(line))):
            continue
        if inside and workspace_access == "ro" and _WRITE_HINT.search(line):
            return (
                f"denied: the plugin has read-only filesystem permission for {path} "
                "(writing needs fs.workspace: rw)"
            )
        if inside and workspace_access is None:
            return (
                f"denied: the plugin has no filesystem permission for {path} (needs fs.workspace: ro or rw)"
            )
        if path is not None and not inside:
            return (
                f"denied: the plugin has no filesystem permission for {path} "
                f"(only the job workspace at {WORKSPACE} can be granted)"
            )
        return f"denied: a filesystem operation was refused by the sandbox ({line.strip()})"
    return None
