"""Where BuildKit rejects a file, ParseError says where, in words a person can act on."""

from __future__ import annotations

import pickle

import pytest

import codemod

CASES = [
    # (text, line, column, message)
    ("", 1, 1, "file with no instructions"),
    ("# only a comment\n\n", 2, 1, "file with no instructions"),
    ("FROM a\nENV PATH\n", 2, 5, "ENV must have two arguments"),
    ("FROM a\nENV a=b c\n", 2, 9, "Syntax error - can't find = in \"c\". Must be of the form: name=value"),
    ("FROM a\nLABEL x=1 \\\n  y\n", 3, 3, "Syntax error - can't find = in \"y\". Must be of the form: name=value"),
    ("FROM a\n  ENV  é=1 b\n", 2, 12, "Syntax error - can't find = in \"b\". Must be of the form: name=value"),
    ("FROM a\nLABEL a\n", 2, 7, "LABEL must have two arguments"),
    ("FROM a\nCMD [\"a\", 1]\n", 2, 5, "when using JSON array syntax, arrays must be comprised of strings only"),
    ("FROM a\nCOPY --from=x [1] /\n", 2, 15, "when using JSON array syntax, arrays must be comprised of strings only"),
    ("FROM a\nHEALTHCHECK CMD [1]\n", 2, 17, "when using JSON array syntax, arrays must be comprised of strings only"),
    ("FROM a\nONBUILD ENV x\n", 2, 13, "ENV must have two arguments"),
    ("FROM a\nRUN <<EOF\nhi\n", 2, 5, "unterminated heredoc <<EOF: no line 'EOF' ends it"),
    ("FROM a\nCOPY <<-\"END\" /x\n\tbody\nEND2\n", 2, 6, "unterminated heredoc <<-\"END\": no line 'END' ends it"),
    ("# escape=x\nFROM a\n", 1, 10, "invalid escape token 'x' does not match ` or \\"),
    ("# syntax=a\n# syntax=b\nFROM a\n", 2, 1, "only one syntax parser directive can be used"),
    ("# escape=`\n#escape=`\nFROM a\n", 2, 1, "only one escape parser directive can be used"),
    ("FROM a\nRUN " + "x" * 70000 + "\n", 2, 1, "dockerfile line greater than max allowed size of 65535"),
]


@pytest.mark.parametrize("text,line,column,message", CASES, ids=[c[3][:40] + f"@{c[1]}:{c[2]}" for c in CASES])
def test_error_position_and_message(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(codemod.ParseError) as caught:
        codemod.parse(text)
    error = caught.value
    assert (error.line, error.column, error.message) == (line, column, message)
    assert str(error) == f"line {line}, column {column}: {message}"


def test_parse_error_survives_pickling() -> None:
    error = codemod.ParseError(3, 4, "boom")
    again = pickle.loads(pickle.dumps(error))
    assert (again.line, again.column, again.message, str(again)) == (3, 4, "boom", str(error))


def test_columns_count_characters_not_bytes() -> None:
    with pytest.raises(codemod.ParseError) as caught:
        codemod.parse("FROM a\nENV é=日本 b\n")
    assert (caught.value.line, caught.value.column) == (2, 10)
