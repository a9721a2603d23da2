"""What each ecosystem's build looks like: its manifests, how it installs dependencies, builds,
tests, and which base images carry its toolchain. One module per ecosystem; ``ECOSYSTEMS``
lists them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from ..shell import SimpleCommand


@dataclass(frozen=True)
class Pattern:
    """A command shape: a program and the leading words after it (options skipped); unless
    ``more`` is set, nothing else may follow (``yarn`` alone installs, ``yarn build`` builds)."""

    program: str
    words: tuple[str, ...] = ()
    more: bool = True

    def matches(self, command: SimpleCommand) -> bool:
        return self.matches_words(*positionals(command))

    def matches_words(self, program: str, positional: tuple[str, ...]) -> bool:
        if program != self.program:
            return False
        if positional[: len(self.words)] != self.words:
            return False
        return self.more or len(positional) == len(self.words)


@dataclass(frozen=True)
class Ecosystem:
    name: str
    #: Base image names (without registry or tag) that carry the toolchain.
    images: tuple[str, ...]
    #: Dependency manifests and lockfiles.
    manifests: tuple[str, ...] = ()
    install: tuple[Pattern, ...] = ()
    build: tuple[Pattern, ...] = ()
    test: tuple[Pattern, ...] = ()
    #: Short name used to tell stages apart (``go-builder``).
    label: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def patterns(*specs: str) -> tuple[Pattern, ...]:
    """``"npm run build"`` -> Pattern("npm", ("run", "build")); a spec that is only a program
    name (``"yarn"``) matches it without positional arguments, unless it ends in ``*``."""
    out = []
    for spec in specs:
        program, *words = spec.split()
        if words and words[-1] == "*":
            out.append(Pattern(program, tuple(words[:-1])))
        else:
            out.append(Pattern(program, tuple(words), more=bool(words)))
    return tuple(out)


_ALIASES = {"pip3": "pip", "python3": "python", "gradlew": "gradle", "mvnw": "mvn", "yarnpkg": "yarn", "bundler": "bundle"}


def normalize(command: SimpleCommand) -> tuple[str, tuple[str, ...]]:
    """The program's base name and its arguments, with ``python -m X`` read as ``X`` and
    wrappers such as ``sudo`` and ``env VAR=1`` skipped."""
    words = [w.value for w in command.words]
    while words and words[0] in ("sudo", "env", "nohup", "time", "exec"):
        words = words[1:]
        while words and ("=" in words[0] or words[0].startswith("-")):
            words = words[1:]
    if not words:
        return "", ()
    program = words[0].rsplit("/", 1)[-1]
    program = _ALIASES.get(program, program)
    args = tuple(words[1:])
    if program.startswith("python") and len(args) >= 2 and args[0] == "-m":
        program, args = _ALIASES.get(args[1], args[1]), args[2:]
    return program, args


def positionals(command: SimpleCommand) -> tuple[str, tuple[str, ...]]:
    """The program (as ``normalize`` reads it) and its arguments that are not options."""
    program, args = normalize(command)
    return program, tuple(a for a in args if not a.startswith("-"))


def image_name(reference: str) -> str:
    """``docker.io/library/node:20-slim@sha256:...`` -> ``node``."""
    name = reference.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


from . import dotnet, go, java, node, php, python, ruby, rust, static  # noqa: E402

ECOSYSTEMS: tuple[Ecosystem, ...] = (
    node.ECOSYSTEM, python.ECOSYSTEM, go.ECOSYSTEM, rust.ECOSYSTEM, java.ECOSYSTEM,
    dotnet.ECOSYSTEM, ruby.ECOSYSTEM, php.ECOSYSTEM, static.ECOSYSTEM,
)


def for_image(reference: str) -> Ecosystem | None:
    name = image_name(reference)
    for ecosystem in ECOSYSTEMS:
        if any(name == image or name.startswith(image + "-") for image in ecosystem.images):
            return ecosystem
    return None


def matching(commands: Iterable[SimpleCommand], kind: str) -> list[tuple[Ecosystem, SimpleCommand]]:
    """The commands that install ("install"), build ("build") or test ("test"), per ecosystem."""
    found = []
    for command in commands:
        program, positional = positionals(command)
        for ecosystem in ECOSYSTEMS:
            if any(p.matches_words(program, positional) for p in getattr(ecosystem, kind)):
                found.append((ecosystem, command))
                break
    return found
