from datetime import UTC, datetime, timedelta

from kernel.dsl.model import Selector, SelectorRequirement
from kernel.scheduler import AgentSlots, Assignment, Lease, QueuedJob, assign, expired, unmatched
from kernel.status import Status

T0 = datetime(2026, 1, 1, tzinfo=UTC)
LINUX = Selector(match_labels={"os": "linux"})
BIG = Selector(match_expressions=(SelectorRequirement("cpu-cores", "Gt", ("8",)),))


def q(id, selector=Selector(), seconds=0):
    return QueuedJob(id, selector, T0 + timedelta(seconds=seconds))


def test_jobs_go_only_to_agents_whose_labels_match():
    agents = [AgentSlots("mac", {"os": "macos"}, 2), AgentSlots("lin", {"os": "linux"}, 2)]
    assert assign([q("j", LINUX)], agents) == [Assignment("j", "lin")]


def test_numeric_selectors_compare_numbers():
    agents = [AgentSlots("small", {"cpu-cores": "4"}, 1), AgentSlots("big", {"cpu-cores": "16"}, 1)]
    assert assign([q("j", BIG)], agents) == [Assignment("j", "big")]


def test_capacity_is_never_exceeded_and_oldest_jobs_go_first():
    agents = [AgentSlots("a", {}, 1), AgentSlots("b", {}, 1)]
    result = assign([q("late", seconds=5), q("early", seconds=1), q("middle", seconds=3)], agents)
    assert [a.job_id for a in result] == ["early", "middle"]
    assert sorted(a.agent_id for a in result) == ["a", "b"]


def test_load_spreads_to_the_agent_with_most_free_slots():
    agents = [AgentSlots("a", {}, 1), AgentSlots("b", {}, 3)]
    assert assign([q("j")], agents) == [Assignment("j", "b")]


def test_a_job_nobody_matches_waits_without_blocking_others():
    agents = [AgentSlots("lin", {"os": "linux"}, 1)]
    result = assign([q("mac-only", Selector(match_labels={"os": "macos"})), q("any", seconds=1)], agents)
    assert result == [Assignment("any", "lin")]
    assert unmatched([q("mac-only", Selector(match_labels={"os": "macos"}))], [{"os": "linux"}]) == [
        "mac-only"
    ]


def test_expired_lease_requeues_a_job_that_never_started():
    lease = Lease("j", "agent-1", Status.QUEUED, T0)
    assert expired([lease], T0, 3)[0].requeue


def test_expired_lease_fails_a_started_job_with_the_reason():
    lease = Lease("j", "agent-1", Status.RUNNING, T0)
    outcome = expired([lease], T0 + timedelta(seconds=1), 3)[0]
    assert not outcome.requeue and outcome.status is Status.FAILED
    assert outcome.message == "lease expired: agent 'agent-1' sent no heartbeat for 3s"


def test_expired_lease_of_a_job_being_stopped_ends_as_requested():
    lease = Lease("j", "agent-1", Status.RUNNING, T0, Status.CANCELLED, "cancelled by user")
    outcome = expired([lease], T0, 3)[0]
    assert outcome.status is Status.CANCELLED and outcome.message == "cancelled by user"


def test_live_leases_are_left_alone():
    assert expired([Lease("j", "a", Status.RUNNING, T0 + timedelta(seconds=1))], T0, 3) == []


def test_a_held_concurrency_key_blocks_its_jobs_but_not_others():
    agents = [AgentSlots("a", {}, 4)]
    jobs = [QueuedJob("deploy", Selector(), T0, "prod"), QueuedJob("build", Selector(), T0 + timedelta(1))]
    assert assign(jobs, agents, held_keys={"prod"}) == [Assignment("build", "a")]


def test_jobs_of_one_key_go_one_at_a_time_oldest_first():
    agents = [AgentSlots("a", {}, 4)]
    jobs = [
        QueuedJob("second", Selector(), T0 + timedelta(seconds=1), "prod"),
        QueuedJob("first", Selector(), T0, "prod"),
    ]
    assert assign(jobs, agents) == [Assignment("first", "a")]


def test_the_oldest_job_of_a_key_keeps_its_turn_while_it_waits_for_an_agent():
    agents = [AgentSlots("lin", {"os": "linux"}, 2)]
    mac_first = QueuedJob("mac", Selector(match_labels={"os": "macos"}), T0, "prod")
    linux_later = QueuedJob("lin", Selector(), T0 + timedelta(seconds=1), "prod")
    assert assign([mac_first, linux_later], agents) == []
