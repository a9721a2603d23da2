"""The passes, in the order they run. Adding a pass is one module and one line here."""

from __future__ import annotations

from typing import Iterable

from . import merge_runs, name_stages, order_copies, split_stages
from .base import REVIEW, SAFE, Context, FileEdit, Note, Outcome, Pass, Proposal

#: Every pass, in run order.
REGISTRY: tuple[Pass, ...] = (
    name_stages.PASS,
    order_copies.PASS,
    merge_runs.PASS,
    split_stages.PASS,
)


def by_name(name: str) -> Pass:
    for candidate in REGISTRY:
        if candidate.name == name:
            return candidate
    known = ", ".join(p.name for p in REGISTRY) or "none yet"
    raise KeyError(f"unknown pass {name!r} (known: {known})")


def select(include: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> tuple[Pass, ...]:
    """The passes to run, in registry order: ``include`` (all when None) minus ``exclude``."""
    wanted = None if include is None else {by_name(n).name for n in include}
    skipped = {by_name(n).name for n in exclude}
    return tuple(p for p in REGISTRY if (wanted is None or p.name in wanted) and p.name not in skipped)


__all__ = ["REGISTRY", "REVIEW", "SAFE", "Context", "FileEdit", "Note", "Outcome", "Pass", "Proposal", "by_name", "select"]
