"""order-copies: the dependency manifests are copied and installed before the sources.

## What it does
Where a stage runs a dependency install (``npm ci``, ``pip install -r requirements.txt``,
``go mod download``, ``bundle install``, ``poetry install``...; the table is
``codemod/knowledge/installs.py``) after a COPY that brings the manifests along with the sources
(``COPY . .``, ``COPY ./ /app``, ``COPY src/ ./`` holding them), it inserts before that COPY a
COPY of just the manifests to the same destination (same ``--chown``, ``--chmod``, ``--link``;
the destination resolved against WORKDIR) and the install, so that a change to the sources no
longer invalidates the dependency layer. An install that needs nothing but the manifests moves
(when it opens a RUN that goes on with other commands, such as ``npm ci && npm run build``, the
RUN is split there); where the build needs the sources (``go build``, ``poetry install``), a
dependency-only step (``go mod download``, ``poetry install --no-root``) is inserted and the
build stays. Instructions between the COPY and the install that the install may rely on and
that do not read the sources (ENV, ARG, USER, LABEL, EXPOSE, system package installs) move
along, in order.

With the build context (``--context``, a compose or bake file, or the Dockerfile's directory
holding every COPY source) it copies exactly the manifests that exist and are not excluded by
``.dockerignore``, follows the files the install reads (``-r`` includes of requirement files),
and declines where a lifecycle script (npm ``postinstall``...) or a local path needs the sources.
Without it, it acts only where the install command itself guarantees its manifests, writes the
optional ones as patterns that may match nothing (``.npmr[c]``) beside one that must exist, and
says what it assumed.

## Why
``COPY . .`` before the install makes every source edit download and build every dependency
again: the most common cache mistake in real Dockerfiles (hadolint and BuildKit only report it).

## Example
    WORKDIR /app                      WORKDIR /app
    COPY . .                          COPY package.json package-lock.jso[n] npm-shrinkwrap.jso[n] .npmr[c] ./
    RUN npm ci                  ->    RUN npm ci
    RUN npm run build                 COPY . .
                                      RUN npm run build

## Safety
``review``: the layers and the build cache change on purpose; the image's files and
configuration must not (the ``verify`` command builds both to show it).

## Caveats (it declines, and says why with --explain)
- An instruction between the source COPY and the install that may read the sources (a RUN it
  cannot prove source-free, another COPY or ADD, WORKDIR, VOLUME), or a COPY whose sources or
  destination use variables the moved instructions change.
- A COPY with several directory sources (without the context), ``--from``, ``--exclude``,
  ``--parents``, a heredoc, or quoted or variable paths; an install in a RUN that is not its
  first command, follows ``cd``, or is joined with ``;`` or ``||``.
- Installs the table marks as needing the context (Yarn 2+, pnpm, composer, Maven, Gradle,
  cargo, uv and pdm) when there is none; ``pip install -e``/``.``; Go before 1.16 or vendored;
  a manifest the ``.dockerignore`` excludes; ``node_modules`` (or ``.venv``, ``vendor``) present
  in the context and not excluded, which the later ``COPY . .`` would copy over the install.
- Windows images, a non-POSIX SHELL and the backtick escape.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import posixpath
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from .. import commands, shell
from ..commands import Invocation
from ..cst import BLANK, Command, Dockerfile, Instruction
from ..edit import parse_fragment_instructions, reparse, source_offset, style_of
from ..knowledge import images
from ..knowledge.installs import Install, find
from ..knowledge.managers import BY_NAME, MANAGERS
from ..model import Model, Stage
from ..steps import describe
from .base import REVIEW, Context, FileEdit, Note, Outcome, Pass, Proposal

#: Instructions that only set what later steps see or the image's configuration: they move
#: with the install when they stand between the source COPY and it.
_METADATA = frozenset({"env", "arg", "user", "label", "expose", "stopsignal", "healthcheck", "cmd", "entrypoint", "onbuild", "maintainer", "shell"})
#: Programs a RUN may run and still be known not to read the sources.
_SOURCE_FREE = frozenset({
    "useradd", "groupadd", "adduser", "addgroup", "usermod", "mkdir", "ln", "echo", "printf", "true", ":",
    "export", "set", "unset", "locale-gen", "update-locale", "update-ca-certificates", "update-alternatives",
    "corepack", "ldconfig", "a2enmod", "a2dismod", "a2ensite", "a2dissite", "a2enconf", "a2disconf",
    "docker-php-ext-install", "docker-php-ext-configure", "docker-php-ext-enable", "phpenmod",
})
#: Where a program installs packages that the later source COPY would copy over.
_PRODUCED = {"node": ("node_modules",), "python": (".venv", "venv"), "ruby": ("vendor/bundle",), "php": ("vendor",), "go": ()}
_BASE = "/@workdir"  # the base image's WORKDIR, when the Dockerfile sets none


@dataclass(frozen=True)
class _Found:
    """An install that runs after the sources were copied."""

    stage: Stage
    copy: Instruction
    install: Instruction
    invocation: Invocation
    row: Install
    between: tuple[Instruction, ...]
    workdir: str


@dataclass
class _Plan:
    manifests: list[str] = field(default_factory=list)
    #: Extra (source, destination) COPYs for directories and workspace members.
    extra: list[tuple[str, str]] = field(default_factory=list)
    assumed: str = ""


def run(tree: Dockerfile, context: Context) -> Outcome:
    model = Model.of(tree)
    notes: list[Note] = []
    for stage in model.stages:
        found = _find(stage, model)
        if found is None:
            continue
        outcome = _rewrite(tree, model, found, _build_context(tree, context), notes)
        if outcome is not None and all(context.permits(PASS.name, p.explanation, p.safety, p.about) for p in outcome.proposals):
            outcome.notes[:0] = notes
            return outcome  # one change per round: the next round sees the new tree
    return Outcome(tree, notes=notes)


# --- the build context -------------------------------------------------------------------------


def _build_context(tree: Dockerfile, context: Context) -> object | None:
    """The build context (``codemod.context.BuildContext``) or None: looked for only where the
    pass has something to do, and once for the same file and sources."""
    if context.path in ("-", "") and not context.build_context:
        return None
    if context.build_context == "none":
        return None
    return _resolved(context.path, context.build_context, tuple(_literal_sources(tree)))


@functools.lru_cache(maxsize=256)
def _resolved(path: str, explicit: str | None, sources: tuple[str, ...]) -> object | None:
    from .. import context as contexts

    dockerfile = Path(path) if path not in ("-", "") else Path(explicit or ".") / "Dockerfile"
    found, _why = contexts.resolve(dockerfile, explicit, sources=list(sources))
    return found


def _literal_sources(tree: Dockerfile) -> list[str]:
    found: list[str] = []
    for instruction in tree.instructions:
        if instruction.word not in ("copy", "add"):
            continue
        command = instruction.command
        if command is None or command.flag("from") is not None or instruction.heredocs:
            continue
        words = _words(command)
        if words is None:
            continue
        found.extend(w for w in words[:-1] if "$" not in w and "://" not in w)
    return found


# --- finding the pattern ---------------------------------------------------------------------


def _words(command: Command) -> list[str] | None:
    """COPY/ADD arguments when written plainly (no quotes, escapes or variables)."""
    if command.form != "words":
        return None
    words = [p.text for p in command.args]
    if any(ch in w for w in words for ch in "\"'\\`"):
        return None
    return words


def _resolve(path: str, workdir: str | None) -> str:
    base = workdir if workdir is not None else _BASE
    joined = path if path.startswith("/") else posixpath.join(base, path)
    return posixpath.normpath(joined)


def _install_of(instruction: Instruction, model: Model) -> tuple[Invocation, Install] | None:
    step = model.step(instruction)
    if step is None or step.script is None:
        return None
    for invocation in step.invocations:
        command = invocation.command
        if command is None or command.depth != 0 or invocation.nested:
            continue
        row = _row(invocation)
        if row is not None:
            return invocation, row
    return None


def _row(invocation: Invocation) -> Install | None:
    program = invocation.program
    if program in ("gradlew",):
        program = "gradle"
    manager = BY_NAME.get("pip") if program == "pip" else None
    if manager is not None:
        words = commands.positionals(invocation, manager)
        if words[:1] != ("install",) or not _requirement_files(invocation):
            return None
        return find("pip", ("install",))
    words = tuple(a for a in invocation.args if not a.startswith("-"))
    if program == "npm" and BY_NAME["npm"] is not None:
        words = commands.positionals(invocation, BY_NAME["npm"])
    return find(program, words)


def _requirement_files(invocation: Invocation) -> list[str]:
    files = []
    args = invocation.args
    for i, arg in enumerate(args):
        for flag in ("-r", "--requirement", "-c", "--constraint"):
            if arg == flag and i + 1 < len(args):
                files.append(args[i + 1])
            elif arg.startswith(flag + "=") and flag.startswith("--"):
                files.append(arg.split("=", 1)[1])
            elif flag in ("-r", "-c") and arg.startswith(flag) and len(arg) > 2 and not arg.startswith("--"):
                files.append(arg[2:])
    return files


def _find(stage: Stage, model: Model) -> _Found | None:
    body = list(stage.body)
    for position, instruction in enumerate(body):
        if instruction.word != "run":
            continue
        hit = _install_of(instruction, model)
        if hit is None:
            continue
        invocation, row = hit
        workdir = _install_dir(instruction, invocation, model)
        for back in range(position - 1, -1, -1):
            earlier = body[back]
            if earlier.word not in ("copy", "add"):
                continue
            command = earlier.command
            if command is None or command.flag("from") is not None:
                continue
            brings = _brings_sources(earlier, model)
            if brings is None:
                if _copies_manifests(earlier, row, model, workdir):
                    break  # the manifests were copied on purpose before the install
                continue  # files for elsewhere: it stands between (and is explained there)
            if brings:
                words = _words(command)
                destination = _resolve(words[-1], model.workdir(earlier)) if words else ""
                inside = posixpath.relpath(workdir, destination) if destination else ".."
                if inside.startswith(".."):
                    continue  # a folder copied elsewhere (COPY src /build/src): not the manifests
                if not row.moves and _has_dependency_step(body[:back], row, model):
                    break
                return _Found(stage, earlier, instruction, invocation, row, tuple(body[back + 1:position]), workdir)
            break
    return None


def _install_dir(instruction: Instruction, invocation: Invocation, model: Model) -> str:
    """Where the install runs: the RUN's WORKDIR, then each literal ``cd`` before it."""
    workdir = model.workdir(instruction) or _BASE
    step = model.step(instruction)
    script = step.script if step is not None else None
    if script is None or invocation.command is None:
        return workdir
    for command in script.top_level:
        if command.start >= invocation.command.start:
            break
        if command.name == "cd" and len(command.args) == 1 and "$" not in command.args[0] and command.args[0] != "-":
            workdir = _resolve(command.args[0], workdir)
    return workdir


