"""The project's own corpus (corpus/<ecosystem>/<case>/): all passes, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

import codemod
from codemod.engine import refactor
from codemod.passes import Context
from conftest import ROOT
from reference import buildkit

CASES = sorted(p.parent for p in (ROOT / "corpus").glob("*/*/Dockerfile"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_corpus_case(case: Path, update_fixtures: bool) -> None:
    data = (case / "Dockerfile").read_bytes()
    text = data.decode("utf-8", "surrogateescape")
    # An end-to-end sample's directory is its build context (as verify finds it); the other
    # cases hold only a Dockerfile and are read without one.
    context = Context(path=str(case / "Dockerfile")) if case.parent.name == "e2e" else Context()
    result = refactor(text, context=context)
    output = result.text.encode("utf-8", "surrogateescape")
    changes = "".join(f"L{c.line} {c.pass_name} [{c.safety}] {c.explanation}\n" for c in result.changes)
    expected_path, changes_path = case / "expected.Dockerfile", case / "changes.txt"
    if update_fixtures:
        if output != data:
            expected_path.write_bytes(output)
        elif expected_path.exists():
            expected_path.unlink()
        if changes:
            changes_path.write_text(changes, encoding="utf-8")
        elif changes_path.exists():
            changes_path.unlink()
    assert output == (expected_path.read_bytes() if expected_path.exists() else data)
    assert changes == (changes_path.read_text(encoding="utf-8") if changes_path.exists() else "")
    assert not [d for d in result.diagnostics if d.severity == "error"]
    assert buildkit(result.text) is not None
    assert codemod.parse(result.text).render() == result.text
    assert not refactor(result.text, context=context).changed


def test_corpus_covers_the_ecosystems() -> None:
    ecosystems = {c.parent.name for c in CASES}
    assert {"node", "python", "go", "rust", "java", "dotnet", "ruby", "php", "static"} <= ecosystems
