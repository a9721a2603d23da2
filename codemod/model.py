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
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterator

from . import buildkit, commands, shell, steps
from .cst import Command, Dockerfile, Instruction, Part, form_values, values
from .knowledge import images, managers
from .knowledge.managers import PIP_NO_CACHE_DIR_SINCE, Manager

#: Names BuildKit reserves (its ReservedStageName check).
RESERVED_NAMES = frozenset({"scratch", "context"})
#: BuildKit's valid stage name.
VALID_NAME = re.compile(r"^[a-z][a-z0-9\-_.]*$")
DEFAULT_SHELL = ("/bin/sh", "-c")
#: Instructions that change what later ones see (the others are not read for the scope).
_SCOPE_WORDS = frozenset({"arg", "env", "workdir", "user", "shell"})
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

    def commands(self, *words: str) -> Iterator[tuple[Instruction, Command]]:
        """The instructions and their commands; only those whose command word is one of
        ``words`` when given (the others are not read)."""
        for instruction in self.instructions:
            if words and instruction.word not in words:
                continue
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
    #: A USER instruction was seen (``user`` is None when its value is not known).
    user_set: bool = False
    #: The WORKDIR is not known: a variable this model cannot expand, or a relative path on a
    #: base image whose own WORKDIR the image table does not know (``workdir`` is then None,
    #: which otherwise means the base image's WORKDIR itself).
    workdir_unknown: bool = False


