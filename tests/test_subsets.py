"""Applying a chosen subset of changes: stable ids, what each change needs, safe-only."""

from __future__ import annotations

import codemod
from codemod.engine import refactor
from reference import buildkit

TEXT = (
    "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
    "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y ca-certificates\nCOPY --from=0 /app /app\n"
)


def test_ids_are_stable_across_runs() -> None:
    first, second = refactor(TEXT), refactor(TEXT)
    assert [c.id for c in first.changes] == [c.id for c in second.changes]
    assert len({c.id for c in first.changes}) == len(first.changes)


def test_a_cleanup_needs_its_join_and_gets_it() -> None:
    full = refactor(TEXT)
    join = next(c for c in full.changes if c.explanation.startswith("joined"))
    cleanup = next(c for c in full.changes if "package lists" in c.explanation)
    assert join.id in cleanup.requires
    only = refactor(TEXT, only={cleanup.id})
    assert {c.id for c in only.changes} == {join.id, cleanup.id}
    assert "rm -rf /var/lib/apt/lists/*" in only.text and "COPY go.mod" not in only.text
    assert buildkit(only.text) is not None


def test_a_reference_needs_the_name_it_points_at() -> None:
    full = refactor(TEXT)
    reference = next(c for c in full.changes if c.explanation.startswith("COPY --from=0"))
    naming = next(c for c in full.changes if c.explanation.startswith("named the stage 'builder'"))
    assert naming.id in reference.requires
    only = refactor(TEXT, only={reference.id})
    assert "FROM golang:1.22 AS builder\n" in only.text and "COPY --from=builder /app /app" in only.text
    assert "FROM debian:bookworm AS runtime" not in only.text


def test_one_change_alone_then_the_rest_is_what_all_would_give() -> None:
    full = refactor(TEXT)
    for change in full.changes:
        step = refactor(TEXT, only={change.id})
        assert codemod.parse(step.text).render() == step.text
        assert refactor(step.text).text == full.text


def test_safe_only_makes_no_review_change() -> None:
    result = refactor(TEXT, only=lambda offer: offer.safety == "safe")
    assert result.changes and all(c.safety == "safe" for c in result.changes)
    assert "rm -rf" not in result.text and "COPY go.mod" not in result.text
    assert "RUN apt-get update \\\n    && apt-get install -y ca-certificates\n" in result.text
