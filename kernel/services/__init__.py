"""gRPC servicers: they translate between the wire and the kernel's domain, nothing more."""
