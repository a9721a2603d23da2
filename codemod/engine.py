"""Apply passes to a Dockerfile until nothing changes, and explain what changed.

Every pass's output is rendered and parsed again before it is accepted; the tree a pass
built must be exactly the tree the parser reads from its text. A pass whose output fails
that is a bug: its change is dropped, a diagnostic names it, and the file is never left
half-done.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import types
from dataclasses import dataclass
from typing import Callable, Collection, Iterator, Sequence

from . import suppress
from .cst import Dockerfile, Instruction
from .errors import ParseError, RefactorError
from .parser import parse
from .passes import Context, Pass, select
from .passes.base import FileEdit, Offer

#: Rounds of all passes before the engine gives up (each round must change something).
MAX_ROUNDS = 8


@dataclass(frozen=True)
class Change:
    """A change a pass made, with the lines of the original file it is about."""

    pass_name: str
    explanation: str
    #: "safe" (same image) or "review" (the image changes on purpose).
    safety: str
    line: int
    end_line: int
    #: Stable id (the same change of the same file has the same id in every run).
    id: str = ""
    #: Ids of the changes this one needs (a cleanup needs the join it is added to).
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Diagnostic:
    """Something a pass saw but left alone (or a pass that failed), and why."""

    pass_name: str
    message: str
    line: int
    end_line: int
    #: "info" (left alone on purpose), "suppressed" (a comment turned the change off) or
    #: "error" (a pass produced output that does not parse).
    severity: str = "info"


@dataclass(frozen=True)
class Result:
    original: str
    text: str
    changes: tuple[Change, ...]
    diagnostics: tuple[Diagnostic, ...]
    #: Other files the changes write (a .dockerignore), by path: (text before or None, after).
    files: tuple[FileEdit, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original or any(f.old != f.new for f in self.files)


class _Origins:
    """Lines of the original file for every instruction a pass may be handed."""

    def __init__(self, tree: Dockerfile) -> None:
        self._lines: dict[int, tuple[int, int]] = {}
        self._alive: list[object] = [tree]
        # Lines counted in one walk (a line starts after every newline before it).
        line = 1 + sum(l.text.count("\n") for l in tree.directives)
        for instruction in tree.instructions:
            if instruction.leading:
                line += sum(l.text.count("\n") for l in instruction.leading)
            text = instruction.text
            newlines = text.count("\n")
            # instruction.line_count, from the newlines counted once
            self._lines[id(instruction)] = (line, line + newlines - (1 if text.endswith("\n") else 0))
            line += newlines
        self._last = max((end for _, end in self._lines.values()), default=1)

    def span(self, nodes: Sequence[Instruction]) -> tuple[int, int]:
        spans = [self._lines[id(n)] for n in nodes if id(n) in self._lines]
        if not spans:
            return (self._last, self._last)
        return (min(s for s, _ in spans), max(e for _, e in spans))

    def same(self, new: Instruction, old: Instruction) -> None:
        """A node that stands for an input node (moved, or another blank line above it)."""
        if id(old) in self._lines:
            self._lines[id(new)] = self._lines[id(old)]
        self._alive.append((new, old))

    def carry(self, before: Sequence[Instruction], after: Sequence[Instruction]) -> None:
        """New nodes inherit the lines of the nodes they came from."""
        span = self.span(before)
        for node in after:
            self._lines.setdefault(id(node), span)
        self._alive.append((before, after))


def _same_shape(built: Dockerfile, parsed: Dockerfile) -> bool:
    if len(built.instructions) != len(parsed.instructions):
        return False
    if [line.text for line in built.directives] != [line.text for line in parsed.directives]:
        return False
    for a, b in zip(built.instructions, parsed.instructions):
        if a.render() != b.render() or [l.kind for l in a.lines] != [l.kind for l in b.lines]:
            return False
    return True


def refactor(
    text: str,
    *,
    passes: Sequence[Pass] | Sequence[str] | None = None,
    context: Context | None = None,
    only: Collection[str] | Callable[[Offer], bool] | None = None,
) -> Result:
    """Run ``passes`` (all of them, in registry order, when None) on ``text``.

    ``only`` applies a chosen subset: change ids (``Change.id``, with the changes they need),
    or a predicate on each change a pass offers (``lambda o: o.safety == "safe"``). The engine
    runs to a fixed point with only those allowed, so every output is still re-parsed and stable.

    Raises ParseError when ``text`` itself is not a Dockerfile BuildKit accepts, and
    RefactorError when a pass fails on it (then nothing of the passes' work is returned).
    """
    context = context or Context()
    with _collector_paused():
        if only is None:
            return _refactor(text, passes, context)
        if callable(only):
            return _refactor(text, passes, dataclasses.replace(context, allow=only))
        everything = _refactor(text, passes, context)
        wanted = _with_requirements(set(only), everything.changes)
        return _refactor(text, passes, dataclasses.replace(context, allow=lambda offer: offer.key in wanted))


def _with_requirements(ids: set[str], changes: Sequence[Change]) -> set[str]:
    needs = {c.id: c.requires for c in changes}
    frontier = list(ids)
    while frontier:
        for required in needs.get(frontier.pop(), ()):
            if required not in ids:
                ids.add(required)
                frontier.append(required)
    return ids


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while one file is refactored. The trees hold no cycles;
    what a refactor allocates is freed by reference counting, and a collection that scans every
    node of a large tree each time the young generation fills made refactor time grow faster
    than the file (1,000 to 10,000 plain RUNs: 24x the time with the collector, 7x without)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _refactor(text: str, passes: Sequence[Pass] | Sequence[str] | None, context: Context | None) -> Result:
    chosen = _resolve(passes)
    context = context or Context()
    tree = parse(text)
    if suppress.file_skipped(tree):
        return Result(text, text, (), (Diagnostic("engine", "skipped: the file says # msb-refactor: skip-file", 1, 1),))
    # Suppression comments turn changes off before any pass makes them; each one left out
    # is reported (once per pass and line).
    suppressed: dict[tuple[str, int], Diagnostic] = {}
    allow = context.allow

    def permitted(offer: Offer) -> bool:
        if offer.about and suppress.suppressed(offer.pass_name, offer.about):
            line, end = origins.span(offer.about)
            suppressed[(offer.pass_name, line)] = Diagnostic(
                offer.pass_name, f"suppressed by a comment (# msb-refactor: ignore): {offer.explanation}", line, end, "suppressed"
            )
            return False
        return allow is None or allow(offer)

    context = dataclasses.replace(context, allow=permitted)
    origins = _Origins(tree)
    changes: list[Change] = []
    #: Which change made each node (by id; the origins keep the nodes alive).
    made_by: dict[int, str] = {}
    files: dict[str, FileEdit] = {}
    diagnostics: dict[tuple[str, str, int], Diagnostic] = {}
    # What each pass left alone, as it saw the tree the last time it ran (the final tree).
    notes: dict[str, list[Diagnostic]] = {}
    for _ in range(MAX_ROUNDS):
        progressed = False
        for p in chosen:
            try:
                outcome = p.run(tree, context)
            except Exception as error:  # a failing pass fails the file: nothing of it is written
                line = _failing_line(error, tree, origins)
                raise RefactorError(
                    line, 1, f"{p.name} failed here ({type(error).__name__}: {error}); the file is left as it is"
                ) from error
            seen = []
            for note in outcome.notes:
                line, end = origins.span(note.about)
                seen.append(Diagnostic(p.name, note.message, line, end))
            notes[p.name] = seen
            if outcome.tree is tree:
                continue
            rendered = outcome.tree.render()
            if rendered == tree.render():
                continue
            try:
                parsed = parse(rendered)
            except ParseError as error:
                line, _ = origins.span([n for q in outcome.proposals for n in q.about])
                raise RefactorError(line, 1, f"{p.name} wrote text that does not parse ({error}); the file is left as it is") from error
            if not _same_shape(outcome.tree, parsed):
                line, _ = origins.span([n for q in outcome.proposals for n in q.about])
                raise RefactorError(line, 1, f"{p.name} wrote text that parses differently from what it meant; the file is left as it is")
            for proposal in outcome.proposals:
                for new, old in proposal.same:
                    origins.same(new, old)
                line, end = origins.span(proposal.about)
                key = proposal.key(p.name)
                requires = tuple(dict.fromkeys([made_by[id(n)] for n in proposal.about if id(n) in made_by] + list(proposal.requires)))
                changes.append(Change(p.name, proposal.explanation, proposal.safety, line, end, key, requires))
                origins.carry(proposal.about, proposal.made)
                for node in proposal.made:
                    made_by[id(node)] = key
            for edit in outcome.files:
                earlier = files.get(edit.path)
                files[edit.path] = FileEdit(edit.path, earlier.old if earlier else edit.old, edit.new)
            # The parser reads the text exactly as the pass built it: keep the built tree, whose
            # untouched instructions are the ones already read (commands, steps), not new copies.
            tree = outcome.tree
            progressed = True
        if not progressed:
            break
    else:
        diagnostics[("engine", "", 0)] = Diagnostic(
            "engine", f"passes still changing the file after {MAX_ROUNDS} rounds; stopped", 1, 1, "error"
        )
    final_notes = {(d.pass_name, d.message, d.line): d for p in chosen for d in notes.get(p.name, [])}
    return Result(
        text, tree.render(), tuple(changes),
        tuple(final_notes.values()) + tuple(suppressed.values()) + tuple(diagnostics.values()), tuple(files.values()),
    )


def _failing_line(error: BaseException, tree: Dockerfile, origins: _Origins) -> int:
    """The line (of the original file) of the instruction the pass was working on when it
    failed: the innermost frame of the traceback holding an instruction of ``tree``."""
    known = {id(i): i for i in tree.instructions}
    trace: types.TracebackType | None = error.__traceback__
    frames = []
    while trace is not None:
        frames.append(trace.tb_frame)
        trace = trace.tb_next
    for frame in reversed(frames):
        for value in frame.f_locals.values():
            instruction = getattr(value, "instruction", value)
            if isinstance(instruction, Instruction) and id(instruction) in known:
                return origins.span([instruction])[0]
    return 1


def _resolve(passes: Sequence[Pass] | Sequence[str] | None) -> tuple[Pass, ...]:
    if passes is None:
        return select()
    if all(isinstance(p, str) for p in passes):
        return select(include=passes)  # type: ignore[arg-type]
    return tuple(passes)  # type: ignore[arg-type]
