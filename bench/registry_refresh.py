"""bench_registry (c): the cost of refreshing signed metadata with 1,000 plugins published.

An OnlineRepository with PLUGINS plugins over one or more namespaces, read with `TrustClient` over a
`DirectoryFetcher` (no transport): cold, warm (a new client on an existing folder) and steady (one
long-lived client, refreshed before every lookup, as in a running agent).
"""

from __future__ import annotations

import hashlib
import json
import statistics
from pathlib import Path
from typing import Any

from cluster import log, ms, timed
from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import Metadata, Targets

from registry.trust import (
    DirectoryFetcher,
    OnlineRepository,
    TrustClient,
    add_publisher,
    init,
    load_online_keys,
    release_path,
)
from registry.trust.layout import EXPIRY, utc_now
from registry.trust.releases import build_index, release_target

__all__ = ["PLUGINS", "refresh_figures"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "plugins"
PLUGINS = 1000


def publish_many(folder: Path, namespaces: int) -> tuple[OnlineRepository, Path, str, float, int]:
    """An OnlineRepository with PLUGINS plugins over `namespaces` namespaces, one signed role update each.

    Returns the repository, the root, a plugin to look up, the seconds the repository took to accept the
    roles, and the bytes of the largest role."""
    trust = folder / "TRUST"
    init(trust)
    signer = CryptoSigner.generate_ed25519()
    names = [f"ns{n:02d}" for n in range(namespaces)]
    for namespace in names:
        add_publisher(trust, namespace, signer.public_key)
    repo = OnlineRepository(folder / "online", load_online_keys(trust / "online"))
    repo.sync(trust / "metadata")
    template = json.loads((EXAMPLES / "hello-wat" / "manifest.json").read_text())
    accepted = 0.0
    largest = 0
    per_namespace = PLUGINS // namespaces
    for namespace in names:
        role = Targets(version=1, expires=utc_now() + EXPIRY["delegated"])
        for number in range(per_namespace):
            name = f"{namespace}/plugin-{number:04d}"
            path = release_path(name, "1.0.0")
            manifest = {**template, "name": name, "version": "1.0.0"}
            digest = hashlib.sha256(name.encode()).hexdigest()
            role.targets[path] = release_target(path, 1000 + number, digest, manifest)
            role.targets[name] = build_index(name, ["1.0.0"])
        md = Metadata(role)
        md.sign(signer)
        data = md.to_bytes()
        largest = max(largest, len(data))
        seconds, _ = timed(
            lambda namespace=namespace, data=data: repo.accept_delegated_update(namespace, data)
        )
        accepted += seconds
    lookup = f"{names[-1]}/plugin-{per_namespace - 1:04d}"
    return repo, trust / "root.json", lookup, accepted, largest


def refresh_figures(folder: Path, namespaces: int, repeats: int) -> dict[str, Any]:
    repo, root, lookup, accepted, largest = publish_many(folder, namespaces)

    def client(metadata_dir: Path) -> tuple[float, float]:
        trust = TrustClient(root, metadata_dir, DirectoryFetcher(repo.metadata_dir))
        refresh, _ = timed(trust.refresh)
        find, found = timed(lambda: trust.find(lookup, "^1"))
        assert found.version == "1.0.0"
        return refresh, find

    cold = [client(folder / f"cold-{n}") for n in range(repeats)]
    warm = [client(folder / "cold-0") for _ in range(repeats)]
    # The agent's steady state: one long-lived client, refreshed before every plugin step.
    steady_client = TrustClient(root, folder / "steady", DirectoryFetcher(repo.metadata_dir))
    steady_client.refresh()
    steady_client.find(lookup, "^1")
    steady = [
        (timed(steady_client.refresh)[0], timed(lambda: steady_client.find(lookup, "^1"))[0])
        for _ in range(repeats)
    ]
    figures = {
        "namespaces": namespaces,
        "plugins": PLUGINS,
        "largest_role_bytes": largest,
        "publish_accept_ms": ms(accepted),
        "cold_refresh_ms": ms(statistics.median(r for r, _ in cold)),
        "cold_find_ms": ms(statistics.median(f for _, f in cold)),
        "warm_refresh_ms": ms(statistics.median(r for r, _ in warm)),
        "warm_find_ms": ms(statistics.median(f for _, f in warm)),
        "steady_refresh_ms": ms(statistics.median(r for r, _ in steady)),
        "steady_find_ms": ms(statistics.median(f for _, f in steady)),
    }
    log(f"refresh with {PLUGINS} plugins in {namespaces} namespace(s): {figures}")
    return figures