def _has_dependency_step(before: list[Instruction], row: Install, model: Model) -> bool:
    """An earlier RUN of the stage already runs the dependency-only step (``go mod download``)."""
    from .. import shell

    assert row.dependency_only is not None
    marker: Invocation | None = None
    if row.dependency_only:
        found, _ = commands.read(shell.parse(row.dependency_only))
        marker = next((i for i in found if i.program == row.program), found[0] if found else None)
    program = marker.program if marker is not None else row.program
    wanted = tuple(a for a in marker.args if not a.startswith("-")) if marker is not None else row.words
    options = {a for a in marker.args if a.startswith("-")} if marker is not None else set()
    for instruction in before:
        if instruction.word != "run":
            continue
        step = model.step(instruction)
        for invocation in step.invocations if step is not None else []:
            positional = tuple(a for a in invocation.args if not a.startswith("-"))
            if invocation.program == program and positional[: len(wanted)] == wanted and options <= set(invocation.args):
                return True
    return False


def _copies_manifests(copy: Instruction, row: Install, model: Model, workdir: str) -> bool:
    """A COPY of named files that puts one of the install's manifests where it runs."""
    command = copy.command
    words = _words(command) if command is not None else None
    if not words or len(words) < 2:
        return False
    names = {name for group in row.required for name in group} | set(row.optional)
    if row.program == "pip":
        return True  # requirement files are named by the command: any COPY of files may be one
    destination = _resolve(words[-1], model.workdir(copy))
    for source in words[:-1]:
        base = posixpath.basename(source.rstrip("/"))
        if any(fnmatch.fnmatchcase(name, base) for name in names) and (destination == workdir or destination.rstrip("/") == workdir):
            return True
        if base in names and posixpath.normpath(destination) == posixpath.normpath(posixpath.join(workdir, base)):
            return True
    return False


