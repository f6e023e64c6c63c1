"""The Arcade agent: a pull-based worker that registers with the kernel, takes jobs and runs their steps.

Public surface: `agent.config.AgentConfig`, `agent.daemon.AgentDaemon` and `agent.daemon.run_agent`. The
agent<->kernel contract lives in `agent.peer` (domain types and the `Peer` protocol); `agent.grpc_peer` is its
only gRPC translation.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
