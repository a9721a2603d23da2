"""The shortcuts taken for speed give what the plain way gives.

* ``larkcompat.Driver`` runs the LALR tables itself: it must build the tree ``Lark.parse``
  builds, token for token, and leave to Lark what Lark would reject.
* A tree and its model, an instruction and its step, make no reference cycle: a refactored
  tree is freed by reference counting, without the cycle collector.
* The shell lexer reads a plain word in one match, and ``Instruction.word`` and
  ``Instruction.logical`` have a shortcut for one-line instructions.
"""

from __future__ import annotations

import gc
import re
import types
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from codemod import buildkit, engine, larkcompat, parse, parser, shell
from codemod.buildkit import GO_SPACES
from codemod.cst import Instruction, Line
from codemod.model import Model
from strategies import dockerfile_text, instruction_text

LINES = [
    "FROM alpine:3.19 AS base",
    "RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt",
    'CMD ["python", "-m", "app"]',
    'CMD ["a", 1]',
    "ENV A=1 B='two words' C",
    "ENV LEGACY value with spaces",
    "LABEL a=b",
    "ARG X",
    "COPY --from=build --chown=app /src /dst",
    "HEALTHCHECK --interval=5s CMD curl -f http://localhost/",
    "HEALTHCHECK NONE",
    "ONBUILD RUN echo hi",
    "ONBUILD",
    "EXPOSE 80/tcp 443",
    "SHELL [\"pwsh\", \"-c\"]",
    "WORKDIR /app",
    "USER 1000:1000",
    "STOPSIGNAL SIGTERM",
    "MAINTAINER someone",
    "FROBNICATE the thing",
    "RUN --network=none -- echo",
    'RUN --"',
    "RUN",
    "from\u00a0alpine",
    "RUN echo \u00e9t\u00e9",
]


def _same(a: Any, b: Any) -> None:
    if isinstance(a, Tree):
        assert isinstance(b, Tree) and a.data == b.data and len(a.children) == len(b.children)
        for x, y in zip(a.children, b.children):
            _same(x, y)
    else:
        assert isinstance(a, Token) and isinstance(b, Token)
        assert (a.type, str(a), a.start_pos, a.end_pos) == (b.type, str(b), b.start_pos, b.end_pos)


def _compare(line: str, escape: str = "\\") -> None:
    view = buildkit.byte_view(line.strip(GO_SPACES))
    driver = parser._command_driver(escape)
    assert driver is not None, "the driver no longer reads this Lark's layout"
    try:
        expected = parser._command_parser(escape).parse(view)
    except UnexpectedInput:
        with pytest.raises(larkcompat.Unparsed):
            driver.parse_text(view, parser._command_token)
        return
    _same(expected, driver.parse_text(view, parser._command_token))


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("escape", ["\\", "`"])
def test_the_driver_builds_the_tree_lark_builds(line: str, escape: str) -> None:
    _compare(line, escape)


@given(instruction_text())
def test_the_driver_builds_the_tree_lark_builds_for_drawn_instructions(text: str) -> None:
    for line in text.splitlines():
        if line.strip(GO_SPACES):
            _compare(line)


@given(dockerfile_text())
def test_the_file_level_driver_builds_the_tree_lark_builds(text: str) -> None:
    header = parser._scan_header(text, parser._directive_pattern())
    source = parser._LexInput(text, header)
    try:
        expected: Any = parser._file_parser(header.escape).parse(source)  # type: ignore[arg-type]
    except parser._SourceError as error:
        with pytest.raises(parser._SourceError) as raised:
            parser._run_file_parser(source)
        assert (raised.value.offset, raised.value.message) == (error.offset, error.message)
        return
    got = parser._run_file_parser(source)
    assert got.render() == expected.render()
    assert [_fields(i) for i in got.instructions] == [_fields(i) for i in expected.instructions]
    assert (got.bom, got.directives, got.footer, got.escape) == (expected.bom, expected.directives, expected.footer, expected.escape)


def _fields(instruction: Instruction) -> tuple[object, ...]:
    heredocs = tuple((h.marker, h.body, h.end) for h in instruction.heredocs)
    return (instruction.leading, instruction.lines, heredocs, instruction.escape, instruction.__dict__.get("command"))


def test_a_layout_the_driver_does_not_know_means_no_driver() -> None:
    assert larkcompat.driver(types.SimpleNamespace(parser=None), "command") is None  # type: ignore[arg-type]
    assert parser._file_driver("\\") is not None
    assert parser._command_driver("\\") is not None


def test_input_the_tables_reject_is_left_to_lark() -> None:
    fast = parser._file_driver("\\")
    assert fast is not None
    driver, _ = fast
    with pytest.raises(larkcompat.Unparsed):  # a file cannot start with the last line of an instruction
        driver.parse_tokens([Token("LAST_LINE", "x\n", 0)])
    with pytest.raises(larkcompat.Unparsed):  # nor with a heredoc's delimiter
        driver.parse_tokens([Token("HEREDOC_END", "EOF\n", 0)])


