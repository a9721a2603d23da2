"""Writing into a tree: new text in the file's own style, parsed by the same grammar.

Passes never build nodes by hand: they splice text into an instruction's source (or write new
instructions) and parse it, so what they produce is exactly what the parser would read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .cst import CONTINUATION_LINE, LAST_LINE, Dockerfile, Instruction, Part
from .parser import parse_fragment


@dataclass(frozen=True)
class Style:
    """How a file writes things, so new text looks native."""

    newline: str
    #: Indentation of continuation lines.
    indent: str
    escape: str
    #: Whether continued command lists put ``&&`` at the start of the next line.
    leading_operators: bool


def style_of(tree: Dockerfile) -> Style:
    """The file's style (read once per tree)."""
    cached = tree.__dict__.get("_style")
    if cached is None:
        cached = _style_of(tree)
        object.__setattr__(tree, "_style", cached)
    return cached


def _style_of(tree: Dockerfile) -> Style:
    newline = "\n"
    indents: Counter[str] = Counter()
    leading = trailing = 0
    found_newline = False
    for instruction in tree.instructions:
        for line in instruction.lines:
            if not found_newline and line.text.endswith("\n"):
                newline = "\r\n" if line.text.endswith("\r\n") else "\n"
                found_newline = True
            content = line.content
            if line.kind in (CONTINUATION_LINE, LAST_LINE):
                stripped = content.lstrip(" \t")
                if stripped:
                    indents[content[: len(content) - len(stripped)]] += 1
                    if stripped.startswith(("&&", "||")):
                        leading += 1
            if content.rstrip(" \t").endswith(("&& " + tree.escape, "&&" + tree.escape)):
                trailing += 1
    indent = indents.most_common(1)[0][0] if indents else "    "
    return Style(newline, indent or "    ", tree.escape, leading >= trailing)


def splice(instruction: Instruction, edits: list[tuple[int, int, str]]) -> Instruction:
    """The instruction with ``instruction.text[start:end]`` replaced by each text (edits must
    not overlap), read again by the parser; the lines above it are kept."""
    text = instruction.text
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        text = text[:start] + new + text[end:]
    return reparse(instruction, text)


def reparse(instruction: Instruction, text: str) -> Instruction:
    """A new instruction from ``text``, with the lines above ``instruction`` kept."""
    leading = "".join(line.text for line in instruction.leading)
    (new,) = parse_fragment(leading + text, instruction.escape).instructions
    return new


def source_offset(instruction: Instruction, part: Part, index: int) -> int:
    """Offset in ``instruction.text`` of character ``index`` of ``part.text``."""
    return instruction.logical.source_offset(part.at + index)


def source_end(instruction: Instruction, part: Part, index: int) -> int:
    """Offset in ``instruction.text`` just after character ``index - 1`` of ``part.text``."""
    if index <= 0:
        return source_offset(instruction, part, 0)
    return instruction.logical.source_offset(part.at + index - 1) + 1


def parse_fragment_instructions(texts: list[str], escape: str) -> list[Instruction] | None:
    """New instructions from their texts (each ending in a newline), read by the parser; None
    when one does not parse as exactly one instruction."""
    from .errors import ParseError

    found: list[Instruction] = []
    for text in texts:
        try:
            instructions = parse_fragment(text, escape).instructions
        except ParseError:
            return None
        if len(instructions) != 1:
            return None
        found.extend(instructions)
    return found
