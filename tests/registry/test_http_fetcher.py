"""HttpFetcher: what ngclient sees for each answer of the kernel's metadata route."""

from __future__ import annotations

import httpx
import pytest
from tuf.api.exceptions import DownloadError, DownloadHTTPError, DownloadLengthMismatchError

from registry.trust import HttpFetcher, kernel_metadata_url

BASE = kernel_metadata_url("http://127.0.0.1:8080/")


def fetcher(handler, **kwargs) -> HttpFetcher:
    return HttpFetcher(BASE, "tok", transport=httpx.MockTransport(handler), **kwargs)


def test_fetches_with_the_bearer_token():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers["authorization"]))
        return httpx.Response(200, content=b'{"signed": {}}')

    assert fetcher(handler).download_bytes(BASE + "timestamp.json", 1000) == b'{"signed": {}}'
    assert seen == [("http://127.0.0.1:8080/api/v1/registry/metadata/timestamp.json", "Bearer tok")]


def test_not_found_is_the_http_error_ngclient_expects():
    with pytest.raises(DownloadHTTPError) as caught:
        fetcher(lambda request: httpx.Response(404)).download_bytes(BASE + "2.root.json", 1000)
    assert caught.value.status_code == 404


def test_responses_are_bounded_and_urls_stay_under_the_base():
    big = fetcher(lambda request: httpx.Response(200, content=b"x" * 2000), max_bytes=1000)
    with pytest.raises(DownloadLengthMismatchError):
        big.download_bytes(BASE + "1.root.json", 10_000)
    with pytest.raises(DownloadError, match="not under"):
        big.download_bytes("http://elsewhere/1.root.json", 10_000)


def test_connection_errors_are_download_errors():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(DownloadError, match="refused"):
        fetcher(handler).download_bytes(BASE + "1.root.json", 1000)
