"""Golden before/after fixtures, one directory per case: tests/fixtures/<pass>/<case>/

    input.Dockerfile      the file as written
    expected.Dockerfile   what the pass makes of it (absent: the file must stay unchanged)
    changes.txt           the changes, one a line: "L<line> [<safety>] <explanation>"
    notes.txt             what the pass declined and why, one a line: "L<line> <message>"

Compared as raw bytes, never normalised. Every case also checks that the output parses (ours
and BuildKit's), and that running the pass again changes nothing. ``pytest --update-fixtures``
rewrites expected.Dockerfile, changes.txt and notes.txt from the current output, for review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import codemod
from codemod.engine import refactor
from codemod.passes import REGISTRY
from conftest import FIXTURES
from reference import buildkit

CASES = sorted(
    (p.name, case)
    for p in REGISTRY
    for case in (FIXTURES / p.name).glob("*/")
    if (case / "input.Dockerfile").exists()
)


def _lines(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _write_or_remove(path: Path, text: str) -> None:
    if text:
        path.write_text(text, encoding="utf-8")
    elif path.exists():
        path.unlink()


@pytest.mark.parametrize("pass_name,case", CASES, ids=[f"{p}/{c.name}" for p, c in CASES])
def test_fixture(pass_name: str, case: Path, update_fixtures: bool) -> None:
    data = (case / "input.Dockerfile").read_bytes()
    text = data.decode("utf-8", "surrogateescape")
    result = refactor(text, passes=[pass_name])
    output = result.text.encode("utf-8", "surrogateescape")
    changes = "".join(f"L{c.line} [{c.safety}] {c.explanation}\n" for c in result.changes)
    notes = "".join(f"L{d.line} {d.message}\n" for d in result.diagnostics)
    expected_path = case / "expected.Dockerfile"

    if update_fixtures:
        if output != data:
            expected_path.write_bytes(output)
        elif expected_path.exists():
            expected_path.unlink()
        _write_or_remove(case / "changes.txt", changes)
        _write_or_remove(case / "notes.txt", notes)

    expected = expected_path.read_bytes() if expected_path.exists() else data
    assert output == expected
    assert changes == _lines(case / "changes.txt")
    assert notes == _lines(case / "notes.txt")
    assert not any(d.severity == "error" for d in result.diagnostics)
    # The output is a Dockerfile both parsers accept, and a fixed point.
    assert codemod.parse(result.text).render() == result.text
    assert buildkit(result.text) is not None
    assert not refactor(result.text, passes=[pass_name]).changed

