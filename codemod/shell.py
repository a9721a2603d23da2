"""Just enough of the POSIX shell to reason about RUN bodies.

A RUN in the shell form is a command line for ``/bin/sh -c``. This module splits it into simple
commands (at ``&&``, ``||``, ``;``, ``|``, ``&``, newlines), with their words and where they are
in the text, and says which commands change the shell's state (``cd``, ``export``, ``set``, a
bare ``VAR=value`` ...), which are nested in subshells or command substitutions (and so cannot
leak state), and what it could not follow (comments, shell heredocs, unbalanced quotes).

Why not a full shell parser such as bashlex: on the 6,870 shell-form RUN bodies of the shared
corpus bashlex raised on 209 (3%: ``case`` patterns, nested quotes in ``$(...)``, heredocs) and
took 0.5 ms per body. The passes need command names, arguments, operators and exact offsets, and
must decline, not guess, when the text is beyond them; a lexer that knows its limits serves that.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .fastinit import maker

#: Words that open or continue compound commands when they stand where a command name would.
RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "in", "{", "}", "!", "[[", "]]", "function", "select", "time"})
#: Built-ins whose effect outlives the command: later commands in the same shell see it.
STATE_CHANGING = frozenset({
    "cd", "pushd", "popd", "export", "set", "source", ".", "umask", "shopt", "alias", "unalias",
    "trap", "ulimit", "exec", "unset", "readonly", "declare", "typeset", "local", "eval", "hash",
    "enable", "builtin", "exit", "return", "shift", "getopts", "read", "wait", "disown", "bind",
    "let", "mapfile", "readarray",
    # Not commands, but they leave definitions behind: a function, a loop variable.
    "function", "for", "select",
})
_OPERATORS = ("&&", "||", ";;", ";&", "|&", "&>", ">>", "<<-", "<<", "<>", ">|", ">&", "<&", ";", "|", "&", "(", ")", ">", "<")
#: The operators by their first character, longest first (as in _OPERATORS).
_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _op in _OPERATORS:
    _BY_FIRST[_op[0]] = _BY_FIRST.get(_op[0], ()) + (_op,)
#: A run of characters with no special meaning inside a word.
_PLAIN = re.compile(r"[^ \t\n;&|()<>\\'\"`$]+")
#: The same with ``$`` not opening ``$(`` or ``${``: a word made only of these is its own value
#: (written as runs of plain characters between lone ``$``: one alternation per character is
#: twice as slow). It may match nothing.
_SIMPLE = re.compile(r"[^ \t\n;&|()<>\\'\"`$]*(?:\$(?![({])[^ \t\n;&|()<>\\'\"`$]*)*")
#: The characters that end a word.
_WORD_END = frozenset(" \t\n;&|()<>")
_REDIRECTIONS = frozenset({">>", "<<-", "<<", "<>", ">|", ">&", "<&", ">", "<", "&>"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "\n", ";;", ";&", "|&"})
_BLANKS = " \t"
#: Command substitutions nested deeper than this are not followed (the script is then
#: reported as beyond this reader, and the passes decline).
MAX_DEPTH = 32


@dataclass(frozen=True)
class Word:
    """A shell word: ``text`` as written, ``value`` with quotes and backslashes removed (an
    approximation: expansions are left as written)."""

    text: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class SimpleCommand:
    """``[VAR=value ...] name arg ...`` with its redirections set aside."""

    assignments: tuple[Word, ...]
    words: tuple[Word, ...]
    start: int
    end: int
    #: 0 at the top level of the script; more inside ``( )``, ``$( )`` and backquotes.
    depth: int
    #: Inside if/for/while/case/{ } (whose effects still reach later commands at depth 0).
    in_compound: bool
    #: The operator after the command ("&&", "||", ";", "|", "&", "\n") or "" at the end.
    operator: str = ""
    #: Its redirections: the operator and the target word (``> /etc/apt/apt.conf.d/x``).
    redirects: tuple[tuple[str, Word], ...] = ()

    @property
    def name(self) -> str | None:
        return self.words[0].value if self.words else None

    @property
    def args(self) -> tuple[str, ...]:
        return tuple(w.value for w in self.words[1:])

    @property
    def changes_state(self) -> bool:
        """Whether later commands in the same shell would notice this one."""
        if not self.words:
            return bool(self.assignments)  # VAR=value alone sets a shell variable
        return self.words[0].value in STATE_CHANGING


#: ``Word(...)`` and ``SimpleCommand(...)`` without the frozen dataclasses' __init__: a script has
#: many of them.
_word = maker(Word)
_simple_command = maker(SimpleCommand)


@dataclass
class Script:
    """A shell command line split into simple commands."""

    text: str
    commands: list[SimpleCommand] = field(default_factory=list)
    #: (start, end) of comments (``# ...`` at the start of a word runs to the end of the line).
    comments: list[tuple[int, int]] = field(default_factory=list)
    #: Top-level operators in order, with their offsets.
    operators: list[tuple[str, int]] = field(default_factory=list)
    #: Shell heredocs (``<<EOF``) in the text itself.
    heredocs: bool = False
    #: Something this lexer does not follow (an unterminated quote or substitution).
    unknown: str = ""

    @property
    def top_level(self) -> list[SimpleCommand]:
        return [c for c in self.commands if c.depth == 0]

    def state_changes(self) -> list[SimpleCommand]:
        """Commands whose effect outlives them in this shell (not those in subshells)."""
        return [c for c in self.commands if c.depth == 0 and c.changes_state]

    @property
    def backgrounds(self) -> bool:
        return any(op == "&" for op, _ in self.operators)

    def find(self, name: str, *args: str) -> list[SimpleCommand]:
        """Commands called ``name`` whose arguments include all of ``args`` (in any order)."""
        return [c for c in self.commands if c.name == name and all(a in c.args for a in args)]


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> Script:
    """Split ``text`` (one shell command line, newlines allowed) into simple commands.

    The same text gives the same (shared, never modified) Script: passes ask again for every
    RUN of every tree they see, and most RUNs are the same from one tree to the next."""
    return _Lexer(text).run()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.script = Script(text)
        self.words: list[Word] = []
        self.assignments: list[Word] = []
        self.command_start = -1
        self.depth = 0
        self.compound = 0
        self.expect_redirect_target = False
        self.redirect = ""
        self.redirects: list[tuple[str, Word]] = []
        self.expect_command = True
        #: Inside the header of for/select/case (the loop variable and word list).
        self.header = False

    def run(self) -> Script:
        text = self.text
        size = len(text)
        while self.pos < size:
            ch = text[self.pos]
            if ch in _BLANKS:
                self.pos += 1
                continue
            if ch == "\\" and text.startswith("\\\n", self.pos):
                self.pos += 2
                continue
            if ch == "#":
                end = text.find("\n", self.pos)
                end = size if end == -1 else end
                self.script.comments.append((self.pos, end))
                self.pos = end
                continue
            operator = self._operator()
            if operator:
                self._on_operator(operator)
                continue
            self._word()
        self._finish("")
        if self.depth == 0:
            self.script.commands.sort(key=lambda c: c.start)
        return self.script

    # --- operators ---------------------------------------------------------------------------

    def _operator(self) -> str:
        text, pos = self.text, self.pos
        ch = text[pos]
        if ch == "\n":
            return "\n"
        for op in _BY_FIRST.get(ch, ()):
            if text.startswith(op, pos):
                # A redirection's file descriptor is part of the operator: 2>&1, 1>/dev/null.
                return op
        return ""

    def _on_operator(self, op: str) -> None:
        at = self.pos
        self.pos += len(op)
        if op in _REDIRECTIONS:
            if op in ("<<", "<<-"):
                self.script.heredocs = True
            if op in (">&", "<&") and self._digits_or_dash():
                return
            self.expect_redirect_target = True
            self.redirect = op
            return
        if op == "(":
            rest = self.text[self.pos:].lstrip(_BLANKS)
            if len(self.words) == 1 and not self.assignments and rest.startswith(")"):
                # name() { ...; }: a function definition, which later commands can call.
                word = self.words[0]
                self.words = [Word(word.text, "function", word.start, word.end)]
                self.pos += len(self.text[self.pos:]) - len(rest) + 1
                self._finish(";")
                return
            self._finish("")
            self.depth += 1
            self.expect_command = True
            return
        if op == ")":
            self._finish("")
            self.depth = max(0, self.depth - 1)
            return
        if self.depth == 0:
            self.script.operators.append((op, at))
        self._finish(op)

    def _digits_or_dash(self) -> bool:
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isdigit() or self.text[self.pos] == "-"):
            self.pos += 1
        return self.pos > start

    # --- words --------------------------------------------------------------------------------

    def _word(self) -> None:
        text = self.text
        start = self.pos
        value: list[str] = []
        size = len(text)
        simple = _SIMPLE.match(text, start)
        if simple is not None and simple.end() > start:
            # Most words have no quote, backslash or substitution: the loop below would read
            # them as plain runs and lone ``$``, each its own value. One match reads them whole;
            # the loop goes on from where the match stops, unless the word ends there (and is
            # not the file descriptor of a redirection).
            end = simple.end()
            if end == size or (text[end] in _WORD_END and not (text[end] in "<>" and text[start:end].isdigit())):
                self.pos = end
                word = text[start:end]
                self._add_word(_word(word, word, start, end))
                return
            value.append(text[start:end])
            self.pos = end
        while self.pos < size:
            ch = text[self.pos]
            if ch in _BLANKS or ch == "\n" or ch in ";&|()<>":
                # A digit right before a redirection is its file descriptor (2>/dev/null).
                if ch in "<>" and self.pos > start and text[start:self.pos].isdigit():
                    self.pos = start + len(text[start:self.pos])
                    self._on_operator(self._operator() or ch)
                    return
                break
            if ch == "\\":
                if self.pos + 1 < size:
                    value.append(text[self.pos + 1])
                self.pos += 2
            elif ch == "'":
                end = text.find("'", self.pos + 1)
                if end == -1:
                    self.script.unknown = self.script.unknown or "an unterminated single quote"
                    end = size - 1
                value.append(text[self.pos + 1:end])
                self.pos = end + 1
            elif ch == '"':
                self.pos += 1
                value.append(self._double_quoted())
            elif ch == "`":
                inner_start = self.pos + 1
                end = self._skip_backquote()
                self._nested(inner_start, end - 1)
                value.append(text[inner_start - 1:end])
            elif ch == "$" and text.startswith("$(", self.pos):
                inner_start = self.pos + 2
                end = self._skip_parens(self.pos + 1)
                if not text.startswith("$((", self.pos):
                    self._nested(inner_start, end - 1)
                value.append(text[self.pos:end])
                self.pos = end
            elif ch == "$" and text.startswith("${", self.pos):
                end = self._skip_braces(self.pos + 1)
                value.append(text[self.pos:end])
                self.pos = end
            else:
                plain = _PLAIN.match(text, self.pos)
                end = plain.end() if plain is not None else self.pos + 1
                value.append(text[self.pos:end])
                self.pos = end
        self._add_word(_word(text[start:self.pos], "".join(value), start, self.pos))

    def _double_quoted(self) -> str:
        text = self.text
        out: list[str] = []
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == '"':
                self.pos += 1
                return "".join(out)
            if ch == "\\" and self.pos + 1 < len(text):
                following = text[self.pos + 1]
                out.append(following if following in '$`"\\\n' else ch + following)
                self.pos += 2
            elif ch == "$" and text.startswith("$(", self.pos):
                end = self._skip_parens(self.pos + 1)
                if not text.startswith("$((", self.pos):
                    self._nested(self.pos + 2, end - 1)
                out.append(text[self.pos:end])
                self.pos = end
            elif ch == "`":
                inner_start = self.pos + 1
                end = self._skip_backquote()
                self._nested(inner_start, end - 1)
                out.append(text[inner_start - 1:end])
            else:
                out.append(ch)
                self.pos += 1
        self.script.unknown = self.script.unknown or "an unterminated double quote"
        return "".join(out)

    def _skip_backquote(self) -> int:
        text = self.text
        pos = self.pos + 1
        while pos < len(text):
            if text[pos] == "\\":
                pos += 2
                continue
            if text[pos] == "`":
                self.pos = pos + 1
                return self.pos
            pos += 1
        self.script.unknown = self.script.unknown or "an unterminated backquote"
        self.pos = len(text)
        return self.pos

    def _skip_parens(self, at: int) -> int:
        """From the ``(`` at ``at``, the offset after its match."""
        return self._skip_balanced(at, "(", ")", "an unterminated $(")

    def _skip_braces(self, at: int) -> int:
        """From the ``{`` of ``${`` at ``at``, the offset after its match."""
        return self._skip_balanced(at, "{", "}", "an unterminated ${")

    def _skip_balanced(self, at: int, opening: str, closing: str, unterminated: str) -> int:
        """The offset after the bracket that closes the one at ``at`` (quotes and backslashes
        hide brackets)."""
        text = self.text
        depth = 0
        pos = at
        while pos < len(text):
            ch = text[pos]
            if ch == "\\":
                pos += 2
                continue
            if ch == "'":
                end = text.find("'", pos + 1)
                pos = len(text) if end == -1 else end + 1
                continue
            if ch == '"':
                pos = self._skip_string(pos)
                continue
            if ch == opening:
                depth += 1
            elif ch == closing:
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
        self.script.unknown = self.script.unknown or unterminated
        return len(text)

    def _skip_string(self, pos: int) -> int:
        text = self.text
        pos += 1
        while pos < len(text):
            if text[pos] == "\\":
                pos += 2
                continue
            if text[pos] == '"':
                return pos + 1
            pos += 1
        return len(text)

    def _nested(self, start: int, end: int) -> None:
        """Commands inside a command substitution: one level deeper, offsets kept."""
        if self.depth >= MAX_DEPTH:
            self.script.unknown = self.script.unknown or f"command substitutions nested more than {MAX_DEPTH} deep"
            return
        inner = _Lexer(self.text[:end])
        inner.pos = start
        inner.depth = self.depth + 1
        inner.script = Script(self.text)
        inner.run()
        self.script.commands.extend(inner.script.commands)
        self.script.heredocs = self.script.heredocs or inner.script.heredocs
        self.script.comments.extend(inner.script.comments)
        self.script.unknown = self.script.unknown or inner.script.unknown

    # --- commands -------------------------------------------------------------------------------

    def _add_word(self, word: Word) -> None:
        if self.expect_redirect_target:
            self.expect_redirect_target = False
            self.redirects.append((self.redirect, word))
            return
        if self.header:
            if word.text == "do":
                self.header = False
            return
        if not self.words:
            if word.text in RESERVED and self.expect_command:
                if word.text in ("for", "select", "function"):
                    # Their variable (or function) outlives them: record it as a command.
                    self.script.commands.append(SimpleCommand((), (Word(word.text, word.text, word.start, word.end),), word.start, word.end, self.depth, self.compound > 0, ""))
                if word.text in ("if", "while", "until", "for", "case", "{", "select"):
                    self.compound += 1
                    self.header = word.text in ("for", "case", "select")
                elif word.text in ("fi", "done", "esac", "}"):
                    self.compound = max(0, self.compound - 1)
                return
            if _is_assignment(word.text) and not self.words:
                if self.command_start < 0:
                    self.command_start = word.start
                self.assignments.append(word)
                return
        if self.command_start < 0:
            self.command_start = word.start
        self.words.append(word)
        self.expect_command = False

    def _finish(self, operator: str) -> None:
        if self.words or self.assignments:
            ends = [w.end for w in (*self.assignments, *self.words)]
            self.script.commands.append(
                _simple_command(tuple(self.assignments), tuple(self.words), self.command_start, max(ends), self.depth, self.compound > 0, operator, tuple(self.redirects))
            )
        self.words = []
        self.redirects = []
        self.assignments = []
        self.command_start = -1
        self.expect_command = True
        self.expect_redirect_target = False
        if operator:
            self.header = False


def _is_assignment(text: str) -> bool:
    name, eq, _ = text.partition("=")
    return bool(eq) and bool(name) and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name)
