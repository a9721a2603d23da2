"""Text to tree: the Lark grammar, the line lexer that feeds it, and BuildKit's checks.

Parsing happens at two levels, as the grammar has two start symbols:

* ``dockerfile``: a stateful line lexer (parser directives, the escape character, line
  continuations, heredoc bodies) classifies every physical line with the grammar's line
  terminals, and Lark's LALR tables build the file-level tree from those tokens.
* ``command``: the logical line of one instruction, read with the scanners of Lark's contextual
  lexer and its LALR tables; done on demand (``Instruction.command``) and eagerly only where
  BuildKit may reject the instruction (ENV, LABEL, ONBUILD, JSON-looking arguments, heredocs).

The parser tables are built once and kept in a cache directory, so a new process starts
without rebuilding them. Both levels run them with ``larkcompat.Driver`` (Lark's own LALR loop,
without the per-call set-up that costs more than the parse on a line): it builds the tree
``Lark.parse`` builds, and leaves to ``Lark.parse`` any input the tables reject, to raise Lark's
error.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Generator, Iterator

from lark import Lark, Token, Transformer, Tree
from lark import __version__ as lark_version
from lark.exceptions import UnexpectedInput
from lark.lexer import Lexer

from . import __version__ as project_version
from . import buildkit, larkcompat
from .buildkit import GO_SPACES, HeredocMarker, ShellSyntaxError
from .cst import (
    BLANK,
    COMMENT,
    CONTINUATION_LINE,
    DIRECTIVE,
    INNER_BLANK,
    INNER_COMMENT,
    INSTRUCTION_LINE,
    LAST_LINE,
    OPEN_LINE,
    Command,
    Dockerfile,
    Heredoc,
    Instruction,
    Line,
    Part,
)
from .errors import ParseError
from .fastinit import maker

__all__ = ["parse", "parse_fragment", "parse_command", "grammar_text", "table_sources", "CommandSyntax"]

#: BuildKit's bufio.Scanner refuses lines longer than this many bytes (newline included).
MAX_LINE_BYTES = 64 * 1024
_ESCAPES = ("\\", "`")


# --- the grammar and its parsers -----------------------------------------------------------------

def _grammar_file(name: str) -> str:
    """A grammar file shipped in the package (codemod/grammar/), or, in a source checkout,
    the repository's grammar/ directory."""
    packaged = resources.files("codemod").joinpath("grammar").joinpath(name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parent.parent / "grammar" / name).read_text(encoding="utf-8")


@functools.cache
def grammar_text(escape: str = "\\") -> str:
    """The grammar for a file whose escape character is ``escape``."""
    text = _grammar_file("dockerfile.lark")
    if escape == "`":
        text += "\n" + _grammar_file("escape-backtick.lark")
    return text


