"""`arcade key generate` and `arcade trust ...`, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kernel.cli.main import main
from registry.trust import OnlineRepository, load_online_keys


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if code == 0 else {}, err


def test_trust_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trust = str(tmp_path / "TRUST")
    code, made, _ = run(capsys, "trust", "init", "--dir", trust, "--threshold", "2", "--root-keys", "3")
    assert code == 0 and made["threshold"] == 2 and len(made["root_keyids"]) == 3
    assert Path(made["root"]).is_file()
    code, key, _ = run(capsys, "key", "generate", "--out", str(tmp_path / "acme.key"))
    assert code == 0 and Path(key["public_key"]).is_file()
    code, added, _ = run(capsys, "trust", "add-publisher", "acme", "--key", key["public_key"], "--dir", trust)
    assert code == 0 and added == {"namespace": "acme", "keyid": key["keyid"], "targets_version": 2}
    code, rotated, _ = run(capsys, "trust", "rotate", "--dir", trust)
    assert code == 0 and rotated["root_version"] == 2
    code, revoked, _ = run(capsys, "trust", "revoke", "acme/lint@1.0.0", "--reason", "bad", "--dir", trust)
    assert code == 0 and revoked["action"] == "block" and revoked["targets_version"] == 3
    code, revoked, _ = run(capsys, "trust", "revoke", "--key", key["public_key"], "--dir", trust)
    assert code == 0 and revoked["namespaces"] == ["acme"]
    repo = OnlineRepository(tmp_path / "online", load_online_keys(Path(trust) / "online"))
    assert repo.sync(Path(trust) / "metadata") == ["1.root.json", "2.root.json", "4.targets.json"]


def test_errors_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trust = str(tmp_path / "TRUST")
    code, _, err = run(capsys, "trust", "init", "--dir", trust, "--threshold", "3", "--root-keys", "2")
    assert code == 2 and "threshold 3" in err
    assert run(capsys, "trust", "init", "--dir", trust)[0] == 0
    code, _, err = run(capsys, "trust", "init", "--dir", trust)
    assert code == 1 and "refusing to overwrite" in err
    code, _, err = run(
        capsys, "trust", "add-publisher", "acme", "--key", str(tmp_path / "nope.pub"), "--dir", trust
    )
    assert code == 2 and "nope.pub: no such key file" in err
    run(capsys, "key", "generate", "--out", str(tmp_path / "k"))
    code, _, err = run(
        capsys, "trust", "add-publisher", "Bad_NS", "--key", str(tmp_path / "k.pub"), "--dir", trust
    )
    assert code == 2 and "invalid namespace" in err
    for reserved in ("targets", "revocations", "blobs"):
        code, _, err = run(
            capsys, "trust", "add-publisher", reserved, "--key", str(tmp_path / "k.pub"), "--dir", trust
        )
        assert code == 2 and f"namespace '{reserved}' is reserved" in err
    code, _, err = run(capsys, "trust", "revoke", "acme/lint@^1", "--dir", trust)
    assert code == 2 and "exact semver" in err
    code, _, err = run(capsys, "trust", "revoke", "--dir", trust)
    assert code == 2 and "either" in err
    code, _, err = run(capsys, "trust", "rotate", "--dir", str(tmp_path / "elsewhere"))
    assert code == 1 and "not a TRUST folder" in err
    code, _, err = run(capsys, "key", "generate", "--out", str(tmp_path / "k"))
    assert code == 2 and "already exists" in err
