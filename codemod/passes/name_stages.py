"""name-stages: the stages of a multi-stage file get meaningful lower-case names; numbers become
names.

## What it does
In a file with two or more FROM lines, adds ``AS <name>`` to every FROM that has none: the final
stage is ``runtime``; earlier ones are named for what they do (``builder`` compiles, ``test``
runs tests, ``deps`` installs dependencies, ``base`` is what later stages start FROM), else
after their image. ``COPY --from=0`` becomes ``COPY --from=builder``. Names BuildKit's checks
flag are fixed everywhere they are used: upper case (StageNameCasing), a name given twice
(DuplicateStageName: the first stage keeps it), ``scratch`` or ``context`` (ReservedStageName).
Every other name the file has is kept as it is.

A single-stage file is left alone, silently: it has no stage to tell apart and no reference to
name, and the pass that splits it into stages names the stages it creates.

## Why
``--from=0`` breaks silently when a stage is added above; names say what a stage is for and
let ``docker build --target`` pick it.

## Example
    FROM golang:1.22                  FROM golang:1.22 AS builder
    RUN go build -o /app .     ->     RUN go build -o /app .
    FROM scratch                      FROM scratch AS runtime
    COPY --from=0 /app /app           COPY --from=builder /app /app

## Safety
Adding a name, changing a name's case (BuildKit looks names up in lower case, ``--target`` too)
and turning ``COPY --from=<n>`` into the name of stage n are ``safe``: BuildKit builds the same
image. Renaming a name the file already has, for more than its case (a duplicate, a reserved
name), is ``review``, and so are the references that follow it: the image is the same, but a
``--target`` given from outside may now mean another stage. So where the repository around
the Dockerfile builds that stage as a target (compose ``target:``, bake files, Makefiles, CI
files, scripts: see ``codemod.targets``), the stage keeps its name and the pass says where.
``FROM 0`` and ``--mount=...,from=0`` are ``review``: BuildKit reads a number there as an
*image* name (stage numbers work only in COPY --from), so pointing them at stage 0 changes the
build, to what the number most likely meant.

A new name never changes what another reference means. As in BuildKit, a stage name captures
``FROM x`` only on FROM lines after that stage, and ``COPY --from=x`` or ``--mount=from=x``
anywhere; a name is free for a stage unless giving it would turn such an image reference into
a stage reference, or it is already a stage's name, or it is reserved.

## Caveats
- References written with variables (``--from=${STAGE}``) are never touched; a stage they might
  name keeps its name, and when one has no known value, every existing name is kept.
- A flag or name written with quotes or continuations inside is left as it is, and then the
  stage it names is not renamed.
- The search for build targets reads text (``--target name``, ``target: name``, ...): a target
  given through a variable (``--target $(TARGET)``) is not seen, and a ``--target`` of another
  tool (a compiler's) with the same word keeps a name that could have changed. Without a path
  (standard input) there is no search. A case change is made even where a target names the
  stage: BuildKit finds the target in lower case.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Callable

from .. import ecosystems, model as dockermodel, targets
from ..cst import Dockerfile, Instruction
from ..edit import splice
from ..model import Model, Reference, Stage
from .base import REVIEW, SAFE, Context, Note, Outcome, Pass, Proposal, change_key

PASS_NAME = "name-stages"
RESERVED = dockermodel.RESERVED_NAMES
_FIELD_FROM = re.compile(r"(?:(?<=^)|(?<=,))from=([^,\"'\s]*)")

#: What an earlier stage is named for, by the first kind of command it runs (in this order).
ACTIVITIES: tuple[tuple[str, str, str], ...] = (
    ("build", "builder", "it builds ({})"),
    ("test", "test", "it runs tests ({})"),
    ("install", "deps", "it installs dependencies ({})"),
)
#: Why an existing name is changed, by what is wrong with it.
RENAME_REASONS: dict[str, str] = {
    "case": "stage names are lower case (StageNameCasing)",
    "duplicate": "an earlier stage is named {key!r} too (DuplicateStageName)",
    "reserved": "{key!r} is reserved by BuildKit (ReservedStageName)",
}
#: The new name's pattern when an existing name must change.
RENAME_PATTERNS: dict[str, str] = {"duplicate": "{key}", "reserved": "{key}-stage"}
#: How many places that build a target a note lists.
SHOWN_TARGETS = 3


@dataclass(frozen=True)
class Naming:
    """The name a stage is to have, why, and how safe the change is."""

    name: str
    reason: str
    safety: str = SAFE


@dataclass(frozen=True)
class Role:
    """What an unnamed stage is, by what it does."""

    name: str
    reason: str
    #: The ecosystem's label, to tell two stages of one role apart (``go-builder``).
    label: str = ""
    #: Named after its base image (nothing it does has a name).
    from_image: bool = False


@dataclass(frozen=True)
class Rewrite:
    """A reference made to say the new name of the stage it means: text[start:end] becomes new."""

    reference: Reference
    new: str
    start: int
    end: int
    safety: str
    why: str


def run(tree: Dockerfile, context: Context) -> Outcome:
    model = Model.of(tree)
    if len(model.stages) < 2:
        return Outcome(tree)
    notes: list[Note] = []
    names = _plan_names(model, functools.cache(lambda: targets.targets_for(context.path)), notes)
    for index in _blocked(model, names, notes):
        if model.stages[index].name is not None:
            names[index] = None
    rewrites = _rewrites(model, names, notes)

    # Each change: (explanation, safety, instruction, edit, the stage it names, is it the naming).
    offered: list[tuple[str, str, Instruction, tuple[int, int, str], int, bool]] = []
    for stage in model.stages:
        naming = names[stage.index]
        if naming is None:
            continue
        instruction = stage.from_instruction
        if stage.name_part is None:
            assert stage.image is not None
            edit = (stage.image.end, stage.image.end, f" {_as(stage)} {naming.name}")
            offered.append((f"named the stage {naming.name!r}: {naming.reason}", naming.safety, instruction, edit, stage.index, True))
        else:
            part = stage.name_part
            edit = (part.start, part.end, naming.name)
            offered.append((f"renamed stage {stage.name!r} to {naming.name!r}: {naming.reason}", naming.safety, instruction, edit, stage.index, True))
    for rewrite in rewrites:
        target = rewrite.reference.target.index if rewrite.reference.target is not None else -1
        offered.append((f"{_describe(rewrite.reference)} -> {rewrite.new}: {rewrite.why}", rewrite.safety, rewrite.reference.instruction, (rewrite.start, rewrite.end, rewrite.new), target, False))
    offered = _permitted(offered, model, names, context)

    edits: dict[int, list[tuple[int, int, str]]] = {}
    for _, _, instruction, edit, _, _ in offered:
        edits.setdefault(id(instruction), []).append(edit)
    if not edits:
        return Outcome(tree, notes=notes)
    replaced: dict[int, Instruction] = {}
    for instruction in tree.instructions:
        if id(instruction) in edits:
            replaced[id(instruction)] = splice(instruction, edits[id(instruction)])
    new_tree = tree.with_changes(instructions=tuple(replaced.get(id(i), i) for i in tree.instructions))
    outcome = Outcome(new_tree, notes=notes)
    naming_keys = {index: change_key(PASS_NAME, text, (where,)) for text, _, where, _, index, is_naming in offered if is_naming}
    for explanation, safety, instruction, _, index, is_naming in offered:
        requires = () if is_naming or index not in naming_keys else (naming_keys[index],)
        outcome.proposals.append(Proposal(explanation, safety, (instruction,), (replaced[id(instruction)],), requires))
    return outcome


def _permitted(
    offered: list[tuple[str, str, Instruction, tuple[int, int, str], int, bool]],
    model: Model,
    names: list,
    context: Context,
) -> list[tuple[str, str, Instruction, tuple[int, int, str], int, bool]]:
    """The changes the engine allows, kept consistent: a reference follows only a naming that
    is made, and a stage that had a name is renamed only with every reference to it."""
    if context.allow is None:
        return offered
    allowed = [context.permits(PASS_NAME, e, s, (i,)) for e, s, i, _, _, _ in offered]
    named = {index for (_, _, _, _, index, naming), ok in zip(offered, allowed) if naming and ok}
    renamed_stages = {index for _, _, _, _, index, naming in offered if naming and model.stages[index].name is not None}
    changed = True
    while changed:
        changed = False
        for n, (_, _, _, _, index, naming) in enumerate(offered):
            if not allowed[n] or naming:
                continue
            if any(o[4] == index and o[5] for o in offered) and index not in named:
                allowed[n] = False
                changed = True
        for index in list(named & renamed_stages):
            if not all(allowed[n] for n, o in enumerate(offered) if o[4] == index and not o[5]):
                named.discard(index)
                for n, o in enumerate(offered):
                    if o[4] == index:
                        allowed[n] = False
                changed = True
    return [o for o, ok in zip(offered, allowed) if ok]


# --- references -----------------------------------------------------------------------------------


def _resolved(model: Model, reference: Reference) -> Stage | None:
    """The stage a reference means: the model's answer, or, for ``FROM 0`` and
    ``--mount=from=0`` (image names to BuildKit), the stage the number stands for."""
    if reference.target is not None or reference.variable or not reference.value.isdigit():
        return reference.target
    index = int(reference.value)
    if reference.kind == "from" and index < reference.stage.index:
        return model.stages[index]
    if reference.kind == "mount" and index < len(model.stages):
        return model.stages[index]
    return None


def _blocked(model: Model, names: list[Naming | None], notes: list[Note]) -> set[int]:
    """Stages whose planned rename cannot be made everywhere: a reference names them through a
    variable or is written in a way this pass does not rewrite, or the name spans lines."""
    blocked: set[int] = set()
    for stage in model.stages:
        naming = names[stage.index]
        part = stage.name_part
        if naming is not None and part is not None and part.end - part.start != len(part.text):
            blocked.add(stage.index)
            notes.append(Note(f"stage name {stage.name!r} spans a continuation; left as it is", (stage.from_instruction,)))
    for reference in model.references:
        target = reference.target
        if target is None or reference.by_index or target.index in blocked:
            continue
        naming = names[target.index]
        if target.name is None or naming is None or naming.name == target.name:
            continue
        if reference.variable:
            blocked.add(target.index)
            notes.append(Note(f"{_describe(reference)} names stage {target.name!r} through a variable; that stage keeps its name", (reference.instruction,)))
        elif reference.value != naming.name and _value_span(reference) is None:
            blocked.add(target.index)
            notes.append(Note(
                f"{_describe(reference)} is written with quotes, escapes or a continuation inside, which this pass "
                f"does not rewrite; stage {target.index} keeps its name {target.name!r}",
                (reference.instruction,),
            ))
    return blocked


def _rewrites(model: Model, names: list[Naming | None], notes: list[Note]) -> list[Rewrite]:
    """Every reference made to say the final name of the stage it means."""
    found: list[Rewrite] = []
    for reference in model.references:
        target = _resolved(model, reference)
        if target is None or reference.variable:
            continue
        naming = names[target.index]
        current = naming.name if naming is not None else target.name
        if current is None or reference.value == current:
            continue
        by_name = reference.target is target and not reference.by_index
        if by_name and naming is None and current != current.lower():
            continue  # the stage keeps a name that is not lower case; so do its references
        span = _value_span(reference)
        if span is None:
            if reference.by_index:
                notes.append(Note(
                    f"{_describe(reference)} is written with quotes, escapes or a continuation inside, which this pass "
                    f"does not rewrite; it still names stage {target.index} by its number",
                    (reference.instruction,),
                ))
            continue
        if reference.by_index:
            safety, why = SAFE, f"stage {target.index} is now named {current!r}"
        elif by_name and naming is not None:
            safety, why = naming.safety, f"the stage is now named {current!r}"
        elif by_name:
            safety, why = SAFE, f"the stage is named {current!r} (BuildKit compares stage names in lower case)"
        else:
            safety = REVIEW
            why = (
                f"BuildKit reads {reference.value!r} here as an image name (stage numbers work only in "
                f"COPY --from); pointed at stage {target.index}, {current!r}, which the number stands for"
            )
        found.append(Rewrite(reference, current, span[0], span[1], safety, why))
    return found


def _as(stage: Stage) -> str:
    """``AS`` in the case of the FROM keyword it follows (BuildKit's FromAsCasing)."""
    keyword = stage.command.keyword.text
    return "as" if keyword.islower() else "AS"


def _describe(reference: Reference) -> str:
    if reference.kind == "from":
        return f"FROM {reference.value}"
    if reference.kind == "copy":
        return f"COPY {reference.part.text}"
    return f"RUN --mount from={reference.value}"


def _value_span(reference: Reference) -> tuple[int, int] | None:
    """Where the stage reference's value is in the instruction's text, when it is written
    plainly (no quotes, escapes or continuations inside the flag)."""
    part = reference.part
    if part.end - part.start != len(part.text):
        return None
    if reference.kind == "from":
        return part.start, part.end
    if any(ch in part.text for ch in "\"'\\"):
        return None
    if reference.kind == "copy":
        prefix = "--from="
        return part.start + len(prefix), part.end
    body = part.text[len("--mount="):]
    match = _FIELD_FROM.search(body)
    if match is None:
        return None
    offset = part.start + len("--mount=")
    return offset + match.start(1), offset + match.end(1)


# --- choosing names -------------------------------------------------------------------------------


@dataclass
class _Names:
    """The names in use, and the image references a new name must not capture."""

    #: Stage names (lower case) the file will have.
    used: set[str] = field(default_factory=set)
    #: Image names read by COPY --from and --mount=from (captured by a stage of that name anywhere).
    anywhere: set[str] = field(default_factory=set)
    #: Image names read by FROM, with the index of the stage whose FROM reads them (captured
    #: by a stage of that name before it).
    before: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, model: Model) -> _Names:
        names = cls()
        for reference in model.references:
            if reference.target is not None or (reference.variable and reference.expanded is None):
                continue
            key = (reference.expanded or reference.value).lower()
            if reference.kind == "from":
                names.before[key] = max(names.before.get(key, -1), reference.stage.index)
            else:
                names.anywhere.add(key)
        return names

    def captures(self, name: str, stage: Stage) -> bool:
        """Whether naming ``stage`` ``name`` would turn an image reference into a reference to it."""
        return name in self.anywhere or self.before.get(name, -1) > stage.index

    def free(self, name: str, stage: Stage) -> bool:
        return name not in self.used and name not in RESERVED and not self.captures(name, stage)

    def unique(self, name: str, stage: Stage) -> str:
        candidate, n = name, 2
        while not self.free(candidate, stage):
            candidate, n = f"{name}-{n}", n + 1
        return candidate


