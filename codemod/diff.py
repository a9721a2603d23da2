"""Unified diffs that keep every byte: CRLF lines and a missing final newline included."""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(old: str | None, new: str, path: str, *, context: int = 3) -> str:
    """A ``git diff``-style unified diff of ``old`` and ``new`` (``a/``, ``b/`` headers; a new
    file, ``old`` None, comes from /dev/null); empty when they are equal."""
    if old == new:
        return ""
    out: list[str] = []
    for line in difflib.unified_diff(
        (old or "").splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}" if old is not None else "/dev/null",
        tofile=f"b/{path}",
        n=context,
    ):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n" + NO_NEWLINE)
    return "".join(out)
