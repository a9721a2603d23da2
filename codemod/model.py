"""The meaning on top of the tree: stages, their names, every reference to a stage, ARG and ENV
in scope, WORKDIR, USER and SHELL at each instruction.

References resolve as BuildKit resolves them (frontend/dockerfile/dockerfile2llb):

* ``FROM name``: the latest *earlier* stage of that name (names compare in lower case);
  anything else is an image. A number is a name, not a stage index.
* ``COPY --from=N``: stage N when N is a number, else the *last* stage of that name (all stages
  are known when commands are converted), else an image.
* ``RUN --mount=...,from=x``: by name only (a number is an image name), else an image.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from . import buildkit, shell
from .cst import Command, Dockerfile, Instruction, Part, form_values, values

#: Names BuildKit reserves (its ReservedStageName check).
RESERVED_NAMES = frozenset({"scratch", "context"})
#: BuildKit's valid stage name.
VALID_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$")
DEFAULT_SHELL = ("/bin/sh", "-c")
_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})


@dataclass(frozen=True, eq=False)
class Stage:
    """One build stage: its FROM and the instructions up to the next FROM."""

    index: int
    instructions: tuple[Instruction, ...]
    command: Command
    #: The base as written (``golang:1.22``, ``${BASE}``, ``builder``); None when the FROM
    #: line is not ``FROM [--platform=...] image [AS name]``.
    image: Part | None
    as_keyword: Part | None
    name_part: Part | None

    @property
    def from_instruction(self) -> Instruction:
        return self.instructions[0]

    @property
    def name(self) -> str | None:
        """The stage name as written (None when unnamed)."""
        return self.name_part.text if self.name_part else None

    @property
    def key(self) -> str | None:
        """The name as BuildKit keys it (lower case)."""
        return self.name.lower() if self.name else None

    @property
    def body(self) -> tuple[Instruction, ...]:
        return self.instructions[1:]

    def commands(self) -> Iterator[tuple[Instruction, Command]]:
        for instruction in self.instructions:
            command = instruction.command
            if command is not None:
                yield instruction, command


@dataclass(frozen=True, eq=False)
class Reference:
    """A place that names a stage (or an image in its place)."""

    #: "from" (FROM <x>), "copy" (COPY --from=<x>), "mount" (RUN --mount=...,from=<x>).
    kind: str
    instruction: Instruction
    #: The stage the reference is written in (for "from": the stage it defines).
    stage: Stage
    #: The value as written.
    value: str
    #: The FLAG part (copy, mount) or the image WORD (from).
    part: Part
    #: The stage it resolves to; None when it names an image.
    target: Stage | None
    #: Resolved through a stage number (COPY --from=0).
    by_index: bool = False
    #: The value with its variables expanded (their defaults); None when one is unknown.
    expanded: str | None = None

    @property
    def variable(self) -> bool:
        """Written with a variable (``--from=${STAGE}``): what it names may change per build."""
        return "$" in self.value


@dataclass(frozen=True)
class Mount:
    """One ``--mount=`` flag: its fields (type, target, from, ...)."""

    part: Part
    fields: dict[str, str]

    @property
    def type(self) -> str:
        return self.fields.get("type", "bind")

    @property
    def target(self) -> str:
        for key in ("target", "dst", "destination"):
            if key in self.fields:
                return self.fields[key]
        return ""


def mounts(command: Command) -> list[Mount]:
    """The ``--mount`` flags of a RUN, read as BuildKit reads them (CSV fields)."""
    found = []
    for part in command.flags:
        value = flag_text(part)
        if not value.startswith("--mount="):
            continue
        body = value[len("--mount="):]
        try:
            (row,) = list(csv.reader([body]))
        except (ValueError, csv.Error):
            row = body.split(",")
        fields: dict[str, str] = {}
        for item in row:
            key, eq, val = item.partition("=")
            fields[key.strip().lower()] = val if eq else "true"
        found.append(Mount(part, fields))
    return found


@dataclass
class _Scope:
    env: dict[str, str | None] = field(default_factory=dict)
    workdir: str | None = None
    user: str | None = None
    shell: tuple[str, ...] = DEFAULT_SHELL


class Model:
    """Stages and references of one Dockerfile tree (read-only; build a new one per tree)."""

    def __init__(self, tree: Dockerfile) -> None:
        self.tree = tree
        #: Instructions before the first FROM (global ARGs, or mistakes).
        self.preamble: tuple[Instruction, ...] = ()
        self.stages: list[Stage] = []
        self._stage_of: dict[int, Stage] = {}
        current: list[Instruction] = []
        stage_commands: list[Command] = []
        for instruction in tree.instructions:
            command = instruction.command
            if command is not None and command.name == "from":
                if current and stage_commands:
                    self._add_stage(current, stage_commands[0])
                elif current:
                    self.preamble = tuple(current)
                current = [instruction]
                stage_commands = [command]
            else:
                current.append(instruction)
        if current and stage_commands:
            self._add_stage(current, stage_commands[0])
        elif current:
            self.preamble = tuple(current)
        self.references = list(self._references())

    def _add_stage(self, instructions: list[Instruction], command: Command) -> None:
        words = command.args if command.form == "words" else ()
        image = as_keyword = name = None
        if len(words) == 1:
            image = words[0]
        elif len(words) == 3 and words[1].text.lower() == "as":
            image, as_keyword, name = words
        stage = Stage(len(self.stages), tuple(instructions), command, image, as_keyword, name)
        self.stages.append(stage)
        for instruction in instructions:
            self._stage_of[id(instruction)] = stage

    # --- stages -------------------------------------------------------------------------------

    def stage_of(self, instruction: Instruction) -> Stage | None:
        return self._stage_of.get(id(instruction))

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def by_name(self, name: str, before: int | None = None) -> Stage | None:
        """The stage BuildKit finds for ``name``: the latest before index ``before`` (FROM), or
        the last of all (COPY --from, mounts)."""
        key = name.lower()
        candidates = self.stages if before is None else self.stages[:before]
        for stage in reversed(candidates):
            if stage.key == key:
                return stage
        return None

    def base_of(self, stage: Stage) -> Stage | None:
        """The earlier stage this one is built FROM, if any (variables read with their
        defaults)."""
        if stage.image is None:
            return None
        name = _expand(stage.image.text, self.global_args, unset_is_empty=True) if "$" in stage.image.text else stage.image.text
        return self.by_name(name, before=stage.index) if name else None

    def children(self, stage: Stage) -> list[Stage]:
        """Stages built FROM this one, directly or not."""
        found: list[Stage] = []
        frontier = [stage]
        while frontier:
            parent = frontier.pop()
            for other in self.stages:
                if other not in found and self.base_of(other) is parent:
                    found.append(other)
                    frontier.append(other)
        return found

    def in_final_image(self, stage: Stage) -> bool:
        """Whether this stage's files end up in the final image as its layers: it is the final
        stage or one the final stage is built FROM (not through COPY --from)."""
        final = self.final
        node: Stage | None = final
        while node is not None:
            if node is stage:
                return True
            node = self.base_of(node)
        return False

    def copied_from(self, stage: Stage) -> list[Reference]:
        return [r for r in self.references if r.target is stage and r.kind in ("copy", "mount")]

    def used(self, stage: Stage) -> bool:
        return self.in_final_image(stage) or any(r.target is stage for r in self.references)

    # --- references -----------------------------------------------------------------------------

    def _references(self) -> Iterator[Reference]:
        for stage in self.stages:
            if stage.image is not None:
                value = stage.image.text
                expanded = _expand(value, self.global_args, unset_is_empty=True) if "$" in value else value
                target = self.by_name(expanded, before=stage.index) if expanded else None
                yield Reference("from", stage.from_instruction, stage, value, stage.image, target, expanded=expanded)
            for instruction, command in stage.commands():
                if command.name == "copy":
                    for part in command.flags:
                        value = _flag_value(part, "from")
                        if value is None:
                            continue
                        expanded = self.expand(value, instruction) if "$" in value else value
                        if expanded is not None and expanded.isdigit():
                            index = int(expanded)
                            target = self.stages[index] if index < len(self.stages) else None
                            yield Reference("copy", instruction, stage, value, part, target, by_index=True, expanded=expanded)
                        else:
                            target = self.by_name(expanded) if expanded else None
                            yield Reference("copy", instruction, stage, value, part, target, expanded=expanded)
                elif command.name == "run":
                    for mount in mounts(command):
                        value = mount.fields.get("from")
                        if value:
                            expanded = self.expand(value, instruction) if "$" in value else value
                            target = self.by_name(expanded) if expanded else None
                            yield Reference("mount", instruction, stage, value, mount.part, target, expanded=expanded)

    # --- scope: ARG, ENV, WORKDIR, USER, SHELL ------------------------------------------------------

    @cached_property
    def global_args(self) -> dict[str, str | None]:
        args: dict[str, str | None] = {}
        for instruction in self.preamble:
            command = instruction.command
            if command is not None and command.name == "arg":
                for name, value in _declarations(command):
                    args[name] = _expand(value, args, unset_is_empty=True) if value is not None else None
        return args

    @cached_property
    def _scopes(self) -> dict[int, _Scope]:
        """The scope *before* each instruction of every stage."""
        scopes: dict[int, _Scope] = {}
        after: dict[int, _Scope] = {}
        for stage in self.stages:
            base = self.base_of(stage)
            inherited = after.get(base.index) if base is not None else None
            scope = _Scope(dict(inherited.env), inherited.workdir, inherited.user, inherited.shell) if inherited else _Scope()
            for instruction, command in stage.commands():
                scopes[id(instruction)] = _Scope(dict(scope.env), scope.workdir, scope.user, scope.shell)
                name = command.name
                if name == "arg":
                    for key, value in _declarations(command):
                        if value is None:
                            value = self.global_args.get(key) if key in self.global_args else scope.env.get(key)
                        else:
                            value = _expand(value, scope.env)
                        scope.env[key] = value
                elif name == "env":
                    for key, value in _env_pairs(command):
                        scope.env[key] = _expand(value, scope.env)
                elif name == "workdir" and command.args:
                    path = _expand(command.args[0].text, scope.env)
                    if path is None:
                        scope.workdir = None
                    elif path.startswith("/"):
                        scope.workdir = path
                    elif scope.workdir is not None:
                        scope.workdir = scope.workdir.rstrip("/") + "/" + path
                elif name == "user" and command.args:
                    scope.user = _expand(command.args[0].text, scope.env)
                elif name == "shell" and command.form == "exec":
                    scope.shell = form_values(command, instruction.escape)
            after[stage.index] = scope
        return scopes

    def env(self, instruction: Instruction) -> dict[str, str | None]:
        """ARG and ENV visible to ``instruction`` (None: declared, value unknown)."""
        scope = self._scopes.get(id(instruction))
        return dict(scope.env) if scope else {}

    def workdir(self, instruction: Instruction) -> str | None:
        """The WORKDIR ``instruction`` runs in; None when the base image decides."""
        scope = self._scopes.get(id(instruction))
        return scope.workdir if scope else None

    def user(self, instruction: Instruction) -> str | None:
        scope = self._scopes.get(id(instruction))
        return scope.user if scope else None

    def shell(self, instruction: Instruction) -> tuple[str, ...]:
        scope = self._scopes.get(id(instruction))
        return scope.shell if scope else DEFAULT_SHELL

    def posix_shell(self, instruction: Instruction) -> bool:
        """Whether RUN's shell form goes to a POSIX shell (not cmd or PowerShell)."""
        program = self.shell(instruction)[0].rsplit("/", 1)[-1].lower() if self.shell(instruction) else ""
        return program in _POSIX_SHELLS and self.tree.escape == "\\"

    def expand(self, text: str, instruction: Instruction) -> str | None:
        """``text`` with ``$VAR``/``${VAR}``/``${VAR:-x}``/``${VAR:+x}`` replaced from the scope of
        ``instruction``; None when a value it needs is unknown."""
        return _expand(text, self.env(instruction))


