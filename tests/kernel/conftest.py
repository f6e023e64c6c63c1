import pytest

from kernel.cli.embedded import EmbeddedKernel


@pytest.fixture
def embedded(tmp_path):
    """A kernel on ephemeral loopback ports in this process (its own event loop thread), no agents."""
    kernel = EmbeddedKernel.for_data_dir(tmp_path / "data", grpc_addr="127.0.0.1:0", http_addr="127.0.0.1:0")
    kernel.start()
    try:
        yield kernel
    finally:
        kernel.stop()
