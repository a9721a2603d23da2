"""Errors the parser raises for input it (and BuildKit) cannot accept."""

from __future__ import annotations


class ParseError(ValueError):
    """A Dockerfile that BuildKit would reject, with the place to look at.

    ``line`` and ``column`` are 1-based; the column counts characters, not bytes.
    """

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        #: 1-based line of the problem.
        self.line = line
        #: 1-based column (in characters) of the problem.
        self.column = column
        #: What is wrong, without the position.
        self.message = message

    def __reduce__(self) -> tuple[type[ParseError], tuple[int, int, str]]:
        return (type(self), (self.line, self.column, self.message))


class RefactorError(ValueError):
    """A pass failed on a file (a bug in the pass, or input beyond it): the file is left as it
    is. ``line`` and ``column`` say where the pass was working when it failed."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.line = line
        self.column = column
        self.message = message

    def __reduce__(self) -> tuple[type[RefactorError], tuple[int, int, str]]:
        return (type(self), (self.line, self.column, self.message))
