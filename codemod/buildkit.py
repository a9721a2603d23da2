"""What BuildKit's parser makes of the pieces the grammar finds.

The grammar (grammar/dockerfile.lark) says where the pieces of an instruction are; this module
says what they mean, exactly as BuildKit v0.12's parser does (the version inside the PyPI
package `dockerfile`, the reference our tests compare against): how a flag's quotes are
removed, when a JSON array is the exec form, which words start heredocs, and the records
``Dockerfile.as_buildkit()`` returns.

Go reads strings as bytes in places where Python reads characters. Where that matters, the
text is handled as a *byte view*: a str in which every character is one UTF-8 byte
(``byte_view``), which is what the instruction-level terminals read.
"""

from __future__ import annotations

import json
import math
import re
from typing import NamedTuple

#: Characters for which Go's ``unicode.IsSpace`` is true (``strings.TrimSpace`` removes them).
GO_SPACES = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


class BuildKitHeredoc(NamedTuple):
    """A heredoc as the `dockerfile` package reports it."""

    name: str
    file_descriptor: int
    content: str


class BuildKitCommand(NamedTuple):
    """One instruction as the `dockerfile` package (BuildKit's Go parser) reports it: the
    same fields in the same order, so ``tuple(ours) == tuple(theirs)``."""

    cmd: str | None
    sub_cmd: str | None
    json: bool
    original: str | None
    start_line: int
    end_line: int
    flags: tuple[str, ...]
    value: tuple[str, ...]
    heredocs: tuple[BuildKitHeredoc, ...]


def byte_view(text: str) -> str:
    """``text`` as its UTF-8 bytes, one character per byte (ASCII text is returned as is)."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def from_byte_view(view: str) -> str:
    """The inverse of :func:`byte_view`."""
    if view.isascii():
        return view
    return view.encode("latin-1").decode("utf-8", "surrogateescape")


def go_string(view: str) -> str:
    """A Go string (bytes) as the `dockerfile` package hands it to Python (UTF-8, invalid
    bytes replaced)."""
    if view.isascii():
        return view
    return view.encode("latin-1").decode("utf-8", "replace")


# --- Flags ------------------------------------------------------------------------------------

def flag_value(view: str) -> str:
    """The value extractBuilderFlags builds from one flag word (a byte view).

    Quotes are dropped and a backslash takes the next byte along. Go appends each byte as the
    rune with that number, so the result is the byte view itself, not a decoded string.
    """
    if '"' not in view and "'" not in view and "\\" not in view:
        return view
    out: list[str] = []
    quote = ""
    i, n = 0, len(view)
    while i < n:
        ch = view[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\":
                if i + 1 < n:
                    i += 1
                    out.append(view[i])
                else:
                    quote = ""
            else:
                out.append(ch)
        elif ch in "'\"":
            quote = ch
        elif ch == "\\":
            if i + 1 < n:
                i += 1
                out.append(view[i])
        else:
            out.append(ch)
        i += 1
    return "".join(out)


# --- parseWords (ENV, LABEL, ARG) ---------------------------------------------------------------

def parse_words(words: list[str], escape: str) -> list[str]:
    """The words parseWords returns for the KV_WORD tokens of an argument list: as written,
    except that an escape character ending the arguments is dropped (and with it a last word
    that was nothing else)."""
    if not words or not words[-1].endswith(escape):
        return words
    last = word_value(words[-1], escape, True)
    return words[:-1] + [last] if last or words[-1] != escape else words[:-1]


def word_value(word: str, escape: str, last: bool) -> str:
    """The word parseWords keeps: the text as written, but an escape character that ends the
    arguments (``last``) and escapes nothing is dropped."""
    if not last or not word.endswith(escape):
        return word
    quote = ""
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote != "'":
                if i + 1 == n:
                    return word[:-1]
                i += 1
        elif ch in "'\"":
            quote = ch
        elif ch == escape:
            if i + 1 == n:
                return word[:-1]
            i += 1
        i += 1
    return word


# --- JSON (the exec form) -----------------------------------------------------------------------

class NotStringArray(ValueError):
    """A JSON array with an element that is not a string: BuildKit rejects the instruction."""


class _GoUnmarshalError(ValueError):
    """A value Go's json package cannot store (a number out of float64's range)."""


def _go_number(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _GoUnmarshalError(text)
    return value


def _go_constant(text: str) -> float:
    raise _GoUnmarshalError(text)  # NaN, Infinity: not JSON for Go


_JSON_DECODER = json.JSONDecoder(
    parse_float=_go_number, parse_int=_go_number, parse_constant=_go_constant, strict=True
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_array_check(view: str) -> None:
    """Raise NotStringArray when BuildKit's parseJSON would reject ``view`` (a byte view that
    the grammar did not read as an exec form)."""
    text = view.lstrip(GO_SPACES)
    if not text.startswith("["):
        return
    try:
        value, _ = _JSON_DECODER.raw_decode(go_string(text))
    except (ValueError, RecursionError):
        return  # not JSON (or not storable by Go): the shell form
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        raise NotStringArray("when using JSON array syntax, arrays must be comprised of strings only")


def json_strings(view: str) -> tuple[str, ...]:
    """The strings of a JSON array the grammar matched (a byte view)."""
    value, _ = _JSON_DECODER.raw_decode(go_string(view.lstrip(GO_SPACES)))
    return tuple(_LONE_SURROGATE.sub("\ufffd", item) for item in value)


# --- Heredoc words (BuildKit's shell lexer, as heredocsFromLine uses it) -----------------------

_HEREDOC_WORD = re.compile(r"^(\d*)<<(-?)([^<]*)$", re.DOTALL)
_SPECIAL_PARAMS = frozenset("@*#?-$!0")
_EOF = ""


class ShellSyntaxError(ValueError):
    """BuildKit's shell lexer gave up on a word."""


