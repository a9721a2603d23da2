"""msb-refactor: lossless Dockerfile trees and the refactorings that make lean multi-stage builds.

Public API::

    codemod.parse(text) -> Dockerfile          # raises codemod.ParseError
    Dockerfile.render() -> str                 # the text, byte for byte
    Dockerfile.as_buildkit() -> list[BuildKitCommand]
    codemod.refactor(text, *, passes=None, context=None) -> Result   # .text, .changes, .diagnostics

The names are loaded when first used, so that ``msb-refactor --help`` starts without the parser.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "BuildKitCommand": "buildkit",
    "BuildKitHeredoc": "buildkit",
    "Command": "cst",
    "Dockerfile": "cst",
    "Heredoc": "cst",
    "Instruction": "cst",
    "Line": "cst",
    "Part": "cst",
    "Position": "cst",
    "Span": "cst",
    "Change": "engine",
    "Diagnostic": "engine",
    "Result": "engine",
    "refactor": "engine",
    "ParseError": "errors",
    "parse": "parser",
}

__all__ = [
    "BuildKitCommand", "BuildKitHeredoc", "Change", "Command", "Diagnostic", "Dockerfile", "Heredoc",
    "Instruction", "Line", "ParseError", "Part", "Position", "Result", "Span", "parse", "refactor",
    "__version__",
]

if TYPE_CHECKING:  # pragma: no cover
    from .buildkit import BuildKitCommand, BuildKitHeredoc
    from .cst import Command, Dockerfile, Heredoc, Instruction, Line, Part, Position, Span
    from .engine import Change, Diagnostic, Result, refactor
    from .errors import ParseError
    from .parser import parse


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'codemod' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
