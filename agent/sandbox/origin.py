"""HTTP origins (`scheme://host:port`) as the network permission names them: what `allowed_hosts` holds and
what every URL a plugin fetches (and every redirect target) is compared against."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["DEFAULT_PORTS", "Origin", "parse_origin", "origin_of_url"]

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Origin:
    """Scheme and host in lower case, port always filled in, so equal origins compare equal."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def origin_of_url(url: str) -> Origin:
    """The origin of an http(s) URL; ValueError for anything else (other schemes, no host, bad port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"only http and https URLs can be fetched, not {scheme or 'a URL without scheme'}")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    return Origin(scheme, parts.hostname.lower(), port if port is not None else DEFAULT_PORTS[scheme])


def parse_origin(text: str) -> Origin:
    """An allowed_hosts entry such as "https://api.example.com" or "http://127.0.0.1:8123" (no path)."""
    origin = origin_of_url(text)
    rest = urlsplit(text)
    if rest.path not in ("", "/") or rest.query or rest.fragment or rest.username or rest.password:
        raise ValueError("not an origin (scheme://host[:port], without path or credentials)")
    return origin