def _brings_sources(copy: Instruction, model: Model) -> bool | None:
    """True: a COPY of a directory (``.``, ``./``, ``src/``) that may hold the manifests with the
    sources; None: a COPY of named files; False: one this pass cannot read."""
    command = copy.command
    assert command is not None
    words = _words(command)
    if words is None or len(words) < 2 or copy.heredocs:
        return False
    sources = words[:-1]
    if any("$" in s or "://" in s for s in sources):
        return False
    if any(s in (".", "./", "/") or s.endswith("/") for s in sources):
        return True
    if any(ch in s for s in sources for ch in "*?["):
        return None
    # A plain name: a directory (``COPY app /app``) or a file (``COPY package.json .``).
    if any("." in posixpath.basename(s) for s in sources):
        return None
    return True


# --- the rewrite ---------------------------------------------------------------------------------


def _rewrite(tree: Dockerfile, model: Model, found: _Found, build: object | None, notes: list[Note]) -> Outcome | None:
    install, copy = found.install, found.copy
    subject = f"{found.invocation.display!r} left after {describe(copy)!r}"

    def decline(why: str) -> None:
        notes.append(Note(f"{subject}: {why}", (copy, install)))

    if tree.escape != "\\" or not model.posix_shell(install):
        decline("its shell is not a POSIX shell (SHELL, or the backtick escape of Windows images)")
        return None
    copy_command = copy.command
    assert copy_command is not None
    flags = [p.flag for p in copy_command.flags]
    if any(not f.startswith(("--chown=", "--chmod=", "--link")) for f in flags):
        decline(f"the COPY has flags this pass does not carry over ({', '.join(f for f in flags if not f.startswith(('--chown=', '--chmod=', '--link')))})")
        return None
    moved: list[Instruction] = []
    for between in found.between:
        if _stays(between, model, found) or _run_stays(between, model, found):
            continue  # files for another place: it stays where it is, after the install
        reason = _why_not_movable(between, model, copy, found.workdir)
        if reason:
            decline(f"{describe(between)!r} stands between them and {reason}")
            return None
        moved.append(between)
    run_ = _split_point(found)
    if isinstance(run_, str):
        decline(run_)
        return None
    if run_.workdir != found.workdir:
        found = dataclasses.replace(found, workdir=run_.workdir)
    if found.row.needs_context and build is None:
        decline(f"without the build context: {found.row.needs_context}")
        return None
    if found.row.fetches_more and model.in_final_image(found.stage):
        decline(f"{_dependency_only(found)!r} downloads more than the build uses, and this stage's files are the final image's")
        return None
    words = _words(copy_command)
    assert words is not None
    destination = _resolve(words[-1], model.workdir(copy))
    source = _source_dir(words[:-1])
    if source is None:
        decline("the COPY has several directory sources, and this pass cannot tell which holds the manifests")
        return None
    base_workdir = _base_workdir(model, found.stage) if destination.startswith(_BASE) else None
    if destination.startswith(_BASE) and not words[-1].startswith("/") and base_workdir is None:
        decline("the stage sets no WORKDIR, and the base image's is not known: the manifests' relative destination would rely on it (hadolint DL3045)")
        return None
    rel = posixpath.relpath(found.workdir, destination)
    if rel.startswith(".."):
        decline(f"the install runs in {found.workdir}, outside the COPY's destination {destination}")
        return None
    prefix = posixpath.normpath(posixpath.join(source, rel))
    prefix = "" if prefix in (".", "/") else prefix.lstrip("/").rstrip("/") + "/"
    plan = _plan(found, model, build, prefix)
    if isinstance(plan, str):
        decline(plan)
        return None
    produced = _overwritten(found, build, prefix)
    ignore_edit = _ignore_edit(build, produced) if produced else None
    if produced and ignore_edit is None:
        decline(f"{produced} is in the build context and not excluded by .dockerignore: the later COPY would copy it over what the install made (add it to .dockerignore)")
        return None

    style = style_of(tree)
    keyword = _keyword_case(copy, "COPY")
    run_keyword = _keyword_case(install, "RUN")
    if base_workdir is not None:
        # No WORKDIR in the file: write the destination in full (the base image's WORKDIR).
        dest_text = posixpath.normpath(base_workdir + found.workdir[len(_BASE):]) if found.workdir.startswith(_BASE) else found.workdir
    elif rel == ".":
        dest_text = words[-1]
    else:
        dest_text = found.workdir if not found.workdir.startswith(_BASE) else posixpath.relpath(found.workdir, _BASE)
    if not dest_text.endswith("/"):
        dest_text += "/"
    if dest_text == "./" and words[-1] == ".":
        dest_text = "./"
    flag_text = "".join(f"{f} " for f in flags)
    new_texts: list[str] = []
    for name in [m for m in plan.manifests if "/" in m]:
        plan.manifests.remove(name)  # in a folder of its own: a COPY of its own, to that folder
        plan.extra.insert(0, (name, posixpath.dirname(name)))
    sources = [prefix + m for m in plan.manifests]
    if sources and not _already_copied(found, sources, model):
        new_texts.append(f"{keyword} {flag_text}{' '.join(sources)} {dest_text}")
    for src, dst in plan.extra:
        target = posixpath.join(dest_text, dst) if dst not in ("", ".") else dest_text
        new_texts.append(f"{keyword} {flag_text}{prefix + src} {target.rstrip('/')}/")
    install_command = install.command
    assert install_command is not None
    run_flags = "".join(f"{p.text} " for p in install_command.flags)
    if found.row.moves:
        new_texts.append(f"{run_keyword} {run_flags}{run_.moved_text}")
    else:
        assert found.row.dependency_only is not None
        new_texts.append(f"{run_keyword} {run_flags}{run_.prefix}{_dependency_only(found)}")
    inserted = parse_fragment_instructions([t + style.newline for t in new_texts], tree.escape)
    if inserted is None:
        decline("the instructions it would write do not parse")
        return None

    kept_install: Instruction | None = install
    if found.row.moves:
        kept_install = None if run_.rest is None else reparse(install, run_.rest)
    order: list[Instruction] = []
    same: list[tuple[Instruction, Instruction]] = []
    moved_set = {id(i) for i in moved}
    for instruction in tree.instructions:
        if instruction is copy:
            # The comment and blank lines above the COPY stay where they are: above the block
            # that now comes first (the diff shows only the new lines).
            block = [_without_blank_lines(i) for i in moved] + list(inserted)
            block[0] = block[0].with_changes(leading=copy.leading + block[0].leading)
            order.extend(block)
            bare_copy = copy.with_changes(leading=())
            order.append(bare_copy)
            same = [(new, old) for new, old in zip(block, moved) if new is not old] + [(bare_copy, copy)]
        elif id(instruction) in moved_set:
            continue
        elif instruction is install:
            if kept_install is not None:
                order.append(kept_install)
        else:
            order.append(instruction)
    what = "moved" if found.row.moves else f"added {_dependency_only(found)!r}"
    manifests = ", ".join(plan.manifests + [s for s, _ in plan.extra])
    if found.row.tolerant:
        explanation = (
            f"copied the manifests ({manifests}) and added {_dependency_only(found)!r} before {describe(copy)!r}: "
            f"it fetches the dependencies from the manifests alone, so a change to the sources no longer downloads "
            f"them again; where it cannot, it changes nothing, and {found.invocation.display!r} after the sources works as before"
        )
    else:
        explanation = (
            f"copied the manifests ({manifests}) and {what} "
            f"before {describe(copy)!r}, so a change to the sources no longer repeats {found.invocation.display!r}"
        )
    if moved:
        explanation += f" ({len(moved)} instruction{'s' if len(moved) > 1 else ''} between them moved along, in order)"
    if plan.assumed:
        explanation += f"; assumed {plan.assumed}"
    if ignore_edit is not None:
        explanation += (
            f"; added {produced} to {Path(ignore_edit.path).name} (it is in the build context, and the later "
            "COPY would otherwise copy it over what the install made)"
        )
    before = {id(i) for i in tree.instructions}
    moved_ids = {id(i) for i in moved}
    made = tuple(i for i in order if id(i) not in before or id(i) in moved_ids)
    proposal = Proposal(explanation, REVIEW, (copy, install, *moved), made, same=tuple(same))
    return Outcome(tree.with_changes(instructions=tuple(order)), [proposal], [], [ignore_edit] if ignore_edit else [])


