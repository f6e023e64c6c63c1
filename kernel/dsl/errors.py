"""Errors raised by the DSL package.

DslError                  root of everything this package raises
└── SpecValidationError   an `arcade.yaml` is invalid; `.errors` lists every problem found
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpecError:
    """One problem in a pipeline file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class DslError(Exception):
    """Root of every error the DSL package raises."""


class SpecValidationError(DslError):
    """A pipeline file is invalid; `errors` holds every problem found, in file order."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


class Reporter:
    """Collects `SpecError`s for one file while it is loaded and checked."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._errors: list[SpecError] = []

    def add(self, line: int, column: int, message: str) -> None:
        self._errors.append(SpecError(self.file, line, column, message))

    def __bool__(self) -> bool:
        return bool(self._errors)

    @property
    def errors(self) -> list[SpecError]:
        """The errors in file order (errors at the same place keep the order they were found in)."""
        return sorted(self._errors, key=lambda error: (error.line, error.column))
