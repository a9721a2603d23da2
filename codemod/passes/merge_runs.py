"""merge-runs: one package-manager transaction, one RUN layer, and no cache left in the image.

## What it does
Joins consecutive RUN instructions of one stage that form one package-manager transaction
(the index update, the install, the cleanup: ``apt-get update`` alone in its RUN, then the
``apt-get install``, then ``rm -rf /var/lib/apt/lists/*``; the same for apk, yum, dnf,
microdnf, zypper, pip and npm) into one RUN, with ``&&`` and continuation lines. Then, in a
stage whose layers reach the final image, it adds the cleanup an install is missing, from the
package-manager table (``codemod/knowledge/managers.py``):
``rm -rf /var/lib/apt/lists/*`` after an ``apt-get update`` and install in the same RUN;
``yum clean all && rm -rf /var/cache/yum``, ``dnf clean all``, ``microdnf clean all``,
``zypper clean --all`` after an install; ``apk add --no-cache`` (and ``apk update && apk add``
becomes ``apk add --no-cache``); ``pip install --no-cache-dir`` (pip also spelled
``pip3.11``, ``python3 -m pip``, ``/usr/bin/env python -m pip``). A RUN that ends in ``;``
gets ``&& cleanup`` in place of the ``;`` (so the install's failure still fails the build).

With ``Context.cache_mounts`` (``--cache-mounts``) it keeps the caches out of the image in
``RUN --mount=type=cache`` instead (apt with ``sharing=locked`` and docker-clean turned off, yum,
dnf, zypper, pip, npm; apk keeps ``--no-cache``), where the file's frontend takes mounts (no
``# syntax=`` line, or one for Dockerfile 1.2 or later; none is ever added).

## Why
A package index updated in one layer and used in the next is stale in the build cache (the
update is skipped, the install fails or installs old versions); files deleted in a later layer
still weigh in the image (hadolint DL3009, DL3059, DL3019, DL3042, DL3032, DL3036, DL3040).

## Example
    RUN apt-get update                RUN apt-get update \\
    RUN apt-get install -y curl  ->       && apt-get install -y curl \\
                                          && rm -rf /var/lib/apt/lists/*

## Safety
Joining is ``safe``: the commands run in the same order, directory and environment, and the
build fails where it failed before. Adding cleanup (or cache mounts) is ``review``: the image
loses files on purpose.

## Caveats (it declines, and says why with --explain)
- Joins: RUNs in the exec form, with heredocs, with different ``--mount``/``--network``/
  ``--security`` flags, under a SHELL that is not a POSIX shell, or in a file whose escape is
  the backtick; an earlier RUN that changes shell state a later one would inherit (``cd``,
  ``export``, ``set``, ``source``, ``umask``, a bare ``VAR=x``, ``exec``, ``exit``...) or ends in
  ``&``, ``;`` or a comment; a later RUN with ``;`` or ``||`` at its top level. Only neighbours of
  one transaction are joined; other consecutive RUNs are often deliberate cache boundaries.
- Cleanup removes an index only when every later step is read and none needs it: later RUNs of
  the stage and of every stage built FROM it, ONBUILD triggers, and the final image's
  ENTRYPOINT/CMD/HEALTHCHECK (``codemod.model.Model.later_need``: one sweep per stage). A step
  that reads the index (``apt-get -t X install``, ``apt-cache policy``, ``xargs apt-get install``,
  ``sh -c "apt-get ..."``, ``gdebi``, ``rosdep install``, ``apk add`` without ``--update``...)
  before refreshing it, a script the Dockerfile runs (``sh /install.sh``, ``./configure``, a
  shell reading ``curl ... | sh``), a heredoc or text the reader cannot follow, or a program the
  knowledge tables do not know, makes it decline and name the step. The container's own program
  counts as the application (it installs no packages) unless it is a shell script.
- It declines where the RUN runs as a user other than root (USER, through the stages it is
  built FROM, else the base image's user from ``codemod/knowledge/images.py``) unless the
  install runs through ``sudo`` (then the cleanup does too); where the tool lacks the flag
  (``--no-cache-dir`` needs pip 6.0: the pip is known from the base image, the distribution's
  ``python-pip`` package of that release, ``pip install -U pip`` or get-pip.py; unknown means
  decline; ``--no-cache`` needs Alpine 3.3); where the cache is already off or handled
  (``PIP_NO_CACHE_DIR``, a pip.conf written earlier, ``--no-cache``, the RUN removing the cache
  itself, a cache or tmpfs mount on it, docker-clean turned off on purpose); where an earlier
  layer keeps apk's index anyway (no smaller image); where the RUN may stop early (exit,
  exec), ends in a continuation or an operator, or has a comment that would swallow the cleanup;
  and in stages that reach the final image only through COPY --from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .. import commands, shell
from ..commands import Invocation
from ..cst import COMMENT, INSTRUCTION_LINE, LAST_LINE, Command, Dockerfile, Instruction
from ..edit import Style, reparse, source_end, source_offset, splice, style_of
from ..knowledge import images
from ..knowledge.managers import APK_NO_CACHE_SINCE, BY_NAME, MANAGERS, PIP_NO_CACHE_DIR_SINCE, Manager, older
from ..model import Model, Stage, is_root, mounts
from ..steps import Step, describe
from .base import REVIEW, SAFE, Context, Note, Outcome, Pass, Proposal

PASS_NAME = "merge-runs"
#: Operators that may not stand at the top level of a RUN joined after another with &&.
_UNSAFE_LATER = frozenset({";", "||", "\n", "&"})
#: Managers whose cleanup is a command appended after the install.
_COMMAND_CLEANUP = tuple(m for m in MANAGERS if m.cleanup_command)
_APT, _APK, _PIP = BY_NAME["apt"], BY_NAME["apk"], BY_NAME["pip"]


@dataclass
class _Run:
    """One RUN with what this pass needs to know about it (computed once per tree)."""

    instruction: Instruction
    command: Command
    step: Step | None
    script: shell.Script | None
    #: Why it cannot take part in a merge or get a cleanup ("" when it can).
    blocker: str
    flags: tuple[str, ...]
    #: The invocations of its top-level commands (or of its exec form), in order.
    top: list[Invocation] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)

    def role(self, manager: Manager) -> str:
        """This RUN's part in a transaction of ``manager``: "install" (it installs), "update"
        (it updates the index, installs nothing), "cleanup" (it only cleans up), or ""."""
        return self.roles.get(manager.name, "")


def _role(invocations: list[Invocation], manager: Manager) -> str:
    if not invocations:
        return ""
    # Only invocations of the manager's programs have a subcommand (the others give None).
    subs = [commands.subcommand(i, manager) for i in invocations if i.program in manager.programs]
    if any(s in manager.install for s in subs if s is not None):
        return "install"
    if any(s in manager.update for s in subs if s is not None):
        return "update"
    if all(_is_cleanup(i, manager) for i in invocations):
        return "cleanup"
    return ""


def _roles(invocations: list[Invocation]) -> dict[str, str]:
    """The RUN's role for every manager. A manager none of whose programs runs, in a RUN that
    runs no ``rm``, has no role (no subcommand, and not every command is a cleanup): most RUNs
    run none of them."""
    programs = {i.program for i in invocations}
    return {
        m.name: "" if invocations and "rm" not in programs and programs.isdisjoint(m.programs) else _role(invocations, m)
        for m in MANAGERS
    }


def _is_cleanup(invocation: Invocation, manager: Manager) -> bool:
    sub = commands.subcommand(invocation, manager)
    if sub is not None:
        return sub in manager.cleanup
    return invocation.program == "rm" and any(_under(t, manager.cache_paths) for t in _targets(invocation))


def _targets(invocation: Invocation) -> list[str]:
    return [a for a in invocation.args if not a.startswith("-")]


def _under(path: str, roots: tuple[str, ...]) -> bool:
    """Whether ``path`` (``/var/lib/apt/lists/*``) is one of ``roots`` or inside one."""
    path = path.rstrip("*").rstrip("/") or "/"
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def _describe_run(run: _Run) -> str:
    if run.script is not None and run.script.top_level:
        return " ".join(w.text for w in run.script.top_level[0].words[:3])
    return run.top[0].display if run.top else "RUN"


def _analyze(instruction: Instruction, command: Command, model: Model) -> _Run:
    """The RUN's invocations (for its role, even where it cannot be joined) and what blocks it."""
    flags = tuple(p.text for p in command.flags)
    step = model.step(instruction)
    invocations = step.invocations if step is not None else []
    top = [i for i in invocations if i.command is None or i.command.depth == 0]
    script = step.script if step is not None else None

    roles = instruction.__dict__.get("_merge_roles")
    if roles is None:  # kept with the instruction: the same in every tree that holds it
        roles = _roles(top)
        object.__setattr__(instruction, "_merge_roles", roles)

    def made(blocker: str) -> _Run:
        return _Run(instruction, command, step, script, blocker, flags, top, roles)

    if command.form == "exec":
        return made("it is in the exec form")
    if command.form != "shell" or not command.args:
        return made("it has no command")
    if instruction.heredocs:
        return made("it has a heredoc")
    if not model.posix_shell(instruction):
        return made("its shell is not a POSIX shell (SHELL, or the backtick escape of Windows images)")
    assert script is not None
    if script.unknown:
        return made(f"its shell text has {script.unknown}")
    if script.heredocs:
        return made("its shell text has a heredoc")
    if script.comments:
        return made("its shell text has a comment, which would swallow what follows")
    if script.backgrounds:
        return made("it runs something in the background (&)")
    return made("")


def _ends_with(run_: _Run) -> str:
    """The operator the RUN's shell text ends with ("" when none)."""
    script = run_.script
    if script is None or not script.operators:
        return ""
    op, at = script.operators[-1]
    text = run_.command.args[0].text.rstrip()
    return op if at + len(op) >= len(text) else ""


def run(tree: Dockerfile, context: Context) -> Outcome:
    model, runs = _read(tree)
    joined = _merge(tree, model, runs, context)
    if joined.tree is not tree:
        # The cleanup reads the joined tree: its untouched RUNs are the ones already read.
        model, runs = _read(joined.tree)
    cleanup = _cleanup(joined.tree, model, runs, context)
    return Outcome(cleanup.tree, joined.proposals + cleanup.proposals, joined.notes + cleanup.notes)


def _read(tree: Dockerfile) -> tuple[Model, dict[int, _Run]]:
    model = Model.of(tree)
    runs: dict[int, _Run] = {}
    for instruction in tree.instructions:
        if instruction.word != "run":
            continue
        command = instruction.command
        if command is not None and command.name == "run" and model.stage_of(instruction) is not None:
            runs[id(instruction)] = _analyze(instruction, command, model)
    return model, runs


# --- joining ---------------------------------------------------------------------------------------


def _merge(tree: Dockerfile, model: Model, runs: dict[int, _Run], context: Context | None = None) -> Outcome:
    notes: list[Note] = []
    groups: list[list[_Run]] = []
    for stage in model.stages:
        current: list[_Run] = []
        between: list[Instruction] = []
        for instruction in stage.body:
            run_ = runs.get(id(instruction))
            if run_ is not None:
                if between and current:
                    _note_separated(current[-1], run_, between, notes)
                if between:
                    if len(current) > 1:
                        groups.append(current)
                    current = []
                    between = []
                current.append(run_)
            else:
                between.append(instruction)
        if len(current) > 1:
            groups.append(current)

    merges: list[tuple[list[_Run], Manager]] = []
    for group in groups:
        merges.extend(_transactions(group, notes))
    if not merges:
        return Outcome(tree, notes=notes)

    style = style_of(tree)  # read only where something is joined
    replaced: dict[int, Instruction | None] = {}
    proposals: list[Proposal] = []
    for members, manager in merges:
        roles = ", ".join(dict.fromkeys(r.role(manager) for r in members))
        explanation = (
            f"joined {len(members)} RUNs of one {manager.name} transaction ({roles}) into one layer: "
            + "; ".join(_describe_run(r) for r in members)
        )
        about = tuple(r.instruction for r in members)
        if context is not None and not context.permits(PASS_NAME, explanation, SAFE, about):
            continue
        merged = _join(members, style)
        replaced[id(members[0].instruction)] = merged
        for other in members[1:]:
            replaced[id(other.instruction)] = None
        proposals.append(Proposal(explanation, SAFE, about, (merged,)))
    if not proposals:
        return Outcome(tree, notes=notes)
    instructions = []
    for instruction in tree.instructions:
        if id(instruction) in replaced:
            new = replaced[id(instruction)]
            if new is not None:
                instructions.append(new)
        else:
            instructions.append(instruction)
    return Outcome(tree.with_changes(instructions=tuple(instructions)), proposals, notes)


def _note_separated(before: _Run, after: _Run, between: list[Instruction], notes: list[Note]) -> None:
    """An index update and the install that needs it, with instructions in between."""
    for manager in MANAGERS:
        if before.role(manager) == "update" and after.role(manager) == "install":
            names = ", ".join(dict.fromkeys(i.keyword for i in between))
            notes.append(Note(
                f"{manager.name} index update and install left apart: {names} stands between them "
                "(moving instructions is not this pass's job); the update's layer can go stale in the build cache",
                (before.instruction, after.instruction),
            ))
            return


def _transactions(group: list[_Run], notes: list[Note]) -> list[tuple[list[_Run], Manager]]:
    """The runs of consecutive RUNs that make one transaction: [update] install [cleanup], or
    update+install then cleanup. Each RUN's roles are known already: one look per RUN."""
    found: list[tuple[list[_Run], Manager]] = []
    i = 0
    while i < len(group) - 1:
        best: tuple[list[_Run], Manager] | None = None
        for manager in MANAGERS:
            pair = (group[i].role(manager), group[i + 1].role(manager))
            if pair == ("update", "install"):
                span = 2
            elif pair == ("install", "cleanup"):
                span = 1
            else:
                continue
            while i + span < len(group) and group[i + span].role(manager) == "cleanup":
                span += 1
            best = (group[i:i + span], manager)
            break
        if best is None:
            i += 1
            continue
        members, manager = best
        reason = _why_not(members)
        if reason:
            notes.append(Note(f"RUNs of one {manager.name} transaction left apart: {reason}", tuple(r.instruction for r in members)))
            i += 1
            continue
        found.append(best)
        i += len(members)
    return found


def _why_not(members: list[_Run]) -> str:
    for r in members:
        if r.blocker:
            return f"the RUN {_describe_run(r)!r}: {r.blocker}"
    if len({r.flags for r in members}) > 1:
        return "their flags (--mount, --network, --security) differ"
    for r in members[:-1]:
        assert r.script is not None
        changes = r.script.state_changes()
        if changes:
            name = changes[0].name or changes[0].assignments[0].text
            return f"{_describe_run(r)!r} changes shell state ({name}) that the next RUN would inherit"
        if _ends_with(r):
            return f"{_describe_run(r)!r} ends with {_ends_with(r)!r}"
    for r in members[1:]:
        assert r.script is not None
        ops = {op for op, _ in r.script.operators}
        if ops & _UNSAFE_LATER:
            op = sorted(ops & _UNSAFE_LATER)[0]
            return f"{_describe_run(r)!r} uses {op!r} at its top level, so joined with && it could run after an earlier failure"
    return ""


def _join(members: list[_Run], style: Style) -> Instruction:
    """The first RUN, then each later RUN's command text on continuation lines."""
    first = members[0].instruction
    text = first.text
    body = text.rstrip("\r\n")
    newline = members[-1].instruction.text[len(members[-1].instruction.text.rstrip("\r\n")):]
    escape = style.escape
    for later in members[1:]:
        instruction = later.instruction
        own = instruction.text.rstrip("\r\n")
        start = later.command.args[0].start
        command_text = own[start:]
        comments = [line.content.strip() for line in instruction.leading if line.kind == COMMENT]
        if style.leading_operators:
            body += f" {escape}{style.newline}"
            body += "".join(f"{style.indent}{c}{style.newline}" for c in comments)
            body += f"{style.indent}&& {command_text}"
        else:
            body += f" && {escape}{style.newline}"
            body += "".join(f"{style.indent}{c}{style.newline}" for c in comments)
            body += f"{style.indent}{command_text}"
    return reparse(first, body + (newline or ""))


# --- cleanup ---------------------------------------------------------------------------------------

Edit = tuple[int, int, str]


@dataclass
class _Found:
    edits: list[Edit] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    #: Every apk command of the RUN now keeps no index (so its layer no longer holds one).
    apk_clean: bool = False
    #: Whether a change may be made (the engine's filter).
    permit: Callable[[str], bool] = lambda why: True

    def add(self, edit: Edit, why: str) -> bool:
        if not self.permit(why):
            return False
        self.edits.append(edit)
        self.why.append(why)
        return True


@dataclass
class _StageFacts:
    """What earlier steps of a stage's chain left behind, as the sweep reaches each RUN."""

    #: The RUN whose layer keeps apk's index (None: no layer does).
    apk_index: Instruction | None = None
    #: An instruction that writes pip's configuration.
    pip_config: str = ""
    #: An instruction that keeps apt's downloaded packages (docker-clean turned off).
    docker_clean_off: str = ""


def _cleanup(tree: Dockerfile, model: Model, runs: dict[int, _Run], context: Context) -> Outcome:
    cache_mounts = context.cache_mounts

    def style() -> Style:  # read only where a cleanup is written
        return style_of(tree)

    notes: list[Note] = []
    found: dict[int, _Found] = {}
    mounts_refused = _mounts_refused(tree) if cache_mounts else ""
    use_mounts = cache_mounts and not mounts_refused
    for stage in model.stages:
        if not model.in_final_image(stage):
            continue
        if not any(_installs(runs.get(id(instruction))) for instruction in stage.body):
            continue  # every cleanup follows an install: nothing to do, nor to learn from the chain
        facts = _StageFacts()
        for node in model.chain(stage):
            for instruction in node.body:
                run_ = runs.get(id(instruction))
                if node is stage and run_ is not None:
                    result = _Found(permit=_permit(context, instruction))
                    if mounts_refused and _would_clean(run_):
                        _note(notes, run_, f"caches deleted rather than kept in cache mounts: {mounts_refused}")
                    if use_mounts:
                        _cache_mounts(run_, model, facts, result, notes)
                    else:
                        _cleanups(run_, stage, model, style, facts, result, notes)
                    if result.edits:
                        found[id(instruction)] = result
                    _learn(instruction, model, facts, result.apk_clean)
                else:
                    _learn(instruction, model, facts)
    if not found:
        return Outcome(tree, notes=notes)
    replaced = {}
    proposals = []
    for instruction in tree.instructions:
        made = found.get(id(instruction))
        if made is not None:
            new = splice(instruction, made.edits)
            replaced[id(instruction)] = new
            for why in made.why:
                proposals.append(Proposal(why, REVIEW, (instruction,), (new,)))
    new_tree = tree.with_changes(instructions=tuple(replaced.get(id(i), i) for i in tree.instructions))
    return Outcome(new_tree, proposals, notes)


def _installs(run_: _Run | None) -> bool:
    """Whether the RUN installs with some manager (every cleanup and cache mount is for one)."""
    return run_ is not None and "install" in run_.roles.values()


def _permit(context: Context, instruction: Instruction) -> Callable[[str], bool]:
    return lambda why: context.permits(PASS_NAME, why, REVIEW, (instruction,))


def _learn(instruction: Instruction, model: Model, facts: _StageFacts, apk_clean: bool = False) -> None:
    """Update what the chain has left behind after ``instruction`` (as this pass leaves it:
    ``apk_clean`` when its edits make every apk command of the RUN keep no index)."""
    word = instruction.word
    if word in ("copy", "add") and "pip.conf" not in instruction.logical.text:
        return  # no pip.conf among its words: not read (most COPY/ADD lines)
    if word not in ("copy", "add", "env", "run"):
        return
    command = instruction.command
    if command is None:
        return
    if command.name in ("copy", "add"):
        words = [p.text for p in command.args] if command.form == "words" else []
        if any(w.rstrip("/").rsplit("/", 1)[-1] == "pip.conf" for w in words):
            facts.pip_config = describe(instruction)
        return
    if command.name == "env" and any(key == "PIP_CONFIG_FILE" for key in model.env_keys(instruction)):
        facts.pip_config = describe(instruction)
        return
    step = model.step(instruction)
    if step is None or step.kind != "build":
        return
    keeps_apk = False
    for invocation in step.invocations:
        sub = commands.subcommand(invocation, _APK)
        if sub is not None and (sub in _APK.update or (sub in _APK.index_users and not commands.has_option(invocation, _APK.no_cache_spellings))):
            keeps_apk = True
        if invocation.program == "pip" and commands.positionals(invocation, _PIP)[:2] == ("config", "set"):
            facts.pip_config = describe(instruction)
        if invocation.program == "rm" and any(t.rstrip("/") == "/etc/apt/apt.conf.d/docker-clean" for t in _targets(invocation)):
            facts.docker_clean_off = describe(instruction)
    if keeps_apk and not apk_clean:
        facts.apk_index = instruction
    script = step.script
    if script is not None:
        for simple in script.commands:
            for op, target in simple.redirects:
                if op not in (">", ">>", ">|", "&>"):
                    continue
                if target.value.rsplit("/", 1)[-1] == "pip.conf":
                    facts.pip_config = describe(instruction)
                if target.value.startswith("/etc/apt/apt.conf.d/") and any(
                    "Keep-Downloaded-Packages" in arg or "docker-clean" in arg for arg in (w.value for w in simple.words[1:])
                ):
                    facts.docker_clean_off = describe(instruction)


def _cleanups(run_: _Run, stage: Stage, model: Model, style: Callable[[], Style], facts: _StageFacts, found: _Found, notes: list[Note]) -> None:
    for manager in _COMMAND_CLEANUP:
        _command_cleanup(run_, manager, model, style, facts, found, notes)
    _apk_no_cache(run_, stage, model, facts, found, notes)
    _pip_no_cache(run_, model, facts, found, notes)


def _cache_handled(run_: _Run, manager: Manager) -> str:
    """How the RUN already deals with ``manager``'s cache ("" when it does not): it removes it,
    or mounts a cache or tmpfs on it."""
    invocations = run_.step.invocations if run_.step is not None else []
    if any(i.program == "rm" and any(_under(t, manager.cache_paths) for t in _targets(i)) for i in invocations):
        return f"the RUN removes {manager.name}'s cache itself"
    mounted = _mounted(run_, manager.cache_paths)
    if mounted:
        return f"the RUN mounts a cache on {mounted}"
    return ""


def _mounted(run_: _Run, paths: tuple[str, ...]) -> str:
    """A cache or tmpfs mount of the RUN on one of ``paths`` or a folder holding one."""
    for mount in mounts(run_.command):
        if mount.type not in ("cache", "tmpfs") or not mount.target:
            continue
        target = mount.target.rstrip("/") or "/"
        for path in paths:
            if path == target or path.startswith(target + "/") or target.startswith(path + "/"):
                return mount.target
    return ""


def _note(notes: list[Note], run_: _Run, message: str) -> None:
    notes.append(Note(message, (run_.instruction,)))


def _command_cleanup(run_: _Run, manager: Manager, model: Model, style: Callable[[], Style], facts: _StageFacts, found: _Found, notes: list[Note]) -> None:
    """``rm -rf /var/lib/apt/lists/*`` (apt), ``yum clean all`` ... after the install."""
    if run_.role(manager) != "install":
        return  # no top-level invocation installs (the roles were read with the RUN)
    installs = [n for n, i in enumerate(run_.top) if commands.subcommand(i, manager) in manager.install]
    if not installs:
        return
    if manager is _APT:
        updates = [n for n, i in enumerate(run_.top) if commands.subcommand(i, manager) in manager.update]
        if not updates or updates[0] > installs[-1]:
            return  # the lists come from an earlier layer: removing them here frees nothing
    invocations = run_.step.invocations if run_.step is not None else []
    paths = manager.index_paths if manager is _APT else manager.cache_paths
    if any(i.program == "rm" and any(_under(t, paths) for t in _targets(i)) for i in invocations):
        return
    if manager is not _APT and any(commands.subcommand(i, manager) in manager.cleanup for i in invocations):
        return
    what = "apt's package lists" if manager is _APT else f"{manager.name}'s cache"
    subject = f"{what} not removed after {_describe_run(run_)!r}"
    following = _next_run(run_, model)
    if following is not None and following.role(manager) == "cleanup":
        _note(notes, run_, f"{subject}: the next RUN cleans up after it (joining the two is left to a later round, once they can be joined)")
        return
    if run_.blocker:
        _note(notes, run_, f"{subject}: {run_.blocker}")
        return
    mounted = _mounted(run_, manager.cache_paths)
    if mounted:
        _note(notes, run_, f"{subject}: the RUN mounts a cache or tmpfs on {mounted}")
        return
    if manager is _APT and facts.docker_clean_off:
        _note(notes, run_, f"{subject}: {facts.docker_clean_off!r} keeps apt's caches on purpose")
        return
    if run_.script is not None and any(c.name in ("exit", "exec") for c in run_.script.commands):
        _note(notes, run_, f"{subject}: the RUN may stop early (exit/exec)")
        return
    user = model.user_at(run_.instruction)
    sudo = False
    if user is None:
        _note(notes, run_, f"{subject}: the RUN's user comes from a variable; it may not be allowed to remove them")
        return
    if not is_root(user):
        if all(run_.top[n].sudo for n in installs):
            sudo = True
        else:
            _note(notes, run_, f"{subject}: the RUN runs as user {user!r}, who may not remove them (and it does not use sudo)")
            return
    need = model.later_need(run_.instruction, manager)
    if need is not None and not manager.fetches_missing_index:
        notes.append(Note(f"{subject}: {need.describe()}", (run_.instruction,)))
        return
    if need is not None:
        notes.append(Note(f"{subject}: {need.describe()}", (run_.instruction,)))
        return
    if run_.instruction.lines[-1].kind not in (INSTRUCTION_LINE, LAST_LINE):
        _note(notes, run_, f"{subject}: the RUN ends in a line continuation with nothing after it")
        return
    ending = _ends_with(run_)
    if ending and ending != ";":
        _note(notes, run_, f"{subject}: the RUN ends with {ending!r}")
        return
    assert manager.cleanup_command is not None
    cleanup = manager.cleanup_command
    if sudo:
        cleanup = " && ".join(f"sudo {part}" for part in cleanup.split(" && "))
    edit = _append(run_, style(), cleanup, ending == ";")
    if manager is _APT:
        why = f"removed apt's package lists in the same layer as the install ({cleanup}): no later step reads them"
    else:
        why = f"cleaned {manager.name}'s cache in the same layer as the install ({cleanup}): no later step reads it"
    if sudo:
        why += f" (with sudo: the RUN runs as {user!r})"
    found.add(edit, why)


def _next_run(run_: _Run, model: Model) -> _Run | None:
    """The RUN right after this one in its stage, if the next instruction is a RUN."""
    following: dict[int, Instruction] = model.__dict__.get("_next_instruction") or {}
    if not following:
        for stage in model.stages:
            body = stage.body
            for a, b in zip(body, body[1:]):
                following[id(a)] = b
        model.__dict__["_next_instruction"] = following
    after = following.get(id(run_.instruction))
    if after is None or after.word != "run":
        return None
    command = after.command
    if command is None or command.name != "run":
        return None
    return _analyze(after, command, model)


def _append(run_: _Run, style: Style, cleanup: str, replace_semicolon: bool) -> Edit:
    instruction = run_.instruction
    end = len(instruction.text.rstrip("\r\n"))
    start = end
    if replace_semicolon:
        assert run_.script is not None
        _, at = run_.script.operators[-1]
        start = source_offset(instruction, run_.command.args[0], at)
    if style.leading_operators:
        addition = f" {style.escape}{style.newline}{style.indent}&& {cleanup}"
    else:
        addition = f" && {style.escape}{style.newline}{style.indent}{cleanup}"
    if replace_semicolon:
        text = instruction.text[:start].rstrip(" \t")
        start = len(text)
    return (start, end, addition)


def _word_after(invocation: Invocation, value: str) -> shell.Word | None:
    """The word of ``invocation``'s own command that is its subcommand ``value``."""
    command = invocation.command
    if command is None or invocation.nested:
        return None
    for word in command.words[invocation.first_word + 1:]:
        if word.value == value:
            return word
    return None


def _apk_no_cache(run_: _Run, stage: Stage, model: Model, facts: _StageFacts, found: _Found, notes: list[Note]) -> None:
    adds = [i for i in run_.top if commands.subcommand(i, _APK) == "add" and not commands.has_option(i, _APK.no_cache_spellings)]
    if not adds:
        return
    subject = f"apk add without --no-cache left as it is in {_describe_run(run_)!r}"
    if run_.blocker:
        _note(notes, run_, f"{subject}: {run_.blocker}")
        return
    image = model.image(stage) or "the base image"
    release = model.release(stage)
    has_flag = images.apk_has_no_cache(release) if isinstance(release, images.Release) else None
    since = ".".join(map(str, APK_NO_CACHE_SINCE))
    if has_flag is False:
        assert isinstance(release, images.Release)
        _note(notes, run_, f"{subject}: {image} is Alpine {'.'.join(map(str, release.version or ()))}, whose apk has no --no-cache (it came with Alpine {since})")
        return
    if has_flag is None:
        _note(notes, run_, f"{subject}: which Alpine release {image} is built on is not known (apk has --no-cache from Alpine {since} on)")
        return
    handled = _cache_handled(run_, _APK)
    if handled:
        _note(notes, run_, f"{subject}: {handled}")
        return
    if facts.apk_index is not None:
        _note(notes, run_, f"{subject}: {describe(facts.apk_index)!r} keeps apk's index in an earlier layer, so --no-cache here would not make the image smaller")
        return
    need = model.later_need(run_.instruction, _APK)
    if need is not None:
        _note(notes, run_, f"{subject}: {need.describe()}")
        return
    apk_calls = [i for i in run_.top if commands.subcommand(i, _APK) is not None]
    updates = [i for i in apk_calls if commands.subcommand(i, _APK) in _APK.update]
    if updates:
        edit = _drop_update(run_, updates, apk_calls)
        if edit is None:
            _note(notes, run_, f"{subject}: the RUN runs apk update, whose index stays either way")
            return
        for add in adds:
            word = _word_after(add, "add")
            if word is None:
                _note(notes, run_, f"{subject}: an apk add is nested in another command")
                return
        if not found.add(edit, "apk update && apk add became apk add --no-cache: the index is fetched for the install and not kept in the image"):
            return
        for add in adds:
            word = _word_after(add, "add")
            assert word is not None
            at = source_end(run_.instruction, run_.command.args[0], word.end)
            found.edits.append((at, at, " --no-cache"))
        found.apk_clean = _only_adds(run_)
        return
    edited = 0
    for add in adds:
        word = _word_after(add, "add")
        if word is None:
            continue
        at = source_end(run_.instruction, run_.command.args[0], word.end)
        found.add((at, at, " --no-cache"), "apk add --no-cache: the index is fetched for the install and not kept in the image")
        edited += 1
    found.apk_clean = edited == len(adds) and _only_adds(run_)


def _only_adds(run_: _Run) -> bool:
    """Whether the RUN's apk commands, once its adds take --no-cache and its update is gone,
    keep no index: no other apk command reads or writes it."""
    invocations = run_.step.invocations if run_.step is not None else []
    return all(commands.subcommand(i, _APK) in (None, "add", "update", "del") for i in invocations)


def _drop_update(run_: _Run, updates: list[Invocation], apk_calls: list[Invocation]) -> Edit | None:
    """The edit that removes ``apk update &&`` when the RUN is ``[...&&] apk update && apk add ...``
    with no other apk command reading the index."""
    if len(updates) != 1 or apk_calls[0] is not updates[0]:
        return None
    if any(commands.subcommand(i, _APK) not in ("add", "update", "del") for i in apk_calls):
        return None
    update = updates[0].command
    script = run_.script
    if update is None or updates[0].nested or script is None or update.operator != "&&":
        return None
    top = script.top_level
    position = top.index(update) if update in top else -1
    if position < 0 or position + 1 >= len(top):
        return None
    if position > 0 and top[position - 1].operator != "&&":
        return None
    following = top[position + 1]
    if commands.subcommand(next((i for i in run_.top if i.command is following), updates[0]), _APK) != "add":
        return None
    part = run_.command.args[0]
    start = source_offset(run_.instruction, part, update.start)
    end = source_offset(run_.instruction, part, following.start)
    return (start, end, "")


def _pip_no_cache(run_: _Run, model: Model, facts: _StageFacts, found: _Found, notes: list[Note]) -> None:
    installs = [
        i for i in run_.top
        if i.program == "pip" and commands.subcommand(i, _PIP) == "install"
        and not any(a.startswith(_PIP.no_cache_spellings) for a in i.args)
    ]
    if not installs:
        return
    subject = f"pip install without --no-cache-dir left as it is in {_describe_run(run_)!r}"
    if run_.blocker:
        _note(notes, run_, f"{subject}: {run_.blocker}")
        return
    env = model.env(run_.instruction)
    if any(key in env for key in _PIP.no_cache_env):
        _note(notes, run_, f"{subject}: PIP_NO_CACHE_DIR is set (ENV or ARG), which already decides pip's cache")
        return
    if facts.pip_config:
        _note(notes, run_, f"{subject}: {facts.pip_config!r} writes pip's configuration, which may decide pip's cache already")
        return
    handled = _cache_handled(run_, _PIP)
    if handled:
        _note(notes, run_, f"{subject}: {handled}")
        return
    since = ".".join(map(str, PIP_NO_CACHE_DIR_SINCE))
    for install in installs:
        command = install.command
        assigned = [w.value.split("=", 1)[0] for w in (command.assignments if command else ())]
        before = [w.value.split("=", 1)[0] for w in (command.words[:install.first_word] if command else ())]
        if any(key in _PIP.no_cache_env for key in (*assigned, *before)):
            _note(notes, run_, f"{subject}: {install.display!r} is run with PIP_NO_CACHE_DIR set")
            continue
        if commands.has_option(install, ("--cache-dir",)):
            _note(notes, run_, f"{subject}: {install.display!r} chooses its cache directory (--cache-dir)")
            continue
        pip = model.pip_before(install)
        if pip.version is None:
            _note(notes, run_, f"{subject}: which pip {install.display!r} runs is not known ({pip.source}); pip before {since} has no --no-cache-dir (nor a cache)")
            continue
        if older(pip.version, PIP_NO_CACHE_DIR_SINCE):
            _note(notes, run_, f"{subject}: {install.display!r} runs pip {pip.show()} ({pip.source}), which has no --no-cache-dir (it came with pip {since}) and keeps no cache")
            continue
        word = _word_after(install, "install")
        if word is None:
            _note(notes, run_, f"{subject}: {install.display!r} is nested in another command")
            continue
        at = source_end(run_.instruction, run_.command.args[0], word.end)
        found.add((at, at, " --no-cache-dir"), f"pip install --no-cache-dir: pip's download cache is not kept in the image ({pip.source})")


# --- cache mounts instead of cleanup -----------------------------------------------------------------

#: Frontend versions before 1.2 do not take RUN --mount (1.0/1.1 experimental ones did).
_OLD_FRONTENDS = ("1.0", "1.1")


def _mounts_refused(tree: Dockerfile) -> str:
    """Why the file cannot take ``RUN --mount`` ("" when it can): a ``# syntax=`` directive that
    names a frontend before Dockerfile 1.2, or one this pass does not know. Without a directive,
    BuildKit's built-in frontend (and buildah, podman) read mounts; no directive is ever added."""
    for line in tree.directives:
        key, eq, value = line.text.lstrip("\ufeff").lstrip("#").strip().partition("=")
        if not eq or key.strip().lower() != "syntax":
            continue
        value = value.strip()
        name, _, tag = value.split("@", 1)[0].rpartition(":") if ":" in value.split("/")[-1] else (value, "", "")
        if not (name or value).endswith(("docker/dockerfile", "docker/dockerfile-upstream")):
            return f"the file's frontend {value!r} is not one this pass knows to read RUN --mount"
        if tag.startswith(_OLD_FRONTENDS) and "experimental" not in tag:
            return f"the file asks for frontend {value!r}, which has no RUN --mount (it came with 1.2)"
    return ""


def _would_clean(run_: _Run) -> bool:
    return any(
        commands.subcommand(i, m) in m.install for i in run_.top for m in (_APT, BY_NAME["yum"], BY_NAME["dnf"], BY_NAME["zypper"], _PIP, BY_NAME["npm"])
    )


def _cache_mounts(run_: _Run, model: Model, facts: _StageFacts, found: _Found, notes: list[Note]) -> None:
    """Package caches kept in ``RUN --mount=type=cache`` (apt, yum, dnf, zypper, pip, npm);
    apk keeps ``--no-cache`` and microdnf its clean command (neither has a cache worth keeping
    that a mount can hold without leaving a trace in the image)."""
    targets: list[str] = []
    setup: list[str] = []
    why: list[str] = []
    user = model.user_at(run_.instruction)
    root = user is not None and is_root(user)
    for manager in (_APT, BY_NAME["yum"], BY_NAME["dnf"], BY_NAME["zypper"]):
        kept = _system_cache(run_, manager, model, facts, notes, root)
        if kept:
            targets.extend(f"--mount=type=cache,target={t},sharing=locked" for t in kept)
            if manager is _APT and not facts.docker_clean_off:
                setup.append("rm -f /etc/apt/apt.conf.d/docker-clean")
                why.append(f"kept apt's lists and packages in cache mounts ({', '.join(kept)}; docker-clean turned off so apt keeps what it downloads): they stay out of the image and the next build reuses them")
            else:
                why.append(f"kept {manager.name}'s cache in cache mounts ({', '.join(kept)}): it stays out of the image and the next build reuses it")
    for manager, target in ((_PIP, "/root/.cache/pip"), (BY_NAME["npm"], "/root/.npm")):
        if _tool_cache(run_, manager, model, notes, root):
            targets.append(f"--mount=type=cache,target={target}")
            why.append(f"kept {manager.name}'s download cache in a cache mount ({target}): it stays out of the image and the next build reuses it")
    _apk_no_cache(run_, model.stage_of(run_.instruction), model, facts, found, notes)  # type: ignore[arg-type]
    if not targets:
        return
    at = run_.command.args[0].start
    text = " ".join(targets) + " " + "".join(f"{command} && " for command in setup)
    if found.add((at, at, text), why[0]):
        found.why.extend(why[1:])


def _system_cache(run_: _Run, manager: Manager, model: Model, facts: _StageFacts, notes: list[Note], root: bool) -> list[str]:
    installs = [n for n, i in enumerate(run_.top) if commands.subcommand(i, manager) in manager.install]
    if not installs or not manager.cache_mounts:
        return []
    if manager is _APT:
        updates = [n for n, i in enumerate(run_.top) if commands.subcommand(i, manager) in manager.update]
        if not updates or updates[0] > installs[-1]:
            return []
    invocations = run_.step.invocations if run_.step is not None else []
    paths = manager.index_paths if manager is _APT else manager.cache_paths
    if any(i.program == "rm" and any(_under(t, paths) for t in _targets(i)) for i in invocations):
        return []
    if _mounted(run_, manager.cache_mounts):
        return []
    subject = f"{manager.name}'s caches not put in cache mounts for {_describe_run(run_)!r}"
    if run_.blocker:
        _note(notes, run_, f"{subject}: {run_.blocker}")
        return []
    if not root:
        _note(notes, run_, f"{subject}: the RUN does not run as root")
        return []
    need = model.later_need(run_.instruction, manager)
    if need is not None:
        _note(notes, run_, f"{subject}: the mounts take the index out of the image, and {need.describe()}")
        return []
    return list(manager.cache_mounts)


def _tool_cache(run_: _Run, manager: Manager, model: Model, notes: list[Note], root: bool) -> bool:
    installs = [
        i for i in run_.top
        if commands.subcommand(i, manager) in manager.install and not any(a.startswith(manager.no_cache_spellings) for a in i.args if manager.no_cache_spellings)
    ]
    if not installs:
        return False
    invocations = run_.step.invocations if run_.step is not None else []
    if any(i.program == "rm" and any(_under(t, manager.cache_paths) for t in _targets(i)) for i in invocations):
        return False
    if _mounted(run_, manager.cache_mounts) or any(commands.has_option(i, ("--cache-dir", "--cache")) for i in installs):
        return False
    if any(key in model.env(run_.instruction) for key in manager.no_cache_env):
        return False
    subject = f"{manager.name}'s cache not put in a cache mount for {_describe_run(run_)!r}"
    if run_.blocker:
        _note(notes, run_, f"{subject}: {run_.blocker}")
        return False
    if not root:
        _note(notes, run_, f"{subject}: the RUN does not run as root, so the cache is not under /root")
        return False
    return True


PASS = Pass(
    name=PASS_NAME,
    summary="Install and clean up in one RUN layer: join one package-manager transaction; add the cleanup it lacks.",
    safety=REVIEW,
    run=run,
    classes=(SAFE, REVIEW),
)
