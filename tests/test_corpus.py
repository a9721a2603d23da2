"""Every real-world file of ../shared/corpus/dev: byte-identical round trip, the same meaning
as BuildKit's parser, and the same rejections."""

from __future__ import annotations

from pathlib import Path

import pytest

import codemod
from conftest import shared
from reference import buildkit, ours


def _files() -> list[Path]:
    root = shared("corpus", "dev")
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert len(files) > 1000
    return files


def test_corpus_round_trips_and_agrees_with_buildkit() -> None:
    files = _files()
    failures: list[str] = []
    accepted = rejected = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        theirs = buildkit(text)
        if theirs is None:
            rejected += 1
            try:
                codemod.parse(text)
            except codemod.ParseError as error:
                assert error.line >= 1
            else:
                failures.append(f"{path.name}: BuildKit rejects it, we accept it")
            continue
        accepted += 1
        tree = codemod.parse(text)
        if tree.render() != text or "".join(tree._chunks()) != text:
            failures.append(f"{path.name}: round trip differs")
        elif ours(text) != theirs:
            failures.append(f"{path.name}: meaning differs from BuildKit's")
    print(f"corpus: {accepted} accepted, {rejected} rejected by BuildKit, {len(failures)} failures")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("kind", ["hub", "official", "recent"])
def test_corpus_parts_are_present(kind: str) -> None:
    assert any(shared("corpus", "dev", kind).iterdir())
