"""Kernel settings: defaults, then a TOML file, then `ARCADE_*` environment variables (DESIGN §3).

File keys mirror the environment names without the prefix, in lower case:
`database_url = "..."` in the file is `ARCADE_DATABASE_URL` in the environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from kernel.errors import InvalidInput

ENV_PREFIX = "ARCADE_"


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///.arcade/arcade.db"
    storage_url: str = "file://.arcade/blobs"
    s3_endpoint_url: str = ""
    grpc_addr: str = "127.0.0.1:9090"
    http_addr: str = "127.0.0.1:8080"
    admin_token: str = ""
    plugins_dir: str = ""
    tls_cert: str = ""
    tls_key: str = ""
    tls_ca: str = ""
    heartbeat_interval: float = 2.0
    heartbeat_timeout: float = 10.0
    registration_token_ttl: float = 7 * 24 * 3600.0
    log_level: str = "INFO"
    # Fernet key (urlsafe base64 of 32 bytes) encrypting stored secrets; see kernel.secrets for the default.
    secret_key: str = ""
    # Comma-separated entry-point names (group "arcade.plugins") of the third-party kernel extensions to load.
    kernel_plugins: str = ""
    # The plugin registry (DESIGN §6): the folder holding the online snapshot and timestamp keys (an admin's
    # TRUST/online, copied to the kernel host; empty = the registry is off), and the kernel's TUF metadata.
    trust_online_keys: str = ""
    registry_dir: str = ".arcade/registry"
    # The largest plugin package (zip) the registry takes, in bytes; unpacked contents have their own caps.
    max_plugin_bytes: int = 64 * 1024 * 1024

    @classmethod
    def load(
        cls, config_file: str | Path | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        source = "settings"
        if config_file:
            path = Path(config_file)
            try:
                values.update(tomllib.loads(path.read_text()))
            except OSError as exc:
                raise InvalidInput(f"{path}: cannot read the config file: {exc.strerror}") from exc
            except tomllib.TOMLDecodeError as exc:
                raise InvalidInput(f"{path}: not valid TOML: {exc}") from exc
            source = str(path)
        known = {f.name: f for f in fields(cls)}
        for key in list(values):
            if key not in known:
                raise InvalidInput(f"{source}: unknown setting '{key}' (expected one of: {', '.join(known)})")
        for name in known:
            env_name = ENV_PREFIX + name.upper()
            if env_name in environ:
                values[name] = environ[env_name]
        settings = cls()
        converted = {
            name: _convert(name, value, type(getattr(settings, name))) for name, value in values.items()
        }
        settings = replace(settings, **converted)
        if settings.heartbeat_timeout <= settings.heartbeat_interval:
            raise InvalidInput(
                f"heartbeat_timeout ({settings.heartbeat_timeout}) must be longer than "
                f"heartbeat_interval ({settings.heartbeat_interval})"
            )
        if settings.secret_key:
            check_fernet_key(settings.secret_key)
        return settings


def check_fernet_key(key: str) -> None:
    """Raise InvalidInput unless `key` is a Fernet key; the message never shows the key."""
    from cryptography.fernet import Fernet

    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        raise InvalidInput(
            "setting 'secret_key' (ARCADE_SECRET_KEY): not a Fernet key; expected the urlsafe base64 "
            "encoding of 32 bytes, e.g. from: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from None


def _convert(name: str, value: Any, kind: type) -> Any:
    if kind is int:
        try:
            whole = int(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"setting '{name}': expected a whole number of bytes, got {value!r}") from None
        if whole <= 0:
            raise InvalidInput(f"setting '{name}': must be positive, got {value!r}")
        return whole
    if kind is float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"setting '{name}': expected a number of seconds, got {value!r}") from None
        if number <= 0:
            raise InvalidInput(f"setting '{name}': must be positive, got {value!r}")
        return number
    if not isinstance(value, str):
        raise InvalidInput(f"setting '{name}': expected a string, got {value!r}")
    return value


def split_addr(addr: str) -> tuple[str, int]:
    """'host:port' -> (host, port); raises InvalidInput naming the address."""
    host, sep, port = addr.rpartition(":")
    if not sep or not port.isdigit():
        raise InvalidInput(f"address '{addr}': expected HOST:PORT")
    return host.strip("[]") or "127.0.0.1", int(port)
