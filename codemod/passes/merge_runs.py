"""merge-runs: one package-manager transaction, one RUN layer.

## What it does
Joins consecutive RUN instructions of one stage that form one package-manager transaction
(the index update, the install, the cleanup: ``apt-get update`` alone in its RUN, then the
``apt-get install``, then ``rm -rf /var/lib/apt/lists/*``; the same for apk, yum, dnf,
microdnf, zypper, pip and npm) into one RUN, with ``&&`` and continuation lines. Then, in a
stage whose layers reach the final image, it adds the cleanup the install is missing:
``rm -rf /var/lib/apt/lists/*`` after an ``apt-get update`` and install, ``apk add --no-cache``,
``pip install --no-cache-dir``.

## Why
A package index updated in one layer and used in the next is stale in the build cache (the
update is skipped, the install fails or installs old versions); files deleted in a later layer
still weigh in the image (hadolint DL3009, DL3059, DL3019, DL3042).

## Example
    RUN apt-get update                RUN apt-get update \\
    RUN apt-get install -y curl  ->       && apt-get install -y curl \\
                                          && rm -rf /var/lib/apt/lists/*

## Safety
Joining is ``safe``: the commands run in the same order, directory and environment, and the
build fails where it failed before. Adding cleanup is ``review``: the image loses files.

## Caveats (it declines, and says why)
- RUNs in the exec form, with heredocs, with different ``--mount``/``--network``/``--security``
  flags, under a SHELL that is not a POSIX shell, or in a file whose escape is the backtick.
- An earlier RUN that changes shell state a later one would inherit (``cd``, ``export``,
  ``set``, ``source``, ``umask``, a bare ``VAR=x``, ``exec``, ``exit``...), or ends in ``&``,
  ``;`` or a comment; a later RUN with ``;`` or ``||`` at its top level (joined with ``&&`` it
  would run after an earlier failure).
- Only neighbours of one transaction are joined; other consecutive RUNs are often deliberate
  cache boundaries and are left alone.
- Cleanup is not added when something later in the stage, or in a stage built FROM it, still
  needs what it removes; when the RUN mounts a cache or tmpfs on the package lists, or the stage
  turned off docker-clean; or in stages that reach the final image only through COPY --from.
"""

from __future__ import annotations

from dataclasses import dataclass
from shlex import quote as shlex_quote

from .. import shell
from ..cst import COMMENT, INSTRUCTION_LINE, LAST_LINE, Command, Dockerfile, Instruction, values
from ..ecosystems import normalize, positionals
from ..edit import Style, reparse, source_end, splice, style_of
from ..model import Model, Stage, mounts
from .base import REVIEW, SAFE, Context, Note, Outcome, Pass, Proposal


@dataclass(frozen=True)
class Manager:
    """A package manager: how it updates its index, installs, and cleans up."""

    name: str
    update: tuple[tuple[str, str], ...]
    install: tuple[tuple[str, str], ...]
    #: Commands that only clean up after it (program, first positional word or "").
    cleanup: tuple[tuple[str, str], ...]
    #: Paths whose removal is its cleanup.
    paths: tuple[str, ...]


MANAGERS = (
    Manager("apt", (("apt-get", "update"), ("apt", "update")), (("apt-get", "install"), ("apt", "install")),
            (("apt-get", "clean"), ("apt-get", "autoremove"), ("apt-get", "purge"), ("apt", "clean"), ("apt", "autoremove"), ("apt-get", "autoclean")),
            ("/var/lib/apt/lists", "/var/cache/apt")),
    Manager("apk", (("apk", "update"),), (("apk", "add"),), (("apk", "del"), ("apk", "cache")), ("/var/cache/apk", "/etc/apk/cache")),
    Manager("yum", (("yum", "makecache"), ("yum", "check-update")), (("yum", "install"), ("yum", "groupinstall")), (("yum", "clean"),), ("/var/cache/yum",)),
    Manager("dnf", (("dnf", "makecache"), ("dnf", "check-update")), (("dnf", "install"), ("dnf", "groupinstall")), (("dnf", "clean"),), ("/var/cache/dnf",)),
    Manager("microdnf", (), (("microdnf", "install"),), (("microdnf", "clean"),), ("/var/cache/yum", "/var/cache/dnf")),
    Manager("zypper", (("zypper", "refresh"), ("zypper", "ref")), (("zypper", "install"), ("zypper", "in")), (("zypper", "clean"), ("zypper", "cc")), ("/var/cache/zypp",)),
    Manager("pip", (), (("pip", "install"),), (("pip", "cache"),), ("/root/.cache/pip", "/root/.cache")),
    Manager("npm", (), (("npm", "ci"), ("npm", "install"), ("npm", "i")), (("npm", "cache"),), ("/root/.npm", "/usr/local/share/.cache")),
)