def _cache_dir() -> Path:
    configured = os.environ.get("MSB_REFACTOR_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "msb-refactor"


#: A cache file is this line, the SHA-256 of the rest, then what ``Lark.save`` wrote: a torn or
#: damaged file is recognised before anything is unpickled.
_MAGIC = b"msb-refactor parser tables 1\n"
_DIGEST_SIZE = hashlib.sha256().digest_size

#: Cache files of one parser (same stem) unused for this long are removed when new tables of
#: that parser are written. Every other file is left alone: each version of the tool (grammar,
#: lark, Python, project version) writes its own file, and versions installed side by side
#: share the directory: removing the "other" files would make them delete each other's at every
#: start. "Unused" is the later of the last read (atime; relatime updates it daily) and the
#: write; where atime is not kept, a version in use loses its file at worst once a month and
#: rebuilds it once (tens of milliseconds). Writes happen only on a miss, so two versions cannot
#: keep deleting each other's files.
_UNUSED_FOR = 30 * 24 * 3600

_ESCAPE_NAMES = {"\\": "backslash", "`": "backtick"}

#: Where each parser's tables came from in this process, by stem (see table_sources()).
_SOURCES: dict[str, str] = {}


def table_sources() -> dict[str, str]:
    """Where the parser tables used so far in this process came from, by parser
    (``"dockerfile-backslash"``, ``"command-backtick"``, ...): ``"cache"`` or ``"built"``."""
    return dict(_SOURCES)


def _cache_key(grammar: str, start: str, options: dict[str, Any]) -> str:
    """What the tables depend on: the grammar, its start symbol and options (the lexer class by
    its qualified name), the versions of lark, Python and this project."""
    parts = [grammar, start, repr(sorted(options.items())), lark_version, sys.version, project_version]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


def _build(escape: str, start: str, **options: Any) -> Lark:
    """A Lark LALR parser for ``start``, loaded from the cache when it was built before."""
    transformer = options.pop("transformer", None)
    grammar = grammar_text(escape)
    stem = f"{start}-{_ESCAPE_NAMES[escape]}"
    path = _cache_dir() / f"{stem}-{_cache_key(grammar, start, options)}.lark"
    saved = _read_tables(path)
    parser = None if saved is None else larkcompat.load(saved, transformer=transformer)
    if parser is not None:
        _SOURCES[stem] = "cache"
        return parser
    parser = Lark(grammar, start=start, parser="lalr", transformer=transformer, **options)
    _SOURCES[stem] = "built"
    _store(parser, path, stem)
    return parser


def _read_tables(path: Path) -> object | None:
    """The tables saved at ``path``; None when the file is absent, unreadable or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + _DIGEST_SIZE
    if not data.startswith(_MAGIC) or hashlib.sha256(data[head:]).digest() != data[len(_MAGIC):head]:
        return None
    try:
        return pickle.loads(data[head:])
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # intact, but naming classes this code no longer has


def _store(parser: Lark, path: Path, stem: str) -> None:
    """Write the tables atomically (a reader sees the old file or the whole new one); an
    unwritable directory just means no cache."""
    buffer = io.BytesIO()
    parser.save(buffer, exclude_options=("transformer",))
    payload = buffer.getvalue()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{stem}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(temp, path)
        except OSError:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        return
    _prune(path, stem)


def _prune(kept: Path, stem: str) -> None:
    """Remove this parser's cache files (and torn temporary files) unused for _UNUSED_FOR."""
    now = time.time()
    for old in [*kept.parent.glob(f"{stem}-*.lark"), *kept.parent.glob(f".{stem}-*.tmp")]:
        try:
            status = old.stat()
            if old != kept and now - max(status.st_atime, status.st_mtime) > _UNUSED_FOR:
                old.unlink()
        except OSError:
            continue  # gone already, or not ours to remove


@functools.cache
def _file_parser(escape: str) -> Lark:
    lexer = BackslashLineLexer if escape == "\\" else BacktickLineLexer
    with larkcompat.without_collision_checks():
        parser = _build(escape, "dockerfile", lexer=lexer, transformer=_FileBuilder(escape))
    larkcompat.share_rules(parser)
    return parser


@functools.cache
def _command_parser(escape: str) -> Lark:
    with larkcompat.without_collision_checks():
        parser = _build(escape, "command", lexer="contextual")
    larkcompat.share_rules(parser)
    return parser


@functools.cache
def _file_driver(escape: str) -> tuple[larkcompat.Driver, LineLexer] | None:
    """The file-level tables driven by larkcompat.Driver, with the line lexer; None where
    Lark's layout is not the one the driver reads (then Lark.parse runs)."""
    parser = _file_parser(escape)
    lexer = getattr(parser.parser, "lexer", None)
    driver = larkcompat.driver(parser, "dockerfile")
    if driver is None or not isinstance(lexer, LineLexer):
        return None
    return driver, lexer


@functools.cache
def _command_driver(escape: str) -> larkcompat.Driver | None:
    return larkcompat.driver(_command_parser(escape), "command", contextual=True)


def _run_file_parser(source: _LexInput) -> Dockerfile:
    """The file-level tree: the LALR tables driven by larkcompat.Driver over the line lexer's
    tokens; Lark's own parser where the driver cannot run, or to raise Lark's error on input the
    tables reject. The line lexer's and the builder's own errors (_SourceError) pass through."""
    escape = source.header.escape
    fast = _file_driver(escape)
    if fast is not None:
        driver, lexer = fast
        try:
            return driver.parse_tokens(lexer.tokens(source))  # type: ignore[no-any-return]
        except larkcompat.Unparsed:
            pass
    return _file_parser(escape).parse(source)  # type: ignore[arg-type,return-value]


# --- errors --------------------------------------------------------------------------------------

class _SourceError(Exception):
    """A rejection found while parsing, at an offset of the whole text."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


class _InstructionError(Exception):
    """A rejection found in an instruction, at an offset of ``Instruction.text``."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def _error_at(text: str, offset: int, message: str) -> ParseError:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return ParseError(line, column, message)


# --- parser directives ---------------------------------------------------------------------------

# Go's `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on a line without its leading spaces.
_DIRECTIVE_PARTS = re.compile(r"#[\t\n\x0c\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\x0c\r ]*=[\t\n\x0c\r ]*(.+?)[\t\n\x0c\r ]*\Z", re.DOTALL)


@dataclass(frozen=True)
class _Header:
    """The parser directives at the top of a file."""

    bom: str
    lines: tuple[tuple[int, int], ...]
    end: int
    escape: str


def _scan_header(text: str, directive: re.Pattern[str]) -> _Header:
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    pos = len(bom)
    seen: set[str] = set()
    escape = "\\"
    lines = []
    while True:
        match = directive.match(text, pos)
        if match is None:
            break
        content = match.group().rstrip("\r\n").lstrip(GO_SPACES)
        parts = _DIRECTIVE_PARTS.match(content)
        if parts is None:  # the grammar's DIRECTIVE_LINE is the stricter of the two
            break
        name, value = parts.group(1).lower(), parts.group(2)
        if name in seen:
            raise _error_at(text, pos, f"only one {name} parser directive can be used")
        seen.add(name)
        if name == "escape":
            if value not in _ESCAPES:
                at = pos + len(match.group()) - len(match.group().lstrip(GO_SPACES)) + parts.start(2)
                raise _error_at(text, at, f"invalid escape token '{value}' does not match ` or \\")
            escape = value
        lines.append((pos, match.end()))
        pos = match.end()
    return _Header(bom, tuple(lines), pos, escape)


# --- the line lexer -------------------------------------------------------------------------------

class _LineToken(Token):
    """A file-level token; ``payload`` carries what the lexer already worked out (a heredoc's
    marker, an instruction's parsed command). Lines and columns are computed from
    ``start_pos`` when an error needs them, not stored on every token."""

    __slots__ = ("payload",)
    payload: object
    line = column = end_line = end_column = end_pos = None  # type: ignore[assignment]


_new_str = str.__new__


def _token(kind: str, value: str, pos: int, payload: object = None) -> _LineToken:
    token = _new_str(_LineToken, value)
    token.type = kind
    token.value = value
    token.start_pos = pos
    token.payload = payload
    return token


@dataclass
class _LexInput:
    text: str
    header: _Header


_HEREDOC_COMMANDS = frozenset({"run", "copy", "add"})


class LineLexer(Lexer):
    """Classifies physical lines with the grammar's file-level terminals.

    Its state is what a grammar cannot hold: the escape character (the parser directives are
    read first, by _scan_header, to choose the lexer), whether the previous line ended in a
    continuation, and which heredoc delimiters are still to come.
    """

    __future_interface__ = 2
    escape = "\\"

    def __init__(self, lexer_conf: Any) -> None:
        patterns = {t.name: t.pattern.to_regexp() for t in lexer_conf.terminals}

        def alternatives(*names: str) -> re.Pattern[str]:
            return re.compile("|".join(f"(?P<{name}>{patterns[name]})" for name in names))

        self._top = alternatives(COMMENT, BLANK, OPEN_LINE, INSTRUCTION_LINE).match
        self._inner = alternatives(INNER_COMMENT, INNER_BLANK, CONTINUATION_LINE, LAST_LINE).match

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Token]:
        return self.tokens(lexer_state.text)

    def tokens(self, source: _LexInput) -> Iterator[Token]:
        """The tokens of a whole input (the lexer reads no parser state)."""
        text = source.text
        header = source.header
        if header.bom:
            yield _token("BOM", header.bom, 0)
        for start, end in header.lines:
            yield _token(DIRECTIVE, text[start:end], start)
        pos = header.end
        size = len(text)
        top, inner = self._top, self._inner
        while pos < size:
            match = top(text, pos)
            assert match is not None
            kind: str = match.lastgroup  # type: ignore[assignment]  # every alternative is a named group
            end = match.end()
            if end - pos > MAX_LINE_BYTES // 4:
                _check_length(text, pos, end)
            if kind == COMMENT or kind == BLANK:
                yield _token(kind, text[pos:end], pos)
                pos = end
                continue
            first = _token(kind, text[pos:end], pos)
            start = pos
            pos = end
            lines = [first]
            if kind == OPEN_LINE:
                while pos < size:
                    match = inner(text, pos)
                    assert match is not None
                    kind = match.lastgroup  # type: ignore[assignment]  # every alternative is a named group
                    end = match.end()
                    if end - pos > MAX_LINE_BYTES // 4:
                        _check_length(text, pos, end)
                    lines.append(_token(kind, text[pos:end], pos))
                    pos = end
                    if kind == LAST_LINE:
                        break
            markers: list[HeredocMarker] = []
            if "<<" in text[start:pos]:
                instruction = Instruction((), tuple(Line(t.type, t.value) for t in lines), (), self.escape)
                try:
                    markers = _heredoc_markers(instruction)
                except _InstructionError as error:
                    raise _SourceError(start + error.offset, error.message) from None
                first.payload = instruction.__dict__.get("command")
            yield from lines
            for marker in markers:
                pos = yield from _heredoc_tokens(text, pos, marker, start)