class Model:
    """Stages and references of one Dockerfile tree (read-only). ``Model.of(tree)`` gives the
    one model of a tree, computed once and shared by every pass that reads that tree."""

    @classmethod
    def of(cls, tree: Dockerfile) -> "Model":
        """The model of ``tree``, built on first use and kept with the tree (trees never change).

        The tree holds its model, and that model names the tree through a weak reference: the
        two make no reference cycle, so a tree and everything read from it are freed as soon as
        the last pass lets go of it, without waiting for the cycle collector (which, scanning
        the dead trees of every file, took a tenth of the time of a run)."""
        cached = tree.__dict__.get("_model")
        if cached is None:
            cached = cls(tree)
            cached._tree = weakref.ref(tree)
            object.__setattr__(tree, "_model", cached)
        return cached

    def __init__(self, tree: Dockerfile) -> None:
        self._tree: Callable[[], Dockerfile | None] = lambda: tree
        #: The file's escape character (a backtick: Windows images).
        self.escape = tree.escape
        #: What each instruction runs, by id: (the instruction, its step) (see ``step``).
        self._steps: dict[int, tuple[Instruction, steps.Step | None]] = {}
        #: Instructions before the first FROM (global ARGs, or mistakes).
        self.preamble: tuple[Instruction, ...] = ()
        self.stages: list[Stage] = []
        self._stage_of: dict[int, Stage] = {}
        current: list[Instruction] = []
        stage_commands: list[Command] = []
        for instruction in tree.instructions:
            command = instruction.command if instruction.word == "from" else None
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

    @property
    def tree(self) -> Dockerfile:
        """The tree this model reads (alive as long as the model was reached through it)."""
        tree = self._tree()
        if tree is None:
            raise ReferenceError("the tree of this model is gone: keep the tree, Model.of(tree) keeps its model with it")
        return tree

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

    @cached_property
    def _bases(self) -> list[Stage | None]:
        return [self.base_of(stage) for stage in self.stages]

    def direct_children(self, stage: Stage) -> list[Stage]:
        """Stages built FROM this one."""
        return [other for other in self.stages if self._bases[other.index] is stage]

    def children(self, stage: Stage) -> list[Stage]:
        """Stages built FROM this one, directly or not."""
        found: list[Stage] = []
        frontier = [stage]
        while frontier:
            parent = frontier.pop()
            for other in self.direct_children(parent):
                if other not in found:
                    found.append(other)
                    frontier.append(other)
        return found

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage and the stages it is built FROM, the first one first."""
        found = [stage]
        node = self._bases[stage.index]
        while node is not None and node not in found:
            found.append(node)
            node = self._bases[node.index]
        return found[::-1]

    @cached_property
    def _final_chain(self) -> frozenset[int]:
        return frozenset(s.index for s in self.chain(self.final)) if self.final else frozenset()

    def in_final_image(self, stage: Stage) -> bool:
        """Whether this stage's files end up in the final image as its layers: it is the final
        stage or one the final stage is built FROM (not through COPY --from)."""
        return stage.index in self._final_chain

    def image(self, stage: Stage) -> str | None:
        """The image the stage's chain starts from (``debian:jessie``), variables read with
        their defaults; None when it is not known."""
        root = self.chain(stage)[0]
        if root.image is None:
            return None
        text = root.image.text
        if "$" in text:
            return _expand(text, self.global_args, unset_is_empty=False)
        return text

    def copied_from(self, stage: Stage) -> list[Reference]:
        return [r for r in self.references if r.target is stage and r.kind in ("copy", "mount")]

    def used(self, stage: Stage) -> bool:
        return self.in_final_image(stage) or any(r.target is stage for r in self.references)

    # --- references -----------------------------------------------------------------------------

    @cached_property
    def references(self) -> list[Reference]:
        """Every place that names a stage (read when first asked for)."""
        return list(self._references())

    def _references(self) -> Iterator[Reference]:
        for stage in self.stages:
            if stage.image is not None:
                value = stage.image.text
                expanded = _expand(value, self.global_args, unset_is_empty=True) if "$" in value else value
                target = self.by_name(expanded, before=stage.index) if expanded else None
                yield Reference("from", stage.from_instruction, stage, value, stage.image, target, expanded=expanded)
            for instruction, command in stage.commands("copy", "run"):
                if command.name == "copy":
                    for part in command.flags:
                        source = _flag_value(part, "from")
                        if source is None:
                            continue
                        expanded = self.expand(source, instruction) if "$" in source else source
                        if expanded is not None and expanded.isdigit():
                            index = int(expanded)
                            target = self.stages[index] if index < len(self.stages) else None
                            yield Reference("copy", instruction, stage, source, part, target, by_index=True, expanded=expanded)
                        else:
                            target = self.by_name(expanded) if expanded else None
                            yield Reference("copy", instruction, stage, source, part, target, expanded=expanded)
                elif command.name == "run":
                    for mount in mounts(command):
                        named = mount.fields.get("from")
                        if named:
                            expanded = self.expand(named, instruction) if "$" in named else named
                            target = self.by_name(expanded) if expanded else None
                            yield Reference("mount", instruction, stage, named, mount.part, target, expanded=expanded)

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
            scope = _Scope(dict(inherited.env), inherited.workdir, inherited.user, inherited.shell, inherited.user_set, inherited.workdir_unknown) if inherited else _Scope()
            # One snapshot shared by every instruction until something changes the scope.
            snapshot = _Scope(scope.env, scope.workdir, scope.user, scope.shell, scope.user_set, scope.workdir_unknown)
            for instruction in stage.instructions:
                scopes[id(instruction)] = snapshot
                if instruction.word not in _SCOPE_WORDS:
                    continue
                command = instruction.command
                if command is None:
                    continue
                if command.name in ("arg", "env"):
                    scope.env = dict(scope.env)
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
                    if path is not None and len(path) >= 2 and path[0] == path[-1] and path[0] in "'\"" and path[0] not in path[1:-1]:
                        path = path[1:-1]  # WORKDIR "/app": BuildKit's word processing removes the quotes
                    if path is None:
                        scope.workdir, scope.workdir_unknown = None, True
                    elif path.startswith("/"):
                        scope.workdir, scope.workdir_unknown = path, False
                    elif scope.workdir is not None:
                        scope.workdir = scope.workdir.rstrip("/") + "/" + path
                    elif not scope.workdir_unknown:
                        # relative to the base image's own WORKDIR ("/" when it sets none)
                        image = self.image(stage)
                        ref = images.parse_image(image) if image else None
                        known = images.image_workdir(ref) if ref is not None else None
                        if known is None:
                            scope.workdir_unknown = True
                        else:
                            scope.workdir = known.rstrip("/") + "/" + path
                elif name == "user" and command.args:
                    scope.user = _expand(command.args[0].text, scope.env)
                    scope.user_set = True
                elif name == "shell" and command.form == "exec":
                    scope.shell = form_values(command, instruction.escape)
                snapshot = _Scope(scope.env, scope.workdir, scope.user, scope.shell, scope.user_set, scope.workdir_unknown)
            after[stage.index] = scope
        return scopes

    def env_keys(self, instruction: Instruction) -> list[str]:
        """The names an ENV instruction sets."""
        command = instruction.command
        if command is None or command.name != "env":
            return []
        return [key for key, _ in _env_pairs(command)]

    def env(self, instruction: Instruction) -> dict[str, str | None]:
        """ARG and ENV visible to ``instruction`` (None: declared, value unknown). Shared with
        the model: read it, do not change it."""
        scope = self._scopes.get(id(instruction))
        return scope.env if scope else {}

    def workdir(self, instruction: Instruction) -> str | None:
        """The WORKDIR ``instruction`` runs in; None when the base image decides."""
        scope = self._scopes.get(id(instruction))
        return scope.workdir if scope else None

    def workdir_unknown(self, instruction: Instruction) -> bool:
        """Whether the WORKDIR ``instruction`` runs in is not known (see ``_Scope``)."""
        scope = self._scopes.get(id(instruction))
        return scope.workdir_unknown if scope else False

    def user(self, instruction: Instruction) -> str | None:
        scope = self._scopes.get(id(instruction))
        return scope.user if scope else None

    def shell(self, instruction: Instruction) -> tuple[str, ...]:
        scope = self._scopes.get(id(instruction))
        return scope.shell if scope else DEFAULT_SHELL

    def posix_shell(self, instruction: Instruction) -> bool:
        """Whether RUN's shell form goes to a POSIX shell (not cmd or PowerShell)."""
        if self.escape != "\\":
            return False
        if not self._sets_shell:
            return True  # no SHELL: every RUN runs DEFAULT_SHELL (the scopes are not read for that)
        program = self.shell(instruction)[0].rsplit("/", 1)[-1].lower() if self.shell(instruction) else ""
        return program in _POSIX_SHELLS

    @cached_property
    def _sets_shell(self) -> bool:
        """Whether a stage has a SHELL instruction (the only one that changes the shell)."""
        return any(instruction.word == "shell" for stage in self.stages for instruction in stage.instructions)

    def user_at(self, instruction: Instruction) -> str | None:
        """The user a RUN at ``instruction`` runs as: the last USER before it (through the
        stages it is built FROM), else the base image's user where the image table knows it,
        else root. None when a USER's value is not known (a variable without a value)."""
        scope = self._scopes.get(id(instruction))
        if scope is None:
            return None
        if scope.user is not None:
            return scope.user
        if scope.user_set:
            return None  # USER was given, with a value this model cannot know
        stage = self.stage_of(instruction)
        image = self.image(stage) if stage is not None else None
        if image is None:
            return "root"
        from .knowledge import images

        ref = images.parse_image(image)
        user = images.image_user(ref) if ref is not None else None
        return user or "root"

    # --- steps: what each instruction runs, and what later steps still need ----------------

    def step(self, instruction: Instruction) -> steps.Step | None:
        """What ``instruction`` runs (read once per tree)."""
        known = self._steps.get(id(instruction))
        if known is not None and known[0] is instruction:
            return known[1]
        # What the step does is kept with the instruction (instructions never change), so a
        # tree built from another by a pass reads only the instructions the pass made. The Step
        # itself names its instruction: it is kept here, with the model, so that no instruction
        # refers to itself (a cycle that only the cycle collector would free).
        facts = instruction.__dict__.get("_step", _UNSET)
        if facts is _UNSET:
            made = steps.step(instruction)
            facts = None if made is None else (made.kind, made.script, made.events)
            object.__setattr__(instruction, "_step", facts)
        found = None if facts is None else steps.Step(instruction, *facts)  # type: ignore[misc]
        self._steps[id(instruction)] = (instruction, found)
        return found

    def runtime_steps(self) -> list[steps.Step]:
        """The final image's ENTRYPOINT, CMD and HEALTHCHECK (the last of each along the chain)."""
        if self.final is None:
            return []
        last: dict[str, Instruction] = {}
        for stage in self.chain(self.final):
            for instruction, command in stage.commands("cmd", "entrypoint", "healthcheck"):
                if command.name in ("cmd", "entrypoint", "healthcheck"):
                    last[command.name] = instruction
        found = [self.step(i) for i in last.values()]
        return [s for s in found if s is not None]

    def later_need(self, instruction: Instruction, manager: Manager) -> Need | None:
        """The first step after ``instruction`` that still needs ``manager``'s index as this
        step leaves it, or may (a step this model cannot read): later in the stage, in every
        stage built FROM it, in its ONBUILD triggers, and in the final image's commands. None
        when every later step is read and none needs it (or each refreshes it first)."""
        table = self._needs(manager)
        return table.get(id(instruction))

    def _needs(self, manager: Manager) -> dict[int, Need | None]:
        cache: dict[str, dict[int, Need | None]] = self.__dict__.setdefault("_need_tables", {})
        if manager.name not in cache:
            cache[manager.name] = self._sweep(manager)
        return cache[manager.name]

    def _sweep(self, manager: Manager) -> dict[int, Need | None]:
        """One backward sweep per stage (children before parents), for one manager."""
        after: dict[int, Need | None] = {}
        at_start: dict[int, Need | None] = {}
        for stage in reversed(self.stages):
            pending: Need | None = None
            for child in self.direct_children(stage):
                pending = pending or at_start.get(child.index)
            for instruction in stage.body:
                step = self.step(instruction)
                if step is not None and step.kind == steps.TRIGGER:
                    pending = pending or _need_of(step, manager, runtime=False)
            if stage is self.final:
                for step in self.runtime_steps():
                    pending = pending or _need_of(step, manager, runtime=True)
            for instruction in reversed(stage.body):
                after[id(instruction)] = pending
                step = self.step(instruction)
                if step is None or step.kind != steps.BUILD:
                    continue
                effect = _effect(step, manager)
                if isinstance(effect, Need):
                    pending = effect
                elif effect == "updates":
                    pending = None
            at_start[stage.index] = pending
        return after

    def release(self, stage: Stage) -> object | None:
        """The distribution release the stage's image is built on (``knowledge.images.Release``)."""
        from .knowledge import images

        image = self.image(stage)
        ref = images.parse_image(image) if image else None
        return images.release_of(ref) if ref is not None else None

    def pip_before(self, invocation: commands.Invocation) -> PipVersion:
        """The pip a ``pip`` invocation talks to, as far as the image and earlier steps tell."""
        table: dict[int, PipVersion] | None = self.__dict__.get("_pip")
        if table is None:  # one sweep of every stage, the first time a pass asks
            table = {}
            for stage in self.stages:
                self._pip_sweep(stage, table)
            self.__dict__["_pip"] = table
        return table.get(id(invocation), PipVersion(None, "it is not run by a RUN this model read"))

    def _pip_sweep(self, stage: Stage, table: dict[int, PipVersion]) -> None:
        from .knowledge import images

        image = self.image(stage)
        ref = images.parse_image(image) if image else None
        state = _PipState({}, _pip_of_image(ref))
        release = images.release_of(ref) if ref is not None else None
        for node in self.chain(stage):
            for instruction in node.body:
                step = self.step(instruction)
                if step is None or step.kind != steps.BUILD:
                    continue
                fetches_get_pip = any(i.program in ("curl", "wget") and any(a.endswith("get-pip.py") for a in i.args) for i in step.invocations)
                #: pip copies upgraded by this RUN, and what they were before: in the same shell
                #: the old program may still be the one that runs (the shell remembers where it
                #: found a command), so only a later RUN counts on the upgrade.
                upgraded: dict[str, PipVersion] = {}
                for invocation in step.invocations:
                    if node is stage and invocation.program == "pip":
                        copy = commands.pip_copy(invocation)
                        version = state.of(copy)
                        earlier = upgraded.get(copy, upgraded.get(copy[:4]))
                        if earlier is not None and (earlier.version is None or managers.older(earlier.version, PIP_NO_CACHE_DIR_SINCE)):
                            version = PipVersion(None, f"{earlier.show()} before this RUN upgraded it, and the shell may still run that one")
                        table[id(invocation)] = version
                    before = {copy: state.of(copy) for copy in ("pip", "pip2", "pip3")}
                    for copy in _pip_after(invocation, state, release, fetches_get_pip):
                        upgraded.setdefault(copy, before.get(copy, state.default))

    def expand(self, text: str, instruction: Instruction) -> str | None:
        """``text`` with ``$VAR``/``${VAR}``/``${VAR:-x}``/``${VAR:+x}`` replaced from the scope of
        ``instruction``; None when a value it needs is unknown."""
        return _expand(text, self.env(instruction))


