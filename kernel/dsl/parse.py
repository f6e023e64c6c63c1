"""The public entry points: parse, validate and load `arcade.yaml`."""

from __future__ import annotations

from pathlib import Path

from kernel.dsl.builder import build_pipeline
from kernel.dsl.errors import Reporter, SpecError, SpecValidationError
from kernel.dsl.model import PipelineSpec
from kernel.dsl.yamlpos import compose_document


def validate_pipeline(text: str, file: str = "arcade.yaml") -> list[SpecError]:
    """Every problem in the pipeline `text`, in file order; empty when it is valid."""
    return _analyse(text, file)[1]


def parse_pipeline(text: str, file: str = "arcade.yaml") -> PipelineSpec:
    """Parse and validate pipeline `text`; raise SpecValidationError listing every problem found."""
    spec, errors = _analyse(text, file)
    if errors or spec is None:
        raise SpecValidationError(errors)
    return spec


def load_pipeline(path: str | Path) -> PipelineSpec:
    """Read and parse the pipeline file at `path`; errors name the file as given."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror or exc}"
        raise SpecValidationError([SpecError(file, 1, 1, message)]) from exc
    except UnicodeDecodeError as exc:
        message = f"the file is not valid UTF-8: {exc.reason} at byte {exc.start}"
        raise SpecValidationError([SpecError(file, 1, 1, message)]) from exc
    return parse_pipeline(text, file)


def _analyse(text: str, file: str) -> tuple[PipelineSpec | None, list[SpecError]]:
    report = Reporter(file)
    doc = compose_document(text, report)
    spec = build_pipeline(doc, report) if doc is not None else None
    return spec, report.errors