class _ShellWords:
    """BuildKit v0.12's shell.Lex.ProcessWords, with an empty environment and SkipUnsetEnv:
    enough to split a line into the words BuildKit looks for heredocs in."""

    def __init__(self, text: str, *, raw_quotes: bool, raw_escapes: bool) -> None:
        self.text = text
        self.pos = 0
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else _EOF

    def next(self) -> str:
        ch = self.peek()
        if ch:
            self.pos += 1
        return ch

    def words(self) -> list[str]:
        return self.stop_on(_EOF)[1]

    def stop_on(self, stop: str) -> tuple[str, list[str]]:
        result: list[str] = []
        acc = _WordAccumulator()
        while self.peek() != _EOF:
            ch = self.peek()
            if stop and ch == stop:
                self.next()
                return "".join(result), acc.done()
            if ch == "$":
                tmp = self.dollar()
                result.append(tmp)
                acc.add_string(tmp)
            elif ch == "'" or ch == '"':
                tmp = self.single_quote() if ch == "'" else self.double_quote()
                result.append(tmp)
                acc.add_raw(tmp)
            else:
                ch = self.next()
                if ch == "\\":
                    if self.raw_escapes:
                        acc.add_raw(ch)
                        result.append(ch)
                    ch = self.next()
                    if ch == _EOF:
                        break
                    acc.add_raw(ch)
                else:
                    acc.add_char(ch)
                result.append(ch)
        if stop:
            raise ShellSyntaxError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), acc.done()

    def single_quote(self) -> str:
        opening = self.next()
        out = [opening] if self.raw_quotes else []
        while True:
            ch = self.next()
            if ch == _EOF:
                raise ShellSyntaxError("unexpected end of statement while looking for matching single-quote")
            if ch == "'":
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def double_quote(self) -> str:
        opening = self.next()
        out = [opening] if self.raw_quotes else []
        while True:
            ch = self.peek()
            if ch == _EOF:
                raise ShellSyntaxError("unexpected end of statement while looking for matching double-quote")
            if ch == '"':
                self.next()
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if ch == "$":
                out.append(self.dollar())
                continue
            ch = self.next()
            if ch == "\\":
                if self.raw_escapes:
                    out.append(ch)
                following = self.peek()
                if following == _EOF:
                    continue
                if following in ('"', "$", "\\"):
                    ch = self.next()
            out.append(ch)

    def dollar(self) -> str:
        self.next()
        if self.peek() != "{":
            name = self.name()
            return "$" + name if name else "$"
        self.next()
        if self.peek() == _EOF:
            raise ShellSyntaxError("syntax error: missing '}'")
        if self.peek() in "{}:":
            raise ShellSyntaxError("syntax error: bad substitution")
        name = self.name()
        ch = self.next()
        if ch == "}":
            return "${" + name + "}"
        if ch == "?":
            word = self._braced_word()
            return "${" + name + "?" + word + "}"
        if ch == ":":
            modifier = self.next()
            word = self._braced_word()
            if modifier in ("+", "-", "?"):
                return "${" + name + ":" + modifier + word + "}"
            raise ShellSyntaxError(f"unsupported modifier ({modifier}) in substitution")
        raise ShellSyntaxError("missing ':' in substitution")

    def _braced_word(self) -> str:
        try:
            return self.stop_on("}")[0]
        except ShellSyntaxError:
            if self.peek() == _EOF:
                raise ShellSyntaxError("syntax error: missing '}'") from None
            raise

    def name(self) -> str:
        out: list[str] = []
        while self.peek() != _EOF:
            ch = self.peek()
            if not out and ch.isdecimal():
                while self.peek() != _EOF and self.peek().isdecimal():
                    out.append(self.next())
                return "".join(out)
            if not out and ch in _SPECIAL_PARAMS:
                return self.next()
            if not (ch.isalpha() or ch.isdecimal() or ch == "_"):
                break
            out.append(self.next())
        return "".join(out)


