"""name-stages: every stage gets a meaningful lower-case name; numbers become names.

## What it does
Adds ``AS <name>`` to every FROM: the final stage is ``runtime``; earlier ones are named for
what they do (``builder`` compiles, ``test`` runs tests, ``deps`` installs dependencies,
``base`` is what later stages start FROM). ``COPY --from=0`` becomes ``COPY --from=builder``.
Names BuildKit's checks flag are fixed everywhere they are used: upper case (StageNameCasing),
a name given twice (DuplicateStageName), ``scratch`` or ``context`` (ReservedStageName).

## Why
``--from=0`` breaks silently when a stage is added above; names say what a stage is for and
let ``docker build --target`` pick it.

## Example
    FROM golang:1.22                  FROM golang:1.22 AS builder
    RUN go build -o /app .     ->     RUN go build -o /app .
    FROM scratch                      FROM scratch AS runtime
    COPY --from=0 /app /app           COPY --from=builder /app /app

## Safety
Adding names and turning ``COPY --from=<n>`` into the name of stage n is ``safe``: BuildKit
builds the same image. Renaming a duplicate or reserved name is ``review``: the image is the
same, but a ``--target`` given from outside may now mean another stage. ``FROM 0`` and
``--mount=...,from=0`` are ``review``: BuildKit reads a number there as an *image* name
(stage numbers work only in COPY --from), so pointing them at stage 0 changes the build, to
what the number most likely meant.

## Caveats
- References written with variables (``--from=${STAGE}``) are never touched; a stage they might
  name keeps its name.
- A flag written with quotes or continuations inside is left as it is, and then the stage it
  names is not renamed.
"""

from __future__ import annotations

import re

from .. import ecosystems, model as dockermodel
from ..cst import Dockerfile, Instruction
from ..edit import splice
from ..model import Model, Reference, Stage
from .base import REVIEW, SAFE, Context, Note, Outcome, Pass, Proposal

RESERVED = dockermodel.RESERVED_NAMES
_FIELD_FROM = re.compile(r"(?:(?<=^)|(?<=,))from=([^,\"'\s]*)")


def run(tree: Dockerfile, context: Context) -> Outcome:
    model = Model(tree)
    if not model.stages:
        return Outcome(tree)
    notes: list[Note] = []
    names, reasons = _plan_names(model, notes)

    edits: dict[int, list[tuple[int, int, str]]] = {}
    proposals: list[tuple[str, str, Instruction]] = []
    blocked: set[int] = set()

    # References first: a stage whose references cannot all be rewritten keeps its name.
    rewrites: list[tuple[Reference, str, int, int, str, str]] = []
    for reference in model.references:
        target = reference.target
        if reference.variable:
            if target is not None and target.name is not None and names[target.index] not in (None, target.name):
                blocked.add(target.index)
                notes.append(Note(f"{_describe(reference)} names stage {target.name!r} through a variable; that stage keeps its name", (reference.instruction,)))
            continue
        if reference.kind == "from" and target is None and reference.value.isdigit():
            index = int(reference.value)
            if index < reference.stage.index:
                target = model.stages[index]
        if reference.kind == "mount" and target is None and reference.value.isdigit():
            index = int(reference.value)
            if index < len(model.stages):
                target = model.stages[index]
        if target is None:
            continue
        new = names[target.index]
        if new is None:
            new = target.name.lower() if target.name else None
        if new is None or reference.value == new:
            continue
        span = _value_span(reference)
        if span is None:
            blocked.add(target.index)
            if reference.by_index:
                consequence = f"it still names stage {target.index} by its number"
            else:
                consequence = f"stage {target.index} keeps its name {target.name!r}"
            notes.append(Note(f"{_describe(reference)} is written with quotes, escapes or a continuation inside, which this pass does not rewrite; {consequence}", (reference.instruction,)))
            continue
        if reference.by_index or reference.value.lower() == new or reference.value.lower() == (target.key or ""):
            safety = SAFE
            why = f"stage {target.index} is now named {new!r}" if reference.by_index else f"the stage is now named {new!r}"
        else:
            safety = REVIEW
            why = (
                f"BuildKit reads {reference.value!r} here as an image name (stage numbers work only in "
                f"COPY --from); pointed at stage {target.index}, {new!r}, which the number stands for"
            )
        rewrites.append((reference, new, span[0], span[1], safety, why))

    for stage in model.stages:
        new = names[stage.index]
        if new is None or stage.index in blocked and stage.name is not None:
            continue
        instruction = stage.from_instruction
        if stage.name_part is None:
            assert stage.image is not None
            edits.setdefault(id(instruction), []).append((stage.image.end, stage.image.end, f" {_as(stage)} {new}"))
            proposals.append((f"named the stage {new!r}: {reasons[stage.index]}", SAFE, instruction))
        elif stage.name != new:
            part = stage.name_part
            if part.end - part.start != len(part.text):
                notes.append(Note(f"stage name {stage.name!r} spans a continuation; left as it is", (instruction,)))
                continue
            edits.setdefault(id(instruction), []).append((part.start, part.end, new))
            safety = SAFE if (stage.key or "") == new else REVIEW
            proposals.append((f"renamed stage {stage.name!r} to {new!r}: {reasons[stage.index]}", safety, instruction))

    for reference, new, start, end, safety, why in rewrites:
        if reference.target is not None and reference.target.index in blocked and reference.target.name is not None:
            continue
        edits.setdefault(id(reference.instruction), []).append((start, end, new))
        proposals.append((f"{_describe(reference)} -> {new}: {why}", safety, reference.instruction))

    if not edits:
        return Outcome(tree, notes=notes)
    replaced: dict[int, Instruction] = {}
    for instruction in tree.instructions:
        if id(instruction) in edits:
            replaced[id(instruction)] = splice(instruction, edits[id(instruction)])
    new_tree = tree.with_changes(instructions=tuple(replaced.get(id(i), i) for i in tree.instructions))
    outcome = Outcome(new_tree, notes=notes)
    for explanation, safety, instruction in proposals:
        outcome.proposals.append(Proposal(explanation, safety, (instruction,), (replaced[id(instruction)],)))
    return outcome


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


