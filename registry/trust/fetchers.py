"""Fetchers that hand signed metadata to `tuf.ngclient.Updater`.

`DirectoryFetcher` serves an `OnlineRepository` folder (tests, and agents sharing a file system with the
kernel); `HttpFetcher` reads the kernel's `GET /api/v1/registry/metadata/{file}` with a bearer token.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
from tuf.api.exceptions import DownloadError, DownloadHTTPError, DownloadLengthMismatchError
from tuf.ngclient import FetcherInterface

__all__ = ["METADATA_URL", "MAX_RESPONSE_BYTES", "DirectoryFetcher", "HttpFetcher", "kernel_metadata_url"]

METADATA_URL = "arcade-trust://metadata/"
CHUNK = 64 * 1024
MAX_RESPONSE_BYTES = 16 * 1024 * 1024  # a bound of its own; ngclient also caps each file's length


class DirectoryFetcher(FetcherInterface):
    """Serves `METADATA_URL` + NAME from `folder/NAME`; a missing file is an HTTP 404 (ngclient's "none")."""

    def __init__(self, folder: Path, base_url: str = METADATA_URL) -> None:
        self.folder = Path(folder)
        self.base_url = base_url
        self.fetched: list[str] = []

    def _fetch(self, url: str) -> Iterator[bytes]:
        if not url.startswith(self.base_url):
            raise DownloadError(f"{url}: not under {self.base_url}")
        name = unquote(url[len(self.base_url) :])
        if not name or "/" in name or name.startswith("."):
            raise DownloadHTTPError(f"{url}: not a metadata file name", 404)
        path = self.folder / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise DownloadHTTPError(f"{url}: not found", 404) from None
        self.fetched.append(name)
        return iter([data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""])


def kernel_metadata_url(server: str) -> str:
    """The base URL of a kernel's signed metadata, for `TrustClient(base_url=...)`."""
    return f"{server.rstrip('/')}/api/v1/registry/metadata/"


class HttpFetcher(FetcherInterface):
    """Fetches metadata over HTTP(S) with `Authorization: Bearer <token>`; 404 is ngclient's "no such file".

    Only URLs under `base_url` are fetched, and no response is read past `max_bytes`.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float = 30.0,
        max_bytes: int = MAX_RESPONSE_BYTES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url
        self.max_bytes = max_bytes
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(headers=headers, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def _fetch(self, url: str) -> Iterator[bytes]:
        if not url.startswith(self.base_url):
            raise DownloadError(f"{url}: not under {self.base_url}")
        chunks: list[bytes] = []
        size = 0
        try:
            with self._http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise DownloadHTTPError(f"{url}: HTTP {response.status_code}", response.status_code)
                for chunk in response.iter_bytes(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise DownloadLengthMismatchError(f"{url}: more than {self.max_bytes} bytes")
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise DownloadError(f"{url}: {exc}") from exc
        return iter(chunks or [b""])
