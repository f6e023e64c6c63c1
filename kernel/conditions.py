"""`when` conditions: CEL expressions (cel-python, never `eval`) deciding whether a job or a step runs.

An expression sees four maps (`variables`, `env`, `matrix`, `trigger` with `type`, `branch` and `event`)
and three status functions: `success()` (nothing before it failed), `failure()` (something did) and
`always()`. Without a status function an expression means `success() && (expr)`.

The kernel's planner (jobs) and the agent's runner (steps) both evaluate conditions, so this module imports
nothing from the kernel: the agent imports it without pulling in the kernel's server code. The DSL checks
expressions with `analyse` when a pipeline is validated.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import celpy
import lark
from celpy import celtypes
from lark.exceptions import UnexpectedCharacters, UnexpectedToken

__all__ = [
    "CONTEXT_NAMES",
    "STATUS_FUNCTIONS",
    "TRIGGER_FIELDS",
    "Analysis",
    "ConditionError",
    "ConditionSyntaxError",
    "analyse",
    "context",
    "evaluate",
    "failed_message",
    "skipped_message",
    "uses_status",
]

CONTEXT_NAMES = ("variables", "env", "matrix", "trigger")
STATUS_FUNCTIONS = ("success", "failure", "always")
TRIGGER_FIELDS = ("type", "branch", "event")
MAX_LENGTH = 4096  # characters; conditions are short, and parsing and evaluation recurse
# Syntax tree levels (about 25 nested parentheses): evaluation recurses per level and must never reach
# Python's recursion limit.
MAX_DEPTH = 250
# CEL macros whose first argument names a variable bound in the others: `list.exists(x, x > 1)`.
BINDING_MACROS = ("all", "exists", "exists_one", "map", "filter")
GLOBAL_FUNCTIONS = frozenset(
    {"has", *(name for name in celpy.base_functions if name.isidentifier())} | set(STATUS_FUNCTIONS)
)


class ConditionError(Exception):
    """A condition could not be evaluated (a missing key, a wrong type, a result that is not a bool)."""


class ConditionSyntaxError(ConditionError):
    """The expression is not valid CEL; `column` is 1-based within the expression's `line`."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Analysis:
    """What an expression refers to, found by walking its syntax tree."""

    problems: tuple[str, ...] = ()
    status_functions: frozenset[str] = frozenset()
    matrix_axes: tuple[str, ...] = ()  # `matrix.X` fields, in order of appearance


@dataclass(frozen=True)
class _Compiled:
    runner: celpy.Runner
    analysis: Analysis


_lock = threading.Lock()  # the Lark parser is shared; compile one expression at a time
_environment: celpy.Environment | None = None


def _compile_tree(text: str) -> lark.Tree:
    global _environment
    if _environment is None:
        _environment = celpy.Environment()
    try:
        return _environment.compile(text)
    except celpy.CELParseError as error:
        raise ConditionSyntaxError(_syntax_message(error), error.line, error.column) from None


@lru_cache(maxsize=1024)
def _compiled(text: str) -> _Compiled:
    if len(text) > MAX_LENGTH:
        raise ConditionSyntaxError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}"
        )
    try:
        with _lock:
            tree = _compile_tree(text)
            assert _environment is not None
            runner = _environment.program(tree, functions=_status_functions())
        return _Compiled(runner, _Walker().analyse(tree))
    except RecursionError:
        raise ConditionSyntaxError("the expression is nested too deeply") from None


def analyse(text: str) -> Analysis:
    """The expression's references and problems; raises ConditionSyntaxError when it does not parse."""
    return _compiled(text).analysis


def uses_status(text: str) -> bool:
    """The expression calls success(), failure() or always() (so it decides itself after a failure)."""
    return bool(analyse(text).status_functions)


