"""The lossless tree of a Dockerfile.

Every node owns its exact source text and ``render()`` gives it back, so
``parse(text).render() == text`` byte for byte. Comment and blank lines above an instruction
belong to it (``Instruction.leading``) and move with it. Nodes are frozen: an edit builds new
nodes. Nodes store no line numbers; positions come from rendering (``Dockerfile.locate``).

Two levels, as in the grammar: the file level (physical lines, continuations, heredoc bodies)
is built by the parser; the instruction level (``Instruction.command``: command word, flags,
arguments) is read from the logical line the first time it is asked for.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, NamedTuple

from . import buildkit
from .buildkit import GO_SPACES, BuildKitCommand, BuildKitHeredoc, HeredocMarker

class cached_property:  # noqa: N801 - a drop-in for functools.cached_property
    """Computed once per node, then read from the instance; without the lock that
    functools.cached_property takes on every first access before Python 3.12."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


#: Line kinds, as the grammar's file-level terminals name them.
DIRECTIVE = "DIRECTIVE_LINE"
COMMENT = "COMMENT_LINE"
BLANK = "BLANK_LINE"
INSTRUCTION_LINE = "INSTRUCTION_LINE"
OPEN_LINE = "OPEN_LINE"
CONTINUATION_LINE = "CONTINUATION_LINE"
LAST_LINE = "LAST_LINE"
INNER_COMMENT = "INNER_COMMENT_LINE"
INNER_BLANK = "INNER_BLANK_LINE"

_CONTINUES = frozenset({OPEN_LINE, CONTINUATION_LINE})
_NOT_SPACE = re.compile("[^" + re.escape(GO_SPACES) + "]*")


def _word_end(text: str) -> int:
    """Where the first of GO_SPACES is in ``text`` (its length when there is none)."""
    match = _NOT_SPACE.match(text)
    return match.end() if match is not None else 0
_CONTENT = frozenset({INSTRUCTION_LINE, OPEN_LINE, CONTINUATION_LINE, LAST_LINE})


class Line(NamedTuple):
    """One physical line, its line ending included (none on a last line without one). A
    value: two lines with the same kind and text are equal."""

    #: The grammar terminal that matched it (DIRECTIVE_LINE, COMMENT_LINE, OPEN_LINE, ...).
    kind: str
    #: The exact text.
    text: str

    def render(self) -> str:
        return self.text

    @property
    def newline(self) -> str:
        """The line ending: ``\\n``, ``\\r\\n`` (or more ``\\r``), or ``""``."""
        body = self.text.rstrip("\r\n")
        return self.text[len(body):]

    @property
    def content(self) -> str:
        """The text without its line ending."""
        return self.text.rstrip("\r\n")


@dataclass(frozen=True, eq=False)
class Heredoc:
    """The body of one heredoc and the line that closes it."""

    #: What the instruction line wrote (``<<-"EOF"``) and what BuildKit made of it.
    marker: HeredocMarker
    #: The body lines, exactly (may be empty).
    body: str
    #: The delimiter line, its line ending included.
    end: str

    @property
    def name(self) -> str:
        return self.marker.name

    def render(self) -> str:
        return self.body + self.end


class Part(NamedTuple):
    """A piece of an instruction's logical line: the command word, a flag, an argument."""

    #: The grammar terminal: FROM, RUN, ..., UNKNOWN_COMMAND, FLAG, END_OF_FLAGS, WORD, TEXT,
    #: JSON_ARRAY, JSON_TRAILER, KV_WORD, HEALTH_TYPE.
    kind: str
    #: The text as BuildKit reads it (continuations removed).
    text: str
    #: Offsets into ``Instruction.text``; ``text`` is what lies between them once the line
    #: continuations inside are removed.
    start: int
    end: int
    #: Offset of ``text`` in the logical line (``Instruction.logical``).
    at: int = 0

    @property
    def flag(self) -> str:
        """For a FLAG: the flag as BuildKit's parser reports it (quotes removed, backslashes
        resolved; each byte a character, as Go builds it)."""
        return buildkit.flag_value(buildkit.byte_view(self.text))