def _without_blank_lines(instruction: Instruction) -> Instruction:
    """A moved instruction keeps the comments above it; the blank lines that separated it from
    its old neighbours stay behind."""
    kept = tuple(line for line in instruction.leading if line.kind != BLANK)
    return instruction if len(kept) == len(instruction.leading) else instruction.with_changes(leading=kept)


def _base_workdir(model: Model, stage: Stage) -> str | None:
    """The WORKDIR of the image the stage's chain starts from, where the image table knows it."""
    image = model.image(stage)
    ref = images.parse_image(image) if image else None
    return images.image_workdir(ref) if ref is not None else None


def _keyword_case(instruction: Instruction, word: str) -> str:
    command = instruction.command
    written = command.keyword.text if command is not None else word
    return word.lower() if written.islower() else word


#: Places whose files a dependency install reads wherever it runs: package-manager
#: configuration, credentials and certificates.
_CONFIG_PLACES = (
    "/root", "/home", "/etc/pip.conf", "/etc/npmrc", "/usr/local/etc", "/etc/gemrc", "/usr/local/bundle",
    "/usr/local/share/.config", "/etc/apt", "/etc/apk", "/etc/yum.repos.d", "/etc/ssl", "/etc/pki",
    "/usr/local/share/ca-certificates", "/etc/ca-certificates", "/usr/share/ca-certificates", "/etc/gitconfig",
)