def context(
    variables: Mapping[str, Any] | None,
    env: Mapping[str, Any] | None,
    matrix: Mapping[str, Any] | None,
    trigger: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The JSON-able context of a condition; `trigger` keeps only type, branch and event ("" if missing)."""
    trigger = trigger or {}
    return {
        "variables": {str(k): str(v) for k, v in (variables or {}).items()},
        "env": {str(k): str(v) for k, v in (env or {}).items()},
        "matrix": {str(k): str(v) for k, v in (matrix or {}).items()},
        "trigger": {name: str(trigger.get(name) or "") for name in TRIGGER_FIELDS},
    }


def evaluate(text: str, values: Mapping[str, Any], *, upstream_ok: bool) -> bool:
    """Whether the condition holds; `upstream_ok` is False once a dependency (or earlier step) failed.

    Raises ConditionError when the expression cannot be evaluated.
    """
    compiled = _compiled(text)
    if compiled.analysis.problems:
        raise ConditionSyntaxError(compiled.analysis.problems[0])
    if not compiled.analysis.status_functions and not upstream_ok:
        return False  # the implicit success() is false: the expression itself does not matter
    activation = {name: celpy.json_to_cel(dict(values.get(name) or {})) for name in CONTEXT_NAMES}
    with _outcome_so_far(upstream_ok):
        try:
            result = compiled.runner.evaluate(activation)
        except celpy.CELEvalError as error:
            raise ConditionError(_eval_message(error)) from None
        except (TypeError, ValueError, KeyError, ZeroDivisionError) as error:
            raise ConditionError(str(error)) from None
        except RecursionError:
            raise ConditionError("the expression is nested too deeply") from None
    if isinstance(result, celpy.CELEvalError):
        raise ConditionError(_eval_message(result))
    if not isinstance(result, celtypes.BoolType):
        raise ConditionError(f"the expression must be true or false, got {_describe(result)}")
    return bool(result)


def skipped_message(text: str) -> str:
    return f"skipped: when '{text}' is false"


def failed_message(text: str, error: ConditionError) -> str:
    return f"when '{text}' could not be evaluated: {error}"


_outcome = threading.local()  # `upstream_ok` of the evaluation running on this thread


def _status_functions() -> dict[str, Callable[[], celtypes.BoolType]]:
    """success()/failure()/always(), reading the outcome so far from a thread-local.

    Compiled programs bind their functions once and are cached and shared across threads (the agent runs
    jobs in parallel), so the functions look the outcome up instead of capturing it.
    """
    return {
        "success": lambda: celtypes.BoolType(_outcome.upstream_ok),
        "failure": lambda: celtypes.BoolType(not _outcome.upstream_ok),
        "always": lambda: celtypes.BoolType(True),
    }


@contextmanager
def _outcome_so_far(upstream_ok: bool) -> Iterator[None]:
    _outcome.upstream_ok = upstream_ok
    try:
        yield
    finally:
        del _outcome.upstream_ok


class _Walker:
    """Finds unknown names and functions, status function calls and `matrix.X` fields in a CEL tree."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.status: set[str] = set()
        self.axes: list[str] = []

    def analyse(self, tree: lark.Tree) -> Analysis:
        if _depth(tree) > MAX_DEPTH:
            return Analysis(problems=("the expression is nested too deeply",))
        self.walk(tree, frozenset())
        return Analysis(tuple(dict.fromkeys(self.problems)), frozenset(self.status), tuple(self.axes))

    def walk(self, node: Any, bound: frozenset[str]) -> None:
        if not isinstance(node, lark.Tree):
            return
        kind = node.data
        if kind in ("ident", "dot_ident"):
            self._name(str(node.children[0]), bound)
        elif kind in ("ident_arg", "dot_ident_arg"):
            self._call(node, bound)
        elif kind == "member_dot":
            self._field(node.children[0], str(node.children[1]), bound)
            self.walk(node.children[0], bound)
        elif kind == "member_dot_arg":
            self._method(node, bound)
        elif kind == "member_object":
            self.problems.append("message construction (Type{field: value}) is not supported in 'when'")
        else:
            for child in node.children:
                self.walk(child, bound)

    def _name(self, name: str, bound: frozenset[str]) -> None:
        if name in bound or name in CONTEXT_NAMES:
            return
        if name in STATUS_FUNCTIONS:
            self.problems.append(f"'{name}' is a function: write {name}()")
            return
        self.problems.append(f"unknown name '{name}' (expected one of: {', '.join(CONTEXT_NAMES)})")

    def _call(self, node: lark.Tree, bound: frozenset[str]) -> None:
        name = str(node.children[0])
        arguments = node.children[1] if len(node.children) > 1 else None
        if name in STATUS_FUNCTIONS:
            self.status.add(name)
            if arguments is not None:
                self.problems.append(f"{name}() takes no arguments")
        elif name not in GLOBAL_FUNCTIONS:
            self.problems.append(
                f"unknown function '{name}()' (expected {', '.join(f'{f}()' for f in STATUS_FUNCTIONS)} "
                "or a CEL standard function such as size() or has())"
            )
        self.walk(arguments, bound)

    def _field(self, target: Any, name: str, bound: frozenset[str]) -> None:
        """`matrix.X` and `trigger.X` on the context maps themselves (not on a bound variable)."""
        root = _plain_ident(target)
        if root is None or root in bound:
            return
        if root == "matrix" and name not in self.axes:
            self.axes.append(name)
        if root == "trigger" and name not in TRIGGER_FIELDS:
            self.problems.append(
                f"unknown trigger field '{name}' (expected one of: {', '.join(TRIGGER_FIELDS)})"
            )

    def _method(self, node: lark.Tree, bound: frozenset[str]) -> None:
        target, name = node.children[0], str(node.children[1])
        arguments = node.children[2] if len(node.children) > 2 else None
        self.walk(target, bound)
        if arguments is None:
            return
        expressions = list(arguments.children)
        variable = _plain_ident(expressions[0]) if expressions else None
        if name in BINDING_MACROS and variable is not None and len(expressions) > 1:
            for expression in expressions[1:]:
                self.walk(expression, bound | {variable})
        else:
            self.walk(arguments, bound)


def _depth(tree: lark.Tree) -> int:
    deepest, pending = 0, [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in node.children if isinstance(child, lark.Tree))
    return deepest


def _plain_ident(node: Any) -> str | None:
    """The name if `node` is nothing but an identifier (through the grammar's single-child wrappers)."""
    while isinstance(node, lark.Tree) and node.data != "ident" and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, lark.Tree) and node.data == "ident":
        return str(node.children[0])
    return None