_APT_NEEDS_LISTS = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "source", "build-dep", "download", "reinstall"})
_APT_PROGRAMS = frozenset({"apt-get", "apt", "aptitude", "apt-cache"})
#: Operators that may not stand at the top level of a RUN joined after another with &&.
_UNSAFE_LATER = frozenset({";", "||", "\n", "&"})


def _is(command: shell.SimpleCommand, shapes: tuple[tuple[str, str], ...]) -> bool:
    program, positional = positionals(command)
    return any(program == p and (not w or (positional[:1] == (w,))) for p, w in shapes)


def _is_cleanup(command: shell.SimpleCommand, manager: Manager) -> bool:
    if _is(command, manager.cleanup):
        return True
    program, _ = normalize(command)
    if program == "rm":
        targets = [a for a in command.args if not a.startswith("-")]
        return bool(targets) and any(t.startswith(manager.paths) for t in targets)
    return False


@dataclass
class _Run:
    """One RUN with what this pass needs to know about it."""

    instruction: Instruction
    command: Command
    script: shell.Script | None
    #: Why it cannot take part in a merge ("" when it can).
    blocker: str
    flags: tuple[str, ...]

    @property
    def top(self) -> list[shell.SimpleCommand]:
        return self.script.top_level if self.script else []

    def role(self, manager: Manager) -> str:
        """This RUN's part in a transaction of ``manager``: "install" (it installs), "update"
        (it updates the index, installs nothing), "cleanup" (it only cleans up), or ""."""
        commands = self.top
        if not commands:
            return ""
        if any(_is(c, manager.install) for c in commands):
            return "install"
        if any(_is(c, manager.update) for c in commands):
            return "update"
        if all(_is_cleanup(c, manager) for c in commands):
            return "cleanup"
        return ""


def _describe_run(run: _Run) -> str:
    if not run.top:
        return "RUN"
    return " ".join(w.text for w in run.top[0].words[:3])


def _analyze(instruction: Instruction, command: Command, model: Model) -> _Run:
    """The RUN's script (for its role, even where it cannot be joined) and what blocks it."""
    flags = tuple(p.text for p in command.flags)
    if command.form == "exec":
        words = values(command, instruction.escape)
        script = shell.parse(" ".join(shlex_quote(w) for w in words))
        return _Run(instruction, command, script, "it is in the exec form", flags)
    if command.form != "shell" or not command.args:
        return _Run(instruction, command, None, "it has no command", flags)
    script = shell.parse(command.args[0].text)
    if instruction.heredocs:
        bodies = shell.parse("\n".join(h.body for h in instruction.heredocs))
        return _Run(instruction, command, bodies, "it has a heredoc", flags)
    if not model.posix_shell(instruction):
        return _Run(instruction, command, script, "its shell is not a POSIX shell (SHELL, or the backtick escape of Windows images)", flags)
    if script.unknown:
        return _Run(instruction, command, script, f"its shell text has {script.unknown}", flags)
    if script.heredocs:
        return _Run(instruction, command, script, "its shell text has a heredoc", flags)
    if script.comments:
        return _Run(instruction, command, script, "its shell text has a comment, which would swallow what follows", flags)
    if script.backgrounds:
        return _Run(instruction, command, script, "it runs something in the background (&)", flags)
    if script.operators and script.operators[-1][1] + len(script.operators[-1][0]) >= len(command.args[0].text.rstrip()):
        return _Run(instruction, command, script, "it ends with an operator", flags)
    return _Run(instruction, command, script, "", flags)


def run(tree: Dockerfile, context: Context) -> Outcome:
    model = Model(tree)
    outcome = _merge(tree, model)
    if outcome.tree is not tree:
        return outcome
    cleanup = _cleanup(tree, model)
    cleanup.notes[:0] = outcome.notes
    return cleanup


# --- joining ---------------------------------------------------------------------------------------