class BackslashLineLexer(LineLexer):
    escape = "\\"


class BacktickLineLexer(LineLexer):
    escape = "`"


def _check_length(text: str, start: int, end: int) -> None:
    """BuildKit's line scanner holds 64 KiB: a line and its newline must fit (a last line
    without a newline needs one byte more to find the end of the file)."""
    size = len(text[start:end].encode("utf-8", "surrogateescape"))
    if size > MAX_LINE_BYTES or (size == MAX_LINE_BYTES and not text.endswith("\n", start, end)):
        raise _SourceError(start, f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES - 1}")


def _heredoc_markers(instruction: Instruction) -> list[HeredocMarker]:
    """The heredocs BuildKit reads after this instruction (RUN, COPY, ADD, or ONBUILD of one,
    in the shell form)."""
    command = instruction.command
    if command is None:
        return []
    target = command.subcommand if command.name == "onbuild" else command
    if target is None or target.name not in _HEREDOC_COMMANDS or target.is_exec_form:
        return []
    try:
        return buildkit.heredoc_markers(instruction.logical.text)
    except ShellSyntaxError as error:
        raise _InstructionError(0, str(error)) from None


def _heredoc_tokens(text: str, pos: int, marker: HeredocMarker, start: int) -> Generator[Token, None, int]:
    """The body and the delimiter line of one heredoc; returns the offset after them."""
    body_start = pos
    size = len(text)
    name = marker.name
    while pos < size:
        newline = text.find("\n", pos)
        end = size if newline == -1 else newline + 1
        if end - pos > MAX_LINE_BYTES // 4:
            _check_length(text, pos, end)
        candidate = text[pos:end].rstrip("\r\n")
        if marker.chomp:
            candidate = candidate.lstrip("\t")
        if candidate == name:
            if pos > body_start:
                yield _token("HEREDOC_BODY", text[body_start:pos], body_start)
            yield _token("HEREDOC_END", text[pos:end], pos, marker)
            return end
        pos = end
    at = text.find(marker.word, start)
    raise _SourceError(at if at != -1 else start, f"unterminated heredoc {marker.word}: no line '{name}' ends it")


