"""Configuration: ``.msb-refactor.toml`` or ``[tool.msb-refactor]`` in ``pyproject.toml``,
found as ruff finds its own: the closest one above each file wins (no merging), ``--config FILE``
uses one file for every input, ``--isolated`` none.

    select = ["merge-runs", "name-stages"]      # the passes to run (default: all)
    skip = ["split-stages"]
    exclude = ["legacy/**"]                      # replaces the default excludes
    extend-exclude = ["vendor/**"]               # adds to them
    safe-only = true                             # only changes that keep the image the same
    cache-mounts = true                          # merge-runs: cache mounts instead of cleanup

    [runtime-images]                             # split-stages: the runtime image to use
    "python:3.12*" = "python:3.12-slim"

    [contexts]                                   # the build context of Dockerfiles without
    "services/*/Dockerfile" = "."                # compose or bake files (paths from this file)

Patterns are matched against paths relative to the directory of the configuration file,
gitignore-style (``*`` within a name, ``**`` across directories, a trailing ``/`` for
directories). Command-line options override the file.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

NAMES = (".msb-refactor.toml", "pyproject.toml")
#: Directories and files no run looks into unless a configuration says otherwise.
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", "build/lib")
_KEYS = frozenset({"select", "skip", "exclude", "extend-exclude", "safe-only", "cache-mounts", "runtime-images", "contexts"})


class ConfigError(Exception):
    """A configuration file that cannot be read or says something unknown."""


@dataclass(frozen=True)
class Config:
    #: The file it was read from (None: the defaults).
    path: Path | None
    #: The directory patterns are relative to.
    root: Path
    select: tuple[str, ...] | None = None
    skip: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    safe_only: bool = False
    cache_mounts: bool = False
    runtime_images: tuple[tuple[str, str], ...] = ()
    contexts: tuple[tuple[str, str], ...] = ()

    @functools.cached_property
    def _resolved_root(self) -> Path:
        return self.root.resolve()

    def excluded(self, path: Path) -> bool:
        """Whether ``path`` (a file below ``root``) matches exclude or extend-exclude."""
        try:
            relative = path.resolve().relative_to(self._resolved_root).as_posix()
        except ValueError:
            return False
        return _matches_any(self.exclude + self.extend_exclude, relative)

    def context_for(self, path: Path) -> str | None:
        """The build context ``contexts`` gives this Dockerfile, as a directory path."""
        if not self.contexts:
            return None
        try:
            relative = path.resolve().relative_to(self._resolved_root).as_posix()
        except ValueError:
            return None
        for pattern, directory in self.contexts:
            if _matches(pattern, relative):
                return str((self.root / directory).resolve())
        return None


def _matches(pattern: str, relative: str) -> bool:
    """gitignore-style, as the walk reads .gitignore (``codemod.files``): a match of a directory
    covers what is below it."""
    return _matches_any((pattern,), relative)


def _matches_any(patterns: tuple[str, ...], relative: str) -> bool:
    match = _matcher(patterns)
    parts = relative.split("/")
    return any(match("/".join(parts[:i]), i < len(parts)) for i in range(1, len(parts) + 1))


@functools.lru_cache(maxsize=256)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str, bool], bool]:
    from .files import gitignore_matcher

    return gitignore_matcher(patterns)


def _strings(value: Any, key: str, where: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _table(value: Any, key: str, where: Path) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ConfigError(f"{where}: [{key}] must map strings to strings")
    return tuple(value.items())


def _bool(value: Any, key: str, where: Path) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false")
    return value


def parse(data: dict[str, Any], where: Path) -> Config:
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    from .passes import by_name

    select = _strings(data["select"], "select", where) if "select" in data else None
    skip = _strings(data.get("skip", []), "skip", where)
    for name in (select or ()) + skip:
        try:
            by_name(name)
        except KeyError as error:
            raise ConfigError(f"{where}: {error.args[0]}") from None
    if select is not None and not select:
        raise ConfigError(f"{where}: select is empty: name at least one pass (or leave it out for all)")
    return Config(
        path=where,
        root=where.parent,
        select=select,
        skip=skip,
        exclude=_strings(data["exclude"], "exclude", where) if "exclude" in data else DEFAULT_EXCLUDE,
        extend_exclude=_strings(data.get("extend-exclude", []), "extend-exclude", where),
        safe_only=_bool(data.get("safe-only", False), "safe-only", where),
        cache_mounts=_bool(data.get("cache-mounts", False), "cache-mounts", where),
        runtime_images=_table(data.get("runtime-images", {}), "runtime-images", where),
        contexts=_table(data.get("contexts", {}), "contexts", where),
    )


def load(path: Path) -> Config | None:
    """The configuration in ``path``; None for a pyproject.toml without [tool.msb-refactor]."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    if path.name == "pyproject.toml":
        section = data.get("tool", {}).get("msb-refactor")
        if section is None:
            return None
        return parse(section, path)
    return parse(data, path)


@functools.lru_cache(maxsize=1024)
def _find(directory: Path) -> Config | None:
    for name in NAMES:
        candidate = directory / name
        if candidate.is_file():
            found = load(candidate)
            if found is not None:
                return found
    parent = directory.parent
    return None if parent == directory else _find(parent)


def for_path(path: Path, explicit: Path | None = None, isolated: bool = False) -> Config:
    """The configuration in force for ``path`` (a file or directory)."""
    if isolated:
        return _defaults(os.getcwd())
    if explicit is not None:
        found = load(explicit)
        if found is None:
            raise ConfigError(f"{explicit}: no [tool.msb-refactor] section")
        return found
    start = path if path.is_dir() else path.parent
    return _find(start.resolve()) or _defaults(os.getcwd())


@functools.lru_cache(maxsize=16)
def _defaults(cwd: str) -> Config:
    """The defaults, relative to the working directory (one object per directory: its root is
    resolved once)."""
    return Config(None, Path(cwd))