# --- no reference cycles ----------------------------------------------------------------------------

TEXT = """\
FROM python:3.12 AS build
RUN apt-get update
RUN apt-get install -y gcc
COPY requirements.txt .
RUN pip install -r requirements.txt
FROM python:3.12-slim
COPY --from=build /usr/local /usr/local
ONBUILD RUN echo hi
CMD ["python", "-m", "app"]
"""


def test_a_refactored_file_leaves_no_garbage_for_the_cycle_collector() -> None:
    engine.refactor(TEXT)  # caches filled, modules loaded
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(3):
            result = engine.refactor(TEXT)
            assert result.changes
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


def test_a_model_reaches_its_tree() -> None:
    tree = parse(TEXT)
    model = Model.of(tree)
    assert model.tree is tree and Model.of(tree) is model
    alone = Model(parse(TEXT))  # made directly, it keeps its tree
    assert alone.tree.render() == TEXT
    step = model.step(tree.instructions[1])
    assert step is not None and step.instruction is tree.instructions[1] and model.step(tree.instructions[1]) is step
    other = Model(tree)
    again = other.step(tree.instructions[1])
    assert again == step and again is not None and again.events is step.events  # read once, kept with the instruction


# --- shortcuts of the lexers and of the instruction's views ----------------------------------------

_SHELL_PIECES = list("ab1 2\t\n;&|()<>\\'\"`$#{}=-") + ["$(", "${", "2>", ">&", "&&", "if ", "do ", "x=1 "]


@given(st.lists(st.sampled_from(_SHELL_PIECES), max_size=30).map("".join))
def test_the_shell_lexer_reads_words_as_the_slow_path_does(text: str) -> None:
    fast = shell._Lexer(text).run()
    original = shell._SIMPLE
    shell._SIMPLE = re.compile("")  # matches nothing: every word goes through the character loop
    try:
        slow = shell._Lexer(text).run()
    finally:
        shell._SIMPLE = original
    assert (fast.commands, fast.comments, fast.operators, fast.heredocs, fast.unknown) == (
        slow.commands, slow.comments, slow.operators, slow.heredocs, slow.unknown
    )


@pytest.mark.parametrize(
    "lines",
    [
        [("INSTRUCTION_LINE", "RUN echo hi\n")],
        [("INSTRUCTION_LINE", "  \u3000Run\u3000echo\r\n")],
        [("INSTRUCTION_LINE", "CMD")],
        [("INSTRUCTION_LINE", " \t\n")],
        [("OPEN_LINE", "RUN echo \\\n"), ("LAST_LINE", "  hi\n")],
        [("OPEN_LINE", "RU\\\n"), ("LAST_LINE", "N hi\n")],
        [("OPEN_LINE", "RUN\\\n"), ("INNER_COMMENT_LINE", "# c\n"), ("LAST_LINE", " x\n")],
        [("OPEN_LINE", " \\\n"), ("LAST_LINE", "RUN x\n")],
    ],
)
def test_the_one_line_shortcuts_agree_with_the_joined_line(lines: list[tuple[str, str]]) -> None:
    instruction = Instruction((), tuple(Line(kind, text) for kind, text in lines))
    joined = Instruction((), instruction.lines + (Line("INNER_BLANK_LINE", ""),))  # no shortcut applies
    assert (instruction.logical.text, instruction.logical._starts, instruction.logical._raw) == (
        joined.logical.text, joined.logical._starts, joined.logical._raw
    )
    fresh = Instruction((), instruction.lines)
    assert fresh.word == Instruction.word.function(joined)


def test_makers_build_what_the_dataclasses_build() -> None:
    from codemod import commands, parser, shell, steps
    from codemod.commands import Invocation
    from codemod.cst import Instruction
    from codemod.fastinit import maker
    from codemod.steps import Event

    word = shell._word("'a'", "a", 3, 6)
    assert word == shell.Word("'a'", "a", 3, 6) and vars(word) == vars(shell.Word("'a'", "a", 3, 6))
    command = shell._simple_command((), (word,), 3, 6, 0, False, "&&", ())
    assert command == shell.SimpleCommand((), (word,), 3, 6, 0, False, "&&", ())
    invocation = commands._invocation("a", (), command, False, False, 0, "a")
    assert invocation == Invocation("a", (), command, False, False, 0, "a")
    assert steps._invocation_event(invocation) == Event(invocation=invocation)
    assert vars(parser._instruction((), (), "\\")) == vars(Instruction((), (), (), "\\"))
    with pytest.raises(TypeError):
        maker(Event, nothing=None)
