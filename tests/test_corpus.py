"""Every real-world file of ../shared/corpus/dev: byte-identical round trip, the same meaning
as BuildKit's parser, and the same rejections."""

from __future__ import annotations

import pytest

import codemod
from conftest import CorpusFile, shared
from reference import ours


@pytest.mark.slow
def test_corpus_round_trips_and_agrees_with_buildkit(corpus_files: tuple[CorpusFile, ...]) -> None:
    assert len(corpus_files) > 1000
    failures: list[str] = []
    accepted = rejected = unjudged = 0
    for file in corpus_files:
        text = file.text
        if not file.judged:
            unjudged += 1
        elif file.records is None:
            rejected += 1
            try:
                codemod.parse(text)
            except codemod.ParseError as error:
                assert error.line >= 1
            else:
                failures.append(f"{file.name}: BuildKit rejects it, we accept it")
            continue
        else:
            accepted += 1
        try:
            tree = codemod.parse(text)
        except codemod.ParseError as error:
            failures.append(f"{file.name}: BuildKit accepts it, we reject it: {error}")
            continue
        if tree.render() != text or "".join(tree._chunks()) != text:
            failures.append(f"{file.name}: round trip differs")
        elif file.judged and ours(text) != file.records:
            failures.append(f"{file.name}: meaning differs from BuildKit's")
    print(f"corpus: {accepted} accepted, {rejected} rejected by BuildKit, {unjudged} accepted without records, {len(failures)} failures")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("kind", ["hub", "official", "recent"])
def test_corpus_parts_are_present(kind: str) -> None:
    assert any(shared("corpus", "dev", kind).iterdir())
