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
