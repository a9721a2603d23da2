"""split-stages: a single-stage Dockerfile on a toolchain image becomes a builder stage and a
slim runtime stage that receives only what the program needs to run.

## What it does
The stage becomes ``builder`` (everything it did stays there, in order) and a new stage on the
matching runtime image (``codemod/knowledge/runtimes.py``: ``python:3.12`` ->
``python:3.12-slim``, ``golang:1.22-bookworm`` -> ``debian:bookworm-slim``,
``maven:3-eclipse-temurin-17`` -> ``eclipse-temurin:17-jre``...) follows it, named ``runtime``
(or the stage's own name, which a compose ``target:`` may build). The runtime stage gets, in the
original order:

- the configuration: ARG, ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK,
  SHELL, ENTRYPOINT and CMD, as written;
- the steps whose effect the program needs at run time, run again: creating users and groups,
  directories and links outside the application, system packages that are not build-only (a
  ``-dev`` header package becomes its runtime library: ``libpq-dev`` -> ``libpq5``; compilers
  and build tools are dropped), COPYs from the build context outside the application;
- ``COPY --from=builder`` of the artifacts, at the paths they had in the builder (so CMD and
  ENTRYPOINT are unchanged): for node, python and ruby the whole application directory and the
  installed dependencies (site-packages and ``/usr/local/bin``, ``/usr/local/bundle``, a
  virtualenv); for go the binary of ``go build -o`` or ``/go/bin``; for rust the binary CMD
  names; for java the jar ``java -jar`` runs; for .NET the ``dotnet publish -o`` directory;
  for compiled programs on a distro image also the CA certificates (and Go's time zone
  database); for php (the runtime stage is the same image) the extensions and their .ini files;
  paths a RUN downloads into.
- a RUN that runs the application's own code at build time (``python manage.py
  collectstatic``) runs again in the runtime stage, after the artifacts are there.

## Example
    FROM golang:1.22-bookworm               FROM golang:1.22-bookworm AS builder
    WORKDIR /src                            WORKDIR /src
    COPY . .                                COPY . .
    RUN go build -o /usr/local/bin/app .    RUN go build -o /usr/local/bin/app .
    EXPOSE 8080                       ->    EXPOSE 8080
    CMD ["app"]                             CMD ["app"]

                                            FROM debian:bookworm-slim AS runtime
                                            WORKDIR /src
                                            COPY --from=builder /usr/local/bin/app /usr/local/bin/app
                                            COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
                                            EXPOSE 8080
                                            CMD ["app"]

(With the build context, which shows only Go sources. Read bare, the program runs in /src among
its sources, so /src comes along too: it may read templates or a .env there.)

## Why
The image that ships holds the compiler, headers, package caches and the sources: often ten
times the program. Nobody splits stages without a language model today.

## Safety
``review``: the final image changes on purpose. Its configuration must not (the ``verify``
command builds both images, compares configuration and behaviour).

## Caveats (it declines, and says why with --explain)
- A file that is already multi-stage, ONBUILD, a base image it does not know, Windows images, a
  non-POSIX SHELL, the backtick escape.
- CMD or ENTRYPOINT runs the toolchain (``go run``, ``cargo run``, ``mvn spring-boot:run``,
  ``dotnet run``, nodemon); the artifact cannot be named; a python tag without its minor version
  (the slim image may carry another one, and site-packages is per version).
- A RUN it cannot classify (a script, a download outside the application, an unknown program),
  a header package whose runtime library it does not know, system packages on a runtime image
  of another distro family; nothing to gain (an already slim image and no build-only package).
- An image with no application and no command of its own: a base or toolbox image, whose
  users need the full image's compilers, headers and git (php's apache and fpm images, whose
  CMD serves a mounted application, still split).
- Without the build context it cannot see the files a compiled program reads at run time
  beside the sources, nor the native libraries a python or ruby package links. A Go program
  that runs among its sources keeps their directory, a Rust one gets them again from the
  build context (and OpenSSL's library); python and ruby get the database client libraries
  the full image has; what is left is said as an assumption.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import commands, shell
from ..commands import Invocation
from ..cst import Dockerfile, Instruction
from ..edit import parse_fragment_instructions, style_of
from ..knowledge import images, packages, runtimes
from ..knowledge.installs import COMPOSER_INSTALLER
from ..knowledge.managers import BY_NAME
from ..model import Model, Stage, is_root
from ..steps import Step, describe
from .base import REVIEW, Context, Note, Outcome, Pass, Proposal

#: Instructions that only configure the image or the later steps: repeated as written.
_CONFIG = frozenset({"arg", "env", "workdir", "user", "label", "expose", "volume", "stopsignal", "healthcheck", "shell", "entrypoint", "cmd", "maintainer"})

#: Programs whose effect lives outside the application and is wanted at run time: run again.
_ACCOUNTS = frozenset({"useradd", "groupadd", "adduser", "addgroup", "usermod", "groupmod", "deluser", "delgroup", "chpasswd"})
#: Programs that change files named by their path arguments.
_FILE_OPS = frozenset({"mkdir", "chown", "chmod", "chgrp", "ln", "touch", "rm", "cp", "mv", "install", "tee", "rmdir"})
#: Programs that change nothing the image keeps (or only the build's own state).
_NEUTRAL = frozenset({"echo", "printf", "true", ":", "set", "export", "unset", "alias", "unalias", "cd", "ls", "cat", "pwd", "env", "which", "test", "[", "sleep", "whoami", "id", "uname", "date", "exit", "sync"})
#: Programs that only check or verify what the build downloads: nothing of theirs is kept.
_CHECKS = frozenset({"gpg", "gpgv", "gpg2", "gpgconf", "gpg-agent", "dirmngr", "sha256sum", "sha1sum", "sha512sum", "md5sum", "cksum", "file", "stat", "du", "df", "grep", "head", "tail", "wc", "sort", "uniq", "tr", "cut", "awk", "jq", "xargs", "find", "readlink", "dirname", "basename", "nproc", "getconf", "dpkg-architecture", "dpkg-query", "tput", "yes", "seq", "mktemp"})
#: Toolchain programs and the arguments with which they only print what is installed.
_VERSION_PRINTS: dict[str, frozenset[str]] = {
    **{p: frozenset({"-v", "--version", "-V", "version"}) for p in ("node", "npm", "npx", "yarn", "pnpm", "python", "python3", "pip", "pip3", "ruby", "gem", "bundle", "go", "cargo", "rustc", "rustup", "java", "javac", "mvn", "gradle", "composer", "git", "curl", "wget", "poetry", "uv", "deno", "bun")},
    "php": frozenset({"-v", "--version", "-m", "-i", "--ini", "--modules"}),
    "dotnet": frozenset({"--version", "--info", "--list-sdks", "--list-runtimes"}),
}


def _prints_version(invocation: Invocation) -> bool:
    allowed = _VERSION_PRINTS.get(invocation.program)
    return allowed is not None and len(invocation.args) == 1 and invocation.args[0] in allowed and not invocation.sudo


#: Programs that add a package repository: a runtime package may come from it.
_REPOSITORY_SETUP = frozenset({"apt-key", "add-apt-repository", "apt-add-repository"})
#: Where apt and dpkg keep their settings (made again in the runtime stage).
_PACKAGE_SETTINGS_DIRS = ("/etc/apt/apt.conf.d", "/etc/dpkg/dpkg.cfg.d")
#: Where package managers keep their sources and keys (copied from the builder where needed).
_PACKAGE_SOURCE_DIRS = ("/etc/apt", "/etc/apk", "/usr/share/keyrings", "/etc/yum.repos.d", "/etc/pki/rpm-gpg")
#: Redirect targets that are not files of the image.
_NOT_FILES = ("/dev/", "/proc/")
#: System setup wanted at run time that writes outside the application: run again as written.
_SYSTEM_SETUP = frozenset({"locale-gen", "update-locale", "localedef", "update-ca-certificates", "ldconfig", "dpkg-reconfigure", "ln", "a2enmod", "a2ensite", "update-alternatives"})

#: Build and dependency programs of each ecosystem: their effect is in the application
#: directory, the dependency places, the artifacts, or caches the runtime does not need.
_BUILD_PROGRAMS: dict[str, frozenset[str]] = {
    "go": frozenset({"go", "gofmt", "golint", "golangci-lint", "dep", "glide", "govendor", "make", "swag", "protoc"}),
    "rust": frozenset({"cargo", "rustup", "rustc", "make"}),
    "java": frozenset({"mvn", "mvnw", "gradle", "gradlew", "javac", "jar", "make", "ant", "sbt"}),
    "dotnet": frozenset({"dotnet", "make"}),
    "node": frozenset({"npm", "yarn", "pnpm", "npx", "tsc", "webpack", "ng", "bower", "gulp", "grunt", "node", "make", "corepack", "vite", "next", "nest", "lerna", "turbo", "nx", "prisma", "tsd", "typings", "yo"}),
    # spacy: ``python -m spacy download MODEL`` pip-installs the model into site-packages.
    "python": frozenset({"pip", "pipenv", "poetry", "make", "uv", "venv", "virtualenv", "spacy"}),
    "ruby": frozenset({"bundle", "bundler", "gem", "rake", "rails", "yarn", "npm", "make"}),
    "php": frozenset({"docker-php-ext-install", "docker-php-ext-configure", "docker-php-ext-enable", "docker-php-source", "pecl", "pear", "composer", "phpize", "make", "npm", "yarn"}),
}
#: Source extensions per compiled ecosystem: a COPY of nothing else stays in the builder.
_SOURCES: dict[str, tuple[str, ...]] = {
    "go": (".go", ".mod", ".sum", ".work", ".s", ".c", ".h", ".proto"),
    "rust": (".rs", ".toml", ".lock"),
    "java": (".java", ".kt", ".scala", ".groovy", ".gradle", ".kts", "pom.xml", ".properties", "gradlew", "mvnw"),
    "dotnet": (".cs", ".fs", ".vb", ".csproj", ".fsproj", ".vbproj", ".sln", ".props", ".targets", "global.json", "nuget.config", ".config"),
}
_SOURCE_DIRS: dict[str, frozenset[str]] = {
    "go": frozenset({"cmd", "internal", "pkg", "vendor", "api", "proto"}),
    "rust": frozenset({"src", "benches", "examples", "tests", ".cargo", "crates"}),
    "java": frozenset({"src", ".mvn", "gradle", "buildSrc"}),
    "dotnet": frozenset({"src", "test", "tests"}),
}
_INTERPRETED = frozenset({"node", "python", "ruby", "php"})
_COMPILED = frozenset({"go", "rust", "java", "dotnet"})

#: Directories that cannot be the application's own: the runtime image has its own files there.
_SYSTEM_DIRS = frozenset({"/", "/usr", "/usr/local", "/usr/local/bin", "/usr/bin", "/bin", "/etc", "/var", "/opt", "/home", "/root", "/tmp", "/usr/src", "/usr/share", "/lib", "/usr/lib", "/go", "/go/src"})

#: The time zone database the golang images carry in GOROOT (Go's last fallback).
_GO_ZONEINFO = "/usr/local/go/lib/time/zoneinfo.zip"
_CA_BUNDLE = {"debian": "/etc/ssl/certs/ca-certificates.crt", "ubuntu": "/etc/ssl/certs/ca-certificates.crt", "alpine": "/etc/ssl/certs/ca-certificates.crt"}



class Decline(Exception):
    """The pass is not sure: the message says why."""


@dataclass
class _Carry:
    """A path the runtime stage copies from the builder."""

    path: str
    #: Where it goes in the runtime stage (the same path, unless a bare program name in CMD
    #: must be found on the runtime image's PATH).
    to: str
    chown: str | None = None
    what: str = ""


@dataclass
class _Plan:
    toolchain: runtimes.Toolchain
    runtime_image: str
    #: An `apt-get update` ran before (the package lists are there for an install).
    apt_updated: bool = False
    #: The runtime stage's instructions after its FROM: existing instructions, or texts.
    body: list[Instruction | tuple[str, ...]] = field(default_factory=list)
    #: Index in ``body`` where the COPY --from lines go.
    carry_at: int = 0
    carries: list[_Carry] = field(default_factory=list)
    replayed: list[str] = field(default_factory=list)
    dropped_packages: list[str] = field(default_factory=list)
    kept_packages: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    #: Paths a RUN downloads or unpacks into, outside the application: copied from the builder.
    downloads: list[str] = field(default_factory=list)
    #: compiled programs: where the sources are copied and the build runs (not carried).
    builder_roots: list[str] = field(default_factory=list)
    #: Files the program writes when a RUN runs it at build time (``go run ... -o FILE``).
    generated: list[str] = field(default_factory=list)
    #: A RUN adds a package repository (apt-key, a sources.list entry).
    repositories: bool = False
    #: The package manager whose sources (with the repositories RUNs added) the runtime stage
    #: copies from the builder before it installs packages.
    package_sources: str = ""
    #: A package repository a RUN added is reached over https.
    https_sources: bool = False
    #: A RUN tells apt to keep what it downloads (for a cache mount): the runtime stage's installs,
    #: which have no such mount, remove the downloads themselves.
    keeps_downloads: bool = False
    #: Why the builder's final package sources may lack the repository a runtime package came
    #: from (a RUN removes sources or keys; a repository named on the command line).
    sources_lack: str = ""
    #: Index in ``body`` of the first runtime step after the RUN that added a repository: where
    #: the package sources are copied (installs before it read the release's own sources).
    sources_at: int | None = None
    #: A RUN of the application's own code runs again in the runtime stage (from then on,
    #: owner and mode changes of the application are made again too).
    app_code_ran: bool = False
    #: ARGs the runtime stage does not read (left in the builder).
    dropped_args: list[str] = field(default_factory=list)
    #: Runtime libraries of language packages the install names (psycopg2 -> libpq5).
    native: list[str] = field(default_factory=list)
    #: Without the build context: the libraries of BARE_NATIVE are installed too.
    bare_native: bool = False
    #: The sources are copied into / (no WORKDIR): the runtime stage copies them again from
    #: the build context, so what a RUN writes there is not carried unless named.
    sources_in_root: bool = False
    #: Read bare, where a Rust program's sources are copied again from the build context.
    sources_again: str | None = None
    #: Packages a RUN removes again (``apt-get purge``, ``apk del``): never installed at run time.
    removed: set[str] = field(default_factory=set)
    #: What the build context was read for (replaces the assumptions made without it).
    read: list[str] = field(default_factory=list)
    #: Archives a RUN downloads to unpack: kept in the builder.
    archives: list[str] = field(default_factory=list)
    #: Files a cp/mv/install put outside the application from what the build made (carried).
    made: list[str] = field(default_factory=list)
    #: Application directories a user owns in the builder (chown, or made as that USER): the
    #: runtime stage makes them with that owner before copying into them (COPY --from does not
    #: change the owner of a directory that exists, and WORKDIR makes it as root).
    dir_owners: dict[str, str] = field(default_factory=dict)
    #: (instruction, value) the runtime stage starts with: the toolchain image's settings the
    #: file relies on (its WORKDIR, GOPATH).
    defaults: list[tuple[str, str]] = field(default_factory=list)
    #: Where pip installs as another user (or --user): that user's ~/.local, copied.
    user_places: list[str] = field(default_factory=list)
    #: Carried directories a RUN removes (and no later COPY brings back): not copied.
    gone: set[str] = field(default_factory=set)
    #: Header packages whose runtime library is not known: installed in the runtime stage.
    unmapped: list[str] = field(default_factory=list)
    #: Download caches the builder's installs leave that the runtime stage does not get.
    caches: list[str] = field(default_factory=list)
    #: Programs whose cache the file moves, turns off or empties (not counted as left).
    caches_handled: set[str] | None = None


def run(tree: Dockerfile, context: Context) -> Outcome:
    model = Model.of(tree)
    if len(model.stages) != 1:
        final = model.stages[-1] if model.stages else None
        image = model.image(final) if final is not None else None
        ref = images.parse_image(image) if image else None
        chain = runtimes.toolchain(ref) if ref is not None else None
        if final is not None and len(model.stages) > 1 and chain is not None and chain.runtime is not None and not chain.slim:
            return Outcome(tree, notes=[Note(f"not split: the final stage runs on the toolchain image {image}, but the file is already multi-stage", (final.from_instruction,))])
        return Outcome(tree)
    stage = model.stages[0]
    try:
        plan = _plan(tree, model, stage, context)
    except Decline as why:
        return Outcome(tree, notes=[Note(f"not split into builder and runtime stages: {why}", (stage.from_instruction,))])
    if plan is None:
        return Outcome(tree)
    return _write(tree, model, stage, plan, context)


# --- deciding -------------------------------------------------------------------------------------


def _plan(tree: Dockerfile, model: Model, stage: Stage, context: Context) -> _Plan | None:
    if tree.escape != "\\":
        raise Decline("the file uses another escape character (a Windows Dockerfile)")
    image = model.image(stage)
    if image is None or stage.image is None:
        raise Decline("the FROM line is not `FROM image [AS name]`")
    written = stage.image.text
    ref = images.parse_image(image)
    if ref is None:
        return None  # not an image reference this pass reads: not known to be a toolchain
    chain = runtimes.toolchain(ref)
    if chain is None:
        return None  # not a toolchain image: nothing to say
    if chain.runtime is None:
        static = _static_alpine(ref, chain, model, stage)
        if isinstance(static, str):
            raise Decline(chain.why + (f" ({static})" if static else ""))
        chain = static
    assert chain.runtime is not None
    runtime_image = _override(context, image) or chain.runtime
    if "$" in written:
        runtime_image = _with_variable(written, image, runtime_image)
    release = images.release_of(ref)
    if release.family == "windows":
        raise Decline("a Windows image")
    platform = _flag(stage.from_instruction, "platform") or ""
    if "BUILDPLATFORM" in platform and chain.ecosystem in _INTERPRETED:
        raise Decline("FROM --platform=$BUILDPLATFORM: the image is the build machine's, and so are the installed modules; a runtime stage for the target platform would not run them")
    # A WORKDIR named by the toolchain image's own variables ($GOPATH) is written again as it
    # is; one named by another variable, or relative on an image whose WORKDIR is not known,
    # would be guessed.
    image_env = {**runtimes.IMAGE_ENV.get((chain.ecosystem, "*"), {}), **runtimes.IMAGE_ENV.get((chain.ecosystem, release.family or ""), {})}
    unknown = None
    if not all(_named_by_image(i, image_env) for i in stage.body if i.word == "workdir"):
        unknown = next((i for i in stage.body if model.workdir_unknown(i) and i.word != "workdir"), None)
    if unknown is not None:
        raise Decline(f"{describe(unknown)!r} runs in a WORKDIR this pass cannot tell (a variable it cannot read, or a relative path on an image whose own WORKDIR it does not know)")
    if chain.release is not None and chain.release.family == "debian" and chain.release.codename and chain.release.codename not in (ref.tag or "").lower().split("-"):
        # The release was taken from the tag's last build: the file's own words may say it was
        # written for another one (a package only older releases have, a pinned ~jessie).
        other = _release_evidence(model, stage, chain.release.codename)
        if other is not None:
            if chain.ecosystem in _COMPILED:
                raise Decline(f"{other}: the runtime image's release cannot be named")
            chain = dataclasses.replace(chain, release=images.Release("debian", None, None), why="")
    plan = _Plan(chain, runtime_image)
    if chain.why and chain.runtime:
        plan.assumed.append(chain.why)
    if "@" in written and "@" not in runtime_image and written.split("@", 1)[0] == runtime_image:
        runtime_image = plan.runtime_image = written  # the same image: pinned by the same digest
    if "@" in written and "@" not in runtime_image:
        plan.assumed.append(f"{written.split('@', 1)[0]} was pinned by digest; {runtime_image} is not: pin it by its digest too")
    eco = chain.ecosystem
    for instruction in stage.body:
        if instruction.word == "onbuild":
            raise Decline(f"{describe(instruction)!r}: ONBUILD runs in images built FROM this one")
        if instruction.word == "shell" and not model.posix_shell(instruction):
            raise Decline(f"{describe(instruction)!r}: a non-POSIX SHELL")
        if instruction.word == "from":
            raise Decline("more than one FROM")
    _check_commands(model, stage, eco)
    serves = eco == "php" and any(t in ("apache", "fpm") for t in (ref.tag or "").lower().split("-"))
    if not serves and not any(i.word in ("cmd", "entrypoint") for i in stage.body) and not any(_from_context(i) for i in stage.body):
        # (php's apache and fpm images run their server by their own CMD: the application is
        # mounted at run time, and the runtime stage keeps the same image.)
        raise Decline(
            "the image copies no application from the build context and sets no CMD or ENTRYPOINT: a base or "
            "toolbox image, whose users build or run with the full image's tools (compilers, headers, git), "
            "which a runtime stage would not have"
        )
    if eco in ("node", "python", "ruby") and not _program_words(model, stage):
        plan.assumed.append(_NO_COMMAND_NOTE)
    plan.removed = _removed_packages(model, stage)
    into_root: list[Instruction] = []
    roots = _app_roots(model, stage, eco, into_root)
    for instruction in into_root:
        plan.replayed.append(f"{describe(instruction)} (the sources, which the original copies into /, come again from the build context)")
    plan.sources_in_root = bool(into_root)
    if eco in _COMPILED:
        plan.builder_roots = _builder_roots(model, stage)
    places = _dependency_places(model, stage, chain)
    carried = roots + places
    body: list[Instruction | tuple[str, ...]] = []
    last_carried = 0
    carry_before: int | None = None
    chowns: dict[str, str] = {}
    package_slots: dict[tuple[str, bool, str], tuple[int, list[str]]] = {}
    for instruction in stage.body:
        word = instruction.word
        workdir = model.workdir(instruction) or _base_workdir(ref)
        if word in _CONFIG:
            body.append(instruction)
            continue
        if word in ("copy", "add"):
            kind = _copy_kind(instruction, model, workdir, eco, carried)
            if kind == "carried":
                words = _copy_words(instruction, model) or ["."]
                dest = _resolve(words[-1], workdir)
                plan.gone = {g for g in plan.gone if not (_inside(dest, [g]) or _inside(g, [dest]))}
                if carry_before is not None:
                    raise Decline(f"{describe(instruction)!r} changes the application after a step that runs its code")
                last_carried = len(body)
                owner = _flag(instruction, "chown")
                if owner:
                    for root in roots:
                        chowns.setdefault(root, owner)
            elif kind == "replay":
                body.append(instruction)
            continue
        if word == "run":
            had_repositories = plan.repositories
            outcome = _classify_run(instruction, model, stage, eco, carried, workdir, plan, chain)
            if plan.repositories and not had_repositories:
                # Installs from here on may read the repository: none joins an earlier one.
                plan.sources_at = len(body)
                package_slots.clear()
            if outcome.app_code and carry_before is None:
                carry_before = len(body)
                plan.app_code_ran = True
            elif outcome.touches_carried and carry_before is not None:
                raise Decline(f"{describe(instruction)!r} changes the application after a step that runs its code")
            if outcome.packages is not None:
                family, names, recommends, program = outcome.packages
                slot = package_slots.get((family, recommends, program))
                if slot is None:
                    package_slots[(family, recommends, program)] = (len(body), list(names))
                    body.append(tuple(_install_commands(family, list(names), recommends, program)))
                else:
                    at, gathered = slot
                    gathered.extend(n for n in names if n not in gathered)
                    body[at] = tuple(_install_commands(family, gathered, recommends, program))
            if outcome.replay is not None:
                body.append(outcome.replay)
            if outcome.touches_carried:
                last_carried = len(body)
            for path, owner in outcome.chowns:
                if "$" in owner or "`" in owner:
                    expanded = _expanded(owner, model, instruction)
                    if "$" in expanded or "`" in expanded:
                        raise Decline(f"{describe(instruction)!r}: the owner {owner} is named by a variable this pass cannot read")
                    owner = expanded
                chowns.setdefault(path, owner)
                if path in roots:
                    plan.dir_owners[path] = owner  # the directory itself, not only its files
            for path, owner in outcome.owned_dirs:
                if path in roots:
                    plan.dir_owners.setdefault(path, owner)
            continue
        raise Decline(f"{describe(instruction)!r}: an instruction this pass does not place")
    if plan.keeps_downloads:
        body[:] = [_cleaning_downloads(item) for item in body]
    plan.body = body
    plan.carry_at = last_carried if carry_before is None else min(last_carried, carry_before)
    build = _build_context(tree, context)
    if build is not None:
        _read_context(build, model, stage, chain, plan)
        _check_run_commands(build, eco, plan)
    if not plan.read:
        _named_by_commands(model, stage, chain, plan)
        if eco == "rust":
            _rust_sources(tree, model, stage, plan)
    bare = _bare_native(model, stage, chain, plan)
    native = [p for p in plan.native if p not in plan.kept_packages]
    if native:
        if chain.family_changes or (chain.release and chain.release.family not in ("debian", "ubuntu", "alpine")):
            raise Decline(f"the installed packages link {', '.join(native)}, which this pass cannot install on the runtime image")
        family = "apk" if chain.release and chain.release.family == "alpine" else "apt"
        if family == "apt":
            _check_mirrors(model, stage, plan, native)
        text = tuple(_install_commands(family, native))
        at = _after_config_prefix(body)
        body.insert(at, text)
        if plan.carry_at >= at:
            plan.carry_at += 1
        if plan.sources_at is not None and plan.sources_at >= at:
            plan.sources_at += 1
        plan.kept_packages.extend(native)
        if bare and chain.ecosystem == "rust":
            plan.replayed.append(
                f"installed {', '.join(native)} (OpenSSL's library, which the full image has and a binary built "
                "with openssl-sys links: reqwest's and native-tls's default; the build context would tell)"
            )
        elif bare:
            plan.replayed.append(
                f"installed {', '.join(native)} (the full image's database client libraries, which the usual adapters "
                f"link: {', '.join(runtimes.BARE_NATIVE[chain.ecosystem])}; the build context would tell which)"
            )
        else:
            plan.replayed.append(f"installed {', '.join(native)} (linked by the installed packages)")
    _check_alpine_names(chain, written, plan)
    plan.carries = _carries(model, stage, chain, roots, places, chowns, plan)
    spaced = [c.path for c in plan.carries if any(ch.isspace() for ch in c.path + c.to)]
    if spaced:
        raise Decline(f"the path {spaced[0]!r} has a space in it, which a COPY would read as two paths")
    unread = [c.path for c in plan.carries if "$" in c.path or "$" in c.to or "`" in c.path]
    if unread:
        raise Decline(f"the artifact {unread[0]} is named by a variable this pass cannot read")
    _carry_in_place_of_copies(model, plan)
    if build is not None:
        plan.carries.extend(_runtime_files(build, model, stage, chain, plan))
    if not plan.carries and not plan.replayed:
        raise Decline("nothing to copy into the runtime stage was found")
    if chain.ecosystem == "go" and not _override(context, image):
        _static_runtime(model, stage, plan)
    if chain.slim and not plan.dropped_packages and runtime_image == image and not plan.caches:
        raise Decline(f"{image} is already a small image and no RUN installs build-only packages: nothing to gain")
    _check_runtime_programs(model, stage, plan, chain)
    _drop_unused_args(plan)
    _decide_defaults(model, stage, plan)
    return plan


def _carry_in_place_of_copies(model: Model, plan: _Plan) -> None:
    """A compiled artifact the stage COPYs from the build context (a jar built outside, run on
    the JDK image) is copied from the builder where that COPY was, instead of both."""
    if plan.toolchain.ecosystem not in _COMPILED:
        return
    carried = {c.path for c in plan.carries}
    for index, item in enumerate(plan.body):
        if not isinstance(item, Instruction) or item.word not in ("copy", "add") or _flag(item, "from") is not None:
            continue
        words = _copy_words(item, model)
        if words is None or len(words) != 2 or "$" in words[0]:
            continue
        dest = _resolve(words[-1], model.workdir(item) or "/")
        if words[-1].endswith("/") or words[-1] in (".", "./"):
            dest = posixpath.join(dest, posixpath.basename(words[0].rstrip("/")))
        if dest in carried:
            del plan.body[index]
            plan.carry_at = index
            return


def _drop_unused_args(plan: _Plan) -> None:
    """An ARG of the stage that nothing in the runtime stage reads is not declared there: build
    arguments (often tokens: NPM_TOKEN) stay in the builder."""
    texts = [item.text if isinstance(item, Instruction) else " ".join(item) for item in plan.body if not (isinstance(item, Instruction) and item.word == "arg")]
    texts.append(plan.runtime_image)
    used = " ".join(texts)
    kept: list[Instruction | tuple[str, ...]] = []
    for index, item in enumerate(plan.body):
        if isinstance(item, Instruction) and item.word == "arg" and item.command is not None:
            names = [p.text.split("=", 1)[0] for p in item.command.args]
            # Read from the environment by the programs the runtime stage runs (apt's
            # DEBIAN_FRONTEND, npm's and pip's own settings), not only by ${NAME}.
            read = [n for n in names if n == "DEBIAN_FRONTEND" or n.upper().startswith(("NPM_CONFIG_", "PIP_", "YARN_")) and any(w in used for w in ("npm ", "pip ", "yarn "))]
            if names and not read and not any(re.search(r"\$\{?" + re.escape(n) + r"\b", used) for n in names):
                plan.dropped_args.extend(names)
                if index < plan.carry_at:
                    plan.carry_at -= 1
                continue
        kept.append(item)
    plan.body = kept


def _override(context: Context, image: str) -> str | None:
    import fnmatch

    for pattern, runtime in getattr(context, "runtime_images", ()) or ():
        if fnmatch.fnmatchcase(image, pattern):
            return str(runtime)
    return None


def _with_variable(written: str, image: str, runtime: str) -> str:
    """``python:${PYTHON_VERSION}`` -> ``python:${PYTHON_VERSION}-slim`` where the runtime image
    is the base with a suffix; otherwise the expanded name would freeze the variable: decline."""
    if runtime.startswith(image) and written.count(":") == 1:
        return written + runtime[len(image):]
    raise Decline(f"FROM {written}: the runtime image cannot be derived from the same variables")


_CODENAME_WORD = re.compile(
    r"~(?P<pin>" + "|".join(packages.DEBIAN_ORDER) + r")\b"
    r"|\bdeb(?:-src)?\s+(?:\[[^\]]*\]\s+)?\S+\s+(?P<suite>" + "|".join(packages.DEBIAN_ORDER) + r")\b"
)


def _release_evidence(model: Model, stage: Stage, codename: str) -> str | None:
    """Why the file was written for another Debian release than ``codename`` (a package it
    installs that ``codename`` has not, a version pinned ``~jessie``, a ``deb ... stretch``
    source), or None."""
    for instruction in stage.body:
        if instruction.word in ("run", "env", "arg"):
            for match in _CODENAME_WORD.finditer(instruction.text):
                named = match.group("pin") or match.group("suite")
                if named and named != codename:
                    return f"{describe(instruction)!r} names Debian {named}, and the tag's last build was {codename}"
    for instruction, manager, names in _system_installs(model, stage):
        for name in (n.split("=", 1)[0] for n in names) if manager == "apt" else ():
            span = packages.debian_package_conflict(name, codename)
            if span is not None:
                first, last = span
                where = f"{first or 'before'}..{last or 'now'}"
                return f"{describe(instruction)!r} installs {name}, which Debian has in {where} only, and the tag's last build was {codename}"
    return None


def _system_installs(model: Model, stage: Stage) -> Iterator[tuple[Instruction, str, list[str]]]:
    """(RUN, package manager, the packages it names) of each system package install of the
    stage, read as the runtime stage's installs are (``apt-get install -y --no-... a b``)."""
    for instruction in stage.body:
        step = model.step(instruction) if instruction.word == "run" else None
        for invocation in step.invocations if step is not None else ():
            manager = _manager_of(invocation)
            if manager is not None and manager[1] in BY_NAME[manager[0]].install:
                yield instruction, manager[0], [p for p in commands.positionals(invocation, BY_NAME[manager[0]])[1:] if not p.startswith("-")]