@dataclass(frozen=True, eq=False)
class Command:
    """The instruction level: command word, flags, arguments (``command`` in the grammar)."""

    #: The grammar rule: from, run, cmd, ..., onbuild, unknown.
    name: str
    keyword: Part
    flags: tuple[Part, ...]
    #: A bare ``--`` that ended the flags.
    end_of_flags: Part | None
    #: How the arguments are written: "none", "exec", "shell", "words", "key_values", "text",
    #: or "command" (ONBUILD).
    form: str
    #: The argument parts: JSON_ARRAY (+ JSON_TRAILER) for "exec", one TEXT for "shell" and
    #: "text", WORDs, KV_WORDs.
    args: tuple[Part, ...]
    #: The arguments' logical text, trimmed (what BuildKit's line parser is given).
    args_text: str = ""
    #: HEALTHCHECK's type word (NONE, CMD).
    health_type: Part | None = None
    #: ONBUILD's instruction.
    subcommand: Command | None = None

    @property
    def is_exec_form(self) -> bool:
        return self.form == "exec"

    def flag(self, name: str) -> str | None:
        """The value of ``--name=value`` (the last one given), ``""`` for a bare ``--name``,
        None when absent."""
        found = None
        for part in self.flags:
            value = part.flag
            key, eq, rest = value[2:].partition("=")
            if key == name:
                found = buildkit.go_string(rest) if eq else ""
        return found


@dataclass(frozen=True, eq=False)
class LogicalLine:
    """An instruction's lines joined as BuildKit joins them, with a map back to the source."""

    #: The joined text (first line's leading spaces and the continuations removed).
    text: str
    #: (logical offset, offset in Instruction.text) where each joined piece starts.
    _starts: tuple[int, ...]
    _raw: tuple[int, ...]

    def source_offset(self, offset: int) -> int:
        """Offset in ``Instruction.text`` of the character at logical ``offset``."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._raw[i] + (offset - self._starts[i])

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in ``Instruction.text`` of the logical range [start, end)."""
        if end <= start:
            at = self.source_offset(start)
            return at, at
        return self.source_offset(start), self.source_offset(end - 1) + 1


@dataclass(frozen=True, eq=False)
class Instruction:
    """One instruction with its continuation lines, heredoc bodies and the comment and blank
    lines above it."""

    #: Comment and blank lines directly above (they move with the instruction).
    leading: tuple[Line, ...]
    #: The instruction's own lines: the first, the ones it continues into, and the comment
    #: and empty lines among them.
    lines: tuple[Line, ...]
    heredocs: tuple[Heredoc, ...] = ()
    #: The file's escape character (``\\`` or the backtick).
    escape: str = "\\"

    def render(self) -> str:
        return "".join(line.text for line in self.leading) + self.text

    @cached_property
    def text(self) -> str:
        """The instruction's source without the lines above it."""
        return "".join(line.text for line in self.lines) + "".join(h.render() for h in self.heredocs)

    @property
    def line_count(self) -> int:
        """Physical lines from the first line of the instruction to its last (heredocs too)."""
        return self.text.count("\n") + (0 if self.text.endswith("\n") else 1)

    @cached_property
    def logical(self) -> LogicalLine:
        lines = self.lines
        if len(lines) == 1 and lines[0].kind == INSTRUCTION_LINE:
            # One line (most instructions): what the loop below makes of it.
            content = lines[0].text.rstrip("\r\n")
            stripped = content.lstrip(GO_SPACES)
            return LogicalLine(stripped, (0,), (len(content) - len(stripped) if stripped else 0,))
        starts: list[int] = []
        raws: list[int] = []
        pieces: list[str] = []
        logical_at = 0
        raw_at = 0
        first = True
        for line in self.lines:
            text = line.text
            if line.kind in _CONTENT:
                content = text.rstrip("\r\n")
                lead = 0
                if first:
                    stripped = content.lstrip(GO_SPACES)
                    lead = len(content) - len(stripped)
                    content = stripped
                    first = False
                if line.kind in _CONTINUES:
                    content = content.rstrip(" \t")[:-1]
                if content:
                    starts.append(logical_at)
                    raws.append(raw_at + lead)
                    pieces.append(content)
                    logical_at += len(content)
            raw_at += len(text)
        if not starts:
            starts.append(0)
            raws.append(0)
        return LogicalLine("".join(pieces), tuple(starts), tuple(raws))

    @cached_property
    def command(self) -> Command | None:
        """The command word, flags and arguments; None when the instruction is empty (a lone
        continuation at the end of the file)."""
        from .parser import parse_command

        return parse_command(self)

    @cached_property
    def word(self) -> str:
        """The command word in lower case (``run``), read without parsing the instruction: the
        first word of the logical line, as BuildKit's line parser splits it; ``""`` when empty."""
        first = self.lines[0] if self.lines else None
        if first is not None and "logical" not in self.__dict__:
            # The logical line starts with the first line's text (without its leading spaces,
            # and without the escape character where it continues): when the word ends within
            # that line, the other lines need not be joined.
            if first.kind == INSTRUCTION_LINE and len(self.lines) == 1:
                piece = first.text.rstrip("\r\n").lstrip(GO_SPACES)
                return piece[:_word_end(piece)].lower()
            if first.kind == OPEN_LINE:
                piece = first.text.rstrip("\r\n").lstrip(GO_SPACES).rstrip(" \t")[:-1]
                end = _word_end(piece)
                if end < len(piece):
                    return piece[:end].lower()
        text = self.logical.text.lstrip(GO_SPACES)
        end = 0
        while end < len(text) and text[end] not in GO_SPACES:
            end += 1
        return text[:end].lower()

    @property
    def keyword(self) -> str:
        """The command word in upper case (``RUN``), ``""`` for an empty instruction."""
        command = self.command
        return command.keyword.text.upper() if command else ""

    def with_changes(self, **changes: object) -> Instruction:
        """A copy with some fields replaced (the tree is never edited in place)."""
        return replace(self, **changes)  # type: ignore[arg-type]


