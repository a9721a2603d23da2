"""BuildKit's own parser (the PyPI package `dockerfile`, v0.12.5 through its Go code), as the
tests compare with it."""

from __future__ import annotations

import dockerfile

import codemod

REJECTED = dockerfile.GoParseError


def buildkit(text: str) -> list[tuple] | None:
    """BuildKit's records for ``text``; None when BuildKit rejects it.

    Raises UnicodeDecodeError when the binding cannot hand Go's bytes back to Python (a flag
    cut inside a multi-byte character): such inputs have no verdict to compare with.
    """
    try:
        return [_plain(c) for c in dockerfile.parse_string(text)]
    except dockerfile.GoParseError:
        return None


def ours(text: str) -> list[tuple] | None:
    try:
        return [_plain(c) for c in codemod.parse(text).as_buildkit()]
    except codemod.ParseError:
        return None


def _plain(record: object) -> tuple:
    """A record as plain tuples; strings cut at NUL, as the binding passes Go strings to
    Python as C strings (``CMD ["a\\u0000b"]`` comes back as ``a``)."""
    def cut(value: object) -> object:
        if isinstance(value, str):
            return value.split("\x00")[0]
        if isinstance(value, tuple):
            return tuple(cut(v) for v in value)
        return value

    return tuple(cut(v) for v in tuple(record))  # type: ignore[arg-type]
