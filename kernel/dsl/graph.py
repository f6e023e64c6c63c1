"""Checks `depends_on` across the pipeline: unknown, self, later-stage and serial-order edges, and cycles."""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kernel.dsl.yamlpos import Path

ReportError = Callable[[Path, str], None]


@dataclass(frozen=True)
class Dependency:
    name: str
    path: Path  # where the entry is written in `depends_on`


@dataclass(frozen=True)
class JobNode:
    """What the dependency checks need to know about one (uniquely named) job."""

    name: str
    stage: str
    stage_index: int
    index_in_stage: int
    serial: bool
    depends_on: tuple[Dependency, ...]


def check_dependencies(jobs: Sequence[JobNode], error: ReportError, also_suggest: Iterable[str] = ()) -> None:
    """Report every bad `depends_on` entry and every cycle; jobs are given in file order.

    `also_suggest` names more valid targets (matrix jobs) to suggest for a misspelt one.
    """
    by_name: dict[str, JobNode] = {}
    for job in jobs:
        by_name.setdefault(job.name, job)  # a duplicate name is reported elsewhere; the first one counts
    jobs = list(by_name.values())
    edges: dict[str, list[Dependency]] = {job.name: [] for job in jobs}
    known = [*also_suggest, *by_name]
    for job in jobs:
        for dependency in job.depends_on:
            if _edge_is_valid(job, dependency, by_name, known, error):
                edges[job.name].append(dependency)
    for component in _cycles(jobs, edges):
        _report_cycle(component, edges, error)


def _edge_is_valid(
    job: JobNode, dependency: Dependency, by_name: dict[str, JobNode], known: list[str], error: ReportError
) -> bool:
    target = by_name.get(dependency.name)
    if dependency.name == job.name:
        error(dependency.path, f"job '{job.name}' depends on itself")
    elif target is None:
        close = difflib.get_close_matches(dependency.name, known, n=3)
        hint = f" (did you mean {' or '.join(repr(name) for name in close)}?)" if close else ""
        error(dependency.path, f"job '{job.name}' depends on unknown job '{dependency.name}'{hint}")
    elif target.stage_index > job.stage_index:
        error(
            dependency.path,
            f"job '{job.name}' in stage '{job.stage}' depends on '{target.name}' in the later stage "
            f"'{target.stage}'; jobs can only depend on jobs in the same or an earlier stage",
        )
    elif target.stage_index == job.stage_index and job.serial and target.index_in_stage > job.index_in_stage:
        error(
            dependency.path,
            f"job '{job.name}' depends on '{target.name}', which runs after it in the serial stage "
            f"'{job.stage}'",
        )
    else:
        return True
    return False


def _cycles(jobs: Sequence[JobNode], edges: dict[str, list[Dependency]]) -> list[list[str]]:
    """Strongly connected components with more than one job (Tarjan's algorithm, iterative), in file order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in (job.name for job in jobs):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            if next_edge < len(targets):
                work.append((node, next_edge + 1))
                target = targets[next_edge].name
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    order = {job.name: position for position, job in enumerate(jobs)}
    return sorted((sorted(c, key=order.__getitem__) for c in components), key=lambda c: order[c[0]])


def _report_cycle(component: list[str], edges: dict[str, list[Dependency]], error: ReportError) -> None:
    """Report the shortest cycle through the component's first job, at that job's entry for the next one."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for dependency in edges[node]:
            target = dependency.name
            if target == start:
                chain = [node]
                while chain[-1] != start:
                    chain.append(came_from[chain[-1]])
                cycle = [*reversed(chain), start]
                entry = next(d for d in edges[start] if d.name == cycle[1])
                error(entry.path, f"dependency cycle: {_show_cycle(cycle)}")
                return
            if target in members and target not in came_from:
                came_from[target] = node
                queue.append(target)


def _show_cycle(cycle: list[str], limit: int = 12) -> str:
    """Show a cycle as "a -> b -> a"; long ones keep their ends: "a -> b -> ... (40 more) -> z -> a"."""
    if len(cycle) <= limit:
        return " -> ".join(cycle)
    head, tail = cycle[: limit // 2], cycle[-(limit // 2) :]
    return " -> ".join([*head, f"... ({len(cycle) - len(head) - len(tail)} more)", *tail])