def _stays(instruction: Instruction, model: Model, found: _Found) -> bool:
    """A COPY or ADD between the source COPY and the install that writes neither where the
    install runs nor where package managers read their configuration: the install does not
    see it, so it stays in place."""
    if instruction.word not in ("copy", "add") or instruction.heredocs:
        return False
    command = instruction.command
    words = _words(command) if command is not None else None
    if not words or len(words) < 2 or "$" in words[-1]:
        return False
    destination = _resolve(words[-1], model.workdir(instruction))
    workdir = found.workdir
    for a, b in ((destination, workdir), (workdir, destination)):
        if not posixpath.relpath(a, b).startswith(".."):
            return False
    return not any(destination == place or destination.startswith(place + "/") for place in _CONFIG_PLACES)


#: Programs that prepare an environment for the install (a virtualenv, pip itself).
_ENVIRONMENT_TOOLS = frozenset({"venv", "virtualenv", "ensurepip"})
#: Programs whose every path argument is a file they change (``sed``'s first word is its script).
_FILE_TOOLS = frozenset({"chmod", "chown", "chgrp", "mkdir", "ln", "cp", "mv", "rm", "touch", "echo", "printf", "sed"})


def _run_stays(instruction: Instruction, model: Model, found: _Found) -> bool:
    """A RUN between the source COPY and the install that only changes files elsewhere (absolute
    paths neither where the install runs nor where package managers read configuration): the
    install does not see it, so it stays in place, after the install."""
    if instruction.word != "run":
        return False
    step = model.step(instruction)
    if step is None or step.script is None or step.unreadable or step.script.unknown:
        return False
    for command in step.script.commands:
        found_, blind = commands.read(shell_script(command))
        if blind or len(found_) != 1 or found_[0].program not in _FILE_TOOLS or found_[0].sudo:
            return False
        invocation = found_[0]
        words = [a for a in invocation.args if not a.startswith("-")]
        if invocation.program == "sed" and words and not any(a in ("-e", "--expression") for a in invocation.args):
            words = words[1:]  # the script
        if invocation.program in ("chmod", "chown", "chgrp") and words:
            words = words[1:]  # the mode or the owner
        if invocation.program in ("echo", "printf"):
            words = []
        paths = words + [target.value for op, target in command.redirects if op in (">", ">>", ">|", "&>")]
        for path in paths:
            if not path.startswith("/") or "$" in path or "*" in path and not path.startswith("/"):
                return False
            resolved = posixpath.normpath(path)
            if not posixpath.relpath(resolved, found.workdir).startswith("..") or not posixpath.relpath(found.workdir, resolved).startswith(".."):
                return False
            if any(resolved == place or resolved.startswith(place + "/") for place in _CONFIG_PLACES):
                return False
    return True


def shell_script(command: shell.SimpleCommand) -> shell.Script:
    """One simple command as a script of its own (to read it alone)."""
    return shell.Script("", [command])