# --- the file-level tree -----------------------------------------------------------------------

_new_tuple = tuple.__new__


def _line(kind: str, text: str) -> Line:
    """``Line(kind, text)`` (a named tuple) without the Python frame of its ``__new__``."""
    return _new_tuple(Line, (kind, text))  # type: ignore[no-any-return]


#: ``Instruction((), lines, heredocs, escape)`` without the frozen dataclass's __init__.
_instruction = maker(Instruction, leading=())


class _FileBuilder(Transformer):
    """Lark callbacks (run inside the LALR parser) that build the lossless tree."""

    def __init__(self, escape: str) -> None:
        super().__init__()
        self.escape = escape

    def heredoc(self, children: list[Token]) -> Heredoc:
        end = children[-1]
        body = children[0].value if len(children) == 2 else ""
        return Heredoc(end.payload, body, end.value)  # type: ignore[attr-defined]

    @staticmethod
    def _append(children: list[Any]) -> list[Any]:
        """A left-recursive repetition: one list, grown in place."""
        if len(children) == 1:
            return children
        items = children[0]
        items.append(children[1])
        return items

    directives = body = continued = heredocs = _append

    def instruction(self, children: list[Any]) -> Instruction | _SourceError:
        first = children[0]
        lines = [_line(first.type, first.value)]
        heredocs: tuple[Heredoc, ...] = ()
        for child in children[1:]:
            if type(child) is list:
                if type(child[0]) is Heredoc:
                    heredocs = tuple(child)
                else:
                    lines.extend(_line(token.type, token.value) for token in child)
            else:
                lines.append(_line(child.type, child.value))
        instruction = _instruction(tuple(lines), heredocs, self.escape)
        if first.payload is not None:
            instruction.__dict__["command"] = first.payload
        try:
            _validate(instruction)
        except _InstructionError as error:
            raise _SourceError(first.start_pos + error.offset, error.message) from None
        return instruction

    def dockerfile(self, children: list[Any]) -> Dockerfile:
        bom = ""
        directives: tuple[Line, ...] = ()
        items: list[Any] = []
        for child in children:
            if type(child) is list:
                if isinstance(child[0], Token) and child[0].type == DIRECTIVE:
                    directives = tuple(Line(DIRECTIVE, token.value) for token in child)
                else:
                    items = child
            else:
                bom = child.value
        instructions: list[Instruction] = []
        pending: list[Line] = []
        for item in items:
            if type(item) is Instruction:
                if pending:
                    # Still under construction: no one else holds this node yet.
                    object.__setattr__(item, "leading", tuple(pending))
                    pending = []
                instructions.append(item)
            else:
                pending.append(_line(item.type, item.value))
        if not instructions:
            # BuildKit names the last line it read: point at its start.
            lines = [*directives, *pending]
            last = sum(len(line.text) for line in lines[:-1]) + len(bom)
            raise _SourceError(last, "file with no instructions")
        return Dockerfile(tuple(instructions), bom, directives, tuple(pending), self.escape)


