"""The engine: fixed point, re-parse of every output, changes dropped when a pass is wrong."""

from __future__ import annotations

import pytest

import codemod
from codemod.cst import Dockerfile, Instruction, Line
from codemod.edit import reparse
from codemod.engine import MAX_ROUNDS, refactor
from codemod.passes import REGISTRY, SAFE, Context, Outcome, Pass, Proposal, by_name, select

TEXT = "FROM debian:bookworm\n# keep me\nRUN apt-get update\nRUN apt-get install -y curl\nCMD [\"bash\"]\n"


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
    assert [c.pass_name for c in result.changes] == ["name-stages", "merge-runs", "merge-runs"]
    assert refactor(result.text).text == result.text
    assert not refactor(result.text).changes


def test_changes_report_lines_of_the_original_file() -> None:
    result = refactor(TEXT)
    lines = {(c.pass_name, c.safety): (c.line, c.end_line) for c in result.changes}
    assert lines[("name-stages", "safe")] == (1, 1)
    assert lines[("merge-runs", "safe")] == (3, 4)
    # The cleanup was added to the merged RUN, which stands for lines 3-4.
    assert lines[("merge-runs", "review")] == (3, 4)


def test_passes_by_name_and_selection() -> None:
    assert [p.name for p in REGISTRY] == ["name-stages", "merge-runs"]
    assert by_name("merge-runs").safety == SAFE
    assert select(["merge-runs"]) == (by_name("merge-runs"),)
    assert select(None, ["merge-runs"]) == (by_name("name-stages"),)
    with pytest.raises(KeyError):
        by_name("nope")
    only = refactor(TEXT, passes=["name-stages"])
    assert {c.pass_name for c in only.changes} == {"name-stages"}


def test_a_pass_whose_output_does_not_parse_is_dropped() -> None:
    def broken(tree: Dockerfile, context: Context) -> Outcome:
        last = tree.instructions[-1]
        bad = Instruction(last.leading, (Line("INSTRUCTION_LINE", "ENV PATH\n"),), (), last.escape)
        return Outcome(tree.with_changes(instructions=tree.instructions[:-1] + (bad,)), [Proposal("oops", SAFE, (last,))])

    result = refactor(TEXT, passes=[Pass("broken", "", SAFE, broken)])
    assert result.text == TEXT and not result.changes
    (diagnostic,) = result.diagnostics
    assert diagnostic.severity == "error" and diagnostic.pass_name == "broken"
    assert "does not parse" in diagnostic.message and diagnostic.line == 5


def test_a_pass_whose_tree_differs_from_its_text_is_dropped() -> None:
    def lying(tree: Dockerfile, context: Context) -> Outcome:
        last = tree.instructions[-1]
        # Claims a continuation line where the text has none.
        bad = Instruction(last.leading, (Line("OPEN_LINE", 'CMD ["sh"]\n'),), (), last.escape)
        return Outcome(tree.with_changes(instructions=tree.instructions[:-1] + (bad,)), [Proposal("lie", SAFE, (last,))])

    result = refactor(TEXT, passes=[Pass("lying", "", SAFE, lying)])
    assert result.text == TEXT
    assert [d.severity for d in result.diagnostics] == ["error"]
    assert "parses differently" in result.diagnostics[0].message


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


def test_a_pass_that_crashes_is_reported_and_the_others_still_run() -> None:
    def crashing(tree: Dockerfile, context: Context) -> Outcome:
        raise IndexError("boom")

    result = refactor(TEXT, passes=[Pass("crashing", "", SAFE, crashing), by_name("name-stages")])
    assert [c.pass_name for c in result.changes] == ["name-stages"]
    (diagnostic,) = [d for d in result.diagnostics if d.pass_name == "crashing"]
    assert diagnostic.severity == "error" and "IndexError: boom" in diagnostic.message