_UNSET = object()


@dataclass(frozen=True)
class Need:
    """A later step that needs a package index, or may: the step and why."""

    instruction: Instruction
    reason: str

    def describe(self) -> str:
        return f"{steps.describe(self.instruction)!r} {self.reason}"


def _effect(step: steps.Step, manager: Manager) -> Need | str | None:
    """What a build step does to ``manager``'s index, reading its events in order: "updates"
    (it refreshes the index before anything reads it), a Need (it reads the index first, or
    runs something unreadable first), or None (neither)."""
    for event in step.events:
        if event.invocation is not None:
            if _names_index(event.invocation, manager):
                return Need(step.instruction, f"reads the package index's files ({event.invocation.display})")
            use = commands.index_use(event.invocation, manager)
            if use == commands.UPDATES:
                return "updates"
            if use == commands.NEEDS:
                return Need(step.instruction, f"reads the package index ({event.invocation.display})")
        elif event.unreadable is not None and not manager.fetches_missing_index:
            return Need(step.instruction, f"may read the package index: {event.unreadable.reason}")
    return None


def _names_index(invocation: commands.Invocation, manager: Manager) -> bool:
    """A command that names the index's files (``ls /var/lib/apt/lists``, ``cp -r
    /var/lib/apt/lists /backup``): whatever it is, it reads them (``rm`` of them is cleanup)."""
    if invocation.program == "rm" or not manager.index_paths:
        return False
    return any(arg.rstrip("/*").startswith(path) for arg in invocation.args for path in manager.index_paths)


