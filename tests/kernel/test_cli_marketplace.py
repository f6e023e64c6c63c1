"""`arcade plugin` marketplace commands: bad input is refused (exit 2, naming the argument) before any request
is made, in-process through `kernel.cli.main.main`. The commands against a real kernel are in
tests/e2e/test_plugin_cli.py."""

from __future__ import annotations

import pytest

from kernel.cli.main import main

# Nothing listens here: a command that got past its argument checks would fail with exit 1, not 2.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    monkeypatch.setenv("COLUMNS", "500")  # rich wraps error lines at 80 columns otherwise
    monkeypatch.setenv("ARCADE_SERVER", NOWHERE)


def arcade(capsys, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    try:
        code = main(["plugin", *argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("command", ["info", "enable", "disable", "uninstall", "update"])
def test_a_malformed_name_is_bad_usage(capsys, command):
    code, err = arcade(capsys, command, "Acme/Lint")
    expected = (
        "and not a plugin name ns/name"
        if command == "info"
        else "NS/NAME: 'Acme/Lint' is not a plugin name ns/name"
    )
    assert code == 2 and expected in err, err


def test_install_names_the_argument(capsys):
    code, err = arcade(capsys, "install", "acme")
    assert code == 2 and "NS/NAME[@VERSION]: 'acme' is not a plugin name" in err
    code, err = arcade(capsys, "install", "acme/lint@^1")
    assert code == 2 and "'^1' in 'acme/lint@^1' is not a version" in err


def test_install_a_missing_package(capsys, tmp_path):
    code, err = arcade(capsys, "install", str(tmp_path / "nothing.zip"))
    assert code == 2 and "nothing.zip: no such plugin folder or package" in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{nope", "--set-json: not valid JSON"),
        ("[1, 2]", "--set-json: expected a JSON object, got list: [1, 2]"),
        ('"text"', "--set-json: expected a JSON object, got str"),
    ],
)
def test_config_must_be_a_json_object(capsys, value, message):
    code, err = arcade(capsys, "config", "acme/lint", "--set-json", value)
    assert code == 2 and message in err, err


def test_update_version_must_be_semver(capsys):
    code, err = arcade(capsys, "update", "acme/lint", "--version", "latest")
    assert code == 2 and "--version: 'latest' is not a version" in err


def test_an_unreachable_kernel_is_a_failed_operation(capsys):
    code, err = arcade(capsys, "enable", "acme/lint")
    assert code == 1 and f"cannot reach the kernel at {NOWHERE}" in err


def test_sign_needs_a_package_or_folder_and_a_private_key(capsys, tmp_path):
    code, err = arcade(capsys, "sign", str(tmp_path / "nothing"), "--key", str(tmp_path / "k"))
    assert code == 2 and "nothing: no such plugin folder or package" in err


def test_sign_and_publish_take_registry_as_another_name_for_server():
    from kernel.cli.main import build_parser

    for action in ("sign", "publish"):
        args = build_parser().parse_args(["plugin", action, "p.zip", "--key", "k", "--registry", "http://r:1"])
        assert args.server == "http://r:1"
