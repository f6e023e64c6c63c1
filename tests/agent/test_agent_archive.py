"""Packing workspace files by glob, and unpacking downloaded archives safely (each bad archive class)."""

from __future__ import annotations

import io
import os
import tarfile

import pytest

from agent.archive import collect, pack, unpack
from agent.errors import ArchiveError


def write(path, text="x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_collect_matches_globs_and_folders_without_following_links(tmp_path):
    workspace, outside = tmp_path / "ws", tmp_path / "outside"
    write(workspace / "dist" / "app.whl")
    write(workspace / "dist" / "sub" / "lib.txt")
    write(workspace / "notes.log")
    write(outside / "secret.txt")
    (workspace / "dist" / "escape").symlink_to(outside)
    (workspace / "dist" / "link.txt").symlink_to(outside / "secret.txt")
    (workspace / "linked").symlink_to(outside)

    assert collect(workspace, "dist/**").files == ("dist/app.whl", "dist/sub/lib.txt")
    folder = collect(workspace, "dist")
    assert folder.files == ("dist/app.whl", "dist/sub/lib.txt")
    assert folder.skipped_links == 2
    assert collect(workspace, "*.log").files == ("notes.log",)
    assert collect(workspace, "linked/*").files == ()
    assert collect(workspace, "nothing/*").files == ()


def test_pack_then_unpack_round_trips(tmp_path):
    workspace = tmp_path / "ws"
    write(workspace / "dist" / "a.txt", "alpha")
    write(workspace / "dist" / "b" / "c.txt", "gamma")
    os.chmod(workspace / "dist" / "a.txt", 0o755)
    archive = io.BytesIO()
    pack(workspace, collect(workspace, "dist/**").files, archive)
    archive.seek(0)
    target = tmp_path / "target"
    target.mkdir()
    assert unpack(archive, target) == 2
    assert (target / "dist" / "a.txt").read_text() == "alpha"
    assert (target / "dist" / "b" / "c.txt").read_text() == "gamma"
    assert os.stat(target / "dist" / "a.txt").st_mode & 0o111


def archive_with(*members: tuple[tarfile.TarInfo, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            info.size = len(data) if info.isfile() else 0
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    buffer.seek(0)
    return buffer


def entry(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.mode = 0o644
    return info


BAD_ARCHIVES = [
    ("absolute path", [(entry("/etc/evil"), b"x")], "absolute path"),
    ("parent folder", [(entry("../evil"), b"x")], "leads outside"),
    ("nested parent", [(entry("a/../../evil"), b"x")], "leads outside"),
    ("symlink", [(entry("link", tarfile.SYMTYPE, "/etc/passwd"), b"")], "is a link"),
    ("hard link", [(entry("ok"), b"x"), (entry("hard", tarfile.LNKTYPE, "ok"), b"")], "is a link"),
    ("character device", [(entry("tty", tarfile.CHRTYPE), b"")], "device, FIFO"),
    ("block device", [(entry("sda", tarfile.BLKTYPE), b"")], "device, FIFO"),
    ("fifo", [(entry("pipe", tarfile.FIFOTYPE), b"")], "device, FIFO"),
    ("duplicate", [(entry("same"), b"1"), (entry("same"), b"2")], "appears twice"),
]


@pytest.mark.parametrize(("case", "members", "message"), BAD_ARCHIVES, ids=[c[0] for c in BAD_ARCHIVES])
def test_unsafe_archives_are_refused_before_anything_is_written(tmp_path, case, members, message):
    target = tmp_path / "target"
    target.mkdir()
    good_first = [(entry("harmless.txt"), b"fine"), *members]
    with pytest.raises(ArchiveError, match=message):
        unpack(archive_with(*good_first), target)
    assert list(target.iterdir()) == []
    assert not (tmp_path / "evil").exists()


def test_size_and_entry_limits(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    big = archive_with((entry("a"), b"x" * 600), (entry("b"), b"x" * 600))
    with pytest.raises(ArchiveError, match="more than 1000 bytes"):
        unpack(big, target, max_bytes=1000)
    many = archive_with(*[(entry(f"f{i}"), b"") for i in range(5)])
    with pytest.raises(ArchiveError, match="more than 3 entries"):
        unpack(many, target, max_members=3)
    assert list(target.iterdir()) == []


def test_not_an_archive(tmp_path):
    with pytest.raises(ArchiveError, match="not a valid tar.gz"):
        unpack(io.BytesIO(b"certainly not gzip"), tmp_path)
