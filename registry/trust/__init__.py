"""TUF trust for the plugin registry (DESIGN §6), built on python-tuf.

- `admin`: offline operations on the admin's TRUST folder (`init`, `add_publisher`, `rotate`, `revoke_*`);
- `online`: `OnlineRepository`, the kernel's metadata (accepts updates, re-signs snapshot and timestamp);
- `publisher`: `sign_release`, a publisher's signed update of its namespace role;
- `client`: `TrustClient`, the agents' verified lookups; `fetchers`: where it fetches metadata from;
- `layout`: file names and target paths; `releases`: what a namespace role may hold; `revocations`: the list.
"""

from registry.trust.admin import TrustInit, add_publisher, init, revoke_key, revoke_release, rotate
from registry.trust.client import TrustClient, VerifiedTarget
from registry.trust.fetchers import METADATA_URL, DirectoryFetcher, HttpFetcher, kernel_metadata_url
from registry.trust.layout import index_path, release_path
from registry.trust.online import OnlineRepository
from registry.trust.publisher import sign_release
from registry.trust.revocations import Revocation, RevocationList
from registry.trust.trust_dir import OnlineKeys, TrustDir, load_online_keys

__all__ = [
    "METADATA_URL",
    "DirectoryFetcher",
    "HttpFetcher",
    "OnlineKeys",
    "OnlineRepository",
    "Revocation",
    "RevocationList",
    "TrustClient",
    "TrustDir",
    "TrustInit",
    "VerifiedTarget",
    "add_publisher",
    "index_path",
    "init",
    "kernel_metadata_url",
    "load_online_keys",
    "release_path",
    "revoke_key",
    "revoke_release",
    "rotate",
    "sign_release",
]
