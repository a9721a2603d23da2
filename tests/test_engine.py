"""The engine: fixed point, re-parse of every output, changes dropped when a pass is wrong."""

from __future__ import annotations

import pytest

import codemod
from codemod.cst import Dockerfile, Instruction, Line
from codemod.edit import reparse
from codemod.engine import MAX_ROUNDS, refactor
from codemod.errors import RefactorError
from codemod.passes import REGISTRY, REVIEW, SAFE, Context, Outcome, Pass, Proposal, by_name, select

TEXT = "FROM debian:bookworm\n# keep me\nRUN apt-get update\nRUN apt-get install -y curl\nCMD [\"bash\"]\n"
TWO_STAGES = "FROM golang:1.22\nRUN go build -o /app .\nFROM scratch\nCOPY --from=0 /app /app\n"


def _rewrite_cmd(new_text: str) -> Pass:
    def run(tree: Dockerfile, context: Context) -> Outcome:
        last = tree.instructions[-1]
        if last.text == new_text:
            return Outcome(tree)
        made = reparse(last, new_text)
        out = tree.with_changes(instructions=tree.instructions[:-1] + (made,))
        return Outcome(out, [Proposal("rewrote CMD", SAFE, (last,), (made,))])

    return Pass("rewrite-cmd", "test pass", SAFE, run)


def test_all_passes_in_registry_order_reach_a_fixed_point() -> None:
    result = refactor(TEXT)
    assert result.changed
    assert [c.pass_name for c in result.changes] == ["merge-runs", "merge-runs"]  # one stage: no names
    assert refactor(result.text).text == result.text
    assert not refactor(result.text).changes


def test_changes_report_lines_of_the_original_file() -> None:
    result = refactor(TEXT)
    lines = {(c.pass_name, c.safety): (c.line, c.end_line) for c in result.changes}
    assert [c.line for c in refactor(TWO_STAGES).changes if c.pass_name == "name-stages"] == [1, 3, 4]
    assert lines[("merge-runs", "safe")] == (3, 4)
    # The cleanup was added to the merged RUN, which stands for lines 3-4.
    assert lines[("merge-runs", "review")] == (3, 4)


def test_passes_by_name_and_selection() -> None:
    assert by_name("merge-runs").safety == REVIEW  # the most its changes can be: cleanup is review
    assert select(["merge-runs"]) == (by_name("merge-runs"),)
    assert select(None, ["merge-runs"]) == tuple(p for p in REGISTRY if p.name != "merge-runs")
    with pytest.raises(KeyError):
        by_name("nope")
    only = refactor(TEXT + TWO_STAGES, passes=["name-stages"])
    assert {c.pass_name for c in only.changes} == {"name-stages"}


def test_a_pass_whose_output_does_not_parse_fails_the_file() -> None:
    def broken(tree: Dockerfile, context: Context) -> Outcome:
        last = tree.instructions[-1]
        bad = Instruction(last.leading, (Line("INSTRUCTION_LINE", "ENV PATH\n"),), (), last.escape)
        return Outcome(tree.with_changes(instructions=tree.instructions[:-1] + (bad,)), [Proposal("oops", SAFE, (last,))])

    with pytest.raises(RefactorError) as raised:
        refactor(TEXT, passes=[Pass("broken", "", SAFE, broken)])
    assert "broken wrote text that does not parse" in raised.value.message and raised.value.line == 5


def test_a_pass_whose_tree_differs_from_its_text_fails_the_file() -> None:
    def lying(tree: Dockerfile, context: Context) -> Outcome:
        last = tree.instructions[-1]
        # Claims a continuation line where the text has none.
        bad = Instruction(last.leading, (Line("OPEN_LINE", 'CMD ["sh"]\n'),), (), last.escape)
        return Outcome(tree.with_changes(instructions=tree.instructions[:-1] + (bad,)), [Proposal("lie", SAFE, (last,))])

    with pytest.raises(RefactorError) as raised:
        refactor(TEXT, passes=[Pass("lying", "", SAFE, lying)])
    assert "parses differently" in raised.value.message and raised.value.line == 5


def test_a_pass_that_never_settles_is_stopped() -> None:
    counter = iter(range(1000))

    def restless(tree: Dockerfile, context: Context) -> Outcome:
        return _rewrite_cmd(f'CMD ["echo", "{next(counter)}"]\n').run(tree, context)

    result = refactor(TEXT, passes=[Pass("restless", "", SAFE, restless)])
    assert len(result.changes) == MAX_ROUNDS
    assert any(d.pass_name == "engine" and d.severity == "error" for d in result.diagnostics)


def test_untouched_instructions_keep_every_byte() -> None:
    text = "FROM a AS runtime\r\n# comment\r\nRUN  echo   x \\\r\n\t  # inner\r\n  y\r\nCMD [\"old\"]"
    result = refactor(text, passes=[_rewrite_cmd('CMD ["new"]')])
    assert result.text == text.replace('CMD ["old"]', 'CMD ["new"]')


def test_bad_input_raises_parse_error() -> None:
    with pytest.raises(codemod.ParseError):
        refactor("FROM a\nENV X\n")


def test_a_pass_that_crashes_fails_the_file_at_the_instruction_it_was_reading() -> None:
    def crashing(tree: Dockerfile, context: Context) -> Outcome:
        for instruction in tree.instructions:
            if instruction.keyword == "COPY":
                raise IndexError("boom")
        return Outcome(tree)

    with pytest.raises(RefactorError) as raised:
        refactor(TWO_STAGES, passes=[by_name("name-stages"), Pass("crashing", "", SAFE, crashing)])
    assert raised.value.line == 4 and "crashing failed here (IndexError: boom)" in raised.value.message


def test_a_crashing_pass_makes_the_cli_fail_the_file_and_write_nothing(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from codemod import cli, passes

    def crashing(tree: Dockerfile, context: Context) -> Outcome:
        raise RecursionError("too deep")

    monkeypatch.setattr(passes, "REGISTRY", (Pass("crashing", "", SAFE, crashing),))
    good, path = tmp_path / "ok.Dockerfile", tmp_path / "Dockerfile"
    path.write_text(TEXT)
    good.write_text(TEXT)
    done = CliRunner().invoke(cli.cli, ["--write", str(path)])
    assert done.exit_code == 2
    assert f"{path}:1:1: crashing failed here (RecursionError: too deep)" in done.output
    assert path.read_text() == TEXT


def test_deeply_nested_shell_is_declined_not_a_crash() -> None:
    deep = "RUN echo " + '"$(echo ' * 250 + "x" + ')"' * 250 + "\n"
    text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n" + deep
    result = refactor(text)
    assert result.text == text
    assert any("nested more than" in d.message for d in result.diagnostics)