def _from_context(instruction: Instruction) -> bool:
    """A COPY or ADD of files of the build context (not another stage's, not a URL's), other
    than the system's configuration."""
    if instruction.word not in ("copy", "add") or _flag(instruction, "from"):
        return False
    words = _copy_words(instruction)
    if words is None:
        return not instruction.heredocs  # words this pass does not read: sources, it may be
    if words[-1].startswith(("/etc/", "/usr/local/etc/", "/usr/share/")):
        return False  # a configuration file of the system (ImageMagick's policy.xml), no application
    return any("://" not in w and not w.startswith("git@") for w in words[:-1])


def _base_workdir(ref: images.ImageRef) -> str:
    return images.image_workdir(ref) or "/"


_NO_COMMAND_NOTE = (
    "the command the image is run with (it sets no CMD or ENTRYPOINT: a compose file's, say) runs the "
    "application, not the toolchain (a dependency install, a compiler, a file watcher)"
)


def _check_run_commands(build: object, eco: str, plan: _Plan) -> None:
    """The compose service that builds the file runs the image with its own command or
    entrypoint: it must not run the toolchain either. Read, it replaces the assumption made
    for an image without CMD."""
    commands: tuple[str, ...] = getattr(build, "commands", ())
    if not commands:
        return
    for text in commands:
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        tokens = [posixpath.basename(w) for w in " ".join(words).split()]
        for toolchain in runtimes.TOOLCHAIN_AT_RUN_TIME.get(eco, ()):
            for at, token in enumerate(tokens):
                following = [t for t in tokens[at + 1:] if not t.startswith("-")]
                if token == toolchain[0] and tuple(following[: len(toolchain) - 1]) == toolchain[1:]:
                    raise Decline(f"{getattr(build, 'source', 'the compose file')} runs the image with {text!r}, which runs the toolchain ({' '.join(toolchain)}): the program needs the builder")
    if _NO_COMMAND_NOTE in plan.assumed:
        plan.assumed.remove(_NO_COMMAND_NOTE)


def _check_commands(model: Model, stage: Stage, eco: str) -> None:
    """CMD and ENTRYPOINT must not run the toolchain, nor be an interactive shell (a toolbox
    image: what its users run in it cannot be told)."""
    finals = _program_words(model, stage)
    entrypoints = [i for i in stage.body if i.word == "entrypoint"]
    for instruction, argv in finals:
        if instruction.word == "cmd" and not entrypoints and argv and posixpath.basename(argv[0]) in ("bash", "sh", "ash", "zsh") and all(a.startswith("-") for a in argv[1:]):
            raise Decline(f"{describe(instruction)!r} is an interactive shell: what its users run there (the toolchain image's programs) cannot be told")
    for instruction in stage.body:
        if instruction.word not in ("cmd", "entrypoint"):
            continue
        step = model.step(instruction)
        for invocation in step.invocations if step else []:
            for words in runtimes.TOOLCHAIN_AT_RUN_TIME.get(eco, ()):
                if invocation.program == words[0] and tuple(a for a in invocation.args if not a.startswith("-"))[: len(words) - 1] == words[1:]:
                    raise Decline(f"{describe(instruction)!r} runs the toolchain ({' '.join(words)}): the program needs the builder")


def _resolve(path: str, workdir: str) -> str:
    joined = path if path.startswith("/") else posixpath.join(workdir, path)
    return posixpath.normpath(joined)


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _copy_words(instruction: Instruction, model: Model | None = None) -> list[str] | None:
    """COPY/ADD sources and destination: plain words or the JSON form, with the variables the
    model knows expanded (None when they cannot be read)."""
    from ..cst import form_values

    command = instruction.command
    if command is None or instruction.heredocs:
        return None
    if command.form == "exec":
        words = list(form_values(command, instruction.escape))
    elif command.form == "words":
        words = [p.text for p in command.args]
        if any(ch in w for w in words for ch in "\"'\\`"):
            return None
    else:
        return None
    if len(words) < 2:
        return None
    if model is not None:
        words = [_expanded(w, model, instruction) for w in words]
    return words


def _flag(instruction: Instruction, name: str) -> str | None:
    command = instruction.command
    return command.flag(name) if command is not None else None


def _app_roots(model: Model, stage: Stage, eco: str, into_root: list[Instruction]) -> list[str]:
    """node, python, ruby: the directories the application is copied to (and the WORKDIR the
    program runs in). The COPYs of sources into / go to ``into_root`` instead: the runtime stage
    copies them again from the build context."""
    if eco not in _INTERPRETED:
        return []
    roots: list[str] = []
    copies: dict[str, list[Instruction]] = {}
    for instruction in stage.body:
        if instruction.word not in ("copy", "add") or _flag(instruction, "from") is not None:
            continue
        words = _copy_words(instruction, model)
        if words is None:
            if instruction.heredocs:
                continue
            raise Decline(f"{describe(instruction)!r}: a COPY written with quotes, escapes or JSON this pass does not read")
        workdir = model.workdir(instruction) or "/"
        dest = _resolve(words[-1], workdir)
        sources = words[:-1]
        if any("$" in w for w in words):
            raise Decline(f"{describe(instruction)!r}: a COPY with variables")
        directory = any(s in (".", "./") or s.endswith("/") or "." not in posixpath.basename(s) for s in sources)
        into_dir = words[-1].endswith("/") or words[-1] in (".", "./") or len(sources) > 1
        root = dest if into_dir or directory else posixpath.dirname(dest)
        if root in _SYSTEM_DIRS and not directory:
            continue  # a file put into a system directory: copied again from the context
        roots.append(root)
        copies.setdefault(root, []).append(instruction)
    final = [i for i in stage.body if i.word in ("cmd", "entrypoint")]
    if final:
        last_workdir = model.workdir(final[-1])
        # The program runs there; a system directory (WORKDIR /tmp) is not the application's.
        if last_workdir is not None and posixpath.normpath(last_workdir) not in _SYSTEM_DIRS:
            roots.append(posixpath.normpath(last_workdir))
    kept: list[str] = []
    for root in sorted(set(roots), key=len):
        if root in _SYSTEM_DIRS:
            if any(r == root for r in roots if r not in _SYSTEM_DIRS):
                continue
            if root == "/" and eco in ("python", "ruby", "node"):
                # The sources copied into / (no WORKDIR): the runtime stage copies them again
                # from the build context, as the original did; what the RUNs make there is
                # judged as outside the application (installs into / decline).
                into_root.extend(copies.get(root, ()))
                continue
            raise Decline(f"the application is copied to {root}, where the runtime image has files of its own: give it a directory of its own (WORKDIR /app)")
        if not _inside(root, kept):
            kept.append(root)
    return kept


def _builder_roots(model: Model, stage: Stage) -> list[str]:
    """Where a compiled program's sources go and its build runs: the WORKDIRs and the
    destinations of COPYs from the context (system directories excepted)."""
    found: list[str] = []
    for instruction in stage.body:
        workdir = model.workdir(instruction)
        if instruction.word == "run" and workdir:
            found.append(posixpath.normpath(workdir))
        if instruction.word in ("copy", "add") and _flag(instruction, "from") is None:
            words = _copy_words(instruction, model)
            if words is not None and "$" not in words[-1]:
                dest = _resolve(words[-1], workdir or "/")
                directory = words[-1].endswith("/") or words[-1] in (".", "./") or any(w in (".", "./") or w.endswith("/") for w in words[:-1])
                found.append(dest if directory else posixpath.dirname(dest))
    return sorted({f for f in found if f not in _SYSTEM_DIRS})


def _venv_dirs(instruction: Instruction, model: Model) -> list[str]:
    """The virtualenvs a RUN makes (``python -m venv DIR``, ``virtualenv DIR``)."""
    step = model.step(instruction) if instruction.word == "run" else None
    if step is None or step.script is None:
        return []
    found = []
    cwd = model.workdir(instruction) or "/"
    for simple in step.script.commands:
        words = [w.value for w in simple.words]
        if not words:
            continue
        program = commands.program_name(words[0])
        if program == "python" and words[1:3] in (["-m", "venv"], ["-m", "virtualenv"]):
            rest = words[3:]
        elif program == "virtualenv":
            rest = words[1:]
        else:
            continue
        targets = [w for w in rest if not w.startswith("-")]
        if len(targets) != 1:
            return []
        path = _expanded(targets[0], model, instruction)
        if "$" in path:
            return []
        found.append(_resolve(path, cwd))
    return found


def _installs_only_into(model: Model, stage: Stage, venvs: list[str]) -> bool:
    """Whether every pip of the stage is a virtualenv's: run by its path, after its bin/ leads
    PATH, or after its activate script in the same RUN."""
    for instruction in stage.body:
        step = model.step(instruction) if instruction.word == "run" else None
        pips = [i for i in step.invocations if i.program == "pip"] if step else []
        if not pips:
            continue
        path = _path_head(model, stage, instruction)
        if any(path.rstrip("/") == posixpath.join(v, "bin") for v in venvs):
            continue
        cwd = model.workdir(instruction) or "/"
        script = step.script if step is not None else None
        if script is not None and any(
            [w.value for w in c.words[:1]] in (["."], ["source"]) and any(_resolve(w.value, cwd).startswith(tuple(venvs)) for w in c.words[1:2])
            for c in script.commands
        ):
            continue  # the virtualenv is activated first
        for invocation in pips:
            word = _program_word(invocation) if invocation.command is not None else ""
            if not word or "/" not in word or not _resolve(word, cwd).startswith(tuple(v.rstrip("/") + "/" for v in venvs)):
                return False
    return True


def _path_head(model: Model, stage: Stage, before: Instruction) -> str:
    """The first directory of PATH as the stage's ENV lines set it before ``before`` ("" when
    no ENV sets PATH or its first part cannot be read)."""
    from ..model import _env_pairs

    head = ""
    for instruction in stage.body:
        if instruction is before:
            break
        command = instruction.command
        if instruction.word != "env" or command is None:
            continue
        for key, value in _env_pairs(command):
            if key == "PATH":
                first = value.strip("\"'").split(":")[0]
                expanded = model.expand(first, instruction)
                head = expanded if expanded is not None else ""
    return head


def _program_word(invocation: Invocation) -> str:
    command = invocation.command
    if command is None or invocation.nested or not command.words or invocation.first_word >= len(command.words):
        return ""
    return command.words[invocation.first_word].value


