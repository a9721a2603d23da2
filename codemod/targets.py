"""Where the repository around a Dockerfile builds one of its stages as a target.

A stage name is also an interface: ``docker build --target builder``, ``target: builder`` under
``build:`` in a compose file, ``target = "builder"`` in a bake file, ``--target=test`` in a CI job.
Renaming a stage breaks those builds, and nothing in the Dockerfile says they exist. This module
finds them by reading the text of the files that usually hold them (the tables below), so a pass
can leave such a stage's name alone and say where it is used.

The search covers the repository: from the Dockerfile's directory up to the nearest ancestor
holding ``.git``, then that whole tree (the Dockerfile's own directory tree when there is no
``.git`` above it). It is bounded (files over 1 MiB, ``.git``, ``node_modules``, ``vendor`` and
hidden directories other than ``.github`` and ``.circleci`` are skipped; at most ``MAX_FILES``
files are read) and done once per root in a process, so a run over a monorepo reads it once.
It only reads text and runs nothing. A file cannot say which Dockerfile its target belongs to,
so every use counts for every Dockerfile of the repository: the answer errs on the side of
keeping names.
"""

from __future__ import annotations

import os
import re
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

#: Files larger than this are not read.
MAX_BYTES = 1 << 20
#: At most this many files are read per repository.
MAX_FILES = 3000
#: At most this many directory entries are looked at per repository.
MAX_ENTRIES = 200_000
#: Directories never searched (hidden ones are skipped too, except those in SEARCHED_HIDDEN).
SKIPPED_DIRS = frozenset({".git", "node_modules", "vendor"})
SEARCHED_HIDDEN = frozenset({".github", ".circleci"})

_NAME = r"(?P<name>[A-Za-z][A-Za-z0-9_.-]*)"
_SEPARATOR = r"""(?:=|[ \t]+|["']?[ \t]*,[ \t]*|["']?[ \t]*\\?\r?\n[ \t]*(?:-[ \t]+)?)"""

#: How a file names a build target, by syntax.
SYNTAXES: dict[str, re.Pattern[str]] = {
    # --target name, --target=name, "--target", "name" (argument lists), --target \<newline> name
    "flag": re.compile(rf"""(?<![\w-])--target{_SEPARATOR}["']?{_NAME}"""),
    # target: name (YAML)
    "yaml": re.compile(rf"""^[ \t]*(?:-[ \t]+)?["']?target["']?[ \t]*:[ \t]*["']?{_NAME}["']?[ \t]*(?:#.*)?\r?$""", re.MULTILINE),
    # target = "name" (HCL)
    "hcl": re.compile(rf"""(?<![\w-])target[ \t]*=[ \t]*"{_NAME}\""""),
    # "target": "name" (JSON)
    "json": re.compile(rf""""target"[ \t]*:[ \t]*"{_NAME}\""""),
}


@dataclass(frozen=True)
class Kind:
    """A kind of file that may name build targets: which files (glob patterns matched against
    the end of the path, as ``PurePosixPath.match`` does) and the syntaxes read in them."""

    name: str
    patterns: tuple[str, ...]
    syntaxes: tuple[str, ...]
    #: YAML keys one of which must hold the ``target:`` key (compose: ``build``).
    under: tuple[str, ...] = ()


KINDS: tuple[Kind, ...] = (
    Kind("compose", ("compose*.yml", "compose*.yaml", "docker-compose*.yml", "docker-compose*.yaml"), ("yaml",), under=("build",)),
    Kind("bake", ("docker-bake*.hcl",), ("hcl",)),
    Kind("bake", ("docker-bake*.json",), ("json",)),
    Kind("make", ("Makefile", "makefile", "GNUmakefile", "*.mk"), ("flag",)),
    Kind(
        "ci",
        (
            ".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml", ".circleci/config.yml",
            "azure-pipelines.yml", ".drone.yml", "cloudbuild.yml", "cloudbuild.yaml", "skaffold.yml", "skaffold.yaml",
        ),
        ("flag", "yaml"),
    ),
    Kind("ci", ("Jenkinsfile",), ("flag",)),
    Kind("script", ("*.sh",), ("flag",)),
    Kind("task", ("Taskfile.yml", "Taskfile.yaml", "Taskfile.dist.yml", "Taskfile.dist.yaml"), ("flag", "yaml")),
    Kind("task", ("justfile", "Justfile", ".justfile"), ("flag",)),
)