def _need_of(step: steps.Step, manager: Manager, runtime: bool) -> Need | None:
    """For an ONBUILD trigger or the image's command: whether it needs the index. A program the
    container runs is the application (or an interactive shell), which installs no packages;
    a shell script it runs may, and a package manager does."""
    for event in step.events:
        if event.invocation is not None:
            use = commands.index_use(event.invocation, manager)
            if use == commands.UPDATES:
                return None
            if use == commands.NEEDS:
                where = "when the container starts" if runtime else "in images built FROM this one"
                return Need(step.instruction, f"reads the package index {where} ({event.invocation.display})")
        elif event.unreadable is not None and not manager.fetches_missing_index:
            if runtime and event.unreadable.kind in ("program", "stdin"):
                continue  # the application itself, or an interactive shell
            where = "when the container starts" if runtime else "in images built FROM this one"
            return Need(step.instruction, f"may read the package index {where}: {event.unreadable.reason}")
    return None


@dataclass(frozen=True)
class PipVersion:
    """The pip at some point of a build: its version when known (None: unknown), and where
    that knowledge comes from."""

    version: tuple[int, ...] | None
    source: str

    def show(self) -> str:
        return ".".join(map(str, self.version)) if self.version else "unknown"


#: pip upgraded by ``pip install -U pip`` (or get-pip.py): a release far newer than 6.0.
_RECENT_PIP = (9, 0)