def _dependency_places(model: Model, stage: Stage, chain: runtimes.Toolchain) -> list[str]:
    eco = chain.ecosystem
    if eco == "python":
        venvs = [d for i in stage.body for d in _venv_dirs(i, model)]
        if venvs:
            # The installs go into the virtualenv (its bin/ first on PATH): it is what runs.
            # Its python links to the image's own, which the slim image has at the same path.
            if chain.version is None or chain.version.count(".") < 1:
                raise Decline("a virtualenv links to the image's python, and the tag does not pin its minor version")
            system = list(runtimes.python_dependency_places(".".join(chain.version.split(".")[:2])))
            if _installs_only_into(model, stage, venvs):
                return sorted(set(venvs))
            return sorted(set(venvs)) + system
        version = chain.version
        if version is None or version.count(".") < 1:
            # The tag does not name the minor version: the slim image pulled later may carry
            # another one, and site-packages is per version. The builder's whole /usr/local
            # (its python and what pip installed) goes along instead.
            return ["/usr/local"]
        minor = ".".join(version.split(".")[:2])
        return list(runtimes.python_dependency_places(minor))
    places = list(runtimes.DEPENDENCY_PLACES.get(eco, ()))
    if not chain.slim and _unpinned(chain, model.image(stage) or ""):
        # The tag does not pin the version native modules and gems are built for (node:
        # the major, ruby: the minor): the slim image pulled may carry another, so the builder's
        # whole /usr/local (the interpreter, its global packages, GEM_HOME) goes along.
        return ["/usr/local", *[p for p in places if not _inside(p, ["/usr/local"])]]
    if eco == "ruby" and not _runs_any(model, stage, ("bundle", "gem")):
        places = [p for p in places if p != "/usr/local/bundle"]  # nothing installed there
    for setting, install_flags in runtimes.DEPENDENCY_SETTINGS.get(eco, ()):
        for instruction in stage.body:
            values: list[str] = []
            if instruction.word == "env":
                from ..model import _env_pairs

                values = [v.strip("\"'") for k, v in _env_pairs(instruction.command) if k == setting] if instruction.command is not None else []
            elif instruction.word == "run":
                step = model.step(instruction)
                for invocation in step.invocations if step is not None else ():
                    args = list(invocation.args)
                    for flag in install_flags:
                        if flag in args and args.index(flag) + 1 < len(args):
                            values.append(args[args.index(flag) + 1])
                        values.extend(a.split("=", 1)[1] for a in args if a.startswith(flag + "="))
                    if invocation.program == "bundle" and args[:1] == ["config"]:
                        words = [a for a in args[1:] if not a.startswith("-") and a not in ("set", "--global", "--local")]
                        if words[:1] == ["path"] and len(words) >= 2:
                            values.append(words[1])
                        if words[:1] == ["deployment"] or "--deployment" in args:
                            values.append("vendor/bundle")
                    if invocation.program == "bundle" and "--deployment" in args:
                        values.append("vendor/bundle")
            for value in values:
                expanded = _expanded(value, model, instruction)
                if "$" in expanded or "`" in expanded:
                    raise Decline(f"{describe(instruction)!r}: the dependencies go to {value}, which this pass cannot read")
                if not expanded.startswith("/"):
                    continue  # relative to the application: copied with it
                if expanded in _SYSTEM_DIRS:
                    raise Decline(f"{describe(instruction)!r}: the dependencies go to {expanded}, where the runtime image has files of its own")
                if expanded not in places:
                    places.append(expanded)
    return places


_LANGUAGE = {"python": "python", "node": "node", "ruby": "ruby"}


def _unpinned(chain: runtimes.Toolchain, image: str) -> bool:
    if chain.ecosystem == "node":
        ref = images.parse_image(image)
        tokens = (ref.tag or "latest").lower().split("-") if ref is not None else []
        return chain.version is None and not any(t in runtimes.NODE_CODENAMES for t in tokens)
    if chain.ecosystem == "ruby":
        return chain.version is None or "." not in chain.version
    return False


def _runs_any(model: Model, stage: Stage, programs: tuple[str, ...]) -> bool:
    for instruction in stage.body:
        step = model.step(instruction) if instruction.word == "run" else None
        if step is not None and any(i.program in programs for i in step.invocations):
            return True
    return False


def _copy_kind(instruction: Instruction, model: Model, workdir: str, eco: str, carried: list[str]) -> str:
    """"carried" (the runtime gets it with the application), "replay" (COPY again from the
    build context), or "builder" (sources of a compiled program)."""
    if _flag(instruction, "from") is not None or instruction.heredocs:
        return "replay"
    words = _copy_words(instruction, model)
    if words is None:
        raise Decline(f"{describe(instruction)!r}: a COPY this pass does not read")
    dest = _resolve(words[-1], workdir)
    if eco in _INTERPRETED:
        return "carried" if _inside(dest, carried) else "replay"
    sources = words[:-1]
    if any("://" in s for s in sources):
        return "replay"
    if all(_is_source(s, eco) for s in sources):
        return "builder"
    return "replay"


def _is_source(source: str, eco: str) -> bool:
    name = posixpath.basename(source.rstrip("/")).lower()
    if source in (".", "./", "*") or name in ("", "."):
        return True
    if name in _SOURCE_DIRS.get(eco, frozenset()):
        return True
    return any(name.endswith(ext) for ext in _SOURCES.get(eco, ())) or name in ("makefile", "license", "readme.md")


# --- the build context ----------------------------------------------------------------------------


def _build_context(tree: Dockerfile, context: Context) -> object | None:
    from .order_copies import _build_context as find

    return find(tree, context)


def _root(build: object) -> Path:
    return Path(getattr(build, "root"))


def _excluded(build: object, path: str) -> bool:
    check = getattr(build, "excluded", None)
    return bool(check(path)) if check is not None else False


def _names_in(text: str, pattern: str) -> set[str]:
    return {m.lower().replace("_", "-") for m in re.findall(pattern, text, flags=re.MULTILINE)}


