"""Durations: parse_duration reads what arcade.yaml allows; format_duration writes what it reads."""

from __future__ import annotations

import pytest

from kernel.dsl import format_duration, parse_duration


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (90, 90.0),
        (2.5, 2.5),
        ("90s", 90.0),
        ("15m", 900.0),
        ("1h", 3600.0),
        ("1h30m", 5400.0),
        ("500ms", 0.5),
        ("2d", 172800.0),
        ("1.5h", 5400.0),
        ("1d2h3m4s5ms", 93784.005),
        (" 10s ", 10.0),
    ],
)
def test_parse_duration_accepts(value, seconds):
    assert parse_duration(value) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "value", ["abc", "", "10", "10 s", "1H", "h", "1.h", "-5s", None, True, [1], {"s": 1}]
)
def test_parse_duration_rejects_other_values_with_a_helpful_message(value):
    with pytest.raises(
        ValueError, match="expected a duration such as 90s, 15m, 1h or a number of seconds, got"
    ):
        parse_duration(value)


def test_parse_duration_names_the_value_it_got():
    with pytest.raises(ValueError) as caught:
        parse_duration("abc")
    assert str(caught.value) == "expected a duration such as 90s, 15m, 1h or a number of seconds, got 'abc'"


@pytest.mark.parametrize("value", [0, -1, 0.0, "0s", "0h0m"])
def test_parse_duration_rejects_zero_and_negative(value):
    with pytest.raises(ValueError, match="longer than zero"):
        parse_duration(value)


@pytest.mark.parametrize("value", ["1m1h", "1s1s", "30m1h"])
def test_parse_duration_rejects_units_out_of_order(value):
    with pytest.raises(ValueError, match="out of order"):
        parse_duration(value)


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_parse_duration_rejects_non_finite_numbers(value):
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (90, "1m30s"),
        (3600, "1h"),
        (0.5, "500ms"),
        (2, "2s"),
        (86400, "1d"),
        (90061.5, "1d1h1m1s500ms"),
        (0, "0s"),
        (0.0004, "0s"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("seconds", [1, 59, 61, 3599, 3601, 5400, 86399, 172800, 0.25])
def test_format_then_parse_round_trips(seconds):
    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds)
