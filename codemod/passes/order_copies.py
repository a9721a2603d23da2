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
that do not read the sources (ENV, ARG, USER, LABEL, EXPOSE, system package installs, file
tools on system files named in full) move along, in order; those the install neither reads nor
makes (``chmod +x ./entrypoint.sh``, a ``sed -i`` or ``mv`` of a source file, a COPY of a
config file or of a subfolder, a WORKDIR below where a prefetch names its folder) stay where
they are, after the sources, unless what moves from after them would change them (a USER,
SHELL, WORKDIR, PATH or locale, or a RUN that may write where they write).

Inside the install's RUN: a literal ``cd`` before it goes with it; the commands before it that
do not read the sources move with it (also before a dependency-only step: ``pip install poetry
&& poetry install``); the commands right after it that do not read the sources (``npm cache
clean --force``, ``rm -rf /var/cache/apk/*``) move along with it, so that its cleanup stays in
its layer. What is left stays after the sources, without the ``cd`` (it names no relative
path). A tolerant prefetch whose install is reached with ``cd`` (or a WORKDIR that stays)
names the folder with the tool's own option (``composer --working-dir``, ``yarn --cwd``,
``pnpm --dir``, ``mvn -f``, ``dotnet restore DIR``). Where ``go.mod`` was copied on its own
into the install's folder or one above it, ``go mod download`` is added before the sources with
nothing more to copy. An install whose RUN clones or unpacks a project and changes into it
installs the download's manifests: that is not this pattern.

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
- An instruction between the source COPY and the install that may read the sources and that
  the install may see or whose work it may change (a RUN it cannot read, a ``chmod -R`` of the
  install's folder, a ``rm -rf node_modules``, a write to a manifest or to package-manager
  configuration, another COPY of manifests or to configuration places, an ADD that may unpack an
  archive, a WORKDIR, VOLUME), or one that stays while a USER, SHELL, WORKDIR, PATH or RUN that
  moves from after it would change what it does; a COPY whose sources or destination use
  variables the moved instructions change.
- A COPY with several directory sources (without the context), ``--from``, ``--exclude``,
  ``--parents``, a heredoc, or quoted or variable paths.
- A split of the install's RUN that would change it: the install joined with ``;`` or ``||``,
  or the rest joined so (a failing install need not fail the build as written); a rest that
  removes or rewrites what the moved part made (``npm prune``, ``rm -rf node_modules``, ``apt-get
  purge``, ``chown -R`` of the folder), where the stage's layers are the final image's (the old
  files would stay in a lower layer); a rest that needs the ``cd`` (hadolint DL3003 would count
  one more RUN) or that hadolint would count more findings for (DL3009, DL3042, DL3013...);
  commands before the install that read the sources, or, before a dependency-only step that is
  not tolerant (``go mod download``), anything that cannot move with it; a ``cd`` before one.
- Installs the table marks as needing the context (Gradle) when there is none; ``pip install -e``/``.``; Go before 1.16 or vendored;
  a manifest the ``.dockerignore`` excludes; ``node_modules`` (or ``.venv``, ``vendor``) present
  in the context and not excluded, which the later ``COPY . .`` would copy over the install.
- Maven's and cargo's prefetches where the stage's files are the final image's (they download
  more than the build uses: every plugin, every target's crates).
- Windows images, a non-POSIX SHELL and the backtick escape.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import json
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from .. import commands, shell
from ..commands import Invocation
from ..cst import BLANK, Command, Dockerfile, Instruction
from ..edit import parse_fragment_instructions, reparse, source_offset, style_of
from ..knowledge import images
from ..knowledge.installs import COMPOSER_INSTALLER, DOWNLOAD_READS, GOAL_VALUE_OPTIONS, WRAPPERS, Install, find, goals
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
    "corepack", "ldconfig", "chpasswd", "a2enmod", "a2dismod", "a2ensite", "a2dissite", "a2enconf", "a2disconf",
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
    #: The earlier COPY that put the manifests where the install finds them (nothing to copy).
    above: str = ""
    #: More words for the dependency-only step (a Gradle subproject's ``:app:dependencies``).
    more: list[str] = field(default_factory=list)
    #: Cargo workspace members: a placeholder target each while cargo fetches, removed after.
    members: list[str] = field(default_factory=list)


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
    """COPY/ADD arguments when written plainly (no quotes, escapes or variables), or in the JSON
    form with values that need no quoting."""
    if command.form == "exec":
        from ..cst import form_values

        values = list(form_values(command, "\\"))
        if any(not v or any(ch.isspace() or ch in "\"'\\`$" for ch in v) for v in values):
            return None
        return values
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
    if program in GOAL_VALUE_OPTIONS:
        words = goals(program, invocation.args)
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
        if _fetched_in_run(instruction, invocation, model):
            continue  # its manifests come from a download in its own RUN, not from a COPY
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
                if workdir.startswith(_BASE) and destination and not destination.startswith(_BASE):
                    # no WORKDIR: the install runs in the base image's, where the table knows it
                    known = _base_workdir(model, stage)
                    if known is not None:
                        workdir = _real(workdir, known)
                inside = posixpath.relpath(workdir, destination) if destination else ".."
                if inside.startswith(".."):
                    continue  # a folder copied elsewhere (COPY src /build/src): not the manifests
                if not row.moves and (_has_dependency_step(body[:back], row, model) or _own_prefetch(body[:back], row, model, workdir)):
                    break
                return _Found(stage, earlier, instruction, invocation, row, tuple(body[back + 1:position]), workdir)
            break
    return None


#: Programs that bring a project from elsewhere (a clone, a checkout, an archive unpacked),
#: with the subcommands that do, and the option that names where the files go.
_FETCHING = {"git": (("clone",), ""), "svn": (("checkout", "co", "export"), ""), "hg": (("clone",), ""), "tar": ((), "-C"), "unzip": ((), "-d")}


def _fetched_in_run(instruction: Instruction, invocation: Invocation, model: Model) -> bool:
    """The install's RUN clones or unpacks something, then changes into it and installs there:
    the manifests are the download's (``git clone URL /src/x && cd /src/x && mvn package``)."""
    step = model.step(instruction)
    script = step.script if step is not None else None
    if script is None or invocation.command is None:
        return False
    cwd = model.workdir(instruction) or _BASE
    fetched: list[str] = []
    for command in script.top_level:
        if command.start >= invocation.command.start:
            return False
        args = list(command.args)
        rule = _FETCHING.get(command.name or "")
        if rule is not None:
            words, option = rule
            positional = [a for n, a in enumerate(args) if not a.startswith("-") and not (n and args[n - 1] in ("-C", "-d", "-b", "--branch", "--depth", "-o"))]
            if words and positional[:1] and positional[0] in words:
                place = positional[2] if len(positional) > 2 else posixpath.basename(positional[1].rstrip("/")).removesuffix(".git") if len(positional) > 1 else ""
                if place and "$" not in place:
                    fetched.append(_resolve(place, cwd))
            elif not words:
                given = [args[n + 1] for n, a in enumerate(args[:-1]) if a == option]
                fetched.append(_resolve(given[0], cwd) if given and "$" not in given[0] else cwd)
        elif command.name == "cd" and len(args) == 1 and "$" not in args[0]:
            cwd = _resolve(args[0], cwd)
            if any(_inside(cwd, place) for place in fetched):
                return True
    return False


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
            args = invocation.args
            # The folder a prefetch names (``yarn --cwd DIR install``) is no positional word.
            positional = tuple(a for n, a in enumerate(args) if not a.startswith("-") and not (n and args[n - 1] in _FOLDER_VALUES))
            if program in GOAL_VALUE_OPTIONS:
                positional = goals(program, args)
            if invocation.program == program and positional[: len(wanted)] == wanted and options <= set(invocation.args):
                return True
    return False


def _own_prefetch(before: list[Instruction], row: Install, model: Model, workdir: str) -> bool:
    """The file already copies the manifests on their own and runs the tool on them before the
    sources (a prefetch of its own, such as ``./gradlew downloadRepos``)."""
    copied = False
    for instruction in before:
        if instruction.word in ("copy", "add") and _copies_manifests(instruction, row, model, workdir):
            copied = True
        elif copied and instruction.word == "run":
            step = model.step(instruction)
            if step is not None and any(i.program == row.program for i in step.invocations):
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
    row = found.row
    if not row.moves and row.dependency_only and row.program in ("poetry", "uv", "pdm"):
        # ``poetry install --no-root`` is already the dependency-only form: it moves itself.
        extra = row.dependency_only.split()[1 + len(row.words):]
        if extra and all(flag in found.invocation.args for flag in extra):
            found = dataclasses.replace(found, row=dataclasses.replace(row, moves=True, tolerant=False, assumption=""))

    def decline(why: str) -> None:
        notes.append(Note(f"{subject}: {why}", (copy, install)))

    if tree.escape != "\\" or not model.posix_shell(install):
        decline("its shell is not a POSIX shell (SHELL, or the backtick escape of Windows images)")
        return None
    unknown = next((i for i in (copy, *found.between, install) if model.workdir_unknown(i)), None)
    if unknown is not None:
        decline(f"{describe(unknown)!r} runs in a WORKDIR this pass cannot tell (a variable it cannot read, or a relative path on an image whose own WORKDIR it does not know)")
        return None
    copy_command = copy.command
    assert copy_command is not None
    flags = [p.flag for p in copy_command.flags]
    if any(not f.startswith(("--chown=", "--chmod=", "--link")) for f in flags):
        decline(f"the COPY has flags this pass does not carry over ({', '.join(f for f in flags if not f.startswith(('--chown=', '--chmod=', '--link')))})")
        return None
    words = _words(copy_command)
    assert words is not None
    destination = _resolve(words[-1], model.workdir(copy))
    base_workdir = _base_workdir(model, found.stage) if destination.startswith(_BASE) or found.workdir.startswith(_BASE) else None
    # Where the sources go, as far as the file and the image table tell (for what moves
    # before them: nothing it writes may be there).
    region = _real(destination, base_workdir)
    moved: list[Instruction] = []
    staying: list[tuple[Instruction, _Stay]] = []
    #: A WORKDIR that moves after the manifests' COPY (which makes its directory, as the source
    #: COPY does with --chown), not before it.
    workdir_after: Instruction | None = None
    for between in found.between:
        stay = _stay(between, model, found, region)
        reason = _why_not_movable(between, model, copy, region)
        if between.word == "workdir" and reason and _prefetch_names_folder(found) and "$" not in between.logical.text:
            # The prefetch names the install's folder itself: the WORKDIR stays where it is.
            stay = _Stay(relative=True, workdir=True)
        if isinstance(stay, _Stay) and (reason or staying or between.word != "run"):
            # The install does not see it, nor it the install: it stays after the sources (a
            # RUN that could also move does, unless something before it stayed).
            staying.append((between, stay))
            continue
        if reason:
            if isinstance(stay, str) and stay and between.word == "run":
                decline(f"{describe(between)!r} stands between them: it cannot move before them ({reason}), nor stay after the install ({stay})")
            elif isinstance(stay, str) and stay:
                decline(f"{describe(between)!r} stands between them and cannot stay after the install: {stay}")
            else:
                decline(f"{describe(between)!r} stands between them and {reason}")
            return None
        owner_change = _made_by_workdir_instead(between, copy, destination, model, found.stage)
        if owner_change:
            if _after_manifests(between, found, model, words[-1]):
                # The manifests' COPY (absolute, with the same --chown) makes the directory as
                # the source COPY did, and the WORKDIR after it finds it made.
                workdir_after = between
            else:
                decline(f"{describe(between)!r} stands between them and {owner_change}")
                return None
        for kept, effect in staying:
            clash = _clash(kept, effect, between, model)
            if clash:
                decline(f"{describe(kept)!r} stays after the sources, and {describe(between)!r}, which moves before them, {clash}")
                return None
        moved.append(between)
    insert_dir = model.workdir(copy) or _BASE
    for instruction in moved:
        if instruction.word == "workdir":
            insert_dir = model.workdir(found.install) or _BASE  # the last one that moves sets it
    if any(kept.word == "workdir" for kept, _ in staying):
        insert_dir = model.workdir(copy) or _BASE
    run_ = _split_point(found, model, region, insert_dir)
    if isinstance(run_, str):
        decline(run_)
        return None
    if run_.workdir != found.workdir:
        found = dataclasses.replace(found, workdir=run_.workdir)
    if found.row.needs_context and build is None:
        decline(f"without the build context: {found.row.needs_context}")
        return None
    # In the final image, a prefetch that resolves more than the build (every plugin, every
    # target's crates) leaves that in the tool's download cache too: said, as the download
    # caches are what a refactoring may fill (``verify`` does not compare them).
    cache_note = ""
    if found.row.fetches_more and model.in_final_image(found.stage):
        cache = found.row.cache
        local = next((a.split("=", 1)[1] for a in found.invocation.args if a.startswith("-Dmaven.repo.local=")), "")
        if found.row.program == "mvn" and local:
            cache = f"the local repository, {local}"
        cache_note = (
            f"; this stage is the final image, so its download cache ({cache}) also keeps what "
            f"{_dependency_only(found).split(' && ')[-1].split(' ||')[0].split(';')[0]!r} resolves beyond the build"
        )
    source = _source_dir(words[:-1])
    if source is None:
        decline("the COPY has several directory sources, and this pass cannot tell which holds the manifests")
        return None
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
    if base_workdir is not None and destination.startswith(_BASE):
        # No WORKDIR in the file: write the destination in full (the base image's WORKDIR).
        dest_text = _real(found.workdir, base_workdir)
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
    nested = [m for m in plan.manifests if "/" in m]
    for name in nested:
        plan.manifests.remove(name)  # in a folder of its own: a COPY of its own, to that folder
    plan.extra[:0] = [(name, posixpath.dirname(name)) for name in nested]
    sources = [prefix + m for m in plan.manifests]
    if sources and not _already_copied(found, sources, model):
        new_texts.append(f"{keyword} {flag_text}{' '.join(sources)} {dest_text}")
    for src, dst in plan.extra:
        target = posixpath.join(dest_text, dst) if dst not in ("", ".") else dest_text
        new_texts.append(f"{keyword} {flag_text}{prefix + src} {target.rstrip('/')}/")
    install_command = install.command
    assert install_command is not None
    run_flags = "".join(f"{p.text} " for p in install_command.flags)
    dependency_only = ""
    if found.row.moves:
        new_texts.append(f"{run_keyword} {run_flags}{run_.moved_text}")
    else:
        assert found.row.dependency_only is not None
        dependency_only = _dependency_only(found, run_.directory, plan.more, plan.members)
        step_text = f"{run_.prefix}{dependency_only}"
        if run_.moved_text:
            # What ran before the install in its RUN, then the dependency-only step; a tolerant
            # one in parentheses, so that its "|| true" does not cover what comes before it.
            step_text = f"{run_.moved_text} && " + (f"({step_text})" if found.row.tolerant or found.row.then else step_text)
        new_texts.append(f"{run_keyword} {run_flags}{step_text}")
    inserted = parse_fragment_instructions([t + style.newline for t in new_texts], tree.escape)
    if inserted is None:
        decline("the instructions it would write do not parse")
        return None

    if workdir_after is not None and not any(i.word == "copy" for i in inserted[:-1]):
        decline(f"{describe(workdir_after)!r} stands between them and would make {found.workdir} before {describe(copy)!r} does (the manifests are copied already: no COPY of them makes it first)")
        return None
    kept_install: Instruction | None = install
    if run_.rest != install.text:
        kept_install = None if run_.rest is None else reparse(install, run_.rest)
    if kept_install is None and inserted:
        # The whole RUN moved: its comments go with it (lossless), above the install written
        # before the sources.
        comments = tuple(line for line in install.leading if line.kind != BLANK)
        if comments:
            inserted[-1] = inserted[-1].with_changes(leading=comments + inserted[-1].leading)
    order: list[Instruction] = []
    same: list[tuple[Instruction, Instruction]] = []
    moved_set = {id(i) for i in moved}
    for instruction in tree.instructions:
        if instruction is copy:
            # The comment and blank lines above the COPY stay where they are: above the block
            # that now comes first (the diff shows only the new lines).
            block = [_without_blank_lines(i) for i in moved]
            origins: list[Instruction | None] = list(moved)  # what each entry of the block was (None: new)
            if workdir_after is not None:
                # the manifests' COPY first makes the WORKDIR's directory, as the source COPY did
                at = moved.index(workdir_after)
                block[at:at] = inserted[:-1]
                origins[at:at] = [None] * len(inserted[:-1])
                block += inserted[-1:]
            else:
                block += inserted
            block[0] = block[0].with_changes(leading=copy.leading + block[0].leading)
            order.extend(block)
            bare_copy = copy.with_changes(leading=())
            order.append(bare_copy)
            same = [(new, old) for new, old in zip(block, origins) if old is not None and new is not old] + [(bare_copy, copy)]
        elif id(instruction) in moved_set:
            continue
        elif instruction is install:
            if kept_install is not None:
                order.append(kept_install)
        else:
            order.append(instruction)
    joined = _runs_made_adjacent(tree, order, same, install, kept_install)
    if joined is not None:
        decline(
            f"{describe(joined[0])!r} and {describe(joined[1])!r} would follow each other once what stands between "
            "them moves, which hadolint reports (DL3059: consecutive RUNs)"
        )
        return None
    what = "moved" if found.row.moves else f"added {dependency_only!r}"
    manifests = ", ".join(plan.manifests + [s for s, _ in plan.extra])
    if plan.above:
        explanation = (
            f"{what} before {describe(copy)!r}, where the manifests already are ({plan.above!r}), so a change to the "
            f"sources no longer repeats {found.invocation.display!r}"
        )
    elif found.row.tolerant:
        explanation = (
            f"copied the manifests ({manifests}) and added {dependency_only!r} before {describe(copy)!r}: "
            f"it fetches the dependencies from the manifests alone, so a change to the sources no longer downloads "
            f"them again; where it cannot, it changes nothing, and {found.invocation.display!r} after the sources works as before"
        )
    else:
        explanation = (
            f"copied the manifests ({manifests}) and {what} "
            f"before {describe(copy)!r}, so a change to the sources no longer repeats {found.invocation.display!r}"
        )
    if run_.moved_text and not found.row.moves:
        explanation += f" (after what ran before it in its RUN, which moved along: {' '.join(run_.moved_text.replace(chr(92) + chr(10), ' ').split())!r})"
    if run_.along:
        explanation += f" (with what follows it in the RUN and does not read the sources: {' '.join(run_.along.split())!r})"
    if moved:
        explanation += f" ({len(moved)} instruction{'s' if len(moved) > 1 else ''} between them moved along, in order)"
    if staying and not found.row.moves and all(i.word == "run" for i, _ in staying):
        explanation += (
            f" ({len(staying)} RUN{'s' if len(staying) > 1 else ''} between them stayed where "
            f"{'they were' if len(staying) > 1 else 'it was'}, after the sources and before the install: the "
            "dependency-only step needs nothing of what it does)"
        )
    elif staying:
        explanation += (
            f" ({len(staying)} instruction{'s' if len(staying) > 1 else ''} between them stayed where "
            f"{'they were' if len(staying) > 1 else 'it was'}, after the sources: the install neither reads nor makes what "
            f"{'they change' if len(staying) > 1 else 'it changes'})"
        )
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
    explanation += cache_note
    proposal = Proposal(explanation, REVIEW, (copy, install, *moved), made, same=tuple(same))
    return Outcome(tree.with_changes(instructions=tuple(order)), [proposal], [], [ignore_edit] if ignore_edit else [])


def _real(path: str, base_workdir: str | None) -> str:
    """``path`` with the base image's WORKDIR put in, where it is known."""
    if base_workdir is None or not path.startswith(_BASE):
        return path
    return posixpath.normpath(posixpath.join(base_workdir, path[len(_BASE):].lstrip("/")))


def _inside(path: str, directory: str) -> bool:
    """``path`` is ``directory`` or lies in it."""
    return not posixpath.relpath(path, directory).startswith("..")


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
#: Places a dependency install writes to outside its folder (site-packages, gems, modules,
#: registries): what stays after the sources must not touch them.
_INSTALL_PLACES = (
    "/usr/local/lib", "/usr/lib/python", "/go", "/usr/local/cargo",
    "/usr/local/bundle", "/opt/conda", "/opt/venv", "/venv",
)


def _in_places(path: str, places: tuple[str, ...]) -> bool:
    return any(path == place or path.startswith(place.rstrip("/") + "/") or path.startswith(place) and place.endswith("python") for place in places)


@dataclass(frozen=True)
class _Stay:
    """An instruction between the source COPY and the install that stays after the sources."""

    #: It writes outside the sources' destination (a moved RUN after it could write there too).
    outside: tuple[str, ...] = ()
    #: It is a RUN (USER, SHELL and the environment of what moves before it would apply to it).
    runs: bool = False
    #: It names paths relative to the WORKDIR.
    relative: bool = False
    #: It is a WORKDIR (what moves from after it would run in another folder).
    workdir: bool = False


def _runs_made_adjacent(
    tree: Dockerfile, order: list[Instruction], same: list[tuple[Instruction, Instruction]], install: Instruction, kept: Instruction | None
) -> tuple[Instruction, Instruction] | None:
    """Two RUNs of the file that the rewrite puts next to each other, where something stood
    between them before (a WORKDIR that moved), when the file then has more RUNs that follow
    each other than before (what hadolint's DL3059 counts); None otherwise."""
    originals = {id(i) for i in tree.instructions}
    old_of = {id(new): old for new, old in same}
    if kept is not None and kept is not install:
        old_of[id(kept)] = install

    def original(instruction: Instruction) -> Instruction | None:
        return instruction if id(instruction) in originals else old_of.get(id(instruction))

    pairs_before = [(a, b) for a, b in zip(tree.instructions, tree.instructions[1:]) if a.word == b.word == "run"]
    pairs_after = [(a, b) for a, b in zip(order, order[1:]) if a.word == b.word == "run"]
    if len(pairs_after) <= len(pairs_before):
        return None
    before = {(id(a), id(b)) for a, b in pairs_before}
    for a, b in pairs_after:
        old_a, old_b = original(a), original(b)
        if old_a is not None and old_b is not None and (id(old_a), id(old_b)) not in before:
            return old_a, old_b
    return None


def _after_manifests(workdir: Instruction, found: _Found, model: Model, written: str) -> bool:
    """Whether a WORKDIR that would make the source COPY's directory can move after the
    manifests' COPY instead: the COPY's destination is written absolute (so is theirs), the
    WORKDIR is where the install runs, and nothing after it that moves writes or runs."""
    if not written.startswith("/") or "$" in written:
        return False
    if _workdir_path(workdir, model) != found.workdir:
        return False
    later = found.between[found.between.index(workdir) + 1:]
    return all(i.word in ("env", "arg", "label", "user", "expose", "maintainer") for i in later)


def _workdir_path(workdir: Instruction, model: Model) -> str | None:
    """The directory a WORKDIR written as a literal path sets (None: not a WORKDIR, or written
    with variables, quotes or escapes)."""
    if workdir.word != "workdir" or workdir.command is None:
        return None
    written = " ".join(p.text for p in workdir.command.args).strip()
    if not written or any(ch in written for ch in "$\"'`\\ "):
        return None
    return _resolve(written, model.workdir(workdir))


def _made_by_workdir_instead(workdir: Instruction, copy: Instruction, destination: str, model: Model, stage: Stage) -> str:
    """Why a WORKDIR moved before the source COPY would change the owner of the directory the
    COPY made ("" when it cannot): moved first, the WORKDIR makes it (as root, or as the USER
    in BuildKit) and the COPY no longer does (with --chown, the directory is the chown user's)."""
    path = _workdir_path(workdir, model)
    if path is None or not _inside(path, destination) or path.startswith(_BASE):
        return ""
    owner = copy.command.flag("chown") if copy.command is not None else None
    copy_owner = owner.split(":", 1)[0] if owner else "root"
    maker = model.user(workdir) or "root"
    if {copy_owner, maker} <= {"root", "0"}:
        return ""
    if not model.in_final_image(stage):
        later = stage.body[stage.body.index(copy) + 1:]
        if all((model.user(i) or "root") in ("root", "0") for i in later if i.word == "run"):
            return ""  # root builds there whoever owns the directory, and no image holds it
    return (
        f"would make {path} before {describe(copy)!r} does: the directory would then belong to "
        f"{'root' if maker in ('root', '0') else 'root (or ' + maker + ' in BuildKit)'}, not to {copy_owner} as it does now"
    )


def _install_names(found: _Found) -> tuple[set[str], tuple[str, ...]]:
    """The install's manifests (relative to where it runs) and the folders it fills there."""
    row = found.row
    names = {name for group in row.required for name in group} | set(row.optional) | set(row.optional_dirs)
    if row.program == "pip":
        names |= set(_requirement_files(found.invocation))
    if row.program == "dotnet":
        names |= {"*.sln", "*.csproj", "*.fsproj", "*.vbproj"}
        names |= {a for a in found.invocation.args[len(row.words):] if not a.startswith("-")}
    produced = _PRODUCED.get(row.ecosystem, ())
    if row.ecosystem == "dotnet":
        produced = ("obj",)
    if row.ecosystem == "rust":
        produced = ("target", "src/main.rs")
    return names, produced


def _touches_install(path: str, found: _Found, names: set[str], produced: tuple[str, ...], verb: str = "changes") -> str:
    """Why writing ``path`` would change what the install reads or makes ("" when it cannot)."""
    workdir = found.workdir
    if _inside(workdir, path):
        return f"it {verb} {path}, which holds the install's folder {workdir}"
    if not _inside(path, workdir):
        return ""
    relative = posixpath.relpath(path, workdir)
    for name in names:
        if fnmatch.fnmatchcase(relative, name) or _inside(relative, name) or _inside(name, relative):
            return f"it {verb} {relative}, which the install reads"
    for folder in produced:
        if _inside(relative, folder) or _inside(folder, relative):
            return f"it {verb} {relative}, where the install puts what it makes"
    return ""


def _stay(instruction: Instruction, model: Model, found: _Found, region: str) -> _Stay | str:
    """Whether an instruction between the source COPY and the install can stay where it is,
    after the install: it changes nothing the install reads (manifests, package-manager
    configuration, installed packages) and reads or changes nothing the install makes. The
    reason when it cannot ("" when this pass does not try: metadata, other instructions)."""
    if instruction.word in ("copy", "add"):
        return _copy_stays(instruction, model, found, region)
    if instruction.word == "run":
        return _run_stays(instruction, model, found, region)
    return ""


def _copy_stays(instruction: Instruction, model: Model, found: _Found, region: str) -> _Stay | str:
    command = instruction.command
    words = _words(command) if command is not None else None
    if instruction.heredocs or not words or len(words) < 2 or any("$" in w for w in words) or command is None:
        return "this pass cannot read what it copies"
    if any(p.flag.startswith(("--parents", "--exclude")) for p in command.flags):
        return "this pass cannot read what it copies"
    workdir = model.workdir(instruction) or _BASE
    destination = _resolve(words[-1], workdir)
    if destination.startswith(_BASE):
        return "it copies to a folder relative to the base image's unknown WORKDIR"
    if instruction.word == "add" and any("://" not in w and w.endswith(_ARCHIVES) or w.startswith("git@") for w in words[:-1]):
        return "it may unpack an archive (ADD), whose files this pass cannot see"
    if _in_places(destination, _CONFIG_PLACES) or any(_inside(place, destination) for place in _CONFIG_PLACES):
        return f"it copies to {destination}, where package managers read their configuration"
    if _in_places(destination, _INSTALL_PLACES) or any(_inside(place, destination) for place in _INSTALL_PLACES):
        return f"it copies to {destination}, where installed packages go"
    names, produced = _install_names(found)
    if not _inside(destination, found.workdir) and not _inside(found.workdir, destination):
        return _Stay(outside=(destination,) if not _inside(destination, region) else (), relative=not words[-1].startswith("/"))
    # Into the install's folder: only named files that are not manifests, or a folder of its own.
    sources = words[:-1]
    into_folder = words[-1].endswith("/") or len(sources) > 1 or destination == found.workdir
    for source in sources:
        base = posixpath.basename(source.rstrip("/"))
        if any(ch in source for ch in "*?[") or source in (".", "./", "/") or source.endswith("/"):
            if destination == found.workdir or _inside(found.workdir, destination):
                return f"it copies a folder into {destination}, where the install reads its manifests"
            target = destination
        elif into_folder:
            if "." not in base.strip("."):
                return f"it copies {source} into {destination}, which may be a folder holding manifests"
            target = posixpath.join(destination, base)
        else:
            target = destination
        why = _touches_install(target, found, names, produced)
        if why:
            return why
    return _Stay(relative=not words[-1].startswith("/"))


#: Programs that prepare an environment for the install (a virtualenv, pip itself).
_ENVIRONMENT_TOOLS = frozenset({"venv", "virtualenv", "ensurepip"})
#: Tools whose ``config`` writes the user's configuration unless told ``--local`` (the project's).
_USER_CONFIG = frozenset({"poetry", "composer", "bundle"})
#: What ADD unpacks when it copies it from the build context.
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".gz", ".bz2", ".xz")
#: Programs with no effect on files (they print what they find).
_NO_EFFECT = frozenset({"ls", "pwd", "printenv", "id", "whoami", "which", "uname", "date", "true", ":", "echo", "printf"})


def _paths(invocation: Invocation, command: shell.SimpleCommand) -> tuple[list[str], list[str], bool] | str:
    """What a file tool reads and writes (paths as written), and whether recursively."""
    program = invocation.program
    args = list(invocation.args)
    options = [a for a in args if a.startswith("-") and a != "-"]
    words = [a for a in args if not (a.startswith("-") and a != "-")]
    recursive = any(o in ("-R", "-r", "--recursive", "-a", "--archive") or (o.startswith("-") and not o.startswith("--") and ("R" in o or "r" in o or "a" in o)) for o in options)
    reads: list[str] = []
    writes: list[str] = []
    named_by_option = {
        "cp": ("-t", "--target-directory"), "mv": ("-t", "--target-directory"), "ln": ("-t", "--target-directory"),
        "chmod": ("--reference",), "chown": ("--reference",), "chgrp": ("--reference",), "sed": ("-f", "--file"),
    }
    if any(o == flag or o.startswith(flag + "=") for o in options for flag in named_by_option.get(program, ())):
        return f"{invocation.display} names its files through an option"
    if program == "sed" and any(o in ("-e", "--expression") for o in options):
        return f"{invocation.display} takes its script from an option"
    if program in _NO_EFFECT:
        words = []
    elif program == "chmod" and words and not re.match(r"^([0-7]+|[ugoa]*[-+=][rwxXst]*)([,:][ugoa]*[-+=][rwxXst]*)*$", words[0]):
        writes = words  # the mode was written as an option (chmod -x file)
    elif program in ("chmod", "chown", "chgrp"):
        writes = words[1:]
    elif program in ("mkdir", "touch", "rm"):
        writes = words
    elif program == "cp":
        reads, writes = words[:-1], words[-1:]
    elif program == "mv":
        reads, writes = words[:-1], words
    elif program == "ln":
        writes = words[-1:] if len(words) > 1 else words
    elif program == "sed":
        files = words if any(o.startswith("--expression=") for o in options) else words[1:]
        if any(o == "-i" or o.startswith(("-i", "--in-place")) or (not o.startswith("--") and "i" in o) for o in options):
            writes = files
        else:
            reads = files
    else:
        return f"it runs {invocation.display}, whose effect on the install this pass cannot tell"
    writes += [target.value for op, target in command.redirects if op in (">", ">>", ">|", "&>")]
    reads += [target.value for op, target in command.redirects if op == "<"]
    return reads, writes, recursive


def _run_stays(instruction: Instruction, model: Model, found: _Found, region: str) -> _Stay | str:
    """A RUN of file tools (chmod, cp, mv, sed -i...) whose every path is known: it stays after
    the install when it changes nothing the install reads or makes (manifests, the folders the
    install fills, package-manager configuration, installed packages) and reads nothing the
    install makes."""
    step = model.step(instruction)
    if step is None or step.script is None or step.unreadable or step.script.unknown or step.script.heredocs:
        return "this pass cannot read all of it"
    if found.row.ecosystem == "go" and not found.row.moves and step.invocations and all(_tidies(i) for i in step.invocations):
        # ``go mod tidy`` after the sources: it reads them and rewrites go.mod and go.sum, as
        # before, ahead of the build that stays after it. The prefetch ran earlier, from the
        # go.mod of the build context, and only fills the module cache tidy reads from.
        return _Stay(runs=True, relative=True)
    cwd = model.workdir(instruction) or _BASE
    names, produced = _install_names(found)
    outside: list[str] = []
    relative = False
    for command in step.script.commands:
        invocations, blind = commands.read(shell_script(command))
        if blind:
            return blind[0].reason
        if len(invocations) != 1 or invocations[0].sudo:
            return f"this pass cannot tell what {command.name or 'it'} changes"
        got = _paths(invocations[0], command)
        if isinstance(got, str):
            return got
        reads, writes, recursive = got
        for path in reads + writes:
            if "$" in path or "`" in path or path.startswith("~"):
                return f"it names {path}, which this pass cannot resolve"
            relative = relative or not path.startswith("/")
            if not path.startswith("/") and cwd.startswith(_BASE):
                return f"it names {path} relative to the base image's unknown WORKDIR"
        for path in writes:
            resolved = _resolve(path, cwd)
            if any(ch in path for ch in "*?[") and not _inside(posixpath.dirname(resolved), "/tmp") and (_inside(posixpath.dirname(resolved), found.workdir) or _inside(found.workdir, posixpath.dirname(resolved))):
                return f"it changes {path}, a pattern that may match what the install reads or makes"
            if _in_places(resolved, _CONFIG_PLACES):
                return f"it changes {resolved}, where package managers read their configuration"
            if _in_places(resolved, _INSTALL_PLACES):
                return f"it changes {resolved}, where installed packages go"
            why = _touches_install(resolved, found, names, produced, "removes" if invocations[0].program == "rm" else "changes")
            if why:
                return why
            if not _inside(resolved, region):
                outside.append(resolved)
        for path in reads:
            resolved = _resolve(path, cwd)
            if _inside(found.workdir, resolved) and recursive:
                return f"it reads all of {resolved}, which holds what the install makes"
            if any(ch in path for ch in "*?[") and _inside(posixpath.dirname(resolved), found.workdir):
                return f"it reads {path}, a pattern that may match what the install makes"
            why = _touches_install(resolved, found, set(), produced)
            if why:
                return f"it reads {posixpath.relpath(resolved, found.workdir)}, where the install puts what it makes"
    return _Stay(outside=tuple(outside), runs=True, relative=relative)


def _tidies(invocation: Invocation) -> bool:
    """``go mod tidy`` (with its own flags only: -v, -e, -go=, -compat=)."""
    args = list(invocation.args)
    return invocation.program == "go" and args[:2] == ["mod", "tidy"] and all(a.startswith("-") and "$" not in a for a in args[2:]) and not invocation.sudo


#: Variables whose value changes what file tools do (which program runs, how text matches).
_TOOL_VARIABLES = ("PATH", "LANG", "LANGUAGE", "LD_PRELOAD", "LD_LIBRARY_PATH", "POSIXLY_CORRECT")


def _clash(kept: Instruction, effect: _Stay, moved: Instruction, model: Model) -> str:
    """Why moving ``moved`` (which came after ``kept``) before the sources would change what
    ``kept`` does ("" when it cannot)."""
    word = moved.word
    if effect.workdir and word == "run":
        return "would then run in another folder"
    if word == "user" and effect.runs:
        return "would then run it as that user"
    if word == "shell" and effect.runs:
        return "would then run it with that shell"
    if word == "workdir" and effect.relative:
        return "would change the folder its relative paths name"
    if word in ("env", "arg") and effect.runs:
        names = [k.value if hasattr(k, "value") else str(k) for k in _assigned(moved)]
        if any(n in _TOOL_VARIABLES or n.startswith(("LC_", "LD_")) for n in names):
            return f"sets {', '.join(names)}, which would then apply to it"
    if word == "run" and effect.outside:
        return f"may write where it does ({effect.outside[0]})"
    return ""


def _assigned(instruction: Instruction) -> list[str]:
    """The variable names an ENV or ARG sets."""
    command = instruction.command
    if command is None:
        return []
    text = " ".join(p.text for p in command.args)
    names = []
    for token in text.split():
        name = token.split("=", 1)[0]
        if name and name.replace("_", "a").isalnum():
            names.append(name)
        if "=" not in token:
            break  # ENV NAME value: the rest is the value
    return names


def shell_script(command: shell.SimpleCommand) -> shell.Script:
    """One simple command as a script of its own (to read it alone)."""
    return shell.Script("", [command])


#: Directories system packages fill on install when they find them empty (web roots, /etc).
_PACKAGE_FILLED = ("/var/www", "/usr/share/nginx", "/srv/www", "/etc", "/usr/local/apache2/htdocs")


def _why_not_movable(instruction: Instruction, model: Model, copy: Instruction, region: str = _BASE) -> str:
    word = instruction.word
    if word in _METADATA:
        if word in ("env", "arg") and "$" in copy.logical.text:
            return "sets variables and the COPY uses variables"
        return ""
    if word == "run":
        step = model.step(instruction)
        if step is None or step.script is None or step.script.unknown or step.script.heredocs:
            return "may read the sources (this pass cannot read all of it)"
        if any(_inside(region, root) for root in _PACKAGE_FILLED) and any(i.program in ("apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf") for i in step.invocations):
            return f"installs system packages, whose install scripts may fill {region}, where the sources go (apache2 puts an index.html into an empty /var/www/html)"
        cwd = model.workdir(instruction) or _BASE
        installer = COMPOSER_INSTALLER.search(instruction.text) is not None
        for command in step.script.commands:
            if installer and command.name == "php" and _composer_installed_outside(command.args, region):
                continue  # composer's installer, fed to php by the curl before it
            if command.name == "cd" and command.depth == 0 and not command.in_compound:
                target = command.args[0] if len(command.args) == 1 else ""
                if not target or "$" in target or target == "-":
                    return f"changes to a folder this pass cannot tell ({' '.join(('cd', *command.args))})"
                cwd = _resolve(target, cwd)
                if _inside(cwd, region) or cwd.startswith(_BASE):
                    return f"works in {cwd}, where the sources go (cd {target})"
                continue
            reason = _reads_sources(command, region, cwd)
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
    #: Moving installs: the RUN text that moves before the sources (the install, what
    #: precedes it, and what follows it without reading the sources). Dependency-only steps:
    #: the commands before the install that move along with it ("" for none).
    moved_text: str
    #: The original RUN's text once the moved part is out (None: nothing is left).
    rest: str | None
    #: Where the install runs (after the ``cd`` before it).
    workdir: str
    #: The ``cd``s before the install, to put before a dependency-only step.
    prefix: str = ""
    #: The folder a dependency-only step names with its own option, instead of a ``cd``.
    directory: str = ""
    #: The commands after the install that move along with it.
    along: str = ""


#: Options whose value is a folder (``yarn --cwd DIR``), as _DIRECTORY_OPTIONS writes them.
_FOLDER_VALUES = frozenset({"--cwd", "--dir", "-C", "-f", "--file", "-d", "--working-dir"})
#: Options of tolerant prefetches that name the folder they work in, as a ``cd`` would.
_DIRECTORY_OPTIONS = {"composer": "--working-dir={}", "yarn": "--cwd {}", "pnpm": "--dir {}", "mvn": "-f {}", "dotnet": "{}"}


def _prefetch_names_folder(found: _Found) -> bool:
    """A tolerant dependency-only step whose tool names the folder it works in."""
    return not found.row.moves and found.row.tolerant and found.row.program in _DIRECTORY_OPTIONS


def _split_point(found: _Found, model: Model, region: str, insert_dir: str) -> _Split | str:
    """How the install comes out of its RUN.

    Before it: ``cd`` to a literal directory (joined with ``&&`` or ``;``) and programs known
    not to read the sources (joined with ``&&``); they move with it. After it: the commands
    that do not read the sources move along (a cleanup of its cache, a global tool); the rest
    stays, after the sources, when it is joined with ``&&`` only (a failed install stops the
    RUN either way), removes nothing the moved part made (it would stay in a lower layer),
    and, after a ``cd``, names no path relative to it (hadolint counts each RUN with a
    ``cd``). A dependency-only step leaves the install where it is."""
    install = found.install
    step_command = found.invocation.command
    assert step_command is not None
    command = install.command
    assert command is not None
    if command.form != "shell" or not command.args or install.heredocs:
        return "the install RUN is not in the shell form"
    part = command.args[0]
    script = shell.parse(part.text)
    if script.unknown or script.comments or script.heredocs or script.backgrounds:
        return "the install RUN's shell text is beyond this pass (comments, heredocs, unbalanced quotes, &)"
    top = script.top_level
    if any(c.in_compound for c in top):
        return "the install RUN has if/for/while/case at its top level"
    position = next((n for n, c in enumerate(top) if c.start == step_command.start), None)
    if position is None:
        return "the install is nested in another command"
    run_dir = model.workdir(install) or _BASE
    cwd = run_dir
    cds: list[str] = []
    pre: list[tuple[shell.SimpleCommand, str]] = []
    for before in top[:position]:
        shown = part.text[before.start:before.end]
        if before.operator != "&&" and not (before.name == "cd" and before.operator == ";") and not (before.operator == "|" and before.name != "cd"):
            return f"{shown!r} comes before the install and is joined with {before.operator or 'a newline'!r}"
        if before.name == "cd":
            target = before.args[0] if before.args else ""
            if not target or "$" in target or target == "-" or len(before.args) > 1:
                return f"{shown!r} changes to a directory this pass cannot tell"
            cwd = _resolve(target, cwd)
            cds.append(shown)
            continue
        pre.append((before, cwd))
    prefix = "".join(f"{c} && " for c in cds)
    first = top[0] if position else step_command
    raw_start = source_offset(install, part, first.start)
    if found.row.moves:
        for n, (before, at) in enumerate(pre):
            reason = _pre_reason(pre, n, part.text, region)
            if reason:
                return f"{part.text[before.start:before.end]!r} runs before the install in the same RUN and {reason}"
        last = position
        while last + 1 < len(top) and top[last].operator == "&&" and top[last + 1].operator != "|" and _moves_along(top[last + 1], region, cwd):
            last += 1
        raw_end = source_offset(install, part, top[last].end - 1) + 1
        moved_text = install.text[raw_start:raw_end]
        along = part.text[top[position + 1].start:top[last].end] if last > position else ""
        rest_commands = top[last + 1:]
        if not rest_commands:
            return _Split(moved_text, None, found.workdir, prefix, along=along)
        why = _rest_problem(found, part.text, top[:last + 1], rest_commands, region, cwd, bool(cds), model.in_final_image(found.stage))
        if why:
            return why
        rest_start = source_offset(install, part, rest_commands[0].start)
        rest = install.text[:raw_start] + install.text[rest_start:]  # no cd: what stays names no relative path
        return _Split(moved_text, rest, found.workdir, prefix, along=along)
    # A dependency-only step: the install stays where it is.
    directory = ""
    if cds and not pre and cwd == run_dir and insert_dir == run_dir:
        # ``cd /app && go build`` in WORKDIR /app: the cd changes nothing, and the step before
        # the sources runs where the install does without one.
        cds, prefix = [], ""
    if cds or insert_dir != run_dir:
        option = _DIRECTORY_OPTIONS.get(found.row.program)
        if not found.row.tolerant or option is None or found.invocation.spelled in WRAPPERS:
            return (
                f"the build runs in the folder its cd chose ({cds[-1] if cds else cwd}); the dependency-only step before the sources "
                "would need a RUN with the cd too, one more than hadolint accepts (DL3003: use WORKDIR)"
            )
        if not cwd.startswith(_BASE):
            directory = cwd
        elif insert_dir.startswith(_BASE):
            directory = posixpath.relpath(cwd, insert_dir)
        else:
            return "the install's folder is relative to the base image's WORKDIR, which the image table does not know"
        prefix = ""
    if not pre:
        return _Split("", install.text, found.workdir, prefix, directory)
    reasons = [(_pre_reason(pre, n, part.text, region), b, at) for n, (b, at) in enumerate(pre)]
    shown = [part.text[b.start:b.end] for b, _ in pre]
    if all(b.name in _NO_EFFECT and not b.redirects for b, _ in pre):
        return _Split("", install.text, found.workdir, prefix, directory)  # they print: they stay
    why = ""
    if all(not r for r, _, _ in reasons) and not cds and insert_dir == run_dir:
        # They move along (before the sources, then the dependency-only step); the install
        # and what follows it stay.
        rest_commands = top[position:]
        why = _rest_problem(found, part.text, top[:position], rest_commands, region, cwd, False, model.in_final_image(found.stage), moved_part="what ran before it")
        if not why:
            raw_end = source_offset(install, part, pre[-1][0].end - 1) + 1
            rest_start = source_offset(install, part, step_command.start)
            return _Split(install.text[raw_start:raw_end], install.text[:raw_start] + install.text[rest_start:], found.workdir)
        if not found.row.tolerant:
            return why
    # A tolerant prefetch runs alone, and the RUN stays as it is: what ran before the install
    # now runs after the prefetch too, which must not change what it does.
    if not found.row.tolerant:
        # The first command that cannot move (a cd when every one could).
        ordered = sorted(zip(reasons, shown), key=lambda item: not item[0][0])
        reasons, shown = [r for r, _ in ordered], [t for _, t in ordered]
    for (reason, before, at), text in zip(reasons, shown):
        if before.name in _NO_EFFECT and not before.redirects:
            continue
        if not found.row.tolerant:
            return (
                f"{text!r} runs before the install in the same RUN and "
                f"{reason or 'cannot move with the dependency-only step while the install stays (the cd)'}: "
                "the dependency-only step would run without it"
            )
        if not reason:
            continue  # a system package, a global tool: what the prefetch made does not change it
        got = _pre_stays(before, at, found)
        if got:
            effect = "this pass cannot tell whether what the prefetch made changes what it does" if got == reason else got
            return f"{text!r} runs before the install in the same RUN and {reason}; it would then run after the prefetch, and {effect}"
    return _Split("", install.text, found.workdir, prefix, directory)


def _pre_stays(command: shell.SimpleCommand, cwd: str, found: _Found) -> str:
    """Why a command before a tolerant install in its RUN, which stays after the prefetch,
    could do otherwise with what the prefetch made ("" when it cannot)."""
    invocations, blind = commands.read(shell_script(command))
    if blind:
        return blind[0].reason
    names, produced = _install_names(found)
    for invocation in invocations:
        got = _paths(invocation, command)
        if isinstance(got, str):
            return got
        reads, writes, _recursive = got
        for path in reads + writes:
            if "$" in path or path.startswith("~") or any(ch in path for ch in "*?["):
                return f"it names {path}, which this pass cannot resolve"
            why = _touches_install(_resolve(path, cwd), found, set(), produced)
            if why:
                return why
    return ""


def _moves_along(command: shell.SimpleCommand, region: str, cwd: str) -> bool:
    """A command after the install that moves with it: it reads no sources (a cleanup of the
    install's cache, a global tool) and is no build."""
    return not _reads_sources(command, region, cwd) and command.name != "cd"


#: Subcommands of package managers that remove what installs made.
_REMOVING = {
    "apt-get": ("purge", "remove", "autoremove", "clean", "autoclean"), "apt": ("purge", "remove", "autoremove", "clean", "autoclean"),
    "apk": ("del",), "yum": ("remove", "erase", "autoremove", "clean"), "dnf": ("remove", "erase", "autoremove", "clean"),
    "microdnf": ("remove", "clean"), "zypper": ("rm", "remove", "clean"),
    "npm": ("prune", "uninstall", "un", "unlink", "rm", "r", "remove", "cache", "dedupe", "ddp"),
    "yarn": ("cache", "autoclean", "remove"), "pnpm": ("prune", "remove", "rm", "store"),
    "pip": ("uninstall", "cache"), "gem": ("cleanup", "uninstall"), "bundle": ("clean",),
    "composer": ("clear-cache", "clearcache", "cc", "remove"), "go": ("clean",), "cargo": ("clean",), "conda": ("clean", "remove"),
}


def _removes(command: shell.SimpleCommand, region: str, cwd: str, found: _Found) -> str:
    """What a command after the split removes or changes that the moved part may have made
    ("" when it touches only sources, or makes new files): split, the old files would stay in
    the lower layer beside their new copies (a cleanup, ``chown -R`` over the dependencies)."""
    invocations, _blind = commands.read(shell_script(command))
    _names, produced = _install_names(found)

    def made_by_moved(target: str, whole: bool) -> bool:
        if "$" in target or "`" in target or target.startswith("~"):
            return True
        resolved = _resolve(target, cwd)
        if resolved.startswith(_BASE) != region.startswith(_BASE):
            return True  # cannot compare: assume the worst
        if not _inside(resolved, region) or _inside(found.workdir, resolved) and whole:
            return True  # outside the sources (caches, packages), or the install's folder as a whole
        if any(ch in target for ch in "*?[") and _inside(found.workdir, posixpath.dirname(resolved)):
            return True
        if _in_places(resolved, _INSTALL_PLACES):
            return True
        relative = posixpath.relpath(resolved, found.workdir)
        return any(_inside(relative, folder) or _inside(folder, relative) for folder in produced)

    for invocation in invocations:
        program = invocation.program
        positional = [a for a in invocation.args if not a.startswith("-")]
        if program in _REMOVING and positional[:1] and positional[0] in _REMOVING[program]:
            return invocation.display
        if program == "find" and any(a in ("-delete", "-exec", "-execdir") for a in invocation.args):
            return invocation.display
        if program in ("rmdir", "unlink"):
            program = "rm"
        if program not in ("rm", "mv", "chmod", "chown", "chgrp", "touch", "sed", "cp", "ln", "mkdir"):
            continue
        got = _paths(dataclasses.replace(invocation, program=program), command)
        if isinstance(got, str):
            return invocation.display
        _reads, writes, _recursive = got
        changing = program in ("rm", "mv", "chmod", "chown", "chgrp", "touch", "sed")
        for target in writes:
            if program == "mv" and target == writes[-1]:
                continue  # where it moves to is new
            if changing and made_by_moved(target, True):
                return invocation.display
            if not changing and not _inside(_resolve(target, cwd), region) and _in_places(_resolve(target, cwd), _INSTALL_PLACES):
                return invocation.display
            if not changing and made_by_moved(target, False) and _inside(_resolve(target, cwd), region):
                return invocation.display
    return ""


def _rest_problem(found: _Found, text: str, moved: list[shell.SimpleCommand], rest: list[shell.SimpleCommand], region: str, cwd: str, after_cd: bool, final: bool, moved_part: str = "the install") -> str:
    """Why the RUN cannot be split before ``rest`` ("" when it can). What the rest removes
    matters where the stage's layers are the final image's (``final``)."""
    last_moved = moved[-1]
    if last_moved.operator != "&&":
        return (
            f"{moved_part} is followed by {last_moved.operator or 'a newline'!r}: the rest of the RUN runs even when it fails, "
            "which a RUN of its own would not allow"
        )
    for later in rest[:-1]:
        if later.operator in ("||", ";", "\n", "&"):
            shown = text[later.start:later.end]
            return (
                f"the rest of the RUN goes on with {later.operator!r} after {shown!r}: as written, a failing "
                f"{'install' if moved_part == 'the install' else 'command before the install'} need not fail the build; split, it would"
            )
    for later in rest if final else ():
        removed = _removes(later, region, cwd, found)
        if removed and moved_part != "the install" and found.row.clean and text[later.start:later.end].split() == found.row.clean.split():
            continue  # the install's own cleanup, after it: the prefetch cleans up after itself
        if removed:
            return (
                f"after {moved_part} the RUN removes or changes files the part that would move makes ({removed!r}): "
                "split, the old files would stay in a lower layer of the final image, which would grow"
            )
    as_written = _lint_rules(moved + rest)
    first, second = _lint_rules(moved), _lint_rules(rest)
    more = sorted(rule for rule in first | second if (rule in first) + (rule in second) > (rule in as_written))
    if more:
        return (
            f"split in two, the RUNs would have more of what hadolint reports as {', '.join(more)} "
            f"({_LINT_RULES[more[0]]}) than the RUN as written"
        )
    if after_cd and _needs_cwd(rest, cwd):
        shown = text[rest[0].start:rest[-1].end]
        return (
            f"the RUN goes on after the install in the folder its cd chose ({shown[:60]!r}); split in two, both RUNs "
            "would need the cd, one more than hadolint accepts (DL3003: use WORKDIR)"
        )
    return ""


#: hadolint's rules about one RUN's installs, which a split could count on both RUNs.
_LINT_RULES = {
    "DL3008": "apt-get install without versions", "DL3015": "apt-get install without --no-install-recommends",
    "DL3018": "apk add without versions", "DL3013": "pip install without versions", "DL3042": "pip install without --no-cache-dir",
    "DL3016": "npm install without versions", "DL3060": "yarn install without yarn cache clean",
    "DL3009": "apt-get update without removing /var/lib/apt/lists", "DL3032": "yum install without yum clean all",
}


def _unpinned(word: str, separator: str) -> bool:
    """A package named without a version (not a path, URL or archive)."""
    if any(ch in word for ch in "/:$") or word.startswith(".") or word.endswith((".whl", ".gz", ".zip", ".tgz", ".deb", ".apk")):
        return False
    name = word[1:] if separator == "@" and word.startswith("@") else word
    return not any(mark in name for mark in (separator, "<", ">", "~", "!")) if separator != "@" else "@" not in name


def _lint_rules(part: list[shell.SimpleCommand]) -> set[str]:
    """The rules of _LINT_RULES that hadolint reports for a RUN of these commands."""
    rules: set[str] = set()
    yarn_installs = yarn_cleans = apt_updates = apt_lists_removed = yum_installs = yum_cleans = False
    for command in part:
        invocations, _blind = commands.read(shell_script(command))
        for invocation in invocations:
            program, args = invocation.program, invocation.args
            positional = [a for a in args if not a.startswith("-")]
            if program == "pip" and commands.positionals(invocation, BY_NAME["pip"])[:1] == ("install",):
                named = commands.positionals(invocation, BY_NAME["pip"])[1:]
                if "--no-cache-dir" not in args:
                    rules.add("DL3042")
                if any(_unpinned(w, "=") for w in named) and not any(a in ("-r", "--requirement") or a.startswith("-r") for a in args):
                    rules.add("DL3013")
            elif program == "npm" and commands.positionals(invocation, BY_NAME["npm"])[:1] in (("install",), ("i",), ("add",)):
                if any(_unpinned(w, "@") for w in commands.positionals(invocation, BY_NAME["npm"])[1:]):
                    rules.add("DL3016")
            elif program == "yarn":
                if positional[:2] == ["cache", "clean"]:
                    yarn_cleans = True
                elif not positional or positional[0] in ("install", "add"):
                    yarn_installs = True
            elif program == "rm" and any(a.startswith("/var/lib/apt/lists") for a in args):
                apt_lists_removed = True
            elif program == "yum" and positional[:1] == ["install"]:
                yum_installs = True
            elif program == "yum" and positional[:2] == ["clean", "all"]:
                yum_cleans = True
            elif program in ("apt-get", "apt") and positional[:1] == ["update"]:
                apt_updates = True
            elif program in ("apt-get", "apt") and positional[:1] == ["install"]:
                if any(_unpinned(w, "=") for w in positional[1:]):
                    rules.add("DL3008")
                if "--no-install-recommends" not in args:
                    rules.add("DL3015")
            elif program == "apk" and positional[:1] == ["add"]:
                if any(_unpinned(w, "=") for w in positional[1:]):
                    rules.add("DL3018")
    if yarn_installs and not yarn_cleans:
        rules.add("DL3060")
    if apt_updates and not apt_lists_removed:
        rules.add("DL3009")
    if yum_installs and not yum_cleans:
        rules.add("DL3032")
    return rules


def _needs_cwd(rest: list[shell.SimpleCommand], cwd: str) -> bool:
    """Whether commands may depend on the folder they run in: all but file tools and no-effect
    programs whose every path is absolute, and package managers' cleanups."""
    for command in rest:
        if any(not target.value.startswith("/") for _op, target in command.redirects):
            return True
        invocations, blind = commands.read(shell_script(command))
        if blind:
            return True
        for invocation in invocations:
            positional = [a for a in invocation.args if not a.startswith("-")]
            if invocation.program in _REMOVING and positional[:1] and positional[0] in _REMOVING[invocation.program]:
                if invocation.program in ("apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper") or positional[0] == "cache":
                    continue
                return True
            got = _paths(invocation, command)
            if isinstance(got, str):
                return True
            reads, writes, _recursive = got
            if any(not p.startswith("/") for p in reads + writes):
                return True
    return False


def _outside_region(invocation: Invocation, command: shell.SimpleCommand, region: str) -> bool:
    """A file tool whose every path is absolute, literal, and away from where the sources go
    (neither in that folder nor holding it)."""
    got = _paths(invocation, command)
    if isinstance(got, str):
        return False
    reads, writes, _recursive = got
    for path in reads + writes:
        if not path.startswith("/") or "$" in path or "`" in path:
            return False
        resolved = posixpath.normpath(path)
        if _inside(resolved, region) or _inside(region, posixpath.dirname(resolved) if any(ch in path for ch in "*?[") else resolved):
            return False
        if region.startswith(_BASE):
            return False  # where the sources go is not known
    return True


def _local_package(word: str) -> bool:
    """A package argument that names a local path or archive rather than a registry package
    (``.``, ``./pkg``, ``dist/app.whl``, ``file:../lib``)."""
    if "://" in word or word.startswith("git+"):
        return False
    if word.startswith(("@",)) and word.count("/") == 1:
        return False  # a scoped npm package
    return word.startswith((".", "/", "~", "file:")) or "/" in word or word.endswith((".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2"))


def _reads_sources(command: object, region: str = _BASE, cwd: str = _BASE) -> str:
    """Why a simple command may read the sources, or change where they go ("" when it cannot):
    only system package managers, global installs of named packages, and the programs of
    _SOURCE_FREE are known not to. Moved before the sources, it must write nothing where the
    sources go (``region``): the COPY would write over it."""
    assert isinstance(command, shell.SimpleCommand)
    for op, target in command.redirects:
        if op not in (">", ">>", ">|", "&>") or target.value.startswith("/dev/"):
            continue
        written = target.value
        if not written.startswith("/") or "$" in written or _inside(written, region):
            return f"writes {written}, which may be where the sources go"
    found, blind = commands.read(shell_script(command))
    if any(i.program in _ENVIRONMENT_TOOLS for i in found):
        blind = [u for u in blind if u.kind != "program"]  # the unknown program is one of them
    if blind:
        return blind[0].reason
    for invocation in found:
        program = invocation.program
        if program in ("ln", "useradd", "adduser", "usermod", "mkdir"):
            words = [a for a in invocation.args if not a.startswith("-")]
            named = words[-1:] if program == "ln" and len(words) > 1 else ([] if program == "mkdir" else words)
            named += [a.split("=", 1)[1] for a in invocation.args if a.startswith("--home=")]
            if program in ("useradd", "adduser", "usermod"):
                named += [a for a in invocation.args if a.startswith("/")]
            for path in named:
                if "$" in path or (not path.startswith("/") and program == "ln"):
                    return f"may write where the sources go ({invocation.display})"
                if path.startswith("/") and _inside(posixpath.normpath(path), region):
                    return f"writes {path}, where the sources go ({invocation.display})"
        if program in _SOURCE_FREE:
            continue
        if program in ("sed", "chmod", "chown", "chgrp", "cp", "mv", "touch", "rm") and _outside_region(invocation, command, region):
            continue  # files of the system, named in full, away from the sources
        if any(commands.subcommand(invocation, m) is not None for m in MANAGERS if m.name not in ("pip", "npm")):
            if any(a.startswith(("./", "../")) or a.endswith((".deb", ".rpm", ".apk")) and "://" not in a for a in invocation.args):
                return f"may read the sources ({invocation.display}: a local package)"
            continue
        if program == "pip" and commands.positionals(invocation, BY_NAME["pip"])[:1] == ("install",):
            local = any(_local_package(a) for a in commands.positionals(invocation, BY_NAME["pip"])[1:])
            if not local and not any(a in ("-r", "-e", "-c", "--requirement", "--editable", "--constraint") or a.startswith(("-r", "-e", "-c", "--requirement=", "--editable=", "--constraint=")) for a in invocation.args):
                continue
        if program == "npm" and commands.positionals(invocation, BY_NAME["npm"])[:1] in (("install",), ("i",)) and any(a in ("-g", "--global") for a in invocation.args):
            if not any(_local_package(a) for a in commands.positionals(invocation, BY_NAME["npm"])[1:]):
                continue
        if program in ("npm", "yarn", "pnpm", "pip") and commands.positionals(invocation, BY_NAME["pip" if program == "pip" else "npm"])[:1] in (("cache",), ("config",)):
            continue  # the tool's own cache or configuration: no project file
        if program in _USER_CONFIG and [a for a in invocation.args if not a.startswith("-")][:1] == ["config"] and not any(a in ("--local", "-l") for a in invocation.args):
            continue  # the tool's configuration for the user (poetry, composer, bundle), not the project's
        if program in _ENVIRONMENT_TOOLS:
            continue  # a Python environment for the install to use
        if program == "go" and invocation.args[:2] in (("env", "-w"), ("env", "-u")):
            continue  # the user's go settings (GOPROXY, GOPRIVATE), in $HOME/.config/go/env
        if program == "rustup" and (invocation.args[:1] in (("default",), ("set",)) or invocation.args[:2] in (("toolchain", "install"), ("toolchain", "add"))):
            continue  # the user's default toolchain, named (not a rust-toolchain file's)
        if program == "rm" and all(a.startswith(("-", "/var/lib/apt", "/var/cache", "/tmp/")) for a in invocation.args):
            continue  # package caches
        if program == "rm":
            inside = [
                a for a in invocation.args
                if not a.startswith("-") and ("$" in a or (not a.startswith("/") and cwd.startswith(_BASE)) or _inside(_resolve(a, cwd), region))
            ]
            if inside:
                return f"removes {inside[0]}, which the sources may bring: before them it would remove nothing of theirs"
        if program == "gem" and _gem_install_by_name(invocation):
            continue  # gems by name from the index (bundler itself, a tool), as pip and npm -g above
        if program in DOWNLOAD_READS and _downloads_only(invocation, region, cwd):
            continue  # a download to standard output or a file named in full, away from the sources
        if program == "go" and invocation.args[:1] == ("get",):
            return f"changes go.mod ({invocation.display}: in module mode it adds the module), which the COPY brings"
        return f"may read the sources ({invocation.display})"
    return ""


def _as_written(word: str, text: str) -> str:
    """An option carried to the dependency-only step, quoted for the shell, except a pattern the
    original wrote bare (``dotnet restore *.csproj``: the shell expands it there too)."""
    if any(ch in word for ch in "*?[") and re.fullmatch(r"[\w@%+=:,./*?\[\]-]+", word) and re.search(
        r"(?<![\"'\w/.])" + re.escape(word) + r"(?![\"'\w])", text
    ):
        # ``./*.csproj`` names the same files, and a name starting with a dash cannot become
        # an option (shellcheck SC2035)
        return word if "/" in word or not word.startswith(("*", "?", "[")) else "./" + word
    return shlex.quote(word)


def _gem_install_by_name(invocation: Invocation) -> bool:
    """``gem install bundler:2.4.22`` / ``gem install rake -v 13.0``: named gems, from the index
    (not a .gem file, a path, --local, or a Gemfile with -g)."""
    args = list(invocation.args)
    if args[:1] != ["install"] or len(args) < 2:
        return False
    if any(a in ("-l", "--local", "-g", "--file", "--explain") or a.startswith(("--file=", "-g")) for a in args):
        return False
    names = [a for a in args[1:] if not a.startswith("-")]
    values = {args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source", "-s")}
    names = [a for a in names if a not in values]
    return bool(names) and all(re.fullmatch(r"[A-Za-z0-9_.-]+(:[0-9A-Za-z.]+)?", a) and not a.endswith(".gem") for a in names)


def _pre_reason(pre: list[tuple[shell.SimpleCommand, str]], n: int, text: str, region: str) -> str:
    """Why the n-th command before the install in its RUN may read the sources ("" when it
    cannot): composer's installer piped from curl into ``php --`` reads only what curl fetched."""
    before, at = pre[n]
    if n and before.name == "php" and pre[n - 1][0].operator == "|" and COMPOSER_INSTALLER.search(text[pre[n - 1][0].start:pre[n - 1][0].end]):
        if _composer_installed_outside(before.args, region):
            return ""
    return _reads_sources(before, region, at)


def _composer_installed_outside(args: list[str] | tuple[str, ...], region: str) -> bool:
    """``php -- --install-dir=/usr/local/bin --filename=composer``: the installer read from
    standard input, writing composer into a folder named in full, away from the sources."""
    args = list(args)
    if args[:1] != ["--"]:
        return False
    folders = [a.split("=", 1)[1] for a in args if a.startswith("--install-dir=")]
    if not folders:
        i = args.index("--install-dir") if "--install-dir" in args else -1
        folders = [args[i + 1]] if 0 <= i < len(args) - 1 else []
    return len(folders) == 1 and folders[0].startswith("/") and "$" not in folders[0] and not _inside(posixpath.normpath(folders[0]), region)


def _downloads_only(invocation: Invocation, region: str, cwd: str) -> bool:
    """curl or wget that reads no local file and writes to standard output or to files named in
    full away from the sources (a bare ``wget URL`` or ``curl -O`` writes into the folder it
    runs in, which must be away from them too)."""
    program, args = invocation.program, list(invocation.args)
    reads = DOWNLOAD_READS[program]
    if any(a in reads or any(a.startswith(r + "=") for r in reads if r.startswith("--")) or "@" in a and a.startswith(("-d", "-F")) for a in args):
        return False
    if any(("$" in a or "`" in a) for a in args):
        return False
    here_ok = not cwd.startswith(_BASE) and not _inside(cwd, region)
    outputs: list[str] = []
    into_cwd = False
    i = 0
    while i < len(args):
        a = args[i]
        value = args[i + 1] if i + 1 < len(args) else ""
        if program == "curl":
            if a in ("-o", "--output"):
                outputs.append(value); i += 2; continue
            if a.startswith("--output="):
                outputs.append(a.split("=", 1)[1])
            elif a in ("-O", "--remote-name", "--remote-name-all") or (a.startswith("-") and not a.startswith("--") and "O" in a[1:]):
                into_cwd = True
        else:
            if a in ("-O", "--output-document", "-P", "--directory-prefix", "-o", "--output-file", "-a", "--append-output"):
                outputs.append(value); i += 2; continue
            if a.startswith(("--output-document=", "--directory-prefix=", "--output-file=")):
                outputs.append(a.split("=", 1)[1])
        i += 1
    if program == "wget" and not any(a in ("-O", "--output-document", "-P", "--directory-prefix") or a.startswith(("--output-document=", "--directory-prefix=")) for a in args):
        into_cwd = True
    if into_cwd and not here_ok:
        return False
    for out in outputs:
        if out == "-":
            continue
        if not out.startswith("/") or _inside(posixpath.normpath(out), region):
            return False
    return True


#: Maven options whose value is the next word.
_MAVEN_VALUE_OPTIONS = GOAL_VALUE_OPTIONS["mvn"]
#: Options that make no sense before the sources (composer's autoloader is built after them).
_NOT_CARRIED = frozenset({"-o", "--optimize-autoloader", "-a", "--classmap-authoritative", "--apcu-autoloader"})


_GRADLE_VALUE_OPTIONS = GOAL_VALUE_OPTIONS["gradle"]
#: Gradle options that point the build at another project, build or settings file.
_GRADLE_ELSEWHERE = frozenset({"-p", "--project-dir", "-b", "--build-file", "-c", "--settings-file", "--include-build"})


def _options(args: tuple[str, ...], values: frozenset[str], dropped: tuple[str, ...] = ()) -> list[str]:
    """A build tool's options with their values (not its goals), less the ``dropped`` ones."""
    kept: list[str] = []
    for n, arg in enumerate(args):
        previous = args[n - 1] if n else ""
        if previous in dropped or arg in dropped:
            continue
        if arg.startswith("-") or previous in values:
            kept.append(arg)
    return kept


def _wrapper(found: _Found) -> tuple[str, tuple[str, ...]] | None:
    """A build tool's wrapper script as the command writes it (``./gradlew``) and the folders it
    needs; None when the command runs the tool itself, or names the script with a variable or
    from outside the folder the install runs in."""
    invocation = found.invocation
    known = WRAPPERS.get(invocation.spelled)
    command = invocation.command
    if known is None or command is None or invocation.nested or invocation.first_word >= len(command.words):
        return None
    written = command.words[invocation.first_word].value
    if any(ch in written for ch in "$`\\\"'") or written.startswith("/") or posixpath.normpath(written).startswith(".."):
        return None
    return written, known[1]


def _dependency_only(found: _Found, directory: str = "", more: list[str] | None = None, members: list[str] | None = None) -> str:
    """The dependency-only command, with the original's options where the row says so; a
    tolerant prefetch ends in ``|| true`` (its failure leaves the build as it was). With
    ``directory``, the tool's own option names the folder the original reached with ``cd``."""
    row = found.row
    assert row.dependency_only is not None
    base = row.dependency_only or " ".join([found.invocation.spelled or row.program, *row.words])
    wrapper = _wrapper(found)
    made_executable = ""
    if wrapper is not None:
        base = " ".join([wrapper[0], *base.split()[1:]])  # ./gradlew dependencies: the same script
        name = posixpath.basename(wrapper[0])
        if any(i.word == "run" and "chmod" in i.text and name in i.text for i in (*found.between, found.install)):
            # The file makes the wrapper executable after the COPY (the context's copy is not):
            # so does the step before the sources (the later COPY brings the file as it was).
            made_executable = f"chmod +x {shlex.quote(wrapper[0])} && "
    if more:
        base = " ".join([base, *more])
    if directory:
        option = _DIRECTORY_OPTIONS[row.program].format(shlex.quote(directory))
        first, _, others = base.partition(" ")
        if row.program == "dotnet":
            if not any(_is_project(a) for a in found.invocation.args):
                base = f"{base} {option}"
        elif row.program == "composer":
            base = f"{base} {option}"
        else:
            base = f"{first} {option} {others}".rstrip()
    text = base
    if row.program == "gradle":
        # The original's options (--no-daemon, --offline, properties), not its tasks nor -x.
        carried = _options(found.invocation.args, _GRADLE_VALUE_OPTIONS, dropped=("-x", "--exclude-task"))
        text = " ".join([base.split()[0], *(shlex.quote(a) for a in carried), *base.split()[1:]])
    if row.program == "mvn":
        # The original's options (offline, repository, settings, profiles), not its goals.
        args = found.invocation.args
        carried = _options(args, _MAVEN_VALUE_OPTIONS)
        if not any(a in ("-B", "--batch-mode") for a in args):
            carried.insert(0, "-B")  # no prompts, no progress lines: the output is all the difference
        text = " ".join([base.split()[0], *(shlex.quote(a) for a in carried), *base.split()[1:]])
    if row.carry_options:
        words = list(found.invocation.args[len(row.words):])
        options = [w for w in words if w not in base.split() and w not in _NOT_CARRIED]
        if directory and row.program == "dotnet":
            options = [posixpath.join(directory, w) if _is_project(w) else w for w in options]
        text = " ".join([base, *(_as_written(w, found.install.text) for w in options)])
    if row.clean:
        text += f" && {row.clean}"
    if members:
        # cargo reads every member's manifest, and a manifest without a target does not load.
        sources = " ".join(shlex.quote(f"{m}/src") for m in members)
        libs = " ".join(shlex.quote(f"{m}/src/lib.rs") for m in members)
        text = f"mkdir -p {sources} && touch {libs} && {text}"
    text = made_executable + text
    if row.tolerant:
        text += " || true"
    if row.then:
        then = row.then
        if members:
            then += " " + " ".join(shlex.quote(f"{m}/src") for m in members)
        text += f"; {then}"
    return text


def _is_project(word: str) -> bool:
    return not word.startswith("-") and word.endswith((".sln", ".slnx", ".csproj", ".fsproj", ".vbproj", ".proj"))


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
            script = _console_script(found, model)
            if script:
                return f"the image's command runs {script}, which the project itself may install (-e . in its requirements): read it with the build context"
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
    if row.program == "gradle":
        other = [a for a in found.invocation.args if a.split("=", 1)[0] in _GRADLE_ELSEWHERE]
        if other:
            return f"it names another project, build or settings file ({other[0]}), which this pass does not follow"
    if found.invocation.spelled in WRAPPERS:
        wrapper = _wrapper(found)
        if wrapper is None:
            return f"it runs the wrapper {found.invocation.spelled} from a place this pass cannot read"
        if prefix:
            return f"it runs the wrapper {wrapper[0]} in another folder than the COPY's"
        script = posixpath.normpath(wrapper[0])
        plan.manifests.append(script)
        for directory in WRAPPERS[found.invocation.spelled][1]:
            if ctx is None:
                plan.extra.append((directory, directory))
            elif ctx.is_dir(prefix + directory) and (directory, directory) not in plan.extra:
                plan.extra.append((directory, directory))
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
        if ctx is not None:
            # The projects a solution lists and the ones each project references, at their paths.
            for name in list(plan.manifests):
                listed = contexts.dotnet_solution_projects(ctx, prefix + name) if name.endswith(".sln") else [prefix + name]
                for project in listed:
                    for path in [project, *contexts.dotnet_project_references(ctx, project)]:
                        relative = path[len(prefix):] if path.startswith(prefix) else "../"
                        if relative.startswith(".."):
                            return f"{name} needs {path}, outside the directory it restores"
                        if relative not in plan.manifests:
                            plan.manifests.append(relative)
    if row.ecosystem == "go":
        if any(a.startswith("-mod=vendor") for a in found.invocation.args):
            return "it builds from vendor/, which holds the dependencies already"
        env = model.env(found.install)
        if "-mod=vendor" in (env.get("GOFLAGS") or "") or (env.get("GOPROXY") or "").strip("\"'") == "off":
            return "GOFLAGS=-mod=vendor or GOPROXY=off: it builds from vendor/ without the network, which go mod download needs"
        above = _go_mod_above(found, model) if ctx is None else None
        if above is not None:
            # go.mod was copied on its own into this folder or one above: the download can
            # run before the sources with nothing more to copy, where Go reads modules there.
            image = model.image(found.stage)
            version = _go_version(images.parse_image(image) if image else None)
            mode = (model.env(found.install).get("GO111MODULE") or "").lower()
            outside_gopath = not _inside(found.workdir, "/go/src")
            if mode != "off" and version is not None and (version >= (1, 13) or version >= (1, 11) and (mode == "on" or outside_gopath)):
                plan.above = describe(above)
                plan.assumed = row.assumption
                return plan
        if ctx is None:
            image = model.image(found.stage)
            ref = images.parse_image(image) if image else None
            version = _go_version(ref)
            if version is None or version < (1, 16):
                known = f"Go {'.'.join(map(str, version))} ({image})" if version is not None else f"a Go this pass cannot date ({image or 'an unknown image'})"
                return f"{known}: before 1.16, Go builds without go.mod where there is none, and without the build context this pass cannot see whether there is one"
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
        if ctx.is_dir(prefix + directory) and (directory, directory) not in plan.extra:
            plan.extra.append((directory, directory))
    if row.program == "mvn":
        project_dir = prefix.rstrip("/") or "."
        modules = contexts.maven_modules(ctx, project_dir)
        if modules:
            tied = contexts.maven_module_dependency(ctx, modules)
            if tied is not None:
                return (
                    f"the Maven module {tied[0]} depends on the module {tied[1]}: dependency:go-offline from the poms alone "
                    "cannot resolve a module that is not built yet, so a prefetch would fetch nothing"
                )
            for module in modules:
                relative = module[len(prefix):] if module.startswith(prefix) else module
                if relative.startswith(".."):
                    return f"the Maven build has the module {module}, outside the directory it runs in"
                plan.extra.append((posixpath.join(relative, "pom.xml"), relative))
    if row.program == "cargo":
        crate_dir = prefix.rstrip("/") or "."
        for member in contexts.cargo_members(ctx, crate_dir):
            relative = member[len(prefix):] if member.startswith(prefix) else member
            if relative.startswith("..") or relative in (".", ""):
                return f"the Cargo workspace has the member {member}, outside the directory it builds in"
            if ctx.exists(f"{member}/src"):
                plan.extra.append((posixpath.join(relative, "Cargo.toml"), relative))
                plan.members.append(relative)
            else:
                return f"the Cargo workspace member {member} keeps its targets elsewhere than src/, which a placeholder cannot stand in for"
    if row.program == "gradle":
        project_dir = prefix.rstrip("/") or "."
        projects, builds, moved = contexts.gradle_projects(ctx, project_dir)
        for directory in [*builds, *([] if moved else projects)]:
            relative = directory[len(prefix):] if directory.startswith(prefix) else directory
            if relative.startswith(".."):
                return f"the Gradle build includes {directory}, outside the directory it runs in"
            if directory in builds:
                plan.extra.append((relative, relative))
                continue
            for name in ("build.gradle", "build.gradle.kts"):
                if ctx.is_file(f"{directory}/{name}"):
                    plan.extra.append((posixpath.join(relative, name), relative))
            plan.more.append(":" + relative.replace("/", ":") + ":dependencies")
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
        local_path = _local_node_dependency(ctx, prefix + "package.json")
        if local_path:
            return f"package.json depends on the local path {local_path}, which the install needs"
    if row.ecosystem == "ruby":
        gemfile = _read_text(ctx, prefix + "Gemfile")
        if gemfile is not None and re.search(r"^\s*gemspec\b|\bpath:\s*['\"]|:path\s*=>", gemfile, re.M):
            return "the Gemfile loads a gemspec or a gem from a local path, which the install needs"
    return plan


def _console_script(found: _Found, model: Model) -> str:
    """The program the image's command runs when it is not a known runner (python, gunicorn...)
    nor something the file installs by name: a console script of the project, perhaps."""
    from ..knowledge.installs import PYTHON_RUNNERS

    installed: set[str] = set()
    for instruction in found.stage.body:
        step = model.step(instruction) if instruction.word == "run" else None
        for invocation in step.invocations if step is not None else ():
            if invocation.program == "pip":
                installed.update(commands.requirement_names(invocation))
    finals = [i for i in found.stage.body if i.word == "entrypoint"] or [i for i in found.stage.body if i.word == "cmd"]
    for instruction in finals[-1:]:
        step = model.step(instruction)
        invocations = step.invocations if step is not None else ()
        if not invocations:
            continue
        program = invocations[0].program
        spelled = (invocations[0].spelled or program).split()[0]
        if "/" in spelled or spelled.startswith((".", "-")) or "." in spelled or "$" in spelled:
            continue  # a file of the sources (./run.sh, main.py), an option, a variable
        if program in PYTHON_RUNNERS or program.lower() in installed:
            continue
        return program
    return ""


def _local_node_dependency(ctx: object, path: str) -> str:
    text = _read_text(ctx, path)
    if text is None:
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    for key in ("dependencies", "devDependencies", "optionalDependencies"):
        deps = data.get(key) if isinstance(data, dict) else None
        for value in (deps or {}).values() if isinstance(deps, dict) else ():
            if isinstance(value, str) and value.startswith(("file:", "link:", "./", "../", "/")):
                return value
    return ""


def _read_text(ctx: object, path: str) -> str | None:
    from .. import context as contexts

    return ctx.read_text(path) if isinstance(ctx, contexts.BuildContext) else None


def _go_mod_above(found: _Found, model: Model) -> Instruction | None:
    """An earlier COPY of the stage that copies ``go.mod`` by name into the install's folder
    or one above it (where Go looks for it)."""
    for instruction in found.stage.body:
        if instruction is found.copy:
            return None
        command = instruction.command
        if instruction.word not in ("copy", "add") or command is None or command.flag("from") is not None:
            continue
        words = _words(command)
        if not words or len(words) < 2 or any("$" in w for w in words):
            continue
        sources = words[:-1]
        if "go.mod" not in [posixpath.basename(w) for w in sources if not any(ch in w for ch in "*?[")]:
            continue
        destination = _resolve(words[-1], model.workdir(instruction))
        if len(sources) > 1 or words[-1].endswith("/") or words[-1] in (".", "./"):
            folder = destination
        elif posixpath.basename(destination) == "go.mod":
            folder = posixpath.dirname(destination)
        else:
            continue  # a file or a folder, depending on what is there
        if not folder.startswith(_BASE) and _inside(found.workdir, folder):
            return instruction
    return None


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