def _read_context(build: object, model: Model, stage: Stage, chain: runtimes.Toolchain, plan: _Plan) -> None:
    """The language packages the context's requirement and lock files name: the system
    libraries the native ones link go into the runtime stage."""
    root = _root(build)
    eco = chain.ecosystem
    names: set[str] = set()
    sources: list[str] = []
    if eco == "python":
        for file in sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt")):
            names |= _names_in(_text(file), r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
            sources.append(str(file.relative_to(root)))
        for name in ("pyproject.toml", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "setup.py", "setup.cfg"):
            file = root / name
            if file.is_file():
                names |= _names_in(_text(file), r"[\"'\s]([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[=<>~!\[;\"']|$)")
                sources.append(name)
    elif eco == "ruby":
        file = root / "Gemfile.lock"
        if file.is_file():
            names |= _names_in(_text(file), r"^    ([A-Za-z0-9][A-Za-z0-9._-]*) \(")
            sources.append("Gemfile.lock")
        elif (root / "Gemfile").is_file():
            # no lock file: the gems the Gemfile names (their own dependencies are not known)
            names |= _names_in(_text(root / "Gemfile"), r"^\s*gem\s+['\"]([A-Za-z0-9][A-Za-z0-9._-]*)['\"]")
            sources.append("Gemfile")
    elif eco == "rust":
        file = root / "Cargo.lock"
        if file.is_file():
            names |= _names_in(_text(file), r'^name = "([^"]+)"')
            sources.append("Cargo.lock")
    elif eco == "node":
        file = root / "package.json"
        if file.is_file():
            names |= _names_in(_text(file), r'"(@?[a-z0-9][a-z0-9._/-]*)"\s*:')
            sources.append("package.json")
            _home_downloads(_text(file), model, stage, plan)
            if _ROOT_SCRIPTS_NOTE in plan.assumed:
                try:
                    scripts = json.loads(_text(file)).get("scripts") or {}
                except (ValueError, AttributeError):
                    scripts = None
                if not isinstance(scripts, dict) or any(name in scripts for name in _INSTALL_SCRIPTS):
                    raise Decline("package.json has an install script, which runs in / with the install: what it writes there besides node_modules cannot be told")
                plan.assumed.remove(_ROOT_SCRIPTS_NOTE)
    elif eco == "go":
        sources.append("the files beside the sources")
    if not sources:
        return
    plan.read.extend(sources)
    for name in sorted(names):
        _add_native(plan, chain, eco, name, f"{name} (in the build context)")


_BROWSER_NOTE = "the browser finds its system libraries in what the file installs (the full image has some of them, the slim one none: add what it lacks)"


def _runs_node_install(model: Model, instruction: Instruction) -> bool:
    step = model.step(instruction)
    return any(
        v.program in ("npm", "yarn", "pnpm") and [a for a in v.args if not a.startswith("-")][:1] in ([], ["install"], ["ci"], ["i"], ["add"])
        for v in (step.invocations if step is not None else ())
    )


def _home_downloads(manifest: str, model: Model, stage: Stage, plan: _Plan) -> None:
    """Dependencies whose install downloads into the installing user's home (puppeteer's
    Chrome): that folder is copied to the runtime stage too."""
    for (eco, name), (folder, since, skips, moves) in runtimes.HOME_DOWNLOADS.items():
        if eco != "node":
            continue
        spec = re.search(r'"' + re.escape(name) + r'"\s*:\s*"([^"]*)"', manifest)
        if spec is None:
            continue
        major = re.search(r"\d+", spec.group(1))
        if major is not None and int(major.group()) < since:
            continue  # an older version keeps it in node_modules
        install_runs = [i for i in stage.body if i.word == "run" and _runs_node_install(model, i)]
        if not install_runs:
            continue
        env = model.env(install_runs[0])
        if any(key in env and env[key] in values for key, values in skips.items()):
            continue
        if any(key in env for key in skips):
            raise Decline(f"{name} (in package.json): whether the install downloads its program ({', '.join(k for k in skips if k in env)}) cannot be told")
        if moves in env:
            target = env[moves] or ""
            if not target.startswith("/") or "$" in target:
                raise Decline(f"{name} (in package.json) downloads into {moves}, which this pass cannot read")
        else:
            home = _home_of(model, stage, model.user_at(install_runs[0]))
            if home is None:
                raise Decline(f"{name} (in package.json) downloads into the home of a user this pass cannot tell")
            target = posixpath.join(home, folder)
        _carry_download(plan, target, note=_BROWSER_NOTE)


def _text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(1 << 20).decode("utf-8", "replace")
    except OSError:
        return ""


#: Names beside a compiled program's sources that the program does not read at run time.
_NOT_RUNTIME = re.compile(
    r"^(\..*|dockerfile.*|.*\.dockerfile|docker-compose.*|compose\.ya?ml|readme.*|license.*|licence.*|changelog.*|contributing.*"
    r"|authors.*|notice.*|makefile|.*\.md|.*\.rst|docs?|tests?|testdata|examples?|scripts?|hack|build|dist|target|bin|vendor"
    r"|node_modules|\.github|.*_test\.go|.*\.mk|codecov\.ya?ml|renovate\.json|go\.work.*|cargo\..*|rust-toolchain.*|clippy\.toml"
    r"|rustfmt\.toml|deny\.toml|build\.rs|benches|.*\.sh|.*\.bat|.*\.ps1|jenkinsfile|procfile|.*\.ya?ml\.example)$",
    re.IGNORECASE,
)


def _runtime_files(build: object, model: Model, stage: Stage, chain: runtimes.Toolchain, plan: _Plan) -> list[_Carry]:
    """go, rust: what the whole-context COPY brings besides the sources (templates, static
    files, configuration), copied into the runtime stage at the same place."""
    eco = chain.ecosystem
    if eco not in ("go", "rust"):
        return []
    root = _root(build)
    found: list[_Carry] = []
    for instruction in stage.body:
        if instruction.word not in ("copy", "add") or _flag(instruction, "from") is not None:
            continue
        words = _copy_words(instruction, model)
        if words is None or not any(w in (".", "./") for w in words[:-1]):
            continue
        dest = _resolve(words[-1], model.workdir(instruction) or "/")
        for entry in sorted(root.iterdir(), key=lambda p: p.name):
            name = entry.name
            if _NOT_RUNTIME.match(name) or _excluded(build, name) or name.lower() in _SOURCE_DIRS.get(eco, frozenset()):
                continue
            if entry.is_file() and _is_source(name, eco):
                continue
            if entry.is_dir() and not _has_non_source(entry, eco):
                continue
            path = posixpath.join(dest, name)
            if any(_inside(path, [c.path]) for c in plan.carries):
                continue
            found.append(_Carry(path, path, None, "files beside the sources"))
    if len(found) > _BESIDE_AT_MOST:
        raise Decline(f"the build context has {len(found)} files and directories beside the sources: which of them the program reads at run time cannot be told")
    return found


#: More files beside a compiled program's sources than this: not a project the pass can read.
_BESIDE_AT_MOST = 12


def _has_non_source(directory: Path, eco: str, budget: int = 2000) -> bool:
    seen = 0
    for path in directory.rglob("*"):
        seen += 1
        if seen > budget:
            return True
        if path.is_file() and not _is_source(path.name, eco) and not _NOT_RUNTIME.match(path.name):
            return True
    return False


# --- RUN ------------------------------------------------------------------------------------------


@dataclass
class _RunOutcome:
    #: The instruction as it is, or the commands of a new RUN.
    replay: Instruction | tuple[str, ...] | None = None
    touches_carried: bool = False
    chowns: list[tuple[str, str]] = field(default_factory=list)
    #: Directories a non-root USER made (mkdir): that user owns them.
    owned_dirs: list[tuple[str, str]] = field(default_factory=list)
    #: The RUN runs the application's code: it runs again after the artifacts are copied.
    app_code: bool = False
    #: The RUN only installs system packages the runtime needs: (family, names, recommends,
    #: program); one install per family is written, where the first was.
    packages: tuple[str, tuple[str, ...], bool, str] | None = None


def _classify_run(
    instruction: Instruction, model: Model, stage: Stage, eco: str, carried: list[str], workdir: str, plan: _Plan, chain: runtimes.Toolchain,
) -> _RunOutcome:
    step = model.step(instruction)
    command = instruction.command
    if step is None or command is None:
        raise Decline(f"{describe(instruction)!r}: a RUN this pass does not read")
    if command.flag("mount") is not None and "secret" in (command.flag("mount") or ""):
        pass  # secrets stay in the builder: the RUN is not repeated unless it is a runtime step
    setup_scripts = _repository_scripts(step.script)
    if setup_scripts or re.search(r"\bdeb\s+(\[[^\]]*\]\s+)?https://", instruction.text):
        plan.https_sources = True
    if setup_scripts:
        plan.repositories = True
        plan.apt_updated = True  # a repository's setup script fetches the package lists
    if any(i.program in _REPOSITORY_SETUP for i in step.invocations):
        plan.apt_updated = True  # add-apt-repository fetches them too
    blind = [
        u for u in step.unreadable
        if not (u.kind == "stdin" and setup_scripts)
        and not (u.kind == "program" and (u.program in _CHECKS or u.program in _BUILD_PROGRAMS.get(eco, frozenset()) or (u.program in ("venv", "virtualenv") and _venv_dirs(instruction, model))))
        # the configure script phpize writes: the extension's build, read below
        and not (eco == "php" and u.program == "./configure" and any(i.program == "phpize" for i in step.invocations))
    ]
    if blind:
        raise Decline(f"{describe(instruction)!r}: {blind[0].reason}; its effect at run time cannot be told")
    if not model.posix_shell(instruction):
        raise Decline(f"{describe(instruction)!r}: a non-POSIX shell")
    outcome = _RunOutcome()
    cwd = workdir
    previous = workdir  # ``cd -``
    replay_commands: list[str] = []
    packages_wanted: list[tuple[str, list[str], Invocation]] = []
    all_replayed = True
    downloaded_here: set[str] = set()
    phpized: set[str] = set()  # directories phpize prepared in this RUN
    for invocation in step.invocations:
        program = invocation.program
        args = invocation.args
        if eco == "php" and program == "phpize":
            phpized.add(cwd)
        if eco == "php" and program == "configure" and cwd in phpized:
            # The configure script phpize wrote there: with make and make install it builds the
            # extension into the extension directory, which the runtime stage copies.
            outcome.touches_carried = True
            all_replayed = False
            continue
        if _prints_version(invocation) and not _redirect_targets(invocation, cwd, model, instruction):
            all_replayed = False
            continue  # ``node -v``, ``php -m``: prints what is installed, changes nothing
        if program == "service" and args[1:2] in (("start",), ("restart",), ("reload",), ("stop",), ("status",)):
            all_replayed = False
            continue  # a daemon started in a RUN ends with it: nothing of it is kept
        if program == "cd" and not invocation.nested:
            target = "-" if args == ("-",) else next((a for a in args if not a.startswith("-")), None)
            if target == "-":
                cwd, previous = previous, cwd
                continue
            target = _expanded(target, model, instruction) if target is not None else None
            if target is None or "$" in target:
                raise Decline(f"{describe(instruction)!r}: `cd` to a place this pass cannot read")
            previous, cwd = cwd, _resolve(target, cwd)
            continue
        manager = _manager_of(invocation)
        if manager is not None:
            name, sub = manager
            family = packages.MANAGER_FAMILY[name]
            installs = BY_NAME[name].install
            if sub in installs:
                names = [p for p in commands.positionals(invocation, BY_NAME[name])[1:] if not p.startswith("-")]
                if any("$" in n for n in names):
                    names, tools = _expanded_packages(names, model, instruction, chain)
                    plan.dropped_packages.extend(t for t in tools if t not in plan.dropped_packages)
                if any("$" in n for n in names):
                    raise Decline(f"{describe(instruction)!r}: packages named by variables")
                if any(a.startswith("--repository") or a == "-X" for a in invocation.args):
                    # packages from another repository than the release's, named on the command
                    # line: no package sources the runtime stage could copy hold it
                    plan.repositories = True
                    plan.sources_lack = plan.sources_lack or f"{describe(instruction)!r} names its repository on the command line (--repository), which is not in the builder's package sources"
                target = next((a for a in invocation.args if a in ("-t", "--target-release", "--default-release") or a.startswith(("--target-release=", "--default-release="))), None)
                if target is not None and "=" not in target:
                    at = invocation.args.index(target)
                    target = " ".join(invocation.args[at:at + 2])
                if target is not None or any("/" in n for n in names):
                    raise Decline(
                        f"{describe(instruction)!r}: it installs from a target release ({target or next(n for n in names if '/' in n)}):"
                        " the runtime libraries of what it builds would come from another release"
                    )
                virtual = _option(invocation.args, "--virtual", "-t") if name == "apk" else None
                if virtual is not None and virtual in plan.removed:
                    # ``apk add --virtual .build-deps ...`` then ``apk del .build-deps``: none of
                    # them is in the final image.
                    plan.dropped_packages.extend(n for n in names if n not in plan.dropped_packages)
                    all_replayed = False
                    continue
                names = [n for n in names if packages.package_name(family, n) not in plan.removed]
                extra = _BUILD_ONLY_FOR.get(eco, frozenset())
                program_for, with_program = _BUILD_ONLY_WITH.get(eco, ("", frozenset()))
                if program_for and _installs_with(model, stage, program_for):
                    extra = extra | with_program
                dropped_extra = [n for n in names if packages.package_name(family, n) in extra and not _runs(model, stage, packages.package_name(family, n))]
                names = [n for n in names if n not in dropped_extra]
                plan.dropped_packages.extend(dropped_extra)
                kept, dropped, unknown = _split_packages(family, names, plan.toolchain.release or chain.release)
                if unknown:
                    # Which library the header package is for is not known here: the runtime stage
                    # installs the package itself (its library comes with it), as the original did.
                    kept = kept + [n for n in names if packages.package_name(family, n) in unknown or n in unknown]
                    plan.unmapped.extend(u for u in unknown if u not in plan.unmapped)
                plan.dropped_packages.extend(dropped)
                if kept and name in ("apt-get", "apt") and not plan.apt_updated:
                    raise Decline(
                        f"{describe(instruction)!r} installs {', '.join(kept)} with no `apt-get update` before it: "
                        "with the image's package lists empty, that works only for packages the full image already "
                        "has, which the runtime image may lack"
                    )
                if kept:
                    packages_wanted.append((family, kept, invocation))
                all_replayed = False
                continue
            if name in ("apt-get", "apt") and sub == "update":
                plan.apt_updated = True
            if sub in ("upgrade", "dist-upgrade", "full-upgrade") and family in _UPGRADES:
                # The original brings the image's own packages up to date: so does the runtime.
                for text in _UPGRADES[family]:
                    if text not in replay_commands:
                        replay_commands.append(text)
                all_replayed = False
                continue
            all_replayed = False
            continue  # update, cleanup: part of the transaction
        written = _redirect_targets(invocation, cwd, model, instruction)
        outside = [w for w in written if not _inside(w, carried) and not _caches_only([w])]
        if written and not outside:
            outcome.touches_carried = True
        if program in _REPOSITORY_SETUP:
            plan.repositories = True
            all_replayed = False
            continue
        in_place_edit = program == "sed" and any(a == "--in-place" or a.startswith("--in-place=") or re.fullmatch(r"-[nrEsu]*i\S*", a) for a in args)
        named = [_resolve(_expanded(a, model, instruction), cwd) for a in _path_args(invocation)] if program in _FILE_OPS or in_place_edit else []
        touched = [p for p in written + named if not p.startswith(_NOT_FILES)]
        if touched and all(_inside(p, list(_PACKAGE_SETTINGS_DIRS)) for p in touched) and program in ("rm", "echo", "printf", "tee", "cat"):
            # apt's and dpkg's settings (a proxy, no recommends, keeping downloads for a cache
            # mount): made again, so the runtime stage's installs run as the builder's did.
            replay_commands.append(_text_of(invocation, instruction, step))
            if program == "rm" or "Keep-Downloaded-Packages" in instruction.text:
                plan.keeps_downloads = True
            continue
        if touched and all(_inside(p, list(_PACKAGE_SOURCE_DIRS)) for p in touched):
            # The package sources and their keys: copied from the builder where the runtime
            # stage installs from them, not changed again.
            plan.repositories = True
            if program in ("rm", "mv"):
                plan.sources_lack = plan.sources_lack or f"{describe(instruction)!r} removes package sources or keys, so the builder's last ones may lack the repository"
            all_replayed = False
            continue
        if program in _ACCOUNTS:
            replay_commands.append(_text_of(invocation, instruction, step))
            continue
        if program == "dpkg" and args[:1] in (("--print-architecture",), ("--print-foreign-architectures",)):
            continue  # only prints
        in_place = program == "sed" and any(a == "--in-place" or a.startswith("--in-place=") or re.fullmatch(r"-[nrEsu]*i\S*", a) for a in args)
        if program == "sed" and not in_place and not outside:
            all_replayed = False
            continue  # writes to its output (a redirection is read above)
        if program in _NEUTRAL or program in _CHECKS:
            if outside:
                if program not in ("echo", "printf", "cat"):
                    raise Decline(f"{describe(instruction)!r}: {invocation.display!r} writes {outside[0]}, outside the application")
                if any(o.startswith(("/etc/apt/", "/etc/apk/", "/etc/yum")) for o in outside):
                    plan.repositories = True
                    all_replayed = False
                    continue
                replay_commands.append(_text_of(invocation, instruction, step))
            elif program not in ("cd",):
                all_replayed = all_replayed and program in _NEUTRAL
            continue
        if outside and program not in _FILE_OPS and not (eco in _COMPILED and _runs_program(invocation)):
            raise Decline(f"{describe(instruction)!r}: {invocation.display!r} writes {outside[0]}, outside the application")
        if program == "git" and args[:1] and args[0] in ("checkout", "submodule", "pull", "fetch", "reset", "switch", "apply", "am", "config") and eco in _COMPILED and _inside(cwd, ["/go", *plan.builder_roots]):
            all_replayed = False
            continue  # among a compiled program's sources (GOPATH): the build's, not the runtime's
        if program in _DOWNLOADERS:
            target = _download_target(invocation, cwd, model, instruction)
            if target is None:
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} downloads or unpacks to a place this pass cannot read")
            if target == "":
                continue  # to standard output (a pipe), or an archive listing
            if target in _SYSTEM_DIRS:
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} writes into {target}, where the runtime image has files of its own")
            if program in ("curl", "wget") and _ARCHIVE.search(target):
                downloaded_here.add(target)  # an archive unpacked and removed by the same RUN
                if target not in plan.downloads:
                    plan.archives.append(target)
                all_replayed = False
                continue
            if _inside(target, carried):
                outcome.touches_carried = True
            elif not _caches_only([target]):
                plan.downloads.append(target)
                carried.append(target)
                outcome.touches_carried = True
            all_replayed = False
            continue
        if in_place and any(_inside(w, ["/etc/apt", "/etc/apk", "/etc/yum.repos.d", "/etc/yum"]) for w in _path_args(invocation)):
            plan.repositories = True  # the package sources change: a runtime package may come from them
        if program in _FILE_OPS or in_place:
            # ``export GNUPGHOME="$(mktemp -d)"`` ... ``rm -rf "$GNUPGHOME"``: a temporary directory.
            temporary = ("$GNUPGHOME", "${GNUPGHOME}")
            paths = [_resolve(_expanded(a, model, instruction), cwd) for a in _path_args(invocation) if not (program == "rm" and a in temporary)]
            if program == "rm" and not paths:
                continue
            if not paths:
                continue
            if program in ("cp", "mv", "install") and len(paths) >= 2 and not (program == "install" and "-d" in args):
                made = _build_made(paths[:-1], carried, plan, downloaded_here, eco)
                if made is None:
                    raise Decline(f"{describe(instruction)!r}: {invocation.display!r} names paths this pass cannot read")
                other_base = plan.runtime_image != model.image(stage)
                if (made or other_base) and not _inside(paths[-1], carried):
                    # A file the build made, put outside the application (``cp
                    # $GOPATH/src/x/x /usr/local/bin/x``), or a file of the toolchain image
                    # the runtime image may not have (``cp /usr/share/zoneinfo/UTC
                    # /etc/localtime``: no tzdata in debian:bookworm-slim): the runtime stage
                    # copies the result from the builder.
                    dest = paths[-1]
                    into_dir = len(paths) > 2 or _path_args(invocation)[-1].endswith("/") or dest in _SYSTEM_DIRS
                    targets = [posixpath.join(dest, posixpath.basename(src.rstrip("/"))) for src in paths[:-1]] if into_dir else [dest]
                    for target in targets:
                        if target in _SYSTEM_DIRS or "*" in target or "$" in target:
                            raise Decline(f"{describe(instruction)!r}: {invocation.display!r} puts files of the build into {target}")
                        if target not in plan.downloads:
                            plan.downloads.append(target)
                            plan.made.append(target)
                            carried.append(target)
                    outcome.touches_carried = True
                    all_replayed = False
                    continue
            if program == "rm":
                # ``pip install /code && rm -rf /code``, ``git clone ... src && ... && rm -rf src``:
                # a directory the runtime stage would copy is gone at the end of the build.
                plan.gone.update(root for root in carried for p in paths if "*" not in p and "$" not in p and _inside(root, [p.rstrip("/") or "/"]))
            if program == "rm" and all(_caches_only([p.split("*")[0].rstrip("/") or "/"]) or _inside(p, plan.downloads) or p in downloaded_here for p in paths):
                all_replayed = False
                continue
            if eco in _COMPILED and plan.builder_roots and all(_inside(p.split("$")[0].split("*")[0] or "/", plan.builder_roots) for p in paths) and not any(_inside(p, carried) for p in paths):
                # Among the sources and the build's output: what the runtime stage needs of
                # it is copied from the builder as it ends up; a directory is made again.
                if program == "mkdir":
                    replay_commands.append("mkdir -p " + " ".join(paths))
                else:
                    all_replayed = False
                continue
            if any("$" in p or "*" in p for p in paths):
                if all(_inside(p.split("$")[0].split("*")[0] or "/", carried) for p in paths):
                    outcome.touches_carried = True
                    all_replayed = False
                    continue
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} names paths this pass cannot read")
            inside = [p for p in paths if _inside(p, carried)]
            if program == "rm" and _caches_only(paths):
                all_replayed = False
                continue
            if program == "rm" and inside and all(p.startswith("/etc/") for p in paths):
                # A file a package put into a configuration directory the runtime stage
                # copies (nginx's conf.d/default.conf): the package is installed there
                # again, and the copy adds files but removes none, so the removal runs again
                # (with -f: where the package is not installed there, nothing to remove).
                recursive = any(a.startswith("-") and not a.startswith("--") and ("r" in a or "R" in a) or a == "--recursive" for a in args)
                replay_commands.append(("rm -rf " if recursive else "rm -f ") + " ".join(shlex.quote(p) for p in paths))
                outcome.touches_carried = True
                continue
            if inside and len(inside) == len(paths):
                if plan.app_code_ran and program in ("chown", "chmod", "chgrp"):
                    # After the application's own code ran again in the runtime stage (its files
                    # are made anew there), owners and modes are set again as the original did.
                    # (No --chown on the copy: the user may not exist there yet.)
                    replay_commands.append(_text_of(invocation, instruction, step))
                    continue
                outcome.touches_carried = True
                all_replayed = False
                if program == "chown":
                    owner = next((a for a in args if not a.startswith("-")), "")
                    for path in inside:
                        outcome.chowns.append((path, owner))
                if program == "mkdir":
                    user = model.user_at(instruction)
                    if user is None:
                        raise Decline(f"{describe(instruction)!r}: {invocation.display!r} runs as a user this pass cannot tell")
                    if user not in ("root", "0"):
                        outcome.owned_dirs.extend((path, user) for path in inside)  # made by that user
                continue
            if inside and program in ("mkdir", "chown", "chmod", "chgrp") and not any(a.startswith("--reference") for a in args):
                # Directories made again (mkdir -p changes nothing that exists), owner and mode
                # set again outside the application; inside it they come with the copy.
                outside_paths = [a for a in _path_args(invocation) if not _inside(_resolve(_expanded(a, model, instruction), cwd), carried)]
                lead = [a for a in args if a not in _path_args(invocation)]
                if program == "mkdir" and "-p" not in lead and "--parents" not in lead:
                    lead = ["-p", *lead]
                words = (program, *lead, *outside_paths)
                if any("$" in w or "`" in w for w in words):
                    raise Decline(f"{describe(instruction)!r}: {invocation.display!r} changes files of the application and outside it")
                replay_commands.append(" ".join(shlex.quote(w) for w in words))
                outcome.touches_carried = True
                if program == "chown":
                    owner = next((a for a in args if not a.startswith("-")), "")
                    outcome.chowns.extend((path, owner) for path in inside)
                all_replayed = False
                continue
            if inside:
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} changes files of the application and outside it")
            if program in ("cp", "mv", "install") and _inside(_resolve(_path_args(invocation)[0], cwd), carried):
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} puts a file of the build outside the application")
            replay_commands.append(_text_of(invocation, instruction, step))
            continue
        if eco == "node" and program == "corepack" and [a for a in args if not a.startswith("-")][:1] in (["enable"], ["disable"], ["prepare"], ["install"], ["use"]):
            # The package managers' shims in /usr/local/bin (and a version prepared for them):
            # made again in the runtime stage, before what runs them there.
            replay_commands.append(_text_of(invocation, instruction, step))
            why = _corepack_at_run_time(model, stage, instruction, plan)
            if why:
                raise Decline(f"{describe(instruction)!r}: {why}")
            continue
        if program in _SYSTEM_SETUP or program == "ssh-keygen" and "-A" in args:
            replay_commands.append(_text_of(invocation, instruction, step))
            continue
        if eco == "php" and (_composer_installer(invocation) or program == "php" and invocation.args[:1] in ((), ("--",)) and COMPOSER_INSTALLER.search(instruction.text)):
            # The runtime stage is the same php image: composer is installed there again as the
            # original did (an image that ships composer may be used to run it).
            replay_commands.append(_text_of(invocation, instruction, step))
            continue
        if eco in _COMPILED and _runs_program(invocation):
            # The program itself runs at build time (``go run ./cmd/gen -o data/words.txt``):
            # the files its arguments and redirections name are copied to the runtime stage;
            # with none named, what it writes cannot be told.
            made = [_resolve(_expanded(a, model, instruction), cwd) for a in _written_paths(invocation)] + written
            if not made or any("$" in m for m in made):
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} runs the program at build time and names no file it writes")
            for path in made:
                if path in _SYSTEM_DIRS:
                    raise Decline(f"{describe(instruction)!r}: {invocation.display!r} writes into {path}")
                if not _inside(path, plan.generated):
                    plan.generated.append(path)
            all_replayed = False
            continue
        browsers = _browser_install(invocation)
        if browsers is not None:
            # The browsers go to the home's cache; with their system libraries (--with-deps,
            # install-deps) apt would have to run again, after the application is there.
            if "--with-deps" in args or [a for a in args if not a.startswith("-")][1:2] == ["install-deps"]:
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} installs the browsers' system libraries with apt, which this pass does not run again")
            home = _home_of(model, stage, "root" if invocation.sudo else model.user_at(instruction))
            if home is None or "PLAYWRIGHT_BROWSERS_PATH" in model.env(instruction):
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} downloads browsers to a place this pass cannot tell")
            _carry_download(plan, posixpath.join(home, browsers), note=_BROWSER_NOTE)
            all_replayed = False
            continue
        root_install: str | None = ""
        if plan.sources_in_root and (program in _BUILD_PROGRAMS.get(eco, frozenset()) or program in ("pip", "python")) and not _inside(cwd, carried):
            root_install = _root_install(invocation, eco)
            if root_install is None:
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} runs in {cwd}, where the sources were copied, and what it writes there cannot be told")
            if root_install:
                _carry_download(plan, root_install, made=True, note=_ROOT_SCRIPTS_NOTE if root_install == "/node_modules" else "")
        if eco == "ruby" and program == "gem" and args[:1] == ("update",) and "--system" in args:
            # RubyGems itself, updated in the image's ruby (site_ruby, /usr/local/bin/gem and
            # bundle), which the runtime stage does not copy: it is updated there the same way.
            replay_commands.append(_text_of(invocation, instruction, step))
            continue
        if eco == "php" and program == "php" and [a for a in args if not a.startswith("-")][:1] in (["artisan"], ["./artisan"], ["bin/console"], ["./bin/console"]):
            # Laravel's or Symfony's own commands (key:generate, config:cache, cache:warmup):
            # the application's code, run again in the runtime stage after it is there.
            outcome.app_code = True
            continue
        if program in _BUILD_PROGRAMS.get(eco, frozenset()) or program in ("pip", "python") and eco == "python":
            if program in ("npm", "yarn") and [a for a in args if not a.startswith("-")] in (["link"], ["ln"]):
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} links the project into the global packages, which this pass does not copy")
            if (eco == "node" and program in ("npm", "yarn", "pnpm") or program == "composer") and _global_install(invocation):
                why = _global_replay_problem(invocation, instruction, model, stage)
                if why:
                    raise Decline(f"{describe(instruction)!r}: {invocation.display!r} would run again in the runtime stage {why}")
                replay_commands.append(_text_of(invocation, instruction, step))
                # the cache the original empties in the same RUN is emptied there too
                for other in step.invocations:
                    other_words = [a for a in other.args if not a.startswith("-")]
                    if other.program == program and other_words[:2] == ["cache", "clean"] and not other.nested:
                        text = _text_of(other, instruction, step)
                        if text not in replay_commands:
                            replay_commands.append(text)
                continue
            if program in ("npm", "yarn", "pnpm", "bower", "composer", "bundle") and not root_install and not _local_install_inside(invocation, cwd, carried, model, instruction):
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} installs into {cwd}, outside the application this pass copies")
            if program == "python" and not _python_build(invocation):
                # The application's own code (collectstatic, a generated file): what it writes
                # cannot be told, so it runs again in the runtime stage, after the application
                # and its dependencies are there.
                outcome.app_code = True
                continue
            if program in ("pipenv", "poetry") and [a for a in invocation.args if not a.startswith("-")][:1] in (["install"], ["sync"]) and not _environment_carried(invocation, model, stage, instruction):
                raise Decline(
                    f"{describe(instruction)!r}: {invocation.display!r} installs into a virtualenv of its own under the"
                    " user's home, which this pass does not copy (pipenv --system, or POETRY_VIRTUALENVS_CREATE=false /"
                    " virtualenvs.in-project, would install where it does)"
                )
            if program == "pip" and _installs(invocation) and _other_python(invocation, chain):
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} is not the image's python {chain.version}: it installs where this pass does not copy")
            if program == "pip" and _installs(invocation) and any(k in model.env(instruction) for k in ("PIP_TARGET", "PIP_PREFIX", "PIP_ROOT")):
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} installs where PIP_TARGET, PIP_PREFIX or PIP_ROOT says")
            if program == "pip" and _installs(invocation) and (data := [n for n in commands.requirement_names(invocation) if n in runtimes.PYTHON_DATA_PACKAGES]):
                raise Decline(f"{describe(instruction)!r}: {data[0]} installs data files outside site-packages (share/, etc/), which this pass does not copy")
            if program == "pip" and _installs(invocation):
                user = "root" if invocation.sudo else model.user_at(instruction)
                as_user = "--user" in invocation.args or _truthy(model.env(instruction).get("PIP_USER")) or user not in ("root", "0")
                if as_user and not _pip_elsewhere(invocation, besides_user=True) and not any(
                    _venv_dirs(i, model) for i in stage.body
                ):
                    # pip as another user (or --user) installs into that user's ~/.local, as the
                    # official images' site-packages is root's.
                    home = _home_of(model, stage, user)
                    if home is None:
                        raise Decline(f"{describe(instruction)!r}: {invocation.display!r} installs into the home of {user}, which this pass cannot tell")
                    local = posixpath.join(home, ".local")
                    if "PYTHONUSERBASE" in model.env(instruction):
                        raise Decline(f"{describe(instruction)!r}: {invocation.display!r} installs where PYTHONUSERBASE says")
                    if not _inside(local, carried):
                        plan.user_places.append(local)
                        carried.append(local)
                    outcome.touches_carried = True
                    all_replayed = False
                    _native_libraries(invocation, eco, plan, chain)
                    continue
            if program == "pip" and _pip_elsewhere(invocation):
                raise Decline(f"{describe(instruction)!r}: {invocation.display!r} installs outside the places this pass copies")
            if program in ("pip", "gem"):
                _native_libraries(invocation, eco, plan, chain)
            if eco == "node" and (program == "prisma" or program == "npx" and [a for a in args if not a.startswith("-")][:1] == ["prisma"]):
                _add_native(plan, chain, eco, "prisma", f"{invocation.display!r}: prisma")
            if _fills_cache(invocation, instruction, model, stage, carried, plan):
                what = runtimes.INSTALL_CACHES[program].what
                if what not in plan.caches:
                    plan.caches.append(what)
            outcome.touches_carried = True
            all_replayed = False
            continue
        raise Decline(f"{describe(instruction)!r}: {invocation.display!r} is not a step this pass can classify (build-only or needed at run time)")
    if outcome.app_code:
        others = [i for i in step.invocations if i.program not in _NEUTRAL and i.program != "cd" and not (i.program == "python" and not _python_build(i)) and not (i.program == "php" and eco == "php")]
        if others or packages_wanted or replay_commands:
            raise Decline(f"{describe(instruction)!r}: runs the application's code along with other steps; what it writes cannot be told")
        outcome.replay = instruction
        plan.replayed.append(describe(instruction))
        return outcome
    merged: list[tuple[str, list[str], Invocation]] = []
    for family, kept, invocation in packages_wanted:  # one install per family and manner
        key = (family, "--no-install-recommends" not in invocation.args, invocation.program)
        for other_family, other_kept, other in merged:
            if (other_family, "--no-install-recommends" not in other.args, other.program) == key:
                other_kept.extend(n for n in kept if n not in other_kept)
                break
        else:
            merged.append((family, list(dict.fromkeys(kept)), invocation))
    packages_wanted = merged
    for family, kept, invocation in packages_wanted:
        if plan.repositories:
            why = _sources_problem(family, plan, model, stage)
            if why:
                raise Decline(f"{describe(instruction)!r}: {', '.join(kept)} may come from a package repository a RUN added (apt-key, sources.list); {why}")
            plan.package_sources = family
            release = plan.toolchain.release
            need = list(packages.SOURCES_NEED.get(family, ()))
            if family == "apt" and plan.https_sources:
                before = packages.HTTPS_TRANSPORT_BEFORE.get(release.family or "") if release is not None else None
                if release is None or before is None or release.version is None:
                    raise Decline(
                        f"{describe(instruction)!r}: {', '.join(kept)} come from an https package repository a RUN added, and the release is not known:"
                        " whether apt needs apt-transport-https for it cannot be told"
                    )
                if release.version < before:
                    need.append("apt-transport-https")
            kept[0:0] = [n for n in need if n not in kept]
        if plan.toolchain.family_changes and (family != "apt" or any(_library_like(n) for n in kept)):
            # Debian (openjdk) to Ubuntu (Temurin): programs have the same package names, libraries
            # (named after their soname) do not.
            raise Decline(f"{describe(instruction)!r}: the runtime image is another distro family; {', '.join(kept)} cannot be installed by the same names")
        plan.kept_packages.extend(kept)
        replay_commands[0:0] = _install_commands(family, kept, "--no-install-recommends" not in invocation.args, _rpm_program(invocation))
    if not replay_commands:
        return outcome
    # Shell variables the RUN sets (``export uid=1000``) that a command run again reads: set
    # them there too.
    settings = _shell_settings(step)
    needed = [text for names, text in settings if any(re.search(r"\$\{?" + re.escape(n) + r"\b", c) for c in replay_commands for n in names)]
    if needed and not all_replayed:
        replay_commands[0:0] = [t for t in needed if t not in replay_commands]
    only_packages = len(replay_commands) == sum(len(_install_commands(f, k)) for f, k, _ in packages_wanted)
    if only_packages and len(packages_wanted) == 1:
        family, kept, invocation = packages_wanted[0]
        outcome.packages = (family, tuple(kept), "--no-install-recommends" not in invocation.args, _rpm_program(invocation))
        return outcome
    if all_replayed and len(replay_commands) == len(step.invocations) - sum(1 for i in step.invocations if i.program in _NEUTRAL or i.program == "cd"):
        outcome.replay = instruction
    else:
        outcome.replay = tuple(replay_commands)
    if not only_packages:
        if isinstance(outcome.replay, tuple):
            text = "RUN " + " && ".join(c for c in replay_commands if c not in _install_commands_of(packages_wanted))
            plan.replayed.append(text if len(text) <= 60 else text[:57] + "...")
        else:
            plan.replayed.append(describe(instruction))
    return outcome


