"""What every pass is made of: a name, a summary, a safety class, and one function from
(tree, context) to a new tree with its changes explained."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..cst import Dockerfile, Instruction

#: The image is the same (names, layout of the file).
SAFE = "safe"
#: The image changes on purpose (a new runtime stage, cleanup that removes files).
REVIEW = "review"


def change_key(pass_name: str, explanation: str, about: Sequence[Instruction]) -> str:
    """A change's stable id: the same change of the same text gets the same id in every run
    (the editor offers it, the user picks it, a later run applies just that one)."""
    digest = hashlib.sha1()
    for piece in (pass_name, explanation, *(i.render() for i in about)):
        digest.update(piece.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return f"{pass_name}:{digest.hexdigest()[:12]}"


@dataclass(frozen=True)
class Offer:
    """A change a pass is about to make, as the engine's filter sees it."""

    pass_name: str
    key: str
    safety: str
    explanation: str
    #: The instructions of the tree the pass was given that the change is about.
    about: tuple[Instruction, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Context:
    """What a pass may know beyond the tree."""

    #: The file's path, for messages ("-" for standard input).
    path: str = "-"
    #: merge-runs: keep package caches in ``RUN --mount=type=cache`` instead of deleting them.
    cache_mounts: bool = False
    #: The build context directory as given (``--context DIR``); "none" for none; None to find
    #: it (a compose or bake file that builds this Dockerfile, or the Dockerfile's directory).
    build_context: str | None = None
    #: split-stages: runtime images chosen by the user, (image pattern, runtime image) pairs.
    runtime_images: tuple[tuple[str, str], ...] = ()
    #: Which changes may be made (None: all): passes ask before each change, through permits().
    allow: Callable[[Offer], bool] | None = field(default=None, compare=False)

    def permits(self, pass_name: str, explanation: str, safety: str, about: Sequence[Instruction]) -> bool:
        """Whether a change may be made; a pass that is refused leaves that change out (and
        every change that needs it)."""
        if self.allow is None:
            return True
        return self.allow(Offer(pass_name, change_key(pass_name, explanation, about), safety, explanation, tuple(about)))


@dataclass(frozen=True)
class Proposal:
    """One change a pass made, in terms of the tree it was given."""

    explanation: str
    safety: str
    #: The instructions of the input tree the change is about (replaced, moved, or next to
    #: which something was inserted); they give the change its lines in the original file.
    about: tuple[Instruction, ...]
    #: The instructions of the output tree that carry the change.
    made: tuple[Instruction, ...] = ()
    #: Ids (change_key) of other changes of the same outcome that this one needs.
    requires: tuple[str, ...] = ()
    #: (new, old): a node of the output that is an input node moved or with other lines above
    #: it; it keeps the old one's lines in the original file.
    same: tuple[tuple[Instruction, Instruction], ...] = ()

    def key(self, pass_name: str) -> str:
        return change_key(pass_name, self.explanation, self.about)


@dataclass(frozen=True)
class Note:
    """Something a pass saw and left alone, and why."""

    message: str
    about: tuple[Instruction, ...] = ()


@dataclass(frozen=True)
class FileEdit:
    """A file beside the Dockerfile that a change writes (a ``.dockerignore``): its path as the
    pass found it, its text before (None: a new file) and after."""

    path: str
    old: str | None
    new: str


@dataclass
class Outcome:
    """What a pass returns: the new tree (the same object when nothing changed), and the other
    files its changes write."""

    tree: Dockerfile
    proposals: list[Proposal] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    files: list[FileEdit] = field(default_factory=list)


@dataclass(frozen=True)
class Pass:
    """A refactoring: ``run(tree, context)`` must not touch anything it does not change."""

    #: Kebab-case, as on the command line (``merge-runs``).
    name: str
    #: One line for ``--help`` and the README.
    summary: str
    #: SAFE or REVIEW: the most a change of this pass can be.
    safety: str
    run: Callable[[Dockerfile, Context], Outcome]
    #: Every class its changes can have (safe, review); by default only ``safety``.
    classes: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.classes or (self.safety,)

    def __repr__(self) -> str:
        return f"Pass({self.name!r})"

