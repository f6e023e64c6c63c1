"""The Arcade kernel: DSL, planning, scheduling, state, and the gRPC and HTTP APIs."""
