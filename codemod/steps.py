"""Each instruction as a step: the programs it runs, read once per tree.

A RUN in the shell form runs its script (or, for ``RUN <<EOF``, the heredoc body); in the exec
form, its words; ``ONBUILD RUN`` runs later, in every image built FROM this one; CMD,
ENTRYPOINT and HEALTHCHECK run in the container. ``Step`` holds the invocations of each (see
``commands``) and what could not be read, in order, so a question such as "does anything after
this install still read apt's lists?" is answered from facts, by one sweep (``Model``).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import commands, shell
from .commands import Invocation, Unreadable
from .cst import Command, Instruction, form_values
from .fastinit import maker
from .knowledge.managers import SHELLS

#: What a step is for the questions the passes ask.
BUILD = "build"          # a RUN: runs while the image is built
TRIGGER = "trigger"      # ONBUILD RUN: runs when an image is built FROM this one
RUNTIME = "runtime"      # CMD, ENTRYPOINT, HEALTHCHECK: run in the container


@dataclass(frozen=True)
class Event:
    """One thing a step does, in order: an invocation, or something unreadable."""

    invocation: Invocation | None = None
    unreadable: Unreadable | None = None


#: ``Event(invocation=...)`` without the frozen dataclass's __init__: a step has an event per
#: program it runs.
_invocation_event = maker(Event, unreadable=None)


@dataclass(frozen=True)
class Step:
    instruction: Instruction
    kind: str
    #: The RUN's own shell-form script (None for the exec form, a heredoc script, other kinds).
    script: shell.Script | None
    events: tuple[Event, ...]

    @property
    def invocations(self) -> list[Invocation]:
        return [e.invocation for e in self.events if e.invocation is not None]

    @property
    def unreadable(self) -> list[Unreadable]:
        return [e.unreadable for e in self.events if e.unreadable is not None]

    def describe(self) -> str:
        return describe(self.instruction)


def describe(instruction: Instruction, width: int = 60) -> str:
    """``RUN apt-get install -y curl`` shortened to ``width`` characters, on one line."""
    text = " ".join(instruction.logical.text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _ordered(script: shell.Script, depth: int = 0, ignore_heredocs: bool = False) -> tuple[Event, ...]:
    """The events of a script in order: each simple command read on its own."""
    events: list[Event] = []
    if script.unknown:
        events.append(Event(unreadable=Unreadable(f"its shell text has {script.unknown}", "text")))
    if script.heredocs and not ignore_heredocs:
        events.append(Event(unreadable=Unreadable("its shell text has a heredoc", "text")))
    for command in script.commands:
        found, blind = commands.read_command(command, depth)
        events.extend(map(_invocation_event, found))
        events.extend(Event(unreadable=u) for u in blind)
    return tuple(events)


def _exec_events(words: tuple[str, ...]) -> tuple[Event, ...]:
    found, blind = commands.read_words(list(words))
    return tuple(Event(invocation=i) for i in found) + tuple(Event(unreadable=u) for u in blind)


def _heredoc_script(instruction: Instruction) -> tuple[Event, ...]:
    """``RUN <<EOF``: each body is a script for the shell, unless its first line names another
    interpreter."""
    events: list[Event] = []
    for heredoc in instruction.heredocs:
        body = heredoc.body
        if body.startswith("#!"):
            interpreter = body[2:].split("\n", 1)[0].split()
            program = commands.program_name(interpreter[-1] if interpreter and interpreter[0].endswith("/env") else (interpreter[0] if interpreter else ""))
            if program not in SHELLS:
                if commands.known(program):
                    continue  # python, node...: application code
                events.append(Event(unreadable=Unreadable(f"its heredoc runs under {program or 'an unknown interpreter'}", "script")))
                continue
        events.extend(_ordered(shell.parse(body)))
    return tuple(events)


def _run_events(instruction: Instruction, command: Command) -> tuple[shell.Script | None, tuple[Event, ...]]:
    if command.form == "exec":
        return None, _exec_events(form_values(command, instruction.escape))
    if command.form != "shell" or not command.args:
        return None, ()
    script = shell.parse(command.args[0].text)
    if not instruction.heredocs:
        return script, _ordered(script)
    if not script.commands:
        return None, _heredoc_script(instruction)
    # Commands that read a heredoc as their input (``cat <<EOF > file``, ``python3 <<EOF``);
    # a shell reading it runs the body.
    events = list(_ordered(script, ignore_heredocs=True))
    reads_input = [e for e in events if e.unreadable is not None and e.unreadable.kind == "stdin"]
    if reads_input:
        events = [e for e in events if e not in reads_input] + list(_heredoc_script(instruction))
    return script, tuple(events)


def step(instruction: Instruction) -> Step | None:
    """The step an instruction is, or None when it runs nothing."""
    command = instruction.command
    if command is None:
        return None
    name = command.name
    if name == "run":
        script, events = _run_events(instruction, command)
        return Step(instruction, BUILD, script, events)
    if name == "onbuild":
        inner = command.subcommand
        if inner is None or inner.name != "run":
            return None
        if inner.form == "exec":
            return Step(instruction, TRIGGER, None, _exec_events(form_values(inner, instruction.escape)))
        if inner.form == "shell" and inner.args:
            return Step(instruction, TRIGGER, None, _ordered(shell.parse(inner.args[0].text)))
        return Step(instruction, TRIGGER, None, ())
    if name in ("cmd", "entrypoint") or (name == "healthcheck" and command.health_type is not None and command.health_type.text.upper() == "CMD"):
        if command.form == "exec":
            return Step(instruction, RUNTIME, None, _exec_events(form_values(command, instruction.escape)))
        if command.form == "shell" and command.args:
            return Step(instruction, RUNTIME, None, _ordered(shell.parse(command.args[0].text)))
    return None
