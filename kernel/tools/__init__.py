"""Developer tooling that ships with the kernel (code generation)."""
