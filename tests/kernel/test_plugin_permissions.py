"""The permission diff behind `update`'s approval: every grant a new manifest adds, nothing it narrows."""

from __future__ import annotations

import pytest

from kernel.plugin_permissions import AGENT_DEFAULT_LIMITS, new_permissions

BASE = {
    "fs": {"workspace": "ro"},
    "network": {"allowed_hosts": ["https://a.example"]},
    "env": ["CI"],
    "secrets": ["TOKEN"],
    "limits": {"memory_mb": 64, "fuel": 1000, "timeout": "90s"},
}


def test_the_same_or_narrower_permissions_need_no_approval():
    assert new_permissions(BASE, BASE) == []
    assert new_permissions(BASE, {"fs": {"workspace": "none"}, "limits": dict(BASE["limits"])}) == []
    narrower = {**BASE, "limits": {"memory_mb": 32, "fuel": 10, "timeout": "1m"}, "env": [], "secrets": []}
    assert new_permissions(BASE, narrower) == []
    assert new_permissions(None, None) == [] and new_permissions({}, {}) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"fs": {"workspace": "rw"}}, ["fs.workspace ro -> rw"]),
        (
            {
                "network": {
                    "allowed_hosts": ["https://a.example", "https://x.example", "http://y.example:8080"]
                }
            },
            ["network.allowed_hosts + https://x.example", "network.allowed_hosts + http://y.example:8080"],
        ),
        ({"env": ["CI", "HOME"]}, ["env + HOME"]),
        ({"secrets": ["TOKEN", "AWS_KEY"]}, ["secrets + AWS_KEY"]),
        ({"limits": {"memory_mb": 128, "fuel": 1000, "timeout": "90s"}}, ["limits.memory_mb 64 -> 128"]),
        ({"limits": {"memory_mb": 64, "fuel": 2000, "timeout": "90s"}}, ["limits.fuel 1000 -> 2000"]),
        ({"limits": {"memory_mb": 64, "fuel": 1000, "timeout": "1m31s"}}, ["limits.timeout 90s -> 1m31s"]),
        ({"limits": {"memory_mb": 64, "fuel": 1000, "timeout": 91}}, ["limits.timeout 90s -> 91"]),
        ({"limits": {"memory_mb": 64, "timeout": "90s"}}, ["limits.fuel 1000 -> default"]),
    ],
)
def test_each_new_grant_is_named(change, expected):
    assert new_permissions(BASE, {**BASE, **change}) == expected


def test_from_nothing_every_grant_is_listed_in_order():
    wide = {
        "fs": {"workspace": "rw"},
        "network": {"allowed_hosts": ["https://x.example"]},
        "env": ["A"],
        "secrets": ["S"],
        "limits": {"memory_mb": 128},
    }
    assert new_permissions({}, wide) == [
        "fs.workspace none -> rw",
        "network.allowed_hosts + https://x.example",
        "env + A",
        "secrets + S",
        "limits.memory_mb default -> 128",
    ]


def test_a_left_out_limit_is_the_agents_default():
    """A limit below the agent's default narrows it; back to the default from below widens it."""
    assert new_permissions({}, {"limits": {"memory_mb": 8, "fuel": 10, "timeout": "5s"}}) == []
    assert new_permissions({"limits": {"timeout": "5s"}}, {}) == ["limits.timeout 5s -> default"]
    assert new_permissions({}, {"limits": {"timeout": "11m"}}) == ["limits.timeout default -> 11m"]


def test_the_agents_defaults_are_what_the_kernel_compares_with():
    from agent.plugins.invoke import DEFAULT_PLUGIN_TIMEOUT
    from agent.sandbox.policy import Limits

    defaults = Limits()
    assert AGENT_DEFAULT_LIMITS == {
        "memory_mb": defaults.memory_bytes / (1024 * 1024),
        "fuel": defaults.fuel,
        "timeout": DEFAULT_PLUGIN_TIMEOUT,
    }


def test_an_unreadable_limit_is_never_taken_for_a_lower_one():
    assert new_permissions({"limits": {"timeout": "90s"}}, {"limits": {"timeout": "soon"}}) == [
        "limits.timeout 90s -> soon"
    ]