def _install_commands_of(wanted: list[tuple[str, list[str], Invocation]]) -> list[str]:
    return [c for family, kept, invocation in wanted for c in _install_commands(family, kept, "--no-install-recommends" not in invocation.args, _rpm_program(invocation))]


def _rpm_program(invocation: Invocation) -> str:
    """The program a runtime install of the rpm family is written with: the original's own."""
    return invocation.program if invocation.program in ("yum", "dnf", "microdnf") else "yum"


#: Programs that download or unpack into a path.
_DOWNLOADERS = frozenset({"curl", "wget", "git", "tar", "unzip"})
#: git subcommands that read the repository and write only to their output (a version stamp).
_GIT_READS = frozenset({"describe", "rev-parse", "log", "show", "status", "rev-list", "diff", "ls-files", "ls-remote", "symbolic-ref", "version", "--version"})
_ARCHIVE = re.compile(r"\.(tar|tgz|tar\.gz|tar\.xz|tar\.bz2|txz|tbz2|zip|gz|xz|bz2)$")


def _expanded(text: str, model: Model, instruction: Instruction) -> str:
    """``text`` with the file's ARG and ENV values put in, then the toolchain image's own
    variables (``$GOPATH``); unchanged where a variable has no known value."""
    if "$" not in text:
        return text
    value = model.expand(text, instruction)
    if value is not None:
        return value
    stage = model.stage_of(instruction)
    image = model.image(stage) if stage is not None else None
    ref = images.parse_image(image) if image else None
    chain = runtimes.toolchain(ref) if ref is not None else None
    if chain is None:
        return text
    out = text
    for key, known in runtimes.IMAGE_ENV.get((chain.ecosystem, "*"), {}).items():
        if key in model.env(instruction):
            continue  # the file sets it: not the image's value
        out = out.replace("${" + key + "}", known).replace("$" + key, known)
    return out


def _option(args: tuple[str, ...], *names: str) -> str | None:
    """The value of ``-o FILE``, ``-oFILE``, ``--output FILE`` or ``--output=FILE``."""
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                return args[index + 1]
            if name.startswith("--") and arg.startswith(name + "="):
                return arg[len(name) + 1:]
            if not name.startswith("--") and arg.startswith(name) and len(arg) > len(name) and not arg.startswith("--"):
                return arg[len(name):]
    return None