class Position(NamedTuple):
    """A place in the rendered text: 1-based line and column (characters), 0-based offset."""

    line: int
    column: int
    offset: int


class Span(NamedTuple):
    start: Position
    end: Position


@dataclass(frozen=True, eq=False)
class Dockerfile:
    """A whole Dockerfile: BOM, parser directives, instructions, trailing lines."""

    instructions: tuple[Instruction, ...]
    #: ``\\ufeff`` when the file starts with a byte order mark.
    bom: str = ""
    #: The ``# syntax=`` / ``# escape=`` lines at the top.
    directives: tuple[Line, ...] = ()
    #: Comment and blank lines after the last instruction.
    footer: tuple[Line, ...] = ()
    #: The escape character the directives chose.
    escape: str = "\\"
    _positions: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    def render(self) -> str:
        return self._text

    @cached_property
    def _text(self) -> str:
        # The parser fills this in with the text it read (tests check that the nodes give the
        # same text back); an edited tree joins its nodes' text.
        return "".join(self._chunks())

    def _chunks(self) -> Iterator[str]:
        yield self.bom
        for line in self.directives:
            yield line.text
        for instruction in self.instructions:
            yield instruction.render()
        for line in self.footer:
            yield line.text

    def with_changes(self, **changes: object) -> Dockerfile:
        return replace(self, _positions={}, **changes)  # type: ignore[arg-type]

    # --- positions ---------------------------------------------------------------------------

    @cached_property
    def _layout(self) -> tuple[str, list[int], dict[int, int]]:
        text = self.render()
        line_starts = [0]
        find = text.find
        at = find("\n")
        while at != -1:
            line_starts.append(at + 1)
            at = find("\n", at + 1)
        offsets: dict[int, int] = {}
        at = len(self.bom) + sum(len(line.text) for line in self.directives)
        for instruction in self.instructions:
            at += sum(len(line.text) for line in instruction.leading)
            offsets[id(instruction)] = at
            at += len(instruction.text)
        return text, line_starts, offsets

    def position(self, offset: int) -> Position:
        """The line and column of an offset in the rendered text."""
        _, line_starts, _ = self._layout
        line = bisect.bisect_right(line_starts, offset)
        return Position(line, offset - line_starts[line - 1] + 1, offset)

    def offset_of(self, instruction: Instruction) -> int:
        """Where ``instruction`` (without its leading lines) starts in the rendered text."""
        return self._layout[2][id(instruction)]

    def locate(self, instruction: Instruction, part: Part | None = None) -> Span:
        """The span of an instruction (its own lines and heredocs), or of one of its parts."""
        base = self.offset_of(instruction)
        if part is None:
            start, end = base, base + len(instruction.text.rstrip("\r\n"))
        else:
            start, end = base + part.start, base + part.end
        return Span(self.position(start), self.position(end))

    def start_line(self, instruction: Instruction) -> int:
        return self.position(self.offset_of(instruction)).line

    # --- BuildKit's view ---------------------------------------------------------------------

    def dump(self) -> str:
        """BuildKit's AST dump (``Node.Dump()``, as its parser tests print it): one
        instruction a line, flags, then the values, with ENV/LABEL separators."""
        return "\n".join(_dump(i.command, i.escape) for i in self.instructions)

    def as_buildkit(self) -> list[BuildKitCommand]:
        """Each instruction as BuildKit's parser reports it (the `dockerfile` package's
        ``Command`` records)."""
        records = []
        for instruction in self.instructions:
            start = self.start_line(instruction)
            records.append(buildkit_record(instruction, start, start + instruction.line_count - 1))
        return records