def _merge(tree: Dockerfile, model: Model) -> Outcome:
    style = style_of(tree)
    notes: list[Note] = []
    groups: list[list[_Run]] = []
    for stage in model.stages:
        current: list[_Run] = []
        between: list[Instruction] = []
        for instruction in stage.body:
            command = instruction.command
            if command is not None and command.name == "run":
                run_ = _analyze(instruction, command, model)
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

    replaced: dict[int, Instruction | None] = {}
    proposals: list[Proposal] = []
    for runs, manager in merges:
        merged = _join(runs, style)
        replaced[id(runs[0].instruction)] = merged
        for other in runs[1:]:
            replaced[id(other.instruction)] = None
        roles = ", ".join(dict.fromkeys(r.role(manager) for r in runs))
        proposals.append(Proposal(
            f"joined {len(runs)} RUNs of one {manager.name} transaction ({roles}) into one layer: "
            + "; ".join(_describe_run(r) for r in runs),
            SAFE,
            tuple(r.instruction for r in runs),
            (merged,),
        ))
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
    update+install then cleanup."""
    found: list[tuple[list[_Run], Manager]] = []
    i = 0
    while i < len(group) - 1:
        best: tuple[list[_Run], Manager] | None = None
        for manager in MANAGERS:
            roles = [r.role(manager) for r in group[i:]]
            span = 0
            if roles[:2] == ["update", "install"]:
                span = 2
            elif roles[:2] == ["install", "cleanup"]:
                span = 1
            if span:
                while span < len(roles) and roles[span] == "cleanup":
                    span += 1
                best = (group[i:i + span], manager)
                break
        if best is None:
            i += 1
            continue
        runs, manager = best
        reason = _why_not(runs)
        if reason:
            notes.append(Note(f"RUNs of one {manager.name} transaction left apart: {reason}", tuple(r.instruction for r in runs)))
            i += 1
            continue
        found.append(best)
        i += len(runs)
    return found


def _why_not(runs: list[_Run]) -> str:
    for r in runs:
        if r.blocker:
            return f"the RUN {_describe_run(r)!r}: {r.blocker}"
    if len({r.flags for r in runs}) > 1:
        return "their flags (--mount, --network, --security) differ"
    for r in runs[:-1]:
        assert r.script is not None
        changes = r.script.state_changes()
        if changes:
            name = changes[0].name or changes[0].assignments[0].text
            return f"{_describe_run(r)!r} changes shell state ({name}) that the next RUN would inherit"
    for r in runs[1:]:
        assert r.script is not None
        ops = {op for op, _ in r.script.operators}
        if ops & _UNSAFE_LATER:
            op = sorted(ops & _UNSAFE_LATER)[0]
            return f"{_describe_run(r)!r} uses {op!r} at its top level, so joined with && it could run after an earlier failure"
    return ""


def _join(runs: list[_Run], style: Style) -> Instruction:
    """The first RUN, then each later RUN's command text on continuation lines."""
    first = runs[0].instruction
    text = first.text
    body = text.rstrip("\r\n")
    newline = runs[-1].instruction.text[len(runs[-1].instruction.text.rstrip("\r\n")):]
    escape = style.escape
    for later in runs[1:]:
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


def _cleanup(tree: Dockerfile, model: Model) -> Outcome:
    style = style_of(tree)
    notes: list[Note] = []
    edits: dict[int, list[tuple[int, int, str]]] = {}
    explained: dict[int, list[str]] = {}
    for stage in model.stages:
        if not model.in_final_image(stage):
            continue
        body = list(stage.body)
        for position, instruction in enumerate(body):
            command = instruction.command
            if command is None or command.name != "run":
                continue
            analyzed = _analyze(instruction, command, model)
            if analyzed.script is None or analyzed.blocker:
                continue
            for edit, why in _cleanups(analyzed, stage, body[position + 1:], model, style, notes):
                edits.setdefault(id(instruction), []).append(edit)
                explained.setdefault(id(instruction), []).append(why)
    if not edits:
        return Outcome(tree, notes=notes)
    replaced = {}
    proposals = []
    for instruction in tree.instructions:
        if id(instruction) in edits:
            new = splice(instruction, edits[id(instruction)])
            replaced[id(instruction)] = new
            for why in explained[id(instruction)]:
                proposals.append(Proposal(why, REVIEW, (instruction,), (new,)))
    new_tree = tree.with_changes(instructions=tuple(replaced.get(id(i), i) for i in tree.instructions))
    return Outcome(new_tree, proposals, notes)