def parse_fragment(text: str, escape: str = "\\") -> Dockerfile:
    """Parse whole lines of instructions with a given escape character and no directives (for
    passes that write new instructions into a file)."""
    try:
        return _run_file_parser(_LexInput(text, _Header("", (), 0, escape)))
    except _SourceError as error:
        raise _error_at(text, error.offset, error.message) from None


def parse(text: str) -> Dockerfile:
    """Parse a whole Dockerfile; raises ParseError where BuildKit would reject it."""
    header = _scan_header(text, _directive_pattern())
    try:
        tree = _run_file_parser(_LexInput(text, header))
    except _SourceError as error:
        raise _error_at(text, error.offset, error.message) from None
    tree.__dict__["_text"] = text
    return tree


@functools.cache
def _directive_pattern() -> re.Pattern[str]:
    return re.compile(_file_parser("\\").get_terminal(DIRECTIVE).pattern.to_regexp())


# --- the instruction level --------------------------------------------------------------------

_JSON_KINDS = frozenset({"run", "cmd", "entrypoint", "shell", "copy", "add", "volume", "healthcheck"})
_ASCII_SPACE = "\t\x0b\x0c\r "


# The start of an instruction's first line: spaces, the command word, what follows it.
_HEAD = re.compile(r"[\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([A-Za-z]*)(.?)")
_MAY_FAIL = frozenset({"env", "label", "onbuild"})


