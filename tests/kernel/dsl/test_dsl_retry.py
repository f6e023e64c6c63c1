"""The job key `retry`: parsed values, defaults, and each class of bad input with its position."""

import pytest
from dsl_checks import assert_one_error, matrix_job

from kernel.dsl import RetrySpec, parse_pipeline


def test_retry_is_parsed_and_reaches_every_matrix_expansion():
    spec = parse_pipeline(
        matrix_job("retry: {max_attempts: 3, delay: 1m30s}", "matrix: {py: ['3.11', '3.12']}")
    )
    assert {job.retry for job in spec.jobs} == {RetrySpec(max_attempts=3, delay=90.0)}


def test_retry_defaults_to_one_attempt_without_delay():
    assert parse_pipeline(matrix_job()).jobs[0].retry == RetrySpec(max_attempts=1, delay=0.0)
    assert parse_pipeline(matrix_job("retry: {max_attempts: 2}")).jobs[0].retry == RetrySpec(2, 0.0)
    assert parse_pipeline(matrix_job("retry: {max_attempts: 2, delay: 0}")).jobs[0].retry.delay == 0.0
    assert parse_pipeline(matrix_job("retry: {max_attempts: 10, delay: 5}")).jobs[0].retry.delay == 5.0


def test_retry_must_be_a_mapping():
    assert_one_error(matrix_job("retry: 3"), 4, 12, "expected a mapping (a retry policy), got 3")


def test_retry_unknown_key():
    assert_one_error(
        matrix_job("retry: {max_attempts: 2, backoff: 2}"),
        4,
        30,
        "unknown key 'backoff' (expected one of: max_attempts, delay)",
    )


def test_retry_needs_max_attempts():
    assert_one_error(matrix_job("retry: {delay: 5s}"), 4, 12, "missing required key 'max_attempts'")


@pytest.mark.parametrize(
    "value, shown", [("0", "0"), ("11", "11"), ("'3'", "'3'"), ("2.5", "2.5"), ("true", "true")]
)
def test_max_attempts_must_be_a_whole_number_in_range(value, shown):
    error = assert_one_error(
        matrix_job(f"retry: {{max_attempts: {value}}}"),
        4,
        27,
        "expected a whole number of attempts from 1 to 10",
    )
    assert error.message.endswith(f"got {shown}")
    assert "jobs[0].retry.max_attempts" in error.message


@pytest.mark.parametrize("value", ["soon", "-5s", "1m1h", "[5s]", "-1"])
def test_bad_delay(value):
    error = assert_one_error(
        matrix_job(f"retry: {{max_attempts: 2, delay: {value}}}"), 4, 37, "jobs[0].retry.delay"
    )
    assert "(or 0 for no delay)" in error.message