def _plan_names(model: Model, lookup: Callable[[], targets.Targets], notes: list[Note]) -> list[Naming | None]:
    """The name every stage should have (None: leave it as it is), and why."""
    stages = model.stages
    names: list[Naming | None] = [None] * len(stages)
    taken = _Names.of(model)
    # A reference whose variable has no known value could name any stage: leave names alone.
    unknown = [r for r in model.references if r.variable and r.expanded is None]
    if unknown:
        notes.append(Note(
            f"{_describe(unknown[0])} names a stage or image through a variable with no known value; "
            "existing stage names are left as they are",
            (unknown[0].instruction,),
        ))

    # Existing names: keep the valid ones (the first of a name given twice), in lower case.
    wrong: list[tuple[Stage, str]] = []
    for stage in stages:
        if stage.name is None or stage.key is None:
            continue
        if unknown:
            taken.used.add(stage.key)
        elif not dockermodel.VALID_NAME.match(stage.key):
            notes.append(Note(f"stage name {stage.name!r} is not one BuildKit accepts ([a-z][a-z0-9-_.]*); left as it is", (stage.from_instruction,)))
            taken.used.add(stage.key)
        elif stage.key in RESERVED:
            wrong.append((stage, "reserved"))
        elif stage.key in taken.used:
            wrong.append((stage, "duplicate"))
        else:
            taken.used.add(stage.key)
            if stage.name != stage.key:
                names[stage.index] = Naming(stage.key, RENAME_REASONS["case"])

    # Reserved and duplicate names: renamed (review), unless the repository builds them as targets.
    for stage, problem in wrong:
        key = stage.key or ""
        reason = RENAME_REASONS[problem].format(key=key)
        uses = lookup().named(key)
        if uses:
            shown = ", ".join(str(use) for use in uses[:SHOWN_TARGETS])
            more = f" and {len(uses) - SHOWN_TARGETS} more" if len(uses) > SHOWN_TARGETS else ""
            notes.append(Note(
                f"stage {stage.name!r} keeps its name ({reason}): the repository builds it as a target ({shown}{more})",
                (stage.from_instruction,),
            ))
            continue
        new = taken.unique(RENAME_PATTERNS[problem].format(key=key), stage)
        taken.used.add(new)
        names[stage.index] = Naming(new, reason + _searched(lookup()), REVIEW)

    # Unnamed stages.
    for stage in stages:
        if stage.name is not None:
            continue
        if stage.image is None:
            notes.append(Note("FROM is not `FROM [--platform=...] image [AS name]`; not named", (stage.from_instruction,)))
            continue
        role = _role(model, stage)
        name, reason = role.name, role.reason
        if role.name == "runtime" and not taken.free(name, stage):
            name = "final"
        if role.from_image and not taken.free(name, stage):
            name, reason = f"stage-{stage.index}", "nothing it does has a better name (its image name is taken)"
        if not taken.free(name, stage):
            name = taken.unique(f"{role.label}-{name}" if role.label else name, stage)
        taken.used.add(name)
        names[stage.index] = Naming(name, reason)
    return names


