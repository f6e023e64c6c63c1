import pytest

from kernel.config import Settings, split_addr
from kernel.errors import InvalidInput


def test_defaults_match_the_design():
    s = Settings.load(environ={})
    assert s.database_url == "sqlite:///.arcade/arcade.db"
    assert (s.grpc_addr, s.http_addr) == ("127.0.0.1:9090", "127.0.0.1:8080")


def test_file_then_environment(tmp_path):
    path = tmp_path / "arcade.toml"
    path.write_text('grpc_addr = "127.0.0.1:7000"\nheartbeat_interval = 1\nheartbeat_timeout = 4\n')
    s = Settings.load(path, environ={"ARCADE_GRPC_ADDR": "127.0.0.1:7001"})
    assert s.grpc_addr == "127.0.0.1:7001"
    assert (s.heartbeat_interval, s.heartbeat_timeout) == (1.0, 4.0)


def test_unknown_key_names_the_file_and_the_key(tmp_path):
    path = tmp_path / "arcade.toml"
    path.write_text('grcp_addr = "x"\n')
    with pytest.raises(InvalidInput, match=r"arcade.toml: unknown setting 'grcp_addr'"):
        Settings.load(path, environ={})


def test_bad_toml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("grpc_addr = \n")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        Settings.load(bad, environ={})
    with pytest.raises(InvalidInput, match="cannot read the config file"):
        Settings.load(tmp_path / "missing.toml", environ={})


def test_bad_numbers_and_inconsistent_heartbeats():
    with pytest.raises(InvalidInput, match="heartbeat_interval': expected a number of seconds, got 'soon'"):
        Settings.load(environ={"ARCADE_HEARTBEAT_INTERVAL": "soon"})
    with pytest.raises(InvalidInput, match="must be longer than"):
        Settings.load(environ={"ARCADE_HEARTBEAT_INTERVAL": "5", "ARCADE_HEARTBEAT_TIMEOUT": "5"})


def test_split_addr():
    assert split_addr("127.0.0.1:80") == ("127.0.0.1", 80)
    with pytest.raises(InvalidInput, match="expected HOST:PORT"):
        split_addr("localhost")


def test_the_plugin_package_limit_is_a_setting(tmp_path):
    from kernel.events import EventBus
    from kernel.journal import Journal
    from kernel.plugin_registry import PluginRegistry
    from kernel.store import Database

    assert Settings.load(environ={}).max_plugin_bytes == 64 * 1024 * 1024
    settings = Settings.load(
        environ={
            "ARCADE_MAX_PLUGIN_BYTES": "1000",
            "ARCADE_TRUST_ONLINE_KEYS": str(tmp_path / "online"),
            "ARCADE_STORAGE_URL": f"file://{tmp_path / 'blobs'}",
        }
    )
    db = Database(f"sqlite:///{tmp_path / 'arcade.db'}")
    registry = PluginRegistry.from_settings(settings, Journal(db, EventBus()))
    assert registry is not None and registry.blobs.max_package_bytes == 1000
    for bad in ("lots", "0", "1.5"):
        with pytest.raises(InvalidInput, match="max_plugin_bytes': "):
            Settings.load(environ={"ARCADE_MAX_PLUGIN_BYTES": bad})