@dataclass(frozen=True)
class TargetUse:
    """One place that builds a target by name."""

    name: str
    #: The file, as a path the user can open (relative the way the Dockerfile's path was given).
    path: str
    line: int

    @property
    def key(self) -> str:
        """The name as BuildKit looks it up (lower case)."""
        return self.name.lower()

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Targets:
    """The target uses found around one Dockerfile."""

    uses: tuple[TargetUse, ...] = ()
    #: Whether a search was made (not for standard input).
    searched_any: bool = False
    #: Files read.
    searched: int = 0
    #: False when a bound stopped the search before the whole tree was read.
    complete: bool = True

    def named(self, name: str) -> tuple[TargetUse, ...]:
        """The uses of ``name`` (compared in lower case, as BuildKit compares stage names)."""
        key = name.lower()
        return tuple(use for use in self.uses if use.key == key)


@dataclass(frozen=True)
class _Found:
    name: str
    #: Relative to the root, with forward slashes.
    relative: str
    line: int


@dataclass(frozen=True)
class _Scan:
    found: tuple[_Found, ...]
    searched: int
    complete: bool


def targets_for(dockerfile: str) -> Targets:
    """The build-target uses in the repository around ``dockerfile`` ("-": no file, nothing)."""
    if dockerfile == "-" or not dockerfile:
        return Targets()
    directory = Path(dockerfile).resolve().parent
    if not directory.is_dir():
        return Targets()
    root = repository_root(directory) or directory
    scan = scan_root(root)
    shown = os.path.dirname(dockerfile)
    uses = []
    for found in scan.found:
        relative = os.path.relpath(root / found.relative, directory)
        uses.append(TargetUse(found.name, os.path.normpath(os.path.join(shown, relative)), found.line))
    return Targets(tuple(uses), True, scan.searched, scan.complete)


def repository_root(directory: Path) -> Path | None:
    """The nearest of ``directory`` and its ancestors that holds ``.git``."""
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


@lru_cache(maxsize=None)
def scan_root(root: Path) -> _Scan:
    """Every target use under ``root``, nearest directories first (once per root and process)."""
    found: list[_Found] = []
    searched = entries = 0
    queue: deque[Path] = deque([root])
    while queue:
        directory = queue.popleft()
        try:
            children = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in children:
            entries += 1
            if entries > MAX_ENTRIES:
                return _Scan(tuple(found), searched, False)
            try:
                if entry.is_dir(follow_symlinks=False):
                    if _searched_dir(entry.name):
                        queue.append(Path(entry.path))
                    continue
                if not entry.is_file() or entry.stat().st_size > MAX_BYTES:
                    continue
            except OSError:
                continue
            relative = PurePosixPath(Path(entry.path).relative_to(root).as_posix())
            kind = kind_of(relative)
            if kind is None:
                continue
            if searched >= MAX_FILES:
                return _Scan(tuple(found), searched, False)
            searched += 1
            text = _read(Path(entry.path))
            if text is not None:
                found.extend(_Found(name, relative.as_posix(), line) for name, line in read_targets(text, kind))
    return _Scan(tuple(found), searched, True)


def kind_of(path: PurePosixPath) -> Kind | None:
    """Which kind of file ``path`` (relative to the root) is, if it is one that names targets."""
    for kind in KINDS:
        if any(path.match(pattern) for pattern in kind.patterns):
            return kind
    return None


def read_targets(text: str, kind: Kind) -> list[tuple[str, int]]:
    """The target names ``text`` uses, with their line numbers, in the order they appear."""
    lines = text.split("\n")
    found = []
    for syntax in kind.syntaxes:
        for match in SYNTAXES[syntax].finditer(text):
            line = text.count("\n", 0, match.start("name")) + 1
            if kind.under and not set(kind.under) & set(_yaml_parents(lines, line - 1)):
                continue
            found.append((match.group("name"), line))
    return sorted(set(found), key=lambda item: (item[1], item[0]))


def _searched_dir(name: str) -> bool:
    if name in SKIPPED_DIRS:
        return False
    return not name.startswith(".") or name in SEARCHED_HIDDEN


def _read(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", "replace")


_YAML_KEY = re.compile(r"""^(?P<indent>[ \t]*(?:-[ \t]+)?)["']?(?P<key>[^\s"':#][^"':]*)["']?[ \t]*:(?:[ \t]|$)""")


def _yaml_parents(lines: list[str], index: int) -> list[str]:
    """The keys that hold the key on line ``index`` of a YAML file, innermost first (read from
    indentation: enough for the block style compose files are written in)."""
    match = _YAML_KEY.match(lines[index])
    if match is None:
        return []
    indent = len(match.group("indent"))
    parents = []
    for line in reversed(lines[:index]):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _YAML_KEY.match(line)
        depth = len(found.group("indent")) if found else len(line) - len(line.lstrip())
        if depth < indent:
            if found is None:
                break
            parents.append(found.group("key").strip())
            indent = depth
    return parents
