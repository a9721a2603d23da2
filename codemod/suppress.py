"""Suppression comments, read from the tree (so a heredoc body never counts):

    # msb-refactor: skip-file                     anywhere on a comment line: the file is left alone
    # msb-refactor: ignore                        above an instruction: no pass changes it
    # msb-refactor: ignore=merge-runs,split-stages   above an instruction: those passes do not

An instruction-level comment stands in the comment lines directly above the instruction (as
``# hadolint ignore=DL3008`` does). A change is left out when any instruction it is about
carries a matching comment; the engine reports what it left out.
"""

from __future__ import annotations

import re
from typing import Iterable

from .cst import BLANK, COMMENT, Dockerfile, Instruction, Line

_DIRECTIVE = re.compile(r"^\s*#\s*msb-refactor\s*:\s*(?P<what>skip-file|ignore)\s*(?:=\s*(?P<names>[A-Za-z0-9_,\s-]*))?\s*$")
ALL = "*"


def _directive(line: Line) -> tuple[str, frozenset[str]] | None:
    if line.kind != COMMENT:
        return None
    match = _DIRECTIVE.match(line.content)
    if match is None:
        return None
    names = frozenset(n.strip() for n in (match.group("names") or "").split(",") if n.strip())
    return match.group("what"), names or frozenset({ALL})


def file_skipped(tree: Dockerfile) -> bool:
    """Whether a comment line of the file says ``# msb-refactor: skip-file``."""
    lines: Iterable[Line] = [line for i in tree.instructions for line in i.leading] + list(tree.footer) + list(tree.directives)
    return any((found := _directive(line)) is not None and found[0] == "skip-file" for line in lines)


def ignored(instruction: Instruction) -> frozenset[str]:
    """The passes the comment lines directly above ``instruction`` turn off (``*``: all)."""
    names: set[str] = set()
    for line in reversed(instruction.leading):
        if line.kind == BLANK:
            break
        found = _directive(line)
        if found is not None and found[0] == "ignore":
            names |= found[1]
    return frozenset(names)


def suppressed(pass_name: str, about: Iterable[Instruction]) -> bool:
    """Whether a change of ``pass_name`` about these instructions is turned off by a comment."""
    for instruction in about:
        names = ignored(instruction)
        if ALL in names or pass_name in names:
            return True
    return False
