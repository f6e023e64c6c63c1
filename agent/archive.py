"""Artifact archives: packing workspace files that match a glob, and unpacking downloads safely.

Packing never leaves the workspace: matches under a symbolic link, and links themselves, are skipped.
Unpacking checks every member before writing anything: only regular files and folders with relative paths
that stay inside the target, no links or device files, at most `MAX_UNPACKED_BYTES` and `MAX_MEMBERS`.
"""

from __future__ import annotations

import glob
import os
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from agent.errors import ArchiveError

__all__ = [
    "MAX_MEMBERS",
    "MAX_UNPACKED_BYTES",
    "Collected",
    "collect",
    "pack",
    "unpack",
]

MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_MEMBERS = 100_000
_COPY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Collected:
    """The files a glob matched (relative POSIX paths, sorted) and how many links were skipped."""

    files: tuple[str, ...]
    skipped_links: int


def collect(workspace: Path, pattern: str) -> Collected:
    """Regular files matching `pattern` (relative to `workspace`; a matched folder brings all its files)."""
    root = Path(workspace)
    files: set[str] = set()
    skipped = 0
    for match in glob.glob(pattern, root_dir=root, recursive=True):
        relative = PurePosixPath(Path(match).as_posix())
        if relative.is_absolute() or ".." in relative.parts:
            continue
        if _through_link(root, relative):
            skipped += 1
            continue
        path = root / relative
        mode = path.lstat().st_mode
        if stat.S_ISREG(mode):
            files.add(relative.as_posix())
        elif stat.S_ISDIR(mode):
            for folder, dirs, names in os.walk(path, followlinks=False):
                for name in [*names, *(d for d in dirs if os.path.islink(os.path.join(folder, d)))]:
                    item = Path(folder, name)
                    if stat.S_ISREG(item.lstat().st_mode):
                        files.add(item.relative_to(root).as_posix())
                    elif item.is_symlink():
                        skipped += 1
    return Collected(tuple(sorted(files)), skipped)


def _through_link(root: Path, relative: PurePosixPath) -> bool:
    """Whether the path or any folder on the way to it is a symbolic link (which may lead outside)."""
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def pack(workspace: Path, files: tuple[str, ...], target: BinaryIO) -> None:
    """Write `files` (relative to `workspace`) into `target` as a tar.gz with their relative paths."""

    def anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    try:
        with tarfile.open(fileobj=target, mode="w:gz") as tar:
            for name in files:
                tar.add(Path(workspace, name), arcname=name, recursive=False, filter=anonymous)
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"cannot pack the artifact: {error}") from error


def unpack(
    archive: BinaryIO, target: Path, max_bytes: int = MAX_UNPACKED_BYTES, max_members: int = MAX_MEMBERS
) -> int:
    """Extract the tar.gz `archive` into `target` after checking every member; returns the files written."""
    try:
        with tarfile.open(fileobj=archive, mode="r:gz") as tar:
            members = _checked_members(tar, max_bytes, max_members)
            root = Path(target).resolve()
            for member in members:
                _extract(tar, member, root)
    except tarfile.TarError as error:
        raise ArchiveError(f"not a valid tar.gz archive: {error}") from error
    except OSError as error:
        raise ArchiveError(f"cannot unpack the archive: {error}") from error
    return sum(1 for member in members if member.isfile())


def _checked_members(tar: tarfile.TarFile, max_bytes: int, max_members: int) -> list[tarfile.TarInfo]:
    members: list[tarfile.TarInfo] = []
    total = 0
    seen: set[str] = set()
    for member in tar:
        if len(members) >= max_members:
            raise ArchiveError(f"the archive has more than {max_members} entries")
        name = member.name
        path = PurePosixPath(name)
        if not name or name.startswith(("/", "\\")) or path.is_absolute():
            raise ArchiveError(f"archive entry {name!r} has an absolute path")
        if ".." in path.parts or "\\" in name:
            raise ArchiveError(f"archive entry {name!r} leads outside the workspace")
        if member.issym() or member.islnk():
            raise ArchiveError(f"archive entry {name!r} is a link; links are not unpacked")
        if not (member.isfile() or member.isdir()):
            raise ArchiveError(f"archive entry {name!r} is a device, FIFO or other special file")
        normal = path.as_posix()
        if member.isfile() and normal in seen:
            raise ArchiveError(f"archive entry {name!r} appears twice")
        seen.add(normal)
        total += member.size
        if total > max_bytes:
            raise ArchiveError(f"the archive unpacks to more than {max_bytes} bytes")
        members.append(member)
    return members


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, root: Path) -> None:
    destination = root / PurePosixPath(member.name)
    if not destination.resolve().is_relative_to(root):
        raise ArchiveError(f"archive entry {member.name!r} leads outside the workspace")
    if member.isdir():
        destination.mkdir(parents=True, exist_ok=True)
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    if not destination.parent.resolve().is_relative_to(root):
        raise ArchiveError(f"archive entry {member.name!r} leads outside the workspace")
    source = tar.extractfile(member)
    if source is None:
        raise ArchiveError(f"archive entry {member.name!r} has no content")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(destination, flags, (member.mode & 0o755) | 0o600)
    written = 0
    with os.fdopen(descriptor, "wb") as out, source:
        while chunk := source.read(_COPY_BYTES):
            written += len(chunk)
            if written > member.size:
                raise ArchiveError(f"archive entry {member.name!r} is longer than its header says")
            out.write(chunk)
