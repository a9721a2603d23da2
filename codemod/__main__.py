"""``python -m codemod``: the msb-refactor command line."""

from .cli import main

main()