def _download_target(invocation: Invocation, cwd: str, model: Model, instruction: Instruction) -> str | None:
    """Where a download or unpack writes: a path, "" for standard output, None when unknown."""
    program, args = invocation.program, invocation.args
    positional = [a for a in args if not a.startswith("-")]

    def path(value: str) -> str | None:
        value = _expanded(value, model, instruction)
        if "$" in value or "*" in value:
            return None
        return _resolve(value, cwd)

    if program == "curl":
        out = _option(args, "-o", "--output")
        if out is not None:
            return "" if out == "-" else path(out)
        if any(a in ("-O", "--remote-name") or (a.startswith("-") and not a.startswith("--") and "O" in a[1:]) for a in args):
            url = next((a for a in positional if "://" in a), None)
            return path(url.rstrip("/").rsplit("/", 1)[-1]) if url else None
        return ""
    if program == "wget":
        out = _option(args, "-O", "--output-document")
        if out is not None:
            return "" if out == "-" else path(out)
        directory = _option(args, "-P", "--directory-prefix")
        url = next((a for a in positional if "://" in a), None)
        if url is None:
            return None
        name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return path(posixpath.join(directory or ".", name))
    if program == "git":
        if positional and positional[0] in _GIT_READS:
            return ""  # reads the repository, writes only to its output
        if not positional or positional[0] != "clone":
            return None
        rest = [a for a in positional[1:]]
        values = {"-b", "--branch", "--depth", "-o", "--origin", "--reference", "-c", "--config", "--shallow-since", "-j", "--jobs"}
        cleaned: list[str] = []
        skip = False
        for arg in args[1:]:
            if skip:
                skip = False
                continue
            if arg in values:
                skip = True
                continue
            if not arg.startswith("-"):
                cleaned.append(arg)
        rest = cleaned
        if not rest:
            return None
        if len(rest) >= 2:
            return path(rest[1])
        name = rest[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
        return path(name)
    if program == "tar":
        if any(a in ("--version", "--help") for a in args):
            return ""
        flags = "".join(a.lstrip("-") for a in args if a.startswith("-") and not a.startswith("--")) + (args[0] if args and not args[0].startswith("-") else "")
        if "t" in flags and "x" not in flags:
            return ""
        if "x" not in flags and "--extract" not in args and "--get" not in args:
            return None
        directory = _option(args, "-C", "--directory")
        return path(directory or ".")
    if program == "unzip":
        directory = _option(args, "-d")
        return path(directory or ".")
    return None


#: System packages that serve an ecosystem's build only, unless the image's command runs them
#: (node-gyp needs python and make to build native modules).
_BUILD_ONLY_FOR: dict[str, frozenset[str]] = {
    "node": frozenset({"python", "python2", "python3", "python2.7", "python-minimal", "node-gyp"}),
}
#: Packages that are build-only where the stage runs a program: composer fetches packages with
#: git and unzips them (and Debian's composer is composer), for the builder's install.
_BUILD_ONLY_WITH: dict[str, tuple[str, frozenset[str]]] = {
    "php": ("composer", frozenset({"git", "unzip", "composer"})),
}


def _installs_with(model: Model, stage: Stage, program: str) -> bool:
    """Whether RUNs of the stage run ``program`` (``composer install``) for the builder only:
    none of its runs is one the runtime stage makes again (``composer global require``), nor
    does the image's command run it."""
    found = False
    for instruction in stage.body:
        step = model.step(instruction) if instruction.word == "run" else None
        for invocation in step.invocations if step is not None else ():
            if invocation.program == program:
                if "global" in invocation.args[:2]:
                    return False
                found = True
    return found and not _runs(model, stage, program)


def _runs(model: Model, stage: Stage, program: str) -> bool:
    """Whether CMD, ENTRYPOINT or HEALTHCHECK runs ``program`` (``python3`` also as ``python``)."""
    wanted = {program, program.rstrip("0123456789.")}
    for instruction in stage.body:
        if instruction.word in ("cmd", "entrypoint", "healthcheck"):
            step = model.step(instruction)
            if step and any(i.program in wanted for i in step.invocations):
                return True
            if any(posixpath.basename(w) in wanted for w in _argv(instruction)[:1]):
                return True
    return False


def _removed_packages(model: Model, stage: Stage) -> set[str]:
    removed: set[str] = set()
    removing = {"apt": ("purge", "remove"), "apk": ("del",), "yum": ("remove", "erase"), "dnf": ("remove", "erase"), "microdnf": ("remove",)}
    for instruction in stage.body:
        step = model.step(instruction) if instruction.word == "run" else None
        for invocation in step.invocations if step else []:
            found = _manager_of(invocation)
            if found is None:
                continue
            name, sub = found
            if sub in removing.get(name, ()):
                family = packages.MANAGER_FAMILY[name]
                removed.update(packages.package_name(family, p) for p in commands.positionals(invocation, BY_NAME[name])[1:])
    return removed


def _native_libraries(invocation: Invocation, eco: str, plan: _Plan, chain: runtimes.Toolchain) -> None:
    """``pip install psycopg2``: the library it links, which only the full image has, is
    installed at run time too (from NATIVE_LIBRARIES)."""
    for name in commands.requirement_names(invocation):
        _add_native(plan, chain, eco, name, f"{invocation.display!r}: {name}")


def _add_native(plan: _Plan, chain: runtimes.Toolchain, eco: str, name: str, who: str) -> None:
    """The runtime packages of the system library language package ``name`` links, if the
    table lists it; decline when the runtime image's package family has no row."""
    row = runtimes.NATIVE_LIBRARIES.get((eco, name))
    if row is None:
        return
    family = chain.release.family if chain.release else None
    table_family = {"debian": "apt", "ubuntu": "apt", "alpine": "apk"}.get(family or "")
    if table_family is None or table_family not in row:
        raise Decline(f"{who} links a system library this pass cannot install on the runtime image")
    names = list(row[table_family])
    headers = runtimes.NATIVE_HEADERS.get((eco, name)) if table_family == "apt" else None
    if headers:
        names = []
        release = plan.toolchain.release or chain.release
        for header in headers:
            kept, _, unknown = _split_packages("apt", [header], release)
            if unknown:
                raise Decline(f"{who} links the library of {header}, whose name on this image's release is not known")
            names.extend(kept)
    for package in names:
        if package not in plan.native:
            plan.native.append(package)


#: The Debian releases an official image whose tag names none may be on today (its floating
#: tags were rebuilt on each new release): a package whose runtime name is the same on all of
#: them needs no release.
_PLAUSIBLE_DEBIAN = ("stretch", "buster", "bullseye", "bookworm", "trixie")


def _split_packages(family: str, names: list[str], release: images.Release | None) -> tuple[list[str], list[str], list[str]]:
    kept, dropped, unknown = packages.split_packages(family, names, release)
    if not unknown or release is None or release.family != "debian" or release.codename:
        return kept, dropped, unknown
    answers = {
        tuple(map(tuple, packages.split_packages(family, names, images.Release("debian", images.DEBIAN_CODENAMES[c], c))))
        for c in _PLAUSIBLE_DEBIAN
        if release.at_least is None or images.DEBIAN_CODENAMES[c] >= release.at_least
    }
    if len(answers) == 1:
        found = next(iter(answers))
        if not found[2]:
            return list(found[0]), list(found[1]), []
    return kept, dropped, unknown


def _library_like(name: str) -> bool:
    """A package named after a library (``libssl3``, ``libpq5``) rather than a program."""
    bare = packages.package_name("apt", name)
    return bare.startswith("lib") or bare.endswith(("-dev", "-common")) or bool(re.search(r"\d+(\.\d+)*[a-z]?(t64)?$", bare)) and not bare.startswith(("bzip2", "python", "perl", "ruby", "php", "openjdk", "gcc", "g++"))


def _runs_program(invocation: Invocation) -> bool:
    """``go run``, ``cargo run``: the application's own code runs during the build."""
    args = invocation.args
    return (invocation.program == "go" and args[:1] == ("run",)) or (invocation.program == "cargo" and args[:1] == ("run",))


def _written_paths(invocation: Invocation) -> list[str]:
    """Paths a build-time run of the program is told to write: the values of -o/--output/--out
    and the like."""
    args = list(invocation.args)
    found = []
    for index, arg in enumerate(args):
        for flag in ("-o", "--output", "--out", "-out", "-output"):
            if arg == flag and index + 1 < len(args):
                found.append(args[index + 1])
            elif arg.startswith(flag + "="):
                found.append(arg.split("=", 1)[1])
    return found


def _manager_of(invocation: Invocation) -> tuple[str, str] | None:
    for name in ("apt", "apk", "yum", "dnf", "microdnf"):
        manager = BY_NAME.get(name)
        if manager is None:
            continue
        sub = commands.subcommand(invocation, manager)
        if sub is not None:
            return name, sub
    return None


def _path_args(invocation: Invocation) -> list[str]:
    out: list[str] = []
    args = list(invocation.args)
    if invocation.program in ("chown", "chgrp"):
        args = [a for a in args if a.startswith("-")] + [a for a in args if not a.startswith("-")][1:]
    if invocation.program == "chmod":
        plain = [a for a in args if not a.startswith("-") or re.fullmatch(r"-[rwxXst]+", a)]
        args = plain[1:]
    if invocation.program == "sed":
        # sed -i [-e SCRIPT | -f FILE]... [SCRIPT] FILE...: the files it edits in place.
        files: list[str] = []
        scripted = False
        i = 0
        while i < len(args):
            arg = args[i]
            if arg in ("-e", "-f", "--expression", "--file"):
                scripted = True
                i += 2
                continue
            if arg.startswith("-"):
                i += 1
                continue
            if not scripted:
                scripted = True
            else:
                files.append(arg)
            i += 1
        return files
    for arg in args:
        if arg.startswith("-"):
            continue
        out.append(arg)
    return out


def _caches_only(paths: list[str]) -> bool:
    caches = ("/var/lib/apt/lists", "/var/cache", "/tmp", "/var/tmp", "/root/.gnupg", "/root/.cache", "/root/.npm", "/usr/local/share/.cache", "/root/.m2", "/root/.cargo/registry", "/go/pkg")
    return all(any(p == c or p.startswith(c + "/") for c in caches) for p in paths)


def _fills_cache(invocation: Invocation, instruction: Instruction, model: Model, stage: Stage, carried: list[str], plan: _Plan) -> bool:
    """Whether this install leaves a download cache in the builder that the runtime stage, which
    copies only the installed packages and the application, does not get."""
    program = invocation.program
    cache = runtimes.INSTALL_CACHES.get(program)
    if cache is None:
        return False
    if plan.caches_handled is None:
        plan.caches_handled = _caches_handled(model, stage)
    if program in plan.caches_handled:
        return False
    mount = instruction.command.flag("mount") if instruction.command is not None else None
    if mount is not None and "cache" in mount:
        return False
    words = [a for a in invocation.args if not a.startswith("-")]
    if (words[0] if words else "") not in cache.installs:
        return False
    if any(a == flag or a.startswith(flag + "=") for a in invocation.args for flag in cache.off_flags):
        return False
    user = "root" if invocation.sudo else model.user_at(instruction)
    if user is None or user.isdigit() and user != "0" or ":" in user or "$" in user:
        return False
    home = "/root" if user in ("root", "0") else f"/home/{user}"
    places = [home + p[1:] if p.startswith("~") else p for p in cache.places]
    return not any(_inside(p, carried) or _inside(c, [p]) for p in places for c in carried)


def _caches_handled(model: Model, stage: Stage) -> set[str]:
    """Programs whose download cache the file moves or turns off (ENV), empties (``npm cache
    clean``, ``rm -rf ~/.npm``) or keeps out of the image (a cache mount) somewhere."""
    handled: set[str] = set()
    for program, cache in runtimes.INSTALL_CACHES.items():
        for instruction in stage.body:
            if instruction.word == "env" and any(word.upper() in key.upper() for key in model.env_keys(instruction) for word in cache.settings):
                handled.add(program)
            if instruction.word != "run":
                continue
            text = instruction.text
            if program == "yarn" and ("corepack" in text or "set version" in text):
                handled.add(program)  # yarn berry keeps its cache in the project
            step = model.step(instruction)
            for invocation in step.invocations if step is not None else ():
                words = [a for a in invocation.args if not a.startswith("-")]
                if (invocation.program, words[0] if words else "") in cache.cleaned_by:
                    handled.add(program)
                if invocation.program == "rm" and any(posixpath.basename(p.rstrip("/")) in (".npm", ".cache", "yarn", "pip") or "/.cache/" in p or "/.npm/" in p for p in invocation.args):
                    handled.add(program)
    return handled


#: Subcommands that install a project's packages into its directory ("" for a bare ``yarn``).
_LOCAL_INSTALLS: dict[str, frozenset[str]] = {
    "npm": frozenset({"install", "i", "ci", "add", "isntall", "link", "ln", "update", "up", "rebuild"}),
    "yarn": frozenset({"", "install", "add", "upgrade"}),
    "pnpm": frozenset({"install", "i", "add", "update", "up"}),
    "bower": frozenset({"install", "i", "update"}),
    "composer": frozenset({"install", "require", "update"}),
    "bundle": frozenset({"install"}),
}


def _build_made(sources: list[str], carried: list[str], plan: _Plan, downloaded: set[str], eco: str) -> list[str] | None:
    """Which of ``sources`` the build made (in the application, the dependency places, a
    compiled program's sources or GOPATH, a download); None when one cannot be read."""
    made = []
    for source in sources:
        if "$" in source or "`" in source:
            return None
        head = source.split("*")[0].rstrip("/") or "/"
        roots = [*carried, *plan.builder_roots, *plan.downloads, *plan.archives, *downloaded] + (["/go"] if eco == "go" else [])
        if _inside(head, roots):
            made.append(source)
    return made


def _expanded_packages(names: list[str], model: Model, instruction: Instruction, chain: runtimes.Toolchain) -> tuple[list[str], list[str]]:
    """Package names with the file's ARG/ENV values and the base image's own variables
    (``$PHPIZE_DEPS``) put in; a name still holding a variable stays as it is."""
    family = chain.release.family if chain.release else None
    image_env = runtimes.IMAGE_ENV.get((chain.ecosystem, "alpine" if family == "alpine" else "debian"), {})
    out: list[str] = []
    tools: list[str] = []  # the image's build tools (``$PHPIZE_DEPS``): build-only
    for name in names:
        if name.strip("${}") in image_env and name in ("$" + name.strip("${}"), "${" + name.strip("${}") + "}"):
            tools.extend(image_env[name.strip("${}")].split())
            continue
        value = name
        if "$" in value:
            expanded = model.expand(value, instruction)
            value = expanded if expanded is not None else value
        out.extend(value.split())
    return out, tools


_ROOT_SCRIPTS_NOTE = "no install script of package.json (preinstall, install, postinstall, prepare) writes into / outside node_modules"
#: npm's lifecycle scripts that run with an install.
_INSTALL_SCRIPTS = ("preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare")


#: Programs that install language packages into the dependency places.
_DEPENDENCY_INSTALLERS = frozenset({"pip", "pipenv", "poetry", "uv", "pdm", "virtualenv", "venv", "bundle", "bundler", "gem", "npm", "yarn", "pnpm", "composer", "python"})


def _installs_dependencies(model: Model, stage: Stage) -> bool:
    """Whether a RUN of the stage runs a package installer of a language (or makes a
    virtualenv): a dependency place only an ENV names exists otherwise nowhere."""
    for instruction in stage.body:
        step = model.step(instruction) if instruction.word == "run" else None
        if any(i.program in _DEPENDENCY_INSTALLERS for i in (step.invocations if step else ())):
            return True
    return False


def _corepack_at_run_time(model: Model, stage: Stage, instruction: Instruction, plan: _Plan) -> str:
    """corepack fetches a package manager the first time it runs: when the image's command
    runs yarn or pnpm, the builder's fetched copy (in COREPACK_HOME) is copied too. Why it
    cannot be ("" when it can, or need not)."""
    runs = {argv[0] for _, argv in _program_words(model, stage)}
    for health in (i for i in stage.body if i.word == "healthcheck"):
        step = model.step(health)
        runs |= {i.program for i in (step.invocations if step else ())}
    if not runs & {"yarn", "pnpm", "yarnpkg", "pnpx"}:
        return ""
    fetched = False
    for other in stage.body:
        step = model.step(other) if other.word == "run" else None
        for invocation in step.invocations if step else ():
            words = [a for a in invocation.args if not a.startswith("-")]
            if invocation.program in runs & {"yarn", "pnpm"} or invocation.program == "corepack" and words[:1] in (["prepare"], ["install"]):
                fetched = True
    if not fetched:
        return "the image's command runs a package manager through corepack, which no RUN of the builder fetched: it would download it when the container starts"
    home = model.env(instruction).get("COREPACK_HOME")
    if home is not None:
        if not home.startswith("/") or "$" in home:
            return "corepack keeps the package managers in COREPACK_HOME, which this pass cannot read"
        target = home
    else:
        # ~/.cache/node/corepack from corepack 0.20, ~/.node/corepack before: which one the
        # image's corepack uses is not known
        return (
            "the image's command runs a package manager through corepack, which fetches it when it first runs; "
            "where the builder keeps the fetched one depends on corepack's version (set COREPACK_HOME to copy it)"
        )
    _carry_download(plan, target, made=True)
    return ""


def _carry_download(plan: _Plan, path: str, made: bool = False, note: str = "") -> None:
    """``path`` is copied from the builder (made by the build, or downloaded), once; ``note``
    is what was assumed about it, said once."""
    if path not in plan.downloads:
        plan.downloads.append(path)
        if made:
            plan.made.append(path)
    if note and note not in plan.assumed:
        plan.assumed.append(note)


def _download_what(path: str, plan: _Plan) -> str:
    if plan.sources_in_root and path == "/node_modules":
        return "the installed dependencies"
    return "a file the build put there" if path in plan.made else "a download"


def _root_install(invocation: Invocation, eco: str) -> str | None:
    """With the sources copied into /: what a step run there writes into / that the runtime
    stage must copy ("/node_modules" for a node install there, "" for nothing: pip installing
    requirement files or named packages into site-packages, the application's own code, which
    runs again), or None when it cannot be told (a build, an editable or local install)."""
    program = invocation.program
    words = [a for a in invocation.args if not a.startswith("-")]
    if eco == "node" and program == "corepack" or eco == "node" and program in ("npm", "yarn", "pnpm") and _global_install(invocation):
        return ""  # shims and global packages under /usr/local (a dependency place), not in /
    if eco == "node" and program in ("npm", "yarn", "pnpm"):
        if (words[0] if words else "") in _LOCAL_INSTALLS[program] - {"link", "ln", "rebuild"} and not any(
            a.startswith(("--prefix", "--cwd", "--dir", "--modules-folder")) for a in invocation.args
        ):
            return "/node_modules"
        return "" if words[:1] in (["cache"], ["config"]) else None
    if eco == "python" and program == "pip":
        if words[:1] != ["install"]:
            return "" if words[:1] in (["cache"], ["config"], ["--version"]) else None
        if any(a in ("-e", "--editable", "-t", "--target", "--prefix", "--root", "--src") or a.startswith(("-e", "--editable=", "--target=", "--prefix=", "--root=")) for a in invocation.args):
            return None
        args = list(invocation.args)
        valued = ("-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host")
        named = [a for n, a in enumerate(args) if not a.startswith("-") and a != "install" and not (n and args[n - 1] in valued)]
        if any(w.startswith((".", "/")) or "/" in w or w.endswith((".whl", ".tar.gz", ".zip")) for w in named):
            return None
        return ""
    if eco == "python" and program == "python" and not _python_build(invocation):
        return ""  # the application's own code: it runs again in the runtime stage
    return None


def _local_install_inside(invocation: Invocation, cwd: str, carried: list[str], model: Model, instruction: Instruction) -> bool:
    """Whether a project-local install (node_modules, bower_components, vendor/) goes into a
    carried directory: the working directory, or --prefix / --cwd / --working-dir."""
    where = cwd
    args = invocation.args
    words = [a for a in args if not a.startswith("-")]
    if (words[0] if words else "") not in _LOCAL_INSTALLS.get(invocation.program, frozenset()):
        return True  # not an install (npm config, yarn cache clean...)
    for flag in ("--prefix", "--cwd", "--working-dir", "-d", "--dir", "-C"):
        value = _option(args, flag)
        if value is not None and not (invocation.program == "bundle"):
            expanded = _expanded(value, model, instruction)
            if "$" in expanded:
                return False
            where = _resolve(expanded, cwd)
            break
    if invocation.program == "bundle":
        return True  # bundler installs into BUNDLE_PATH or GEM_HOME (the dependency places)
    return _inside(where, carried)


#: The commands that bring an image's packages up to date, by package family.
_UPGRADES: dict[str, tuple[str, ...]] = {
    "apt": ("apt-get update", "apt-get -y upgrade", "rm -rf /var/lib/apt/lists/*"),
    "apk": ("apk upgrade --no-cache",),
}


def _global_replay_problem(invocation: Invocation, instruction: Instruction, model: Model, stage: Stage) -> str:
    """Why a global install cannot simply run again in the runtime stage ("" when it can)."""
    command = instruction.command
    mounts = " ".join(part.flag for part in command.flags if part.flag.startswith("--mount")) if command is not None else ""
    if "secret" in mounts or "ssh" in mounts:
        return "without the secret or ssh mount its RUN has"
    specs = [a for a in invocation.args if not a.startswith("-") and a not in ("install", "i", "add", "global", "require")]
    if any(re.match(r"(git\+|git:|github:|gitlab:|bitbucket:|https?:|file:|\.{0,2}/)", spec) for spec in specs):
        return "and needs git or the build's files to fetch what it names"
    for other in stage.body:
        if other.word in ("copy", "add") and any(n in other.text for n in (".npmrc", ".yarnrc", "auth.json")):
            return "without the registry settings the file copies in (.npmrc)"
        if other.word == "env" and any(k.upper().startswith(("NPM_CONFIG_", "YARN_", "COMPOSER_AUTH")) for k in model.env_keys(other)):
            return "without the registry settings of the image's ENV"
        step = model.step(other) if other.word == "run" else None
        for run in step.invocations if step is not None else ():
            words = [a for a in run.args if not a.startswith("-")]
            if run.program in ("npm", "yarn", "pnpm", "composer") and words[:1] == ["config"]:
                return "without the settings `" + run.display + "` makes"
    return ""


def _named_by_image(workdir: Instruction, image_env: dict[str, str]) -> bool:
    """A WORKDIR that is absolute, or starts with a variable of the toolchain image's own
    (``$GOPATH/src/x``) and names no other."""
    command = workdir.command
    written = command.args[0].text if command is not None and command.args else ""
    if written.startswith("/") and "$" not in written:
        return True
    names = set(re.findall(r"\$\{?(\w+)", written))
    return written.startswith("$") and bool(names) and names <= set(image_env)


def _browser_install(invocation: Invocation) -> str | None:
    """The folder under the home a browser download puts them in (``npx playwright install``,
    ``npx puppeteer browsers install chrome``); None when it is not one."""
    words = [a for a in invocation.args if not a.startswith("-")]
    if invocation.program in ("npx", "pnpx") or invocation.program in ("yarn", "pnpm") and words[:1] == ["dlx"]:
        words = words[1:] if invocation.program in ("yarn", "pnpm") else words
        program, words = (words[0], words[1:]) if words else ("", [])
    else:
        program = invocation.program
    program = re.sub(r"@[\d^~.x*]+$", "", program) if not program.startswith("@") else re.sub(r"(?<=.)@[\d^~.x*]+$", "", program)
    sub = words[0] if words else ""
    if sub == "install-deps":
        sub = "install"
    return runtimes.BROWSER_INSTALLS.get((program, sub))


def _global_install(invocation: Invocation) -> bool:
    args = invocation.args
    return ("-g" in args or "--global" in args) or (invocation.program in ("yarn", "composer") and args[:1] == ("global",))


def _python_build(invocation: Invocation) -> bool:
    """``python setup.py install|build|develop``, ``python -m pip|venv|compileall``."""
    args = invocation.args
    if args[:1] in (("setup.py",), ("./setup.py",)):
        return True
    if args[:1] == ("-m",) and args[1:2] and args[1] in ("pip", "venv", "virtualenv", "compileall", "ensurepip"):
        return True
    return False


def _pip_elsewhere(invocation: Invocation, besides_user: bool = False) -> bool:
    places = ("-t", "--target", "--prefix", "--root") if besides_user else ("--user", "-t", "--target", "--prefix", "--root")
    return any(a in places or a.startswith(("--target=", "--prefix=", "--root=")) for a in invocation.args)


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip("\"'").lower() in ("1", "true", "yes", "on")


def _falsy(value: str | None) -> bool:
    return value is not None and value.strip("\"'").lower() in ("0", "false", "no", "off")


def _environment_carried(invocation: Invocation, model: Model, stage: Stage, instruction: Instruction) -> bool:
    """Whether pipenv or poetry installs where the runtime stage copies: into the system
    site-packages (``pipenv install --system``, poetry with virtualenvs.create false) or into a
    virtualenv inside the project (PIPENV_VENV_IN_PROJECT, virtualenvs.in-project)."""
    env = model.env(instruction)
    if invocation.program == "pipenv":
        return "--system" in invocation.args or _truthy(env.get("PIPENV_VENV_IN_PROJECT"))
    if _falsy(env.get("POETRY_VIRTUALENVS_CREATE")) or _truthy(env.get("POETRY_VIRTUALENVS_IN_PROJECT")):
        return True
    for other in stage.body:
        if other.word != "run":
            continue
        step = model.step(other)
        for run in step.invocations if step is not None else ():
            words = [a for a in run.args if not a.startswith("-")]
            if run.program == "poetry" and words[:1] == ["config"] and len(words) >= 3:
                if words[1] == "virtualenvs.create" and _falsy(words[2]) or words[1] == "virtualenvs.in-project" and _truthy(words[2]):
                    return True
        if other is instruction:
            break
    return False


def _other_python(invocation: Invocation, chain: runtimes.Toolchain) -> bool:
    """``pip3`` on a python:2 image (or ``pip2`` on python:3): a distribution's pip, which
    installs into its own python's directories."""
    spelled = (invocation.spelled or "").split()[0] if invocation.spelled else ""
    match = re.fullmatch(r"(?:pip|python)(\d)(?:\.\d+)?", spelled)
    if match is None or not chain.version:
        return False
    return match.group(1) != chain.version.split(".")[0]


def _installs(invocation: Invocation) -> bool:
    words = [a for a in invocation.args if not a.startswith("-")]
    return words[:1] == ["install"]


def _home_of(model: Model, stage: Stage, user: str | None) -> str | None:
    """The home directory of ``user``: /root, the ``-d``/``--home-dir`` of the useradd that
    made it, else /home/NAME (useradd's and adduser's default); None when it cannot be told."""
    if user in ("root", "0"):
        return "/root"
    if user is None or not re.fullmatch(r"[a-z_][a-z0-9_.-]*", user):
        return None
    for instruction in stage.body:
        step = model.step(instruction) if instruction.word == "run" else None
        for invocation in step.invocations if step is not None else ():
            if invocation.program not in ("useradd", "adduser"):
                continue
            args = list(invocation.args)
            names = [a for a in args if not a.startswith("-")]
            if not names or names[-1] != user:
                continue
            for flag in ("-d", "--home-dir", "--home", "-h"):
                if flag in args and args.index(flag) + 1 < len(args):
                    home = args[args.index(flag) + 1]
                    return home if home.startswith("/") and "$" not in home else None
                for a in args:
                    if a.startswith(flag + "="):
                        home = a.split("=", 1)[1]
                        return home if home.startswith("/") and "$" not in home else None
            return f"/home/{user}"
    return f"/home/{user}" if user == "node" else None


def _text_of(invocation: Invocation, instruction: Instruction, step: Step) -> str:
    command = invocation.command
    if command is None or invocation.nested or command.depth != 0 or command.in_compound:
        raise Decline(f"{describe(instruction)!r}: {invocation.display!r} is nested in shell text this pass does not take apart")
    if command.operator == "|":
        raise Decline(f"{describe(instruction)!r}: {invocation.display!r} is part of a pipeline")
    start = command.start
    if _piped_into(command, step.script):
        # ``echo "root:pw" | chpasswd``, ``curl -sS URL | php -- ...``: the whole pipeline runs
        # again when what feeds it only writes to its output.
        feeders = _pipeline_feeders(command, step.script)
        if feeders is None:
            raise Decline(f"{describe(instruction)!r}: {invocation.display!r} is part of a pipeline")
        start = feeders
    text = step.script.text if step.script is not None else ""  # the text the offsets count in
    end = max([command.end] + [word.end for _, word in command.redirects])
    return " ".join(text[start:end].split())


#: Programs that only write to their output when they feed a pipeline (curl and wget without
#: -o/-O FILE).
_FEEDERS = frozenset({"echo", "printf", "cat", "curl", "wget"})


def _shell_settings(step: Step) -> list[tuple[list[str], str]]:
    """(names, text) of the commands of a RUN that set shell variables at its top level:
    ``export A=1 B=2``, ``A=1``."""
    script = step.script
    if script is None:
        return []
    out = []
    for command in script.commands:
        if command.depth != 0 or command.in_compound:
            continue
        if command.words and command.words[0].value == "export":
            names = [w.value.split("=", 1)[0] for w in command.words[1:] if "=" in w.value]
        elif not command.words and command.assignments:
            names = [w.value.split("=", 1)[0] for w in command.assignments]
        else:
            continue
        if names:
            out.append((names, " ".join(script.text[command.start:command.end].split())))
    return out


def _repository_scripts(script: shell.Script | None) -> list[str]:
    """The known repository set-up scripts a RUN pipes into a shell (``curl -fsSL
    https://deb.nodesource.com/setup_18.x | bash -``): their URLs. Empty when any shell of the
    RUN reads another input."""
    found: list[str] = []
    previous = None
    shells = 0
    for command in script.commands if script is not None else ():
        names = [posixpath.basename(w.value) for w in command.words[:4]]
        reads_input = any(n in ("sh", "bash", "dash") for n in names) and (previous is not None and previous.operator == "|")
        if reads_input:
            shells += 1
            feeder = previous
            if feeder is not None and posixpath.basename(feeder.name or "") in ("curl", "wget"):
                urls = [a for a in feeder.args if a.startswith(("http://", "https://"))]
                if len(urls) == 1 and any(p.match(urls[0]) for p in packages.REPOSITORY_SCRIPTS):
                    found.append(urls[0])
        previous = command
    return found if len(found) == shells else []


#: Ecosystems whose runtime image is the ``-slim`` variant of the same tag, built on the same
#: release as the full image (whether or not the tag names it).
_SLIM_VARIANTS = frozenset({"python", "node", "ruby"})


def _sources_problem(family: str, plan: _Plan, model: Model, stage: Stage) -> str:
    """Why the runtime stage cannot install from the builder's package sources ("" when it can:
    the same image, or the same Debian or Ubuntu release)."""
    if family not in packages.PACKAGE_SOURCES:
        return f"this pass does not carry {family}'s package sources"
    if plan.sources_lack:
        return plan.sources_lack
    if plan.runtime_image == model.image(stage):
        return ""
    release = plan.toolchain.release
    chain = plan.toolchain
    if chain.family_changes or release is None or release.family not in ("debian", "ubuntu"):
        return "the runtime image's release is not known to be the builder's, so the builder's package sources may not fit it"
    if not release.codename and chain.ecosystem not in _SLIM_VARIANTS:
        return "the runtime image's release is not known to be the builder's, so the builder's package sources may not fit it"
    return ""


def _pipeline_feeders(command: object, script: shell.Script | None) -> int | None:
    """The offset where the pipeline that ends in ``command`` starts, when every command
    before it in the pipeline only writes to its output; else None."""
    commands = list(script.commands) if script is not None else []
    index = next((i for i, c in enumerate(commands) if c.start == getattr(command, "start", -1)), None)
    if index is None:
        return None
    first = index
    while first > 0 and commands[first - 1].operator == "|":
        first -= 1
    for feeder in commands[first:index]:
        name = posixpath.basename(feeder.name or "")
        if feeder.depth != 0 or feeder.in_compound or feeder.redirects or name not in _FEEDERS:
            return None
        if name == "curl" and any(a in ("-o", "-O", "--output", "--remote-name") or a.startswith("--output=") for a in feeder.args):
            return None
        if name == "wget" and not any(a in ("-O-", "-qO-", "-qO", "-O") for a in feeder.args):
            return None
        if name == "wget" and any(a in ("-O", "-qO") for a in feeder.args):
            at = [i for i, a in enumerate(feeder.args) if a in ("-O", "-qO")][0]
            if feeder.args[at + 1:at + 2] != ("-",):
                return None
    return commands[first].start


#: Where composer's installer is downloaded from (getcomposer.org, or a pinned copy in its repository).
def _composer_installer(invocation: Invocation) -> bool:
    """The steps of composer's installer (getcomposer.org): ``curl -sS .../installer | php --
    --install-dir=DIR``, ``php -r "copy('https://getcomposer.org/installer', 'composer-setup.php');"``,
    ``php composer-setup.php --install-dir=...``, ``php -r "unlink('composer-setup.php');"``."""
    if invocation.program != "php":
        return False
    args = invocation.args
    if any(a.startswith(("--install-dir", "--filename")) for a in args) and (args[:1] == ("--",) or any(a.endswith("composer-setup.php") for a in args)):
        return True
    if args[:1] and args[0].endswith("composer-setup.php"):
        return True
    return args[:1] == ("-r",) and len(args) > 1 and ("composer-setup.php" in args[1] or COMPOSER_INSTALLER.search(args[1]) is not None)


def _piped_into(command: object, script: shell.Script | None) -> bool:
    """Whether the previous command of the RUN's script pipes into ``command``."""
    previous = None
    for candidate in script.commands if script is not None else ():
        if candidate.start == getattr(command, "start", -1):
            return previous is not None and previous.operator == "|"
        previous = candidate
    return False


def _redirect_targets(invocation: Invocation, cwd: str, model: Model, instruction: Instruction) -> list[str]:
    """The files a command's output redirections write."""
    command = invocation.command
    if command is None or invocation.nested:
        return []
    found = []
    for op, word in command.redirects:
        if "<" in op or "&" in op and word.value.isdigit() or word.value.startswith("&"):
            continue
        path = _resolve(_expanded(word.value, model, instruction), cwd)
        if path.startswith(_NOT_FILES):
            continue
        if "$" in path:
            raise Decline(f"{describe(instruction)!r}: {invocation.display!r} writes to a file named by a variable")
        found.append(path)
    return found


def _cleaning_downloads(item: Instruction | tuple[str, ...]) -> Instruction | tuple[str, ...]:
    """An apt install of the runtime stage that also removes the packages apt downloaded."""
    if isinstance(item, Instruction) or "rm -rf /var/lib/apt/lists/*" not in item or "apt-get clean" in item:
        return item
    at = item.index("rm -rf /var/lib/apt/lists/*")
    return (*item[:at], "apt-get clean", *item[at:])


def _install_commands(family: str, names: list[str], recommends: bool = False, program: str = "yum") -> list[str]:
    """One install of ``names`` with its cleanup, as merge-runs would leave it."""
    pkgs = " ".join(names)
    if family == "apt":
        flag = "" if recommends else " --no-install-recommends"
        return ["apt-get update", f"apt-get install -y{flag} {pkgs}", "rm -rf /var/lib/apt/lists/*"]
    if family == "apk":
        return [f"apk add --no-cache {pkgs}"]
    return [f"{program} install -y {pkgs}", f"{program} clean all"]


# --- artifacts ------------------------------------------------------------------------------------


def _carries(
    model: Model, stage: Stage, chain: runtimes.Toolchain, roots: list[str], places: list[str], chowns: dict[str, str], plan: _Plan,
) -> list[_Carry]:
    eco = chain.ecosystem
    out: list[_Carry] = []
    if eco in _INTERPRETED:
        if not roots and not places and not plan.replayed:
            raise Decline("no application directory was found (no COPY of the application)")
        for root in roots:
            if root in plan.gone:
                continue
            what = "configuration" if _inside(root, ["/etc", "/usr/local/etc"]) else "the application"
            out.append(_Carry(root, root, chowns.get(root), what))
        base_places = {p.format(version=chain.version) for p in runtimes.DEPENDENCY_PLACES.get(eco, ())}
        installs = _installs_dependencies(model, stage)
        for place in places:
            if place in plan.gone:
                continue
            if _inside(place, roots):
                continue  # a virtualenv inside the application directory comes with it
            if place not in base_places and place != "/usr/local" and not installs:
                continue  # named (BUNDLE_PATH, a virtualenv's ENV) but nothing installs into it
            out.append(_Carry(place, place, chowns.get(place), "the installed dependencies" if place != "/usr/local" else f"the builder's {_LANGUAGE.get(eco, eco)} and the installed dependencies (the tag does not pin the version)"))
        for path in plan.user_places:
            if not _inside(path, roots + places):
                out.append(_Carry(path, path, None, "the installed dependencies (pip as the image's user)"))
        for path in plan.downloads:
            if not _inside(path, roots + places) and path not in plan.gone:
                out.append(_Carry(path, path, None, _download_what(path, plan)))
        full_image = not chain.slim  # an already slim image: the runtime stage runs on it too
        if eco == "python" and not plan.read and full_image and not plan.bare_native:
            other = "other " if plan.native else ""
            plan.assumed.append(f"no {other}installed package links a library that only the full image has (psycopg2 and mysqlclient need libpq5 and libmariadb3: add them if so)")
        if eco == "node" and not plan.read and full_image:
            other = "other " if plan.native else ""
            plan.assumed.append(f"no {other}installed module links a library that only the full image has (prisma's engines need openssl: add it if so)")
        if eco == "node" and not plan.read:
            plan.assumed.append("no dependency downloads a program into the home directory when it installs (puppeteer 19+'s Chrome, Cypress: read with the build context, their folder is copied)")
        if eco == "ruby" and not plan.read and full_image and not plan.bare_native:
            plan.assumed.append("no gem links a library that only the full image has (pg and mysql2 need libpq5 and libmariadb3: add them if so)")
        elif eco in ("ruby", "python") and not plan.read and full_image:
            plan.assumed.append(f"no other {'gem' if eco == 'ruby' else 'installed package'} links a library that only the full image has")
        return out
    artifacts = _compiled_artifacts(model, stage, chain)
    sources = _go_sources_dir(model, stage, plan) if eco == "go" and not plan.read else None
    if sources is not None:
        # Read bare, a Go program that runs among its sources may read files there (templates,
        # .env, SQL, static files): the sources' directory comes along, binary included.
        out.append(_Carry(sources, sources, None, "the sources' directory, where the program runs and may read files (templates, .env; read with the build context, only those are copied)"))
    named = list(artifacts)  # the binaries the build names, for the PATH check below
    if sources is not None:
        artifacts = [a for a in artifacts if not (_inside(a.path, [sources]) and a.to == a.path)]
    out.extend(artifacts)
    for path in plan.generated:
        if not any(_inside(path, [c.path]) for c in out):
            out.append(_Carry(path, path, None, "files the program writes at build time"))
    for path in plan.downloads:
        if path not in plan.gone and not any(_inside(path, [c.path]) for c in out):
            out.append(_Carry(path, path, None, _download_what(path, plan)))
    if eco == "go":
        _on_path(model, _program_words(model, stage), named + [c for c in out if c.path != sources and c not in named])
    release = chain.release
    family = release.family if release else None
    if eco in ("go", "rust") and family in _CA_BUNDLE:
        out.append(_Carry(_CA_BUNDLE[family], _CA_BUNDLE[family], None, "the CA certificates"))
    if eco == "go" and family in _CA_BUNDLE and "distroless" not in plan.runtime_image and not any(c.path == "/usr/local/go" for c in out):
        # Go's time.LoadLocation falls back to $GOROOT/lib/time/zoneinfo.zip where the system
        # has no tzdata (Alpine, debian:trixie-slim): the golang image has it, at that path.
        out.append(_Carry(_GO_ZONEINFO, _GO_ZONEINFO, None, "Go's time zone database"))
    if eco in ("go", "rust", "java", "dotnet") and not plan.read and sources is None and plan.sources_again is None:
        plan.assumed.append("the program reads no file of the sources at run time (templates, static files): add a COPY --from=builder for each if it does")
    if eco == "rust" and not plan.read:
        other = "other " if plan.bare_native else ""
        plan.assumed.append(f"the binary links no {other}library that only the toolchain image has" + ("" if plan.bare_native else " (openssl-sys needs libssl3: add it if so)"))
    return out


def _go_sources_dir(model: Model, stage: Stage, plan: _Plan) -> str | None:
    """The directory the whole build context is copied to (``COPY . /app``) when the program
    runs there (the last WORKDIR is it or inside it), and it is the application's own, not a
    system directory. GOPATH's /go itself comes whole (the module cache with it: what is lost
    otherwise, the program's files, matters more)."""
    found = _sources_copy(model, stage)
    if found is None or found[1] in plan.gone:
        return None
    return found[1]


def _sources_copy(model: Model, stage: Stage, root: bool = False) -> tuple[Instruction, str] | None:
    """The COPY of the whole build context (``COPY . /app``) and its directory, when the program
    runs there (the last WORKDIR is it or inside it) and it is the application's own, not a
    system directory (GOPATH's /go is one of its own)."""
    finals = _program_words(model, stage)
    image = model.image(stage)
    ref = images.parse_image(image) if image else None
    base = _base_workdir(ref) if ref is not None else "/"
    if not finals:
        return None
    if model.workdir_unknown(finals[-1][0]):
        return None  # a WORKDIR named by the image's variables ($GOPATH): the note says it
    workdir = model.workdir(finals[-1][0]) or base
    for instruction in stage.body:
        if instruction.word not in ("copy", "add") or _flag(instruction, "from") is not None:
            continue
        if model.workdir_unknown(instruction):
            return None
        words = _copy_words(instruction, model)
        if words is None or not any(w in (".", "./") for w in words[:-1]):
            continue
        dest = _resolve(words[-1], model.workdir(instruction) or base)
        if (dest in _SYSTEM_DIRS and dest != "/go" and not (root and dest == "/")) or "$" in dest or (dest != "/" and _inside(dest, list(_SYSTEM_TREES))):
            return None
        if _inside(workdir, [dest]):
            return instruction, dest
    return None


#: Trees of the system (and of the toolchains' caches) that a sources' directory is not in.
_SYSTEM_TREES = (
    "/go/pkg", "/go/bin", "/root/.cache", "/root/.cargo", "/tmp", "/etc", "/var/lib", "/bin", "/lib", "/sbin",
    "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/share", "/usr/include", "/usr/local/bin", "/usr/local/lib",
    "/usr/local/go", "/usr/local/cargo", "/usr/local/rustup", "/usr/local/share", "/usr/local/include",
)


def _rust_sources(tree: Dockerfile, model: Model, stage: Stage, plan: _Plan) -> None:
    """Read bare, a Rust program that runs among its sources may read files there (templates,
    static files, Rocket.toml): the runtime stage copies the sources again from the build
    context (the builder's directory holds target/, the whole build), before the binary."""
    found = _sources_copy(model, stage, root=True)  # into / too: copied again from the context
    if found is None:
        return
    copy, dest = found
    words = _copy_words(copy, model)
    if words is None or any("$" in w or " " in w for w in words):
        return
    if _sources_changed(model, stage, copy, dest):
        return  # the build context's copy would lack what a RUN changed there
    keyword = copy.text.lstrip().split(None, 1)[0]
    chown = _flag(copy, "chown")
    flags = f" --chown={chown}" if chown else ""
    made = parse_fragment_instructions([f"{keyword}{flags} {' '.join(words[:-1])} {dest.rstrip('/')}/{style_of(tree).newline}"], tree.escape)
    if not made:
        return
    plan.body.insert(plan.carry_at, made[0])
    plan.carry_at += 1
    plan.sources_again = dest
    plan.replayed.append(f"{describe(made[0])} (the sources again, from the build context: the program runs among them and may read files there, such as templates, static files or Rocket.toml; the build context would tell which)")


#: Alpine packages whose name is the same on every release: installed on a newer release than
#: the builder's without a second thought.
_APK_STABLE = frozenset({
    "ca-certificates", "tzdata", "bash", "curl", "wget", "git", "openssl", "libc6-compat", "gcompat",
    "su-exec", "tini", "dumb-init", "busybox", "coreutils", "shadow", "musl", "libgcc", "libstdc++",
    "sqlite", "sqlite-libs", "postgresql-client", "mysql-client", "mariadb-client", "ffmpeg", "imagemagick",
    "openssh-client", "unzip", "zip", "tar", "gzip", "jq", "procps", "netcat-openbsd", "bind-tools", "iputils",
})


def _check_alpine_names(chain: runtimes.Toolchain, written: str, plan: _Plan) -> None:
    """A runtime stage on a newer Alpine release than the builder's (a golang tag that names no
    release: the table's release, or the static one) installs the builder's package names: only
    names that never changed."""
    release = chain.release
    if release is None or release.family != "alpine" or not chain.runtime or not chain.why:
        return  # not Alpine, or the runtime image is the builder's own release
    odd = [n for n in dict.fromkeys(plan.kept_packages) if n.split("=")[0] not in _APK_STABLE]
    if odd:
        raise Decline(
            f"the runtime stage would install {', '.join(odd)} on {chain.runtime}, a release the builder's "
            f"tag may predate ({written}): package names change between Alpine releases (pandoc is pandoc-cli from 3.19)"
        )


def _sources_changed(model: Model, stage: Stage, copy: Instruction, dest: str) -> bool:
    """Whether a RUN after ``copy`` may change files among the sources in ``dest`` (other than
    cargo's own build): a file tool or an in-place edit there, a redirection, a script."""
    after = False
    for instruction in stage.body:
        if instruction is copy:
            after = True
            continue
        if not after or instruction.word not in ("run", "copy", "add"):
            continue
        if instruction.word in ("copy", "add"):
            words = _copy_words(instruction, model)
            target = _resolve(words[-1], model.workdir(instruction) or "/") if words else None
            if target is None or _inside(target, [dest]):
                return True
            continue
        step = model.step(instruction)
        if step is None or step.unreadable:
            return True
        cwd = model.workdir(instruction) or "/"
        for invocation in step.invocations:
            if invocation.program in ("cargo", "rustup", "rustc", "cd", "echo", "ls", "true", "apt-get", "apt", "apk", "rm") and ">" not in instruction.text:
                if invocation.program == "rm" and any(_inside(_resolve(a, cwd), [dest]) and not _inside(_resolve(a, cwd), [posixpath.join(dest, "target")]) for a in _path_args(invocation)):
                    return True
                continue
            if invocation.program in _FILE_OPS or invocation.program in ("sed", "perl", "patch", "git", "sh", "bash", "make"):
                return True
            if ">" in instruction.text and _inside(cwd, [dest]):
                return True
    return False


def _compiled_artifacts(model: Model, stage: Stage, chain: runtimes.Toolchain) -> list[_Carry]:
    eco = chain.ecosystem
    outputs: list[tuple[str, str]] = []  # (path, what)
    for instruction in stage.body:
        if instruction.word != "run":
            continue
        step = model.step(instruction)
        cwd = model.workdir(instruction) or "/go" if eco == "go" else model.workdir(instruction) or "/"
        for invocation in step.invocations if step else []:
            if invocation.program == "cd":
                target = next((a for a in invocation.args if not a.startswith("-")), None)
                if target:
                    cwd = _resolve(_expanded(target, model, instruction), cwd)
            out = _output_of(invocation, eco, cwd)
            if out is not None:
                outputs.append(out)
    finals = _program_words(model, stage)
    if not finals:
        raise Decline("the image has no CMD or ENTRYPOINT: what runs cannot be told")
    for instruction, argv in finals:
        if not _shell_form(instruction) and any(ch.isspace() for ch in argv[0]):
            raise Decline(
                f"{describe(instruction)!r} runs {argv[0]!r}: in the exec form no shell splits it into a program "
                "and its arguments, so what the image runs cannot be told"
            )
    final_workdir = model.workdir(finals[-1][0]) or "/"
    carries: list[_Carry] = []
    if eco == "go":
        for path, what in outputs:
            if what == "the package directory":
                continue
            if path == "/go/bin":
                # Where the image runs them from: /go/bin when ENTRYPOINT or CMD names a binary
                # there (the CMD after it is its arguments: `--config`, `serve`); else a bare
                # name is looked up on the runtime image's PATH, which has /usr/local/bin.
                words = [argv[0] for _, argv in _program_words(model, stage)]
                to = "/go/bin"
                if not any(w.startswith("/go/bin/") for w in words) and any("/" not in w and not w.startswith("-") for w in words):
                    to = "/usr/local/bin"
                carries.append(_Carry(path, to, None, what))
            else:
                carries.append(_Carry(path, path, None, what))
        if not carries:
            for path, what in outputs:
                if what != "the package directory":
                    continue
                for _, argv in finals:
                    binary = _resolve(argv[0], final_workdir) if "/" in argv[0] else None
                    if binary is not None and posixpath.dirname(binary) == path:
                        carries.append(_Carry(binary, binary, None, "the binary"))
        if not carries:
            raise Decline("no `go build -o` or `go install` names the binary")
        return carries
    argvs = finals
    if eco == "rust":
        for instruction, argv in argvs:
            word = argv[0]
            if "$" in word:
                continue
            if "/target/release/" in _resolve(word, final_workdir):
                path = _resolve(word, final_workdir)
                return [_Carry(path, path, None, "the binary")]
            if "/" not in word and any(p == "/usr/local/cargo/bin" for p, _ in outputs):
                return [_Carry(f"/usr/local/cargo/bin/{word}", f"/usr/local/bin/{word}", None, "the binary")]
            if word.startswith("/") and not word.startswith("/usr/local/cargo/") and any(word == p for p, _ in outputs):
                return [_Carry(word, word, None, "the binary")]
        raise Decline("CMD or ENTRYPOINT does not name the binary cargo builds (target/release/NAME)")
    if eco == "java":
        if not outputs and chain.slim:
            raise Decline(f"{model.image(stage)} is already a runtime image and nothing here builds the jar: nothing to gain")
        for instruction, argv in argvs:
            if posixpath.basename(argv[0]) != "java":
                continue
            if argv[0].startswith("/") and not argv[0].startswith("/opt/java/openjdk/"):
                raise Decline(f"CMD or ENTRYPOINT runs java from {argv[0]}, a path of the JDK image the runtime image does not have")
            read = [a for a in argv[1:] if not a.startswith("-") and _CONFIG_FILE.search(a) and "$" not in a]
            if read:
                raise Decline(f"CMD or ENTRYPOINT reads {read[0]}, a file of the build this pass does not copy")
            args = argv[1:]
            if "-jar" in args and args.index("-jar") + 1 < len(args):
                jar = args[args.index("-jar") + 1]
                if "$" in jar:
                    raise Decline(f"the jar {jar!r} is named by a variable")
                if ("*" in jar or "?" in jar) and not _shell_form(instruction):
                    raise Decline(f"the jar {jar!r} is a pattern in the exec form, which no shell expands")
                path = _resolve(jar, final_workdir)
                if "*" in path or "?" in path:
                    # ``CMD java -jar target/*.jar``: the shell expands it at run time; the runtime
                    # stage gets what the pattern matches, in the same directory.
                    if "*" in posixpath.dirname(path) or "?" in posixpath.dirname(path):
                        raise Decline(f"the jar {jar!r} is named by a pattern over directories")
                    return [_Carry(path, posixpath.dirname(path) + "/", None, "the jar" if outputs else "the jar (from the build context)")]
                # Built here, or brought from the build context and run on the JDK image: the
                # runtime stage runs it on the JRE.
                return [_Carry(path, path, None, "the jar" if outputs else "the jar (from the build context)")]
        for instruction, argv in argvs:
            if posixpath.basename(argv[0]) != "java":
                continue
            classpath = _class_path(argv[1:])
            if classpath is None:
                continue
            paths = []
            for entry in classpath:
                if "$" in entry or "*" in entry or not entry:
                    raise Decline(f"the class path entry {entry!r} is named by a variable or pattern")
                path = _resolve(entry, final_workdir)
                if path in _SYSTEM_DIRS:
                    raise Decline(f"the class path is {path}, where the runtime image has files of its own")
                paths.append(path)
            return [_Carry(path, path, None, "the class path") for path in dict.fromkeys(paths)]
        raise Decline("CMD or ENTRYPOINT does not run `java -jar FILE` or `java -cp PATH MAIN`: the artifact cannot be named")
    if eco == "dotnet":
        publish = [p for p, what in outputs if what == "the published application"]
        if not publish:
            raise Decline("no `dotnet publish -o DIR` names the output")
        if posixpath.normpath(final_workdir) != posixpath.normpath(publish[-1]) and _inside(publish[-1], [final_workdir]):
            # ASP.NET Core's content root is the working directory: appsettings.json and wwwroot
            # are read there, from the project's files in the original, not from the output
            raise Decline(
                f"the program runs in {final_workdir}, its content root (appsettings.json, wwwroot), which holds the "
                f"project's files in the original; the runtime stage would have only {publish[-1]}"
            )
        return [_Carry(publish[-1], publish[-1], None, "the published application")]
    raise Decline(f"{eco}: no artifact rule")


#: Arguments that name a configuration file the program reads (``server config.yml``).
_CONFIG_FILE = re.compile(r"\.(ya?ml|json|properties|xml|conf|cfg|ini|toml)$")


def _shell_form(instruction: Instruction) -> bool:
    command = instruction.command
    return command is not None and command.form == "shell"


def _class_path(args: list[str]) -> list[str] | None:
    """The class path ``java [-cp PATH] MAIN`` runs from (``.`` without -cp); None when the
    arguments are not that form."""
    classpath = ["."]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-cp", "-classpath", "--class-path") and i + 1 < len(args):
            classpath = args[i + 1].split(":")
            i += 2
            continue
        if arg.startswith("-"):
            if arg in ("-jar", "-m", "--module", "-p", "--module-path"):
                return None
            i += 1
            continue
        return classpath if re.fullmatch(r"[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*", arg) else None
    return None


def _argv(instruction: Instruction) -> list[str]:
    """The words CMD or ENTRYPOINT runs (exec form), or the first command of its shell form
    (``exec`` and ``sh -c`` unwrapped)."""
    from .. import shell
    from ..cst import form_values

    command = instruction.command
    if command is None:
        return []
    if command.form == "exec":
        words = list(form_values(command, instruction.escape))
    elif command.form == "shell" and command.args:
        script = shell.parse(command.args[0].text)
        words = [w.value for w in script.commands[0].words] if script.commands else []
    else:
        return []
    while words and words[0] in ("exec", "tini", "/sbin/tini", "/usr/bin/tini", "dumb-init", "/usr/bin/dumb-init", "--"):
        words = words[1:]
    if len(words) >= 3 and posixpath.basename(words[0]) in ("sh", "bash") and words[1] == "-c":
        script = shell.parse(words[2])
        return [w.value for w in script.commands[-1].words] if script.commands else []
    return words


#: The PATH of the runtime images (debian, alpine, distroless) before any ENV of the file.
_RUNTIME_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


def _on_path(model: Model, finals: list[tuple[Instruction, list[str]]], carries: list[_Carry]) -> None:
    """A bare program name in CMD or ENTRYPOINT (``CMD ["app"]``) is looked up on the PATH: where
    it names a binary the build made, the runtime stage must put that binary on its PATH (the
    toolchain image's PATH has /go/bin, the runtime image's does not; ``go build -o app`` in the
    WORKDIR is not on either)."""
    for instruction, argv in finals:
        word = argv[0]
        if "/" in word or "$" in word:
            continue
        named = [c for c in carries if posixpath.basename(c.path) == word]
        if not named:
            continue
        written = model.env(instruction).get("PATH")
        extra = tuple(d for d in (written or "").split(":") if d and "$" not in d)
        dirs = set(_RUNTIME_PATH) | set(extra)
        if not any(posixpath.dirname(c.to) in dirs for c in named):
            raise Decline(
                f"{describe(instruction)!r} runs {word!r} from the PATH, and the binary the build names so "
                f"({named[0].path}) is in no directory of the runtime image's PATH"
            )


def _program_words(model: Model, stage: Stage) -> list[tuple[Instruction, list[str]]]:
    """(instruction, argv) of the ENTRYPOINT and CMD the image runs (the last of each)."""
    found = []
    for word in ("entrypoint", "cmd"):
        last = [i for i in stage.body if i.word == word]
        if last:
            argv = _argv(last[-1])
            if argv:
                found.append((last[-1], argv))
    return found


def _output_of(invocation: Invocation, eco: str, cwd: str) -> tuple[str, str] | None:
    program, args = invocation.program, list(invocation.args)
    if eco == "go" and program == "go" and args:
        sub = args[0]
        if sub == "build" and "-o" in args and args.index("-o") + 1 < len(args):
            out = args[args.index("-o") + 1]
            if "$" in out:
                raise Decline(f"`go build -o {out}`: the binary is named by a variable")
            path = _resolve(out, cwd)
            return (path, "the binary")
        if sub == "install":
            return ("/go/bin", "the binaries of go install")
        if sub == "build" and not any(a == "-o" or a.startswith("-o=") for a in args):
            return (cwd, "the package directory")
    if eco == "rust" and program == "cargo" and args[:1] == ["install"]:
        return ("/usr/local/cargo/bin", "the binaries of cargo install")
    if eco == "java" and program in ("mvn", "mvnw", "gradle", "gradlew"):
        return (cwd, "the build")
    if eco == "dotnet" and program == "dotnet" and args[:1] == ["publish"]:
        for flag in ("-o", "--output"):
            if flag in args and args.index(flag) + 1 < len(args):
                return (_resolve(args[args.index(flag) + 1], cwd), "the published application")
        for arg in args:
            if arg.startswith("--output="):
                return (_resolve(arg.split("=", 1)[1], cwd), "the published application")
    return None


def _check_runtime_programs(model: Model, stage: Stage, plan: _Plan, chain: runtimes.Toolchain) -> None:
    """A program CMD, ENTRYPOINT or HEALTHCHECK runs that only the full image has: installed in
    the runtime stage by the same package (Debian-based runtimes), else decline."""
    needed: list[str] = []
    by_steps: list[str] = []  # run by a step run again, not by the image's command
    same_image = chain.slim and plan.runtime_image.startswith(stage.image.text if stage.image else "")
    for instruction in stage.body:
        if instruction.word not in ("cmd", "entrypoint", "healthcheck"):
            continue
        step = model.step(instruction)
        for invocation in step.invocations if step else []:
            package = packages.FULL_IMAGE_PROGRAMS.get(invocation.program)
            if package and package not in plan.kept_packages and package not in needed and not same_image:
                needed.append(package)
    # Steps run again in the runtime stage must find their programs there too.
    for item in plan.body:
        if same_image or plan.runtime_image == model.image(stage):
            break
        plain = images.parse_image(plan.runtime_image)
        plain_distro = plain is not None and plain.library_name in ("debian", "ubuntu")
        for program in _replayed_programs(item, model):
            package = packages.FULL_IMAGE_PROGRAMS.get(program) or (packages.PLAIN_DISTRO_LACKS.get(program) if plain_distro else None)
            if package and package not in plan.kept_packages and package not in needed:
                needed.append(package)
                by_steps.append(package)
    if not needed:
        return
    if not plan.runtime_image.split(":")[0].endswith(("debian", "ubuntu")) and ("distroless" in plan.runtime_image or plan.runtime_image == "scratch"):
        raise Decline(f"the image runs {', '.join(needed)}, which {plan.runtime_image} (no shell, no package manager) cannot install")
    family = chain.release.family if chain.release else None
    if family not in ("debian", "ubuntu") or chain.family_changes:
        raise Decline(f"the image's command runs {', '.join(needed)}, which the runtime image may not have")
    _check_mirrors(model, stage, plan, needed)
    plan.kept_packages.extend(needed)
    text = tuple(_install_commands("apt", needed))
    plan.body.insert(0 if not plan.body else _after_config_prefix(plan.body), text)
    if plan.carry_at >= _after_config_prefix(plan.body) - 1:
        plan.carry_at += 1
    by_command = [p for p in needed if p not in by_steps]
    if by_command:
        plan.replayed.append(f"installed {', '.join(by_command)} (run by the image's command)")
    if by_steps:
        plan.replayed.append(f"installed {', '.join(by_steps)} (run by a step run again)")


def _bare_native(model: Model, stage: Stage, chain: runtimes.Toolchain, plan: _Plan) -> bool:
    """Without the build context, on a full image: the libraries of BARE_NATIVE go into the
    runtime stage, where they can be installed as the table says (else the note says what was
    assumed). Whether it added them."""
    names = runtimes.BARE_NATIVE.get(chain.ecosystem, ())
    if plan.read or chain.slim or not names:
        return False
    release = plan.toolchain.release or chain.release
    if chain.ecosystem == "rust" and (release is None or release.family != "debian"):
        return False  # only the Debian rust images carry libssl-dev (rust:alpine has musl-dev alone)
    used = _database_evidence(model, stage, chain.ecosystem)
    if release is None:
        if used:
            raise Decline(f"{used[1]} names {used[0]}, whose library the runtime stage cannot name on an image whose release is not known")
        return False
    # Without the release (a patch version's tag), only the libraries named alike on every
    # release it may be go in (libpq5); the others' names differ (libmariadbclient18 on
    # stretch) and are left to the note.
    unnamed = release.family in ("debian", "ubuntu") and not release.codename
    before = list(plan.native)
    skipped: list[str] = []
    try:
        for name in names:
            if not unnamed:
                _add_native(plan, chain, chain.ecosystem, name, name)
                continue
            mark = list(plan.native)
            try:
                _add_native(plan, chain, chain.ecosystem, name, name)
            except Decline:
                plan.native[:] = mark
                skipped.append(name)
        if len(plan.native) == len(before):
            raise Decline("")
        if chain.family_changes or (chain.release and chain.release.family not in ("debian", "ubuntu", "alpine")):
            raise Decline("")
        if not (chain.release and chain.release.family == "alpine"):
            _check_mirrors(model, stage, plan, list(plan.native))
    except Decline as declined:
        plan.native[:] = before
        if used:
            raise Decline(f"{used[1]} names {used[0]}, whose library the runtime stage cannot install ({declined or 'its name on this release is not known'})") from None
        if chain.ecosystem == "rust":
            raise Decline(
                f"a binary built with openssl-sys (reqwest's and native-tls's default) links OpenSSL, whose library the runtime "
                f"stage cannot install ({declined or 'its name on this release is not known'})"
            ) from None
        return False
    if used and used[0] in skipped:
        raise Decline(f"{used[1]} names {used[0]}, whose library's name on this image's release is not known")
    plan.bare_native = True
    if skipped:
        plan.assumed.append(f"{' and '.join(skipped)} {'are' if len(skipped) > 1 else 'is'} not used: {'they link' if len(skipped) > 1 else 'it links'} a library whose name on this image's release is not known (add it if so)")
    return plan.native != before


#: Database URL schemes in ENV and ARG values, and the adapter of BARE_NATIVE each means.
_DATABASE_SCHEMES: dict[str, dict[str, str]] = {
    "ruby": {"mysql2": "mysql2", "mysql": "mysql2", "postgres": "pg", "postgresql": "pg", "sqlite3": "sqlite3"},
    "python": {"mysql": "mysqlclient", "mysql+mysqldb": "mysqlclient", "postgres": "psycopg2", "postgresql": "psycopg2", "postgresql+psycopg2": "psycopg2"},
}


def _database_evidence(model: Model, stage: Stage, eco: str) -> tuple[str, str] | None:
    """(adapter, what names it) where an ENV or ARG value is a database URL of BARE_NATIVE's
    adapters (``DATABASE_URL mysql2://...``)."""
    schemes = _DATABASE_SCHEMES.get(eco, {})
    for instruction in stage.body:
        if instruction.word not in ("env", "arg"):
            continue
        for match in re.finditer(r"\b([a-z][a-z0-9+]*)://", instruction.text):
            adapter = schemes.get(match.group(1))
            if adapter:
                # Named by the variable, not its value (a URL may hold a password).
                key = re.match(r"\s*(?:ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]*)", instruction.text, re.IGNORECASE)
                return adapter, f"{instruction.word.upper()} {key.group(1) if key else ''} ({match.group(1)}://...)".replace("  ", " ")
    return None


def _named_by_commands(model: Model, stage: Stage, chain: runtimes.Toolchain, plan: _Plan) -> None:
    """Read bare: language packages the file's own commands name, whose system libraries the
    runtime stage then installs (prisma in a RUN or CMD: OpenSSL; a CMD that runs uwsgi built
    by pip: the libraries it linked on the full image)."""
    eco = chain.ecosystem
    if chain.slim:
        return
    if eco == "node":
        for instruction in stage.body:
            if instruction.word in ("run", "cmd", "entrypoint") and re.search(r"(?<![\w/.-])prisma\b", instruction.text):
                _add_native(plan, chain, eco, "prisma", f"{describe(instruction)!r}: prisma")
                return
    if eco == "python":
        for instruction, argv in _program_words(model, stage):
            system = any(n == "uwsgi" or n.startswith("uwsgi-") for _, _, names in _system_installs(model, stage) for n in names)
            if posixpath.basename(argv[0]) == "uwsgi" and not system:
                _add_native(plan, chain, eco, "uwsgi", f"{describe(instruction)!r}: uwsgi, which pip built on the full image,")
                return


def _check_mirrors(model: Model, stage: Stage, plan: _Plan, names: list[str]) -> None:
    """An apt install the original does not make (a library, a program the command runs) needs
    the release's packages on the mirrors: a release moved to the archive (jessie, stretch,
    buster) declines unless the original's own RUNs fetch package lists too."""
    release = plan.toolchain.release
    codename = release.codename if release else None
    if release is None or release.family not in ("debian", "ubuntu"):
        return
    if codename is not None and codename not in images.ARCHIVED_RELEASES:
        return
    if codename is None and release.family == "debian" and release.at_least is not None:
        possible = sorted((v, c) for c, v in images.DEBIAN_CODENAMES.items() if v >= release.at_least)
        if possible and possible[0][1] not in images.ARCHIVED_RELEASES:
            return  # the oldest release it may be on is still on the mirrors, and so are newer ones
    for instruction in stage.body:
        step = model.step(instruction) if instruction.word == "run" else None
        for invocation in step.invocations if step is not None else ():
            if invocation.program in ("apt-get", "apt") and invocation.args[:1] == ("update",):
                return  # the original reads the package lists: it fails or works alike
    where = f"Debian {codename}'s packages are no longer on its mirrors" if codename else "the image's release is not known"
    raise Decline(f"the runtime stage would install {', '.join(names)} with apt, which the original does not: {where}")


def _replayed_programs(item: Instruction | tuple[str, ...], model: Model) -> list[str]:
    """The programs a RUN of the runtime stage runs (as it is, or the commands written for it)."""
    from ..commands import program_name

    if isinstance(item, Instruction):
        if item.word != "run":
            return []
        step = model.step(item)
        return [i.program for i in step.invocations] if step is not None else []
    found = []
    for text in item:
        for command in shell.parse(text).commands:
            if command.words:
                found.append(program_name(command.words[0].value))
    return found


def _after_config_prefix(body: list[Instruction | tuple[str, ...]]) -> int:
    index = 0
    for item in body:
        if isinstance(item, Instruction) and item.word in ("arg", "env", "label", "maintainer"):
            index += 1
            continue
        break
    return index


#: distroless/static per Debian release: certificates, tzdata and a passwd, no shell, no libc.
_DISTROLESS_STATIC = {"bookworm": "gcr.io/distroless/static-debian12", "bullseye": "gcr.io/distroless/static-debian11", "trixie": "gcr.io/distroless/static-debian13"}


def _cgo_off(model: Model, stage: Stage) -> bool:
    """Every ``go build``/``go install`` of the stage runs with CGO_ENABLED=0 (ENV, or an
    assignment before the command)."""
    builds = 0
    for instruction in stage.body:
        if instruction.word != "run":
            continue
        step = model.step(instruction)
        for invocation in step.invocations if step else []:
            if invocation.program != "go" or invocation.args[:1] not in (("build",), ("install",)):
                continue
            builds += 1
            command = invocation.command
            assigned = {w.text.split("=", 1)[0]: w.text.split("=", 1)[1] for w in command.assignments} if command else {}
            value = assigned.get("CGO_ENABLED", model.env(instruction).get("CGO_ENABLED"))
            if value != "0":
                return False
    return builds > 0


def _static_alpine(ref: images.ImageRef, chain: runtimes.Toolchain, model: Model, stage: Stage) -> runtimes.Toolchain | str:
    """A golang alpine tag whose Alpine release is not known (``golang:alpine``): its binary is
    static when the build turns cgo off, or when nothing installs a C compiler (the image has
    none, and Go 1.20+ then builds without cgo), so the runtime stage takes the Alpine release
    of the table. Otherwise why the binary may link musl ("" when not a golang alpine tag)."""
    if chain.ecosystem != "go" or images.release_of(ref).family != "alpine":
        return ""
    why = ""
    if not _cgo_off(model, stage):
        tag_version = re.match(r"(\d+)\.(\d+)", ref.tag or "")
        if tag_version and tuple(int(x) for x in tag_version.groups()) < runtimes.CGO_OFF_WITHOUT_COMPILER:
            return "before Go 1.20, a build without a C compiler does not turn cgo off by itself"
        for instruction in stage.body:
            if instruction.word == "env" and "CGO_ENABLED" in model.env_keys(instruction) or instruction.word == "arg" and "CGO_ENABLED" in instruction.text:
                return f"{describe(instruction)!r} sets CGO_ENABLED: the binary may link musl"
            step = model.step(instruction) if instruction.word == "run" else None
            for invocation in step.invocations if step else ():
                words = {a.split("=")[0] for a in invocation.args}
                if invocation.program in ("apk", "apt-get", "apt") and words & runtimes.C_TOOLCHAIN_PACKAGES:
                    return f"{describe(instruction)!r} installs a C compiler: cgo stays on, and the binary may link musl"
                if invocation.program in ("go", "gcc", "cc", "clang") and invocation.command is not None and any(
                    w.text.startswith(("CGO_ENABLED=", "CC=")) for w in invocation.command.assignments
                ):
                    return f"{describe(instruction)!r} sets CGO_ENABLED or CC: the binary may link musl"
                if invocation.program not in ("apk", "go", "git", "mkdir", "cd", "cp", "mv", "rm", "chmod", "chown", "ln", "echo", "ls", "cat", "set", "export", "adduser", "addgroup", "true", "upx"):
                    return f"{describe(instruction)!r} runs {invocation.program}, which may install a C compiler: the binary may link musl"
        why = "no C compiler is installed, so Go builds with cgo off (a static binary)"
    else:
        why = "CGO_ENABLED=0 makes a static binary"
    release = images.Release("alpine", tuple(int(x) for x in runtimes.STATIC_ALPINE.split(".")))
    return runtimes.Toolchain(
        "go", f"alpine:{runtimes.STATIC_ALPINE}", release=release,
        why=f"{ref.text} names no Alpine release; {why}, which runs on any: the runtime stage takes Alpine {runtimes.STATIC_ALPINE}",
    )


def _static_runtime(model: Model, stage: Stage, plan: _Plan) -> None:
    """A Go binary built with CGO_ENABLED=0 runs on distroless/static, unless the runtime stage
    needs a shell (a RUN run again, a shell-form CMD, ENTRYPOINT or HEALTHCHECK) or a user by
    name (distroless has root, nonroot and numeric ids only)."""
    release = plan.toolchain.release
    codename = release.codename if release else None
    image = _DISTROLESS_STATIC.get(codename or "")
    if image is None or not _cgo_off(model, stage):
        return
    if any(not isinstance(item, Instruction) for item in plan.body):
        return
    for instruction in stage.body:
        if instruction.word in ("cmd", "entrypoint", "healthcheck"):
            step = model.step(instruction)
            if any(i.program in packages.FULL_IMAGE_PROGRAMS for i in (step.invocations if step else ())):
                return  # curl in a HEALTHCHECK: an image with a package manager installs it
    for item in plan.body:
        assert isinstance(item, Instruction)
        command = item.command
        if command is None:
            return
        if item.word in ("cmd", "entrypoint", "healthcheck") and command.form != "exec" and not (item.word == "healthcheck" and command.health_type is not None and command.health_type.text.upper() == "NONE"):
            return
        if item.word in ("run", "shell", "onbuild"):
            return
        if item.word == "user":
            user = command.args[0].text if command.args else ""
            if not (user.split(":")[0].isdigit() or user.split(":")[0] in ("root", "nonroot")):
                return
    plan.runtime_image = image
    plan.carries = [c for c in plan.carries if c.what not in ("the CA certificates", "Go's time zone database")]
    plan.assumed.append("CGO_ENABLED=0 makes a static binary: distroless/static has the CA certificates, tzdata and a passwd, and no shell")


# --- writing --------------------------------------------------------------------------------------


def _write(tree: Dockerfile, model: Model, stage: Stage, plan: _Plan, context: Context) -> Outcome:
    style = style_of(tree)
    nl = style.newline
    from_instruction = stage.from_instruction
    keyword = from_instruction.command.keyword.text if from_instruction.command else "FROM"
    lower = keyword.islower()

    def kw(word: str) -> str:
        return word.lower() if lower else word

    as_word = kw("AS")
    runtime_name = stage.name or "runtime"
    builder_name = "builder" if (stage.name or "").lower() != "builder" else "build"
    new_from = _renamed_from(from_instruction, stage, builder_name, as_word)
    platform = _flag(from_instruction, "platform")
    platform_text = f"--platform={platform} " if platform and "BUILDPLATFORM" not in platform else ""
    texts: list[str] = [f"{kw('FROM')} {platform_text}{plan.runtime_image} {as_word} {runtime_name}{nl}"]
    carry_texts = []
    owner_text: str | None = None
    owned = [c.path for c in plan.carries if c.path in plan.dir_owners]
    if owned:
        commands = [f"mkdir -p {' '.join(shlex.quote(p) for p in owned)}"] + [f"chown {shlex.quote(plan.dir_owners[p])} {shlex.quote(p)}" for p in owned]
        joiner = f" {style.escape}{nl}{style.indent}&& " if style.leading_operators else f" && {style.escape}{nl}{style.indent}"
        owner_text = kw("RUN") + " " + joiner.join(commands) + nl
    for carry in plan.carries:
        chown = f" --chown={carry.chown}" if carry.chown else ""
        source = carry.path
        to = carry.to
        if to == "/usr/local/bin" and source == "/go/bin":
            source, to = "/go/bin/", "/usr/local/bin/"
        elif source != to and not to.endswith("/"):
            pass
        carry_texts.append(f"{kw('COPY')} --from={builder_name}{chown} {source} {to}{nl}")
    body_texts: list[str] = []
    for item in plan.body:
        if isinstance(item, Instruction):
            body_texts.append(_bare(item))
        else:
            joiner = f" {style.escape}{nl}{style.indent}&& " if style.leading_operators else f" && {style.escape}{nl}{style.indent}"
            body_texts.append(kw("RUN") + " " + joiner.join(item) + nl)
    sources: list[str] = []
    sources_at = len(body_texts)
    if plan.package_sources and plan.sources_at is not None:
        # The package sources (with the repositories a RUN added) where the first RUN that added
        # one was: the installs before it read the release's own sources, as they did.
        sources_at = plan.sources_at
        sources = [f"{kw('COPY')} --from={builder_name} {p} {p}{nl}" for p in packages.PACKAGE_SOURCES[plan.package_sources]]
        body_texts[sources_at:sources_at] = sources

    def shifted(at: int) -> int:
        return at + (len(sources) if sources_at <= at else 0)

    carry_at = shifted(plan.carry_at)
    body_texts[carry_at:carry_at] = carry_texts
    if owner_text is not None:
        # As root: before the first USER that comes before the copies (after the users exist).
        users = [i for i, item in enumerate(plan.body[:plan.carry_at]) if isinstance(item, Instruction) and item.word == "user"]
        body_texts.insert(shifted(users[0]) if users else carry_at, owner_text)
    texts.extend(_base_defaults(model, stage, plan, kw, nl))
    texts.extend(body_texts)
    parsed = parse_fragment_instructions(texts, tree.escape)
    if parsed is None:
        return Outcome(tree, notes=[Note("not split: the runtime stage it would write does not parse", (from_instruction,))])
    last = tree.instructions[-1]
    ending = "" if last.render().endswith(("\n", "\r")) else nl
    first = parsed[0]
    blank = parse_fragment_instructions([nl + first.render()], tree.escape)
    if blank is not None:
        parsed[0] = blank[0]
    instructions = list(tree.instructions)
    index = instructions.index(from_instruction)
    instructions[index] = new_from
    if ending:
        from ..edit import reparse

        instructions[-1] = reparse(last, last.text + ending) if last.text else last
    instructions.extend(parsed)
    explanation = _explain(plan, builder_name, runtime_name)
    made = (new_from, *parsed)
    about = tuple(stage.instructions)  # the whole stage: the runtime stage is written after it
    proposal = Proposal(explanation, REVIEW, about, made)
    if not context.permits(PASS.name, explanation, REVIEW, about):
        return Outcome(tree)
    return Outcome(tree.with_changes(instructions=tuple(instructions)), [proposal])


def _base_defaults(model: Model, stage: Stage, plan: _Plan, kw: object, nl: str) -> list[str]:
    """Instructions for what the toolchain image set that the file relies on and the runtime
    image does not (``_plan`` decides them: ``plan.defaults``)."""
    word = kw if callable(kw) else (lambda w: w)
    return [f"{word(name)} {value}{nl}" for name, value in plan.defaults]


def _decide_defaults(model: Model, stage: Stage, plan: _Plan) -> None:
    """The toolchain image's WORKDIR when the file sets none (golang: /go, where ``COPY . .``
    and ``./app`` land) and GOPATH when an instruction of the runtime stage names it: the runtime
    image sets neither."""
    builder_ref = images.parse_image(model.image(stage) or "")
    runtime_ref = images.parse_image(plan.runtime_image.split("$")[0] + "x" if "$" in plan.runtime_image else plan.runtime_image)
    if builder_ref is None or runtime_ref is None:
        return
    texts = [item.text for item in plan.body if isinstance(item, Instruction)]
    if plan.toolchain.ecosystem == "go" and runtime_ref.library_name != "golang" and any("$GOPATH" in t or "${GOPATH}" in t for t in texts):
        plan.defaults.append(("ENV", "GOPATH=/go"))
    workdirs = [i for i in stage.body if i.word == "workdir" and i.command is not None and i.command.args]
    first = workdirs[0].command.args[0].text.strip("\"'") if workdirs and workdirs[0].command is not None else ""
    if not workdirs or not first.startswith(("/", "$")):
        # no WORKDIR, or a relative first one (``WORKDIR ./build/libs`` on gradle's /home/gradle)
        before, after = images.image_workdir(builder_ref), images.image_workdir(runtime_ref)
        if before is not None and before != (after or "/"):
            plan.defaults.append(("WORKDIR", before))


def _bare(instruction: Instruction) -> str:
    """The instruction's text without the comments and blank lines above it."""
    text = instruction.text
    return text if text.endswith(("\n", "\r")) else text + "\n"


def _renamed_from(instruction: Instruction, stage: Stage, name: str, as_word: str) -> Instruction:
    from ..edit import reparse

    text = instruction.text
    if stage.name_part is not None:
        start = instruction.logical.source_offset(stage.name_part.at)
        end = start + len(stage.name_part.text)
        return reparse(instruction, text[:start] + name + text[end:])
    assert stage.image is not None
    end = instruction.logical.source_offset(stage.image.at + len(stage.image.text) - 1) + 1
    return reparse(instruction, text[:end] + f" {as_word} {name}" + text[end:])


def _explain(plan: _Plan, builder: str, runtime: str) -> str:
    groups: dict[str, list[str]] = {}
    for c in plan.carries:
        groups.setdefault(c.what, []).append(c.path if c.to == c.path else f"{c.path} -> {c.to}")
    carried = "; ".join(f"{what} ({', '.join(paths)})" for what, paths in groups.items())
    copies = f"that copies only {carried}" if carried else "that copies nothing from it"
    parts = [f"split into a {builder!r} stage and a {runtime!r} stage on {plan.runtime_image} {copies}"]
    if plan.replayed:
        parts.append(f"run again in the runtime stage: {'; '.join(plan.replayed)}")
    if plan.dropped_packages or plan.caches:
        parts.append(f"left in the builder: {', '.join([*dict.fromkeys(plan.dropped_packages), *plan.caches])}")
    if plan.kept_packages:
        parts.append(f"installed at run time: {', '.join(dict.fromkeys(plan.kept_packages))}")
    if plan.package_sources and plan.sources_at is not None:
        parts.append(
            f"{plan.package_sources}'s package sources and keys ({', '.join(packages.PACKAGE_SOURCES[plan.package_sources])}) copied from the builder,"
            " where a RUN added a repository the runtime packages may come from"
        )
    if plan.unmapped:
        parts.append(f"kept as they were (their runtime library is not known): {', '.join(plan.unmapped)}")
    if plan.dropped_args:
        parts.append(f"build arguments the runtime stage does not read stay in the builder: {', '.join(plan.dropped_args)}")
    if plan.read:
        parts.append(f"read in the build context: {', '.join(plan.read)}")
    if plan.assumed:
        parts.append("assumed " + "; ".join(plan.assumed))
    return "; ".join(parts)


PASS = Pass("split-stages", "A single-stage file on a toolchain image becomes a builder stage and a slim runtime stage.", REVIEW, run)

__all__ = ["PASS", "is_root"]