def _pip_of_image(ref: object | None) -> PipVersion:
    from .knowledge import images

    if ref is None:
        return PipVersion(None, "the base image is not known")
    assert isinstance(ref, images.ImageRef)
    version = images.image_pip(ref)
    if version is not None:
        return PipVersion(version, f"{ref.text} ships pip {'.'.join(map(str, version))} or newer")
    release = images.release_of(ref)
    if release.family is not None and ref.official and ref.name in ("debian", "ubuntu", "alpine", "centos", "fedora", "amazonlinux", "rockylinux", "almalinux", "oraclelinux"):
        return PipVersion(None, f"{ref.text} ships no pip")
    return PipVersion(None, f"which pip {ref.text} carries is not known")


@dataclass
class _PipState:
    """The pips a stage has at some point: one per copy (``pip``, ``pip2``, ``pip3``,
    ``pip3.11``: each spelling may run another installation), and what an unnamed copy is."""

    copies: dict[str, PipVersion]
    default: PipVersion

    def of(self, copy: str) -> PipVersion:
        if copy in self.copies:
            return self.copies[copy]
        major = copy[:4]  # pip3.11 -> pip3
        if major != copy and major in self.copies:
            return self.copies[major]
        return self.default

    def set(self, copies: list[str], version: PipVersion) -> None:
        for copy in copies:
            self.copies[copy] = version


