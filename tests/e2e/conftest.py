import pytest
from harness import Cluster


@pytest.fixture
def cluster(tmp_path):
    """A kernel with two agents: `linux-1` (os=linux, cpu-cores=16) and `mac-1` (os=macos, cpu-cores=4)."""
    c = Cluster(tmp_path)
    try:
        c.start_kernel()
        c.start_agent("linux-1", {"os": "linux", "cpu-cores": "16"}, capacity=2, wait=False)
        c.start_agent("mac-1", {"os": "macos", "cpu-cores": "4"}, capacity=2, wait=False)
        c.wait_for_agent("linux-1")
        c.wait_for_agent("mac-1")
        yield c
    finally:
        c.stop()


@pytest.fixture
def bare_cluster(tmp_path):
    """A kernel without agents; the test starts what it needs."""
    c = Cluster(tmp_path)
    try:
        c.start_kernel()
        yield c
    finally:
        c.stop()
