"""Hypothesis strategies for Dockerfiles with the awkward parts real files have.

The text is built from pieces BuildKit treats specially: parser directives and the escape
character, line continuations (with trailing spaces, comment and empty lines inside), CRLF and
lone CR, a BOM, no final newline, Unicode spaces, lower- and mixed-case keywords, flags with
quotes, exec (JSON) and shell forms (and broken JSON), ENV/LABEL/ARG pairs and the legacy
form, heredocs, and instructions BuildKit does not know.
"""

from __future__ import annotations

from hypothesis import strategies as st

KEYWORDS = [
    "FROM", "RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME", "ENV", "LABEL", "ARG",
    "EXPOSE", "HEALTHCHECK", "MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR", "ONBUILD",
]

#: Spaces BuildKit handles differently in different places.
SPACES = [" ", "  ", "\t", " \t ", "\x0b", "\x0c", "\r", "\u00a0", "\u3000", "\u2003", "\x85"]


@st.composite
def keyword(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(KEYWORDS + ["FOO", "from2", "Run", "x"]))
    style = draw(st.sampled_from(["upper", "lower", "mixed", "as is"]))
    if style == "lower":
        return word.lower()
    if style == "mixed":
        return "".join(c.lower() if i % 2 else c for i, c in enumerate(word))
    return word


def space() -> st.SearchStrategy[str]:
    return st.one_of(st.just(" "), st.just(" "), st.sampled_from(SPACES))


word_chars = st.sampled_from(list("abcxyz019_-./:@$={}") + ["é", "à", "日", "\u00a0"])


def plain_word() -> st.SearchStrategy[str]:
    return st.text(word_chars, min_size=1, max_size=6)


@st.composite
def quoted(draw: st.DrawFn) -> str:
    quote = draw(st.sampled_from(['"', "'"]))
    inner = "".join(draw(st.lists(st.sampled_from(list("ab =$\\") + ["\\" + quote, " ", "é"]), max_size=6)))
    closed = draw(st.booleans()) or draw(st.booleans())
    return quote + inner + (quote if closed else "")


@st.composite
def arg_word(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.one_of(plain_word(), quoted(), st.sampled_from(["\\ ", "\\", "`", "=", "${A:-b}", "[", "]"])), min_size=1, max_size=3))
    return "".join(pieces)


@st.composite
def flag(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["from", "chown", "mount", "link", "chmod", "platform", "x"]))
    if draw(st.integers(0, 9)) == 0:
        return "--"
    value = draw(st.one_of(st.just(""), plain_word(), quoted(), st.just("type=cache,target=/root/.cache")))
    sep = draw(st.sampled_from(["=", "=", ""]))
    return "--" + name + (sep + value if sep else "")


@st.composite
def json_array(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.one_of(
        st.lists(st.sampled_from(list("ab c/") + ['\\"', "\\\\", "\\n", "\\u00e9", "é"]), max_size=5).map(lambda s: '"' + "".join(s) + '"'),
        st.sampled_from(["1", "1e999", "[]", "null", "'a'", "NaN", '"\\ud800"']),
    ), max_size=3))
    sep = draw(st.sampled_from([",", ", ", " ,\t"]))
    text = "[" + sep.join(items) + "]"
    broken = draw(st.integers(0, 6))
    if broken == 0:
        text = text[:-1]
    elif broken == 1:
        text += " trailing"
    return text


@st.composite
def arguments(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["words", "json", "pairs", "legacy", "heredoc", "empty"]))
    if kind == "json":
        return draw(json_array())
    if kind == "empty":
        return ""
    if kind == "pairs":
        pairs = draw(st.lists(st.tuples(plain_word(), st.one_of(plain_word(), quoted(), st.just(""))), min_size=1, max_size=3))
        return draw(space()).join(k + "=" + v for k, v in pairs)
    if kind == "heredoc":
        return draw(st.sampled_from(["<<EOF", "<<-EOF cat", "cat <<'EOF' >/x", '<<"E F"', "3<<EOF", "<<EOF <<E2"]))
    words = draw(st.lists(arg_word(), min_size=1, max_size=4))
    return "".join(w + draw(space()) for w in words).rstrip(" ") or words[0]


@st.composite
def instruction_text(draw: st.DrawFn) -> str:
    parts = [draw(keyword())]
    for _ in range(draw(st.integers(0, 2))):
        parts.append(draw(flag()))
    args = draw(arguments())
    if args:
        parts.append(args)
    text = parts[0]
    for part in parts[1:]:
        text += draw(space()) + part
    if draw(st.integers(0, 5)) == 0:
        text = "ONBUILD " + text
    return text


@st.composite
def dockerfile_text(draw: st.DrawFn) -> str:
    """A whole file: mostly valid, sometimes rejected by BuildKit, never unreadable."""
    escape = draw(st.sampled_from(["\\", "\\", "`"]))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    lines: list[str] = []
    if draw(st.booleans()):
        if escape == "`" or draw(st.booleans()):
            lines.append(draw(st.sampled_from(["# escape=", "#escape = ", "  # Escape="])) + escape)
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["# syntax=docker/dockerfile:1", "# check=skip=all"])))
    elif escape == "`":
        escape = "\\"
    for _ in range(draw(st.integers(1, 6))):
        choice = draw(st.integers(0, 9))
        if choice == 0:
            lines.append(draw(st.sampled_from(["", "# a comment", "   ", "#", "  # indented comment"])))
            continue
        text = draw(instruction_text())
        # Continuations: split at a space, with optional trailing spaces and inner lines.
        if draw(st.booleans()) and " " in text:
            cut = draw(st.integers(0, text.count(" ") - 1))
            head, _, tail = text.replace(" ", "\0", cut).partition(" ")
            head = head.replace("\0", " ")
            tail = tail.replace("\0", " ")
            inner = draw(st.lists(st.sampled_from(["# inside", "", "  ", "  #x \\"]), max_size=2))
            gap = draw(st.sampled_from(["", " ", " \t"]))
            indent = draw(st.sampled_from(["", "  ", "\t"]))
            text = head + " " + escape + gap + "".join(newline + i for i in inner) + newline + indent + tail
        lines.append(draw(st.sampled_from(["", "", "  "])) + text)
        if "<<" in text:
            for name in ("EOF", "E2", "E F"):
                if name in text:
                    body = draw(st.lists(st.sampled_from(["echo hi", "\tindented", "EOFX", "", "RUN x"]), max_size=2))
                    lines.extend(body)
                    lines.append(("\t" if "<<-" in text else "") + name)
    ending = draw(st.sampled_from([newline, newline, ""]))
    text = newline.join(lines) + ending
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text
