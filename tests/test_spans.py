"""Nodes know where they are: spans computed from the rendered text."""

from __future__ import annotations

import codemod
from codemod.cst import Position, Span

TEXT = (
    "# syntax=docker/dockerfile:1\n"
    "FROM golang:1.22 AS build\n"
    "# comment above RUN\n"
    "RUN --mount=type=cache,target=/root/.cache \\\n"
    "    go build -o /out/app ./cmd/app\n"
    "COPY --from=build /out/app /usr/local/bin/app\n"
    "ENV A=1 B=\"two words\"\n"
    'CMD ["app", "--serve"]\n'
)


def test_instruction_spans() -> None:
    tree = codemod.parse(TEXT)
    spans = [tree.locate(i) for i in tree.instructions]
    assert [(s.start.line, s.start.column, s.end.line, s.end.column) for s in spans] == [
        (2, 1, 2, 26),
        (4, 1, 5, 35),
        (6, 1, 6, 46),
        (7, 1, 7, 22),
        (8, 1, 8, 23),
    ]
    # The comment belongs to the RUN below it, not to the FROM above.
    assert tree.instructions[1].leading[0].text == "# comment above RUN\n"


def test_part_spans_and_texts() -> None:
    tree = codemod.parse(TEXT)
    run = tree.instructions[1]
    command = run.command
    assert command is not None
    assert command.keyword.text == "RUN"
    assert [p.text for p in command.flags] == ["--mount=type=cache,target=/root/.cache"]
    assert command.form == "shell"
    # The shell text spans the continuation: its logical text has it removed.
    (text,) = command.args
    assert text.text == "    go build -o /out/app ./cmd/app"[4:]
    assert tree.locate(run, text) == Span(Position(5, 5, 124), Position(5, 35, 154))
    assert run.text[text.start:text.end] == "go build -o /out/app ./cmd/app"

    copy = tree.instructions[2].command
    assert copy is not None and copy.flag("from") == "build"
    assert [p.text for p in copy.args] == ["/out/app", "/usr/local/bin/app"]

    env = tree.instructions[3].command
    assert env is not None and [p.text for p in env.args] == ["A=1", 'B="two words"']

    cmd = tree.instructions[4].command
    assert cmd is not None and cmd.is_exec_form and cmd.args[0].text == '["app", "--serve"]'


def test_part_spanning_a_continuation() -> None:
    tree = codemod.parse("FROM alp\\\nine AS base\n")
    (instruction,) = tree.instructions
    command = instruction.command
    assert command is not None
    image = command.args[0]
    assert image.text == "alpine"
    assert instruction.text[image.start:image.end] == "alp\\\nine"
    assert tree.locate(instruction, image) == Span(Position(1, 6, 5), Position(2, 4, 13))


def test_spans_count_characters_and_follow_the_bom() -> None:
    tree = codemod.parse("\ufeffFROM a\nLABEL x=日本 y=z\n")
    label = tree.instructions[1]
    command = label.command
    assert command is not None
    assert [tree.locate(label, p).start.column for p in command.args] == [7, 12]