def _syntax_message(error: celpy.CELParseError) -> str:
    cause = error.__context__
    where = f" at column {error.column}" if error.column else ""
    if error.line and error.line > 1:
        where = f" at line {error.line}, column {error.column}"
    if isinstance(cause, UnexpectedToken):
        token = cause.token
        found = "end of the expression" if token.type == "$END" else repr(str(token))
        return f"invalid CEL expression{where}: unexpected {found}"
    if isinstance(cause, UnexpectedCharacters):
        return f"invalid CEL expression{where}: unexpected character {cause.char!r}"
    first = str(error).splitlines()[0] if str(error) else "syntax error"
    return f"invalid CEL expression{where}: {first}"


def _eval_message(error: celpy.CELEvalError) -> str:
    message = str(error.args[0]) if error.args else str(error)
    return message.split(" (in activation", 1)[0]


def _describe(value: Any) -> str:
    if isinstance(value, celtypes.StringType):
        return f"the string {str(value)!r}"
    if isinstance(value, celtypes.IntType | celtypes.UintType | celtypes.DoubleType):
        return f"the number {value}"
    if isinstance(value, celtypes.MapType):
        return "a map"
    if isinstance(value, celtypes.ListType):
        return "a list"
    if value is None:
        return "null"
    return type(value).__name__