def _why_not_movable(instruction: Instruction, model: Model, copy: Instruction, workdir: str = _BASE) -> str:
    word = instruction.word
    if word in _METADATA:
        if word in ("env", "arg") and "$" in copy.logical.text:
            return "sets variables and the COPY uses variables"
        return ""
    if word == "run":
        step = model.step(instruction)
        if step is None or step.script is None or step.script.unknown or step.script.heredocs:
            return "may read the sources (this pass cannot read all of it)"
        for command in step.script.commands:
            reason = _reads_sources(command, workdir)
            if reason:
                return reason
        return ""
    if word in ("copy", "add"):
        return "copies files the install may read"
    if word == "workdir":
        copy_command = copy.command
        words = _words(copy_command) if copy_command is not None else None
        if words and words[-1].startswith("/") and "$" not in instruction.logical.text:
            return ""  # the COPY's destination is absolute: the WORKDIR does not change it
        return "changes the directory the COPY writes to"
    return f"is a {word.upper()} this pass does not move"


@dataclass
class _Split:
    #: The RUN text that moves before the sources (the install and what precedes it).
    moved_text: str
    #: The original RUN's text once the moved part is out (None: nothing is left).
    rest: str | None
    #: Where the install runs (after the ``cd`` before it).
    workdir: str
    #: The ``cd``s before the install, to repeat before what stays and a dependency-only step.
    prefix: str = ""


def _split_point(found: _Found) -> _Split | str:
    """How the install comes out of its RUN: the commands before it must be ``cd`` to a
    literal directory or programs known not to read the sources, joined with ``&&`` (a ``cd``
    may be followed by ``;``); what follows it (after ``&&``) stays, after the same ``cd``s."""
    install = found.install
    step_command = found.invocation.command
    assert step_command is not None
    command = install.command
    assert command is not None
    if command.form != "shell" or not command.args or install.heredocs:
        return "the install RUN is not in the shell form"
    part = command.args[0]
    from .. import shell

    script = shell.parse(part.text)
    if script.unknown or script.comments or script.heredocs or script.backgrounds:
        return "the install RUN's shell text is beyond this pass (comments, heredocs, unbalanced quotes, &)"
    top = script.top_level
    if any(c.in_compound for c in top):
        return "the install RUN has if/for/while/case at its top level"
    position = next((n for n, c in enumerate(top) if c.start == step_command.start), None)
    if position is None:
        return "the install is nested in another command"
    cds: list[str] = []
    for before in top[:position]:
        shown = part.text[before.start:before.end]
        if before.operator != "&&" and not (before.name == "cd" and before.operator == ";"):
            return f"{shown!r} comes before the install and is joined with {before.operator or 'a newline'!r}"
        if before.name == "cd":
            target = before.args[0] if before.args else ""
            if not target or "$" in target or target == "-" or len(before.args) > 1:
                return f"{shown!r} changes to a directory this pass cannot tell"
            cds.append(shown)
            continue
        reason = _reads_sources(before, found.workdir)
        if reason:
            return f"{shown!r} runs before the install in the same RUN and {reason}"
    first = top[0] if position else step_command
    raw_start = source_offset(install, part, first.start)
    raw_end = source_offset(install, part, step_command.end - 1) + 1
    moved_text = install.text[raw_start:raw_end]
    prefix = "".join(f"{c} && " for c in cds)
    rest_commands = top[position + 1:]
    if not found.row.moves and cds:
        return "the build runs in the directory its cd chose; the dependency step before the sources would need the cd too (use WORKDIR)"
    if not found.row.moves or not rest_commands:
        return _Split(moved_text, None, found.workdir, prefix)
    if step_command.operator != "&&":
        return f"the install is followed by {step_command.operator!r}, so the rest of the RUN would run after it failed"
    if cds:
        return "the RUN goes on after the install in the directory its cd chose; split in two, both would need the cd (use WORKDIR)"
    for later in rest_commands:
        again, _ = commands.read(shell_script(later))
        if any(i.program == found.invocation.program and i.args[:1] == found.invocation.args[:1] for i in again):
            return f"the RUN runs {found.invocation.program} {found.invocation.args[0] if found.invocation.args else ''} again after the install; this pass does not split it into two installs"
    rest_start = source_offset(install, part, rest_commands[0].start)
    rest = install.text[:raw_start] + prefix + install.text[rest_start:]
    return _Split(moved_text, rest, found.workdir, prefix)


