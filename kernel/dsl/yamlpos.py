"""Load YAML into plain Python data while remembering where every key and value was written.

PyYAML's constructors throw positions away and silently keep the last of two equal keys, so this module builds
the data itself from `yaml.compose()` nodes (SafeLoader). Every value is addressed by its path from the root,
e.g. ("stages", 0, "jobs", 1, "name").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from kernel.dsl.errors import Reporter

Path = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column

MAX_NODES = 100_000  # bounds alias expansion ("billion laughs")
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class Document:
    """Plain data (dicts with str keys, lists, scalars) plus the position of every key and value."""

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    source: dict[Path, str] = field(default_factory=dict)  # how each scalar was spelled in the file

    def value_at(self, path: Path) -> Position:
        """Where the value at `path` starts; falls back to the nearest enclosing value."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def key_at(self, path: Path) -> Position:
        """Where the mapping key that leads to `path` is written (the value's position for list items)."""
        return self.keys.get(path) or self.value_at(path)


def format_path(path: Path) -> str:
    """("stages", 0, "jobs", 1, "timeout") -> "stages[0].jobs[1].timeout"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def compose_document(text: str, report: Reporter) -> Document | None:
    """Parse `text`; YAML syntax errors and duplicate keys go to `report`. None when there is no data."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        root = loader.get_single_node()
        if root is None:
            return Document(data=None)
        builder = _Builder(loader, report)
        data = builder.convert(root, (), frozenset())
        return Document(data, builder.values, builder.keys, builder.source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        report.add(line, column, f"invalid YAML: {_describe_yaml_error(exc)}")
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        offset = exc.position
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        report.add(line, column, f"invalid YAML: character U+{exc.character:04X} is not allowed")
    except _TooLarge:
        report.add(1, 1, f"the document expands to more than {MAX_NODES} values (too many aliases?)")
    finally:
        if loader is not None:
            loader.dispose()
    return None


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "syntax error"
    return f"{problem} ({exc.context})" if exc.context else problem


class _TooLarge(Exception):
    pass


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, report: Reporter) -> None:
        self.loader = loader
        self.report = report
        self.values: dict[Path, Position] = {}
        self.keys: dict[Path, Position] = {}
        self.source: dict[Path, str] = {}
        self.count = 0

    def convert(self, node: yaml.Node, path: Path, ancestors: frozenset[int]) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        self.values[path] = _position(node)
        if isinstance(node, yaml.ScalarNode):
            self.source[path] = node.value
            try:
                return self.loader.construct_object(node, deep=True)
            except yaml.YAMLError as exc:
                problem = getattr(exc, "problem", None) or str(exc)
                self._error(node, path, f"cannot read this value: {problem}")
                return node.value
        if id(node) in ancestors:
            self._error(node, path, "an alias refers to a node that contains it")
            return None
        inner = ancestors | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index), inner) for index, item in enumerate(node.value)]
        return self._mapping(node, path, inner)

    def _mapping(self, node: yaml.MappingNode, path: Path, ancestors: frozenset[int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.extend(self._merge_pairs(value_node, path))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(key_node, path, "mapping keys must be plain strings")
                continue
            key = key_node.value
            if key in first_seen:
                line, column = first_seen[key]
                message = f"duplicate key '{key}' (first defined at line {line}, column {column})"
                self._error(key_node, path, message)
            else:
                first_seen[key] = _position(key_node)
            self.keys[(*path, key)] = _position(key_node)
            result[key] = self.convert(value_node, (*path, key), ancestors)
        for key_node, value_node in merged:  # `<<: *defaults`: keys written here win, earlier sources first
            key = key_node.value
            if isinstance(key_node, yaml.ScalarNode) and key not in result:
                self.keys[(*path, key)] = _position(key_node)
                result[key] = self.convert(value_node, (*path, key), ancestors)
        return result

    def _merge_pairs(
        self, node: yaml.Node, path: Path, seen: frozenset[int] = frozenset()
    ) -> list[tuple[yaml.Node, yaml.Node]]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self._error(source, path, "'<<' must merge a mapping or a list of mappings")
                continue
            if id(source) in seen:
                continue
            nested: list[tuple[yaml.Node, yaml.Node]] = []
            for key_node, value_node in source.value:
                if key_node.tag == _MERGE_TAG:
                    nested.extend(self._merge_pairs(value_node, path, seen | {id(source)}))
                else:
                    pairs.append((key_node, value_node))
            pairs.extend(nested)
        return pairs

    def _error(self, node: yaml.Node, path: Path, message: str) -> None:
        where = format_path(path)
        self.report.add(*_position(node), f"{where}: {message}" if where else message)


def _position(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1
