"""Helpers shared by the DSL error tests: validate a dedented spec and check its single error."""

from __future__ import annotations

import textwrap

from kernel.dsl import SpecError, validate_pipeline


def errors(text: str) -> list[SpecError]:
    return validate_pipeline(textwrap.dedent(text).lstrip("\n"), "p.yaml")


def assert_one_error(text: str, line: int, column: int, fragment: str) -> SpecError:
    found = errors(text)
    assert len(found) == 1, "\n".join(map(str, found))
    error = found[0]
    lines = textwrap.dedent(text).lstrip("\n").splitlines() or [""]
    pointed_at = lines[error.line - 1][error.column - 1 :]
    assert (error.file, error.line, error.column) == ("p.yaml", line, column), f"{error} (at {pointed_at!r})"
    assert fragment in error.message, str(error)
    return error


def matrix_job(*lines: str) -> str:
    """A pipeline with one job `t` whose lines (`matrix: ...` and so on) start on line 4, at column 5."""
    return (
        "name: x\njobs:\n  - name: t\n"
        + "".join(f"    {line}\n" for line in lines)
        + "    steps: [{run: x}]\n"
    )


def numbers(count: int) -> str:
    return ", ".join(map(str, range(count)))