def _validate(instruction: Instruction) -> None:
    """Parse the instruction now if BuildKit might reject it, so that parse() reports it.

    BuildKit's line parsers reject: ENV/LABEL without a value or with a word lacking `=`,
    a JSON array with an element that is not a string, and so ONBUILD of those. Instructions
    that cannot be any of these are left to be read when asked for.
    """
    first = instruction.lines[0]
    match = _HEAD.match(first.text)
    assert match is not None
    word, following = match.groups()
    if not following or following not in _ASCII_SPACE:
        # No arguments, or a longer (unknown) command word; unless a continuation may join
        # the word to the next line.
        if first.kind == OPEN_LINE:
            _ = instruction.command
        return
    keyword = word.lower()
    if keyword in _JSON_KINDS:
        if not any("[" in line.text for line in instruction.lines):
            return
        args = instruction.logical.text.strip(GO_SPACES)[len(keyword):].lstrip(GO_SPACES)
        view = _after_flags(buildkit.byte_view(args)) if args.startswith("--") else buildkit.byte_view(args)
        if view is None or keyword == "healthcheck":
            _ = instruction.command
        elif view.startswith("[") and not _json_array(instruction.escape).match(view):
            try:
                buildkit.json_array_check(view)
            except buildkit.NotStringArray:
                _ = instruction.command  # reports the error with its position
    elif keyword in _MAY_FAIL:
        if keyword == "onbuild":
            _ = instruction.command
            return
        args = instruction.logical.text.strip(GO_SPACES)[len(keyword):].strip(GO_SPACES)
        if args and not _plain_key_values(args, instruction.escape):
            _ = instruction.command


@functools.lru_cache(maxsize=1024)
def _plain_key_values(args: str, escape: str) -> bool:
    """ENV/LABEL arguments that BuildKit surely accepts, checked with the grammar's KV_WORD
    terminal alone (no flags; every word has `=`, or the legacy `KEY value`)."""
    if args.startswith("--"):
        return False
    view = buildkit.byte_view(args)
    words = buildkit.parse_words(_kv_word(escape).findall(view), escape)
    if not words:
        return True
    if "=" in words[0]:
        return all("=" in word for word in words)
    return any(ch in _ASCII_SPACE for ch in view)


@functools.cache
def _kv_word(escape: str) -> re.Pattern[str]:
    return re.compile(_command_parser(escape).get_terminal("KV_WORD").pattern.to_regexp())


def _after_flags(view: str) -> str | None:
    """The arguments after the flags, read with the grammar's FLAG terminal; None when the
    flags are anything but plain (let the grammar read those)."""
    flag, space = _flag_patterns()
    pos = 0
    while view.startswith("--", pos):
        match = flag.match(view, pos)
        if match is None or buildkit.flag_value(match.group()) == "--":
            return None
        pos = match.end()
        gap = space.match(view, pos)
        if gap is None:
            return ""
        pos = gap.end()
    return view[pos:]