def _plan_names(model: Model, notes: list[Note]) -> tuple[list[str | None], list[str]]:
    """The name every stage should have (None: leave as it is) and why."""
    stages = model.stages
    names: list[str | None] = [None] * len(stages)
    reasons = [""] * len(stages)
    # A new name must not capture a reference that names an image (FROM alpine, --from=nginx):
    # BuildKit would read it as the stage from then on.
    taken: set[str] = {(r.expanded or r.value).lower() for r in model.references if r.target is None}
    # A reference whose variable has no known value could name any stage: leave names alone.
    unknown = [r for r in model.references if r.variable and r.expanded is None]
    if unknown:
        notes.append(Note(
            f"{_describe(unknown[0])} names a stage or image through a variable with no known value; "
            "existing stage names are left as they are",
            (unknown[0].instruction,),
        ))

    # Existing names: keep the valid ones (the first of a name given twice); fix case,
    # duplicates and reserved words.
    keep: dict[int, str] = {}
    for stage in stages:
        if stage.name is None or stage.key is None:
            continue
        if unknown:
            keep[stage.index] = stage.name
            taken.add(stage.key)
            continue
        if not dockermodel.VALID_NAME.match(stage.key):
            notes.append(Note(f"stage name {stage.name!r} is not one BuildKit accepts ([a-z][a-z0-9-_.]*); left as it is", (stage.from_instruction,)))
            keep[stage.index] = stage.name
            taken.add(stage.key)
            continue
        if stage.key in RESERVED or stage.key in taken:
            continue
        keep[stage.index] = stage.key
        taken.add(stage.key)
    for stage in stages:
        if stage.name is None or stage.index in keep:
            continue
        key = stage.key or ""
        if key in RESERVED:
            new = _unique(f"{key}-stage", taken)
            reasons[stage.index] = f"{key!r} is reserved by BuildKit (ReservedStageName)"
        else:
            new = _unique(key, taken)
            reasons[stage.index] = f"an earlier stage is named {key!r} too (DuplicateStageName)"
        taken.add(new)
        names[stage.index] = new
    for index, name in keep.items():
        stage = stages[index]
        if stage.name != name:
            names[index] = name
            reasons[index] = "stage names are lower case (StageNameCasing)"

    # Unnamed stages.
    for stage in stages:
        if stage.name is not None:
            continue
        if stage.image is None:
            notes.append(Note("FROM is not `FROM [--platform=...] image [AS name]`; not named", (stage.from_instruction,)))
            continue
        role, reason, label = _role(model, stage)
        if role == "runtime" and role in taken:
            role = "final"
        if role in taken and reason.startswith("named after its base image"):
            role, reason = f"stage-{stage.index}", "nothing it does has a better name (its image name is taken)"
        new = role if role not in taken else _unique(f"{label}-{role}" if label else role, taken)
        taken.add(new)
        names[stage.index] = new
        reasons[stage.index] = reason
    return names, reasons


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}-{n}" in taken:
        n += 1
    return f"{name}-{n}"


def _role(model: Model, stage: Stage) -> tuple[str, str, str]:
    """(name, why, ecosystem label) for an unnamed stage."""
    if stage is model.final:
        return "runtime", "the final stage is the image that runs", ""
    commands = [c for instruction in stage.body for s in dockermodel.scripts(instruction) for c in s.commands]
    image = stage.image.text if stage.image else ""
    label = ""
    ecosystem = ecosystems.for_image(image)
    if ecosystem is not None:
        label = ecosystem.label
    tests = ecosystems.matching(commands, "test")
    builds = ecosystems.matching(commands, "build")
    installs = ecosystems.matching(commands, "install")
    for found in (builds, tests, installs):
        if found and not label:
            label = found[0][0].label
    is_base = any(
        model.base_of(other) is stage or (other.image is not None and other.image.text == str(stage.index) and other.index > stage.index)
        for other in model.stages
    )
    if tests and not builds:
        return "test", f"it runs tests ({_show(tests[0][1])})", label
    if builds:
        return "builder", f"it builds ({_show(builds[0][1])})", label
    if installs:
        return "deps", f"it installs dependencies ({_show(installs[0][1])})", label
    if is_base:
        return "base", "later stages start FROM it", label
    if model.copied_from(stage):
        return "builder", "later stages copy files from it", label
    fallback = re.sub(r"[^a-z0-9]+", "-", ecosystems.image_name(image)).strip("-")
    if fallback and dockermodel.VALID_NAME.match(fallback) and fallback not in RESERVED:
        return fallback, f"named after its base image {image}", ""
    return f"stage-{stage.index}", "nothing it does has a better name", ""


def _show(command: object) -> str:
    words = getattr(command, "words", ())
    return " ".join(w.text for w in words[:3])


PASS = Pass(
    name="name-stages",
    summary="Give every stage a meaningful lower-case name; turn stage numbers into names.",
    safety=SAFE,
    run=run,
)
