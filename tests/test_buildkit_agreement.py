"""The tree means what BuildKit says the file means.

Compared with BuildKit's parser (the `dockerfile` package) record by record: command, flags,
values, JSON form, heredocs, line numbers; and where BuildKit rejects a file, so do we.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import codemod
from conftest import shared
from reference import buildkit, ours
from strategies import dockerfile_text

#: Pieces BuildKit's line handling treats specially, to be thrown together at random.
ATOMS = [
    "FROM", "RUN", "run", "ENV", "LABEL", "ARG", "COPY", "ADD", "CMD", "ONBUILD", "HEALTHCHECK",
    "SHELL", "VOLUME", "EXPOSE", "USER", "FOO", " ", " ", " ", "\t", "\x0b", "\x0c", "\r", "\n",
    "\n", "\n", "\r\n", "\u00a0", "\u3000", "\x85", "\x1c", '"', "'", "\\", "\\", "`", "#",
    "# escape=`", "# escape=\\", "# syntax=x", "<<", "<<-", "EOF", "\tEOF", "[", "]", ",", '"a"',
    "--", "--a=", "=", "a", "b", "é", "à", "日", "$", "${", "}", ":", "-", "1", "\ufeff", "NONE", "AS",
]


def assert_agrees(text: str) -> None:
    try:
        theirs = buildkit(text)
    except UnicodeDecodeError:
        return  # the binding cannot return this file's values to Python: no verdict
    mine = ours(text)
    if theirs is None:
        assert mine is None, "BuildKit rejects this file; we accept it"
        return
    assert mine is not None, f"BuildKit accepts this file; we reject it: {_error(text)}"
    assert mine == theirs


def _error(text: str) -> str:
    try:
        codemod.parse(text)
    except codemod.ParseError as error:
        return str(error)
    return "no error"


@given(dockerfile_text())
def test_generated_files_agree_with_buildkit(text: str) -> None:
    assert_agrees(text)


@given(st.lists(st.sampled_from(ATOMS), max_size=40).map("".join))
def test_random_pieces_agree_with_buildkit(text: str) -> None:
    assert_agrees(text)


CASES = {
    "continuation joins words": "FROM a\nRUN\\\necho hi\n",
    "lone escape starts an instruction": "\\\nFROM x\n",
    "lone escape at the end": "FROM x\n\\",
    "escape escaped": "FROM a\nRUN a \\\\\nb\n",
    "escape then vertical tab": "FROM a\nRUN a \\\x0b\nb\n",
    "empty continuation line": "FROM a\nRUN a \\\n\n  # c\nb\n",
    "flag cut inside a character": "COPY --label=é a b\n",
    "quoted flag": 'COPY --a="b c" d\n',
    "unterminated quoted flag": 'COPY --a="b c\n',
    "double dash ends flags": "COPY -- --a b\n",
    "a flag that reads as -- ends flags": 'FROM --"',
    "quoted -- ends flags": 'COPY --"" --a b\n',
    "no-break space is not a separator": "FROM a\u00a0b\u00a0\n",
    "json number too big": 'CMD ["a", 1e999]\n',
    "json trailing text": 'CMD [ "a" ] x\n',
    "json lone surrogate": 'CMD ["\\ud800"]\n',
    "healthcheck none": "HEALTHCHECK  NONE\n",
    "env legacy": "ENV a b\\ c\n",
    "env escape at end": "ENV a=b\\\n",
    "label quoted key": 'LABEL "a b"=c\n',
    "heredoc chomp": "RUN <<-EOF\n\thi\n\tEOF\n",
    "two heredocs": "RUN cat <<\"EOF\" <<'E2'\na\nEOF\nb\nE2\n",
    "heredoc crlf": "RUN <<EOF\r\nhi\r\nEOF\r\n",
    "heredoc after continuation": "RUN <<EOF \\\n  bash\nhi\nEOF\n",
    "no heredoc without a word start": "RUN cat<<EOF\nx\n",
    "no heredoc in exec form": 'RUN ["<<EOF"]\nx\n',
    "onbuild heredoc": "ONBUILD RUN <<EOF\nhi\nEOF\n",
    "bad substitution hides heredocs": "RUN echo ${:x} <<EOF\nhi\nEOF\n",
    "check directive ends directives (v0.12)": "# check=skip=all\n# escape=`\nFROM a `\n b\n",
    "escape directive": "# escape=`\nFROM a `\n b\n",
    "directive after blank line is a comment": "\n# escape=`\nFROM a `\n b\n",
    "bom": "\ufeffFROM a\n",
    "lone cr inside a line": "FROM x\r\r\nRUN a\rb\n",
    "onbuild onbuild": "ONBUILD ONBUILD RUN x\n",
    "unknown instruction": "FROM a\nFOO bar\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_known_quirks_agree_with_buildkit(text: str) -> None:
    assert_agrees(text)


def _conformance_cases() -> list:
    return sorted(shared("conformance", "buildkit", "testfiles").iterdir())


def test_buildkit_testfiles_match_their_results() -> None:
    """BuildKit's parser tests: every testfiles/ case parses and dumps to its `result`."""
    cases = _conformance_cases()
    assert len(cases) >= 30
    for case in cases:
        text = (case / "Dockerfile").read_bytes().decode("utf-8", "surrogateescape")
        expected = (case / "result").read_text(encoding="utf-8")
        tree = codemod.parse(text)
        assert tree.render() == text, case.name
        assert tree.dump() == expected.rstrip("\n"), case.name
        assert_agrees(text)


def test_buildkit_negative_testfiles_are_rejected() -> None:
    cases = sorted(shared("conformance", "buildkit", "testfiles-negative").iterdir())
    assert cases
    for case in cases:
        text = (case / "Dockerfile").read_bytes().decode("utf-8", "surrogateescape")
        assert buildkit(text) is None, case.name
        with pytest.raises(codemod.ParseError) as error:
            codemod.parse(text)
        assert error.value.line >= 1 and error.value.column >= 1


def test_buildkit_line_numbers() -> None:
    path = shared("conformance", "buildkit", "testfile-line", "Dockerfile")
    assert_agrees(path.read_bytes().decode("utf-8", "surrogateescape"))
