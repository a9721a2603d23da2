"""What the programs a step runs are, read from the parsed shell and the knowledge tables.

A RUN's shell text is split into simple commands by ``shell``. This module reads each one as
an *invocation*: the program that really runs (through ``sudo``, ``env``, ``xargs``, ``nice``,
``sh -c '...'`` and the like), its arguments, whether it runs as root through sudo, and for a
package manager its subcommand with the options (and their values) set aside. What cannot be
read is said, not guessed: a script file run by path or through a shell, a shell reading its
standard input (``curl ... | sh``), text beyond the shell reader, a program the tables do not
know. Passes decide with these facts; they never look for substrings in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import shell
from .fastinit import maker
from .knowledge.managers import MANAGERS, NEVER_USE_INDEX, SHELLS, SOURCING, WRAPPERS, Manager

#: ``sh -c 'sh -c "..."'`` is followed this deep, then called unreadable.
MAX_NESTING = 4

_ALIASES = {"pip3": "pip", "python3": "python", "python2": "python", "yarnpkg": "yarn", "bundler": "bundle", "gradlew": "gradle", "mvnw": "mvn"}


@dataclass(frozen=True)
class Invocation:
    """One program run by a step."""

    #: Base name, with version suffixes and aliases folded (``pip3.11`` -> ``pip``,
    #: ``python3 -m pip`` -> ``pip``).
    program: str
    #: The arguments after the program (values, quotes removed).
    args: tuple[str, ...]
    #: The simple command of the step's script it comes from (for offsets); for an invocation
    #: inside ``sh -c '...'`` that is the ``sh`` command.
    command: shell.SimpleCommand | None
    #: Run through sudo/doas (as root whatever USER says).
    sudo: bool = False
    #: Read from text nested in another command (``sh -c``, ``su -c``): offsets are not its own.
    nested: bool = False
    #: The words of ``command`` that are the program and its arguments (top-level only).
    first_word: int = 0
    #: The program as written, without its folder (``pip3.11``; ``python3 -m pip`` for a module
    #: run by an interpreter): which of several installed copies runs.
    spelled: str = ""

    @property
    def display(self) -> str:
        return " ".join((self.spelled or self.program, *self.args[:3]))


@dataclass(frozen=True)
class Unreadable:
    """Something a step runs that this reader cannot see into, and what it is."""

    reason: str
    #: "script" (a file of commands), "stdin" (a shell reading commands from its input),
    #: "program" (a program the tables do not know), "text" (shell text beyond the reader).
    kind: str
    #: For "program": the program as written (``configure`` as ``./configure``).
    program: str = ""


#: ``Invocation(...)`` without the frozen dataclass's __init__: every simple command of every RUN
#: makes one.
_invocation = maker(Invocation)


def requirement_names(invocation: Invocation) -> list[str]:
    """The projects ``pip install`` (or ``gem install``) names literally, normalised:
    ``Flask_Login>=0.6`` -> flask-login; options, paths, files and URLs are not names."""
    out = []
    for arg in invocation.args[1:]:
        if arg.startswith("-") or "/" in arg or arg.endswith((".txt", ".whl", ".tar.gz", ".zip")):
            continue
        match = _REQUIREMENT.match(arg)
        if match:
            out.append(match.group(0).lower().replace("_", "-"))
    return out


_REQUIREMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def program_name(word: str) -> str:
    """``/usr/bin/pip3.11`` -> ``pip``; ``python3.9`` -> ``python``."""
    name = word.rsplit("/", 1)[-1]
    base = name.rstrip("0123456789.")
    if base in ("pip", "python", "pypy") and base != name:
        name = base
    return _ALIASES.get(name, name)


def read(script: shell.Script, depth: int = 0) -> tuple[list[Invocation], list[Unreadable]]:
    """The invocations of every simple command of ``script`` (nested ones included), and what
    could not be read."""
    found: list[Invocation] = []
    unreadable: list[Unreadable] = []
    if script.unknown:
        unreadable.append(Unreadable(f"its shell text has {script.unknown}", "text"))
    if script.heredocs:
        unreadable.append(Unreadable("its shell text has a heredoc", "text"))
    for command in script.commands:
        words = [w.value for w in command.words]
        _unwrap(words, 0, command, False, depth, found, unreadable)
    return found, unreadable


def read_command(command: shell.SimpleCommand, depth: int = 0) -> tuple[list[Invocation], list[Unreadable]]:
    """The invocations of one simple command (nested ones included), and what could not be
    read: ``read`` of a script holding only ``command``."""
    found: list[Invocation] = []
    unreadable: list[Unreadable] = []
    _unwrap([w.value for w in command.words], 0, command, False, depth, found, unreadable)
    return found, unreadable


def read_words(words: list[str], depth: int = 0) -> tuple[list[Invocation], list[Unreadable]]:
    """The invocation of an exec-form command (its words are known exactly)."""
    found: list[Invocation] = []
    unreadable: list[Unreadable] = []
    _unwrap(list(words), 0, None, False, depth, found, unreadable)
    return found, unreadable


def _unwrap(
    words: list[str],
    at: int,
    command: shell.SimpleCommand | None,
    sudo: bool,
    depth: int,
    found: list[Invocation],
    unreadable: list[Unreadable],
) -> None:
    nested = command is None or depth > 0
    while at < len(words):
        name = program_name(words[at])
        wrapper = WRAPPERS.get(name)
        if wrapper is None:
            break
        sudo = sudo or wrapper.as_root
        at += 1
        operands = wrapper.leading_operands
        while at < len(words):
            word = words[at]
            if word == "--":
                at += 1
                break
            if word.startswith("-") and len(word) > 1:
                at += 2 if word in wrapper.options_with_value else 1
                continue
            if wrapper.assignments and "=" in word:
                at += 1
                continue
            if operands:
                operands -= 1
                at += 1
                continue
            break
    if at >= len(words):
        return
    program = program_name(words[at])
    args = tuple(words[at + 1:])
    spelled = words[at].rsplit("/", 1)[-1]
    if program == "python" and len(args) >= 2 and args[0] == "-m":
        spelled = f"{spelled} -m {args[1]}"
        program, args = program_name(args[1]), args[2:]
    if program in SHELLS:
        _shell(program, args, command, sudo, depth, found, unreadable)
        return
    if program == "su":
        text = _option_value(args, ("-c", "--command"))
        if text is None:
            unreadable.append(Unreadable("`su` without -c starts a shell that reads its input", "script"))
        else:
            _text(text, command, True, depth, found, unreadable)
        return
    if program in SOURCING:
        target = args[0] if args else "its input"
        unreadable.append(Unreadable(f"it sources the script {target}", "script"))
        return
    found.append(_invocation(program, args, command, sudo, nested, at, spelled))
    if program.endswith((".sh", ".bash")):
        unreadable.append(Unreadable(f"it runs the script {words[at]}", "script"))
    elif "/" in words[at] and program not in NEVER_USE_INDEX and not _manager_program(program):
        unreadable.append(Unreadable(f"it runs {words[at]}, a program this pass cannot read", "program", words[at]))
    elif not known(program):
        unreadable.append(Unreadable(f"it runs `{program}`, a program whose use of package managers is unknown", "program", program))


def _shell(program: str, args: tuple[str, ...], command: shell.SimpleCommand | None, sudo: bool, depth: int, found: list[Invocation], unreadable: list[Unreadable]) -> None:
    if program == "busybox" and args and args[0] not in SHELLS:
        _unwrap(list(args), 0, command, sudo, depth, found, unreadable)
        return
    text = _option_value(args, ("-c",), cluster=True)
    if text is not None:
        _text(text, command, sudo, depth, found, unreadable)
        return
    files = [a for a in args if not a.startswith("-")]
    if files:
        unreadable.append(Unreadable(f"it runs the script {files[0]} with {program}", "script"))
    else:
        unreadable.append(Unreadable(f"`{program}` reads commands from its input", "stdin"))


def _text(text: str, command: shell.SimpleCommand | None, sudo: bool, depth: int, found: list[Invocation], unreadable: list[Unreadable]) -> None:
    if depth >= MAX_NESTING:
        unreadable.append(Unreadable(f"shell commands nested more than {MAX_NESTING} deep", "text"))
        return
    inner, blind = read(shell.parse(text), depth + 1)
    for invocation in inner:
        found.append(Invocation(invocation.program, invocation.args, command, sudo or invocation.sudo, True, 0, invocation.spelled))
    unreadable.extend(blind)


def _option_value(args: tuple[str, ...], names: tuple[str, ...], cluster: bool = False) -> str | None:
    """The word after ``-c`` (or a cluster ending in c, such as ``-lc``, when ``cluster``)."""
    for i, arg in enumerate(args):
        if arg in names or (cluster and arg.startswith("-") and not arg.startswith("--") and arg.endswith("c")):
            return args[i + 1] if i + 1 < len(args) else None
        if not arg.startswith("-"):
            return None
    return None


_MANAGER_PROGRAMS = frozenset(p for m in MANAGERS for p in m.programs) | frozenset(r for m in MANAGERS for r, _ in m.index_readers)


def _manager_program(program: str) -> bool:
    return program in _MANAGER_PROGRAMS


def known(program: str) -> bool:
    """Whether the tables know what ``program`` does with package indexes."""
    return program in NEVER_USE_INDEX or _manager_program(program) or program in WRAPPERS or program in SHELLS


def positionals(invocation: Invocation, manager: Manager) -> tuple[str, ...]:
    """The arguments that are not options (nor values of options) for ``manager``."""
    out = []
    skip = False
    for arg in invocation.args:
        if skip:
            skip = False
            continue
        if arg.startswith("-") and len(arg) > 1:
            if arg in manager.options_with_value:
                skip = True
            continue
        out.append(arg)
    return tuple(out)


def subcommand(invocation: Invocation, manager: Manager) -> str | None:
    """The subcommand when ``invocation`` runs ``manager`` (``install`` of ``apt-get -y install x``);
    "" when it runs the manager with none; None when it is another program."""
    if invocation.program not in manager.programs:
        return None
    words = positionals(invocation, manager)
    return words[0] if words else ""


def has_option(invocation: Invocation, options: frozenset[str] | tuple[str, ...]) -> bool:
    """Whether one of ``options`` is given (``--opt`` or ``--opt=value``; ``-C`` in ``-yC``)."""
    for arg in invocation.args:
        if arg == "--":
            return False
        name = arg.split("=", 1)[0]
        if name in options:
            return True
        if arg.startswith("-") and not arg.startswith("--"):
            if any(len(o) == 2 and o[0] == "-" and o[1] in arg[1:] for o in options):
                return True
    return False


#: How a step stands to a manager's index.
UPDATES = "updates"
NEEDS = "needs"
NONE = "none"


def index_use(invocation: Invocation, manager: Manager) -> str:
    """Whether ``invocation`` refreshes ``manager``'s index (UPDATES), reads the index a
    previous step left (NEEDS), or neither (NONE)."""
    sub = subcommand(invocation, manager)
    if sub is not None:
        if sub in manager.update:
            return UPDATES
        if sub in manager.index_users:
            if manager.fetches_missing_index:
                return NEEDS if has_option(invocation, manager.cache_only) else NONE
            if manager.self_updating and has_option(invocation, manager.self_updating):
                return NONE
            return NEEDS
        return NONE
    for reader, subcommands in manager.index_readers:
        if invocation.program == reader:
            if "*" in subcommands:
                return NEEDS
            words = [a for a in invocation.args if not a.startswith("-")]
            if words[:1] and words[0] in subcommands:
                return NEEDS
    return NONE


def pip_copy(invocation: Invocation) -> str:
    """Which installed pip an invocation runs, as far as its spelling tells: "pip" (the default
    one), "pip2", "pip3", "pip3.11"... (``python3 -m pip`` is "pip3", ``python -m pip`` "pip")."""
    spelled = invocation.spelled or invocation.program
    word = spelled.split(" -m ", 1)[0] if " -m " in spelled else spelled
    for prefix in ("python", "pypy", "pip"):
        if word.startswith(prefix):
            version = word[len(prefix):]
            return "pip" + version if all(ch.isdigit() or ch == "." for ch in version) else "pip"
    return "pip"
