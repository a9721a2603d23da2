"""Properties every pass keeps, on generated files and on the real-world corpus:

* the output is accepted by our parser and by BuildKit's;
* running the passes on their own output changes nothing;
* only the instructions a change names differ: every other byte is where it was.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given

import codemod
from codemod.engine import Result, refactor
from conftest import CorpusRefactors
from reference import buildkit
from strategies import dockerfile_text


def check(text: str) -> Result | None:
    try:
        result = refactor(text)
    except codemod.ParseError:
        return None
    check_result(text, result)
    return result


def check_result(text: str, result: Result) -> None:
    """The properties, for the result of all passes on ``text``."""
    assert not [d for d in result.diagnostics if d.severity == "error"], result.diagnostics
    assert codemod.parse(result.text).render() == result.text
    if result.changed:
        try:
            assert buildkit(result.text) is not None, "BuildKit rejects the output"
        except UnicodeDecodeError:
            pass  # the binding cannot return this file's values; nothing to compare
        again = refactor(result.text)
        assert again.text == result.text and not again.changes, "not idempotent"
        assert_local(text, result)


def assert_local(before: str, result: Result) -> None:
    """Every line outside the reported changes' lines is in the output, in order and next to
    the same neighbours; only the lines of a change were replaced (by whatever takes their
    place). (A line diff would pair identical lines, such as blank ones, arbitrarily.)"""
    spans = [(c.line, c.end_line) for c in result.changes]
    covered = {line for start, end in spans for line in range(start, end + 1)}
    # Lines as the Dockerfile has them: ending at \n only (splitlines also splits at \v, \x1c...).
    old = re.findall(r"[^\n]*\n|[^\n]+\Z", before)
    pattern = ""
    for number, line in enumerate(old, start=1):
        if number in covered:
            if not pattern.endswith("(?s:.*?)"):
                pattern += "(?s:.*?)"
        else:
            pattern += re.escape(line)
    assert re.fullmatch(pattern, result.text), f"lines changed outside the reported changes {spans}"


@pytest.mark.slow
@given(dockerfile_text())
def test_generated_files(text: str) -> None:
    check(text)


@pytest.mark.slow
def test_corpus(corpus_refactors: CorpusRefactors) -> None:
    """Every corpus file BuildKit accepts: the passes get through it and keep the properties."""
    changed = 0
    problems = [f"{name}: the passes failed: {error}" for name, error in corpus_refactors.errors.items()]
    for name, (text, result) in corpus_refactors.results.items():
        try:
            check_result(text, result)
        except AssertionError as error:
            problems.append(f"{name}: {error}")
        except Exception as error:  # noqa: BLE001 - one file's failure must not hide the others'
            problems.append(f"{name}: {type(error).__name__}: {error}")
        else:
            changed += result.changed
    total = len(corpus_refactors.files)
    print(f"corpus: {total} files BuildKit accepts, {changed} changed, {len(problems)} failed")
    assert not problems, f"{len(problems)} of {total} files fail:\n" + "\n".join(problems[:10])
    # The passes act on real files (a pass that silently stopped acting would pass the checks above).
    assert changed > 0


FIXTURE_INPUTS = sorted(Path(__file__).parent.glob("fixtures/*/*/input.Dockerfile"))


@pytest.mark.parametrize("path", FIXTURE_INPUTS, ids=[f"{p.parent.parent.name}/{p.parent.name}" for p in FIXTURE_INPUTS])
def test_fixture_inputs_with_all_passes(path: Path) -> None:
    check(path.read_bytes().decode("utf-8", "surrogateescape"))
