"""Ed25519 key files for the registry: admins' root/targets/online keys and publishers' namespace keys.

`generate_key(FILE)` writes two files:

- FILE: the private key, PKCS#8 PEM, unencrypted, mode 0600 (keep it offline; never overwritten);
- FILE.pub: the public key as TUF key JSON with its keyid,
  `{"keyid": "...", "keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "<hex>"}}`.

`load_public_key` also reads a public key in PEM (`-----BEGIN PUBLIC KEY-----`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from securesystemslib.signer import CryptoSigner, Key, Signer, SSlibKey

from registry.errors import KeyFileError

__all__ = ["PublicKeyInfo", "generate_key", "load_public_key", "load_signer", "public_key_path"]

ED25519 = "ed25519"


@dataclass(frozen=True)
class PublicKeyInfo:
    """A key pair written by `generate_key`: its TUF keyid and both files."""

    keyid: str
    private_path: Path
    public_path: Path


def public_key_path(private_path: Path) -> Path:
    """FILE.pub for the private key FILE."""
    return private_path.with_name(private_path.name + ".pub")


def public_key_json(key: Key) -> dict[str, object]:
    """The FILE.pub document: the TUF key dict plus its keyid."""
    return {"keyid": key.keyid, **key.to_dict()}


def _write_new(path: Path, data: bytes, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise KeyFileError(f"{path}: already exists; refusing to overwrite a key file") from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot create the key file: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def write_key_pair(signer: CryptoSigner, out: Path) -> PublicKeyInfo:
    """Write an existing Ed25519 signer as FILE (0600) and FILE.pub; refuses to overwrite either."""
    pub = public_key_path(out)
    for path in (out, pub):
        if path.exists() or path.is_symlink():
            raise KeyFileError(f"{path}: already exists; refusing to overwrite a key file")
    if not out.parent.is_dir():
        raise KeyFileError(f"{out.parent}: no such folder for the key file {out.name}")
    _write_new(out, signer.private_bytes, 0o600)
    document = json.dumps(public_key_json(signer.public_key), indent=2, sort_keys=True) + "\n"
    _write_new(pub, document.encode(), 0o644)
    return PublicKeyInfo(signer.public_key.keyid, out, pub)


def generate_key(out: Path) -> PublicKeyInfo:
    """Create a new Ed25519 key pair: FILE (private, PKCS#8 PEM, 0600) and FILE.pub (TUF key JSON)."""
    return write_key_pair(CryptoSigner.generate_ed25519(), Path(out))


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no such key file") from None
    except IsADirectoryError:
        raise KeyFileError(f"{path}: is a folder, not a key file") from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the key file: {exc.strerror}") from None


def load_signer(path: Path) -> Signer:
    """The signer of the Ed25519 private key in `path` (PKCS#8 PEM, as `generate_key` writes it)."""
    data = _read(path)
    if b"PRIVATE KEY-----" not in data:
        hint = " (it is a public key; give the private key file)" if _looks_public(data) else ""
        raise KeyFileError(f"{path}: not a PEM private key{hint}")
    try:
        private_key = load_pem_private_key(data, password=None)
    except TypeError:
        raise KeyFileError(f"{path}: the private key is encrypted; Arcade key files are not") from None
    except ValueError as exc:
        raise KeyFileError(f"{path}: not a valid PEM private key ({exc})") from None
    if not isinstance(private_key, Ed25519PrivateKey):
        raise KeyFileError(
            f"{path}: a {type(private_key).__name__.removeprefix('_')} key; Arcade keys are Ed25519 "
            "(create one with `arcade key generate`)"
        )
    return CryptoSigner(private_key, SSlibKey.from_crypto(private_key.public_key(), scheme=ED25519))


def _looks_public(data: bytes) -> bool:
    return b"PUBLIC KEY-----" in data or b'"keyval"' in data


def load_public_key(path: Path) -> Key:
    """The Ed25519 public key in `path`: TUF key JSON (FILE.pub) or a PEM public key."""
    data = _read(path)
    if b"PRIVATE KEY-----" in data:
        raise KeyFileError(f"{path}: a private key; give the public key file ({Path(path).name}.pub)")
    if b"PUBLIC KEY-----" in data:
        try:
            public_key = load_pem_public_key(data)
        except ValueError as exc:
            raise KeyFileError(f"{path}: not a valid PEM public key ({exc})") from None
        if not isinstance(public_key, Ed25519PublicKey):
            raise KeyFileError(
                f"{path}: a {type(public_key).__name__.removeprefix('_')}; Arcade keys are Ed25519"
            )
        return SSlibKey.from_crypto(public_key, scheme=ED25519)
    return _key_from_json(path, data)


def _key_from_json(path: Path, data: bytes) -> Key:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise KeyFileError(f"{path}: not a key file (neither TUF key JSON nor PEM)") from None
    if not isinstance(document, dict) or not isinstance(document.get("keyval"), dict):
        raise KeyFileError(f"{path}: not a TUF public key (no 'keyval' object)")
    if document.get("keytype") != ED25519 or document.get("scheme") != ED25519:
        raise KeyFileError(
            f"{path}: keytype {document.get('keytype')!r} / scheme {document.get('scheme')!r}; "
            "Arcade keys are ed25519"
        )
    claimed = document.pop("keyid", None)
    try:
        key = SSlibKey.from_dict("", dict(document))
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.keyval["public"]))
        key = SSlibKey.from_crypto(public, scheme=ED25519)
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyFileError(f"{path}: keyval.public is not an Ed25519 public key ({exc})") from None
    if claimed is not None and claimed != key.keyid:
        raise KeyFileError(f"{path}: keyid {claimed!r} does not match the key (its keyid is {key.keyid!r})")
    return key
