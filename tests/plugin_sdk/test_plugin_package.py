"""Packages: pack is deterministic and round-trips; unpack rejects each class of unsafe or broken zip and
leaves nothing behind when it does."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from plugin_sdk import ManifestError, PackageError, PluginError, pack, unpack

MANIFEST = {
    "name": "acme/hello",
    "version": "0.1.0",
    "type": "custom",
    "kind": "wasm",
    "abi": "wasi-command",
    "entry": "plugin.wasm",
    "description": "Say hello",
    "actions": {"greet": {"description": "greet someone"}},
}
WASM = b"\0asm\1\0\0\0"


def plugin_dir(root: Path, **extra: object) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text(json.dumps({**MANIFEST, **extra}))
    (root / "plugin.wasm").write_bytes(WASM)
    return root


def make_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


def good_entries() -> list[tuple[str | zipfile.ZipInfo, bytes]]:
    return [("manifest.json", json.dumps(MANIFEST).encode()), ("plugin.wasm", WASM)]


def rejected(tmp_path: Path, zip_path: Path, match: str, **limits: int) -> PackageError:
    dest = tmp_path / "out" / "plugin"
    with pytest.raises(PackageError, match=match) as caught:
        unpack(zip_path, dest, **limits)
    assert isinstance(caught.value, PluginError)
    assert not dest.exists()
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    return caught.value


def test_pack_then_unpack_round_trips(tmp_path: Path):
    source = plugin_dir(tmp_path / "src", icon="icon.svg")
    (source / "README.md").write_text("# hello\n")
    (source / "icon.svg").write_text("<svg/>")
    (source / "notes.txt").write_text("not packaged")
    info = pack(source, tmp_path / "hello.zip")
    assert info.entries == ("README.md", "icon.svg", "manifest.json", "plugin.wasm")
    assert info.size == (tmp_path / "hello.zip").stat().st_size and len(info.sha256) == 64
    manifest = unpack(info.path, tmp_path / "installed")
    assert manifest == info.manifest and manifest.ref == "acme/hello@0.1.0"
    assert sorted(p.name for p in (tmp_path / "installed").iterdir()) == list(info.entries)
    assert (tmp_path / "installed" / "plugin.wasm").read_bytes() == WASM


def test_pack_is_deterministic(tmp_path: Path):
    first = pack(plugin_dir(tmp_path / "a"), tmp_path / "a.zip")
    second_dir = plugin_dir(tmp_path / "b")
    (second_dir / "plugin.wasm").touch()  # a different mtime must not change the bytes
    second = pack(second_dir, tmp_path / "b.zip")
    assert first.sha256 == second.sha256
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(first.path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_pack_refuses_a_missing_entry_an_invalid_manifest_and_links(tmp_path: Path):
    source = plugin_dir(tmp_path / "src")
    (source / "plugin.wasm").unlink()
    with pytest.raises(PackageError, match="'plugin.wasm': no such file"):
        pack(source, tmp_path / "x.zip")
    (tmp_path / "elsewhere.wasm").write_bytes(WASM)
    (source / "plugin.wasm").symlink_to(tmp_path / "elsewhere.wasm")
    with pytest.raises(PackageError, match="symbolic link"):
        pack(source, tmp_path / "x.zip")
    bad = plugin_dir(tmp_path / "bad", version="1.0")
    with pytest.raises(ManifestError, match="version"):
        pack(bad, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def test_dot_dot_entry(tmp_path: Path):
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), ("../evil.sh", b"x")])
    assert rejected(tmp_path, zip_path, r"'\.\./evil\.sh' leads outside").entry == "../evil.sh"
    assert not (tmp_path / "evil.sh").exists()


def test_absolute_path_entry(tmp_path: Path):
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), ("/etc/evil", b"x")])
    rejected(tmp_path, zip_path, "'/etc/evil' is an absolute path")


def test_symlink_entry(tmp_path: Path):
    link = zipfile.ZipInfo("link")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), (link, b"/etc/passwd")])
    rejected(tmp_path, zip_path, "'link' is a symbolic link")


def test_duplicate_names(tmp_path: Path):
    with pytest.warns(UserWarning, match="Duplicate name"):
        zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), ("plugin.wasm", b"other")])
    rejected(tmp_path, zip_path, "'plugin.wasm' appears more than once")


def test_names_differing_only_in_case_are_duplicates(tmp_path: Path):
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), ("Plugin.WASM", b"other")])
    rejected(tmp_path, zip_path, "'Plugin.WASM' appears more than once")


def test_oversize_entry(tmp_path: Path):
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), ("big.bin", b"x" * 5000)])
    rejected(tmp_path, zip_path, r"'big\.bin' is 5000 bytes, over the limit of 4096", max_bytes=4096)


def test_total_over_limit(tmp_path: Path):
    parts = [(f"part{i}.bin", bytes(range(256)) * 4) for i in range(5)]
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), *parts])
    rejected(tmp_path, zip_path, "entries add up to more than the limit of 4096 bytes", max_bytes=4096)


def test_zip_bomb_ratio(tmp_path: Path):
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), ("zeros.bin", bytes(8 * 1024**2))])
    rejected(tmp_path, zip_path, "'zeros.bin' inflates .* more than 100 times")


def test_too_many_entries(tmp_path: Path):
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), *[(f"f{i}", b"") for i in range(5)]])
    rejected(tmp_path, zip_path, "7 entries, more than the limit of 5", max_entries=5)


def test_actual_bytes_beyond_the_declared_size_are_caught(tmp_path: Path):
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), ("data.bin", b"y" * 3000)])
    raw = bytearray(zip_path.read_bytes())
    # Lie in the central directory (the last copy of the name): declare 30 bytes; the stream inflates to 3000.
    # zipfile stops at the declared size, so the lie surfaces as a CRC mismatch while extracting.
    start = raw.rfind(b"data.bin") - 46
    assert raw[start : start + 4] == b"PK\x01\x02"
    raw[start + 24 : start + 28] = (30).to_bytes(4, "little")
    zip_path.write_bytes(bytes(raw))
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.getinfo("data.bin").file_size == 30
    rejected(tmp_path, zip_path, "cannot extract entry 'data.bin': Bad CRC-32")


def test_missing_manifest(tmp_path: Path):
    zip_path = make_zip(tmp_path / "p.zip", [("plugin.wasm", WASM), ("sub/manifest.json", b"{}")])
    rejected(tmp_path, zip_path, "has no manifest.json at its top level")


def test_missing_entry_file(tmp_path: Path):
    zip_path = make_zip(tmp_path / "p.zip", [("manifest.json", json.dumps(MANIFEST).encode())])
    assert rejected(tmp_path, zip_path, "the manifest's entry 'plugin.wasm' is not in the package").entry == (
        "plugin.wasm"
    )


def test_invalid_manifest_inside_a_package(tmp_path: Path):
    manifest = json.dumps({**MANIFEST, "type": "deploy"}).encode()
    zip_path = make_zip(tmp_path / "p.zip", [("manifest.json", manifest), ("plugin.wasm", WASM)])
    with pytest.raises(ManifestError) as caught:
        unpack(zip_path, tmp_path / "out")
    assert caught.value.problems[0].startswith("p.zip:manifest.json: type: 'deploy' is not one of")
    assert not (tmp_path / "out").exists()


def test_not_a_zip(tmp_path: Path):
    path = tmp_path / "p.zip"
    path.write_bytes(b"this is not a zip archive")
    rejected(tmp_path, path, "p.zip is not a zip archive")


def test_unpack_never_replaces_an_existing_folder(tmp_path: Path):
    info = pack(plugin_dir(tmp_path / "src"), tmp_path / "hello.zip")
    (tmp_path / "installed").mkdir()
    with pytest.raises(PackageError, match="already exists"):
        unpack(info.path, tmp_path / "installed")


def test_a_failure_while_extracting_leaves_nothing_behind(tmp_path: Path):
    # A file and a folder of the same name pass the name checks but cannot both be written.
    zip_path = make_zip(tmp_path / "p.zip", [*good_entries(), ("lib", b"file"), ("lib/x.py", b"")])
    rejected(tmp_path, zip_path, "cannot extract entry 'lib/x.py'")
