"""The registry for agents over gRPC (GetRegistryMetadata, DownloadPlugin) against a real in-process kernel,
through the agent's own GrpcPeer: files and packages as stored, NOT_FOUND, FAILED_PRECONDITION, DATA_LOSS."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from marketplace_setup import Publisher, trust_body
from test_http_registry import publish

from agent.errors import PeerRejected, Unauthenticated
from agent.grpc_peer import GrpcPeer
from agent.peer import AgentInfo
from kernel.cli.embedded import EmbeddedKernel


def agent_peer(kernel: EmbeddedKernel) -> GrpcPeer:
    peer = GrpcPeer(kernel.kernel.grpc_target)
    peer.register(AgentInfo(kernel.registration_token(), "registry-agent", {}, 1, "test", "localhost"))
    return peer


@pytest.fixture
def registry_kernel(tmp_path):
    setup = Publisher(tmp_path)
    embedded = setup.start_kernel()
    try:
        with httpx.Client(
            base_url=embedded.kernel.http_url + "/api/v1",
            headers={"Authorization": f"Bearer {embedded.admin_token}"},
            timeout=30,
        ) as api:
            assert api.put("/registry/trust", json=trust_body(setup.trust)).status_code == 200
            yield embedded, setup, api
    finally:
        embedded.stop()


def test_agents_read_signed_metadata_and_published_packages(registry_kernel, tmp_path):
    kernel, setup, api = registry_kernel
    package = setup.package()
    assert publish(api, kernel, setup, package).status_code == 200
    sha256 = hashlib.sha256(package.read_bytes()).hexdigest()
    peer = agent_peer(kernel)
    try:
        metadata_dir = kernel.kernel.registry.repo.metadata_dir
        for name in ("timestamp.json", "1.root.json"):
            assert peer.get_registry_metadata(name) == (metadata_dir / name).read_bytes()
        for name in ("2.root.json", "../arcade.db", ".timestamp.json", "1.root.json.tmp"):
            assert peer.get_registry_metadata(name) is None
        with pytest.raises(PeerRejected) as unknown:
            list(peer.download_plugin("0" * 64))
        assert unknown.value.code == "NOT_FOUND"

        # Tampered in the blob store before the kernel cached it: refused, nothing sent, nothing cached.
        stored = next(path for path in (tmp_path / "data" / "blobs").rglob(sha256) if path.is_file())
        stored.write_bytes(b"x" * stored.stat().st_size)
        with pytest.raises(PeerRejected) as tampered:
            list(peer.download_plugin(sha256))
        assert tampered.value.code == "DATA_LOSS" and "failed verification" in str(tampered.value)
        stored.write_bytes(package.read_bytes())
        assert b"".join(peer.download_plugin(sha256)) == package.read_bytes()
    finally:
        peer.close()


def test_a_kernel_without_a_registry_says_so(embedded):
    peer = agent_peer(embedded)
    try:
        for call in (
            lambda: peer.get_registry_metadata("timestamp.json"),
            lambda: list(peer.download_plugin("0" * 64)),
        ):
            with pytest.raises(PeerRejected) as refused:
                call()
            assert refused.value.code == "FAILED_PRECONDITION" and "not set up" in str(refused.value)
    finally:
        peer.close()


def test_calls_need_an_agent_token(embedded):
    peer = GrpcPeer(embedded.kernel.grpc_target)
    try:
        with pytest.raises(Unauthenticated):
            peer.get_registry_metadata("timestamp.json")
        with pytest.raises(Unauthenticated):
            list(peer.download_plugin("0" * 64))
    finally:
        peer.close()