def buildkit_record(instruction: Instruction, start_line: int, end_line: int) -> BuildKitCommand:
    """One instruction as the `dockerfile` package reports it."""
    logical = instruction.logical.text
    command = instruction.command
    if command is None:  # an empty instruction: BuildKit's command word is ""
        return BuildKitCommand(None, None, False, logical or None, start_line, end_line, (), ("",), ())
    flags = tuple(part.flag for part in command.flags)
    sub_cmd = None
    target = command
    if command.name == "onbuild" and command.subcommand is not None:
        target = command.subcommand
        sub_cmd = target.keyword.text
    original = logical
    heredocs: tuple[BuildKitHeredoc, ...] = ()
    if instruction.heredocs and target is command:
        original += "\n" + "".join(h.body + h.name + "\n" for h in instruction.heredocs)
        heredocs = tuple(BuildKitHeredoc(h.name, h.marker.file_descriptor, h.body) for h in instruction.heredocs)
    return BuildKitCommand(
        command.keyword.text,
        sub_cmd,
        target.is_exec_form,
        original,
        start_line,
        end_line,
        flags,
        values(target, instruction.escape),
        heredocs,
    )


def values(command: Command, escape: str) -> tuple[str, ...]:
    """What BuildKit's parser makes of a command's arguments (its node's Next chain): ENV
    and LABEL as key, value, key, value...; the exec form's strings; words; the text."""
    name, args = command.name, command.args
    if name == "onbuild":
        # parseSubCommand returns a node whose only value is the empty string.
        return ("",) if command.subcommand is not None else ()
    if name == "unknown":
        return ("",)
    if name == "healthcheck":
        if command.health_type is None:
            return ()
        return (command.health_type.text,) + form_values(command, escape)
    if name in ("env", "label") and args:
        words = buildkit.parse_words([p.text for p in args], escape)
        if not words:
            return ()
        if "=" not in words[0]:
            key, _, value = _legacy_split(command)
            return (key, value)
        values: list[str] = []
        for word in words:
            key, _, value = word.partition("=")
            values += (key, value)
        return tuple(values)
    return form_values(command, escape)


def form_values(command: Command, escape: str) -> tuple[str, ...]:
    form, args = command.form, command.args
    if form == "exec":
        return buildkit.json_strings(buildkit.byte_view(args[0].text))
    if form in ("shell", "text"):
        return (args[0].text,)
    if form == "words":
        return tuple(p.text for p in args)
    if form == "key_values":
        return tuple(buildkit.parse_words([p.text for p in args], escape))
    return ()


def _legacy_split(command: Command) -> tuple[str, str, str]:
    """``ENV key value``: the key ends at the first ASCII whitespace, the value is the rest."""
    text = command.args_text
    for i, ch in enumerate(text):
        if ch in "\t\x0b\x0c\r ":
            j = i
            while j < len(text) and text[j] in "\t\x0b\x0c\r ":
                j += 1
            return text[:i], text[i:j], text[j:]
    return text, "", ""


def _dump(command: Command | None, escape: str) -> str:
    if command is None:
        return '("")'
    out = command.keyword.text.lower()
    if command.flags:
        out += " " + buildkit.go_quote_list([p.flag for p in command.flags])
    if command.name == "onbuild" and command.subcommand is not None:
        return f"({out} {_dump(command.subcommand, escape)})"
    found = values(command, escape)
    if command.name in ("env", "label") and found:
        words = buildkit.parse_words([p.text for p in command.args], escape)
        sep = "=" if "=" in words[0] else ""
        found = tuple(v for i in range(0, len(found), 2) for v in (found[i], found[i + 1], sep))
    for value in found:
        out += " " + buildkit.go_quote(value)
    return f"({out})"