@functools.cache
def _flag_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    parser = _command_parser("\\")
    return (
        re.compile(parser.get_terminal("FLAG").pattern.to_regexp()),
        re.compile("[\t\n\x0b\x0c\r \x85\xa0]+"),
    )


@functools.cache
def _json_array(escape: str) -> re.Pattern[str]:
    return re.compile(_command_parser(escape).get_terminal("JSON_ARRAY").pattern.to_regexp())


class CommandSyntax:
    """Turns the grammar's ``command`` tree into a Command with offsets into the source."""

    def __init__(self, instruction: Instruction, view: str, view_start: int) -> None:
        self.logical = instruction.logical
        self.view = view
        #: Logical offset where the view starts (the leading spaces BuildKit trims).
        self.view_start = view_start
        self.escape = instruction.escape
        self._char_at: list[int] | None = None
        if not view.isascii():
            starts = []
            for index, ch in enumerate(buildkit.from_byte_view(view)):
                starts.extend([index] * len(ch.encode("utf-8", "surrogateescape")))
            starts.append(len(starts) and starts[-1] + 1)
            self._char_at = starts

    def _chars(self, start: int, end: int) -> tuple[int, int]:
        if self._char_at is None:
            return start, end
        at = self._char_at
        if end <= start:
            return at[start], at[start]
        return at[start], at[end - 1] + 1

    def part(self, token: Token) -> Part:
        assert token.start_pos is not None and token.end_pos is not None
        start, end = self._chars(token.start_pos, token.end_pos)
        raw_start, raw_end = self.logical.source_span(self.view_start + start, self.view_start + end)
        return Part(token.type, buildkit.from_byte_view(token.value), raw_start, raw_end, self.view_start + start)

    def command(self, tree: Tree) -> Command:
        kind: Tree = tree.children[0]  # type: ignore[assignment]
        name = str(kind.data)
        children = kind.children
        keyword = self.part(children[0])  # type: ignore[arg-type]
        flags: list[Part] = []
        end_of_flags = None
        form = "none"
        args: tuple[Part, ...] = ()
        args_at: int | None = None
        health_type = None
        subcommand = None
        for child in children[1:]:
            if isinstance(child, Token):
                if child.type == "END_OF_FLAGS":
                    end_of_flags = self.part(child)
                continue
            data = child.data
            if data == "flag":
                part = self.part(child.children[0])  # type: ignore[arg-type]
                if buildkit.flag_value(child.children[0].value) == "--":  # type: ignore[union-attr]
                    # `--"` or `--\` ending the line: BuildKit reads "--", the end of the flags.
                    end_of_flags = part
                else:
                    flags.append(part)
                continue
            args_at = _first_token(child).start_pos
            if data == "command":
                form = "command"
                subcommand = self.command(child)
            elif data == "health":
                tokens = child.children
                health_type = self.part(tokens[0])  # type: ignore[arg-type]
                if len(tokens) > 2:
                    form, args = self._args(tokens[2])  # type: ignore[arg-type]
            else:
                form, args = self._args(child)
        args_text = "" if args_at is None else buildkit.from_byte_view(self.view[args_at:])
        return Command(name, keyword, tuple(flags), end_of_flags, form, args, args_text, health_type, subcommand)

    def _args(self, tree: Tree) -> tuple[str, tuple[Part, ...]]:
        data = str(tree.data)
        parts = tuple(self.part(t) for t in tree.children if isinstance(t, Token) and not t.type.endswith("_SPACE"))
        form = {"exec_form": "exec", "shell_form": "shell", "text": "text", "words": "words", "key_values": "key_values"}[data]
        return form, parts


def _first_token(tree: Tree) -> Token:
    node: Any = tree
    while isinstance(node, Tree):
        node = node.children[0]
    return node


