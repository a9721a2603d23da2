"""msb-refactor: lossless Dockerfile trees and the refactorings that make lean multi-stage builds.

Public API::

    codemod.parse(text) -> Dockerfile          # raises codemod.ParseError
    Dockerfile.render() -> str                 # the text, byte for byte
    Dockerfile.as_buildkit() -> list[BuildKitCommand]
    codemod.refactor(text, *, passes=None, context=None) -> Result   # .text, .changes, .diagnostics
"""

from __future__ import annotations

from .buildkit import BuildKitCommand, BuildKitHeredoc
from .cst import Command, Dockerfile, Heredoc, Instruction, Line, Part, Position, Span
from .engine import Change, Diagnostic, Result, refactor
from .errors import ParseError
from .parser import parse

__version__ = "0.1.0"

__all__ = [
    "BuildKitCommand",
    "BuildKitHeredoc",
    "Change",
    "Command",
    "Diagnostic",
    "Dockerfile",
    "Heredoc",
    "Instruction",
    "Line",
    "ParseError",
    "Part",
    "Position",
    "Result",
    "Span",
    "parse",
    "refactor",
    "__version__",
]