class _WordAccumulator:
    __slots__ = ("word", "words", "in_word")

    def __init__(self) -> None:
        self.word = ""
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch in GO_SPACES:
            if self.in_word and self.word:
                self.words.append(self.word)
                self.word = ""
                self.in_word = False
        else:
            self.add_raw(ch)

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw(self, text: str) -> None:
        self.word += text
        self.in_word = True

    def done(self) -> list[str]:
        if self.word:
            self.words.append(self.word)
            self.word = ""
            self.in_word = False
        return self.words


class HeredocMarker(NamedTuple):
    """A heredoc that an instruction line opens (``<<EOF``, ``<<-"EOF"``, ``3<<EOF``)."""

    name: str
    file_descriptor: int
    chomp: bool
    #: The word as written on the line (``<<-"EOF"``).
    word: str


def heredoc_markers(line: str) -> list[HeredocMarker]:
    """The heredocs a RUN/COPY/ADD logical line opens, in order (heredocsFromLine).

    Raises ShellSyntaxError where BuildKit rejects the instruction.
    """
    if "<<" not in line:
        return []
    try:
        words = _ShellWords(line, raw_quotes=True, raw_escapes=True).words()
    except ShellSyntaxError:
        return []  # BuildKit ignores this error: no heredocs
    markers = []
    for word in words:
        match = _HEREDOC_WORD.match(word)
        if not match or not match.group(3):
            continue
        rest = match.group(3)
        names = _ShellWords(rest, raw_quotes=False, raw_escapes=False).words()
        if len(names) != 1:
            continue
        raw = _ShellWords(rest, raw_quotes=True, raw_escapes=False).words()
        if len(raw) != len(names):
            raise ShellSyntaxError(f"internal lexing of heredoc produced inconsistent results: {rest}")
        fd = int(match.group(1)) if match.group(1) else 0
        markers.append(HeredocMarker(names[0], fd, match.group(2) == "-", word))
    return markers


# --- Go's strconv.Quote (for BuildKit's AST dump) -----------------------------------------------

_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\\": "\\\\", '"': '\\"'}


def go_quote(text: str) -> str:
    """Go's strconv.Quote."""
    out = ['"']
    for ch in text:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch == " " or (ch.isprintable() and ch not in "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u00ad"):
            out.append(ch)
        else:
            code = ord(ch)
            if code < 0x80:
                out.append(f"\\x{code:02x}")
            elif 0xD800 <= code <= 0xDFFF:
                out.append("\\ufffd")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def go_quote_list(items: tuple[str, ...] | list[str]) -> str:
    """Go's ``fmt.Sprintf("%q", []string{...})``."""
    return "[" + " ".join(go_quote(item) for item in items) + "]"
