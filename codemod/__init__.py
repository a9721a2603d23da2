"""msb-refactor: lossless Dockerfile trees and the refactorings that make lean multi-stage builds.

Public API::

    codemod.parse(text) -> Dockerfile          # raises codemod.ParseError
    Dockerfile.render() -> str                 # the text, byte for byte
    Dockerfile.as_buildkit() -> list[BuildKitCommand]
"""

from __future__ import annotations

from .buildkit import BuildKitCommand, BuildKitHeredoc
from .cst import Command, Dockerfile, Heredoc, Instruction, Line, Part, Position, Span
from .errors import ParseError
from .parser import parse

__version__ = "0.1.0"

__all__ = [
    "BuildKitCommand",
    "BuildKitHeredoc",
    "Command",
    "Dockerfile",
    "Heredoc",
    "Instruction",
    "Line",
    "ParseError",
    "Part",
    "Position",
    "Span",
    "parse",
    "__version__",
]
