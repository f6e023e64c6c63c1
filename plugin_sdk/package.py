"""Plugin packages: a zip holding `manifest.json`, the entry module or component, and optionally
`README.md` and the icon.

`pack` writes the same bytes for the same files (sorted entries, fixed timestamps and modes), so a package's
sha256 names its content. `unpack` trusts nothing in the zip: it checks every entry before writing anything
(relative paths without `..`, no links or special files, no duplicate names, no encryption, at most
`max_entries` entries and `max_bytes` declared bytes, no entry compressed more than `max_ratio` times),
validates the manifest, counts the bytes actually inflated, and extracts into a temporary folder that is
renamed into place only when everything passed, so a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from plugin_sdk.errors import PackageError
from plugin_sdk.manifest import MANIFEST_NAME, Manifest, load_manifest, parse_manifest

__all__ = [
    "MAX_ENTRIES",
    "MAX_PACKAGE_BYTES",
    "MAX_RATIO",
    "README_NAME",
    "PackageInfo",
    "pack",
    "unpack",
]

MAX_PACKAGE_BYTES = 128 * 1024**2  # componentize-py components alone are tens of MiB
MAX_ENTRIES = 1000
MAX_RATIO = 100  # inflated / compressed, checked for entries above _RATIO_FLOOR bytes
README_NAME = "README.md"
_RATIO_FLOOR = 1024**2
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class PackageInfo:
    """A package written by `pack`: where, its sha256 (hex), its size in bytes and the entries it holds."""

    path: Path
    sha256: str
    size: int
    entries: tuple[str, ...]
    manifest: Manifest


def pack(plugin_dir: Path | str, out_path: Path | str) -> PackageInfo:
    """Package the plugin in `plugin_dir`: its validated manifest, entry file, and README/icon if present."""
    root = Path(plugin_dir)
    manifest = load_manifest(root / MANIFEST_NAME)
    names = {MANIFEST_NAME, manifest.entry}
    if manifest.icon is not None:
        names.add(manifest.icon)
    if (root / README_NAME).is_file():
        names.add(README_NAME)
    for name in names:
        _check_source(root, name)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as target, zipfile.ZipFile(target, "w") as archive:
            for name in sorted(names):
                info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
                info.create_system = 3  # unix, so the mode bits below are read as such
                info.external_attr = _FILE_MODE
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, (root / name).read_bytes(), compresslevel=9)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    digest = hashlib.sha256()
    with out.open("rb") as written:
        for chunk in iter(lambda: written.read(_CHUNK), b""):
            digest.update(chunk)
    return PackageInfo(out, digest.hexdigest(), out.stat().st_size, tuple(sorted(names)), manifest)


def _check_source(root: Path, name: str) -> None:
    """A file to pack must be a regular file inside `root`, reached without following links."""
    current = root
    for part in PurePosixPath(name).parts:
        current = current / part
        if current.is_symlink():
            raise PackageError(f"cannot pack {name!r}: {part!r} is a symbolic link", entry=name)
    if not current.is_file():
        raise PackageError(f"cannot pack {name!r}: no such file in {root}", entry=name)


def unpack(
    zip_path: Path | str,
    dest_dir: Path | str,
    max_bytes: int = MAX_PACKAGE_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_ratio: int = MAX_RATIO,
) -> Manifest:
    """Check and extract a package into `dest_dir` (which must not exist yet); return its manifest.

    Raises `PackageError` naming the offending entry, or `ManifestError` for an invalid manifest.
    """
    source = Path(zip_path)
    dest = Path(dest_dir)
    if dest.exists() or dest.is_symlink():
        raise PackageError(f"cannot unpack {source.name}: {dest} already exists")
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as error:
        raise PackageError(f"{source.name} is not a zip archive: {error}") from error
    except OSError as error:
        raise PackageError(f"cannot read {source}: {error.strerror or error}") from error
    with archive:
        infos = archive.infolist()
        _check_entries(source.name, infos, max_bytes, max_entries, max_ratio)
        files = {info.filename: info for info in infos if not info.is_dir()}
        if MANIFEST_NAME not in files:
            raise PackageError(f"{source.name} has no {MANIFEST_NAME} at its top level", entry=MANIFEST_NAME)
        manifest = _read_manifest(source.name, archive, files[MANIFEST_NAME])
        for role, name in (("entry", manifest.entry), ("icon", manifest.icon)):
            if name is not None and name not in files:
                raise PackageError(
                    f"{source.name}: the manifest's {role} {name!r} is not in the package", name
                )
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
        try:
            _extract(source.name, archive, infos, staging, max_bytes)
            os.rename(staging, dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return manifest


def _check_entries(
    package: str, infos: list[zipfile.ZipInfo], max_bytes: int, max_entries: int, max_ratio: int
) -> None:
    if len(infos) > max_entries:
        raise PackageError(f"{package} has {len(infos)} entries, more than the limit of {max_entries}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        _check_name(package, name)
        key = name.rstrip("/").casefold()
        if key in seen:
            raise PackageError(f"{package}: entry {name!r} appears more than once", entry=name)
        seen.add(key)
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
            raise PackageError(f"{package}: entry {name!r} is {kind}", entry=name)
        if info.flag_bits & 0x1:
            raise PackageError(f"{package}: entry {name!r} is encrypted", entry=name)
        if info.file_size > max_bytes:
            raise PackageError(
                f"{package}: entry {name!r} is {info.file_size} bytes, over the limit of {max_bytes}", name
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > max(info.compress_size, 1) * max_ratio:
            raise PackageError(
                f"{package}: entry {name!r} inflates {info.compress_size} bytes to {info.file_size}, "
                f"more than {max_ratio} times (a zip bomb?)",
                name,
            )
        total += info.file_size
        if total > max_bytes:
            raise PackageError(f"{package}: entries add up to more than the limit of {max_bytes} bytes", name)


def _check_name(package: str, name: str) -> None:
    path = PurePosixPath(name)
    reason = None
    if not name or "\\" in name or "\0" in name:
        reason = "is not a portable '/'-separated name"
    elif path.is_absolute() or re.match(r"^[A-Za-z]:", name):
        reason = "is an absolute path"
    elif ".." in path.parts:
        reason = "leads outside the package with '..'"
    elif any(part in ("", ".") for part in name.rstrip("/").split("/")):
        reason = "has an empty or '.' path segment"
    if reason:
        raise PackageError(f"{package}: entry {name!r} {reason}", entry=name)


def _read_manifest(package: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Manifest:
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, NotImplementedError, EOFError) as error:
        raise PackageError(f"{package}: cannot read {MANIFEST_NAME!r}: {error}", MANIFEST_NAME) from error
    if len(data) > info.file_size:
        raise PackageError(f"{package}: {MANIFEST_NAME!r} holds more bytes than it declares", MANIFEST_NAME)
    return parse_manifest(data, f"{package}:{MANIFEST_NAME}")


def _extract(
    package: str, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], staging: Path, max_bytes: int
) -> None:
    """Write every entry under `staging`, counting the bytes actually inflated against the declared sizes."""
    total = 0
    for info in infos:
        target = staging.joinpath(*PurePosixPath(info.filename).parts)
        try:
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with archive.open(info) as member, target.open("xb") as out:
                while chunk := member.read(_CHUNK):
                    written += len(chunk)
                    total += len(chunk)
                    if written > info.file_size or total > max_bytes:
                        raise PackageError(
                            f"{package}: entry {info.filename!r} inflates past its declared size or the "
                            f"limit of {max_bytes} bytes",
                            info.filename,
                        )
                    out.write(chunk)
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as error:
            raise PackageError(
                f"{package}: cannot extract entry {info.filename!r}: {error}", info.filename
            ) from error
