"""The Arcade gRPC contract: .proto sources and the Python code generated from them."""