def parse_command(instruction: Instruction) -> Command | None:
    """Read an instruction's logical line with the grammar's ``command`` start symbol.

    Raises _InstructionError where BuildKit rejects the instruction (parse() turns it into a
    ParseError with the line and column). The same lines with the same escape character make
    the same (immutable) Command, so it is kept for instructions written alike: the passes read
    every instruction again after each change they make to a file.
    """
    key = ("".join([line.text for line in instruction.lines]), instruction.escape)
    try:
        return _COMMANDS[key]
    except KeyError:
        pass
    command = _parse_command(instruction)
    if len(_COMMANDS) >= _COMMANDS_KEPT:
        _COMMANDS.clear()
    _COMMANDS[key] = command
    return command


_COMMANDS: dict[tuple[str, str], Command | None] = {}
_COMMANDS_KEPT = 1024


def clear_caches() -> None:
    """Forget the commands (and shell text) read so far, for measurements that must start cold."""
    from . import shell

    _COMMANDS.clear()
    shell.parse.cache_clear()


def _parse_command(instruction: Instruction) -> Command | None:
    text = instruction.logical.text
    trimmed = text.strip(GO_SPACES)
    if not trimmed:
        return None
    lead = len(text) - len(text.lstrip(GO_SPACES))
    view = buildkit.byte_view(trimmed)
    try:
        tree = _read_command(view, instruction.escape)
    except UnexpectedInput as error:  # pragma: no cover - the grammar accepts every line
        raise _InstructionError(0, f"cannot read this instruction ({error.__class__.__name__}); please report it") from None
    syntax = CommandSyntax(instruction, view, lead)
    command = syntax.command(tree)
    _check(command, syntax)
    return command


class _CommandToken(Token):
    """An instruction-level token: type, text and offsets in the view, which is all that
    CommandSyntax reads (no line and column: the view is one logical line)."""

    __slots__ = ()
    line = column = end_line = end_column = None  # type: ignore[assignment]


def _command_token(kind: str, value: str, start: int, end: int) -> Token:
    token = _new_str(_CommandToken, value)
    token.type = kind
    token.value = value
    token.start_pos = start
    token.end_pos = end
    return token


def _read_command(view: str, escape: str) -> Tree:
    """The ``command`` tree of a logical line: the LALR tables and the contextual lexer's
    scanners driven by larkcompat.Driver; Lark's own parser where the driver cannot run, or to
    raise Lark's error on a line the tables reject."""
    driver = _command_driver(escape)
    if driver is not None:
        try:
            return driver.parse_text(view, _command_token)  # type: ignore[no-any-return]
        except larkcompat.Unparsed:
            pass
    return _command_parser(escape).parse(view)


def _check(command: Command, syntax: CommandSyntax) -> None:
    """BuildKit's line parsers' errors."""
    name = command.name
    if name == "onbuild" and command.subcommand is not None:
        _check(command.subcommand, syntax)
        return
    if name in ("env", "label") and command.args:
        label = name.upper()
        words = buildkit.parse_words([p.text for p in command.args], syntax.escape)
        if not words:
            return
        if "=" not in words[0]:
            if not any(ch in "\t\x0b\x0c\r " for ch in command.args_text):
                raise _InstructionError(command.args[0].start, f"{label} must have two arguments")
            return
        for part, word in zip(command.args, words):
            if "=" not in word:
                raise _InstructionError(
                    part.start,
                    f"Syntax error - can't find = in {buildkit.go_quote(word)}. Must be of the form: name=value",
                )
        return
    if name in _JSON_KINDS and command.form in ("shell", "words") and command.args:
        first = command.args[0]
        if first.text.startswith("[") or first.text.lstrip(GO_SPACES).startswith("["):
            try:
                buildkit.json_array_check(buildkit.byte_view(command.args_text if command.form == "words" else first.text))
            except buildkit.NotStringArray as error:
                raise _InstructionError(first.start, str(error)) from None