def _cleanups(run_: _Run, stage: Stage, later: list[Instruction], model: Model, style: Style, notes: list[Note]) -> list[tuple[tuple[int, int, str], str]]:
    script = run_.script
    assert script is not None
    instruction, command = run_.instruction, run_.command
    part = command.args[0]
    top = script.top_level
    targets = [m.target for m in mounts(command) if m.type in ("cache", "tmpfs")]
    lists_mounted = any(t.startswith("/var/lib/apt/lists") for t in targets) or (
        any(t.startswith("/var/lib/apt") for t in targets) and any(t.startswith("/var/cache/apt") for t in targets)
    )
    found: list[tuple[tuple[int, int, str], str]] = []
    stops = any(c.name in ("exit", "exec") for c in script.commands)

    # apt: the lists after update + install.
    apt = MANAGERS[0]
    update = next((c for c in top if _is(c, apt.update)), None)
    install = next((c for c in top if _is(c, apt.install) and update is not None and c.start > update.start), None)
    removes_lists = any(normalize(c)[0] == "rm" and any(a.startswith("/var/lib/apt/lists") for a in c.args) for c in script.commands)
    if install is not None and not removes_lists:
        reason = ""
        if lists_mounted:
            reason = "the RUN mounts a cache or tmpfs on the package lists"
        elif _docker_clean_disabled(stage, instruction):
            reason = "the stage turned off docker-clean to keep apt's caches"
        elif stops:
            reason = "the RUN may stop early (exit/exec)"
        elif (user := _apt_later(later, model, stage)) is not None:
            reason = f"a later RUN needs the lists ({user})"
        elif instruction.lines[-1].kind not in (INSTRUCTION_LINE, LAST_LINE):
            reason = "the RUN ends in a line continuation with nothing after it"
        if reason:
            notes.append(Note(f"apt lists not removed after {_describe_run(run_)!r}: {reason}", (instruction,)))
        else:
            end = instruction.text.rstrip("\r\n")
            at = len(end)
            if style.leading_operators:
                addition = f" {style.escape}{style.newline}{style.indent}&& rm -rf /var/lib/apt/lists/*"
            else:
                addition = f" && {style.escape}{style.newline}{style.indent}rm -rf /var/lib/apt/lists/*"
            found.append(((at, at, addition), "removed apt's package lists in the same layer as the install (rm -rf /var/lib/apt/lists/*): they are never used at run time"))

    # apk add --no-cache.
    for c in top:
        program, positional = positionals(c)
        if program == "apk" and positional[:1] == ("add",) and "--no-cache" not in c.args:
            if any(_is(o, MANAGERS[1].update) for o in top):
                notes.append(Note("apk add without --no-cache left as it is: the RUN runs apk update, whose index stays either way", (instruction,)))
                continue
            if any(t.startswith(("/var/cache/apk", "/etc/apk/cache")) for t in targets):
                continue
            word = next(w for w in c.words if w.value == "add")
            at = source_end(instruction, part, word.end)
            found.append(((at, at, " --no-cache"), "apk add --no-cache: the package index is not kept in the image"))

    # pip install --no-cache-dir.
    env = model.env(instruction)
    if "PIP_NO_CACHE_DIR" not in env:
        for c in top:
            program, positional = positionals(c)
            if program == "pip" and positional[:1] == ("install",) and not any(a.startswith("--no-cache-dir") for a in c.args):
                if any(t.startswith("/root/.cache") or "pip" in t for t in targets):
                    continue
                word = next(w for w in c.words if w.value == "install")
                at = source_end(instruction, part, word.end)
                found.append(((at, at, " --no-cache-dir"), "pip install --no-cache-dir: pip's download cache is not kept in the image"))
    return found


def _docker_clean_disabled(stage: Stage, before: Instruction) -> bool:
    for instruction in stage.body:
        if instruction is before:
            return False
        text = instruction.logical.text
        if "docker-clean" in text or "Keep-Downloaded-Packages" in text:
            return True
    return False


def _apt_later(later: list[Instruction], model: Model, stage: Stage) -> str | None:
    """A later apt command that relies on the lists (without its own update), in this stage
    or in a stage built FROM it."""
    instructions = list(later)
    for child in model.children(stage):
        instructions.extend(child.body)
    for instruction in instructions:
        command = instruction.command
        if command is None:
            continue
        if command.name == "onbuild":
            if "apt" in command.args_text:
                return "an ONBUILD trigger uses apt"
            continue
        if command.name != "run":
            continue
        if command.form != "shell":
            if any(word in command.args_text for word in _APT_PROGRAMS):
                return f"line text {command.args_text[:40]!r}"
            continue
        script = shell.parse(command.args[0].text)
        updated = False
        for c in script.commands:
            program, positional = positionals(c)
            if program in _APT_PROGRAMS:
                if positional[:1] == ("update",):
                    updated = True
                elif positional[:1] and positional[0] in _APT_NEEDS_LISTS and not updated:
                    return " ".join(w.text for w in c.words[:3])
    return None


PASS = Pass(
    name="merge-runs",
    summary="Install and clean up in one RUN layer: join one package-manager transaction; add the cleanup it lacks.",
    safety=SAFE,
    run=run,
)