def _reads_sources(command: object, workdir: str = _BASE) -> str:
    """Why a simple command may read the sources ("" when it cannot): only system package
    managers, global installs of named packages, and the programs of _SOURCE_FREE are known not to."""
    from .. import shell

    assert isinstance(command, shell.SimpleCommand)
    for op, target in command.redirects:
        if op not in (">", ">>", ">|", "&>") or target.value.startswith("/dev/"):
            continue
        written = target.value
        if not written.startswith("/") or "$" in written or not posixpath.relpath(written, workdir).startswith(".."):
            return f"writes {written}, which may be where the install runs"
    found, blind = commands.read(shell_script(command))
    if any(i.program in _ENVIRONMENT_TOOLS for i in found):
        blind = [u for u in blind if u.kind != "program"]  # the unknown program is one of them
    if blind:
        return blind[0].reason
    for invocation in found:
        program = invocation.program
        if program in _SOURCE_FREE:
            continue
        if any(commands.subcommand(invocation, m) is not None for m in MANAGERS if m.name not in ("pip", "npm")):
            continue
        if program == "pip" and commands.positionals(invocation, BY_NAME["pip"])[:1] == ("install",):
            if not any(a in (".", "./", "-r", "-e", "-c", "--requirement", "--editable", "--constraint") or a.startswith(("./", "/", "-r", "-e", "-c")) for a in invocation.args):
                continue
        if program == "npm" and commands.positionals(invocation, BY_NAME["npm"])[:1] in (("install",), ("i",)) and any(a in ("-g", "--global") for a in invocation.args):
            continue
        if program in ("npm", "yarn", "pnpm", "pip") and commands.positionals(invocation, BY_NAME["pip" if program == "pip" else "npm"])[:1] in (("cache",), ("config",)):
            continue  # the tool's own cache or configuration: no project file
        if program in _ENVIRONMENT_TOOLS:
            continue  # a Python environment for the install to use
        if program == "rm" and all(a.startswith(("-", "/var/lib/apt", "/var/cache", "/tmp/")) for a in invocation.args):
            continue  # package caches
        return f"may read the sources ({invocation.display})"
    return ""


#: Maven options whose value is the next word.
_MAVEN_VALUE_OPTIONS = frozenset({"-s", "--settings", "-gs", "--global-settings", "-P", "--activate-profiles", "-T", "--threads", "-pl", "--projects", "-l", "--log-file"})
#: Options that make no sense before the sources (composer's autoloader is built after them).
_NOT_CARRIED = frozenset({"-o", "--optimize-autoloader", "-a", "--classmap-authoritative", "--apcu-autoloader"})


def _dependency_only(found: _Found) -> str:
    """The dependency-only command, with the original's options where the row says so; a
    tolerant prefetch ends in ``|| true`` (its failure leaves the build as it was)."""
    row = found.row
    assert row.dependency_only is not None
    base = row.dependency_only or " ".join([found.invocation.spelled or row.program, *row.words])
    text = base
    if row.program == "mvn":
        # The original's options (offline, repository, settings, profiles), not its goals.
        args = found.invocation.args
        carried = [a for n, a in enumerate(args) if a.startswith("-") or (n and args[n - 1] in _MAVEN_VALUE_OPTIONS)]
        text = " ".join([base.split()[0], *(shlex.quote(a) for a in carried), *base.split()[1:]])
    if row.carry_options:
        words = list(found.invocation.args[len(row.words):])
        options = [w for w in words if w not in base.split() and w not in _NOT_CARRIED]
        text = " ".join([base, *(shlex.quote(w) for w in options)])
    if row.clean:
        text += f" && {row.clean}"
    if row.tolerant:
        text += " || true"
    if row.then:
        text += f"; {row.then}"
    return text


def _source_dir(sources: list[str]) -> str | None:
    dirs = [s for s in sources if s in (".", "./", "/") or s.endswith("/") or "." not in posixpath.basename(s)]
    if len(dirs) == 1:
        return dirs[0].rstrip("/") or "."
    return None


def _already_copied(found: _Found, sources: list[str], model: Model) -> bool:
    """An earlier COPY in the stage copies exactly these manifests to the install's directory."""
    for instruction in found.stage.body:
        if instruction is found.copy:
            return False
        if instruction.word != "copy":
            continue
        command = instruction.command
        words = _words(command) if command is not None else None
        if not words or (command is not None and command.flag("from") is not None):
            continue
        if _resolve(words[-1], model.workdir(instruction)) == found.workdir and set(words[:-1]) >= set(sources):
            return True
    return False


def _ignore_edit(build: object | None, entry: str) -> FileEdit | None:
    """The .dockerignore in force (or a new one at the context's root) with ``entry`` added."""
    from .. import context as contexts

    if not isinstance(build, contexts.BuildContext):
        return None
    path = build.ignore_file or build.root / ".dockerignore"
    try:
        old: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError):
        return None
    text = old or ""
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith(("\n", "\r")):
        text += newline
    return FileEdit(str(path), old, text + entry + newline)


def _overwritten(found: _Found, build: object | None, prefix: str) -> str:
    from .. import context as contexts

    if not isinstance(build, contexts.BuildContext):
        return ""
    for produced in _PRODUCED.get(found.row.ecosystem, ()):
        if build.exists(prefix + produced):
            return prefix + produced
    return ""


