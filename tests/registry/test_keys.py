"""Key files: generated pairs load back; wrong, missing and foreign files fail naming the file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from registry.errors import KeyFileError
from registry.keys import generate_key, load_public_key, load_signer


def test_generate_and_load(tmp_path: Path) -> None:
    info = generate_key(tmp_path / "acme.key")
    assert stat.S_IMODE((tmp_path / "acme.key").stat().st_mode) == 0o600
    assert json.loads(info.public_path.read_text())["keyid"] == info.keyid
    assert load_signer(info.private_path).public_key.keyid == info.keyid
    assert load_public_key(info.public_path).keyid == info.keyid


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    generate_key(tmp_path / "acme.key")
    with pytest.raises(KeyFileError, match="acme.key: already exists"):
        generate_key(tmp_path / "acme.key")


def test_public_key_in_pem(tmp_path: Path) -> None:
    info = generate_key(tmp_path / "k")
    signer = load_signer(info.private_path)
    pem = signer._private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "k.pem").write_bytes(pem)
    assert load_public_key(tmp_path / "k.pem").keyid == info.keyid


@pytest.mark.parametrize(
    ("content", "loader", "message"),
    [
        (None, load_signer, "no such key file"),
        (b"hello", load_signer, "not a PEM private key"),
        (b"hello", load_public_key, "not a key file"),
        (b'{"keytype": "rsa", "scheme": "rsa", "keyval": {"public": "x"}}', load_public_key, "ed25519"),
    ],
)
def test_bad_files_name_the_file(tmp_path: Path, content: bytes | None, loader, message: str) -> None:
    path = tmp_path / "bad.key"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(KeyFileError, match=f"bad.key: .*{message}"):
        loader(path)


def test_wrong_key_type_and_swapped_files(tmp_path: Path) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    pem = ec_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "ec.key").write_bytes(pem)
    with pytest.raises(KeyFileError, match="ec.key: .*Ed25519"):
        load_signer(tmp_path / "ec.key")
    info = generate_key(tmp_path / "k")
    with pytest.raises(KeyFileError, match="public key"):
        load_signer(info.public_path)
    with pytest.raises(KeyFileError, match="a private key"):
        load_public_key(info.private_path)


def test_tampered_keyid(tmp_path: Path) -> None:
    info = generate_key(tmp_path / "k")
    document = json.loads(info.public_path.read_text())
    document["keyid"] = "0" * 64
    info.public_path.write_text(json.dumps(document))
    with pytest.raises(KeyFileError, match="does not match"):
        load_public_key(info.public_path)
