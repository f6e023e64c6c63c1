"""Fetchers that hand signed metadata to `tuf.ngclient.Updater`.

`DirectoryFetcher` serves an `OnlineRepository` folder (tests, and agents sharing a file system with the
kernel); the fetchers over the kernel's HTTP and gRPC APIs follow the same `FetcherInterface`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from tuf.api.exceptions import DownloadError, DownloadHTTPError
from tuf.ngclient import FetcherInterface

__all__ = ["METADATA_URL", "DirectoryFetcher"]

METADATA_URL = "arcade-trust://metadata/"
CHUNK = 64 * 1024


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