def _plan(found: _Found, model: Model, build: object | None, prefix: str) -> _Plan | str:
    from .. import context as contexts

    row = found.row
    plan = _Plan()
    ctx = build if isinstance(build, contexts.BuildContext) else None
    if row.program == "pip":
        files = _requirement_files(found.invocation)
        for name in files:
            if "$" in name or name.startswith(("/", "..")):
                return f"the requirement file {name} is outside the directory the install runs in"
        args = found.invocation.args
        if any(a in ("-e", "--editable", ".", "./") or a.startswith(("-e.", "--editable=")) for a in args):
            return "it installs a local path (-e or .), which needs the sources"
        plan.manifests = list(dict.fromkeys(files))
        if ctx is None:
            plan.assumed = row.assumption
            return plan
        for name in list(plan.manifests):
            if not ctx.exists(prefix + name):
                return f"{prefix + name} is not in the build context (or .dockerignore excludes it)"
            local = contexts.requirement_local_paths(ctx, prefix + name)
            if local:
                return f"{prefix + name} installs a local path ({local[0]}), which needs the sources"
            for included in contexts.requirement_includes(ctx, prefix + name):
                relative = included[len(prefix):] if included.startswith(prefix) else None
                if relative is None or relative.startswith(".."):
                    return f"{prefix + name} includes {included}, outside the directory the install runs in"
                if relative not in plan.manifests:
                    plan.manifests.append(relative)
        return plan
    if row.program == "mvn" and any(a in ("-f", "--file") or a.startswith(("-f=", "--file=")) for a in found.invocation.args):
        return "it names another pom with -f, which this pass does not follow"
    if row.program == "dotnet":
        projects = [a for a in found.invocation.args[len(row.words):] if not a.startswith("-")]
        if projects:
            if any("$" in p or p.startswith(("/", "..")) for p in projects):
                return f"it restores {projects[0]}, outside the directory it runs in"
            plan.manifests.extend(projects)
        elif ctx is None:
            plan.manifests.extend(_optional(n) for n in ("*.sln", "*.csproj", "*.fsproj", "*.vbproj"))
        else:
            plan.manifests.extend(g[len(prefix):] for pattern in ("*.sln", "*.csproj", "*.fsproj", "*.vbproj") for g in ctx.glob(prefix + pattern))
            if not plan.manifests:
                return "no project or solution file in the directory it restores"
    if row.ecosystem == "go":
        if any(a.startswith("-mod=vendor") for a in found.invocation.args):
            return "it builds from vendor/, which holds the dependencies already"
        if ctx is None:
            image = model.image(found.stage)
            ref = images.parse_image(image) if image else None
            version = _go_version(ref)
            if version is None or version < (1, 16):
                return "Go before 1.16 (or an unknown Go) may build without go.mod, and without the build context this pass cannot see one"
    for group in row.required:
        if ctx is None:
            # One of a group exists (npm ci needs a lockfile, whichever): each as a pattern
            # beside the one name the command guarantees.
            plan.manifests.extend([group[0]] if len(group) == 1 else [_optional(name) for name in group])
        else:
            present = [name for name in group if ctx.exists(prefix + name)]
            if not present:
                if len(group) > 1:
                    return f"none of {', '.join(group)} is in the build context"
                return f"{group[0]} is not in the build context (or .dockerignore excludes it)"
            plan.manifests.extend(present)
    for name in row.optional:
        if "/" in name:
            # In a folder of its own: a COPY of its own (with the context, when it exists).
            if ctx is not None and ctx.exists(prefix + name):
                plan.extra.append((name, posixpath.dirname(name)))
        elif ctx is None:
            plan.manifests.append(_optional(name))
        elif ctx.exists(prefix + name):
            plan.manifests.append(name)
    if ctx is None:
        plan.assumed = row.assumption
        return plan
    for directory in row.optional_dirs:
        if ctx.is_dir(prefix + directory):
            plan.extra.append((directory, directory))
    if row.ecosystem == "go":
        module_dir = prefix.rstrip("/") or "."
        if ctx.exists(prefix + "go.work"):
            return "a go.work workspace reads other modules' go.mod files"
        if contexts.go_has_vendor(ctx, module_dir):
            return "the module is vendored (vendor/ holds the dependencies)"
        replaced = contexts.go_local_replaces(ctx, module_dir)
        if replaced:
            return f"go.mod replaces a module with the local directory {replaced[0]}, which the download needs"
    if row.ecosystem == "node":
        package_dir = prefix.rstrip("/") or "."
        members = contexts.node_workspaces(ctx, package_dir)
        for directory in [package_dir, *members]:
            for event, script in contexts.npm_lifecycle_scripts(ctx, directory).items():
                if script.split()[:1] == ["patch-package"] and ("patches", "patches") in plan.extra:
                    continue
                where = "" if directory == package_dir else f" of {directory}"
                return f"npm's {event} script{where} ({script!r}) may read the sources"
        for member in members:
            relative = member[len(prefix):] if member.startswith(prefix) else member
            plan.extra.append((posixpath.join(relative, "package.json"), relative))
    return plan


def _optional(name: str) -> str:
    """A pattern that matches ``name`` or nothing (a COPY may hold it beside one that exists)."""
    return f"{name[:-1]}[{name[-1]}]"


def _go_version(ref: images.ImageRef | None) -> tuple[int, ...] | None:
    if ref is None or ref.library_name not in ("golang",):
        return None
    tag = (ref.tag or "latest").split("-", 1)[0]
    if tag in ("latest", "alpine", "bookworm", "bullseye", "buster"):
        return (1, 99)
    return images.parse_version(tag)


PASS = Pass(
    name="order-copies",
    summary="Copy the dependency manifests and install them before the sources, so source edits keep the dependency layer.",
    safety=REVIEW,
    run=run,
)
