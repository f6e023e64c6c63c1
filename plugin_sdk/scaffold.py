"""`arcade plugin new`: a fresh step plugin project made from the SDK's templates.

A template is a folder `plugin_sdk/templates/<language>/` of `*.tmpl` files. Each is copied without its
`.tmpl` suffix (`gitignore.tmpl` becomes `.gitignore`) after its `{{placeholder}}`s are replaced by the
project's values (`name`, `namespace`, `short_name`, `type`). An unknown placeholder is an error, so no
template text is ever left in a project. The new project builds and passes `arcade plugin test` as it is.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from plugin_sdk.errors import ManifestError, PluginError
from plugin_sdk.manifest import MANIFEST_NAME, MANIFEST_SCHEMA, Manifest, load_manifest

__all__ = [
    "LANGUAGES",
    "PLUGIN_TYPES",
    "Scaffold",
    "ScaffoldError",
    "check_plugin_name",
    "new_plugin",
    "render_template",
]

LANGUAGES = ("python", "c", "wat")
PLUGIN_TYPES: tuple[str, ...] = tuple(MANIFEST_SCHEMA["properties"]["type"]["enum"])
TEMPLATE_SUFFIX = ".tmpl"
_NAME_SCHEMA = MANIFEST_SCHEMA["properties"]["name"]
_NAME = re.compile(_NAME_SCHEMA["pattern"])
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_DOTFILES = {"gitignore": ".gitignore"}


class ScaffoldError(PluginError):
    """A plugin project cannot be created: a bad name, type or language, or the folder is taken."""


@dataclass(frozen=True)
class Scaffold:
    """A project written by `new_plugin`: its folder, the files written (relative, sorted), its manifest."""

    path: Path
    language: str
    files: tuple[str, ...]
    manifest: Manifest


def check_plugin_name(name: str) -> None:
    """Raise `ScaffoldError` unless `name` is a plugin name `ns/name` as the manifest schema defines it."""
    if len(name) > _NAME_SCHEMA["maxLength"] or not _NAME.fullmatch(name):
        raise ScaffoldError(f"NAME: {name!r} is not {_NAME_SCHEMA['description']}, e.g. 'acme/lint'")


def render_template(text: str, values: Mapping[str, str], source: str) -> str:
    """Replace each `{{key}}` in `text` by `values[key]`; an unknown key is an error naming `source`."""

    def replace(match: re.Match[str]) -> str:
        key = match[1]
        if key not in values:
            known = ", ".join(sorted(values))
            raise ScaffoldError(f"template {source}: unknown placeholder {match[0]!r} (known: {known})")
        return values[key]

    return _PLACEHOLDER.sub(replace, text)


def new_plugin(name: str, plugin_type: str, language: str, parent: Path | str = ".") -> Scaffold:
    """Create `parent/<name after the '/'>` from the template of `language` and return what was written.

    Refuses an existing folder that is not empty (and anything there that is not a folder). The folder
    appears whole or not at all: the files are written into a staging folder that is then renamed.
    """
    check_plugin_name(name)
    if plugin_type not in PLUGIN_TYPES:
        raise ScaffoldError(f"--type: {plugin_type!r} is not one of {', '.join(PLUGIN_TYPES)}")
    if language not in LANGUAGES:
        raise ScaffoldError(f"--lang: {language!r} is not one of {', '.join(LANGUAGES)}")
    namespace, short_name = name.split("/", 1)
    target = Path(parent) / short_name
    _check_target(target)
    values = {"name": name, "namespace": namespace, "short_name": short_name, "type": plugin_type}
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{short_name}.", dir=target.parent))
    try:
        written = []
        for relative, template in _template_files(language):
            out = staging.joinpath(*relative.parts)
            out.parent.mkdir(parents=True, exist_ok=True)
            text = render_template(template.read_text(encoding="utf-8"), values, f"{language}/{relative}")
            out.write_text(text, encoding="utf-8")
            written.append(relative.as_posix())
        manifest = _check_manifest(staging / MANIFEST_NAME, language)
        os.chmod(staging, 0o755)  # mkdtemp made it private
        os.rename(staging, target)  # replaces an empty folder; fails if one appeared meanwhile
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise ScaffoldError(f"cannot create {target}: {error.strerror or error}") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Scaffold(target, language, tuple(sorted(written)), manifest)


def _check_target(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ScaffoldError(f"{target} already exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        raise ScaffoldError(f"{target} already exists and is not empty; choose another --dir or NAME")


def _template_files(language: str) -> Iterator[tuple[PurePosixPath, Traversable]]:
    """(output path, template) for every template file of `language`, in a stable order."""
    root = resources.files("plugin_sdk").joinpath("templates", language)
    if not root.is_dir():
        raise ScaffoldError(f"the SDK has no template for {language!r} (is plugin_sdk installed whole?)")
    pending: list[tuple[PurePosixPath, Traversable]] = [(PurePosixPath(), root)]
    while pending:
        prefix, folder = pending.pop()
        for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
            if item.is_dir():
                pending.append((prefix / item.name, item))
            elif item.name.endswith(TEMPLATE_SUFFIX):
                stem = item.name[: -len(TEMPLATE_SUFFIX)]
                yield prefix / _DOTFILES.get(stem, stem), item


def _check_manifest(path: Path, language: str) -> Manifest:
    """The template's manifest must be valid once filled in: a broken template is the SDK's bug."""
    try:
        return load_manifest(path)
    except ManifestError as error:
        raise ScaffoldError(f"the {language} template made an invalid manifest:\n{error}") from error
