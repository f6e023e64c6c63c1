"""The CLI's exit codes (DESIGN §3) and the error every command raises to end with one of them."""

from __future__ import annotations

from typing import Any

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "CliError"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    def __init__(
        self, message: str, exit_code: int = EXIT_FAILED, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.errors = errors or []