def _searched(found: targets.Targets) -> str:
    """What the search for build targets says about a rename it did not stop."""
    if not found.searched_any:
        return ""
    if found.complete:
        files = "file" if found.searched == 1 else "files"
        return f"; no build target in the repository names it ({found.searched} {files} searched)"
    return f"; the search for build targets stopped after {found.searched} files, a target elsewhere may name it"


def _role(model: Model, stage: Stage) -> Role:
    """What an unnamed stage is named for."""
    if stage is model.final:
        return Role("runtime", "the final stage is the image that runs")
    commands = [c for instruction in stage.body for s in dockermodel.scripts(instruction) for c in s.commands]
    image = stage.image.text if stage.image else ""
    ecosystem = ecosystems.for_image(image)
    label = ecosystem.label if ecosystem is not None else ""
    found = [(kind, name, why, ecosystems.matching(commands, kind)) for kind, name, why in ACTIVITIES]
    for _, _, _, matches in found:
        if matches and not label:
            label = matches[0][0].label
    for _, name, why, matches in found:
        if matches:
            return Role(name, why.format(_show(matches[0][1])), label)
    is_base = any(
        model.base_of(other) is stage or (other.image is not None and other.image.text == str(stage.index) and other.index > stage.index)
        for other in model.stages
    )
    if is_base:
        return Role("base", "later stages start FROM it", label)
    if model.copied_from(stage):
        return Role("builder", "later stages copy files from it", label)
    fallback = re.sub(r"[^a-z0-9]+", "-", ecosystems.image_name(image)).strip("-")
    if fallback and dockermodel.VALID_NAME.match(fallback) and fallback not in RESERVED:
        return Role(fallback, f"named after its base image {image}", from_image=True)
    return Role(f"stage-{stage.index}", "nothing it does has a better name")


def _show(command: object) -> str:
    words = getattr(command, "words", ())
    return " ".join(w.text for w in words[:3])


PASS = Pass(
    name=PASS_NAME,
    summary="Give the stages of a multi-stage file meaningful lower-case names; turn stage numbers into names.",
    safety=SAFE,
    run=run,
    classes=(SAFE, REVIEW),
)