def flag_text(part: Part) -> str:
    """A flag as BuildKit reads it: quotes removed, backslashes resolved."""
    return buildkit.go_string(part.flag)


def _flag_value(part: Part, name: str) -> str | None:
    prefix = f"--{name}="
    value = flag_text(part)
    return value[len(prefix):] if value.startswith(prefix) else None


def _declarations(command: Command) -> Iterator[tuple[str, str | None]]:
    for part in command.args:
        key, eq, value = part.text.partition("=")
        yield key, (_unquote(value) if eq else None)


def _env_pairs(command: Command) -> Iterator[tuple[str, str]]:
    pairs = values(command, "\\")
    for i in range(0, len(pairs) - 1, 2):
        yield pairs[i], _unquote(pairs[i + 1])


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


_VARIABLE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


def _expand(text: str, env: dict[str, str | None], unset_is_empty: bool = False) -> str | None:
    """``$VAR``, ``${VAR}``, ``${VAR:-word}``, ``${VAR-word}``, ``${VAR:+word}``,
    ``${VAR+word}`` from ``env``. A variable with an unknown value (an ARG without a default,
    or, inside a stage, one the Dockerfile never declares: the base image may set it) makes
    the result None. Before the first FROM, an undeclared variable is empty, as in BuildKit."""
    unknown = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group("braced") or match.group("plain")
        op, word = match.group("op"), match.group("word") or ""
        if name not in env and not unset_is_empty:
            unknown = True
            return ""
        value = env.get(name)
        if name in env and value is None:
            unknown = True
            return ""
        is_set = name in env
        if op in (":-", "-"):
            return value if (value if op == ":-" else is_set) else word
        if op in (":+", "+"):
            return word if (value if op == ":+" else is_set) else ""
        return value or ""

    result = _VARIABLE.sub(replace, text)
    if unknown or "${" in result:
        return None
    return result


def script(command: Command) -> shell.Script | None:
    """The shell-form body of a RUN as a shell script; None for the exec form."""
    if command.form != "shell" or not command.args:
        return None
    return shell.parse(command.args[0].text)


def scripts(instruction: Instruction) -> list[shell.Script]:
    """Every shell script a RUN runs: its command line, and its heredoc bodies."""
    command = instruction.command
    found = []
    if command is not None and command.name == "run":
        main = script(command)
        if main is not None:
            found.append(main)
        found.extend(shell.parse(heredoc.body) for heredoc in instruction.heredocs)
    return found
