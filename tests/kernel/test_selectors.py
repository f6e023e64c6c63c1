"""Agent selectors: Kubernetes matching semantics, the stored dict form, and descriptions."""

from __future__ import annotations

import json

import pytest

from kernel.dsl.model import Selector, SelectorRequirement
from kernel.selectors import describe, matches, selector_from_dict, selector_to_dict

LINUX_BOX = {"os": "linux", "arch": "amd64", "cpu-cores": "10", "gpu": "nvidia"}


def expr(key: str, operator: str, *values: str) -> Selector:
    return Selector(match_expressions=(SelectorRequirement(key, operator, values),))  # type: ignore[arg-type]


def test_empty_selector_matches_any_agent():
    assert matches(Selector(), {})
    assert matches(Selector(), LINUX_BOX)


def test_match_labels_must_all_be_equal():
    assert matches(Selector(match_labels={"os": "linux", "arch": "amd64"}), LINUX_BOX)
    assert not matches(Selector(match_labels={"os": "linux", "arch": "arm64"}), LINUX_BOX)
    assert not matches(Selector(match_labels={"zone": "eu"}), LINUX_BOX)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (expr("arch", "In", "amd64", "arm64"), True),
        (expr("arch", "In", "arm64"), False),
        (expr("missing", "In", "x"), False),
        (expr("arch", "NotIn", "arm64", "riscv"), True),
        (expr("arch", "NotIn", "amd64"), False),
        (expr("missing", "NotIn", "x"), True),
        (expr("gpu", "Exists"), True),
        (expr("missing", "Exists"), False),
        (expr("gpu", "NotExists"), False),
        (expr("missing", "NotExists"), True),
    ],
)
def test_set_operators(selector, expected):
    assert matches(selector, LINUX_BOX) is expected


@pytest.mark.parametrize(
    ("operator", "label", "threshold", "expected"),
    [
        ("Gt", "10", "8", True),  # numeric, not string, comparison ("10" < "8" as strings)
        ("Gt", "8", "8", False),
        ("Gt", "7", "8", False),
        ("Gt", "8.5", "8", True),
        ("Gt", "1e3", "999", True),
        ("Gt", "-1", "-2", True),
        ("Lt", "8", "10", True),
        ("Lt", "10", "10", False),
        ("Lt", "10", "8", False),
        ("Lt", "0.5", "1", True),
    ],
)
def test_numeric_operators_compare_numbers(operator, label, threshold, expected):
    assert matches(expr("n", operator, threshold), {"n": label}) is expected


@pytest.mark.parametrize("operator", ["Gt", "Lt"])
@pytest.mark.parametrize("labels", [{"n": "many"}, {"n": ""}, {"n": "nan"}, {}])
def test_non_numeric_or_missing_labels_never_match_numeric_operators(operator, labels):
    assert not matches(expr("n", operator, "5"), labels)


def test_all_parts_must_match():
    selector = Selector(
        match_labels={"os": "linux"},
        match_expressions=(
            SelectorRequirement("cpu-cores", "Gt", ("8",)),
            SelectorRequirement("arch", "In", ("amd64", "arm64")),
        ),
    )
    assert matches(selector, LINUX_BOX)
    assert not matches(selector, {**LINUX_BOX, "cpu-cores": "4"})
    assert not matches(selector, {**LINUX_BOX, "os": "darwin"})


def test_dict_round_trip_is_json_safe():
    selector = Selector(
        match_labels={"os": "linux"},
        match_expressions=(
            SelectorRequirement("cpu-cores", "Gt", ("8",)),
            SelectorRequirement("arch", "NotIn", ("s390x", "ppc64le")),
            SelectorRequirement("gpu", "Exists"),
        ),
    )
    stored = json.loads(json.dumps(selector_to_dict(selector)))
    assert stored == {
        "match_labels": {"os": "linux"},
        "match_expressions": [
            {"key": "cpu-cores", "operator": "Gt", "values": ["8"]},
            {"key": "arch", "operator": "NotIn", "values": ["s390x", "ppc64le"]},
            {"key": "gpu", "operator": "Exists", "values": []},
        ],
    }
    assert selector_from_dict(stored) == selector


def test_empty_dict_is_the_empty_selector():
    assert selector_from_dict({}) == Selector()
    assert selector_from_dict(selector_to_dict(Selector())) == Selector()


def test_from_dict_rejects_unknown_operators():
    with pytest.raises(ValueError, match="unknown selector operator 'Near'"):
        selector_from_dict({"match_expressions": [{"key": "a", "operator": "Near", "values": []}]})


def test_describe():
    selector = Selector(
        match_labels={"os": "linux"},
        match_expressions=(
            SelectorRequirement("cpu-cores", "Gt", ("8",)),
            SelectorRequirement("arch", "In", ("amd64", "arm64")),
            SelectorRequirement("mem-gb", "Lt", ("64",)),
            SelectorRequirement("zone", "NotIn", ("us",)),
            SelectorRequirement("gpu", "Exists"),
            SelectorRequirement("spot", "NotExists"),
        ),
    )
    assert describe(selector) == (
        "os=linux, cpu-cores>8, arch in (amd64,arm64), mem-gb<64, zone notin (us), gpu, !spot"
    )
    assert describe(Selector()) == "any agent"