#: Distribution packages and the pip copies they install.
_PIP_PACKAGE_COPIES = {
    "python-pip": ["pip", "pip2"], "python2-pip": ["pip", "pip2"], "python27-pip": ["pip", "pip2"],
    "py-pip": ["pip", "pip2"], "python3-pip": ["pip3"], "py3-pip": ["pip3", "pip"],
    "python36-pip": ["pip3"], "python38-pip": ["pip3"], "python39-pip": ["pip3"], "python3.11-pip": ["pip3"],
    "python-pip-whl": [],
}


def _pip_after(invocation: commands.Invocation, state: _PipState, release: object | None, fetches_get_pip: bool) -> list[str]:
    """Update ``state`` with what ``invocation`` does to the pips; the copies it upgrades (pip
    itself, get-pip.py) are returned."""
    from .knowledge import images
    from .knowledge.managers import BY_NAME, PIP_PACKAGES

    program = invocation.program
    if program == "pip":
        words = commands.positionals(invocation, BY_NAME["pip"])
        if words[:1] == ("install",) and any(w == "pip" or w.startswith(("pip==", "pip>", "pip<", "pip~", "pip!")) for w in words[1:]):
            copy = commands.pip_copy(invocation)
            pinned = next((w for w in words[1:] if w.startswith("pip==")), None)
            if pinned is not None:
                state.set([copy], PipVersion(_version(pinned[len("pip=="):]), f"{invocation.display} pins it"))
            elif any(w.startswith(("pip<", "pip~", "pip!")) for w in words[1:]):
                state.set([copy], PipVersion(None, f"{invocation.display} chooses a version this pass cannot tell"))
            else:
                state.set([copy], PipVersion(_RECENT_PIP, f"{invocation.display} upgrades it"))
            return [copy]
        return []
    if program == "python" and (any(a.endswith("get-pip.py") for a in invocation.args) or (fetches_get_pip and not invocation.args)):
        copy = commands.pip_copy(invocation)
        copies = list(dict.fromkeys(["pip", copy]))
        state.set(copies, PipVersion(_RECENT_PIP, "get-pip.py installs a recent pip"))
        return copies
    if program.startswith("easy_install") and "pip" in invocation.args:
        state.set(["pip", "pip2", "pip3"], PipVersion(None, "easy_install installs a pip of its own choosing"))
        return []
    for manager in ("apt", "apk", "yum", "dnf", "microdnf", "zypper"):
        m = BY_NAME[manager]
        if commands.subcommand(invocation, m) not in m.install:
            continue
        packages = [w.split("=", 1)[0] for w in commands.positionals(invocation, m)[1:]]
        for package in (p for p in packages if p in PIP_PACKAGES):
            copies = _PIP_PACKAGE_COPIES.get(package, ["pip", "pip2", "pip3"])
            if not isinstance(release, images.Release):
                state.set(copies, PipVersion(None, f"{package} comes from a release this pass cannot tell"))
                continue
            version = images.package_at_least(release, package)
            if version is None:
                state.set(copies, PipVersion(None, f"the version of {package} in that release is not known"))
                continue
            for copy in copies:
                current = state.of(copy)
                lowest = current.version if current.version is not None and managers.older(current.version, version) else version
                state.set([copy], PipVersion(lowest, f"{package} installs pip {'.'.join(map(str, version))}"))
        return []
    return []


def _version(text: str) -> tuple[int, ...] | None:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts) or None


def is_root(user: str) -> bool:
    """``root``, ``0``, ``root:root``, ``0:0``..."""
    return user.split(":", 1)[0] in ("root", "0")


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
            return (value or "") if (value if op == ":-" else is_set) else word
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
    """Every shell script a RUN runs: its command line, and its heredoc bodies (read once per
    instruction)."""
    cached = instruction.__dict__.get("_scripts")
    if cached is not None:
        return list(cached)
    command = instruction.command
    found = []
    if command is not None and command.name == "run":
        main = script(command)
        if main is not None:
            found.append(main)
        found.extend(shell.parse(heredoc.body) for heredoc in instruction.heredocs)
    object.__setattr__(instruction, "_scripts", tuple(found))
    return found
