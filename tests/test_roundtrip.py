"""Lossless: for every input the parser accepts, ``parse(text).render() == text``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import codemod
from conftest import FIXTURES
from strategies import dockerfile_text


def _round_trips(text: str) -> None:
    try:
        tree = codemod.parse(text)
    except codemod.ParseError:
        return
    assert tree.render() == text
    # The nodes give the text back (render() of a parsed tree returns the text it was read
    # from; an edited tree joins its nodes, and this is the same join).
    assert "".join(tree._chunks()) == text
    # The leaves alone give the text back too (nothing is held outside the nodes).
    pieces = [tree.bom, *(l.text for l in tree.directives)]
    for instruction in tree.instructions:
        pieces += [l.text for l in instruction.leading] + [l.text for l in instruction.lines]
        pieces += [h.body + h.end for h in instruction.heredocs]
    pieces += [l.text for l in tree.footer]
    assert "".join(pieces) == text


@given(dockerfile_text())
def test_generated_files_round_trip(text: str) -> None:
    _round_trips(text)


@given(st.text(st.sampled_from(list("FROM RUN \\`#\n\r\t\"'=[]<-EOF") + ["\u00a0", "\ufeff", "é"]), max_size=80))
def test_any_text_round_trips_or_is_rejected(text: str) -> None:
    """No input makes the parser fail in any other way than ParseError."""
    _round_trips(text)


ROUND_TRIP = sorted((FIXTURES / "roundtrip").glob("*.Dockerfile"))


@pytest.mark.parametrize("path", ROUND_TRIP, ids=[p.stem for p in ROUND_TRIP])
def test_fixture_round_trips(path: Path) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8", "surrogateescape")
    tree = codemod.parse(text)
    assert tree.render().encode("utf-8", "surrogateescape") == data
    assert "".join(tree._chunks()) == text


def test_fixtures_cover_the_awkward_parts() -> None:
    data = b"".join(p.read_bytes() for p in ROUND_TRIP)
    for needle in [b"\r\n", b"\xef\xbb\xbf", b"# escape=`", b"<<-", b"<<'", b" \\ \n", b"\t", b"OnBuild", b"\\\n  #"]:
        assert needle in data, needle
    assert any(not p.read_bytes().endswith(b"\n") for p in ROUND_TRIP)
