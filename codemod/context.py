"""The build context: which files a Dockerfile's COPY and ADD can see.

A pass that moves dependency manifests before ``COPY . .`` is exact only when it knows the
build context: which files exist, which ones ``.dockerignore`` leaves out, which workspace
members, local requirements, path dependencies and lifecycle scripts an install step reads.
Without the context a pass acts only on what the Dockerfile itself guarantees; ``resolve``
says which of the two it is, and why, in one line a pass can show.

The context is found the way the tools that build the file find it: ``--context DIR`` given
by the user; a compose file or bake file between the Dockerfile and the repository root whose
service or target builds this Dockerfile; else the Dockerfile's own directory, but only when
every literal COPY/ADD source of the file is there (a directory that lacks a source the file
copies is not the context it is built with).

``.dockerignore`` is read and matched exactly as BuildKit does (moby/patternmatcher, as
fsutil walks the context: each path is matched with its parent's results): later patterns
win, ``!`` re-includes, ``**`` spans directories, an excluded directory excludes what is
below it unless a ``!`` pattern brings a path back. The ``<Dockerfile>.dockerignore`` beside
the Dockerfile wins over the context root's ``.dockerignore``, as in BuildKit.

Everything is bounded: a path that leaves the context root (``..``, or a link pointing out of
it) does not exist; files over ``MAX_BYTES`` are not read; a glob looks at no more than
``MAX_ENTRIES`` directory entries; directory listings, file reads and ignore matchers are
cached per path within the process. Nothing is run and nothing is written.

The ecosystem readers at the end (npm/pnpm workspaces and lifecycle scripts, pip includes
and local paths, Cargo workspaces, Go replaces and vendoring, Maven modules, .NET project
references, Composer scripts, directories ``.dockerignore`` should leave out) each return
an empty answer when nothing applies or a file cannot be read.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

#: Files larger than this are never read.
MAX_BYTES = 1 << 20
#: At most this many directory entries are looked at by one glob.
MAX_ENTRIES = 100_000
#: How deep a reader follows includes (requirements, Maven modules, project references).
MAX_DEPTH = 32

#: Compose files, in the order ``docker compose`` picks the first that exists; each may have
#: an override file (``compose.override.yaml``) applied on top.
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
#: Bake files, in the order ``docker buildx bake`` reads them (later ones override).
BAKE_FILES = ("docker-bake.json", "docker-bake.override.json", "docker-bake.hcl", "docker-bake.override.hcl")

#: npm scripts that ``npm install`` / ``npm ci`` run for the root package.
NPM_LIFECYCLE = ("preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare")
#: What npm runs as ``install`` when a package has ``binding.gyp`` and no install script.
NPM_GYP_DEFAULT = ("binding.gyp", "install", "node-gyp rebuild")
#: Composer events that ``composer install`` fires for the root package (update events run
#: when there is no lock file: install then resolves and updates).
COMPOSER_INSTALL_EVENTS = (
    "pre-install-cmd", "post-install-cmd", "pre-update-cmd", "post-update-cmd", "pre-autoload-dump", "post-autoload-dump",
)

#: Directories that should not reach the build context, and the manifests (at the context
#: root) whose install step produces them on the developer's machine.
PRODUCED_BY: dict[str, tuple[str, ...]] = {
    "node_modules": ("package.json",),
    ".venv": ("pyproject.toml", "requirements.txt", "Pipfile", "poetry.lock", "uv.lock"),
    "vendor": ("composer.json",),
    "target": ("Cargo.toml", "pom.xml"),
    ".git": (),
}

#: pip options that include another requirements file, with the ones taking a local directory.
PIP_INCLUDE_OPTIONS = ("-r", "--requirement", "-c", "--constraint")
PIP_PATH_OPTIONS = ("-e", "--editable", "-f", "--find-links")

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^git@")


# --- paths --------------------------------------------------------------------------------


def clean(path: str) -> str | None:
    """``path`` as a cleaned context-relative POSIX path ("." for the root), or None when it
    leaves the context (BuildKit drops a leading ``/``: sources are relative to the root)."""
    path = path.strip()
    if not path:
        return None
    normal = posixpath.normpath(path.lstrip("/") or ".")
    if normal == ".." or normal.startswith("../"):
        return None
    return normal


def _join(base: str, path: str) -> str | None:
    if path.startswith("/"):
        return clean(path)
    return clean(posixpath.join(base, path))


def _inside(root: str, real: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


@lru_cache(maxsize=4096)
def _listing(directory: str) -> tuple[tuple[str, bool], ...]:
    """Names in ``directory`` with whether each is a directory (links are not followed)."""
    try:
        with os.scandir(directory) as entries:
            found = []
            for entry in entries:
                try:
                    found.append((entry.name, entry.is_dir(follow_symlinks=False)))
                except OSError:
                    continue
    except OSError:
        return ()
    return tuple(sorted(found))


@lru_cache(maxsize=1024)
def _read_bytes(real: str, limit: int) -> bytes | None:
    try:
        if os.path.getsize(real) > limit:
            return None
        with open(real, "rb") as handle:
            return handle.read(limit + 1)
    except OSError:
        return None


# --- .dockerignore, as moby/patternmatcher -------------------------------------------------

_ESCAPED = frozenset(".+()|{}$")


def _go_clean(path: str) -> str:
    """Go's ``filepath.Clean`` on a POSIX path."""
    normal = posixpath.normpath(path) if path else "."
    return "/" + normal.lstrip("/") if normal.startswith("//") else normal


def read_ignore(text: str) -> tuple[str, ...]:
    """The patterns of a ``.dockerignore`` file, as ``ignorefile.ReadAll`` returns them."""
    patterns = []
    for number, line in enumerate(text.split("\n")):
        line = line.removesuffix("\r")
        if number == 0:
            line = line.removeprefix("\ufeff")
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = _go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return tuple(patterns)


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern: how BuildKit matches it (exact, prefix, suffix or regexp)."""

    text: str
    exclusion: bool
    kind: str
    regexp: re.Pattern[str] | None = None

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        if self.kind == "regexp" and self.regexp is not None:
            return self.regexp.fullmatch(path) is not None
        return False


def compile_pattern(raw: str) -> Pattern | None:
    """A pattern as ``patternmatcher.New`` and ``Pattern.compile`` read it (None: blank or
    invalid, which BuildKit rejects and which here matches nothing)."""
    text = _go_clean(raw.strip()) if raw.strip() else ""
    if not text:
        return None
    exclusion = text.startswith("!")
    if exclusion:
        text = text[1:]
        if not text:
            return None
    regexp, kind, i, iteration = "", "exact", 0, -1
    while i < len(text):
        ch = text[i]
        i += 1
        iteration += 1
        if ch == "*":
            if i < len(text) and text[i] == "*":
                i += 1
                if i < len(text) and text[i] == "/":
                    i += 1
                if i >= len(text):
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        regexp += ".*"
                        kind = "regexp"
                else:
                    regexp += "(.*/)?"
                    kind = "regexp"
                if iteration == 0:
                    kind = "suffix"
            else:
                regexp += "[^/]*"
                kind = "regexp"
        elif ch == "?":
            regexp += "[^/]"
            kind = "regexp"
        elif ch in _ESCAPED:
            regexp += "\\" + ch
        elif ch == "\\":
            if i < len(text):
                regexp += "\\" + text[i]
                i += 1
                kind = "regexp"
            else:
                regexp += "\\\\"
        elif ch in "[]":
            regexp += ch
            kind = "regexp"
        else:
            regexp += ch
    if kind != "regexp":
        return Pattern(text, exclusion, kind)
    try:
        return Pattern(text, exclusion, kind, re.compile(regexp, re.DOTALL))
    except re.error:
        return None


class Matcher:
    """The ``.dockerignore`` patterns of one context, matched path by path from the root down
    (``MatchesUsingParentResults``), with each directory's results kept for its children."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(p for p in map(compile_pattern, patterns) if p is not None)
        self.exclusions = any(p.exclusion for p in self.patterns)
        self._seen: dict[str, tuple[bool, tuple[bool, ...]]] = {}

    def excluded(self, path: str) -> bool:
        """Whether the cleaned context-relative ``path`` is left out of the context."""
        if path == "." or not self.patterns:
            return False
        parts = path.split("/")
        parent: tuple[bool, ...] | None = None
        matched = False
        for k in range(1, len(parts) + 1):
            prefix = "/".join(parts[:k])
            if prefix not in self._seen:
                self._seen[prefix] = self._match(prefix, parent)
            matched, parent = self._seen[prefix]
        return matched

    def _match(self, path: str, parent: tuple[bool, ...] | None) -> tuple[bool, tuple[bool, ...]]:
        matched = False
        info = []
        for index, pattern in enumerate(self.patterns):
            hit = parent[index] if parent is not None else False
            if not hit:
                if pattern.exclusion != matched:
                    info.append(False)
                    continue
                hit = pattern.match(path)
            info.append(hit)
            if hit:
                matched = not pattern.exclusion
        return matched, tuple(info)


@lru_cache(maxsize=256)
def _matcher(ignore_file: str | None) -> Matcher:
    if ignore_file is None:
        return Matcher(())
    data = _read_bytes(ignore_file, MAX_BYTES)
    return Matcher(read_ignore(data.decode("utf-8", "replace")) if data is not None else ())


def ignore_file_for(root: Path, dockerfile: Path) -> Path | None:
    """The ignore file BuildKit uses: ``<Dockerfile name>.dockerignore`` beside the Dockerfile,
    else ``.dockerignore`` at the context root."""
    for candidate in (dockerfile.parent / (dockerfile.name + ".dockerignore"), root / ".dockerignore"):
        if candidate.is_file():
            return candidate
    return None


# --- globs over the context ----------------------------------------------------------------


def _expand_braces(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*,[^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    out = []
    for choice in match.group(1).split(","):
        out.extend(_expand_braces(pattern[: match.start()] + choice + pattern[match.end():]))
    return out


def _segment_regexp(segment: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(segment):
        ch = segment[i]
        i += 1
        if ch == "*":
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "[":
            negate = segment[i:i + 1] in ("!", "^")
            start = i + negate
            end = segment.find("]", start + (segment[start:start + 1] == "]"))
            if end < 0:
                out += "\\["
                continue
            body = segment[start:end].replace("\\", "\\\\").replace("[", "\\[")
            out += "[" + ("^" if negate else "") + body + "]"
            i = end + 1
        else:
            out += re.escape(ch)
    return re.compile(out, re.DOTALL)


def _magic(segment: str) -> bool:
    return any(ch in segment for ch in "*?[")


@dataclass(frozen=True)
class BuildContext:
    """The directory a Dockerfile is built with, and what of it the build can see."""

    #: The context directory.
    root: Path
    #: The Dockerfile it builds.
    dockerfile: Path
    #: How it was found, for messages ("--context DIR", "compose.yaml (service api)", ...).
    source: str
    #: The build target compose or bake names, if any.
    target: str | None = None
    #: Build args compose or bake names.
    args: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: The ``.dockerignore`` in force.
    ignore_file: Path | None = None
    #: The compose service's ``command`` and ``entrypoint`` (as written, lists joined with
    #: spaces): what the image is run with besides its own CMD.
    commands: tuple[str, ...] = ()

    @classmethod
    def at(
        cls, root: Path, dockerfile: Path, source: str, target: str | None = None, args: Mapping[str, str] | None = None,
        commands: tuple[str, ...] = (),
    ) -> BuildContext:
        """A context at ``root`` with the ignore file BuildKit would pick for ``dockerfile``."""
        root, dockerfile = Path(os.path.realpath(root)), Path(os.path.realpath(dockerfile))
        return cls(root, dockerfile, source, target, dict(args or {}), ignore_file_for(root, dockerfile), commands)

    # - what BuildKit sends -

    def ignore_patterns(self) -> tuple[str, ...]:
        """The patterns of the ignore file in force, as BuildKit reads them."""
        if self.ignore_file is None:
            return ()
        data = _read_bytes(str(self.ignore_file), MAX_BYTES)
        return read_ignore(data.decode("utf-8", "replace")) if data is not None else ()

    def excluded(self, path: str) -> bool:
        """Whether ``.dockerignore`` leaves this context-relative path out (a path outside
        the context is never in it)."""
        relative = clean(path)
        if relative is None:
            return True
        return _matcher(str(self.ignore_file) if self.ignore_file else None).excluded(relative)

    def _real(self, relative: str) -> str | None:
        """The real path of a cleaned relative path, when it exists inside the root."""
        root = str(self.root)
        real = os.path.realpath(os.path.join(root, relative))
        if not _inside(root, real) or not os.path.lexists(real):
            return None
        return real

    def _sent(self, relative: str) -> bool:
        """Whether an existing path reaches the build: not excluded, or an excluded directory
        a ``!`` pattern re-includes something below (BuildKit then sends it as its parent)."""
        matcher = _matcher(str(self.ignore_file) if self.ignore_file else None)
        if not matcher.excluded(relative):
            return True
        return matcher.exclusions and _sent_below(str(self.root), str(self.ignore_file), relative)

    def exists(self, path: str) -> bool:
        """A file or directory that exists in the context and is not excluded."""
        relative = clean(path)
        return relative is not None and self._real(relative) is not None and self._sent(relative)

    def is_dir(self, path: str) -> bool:
        """An existing, not excluded directory."""
        relative = clean(path)
        if relative is None:
            return False
        real = self._real(relative)
        return real is not None and os.path.isdir(real) and self._sent(relative)

    def is_file(self, path: str) -> bool:
        """An existing, not excluded regular file."""
        relative = clean(path)
        if relative is None:
            return False
        real = self._real(relative)
        return real is not None and os.path.isfile(real) and self._sent(relative)

    def glob(self, pattern: str, under: str = ".") -> list[str]:
        """Context-relative paths matching ``pattern`` (relative to ``under``; ``*``, ``?``,
        ``[...]``, ``{a,b}``, ``**`` for any number of directories), not excluded, sorted."""
        found: set[str] = set()
        budget = [MAX_ENTRIES]
        base = clean(under)
        for expanded in _expand_braces(pattern):
            full = _join(base, expanded) if base is not None else None
            if full is not None:
                self._glob(".", () if full == "." else tuple(full.split("/")), found, budget)
        return sorted(p for p in found if p != "." and self.exists(p))

    def _glob(self, base: str, segments: tuple[str, ...], found: set[str], budget: list[int]) -> None:
        if budget[0] < 0:
            return
        if not segments:
            if self._real(base) is not None:
                found.add(base)
            return
        segment, rest = segments[0], segments[1:]
        if segment == "**":
            self._glob(base, rest, found, budget)
            for name, is_dir in self._children(base, budget):
                if is_dir:
                    self._glob(_child(base, name), segments, found, budget)
                elif not rest:
                    found.add(_child(base, name))
            return
        if not _magic(segment):
            child = _child(base, segment)
            if self._real(child) is not None:
                self._glob(child, rest, found, budget)
            return
        regexp = _segment_regexp(segment)
        for name, _ in self._children(base, budget):
            if regexp.fullmatch(name):
                self._glob(_child(base, name), rest, found, budget)

    def _children(self, relative: str, budget: list[int]) -> tuple[tuple[str, bool], ...]:
        real = self._real(relative)
        if real is None or not os.path.isdir(real):
            return ()
        entries = _listing(real)
        budget[0] -= len(entries)
        return entries if budget[0] >= 0 else ()

    def read_text(self, path: str, limit: int = MAX_BYTES) -> str | None:
        """The text of a context file; None when absent, excluded, over ``limit`` (or
        ``MAX_BYTES``), or binary (a NUL byte)."""
        relative = clean(path)
        if relative is None:
            return None
        real = self._real(relative)
        if real is None or not os.path.isfile(real) or not self._sent(relative):
            return None
        data = _read_bytes(real, min(limit, MAX_BYTES))
        if data is None or len(data) > min(limit, MAX_BYTES) or b"\0" in data:
            return None
        return data.decode("utf-8", "replace").removeprefix("\ufeff")


def _child(base: str, name: str) -> str:
    return name if base == "." else f"{base}/{name}"


@lru_cache(maxsize=4096)
def _sent_below(root: str, ignore_file: str, relative: str) -> bool:
    """Whether anything below the excluded directory ``relative`` is re-included (looking at
    no more than ``MAX_ENTRIES`` entries; links are not followed)."""
    matcher = _matcher(ignore_file)
    budget = MAX_ENTRIES
    pending = [relative]
    while pending:
        directory = pending.pop()
        for name, is_dir in _listing(os.path.join(root, directory)):
            budget -= 1
            if budget < 0:
                return False
            child = _child(directory, name)
            if not matcher.excluded(child):
                return True
            if is_dir:
                pending.append(child)
    return False


def clear_caches() -> None:
    """Forget the listings, reads and matchers kept in this process (files changed on disk)."""
    for cached in (_listing, _read_bytes, _matcher, _sent_below):
        cached.cache_clear()


# --- finding the context -------------------------------------------------------------------


def _repository_root(directory: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _shown(path: Path, base: Path) -> str:
    return os.path.relpath(path, base).replace(os.sep, "/")


def resolve(
    dockerfile: Path, explicit: str | None = None, sources: Sequence[str] | None = None
) -> tuple[BuildContext | None, str]:
    """The build context of ``dockerfile``, and a one-line note of how it was found (or why
    there is none). In order: ``explicit`` (``--context DIR``; "none" means no context); a
    compose or bake file in the Dockerfile's directory or above it, up to the repository root,
    whose service or target builds this Dockerfile; else the Dockerfile's directory, only when
    every literal COPY/ADD source (``sources``; ones with ``$`` and URLs are skipped) is
    there and not excluded."""
    real = Path(os.path.realpath(dockerfile))
    directory = real.parent
    if explicit is not None:
        if explicit.strip().lower() == "none":
            return None, "no build context (--context none): acting only on what the Dockerfile guarantees"
        root = Path(explicit)
        if not root.is_dir():
            return None, f"--context {explicit}: not a directory"
        context = BuildContext.at(root, real, f"--context {explicit}")
        return context, f"build context {explicit} (--context)"
    found = _from_build_files(real)
    if found is not None:
        context, others = found
        extra = f" (also built by {', '.join(others)})" if others else ""
        return context, f"build context {_shown(context.root, directory) or '.'} from {context.source}{extra}"
    if sources is None:
        return None, "no compose or bake file builds this Dockerfile, and its COPY sources were not checked"
    context = BuildContext.at(directory, real, "the Dockerfile's directory")
    missing = [s for s in _literal(sources) if not _source_present(context, s)]
    if missing:
        return None, (
            "no compose or bake file builds this Dockerfile and its directory lacks "
            + ", ".join(missing[:3])
            + (" ..." if len(missing) > 3 else "")
            + ": the build context is unknown"
        )
    return context, "build context is the Dockerfile's directory (every COPY/ADD source is there)"


def _literal(sources: Iterable[str]) -> list[str]:
    return [s for s in sources if s and "$" not in s and not _URL.match(s) and not s.startswith("<<")]


def _source_present(context: BuildContext, source: str) -> bool:
    relative = clean(source)
    if relative is None:
        return False
    if _magic(relative):
        return bool(context.glob(relative))
    return context.exists(relative)


def _from_build_files(dockerfile: Path) -> tuple[BuildContext, list[str]] | None:
    directory = dockerfile.parent
    top = _repository_root(directory) or directory
    for folder in (directory, *directory.parents):
        builds = _compose_builds(folder) + _bake_builds(folder)
        matches = [b for b in builds if b.dockerfile == dockerfile]
        if matches:
            first = matches[0]
            source = f"{_shown(first.file, directory)} ({first.kind} {first.name})"
            others = [f"{b.kind} {b.name}" for b in matches[1:]]
            return BuildContext.at(first.root, dockerfile, source, first.target, first.args, first.commands), others
        if folder == top:
            break
    return None


@dataclass(frozen=True)
class _Build:
    """One service or target of a compose or bake file, with its paths resolved."""

    file: Path
    kind: str
    name: str
    root: Path
    dockerfile: Path
    target: str | None
    args: Mapping[str, str] = field(default_factory=dict, hash=False)
    commands: tuple[str, ...] = ()


def _build(file: Path, kind: str, name: str, spec: Mapping[str, Any]) -> _Build | None:
    context = spec.get("context", ".")
    dockerfile = spec.get("dockerfile", "Dockerfile")
    if not isinstance(context, str) or not isinstance(dockerfile, str) or "$" in context + dockerfile:
        return None
    if _URL.match(context) or context.startswith(("docker-image://", "target:")):
        return None
    root = Path(os.path.realpath(file.parent / context))
    target = spec.get("target")
    commands = spec.get("_commands", ())
    return _Build(
        file, kind, name, root, Path(os.path.realpath(root / dockerfile)),
        target if isinstance(target, str) and "$" not in target else None, _args(spec.get("args")),
        tuple(commands) if isinstance(commands, tuple) else (),
    )


def _args(value: object) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v is not None and "$" not in str(v)}
    if isinstance(value, list):
        pairs = [str(item).split("=", 1) for item in value if "=" in str(item)]
        return {k: v for k, v in pairs if "$" not in v}
    return {}


def _compose_builds(folder: Path) -> list[_Build]:
    primary = next((folder / n for n in COMPOSE_FILES if (folder / n).is_file()), None)
    if primary is None:
        return []
    services: dict[str, dict[str, Any]] = {}
    override = primary.with_name(primary.stem + ".override" + primary.suffix)
    for file in (primary, override):
        data = _read_bytes(str(file), MAX_BYTES)
        if data is None or b"\0" in data:
            continue
        document = parse_yaml(data.decode("utf-8", "replace"))
        declared = document.get("services") if isinstance(document, dict) else None
        for name, service in declared.items() if isinstance(declared, dict) else ():
            build = service.get("build") if isinstance(service, dict) else None
            if isinstance(build, str):
                build = {"context": build}
            if isinstance(build, dict):
                merged = services.setdefault(str(name), {})
                args = {**_args(merged.get("args")), **_args(build.get("args"))}
                merged.update(build)
                merged["args"] = args
            if isinstance(service, dict) and str(name) in services:
                # what the service runs the image with (an override file's replaces the other's)
                written = {**dict(services[str(name)].get("_run", {})), **{k: service[k] for k in ("command", "entrypoint") if k in service}}
                services[str(name)]["_run"] = written
                services[str(name)]["_commands"] = tuple(
                    " ".join(str(w) for w in v) if isinstance(v, list) else str(v) for v in written.values() if v is not None
                )
    builds = (_build(primary, "service", name, spec) for name, spec in services.items())
    return [b for b in builds if b is not None]


def _bake_builds(folder: Path) -> list[_Build]:
    targets: dict[str, dict[str, Any]] = {}
    origin: dict[str, Path] = {}
    for name in BAKE_FILES:
        file = folder / name
        data = _read_bytes(str(file), MAX_BYTES) if file.is_file() else None
        if data is None or b"\0" in data:
            continue
        text = data.decode("utf-8", "replace")
        declared = _bake_json(text) if name.endswith(".json") else parse_hcl_targets(text)
        for target, spec in declared.items():
            origin.setdefault(target, file)
            merged = targets.setdefault(target, {})
            args = {**_args(merged.get("args")), **_args(spec.get("args"))}
            merged.update(spec)
            merged["args"] = args
    builds = (_build(origin[name], "target", name, _inherited(targets, name, 0)) for name in targets)
    return [b for b in builds if b is not None]


def _inherited(targets: Mapping[str, Mapping[str, Any]], name: str, depth: int) -> dict[str, Any]:
    spec = targets.get(name, {})
    merged: dict[str, Any] = {}
    parents = spec.get("inherits")
    for parent in parents if isinstance(parents, list) and depth < MAX_DEPTH else ():
        base = _inherited(targets, str(parent), depth + 1)
        args = {**_args(merged.get("args")), **_args(base.get("args"))}
        merged.update(base)
        merged["args"] = args
    args = {**_args(merged.get("args")), **_args(spec.get("args"))}
    merged.update(spec)
    merged["args"] = args
    return merged


def _bake_json(text: str) -> dict[str, dict[str, Any]]:
    try:
        document = json.loads(text)
    except ValueError:
        return {}
    declared = document.get("target") if isinstance(document, dict) else None
    if not isinstance(declared, dict):
        return {}
    return {str(k): v for k, v in declared.items() if isinstance(v, dict)}


# --- small readers: HCL (bake targets), YAML (block style), TOML (fallback) ----------------

_HCL_TARGET = re.compile(r'^[ \t]*target[ \t]+"(?P<name>[^"]+)"[ \t]*\{', re.MULTILINE)
_HCL_KEY = re.compile(r'\s*(?:"(?P<quoted>[^"]+)"|(?P<key>[A-Za-z_][\w-]*))\s*[=:]\s*')


def _hcl_skip(text: str, i: int) -> int:
    """Past white space, commas and comments (``#``, ``//``, ``/* */``)."""
    while i < len(text):
        if text[i] in " \t\r\n,":
            i += 1
        elif text.startswith(("#", "//"), i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
        else:
            break
    return i


def _hcl_value(text: str, i: int) -> tuple[object, int]:
    """One value at ``text[i]``: a string, a list, an object, or a bare word (kept as text)."""
    i = _hcl_skip(text, i)
    if i >= len(text):
        return None, i
    if text[i] == '"':
        out, i = "", i + 1
        while i < len(text) and text[i] != '"':
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            out += text[i]
            i += 1
        return out, i + 1
    if text[i] == "[":
        items: list[object] = []
        i += 1
        while True:
            i = _hcl_skip(text, i)
            if i >= len(text) or text[i] == "]":
                return items, i + 1
            item, i = _hcl_value(text, i)
            items.append(item)
    if text[i] == "{":
        return _hcl_object(text, i + 1)
    match = re.compile(r"[^\s,\]}]+").match(text, i)
    return (match.group(0), match.end()) if match else (None, i + 1)


def _hcl_object(text: str, i: int) -> tuple[dict[str, object], int]:
    """The attributes of a body that starts after ``{``, up to its ``}``."""
    out: dict[str, object] = {}
    while True:
        i = _hcl_skip(text, i)
        if i >= len(text) or text[i] == "}":
            return out, i + 1
        match = _HCL_KEY.match(text, i)
        if match is None:
            block = re.compile(r"[^{}\n]*\{").match(text, i)
            if block is None:
                i = text.find("\n", i) + 1 or len(text)
                continue
            _, i = _hcl_object(text, block.end())
            continue
        value, i = _hcl_value(text, match.end())
        out[match.group("quoted") or match.group("key")] = value


def parse_hcl_targets(text: str) -> dict[str, dict[str, Any]]:
    """The ``target "name" { ... }`` blocks of a bake file, with their attributes."""
    targets: dict[str, dict[str, Any]] = {}
    for match in _HCL_TARGET.finditer(text):
        body, _ = _hcl_object(text, match.end())
        targets.setdefault(match.group("name"), {}).update(body)
    return targets


@dataclass(frozen=True)
class _Line:
    indent: int
    text: str
    number: int


def _strip_comment(text: str) -> str:
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and (i == 0 or text[i - 1] in " \t[{,:"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _scalar(text: str) -> object:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        body = text[1:-1]
        return body.replace("''", "'") if text[0] == "'" else body.replace('\\"', '"').replace("\\\\", "\\")
    if text in ("null", "~", ""):
        return None
    return text


def _flow_split(body: str) -> list[str]:
    parts, depth, quote, current = [], 0, "", ""
    for ch in body:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += ch
    if current.strip():
        parts.append(current)
    return parts


def _flow(text: str) -> object:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [_flow(part) for part in _flow_split(text[1:-1])]
    if text.startswith("{") and text.endswith("}"):
        out: dict[str, object] = {}
        for part in _flow_split(text[1:-1]):
            key, _, value = part.partition(":")
            out[str(_scalar(key))] = _flow(value)
        return out
    return _scalar(text)


_YAML_KEY = re.compile(r"""^(?P<key>"[^"]*"|'[^']*'|[^\s#'"\-?:][^:]*?|-[^\s:][^:]*?)[ \t]*:(?:[ \t]+(?P<value>.*)|$)""")


class _Yaml:
    """Block-style YAML as compose and pnpm files are written: mappings, sequences, scalars,
    one-line flow collections, anchors, aliases and ``<<`` merges; block scalars are text."""

    def __init__(self, text: str) -> None:
        self.raw = text.replace("\r\n", "\n").split("\n")
        self.lines: list[_Line] = []
        for number, raw in enumerate(self.raw):
            stripped = raw.lstrip(" ")
            if not stripped.strip() or stripped.startswith("#") or stripped.rstrip() in ("---", "..."):
                continue
            self.lines.append(_Line(len(raw) - len(stripped), _strip_comment(stripped), number))
        self.anchors: dict[str, object] = {}
        self.i = 0

    def document(self) -> object:
        if not self.lines:
            return None
        return self.block(self.lines[0].indent)

    def block(self, indent: int) -> object:
        line = self.lines[self.i]
        if line.text == "-" or line.text.startswith("- "):
            return self.sequence(indent)
        if _YAML_KEY.match(line.text):
            return self.mapping(indent)
        self.i += 1
        return _flow(line.text)

    def sequence(self, indent: int) -> list[object]:
        items: list[object] = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.indent != indent or not (line.text == "-" or line.text.startswith("- ")):
                break
            rest = line.text[1:].lstrip(" ")
            if not rest:
                self.i += 1
                items.append(self.nested(indent))
                continue
            offset = indent + len(line.text) - len(rest)
            if _YAML_KEY.match(rest) or rest.startswith("- "):
                self.lines[self.i] = _Line(offset, rest, line.number)
                items.append(self.block(offset))
            else:
                self.i += 1
                items.append(self.value(rest, indent))
        return items

    def mapping(self, indent: int) -> dict[str, object]:
        out: dict[str, object] = {}
        merges: list[object] = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            match = _YAML_KEY.match(line.text)
            if line.indent != indent or match is None:
                break
            self.i += 1
            key = str(_scalar(match.group("key")))
            text = (match.group("value") or "").strip()
            if text:
                value = self.value(text, indent)
            elif self.i < len(self.lines) and self.lines[self.i].indent == indent and self.lines[self.i].text.startswith("- "):
                value = self.sequence(indent)
            else:
                value = self.nested(indent)
            if key == "<<":
                merges.extend(value if isinstance(value, list) else [value])
            else:
                out[key] = value
        for merged in merges:
            for k, v in merged.items() if isinstance(merged, dict) else ():
                out.setdefault(k, v)
        return out

    def nested(self, indent: int) -> object:
        if self.i < len(self.lines) and self.lines[self.i].indent > indent:
            return self.block(self.lines[self.i].indent)
        return None

    def value(self, text: str, indent: int) -> object:
        anchor = None
        if text.startswith("&"):
            anchor, _, text = text.partition(" ")
            anchor = anchor[1:]
            text = text.strip()
        if not text:
            value = self.nested(indent)
        elif text.startswith("*"):
            value = self.anchors.get(text[1:].strip())
        elif text[0] in "|>":
            start = self.lines[self.i - 1].number + 1
            while self.i < len(self.lines) and self.lines[self.i].indent > indent:
                self.i += 1
            end = self.lines[self.i].number if self.i < len(self.lines) else len(self.raw)
            body = [raw.strip() for raw in self.raw[start:end]]
            value = ("\n" if text[0] == "|" else " ").join(body).strip()
        else:
            value = _flow(text)
        if anchor:
            self.anchors[anchor] = value
        return value


def parse_yaml(text: str) -> Any:
    """A block-style YAML document as dicts, lists and strings (None when empty)."""
    try:
        return _Yaml(text).document()
    except (IndexError, ValueError, RecursionError):
        return None


def _tiny_toml(text: str) -> dict[str, Any]:
    """Tables, and their string and string-array values: enough for Cargo workspaces when
    neither ``tomllib`` nor ``tomli`` is there."""
    out: dict[str, Any] = {}
    table = out
    lines = iter(text.replace("\r\n", "\n").split("\n"))
    for line in lines:
        line = _strip_comment(line.strip())
        header = re.fullmatch(r"\[([^\[\]]+)\]", line)
        if header:
            table = out
            for part in header.group(1).split("."):
                table = table.setdefault(part.strip().strip('"'), {})
            continue
        key, sep, value = line.partition("=")
        if not sep:
            continue
        value = value.strip()
        while value.startswith("[") and value.count("[") > value.count("]"):
            more = next(lines, None)
            if more is None:
                break
            value += " " + _strip_comment(more.strip())
        table[key.strip().strip('"')] = _flow(value)
    return out


def _toml_loader() -> Callable[[str], dict[str, Any]]:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib.loads
    try:
        import tomli  # type: ignore[import-not-found]

        loads: Callable[[str], dict[str, Any]] = tomli.loads
        return loads
    except ImportError:
        return _tiny_toml


_toml_loads = _toml_loader()


def _toml(ctx: BuildContext, path: str) -> dict[str, Any]:
    text = ctx.read_text(path)
    if text is None:
        return {}
    try:
        return _toml_loads(text)
    except ValueError:
        return {}


def _json(ctx: BuildContext, path: str) -> Any:
    text = ctx.read_text(path)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _xml(ctx: BuildContext, path: str) -> ElementTree.Element | None:
    text = ctx.read_text(path)
    if text is None or "<!DOCTYPE" in text or "<!ENTITY" in text:
        return None
    try:
        return ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- ecosystem readers ---------------------------------------------------------------------


def _members(ctx: BuildContext, base: str, patterns: Iterable[object], manifest: str) -> list[str]:
    """Directories matched by workspace globs (``!`` ones take away) that hold ``manifest``."""
    chosen: set[str] = set()
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip():
            continue
        negated = pattern.startswith("!")
        matched = {
            p for p in ctx.glob(pattern.lstrip("!").rstrip("/"), under=base)
            if "node_modules" not in p.split("/") and ctx.is_file(_child(p, manifest))
        }
        chosen = chosen - matched if negated else chosen | matched
    chosen.discard(clean(base) or ".")
    return sorted(chosen)


def node_workspaces(ctx: BuildContext, package_dir: str = ".") -> list[str]:
    """Member directories (holding a package.json) of the npm/yarn ``workspaces`` (a list or
    ``{"packages": [...]}``) and of pnpm-workspace.yaml ``packages:``."""
    patterns: list[object] = []
    manifest = _json(ctx, _child(package_dir, "package.json"))
    declared = manifest.get("workspaces") if isinstance(manifest, dict) else None
    if isinstance(declared, dict):
        declared = declared.get("packages")
    if isinstance(declared, list):
        patterns.extend(declared)
    pnpm = ctx.read_text(_child(package_dir, "pnpm-workspace.yaml"))
    document = parse_yaml(pnpm) if pnpm is not None else None
    if isinstance(document, dict) and isinstance(document.get("packages"), list):
        patterns.extend(document["packages"])
    return _members(ctx, package_dir, patterns, "package.json")


def npm_lifecycle_scripts(ctx: BuildContext, package_dir: str = ".") -> dict[str, str]:
    """The scripts ``npm install`` runs for the package (and ``node-gyp rebuild``, which npm
    runs as ``install`` for a package with binding.gyp and no install script)."""
    manifest = _json(ctx, _child(package_dir, "package.json"))
    if not isinstance(manifest, dict):
        return {}
    scripts = manifest.get("scripts")
    scripts = scripts if isinstance(scripts, dict) else {}
    found = {name: str(scripts[name]) for name in NPM_LIFECYCLE if isinstance(scripts.get(name), str)}
    gyp, event, command = NPM_GYP_DEFAULT
    if "install" not in found and "preinstall" not in found and ctx.is_file(_child(package_dir, gyp)):
        found[event] = command
    return found


def _requirement_lines(text: str) -> list[str]:
    joined = re.sub(r"\\\r?\n", "", text)
    return [re.sub(r"(^|\s)#.*$", "", line).strip() for line in joined.splitlines()]


def _option(line: str, names: Sequence[str]) -> str | None:
    """The value of one of the options ``names`` on a requirements line."""
    for name in names:
        if line.startswith(name + "=") and name.startswith("--"):
            return line[len(name) + 1:].strip()
        if line.startswith(name) and (len(line) > len(name) and line[len(name)] in " \t"):
            return line[len(name):].strip()
        if not name.startswith("--") and line.startswith(name) and len(line) > len(name) and line[len(name)] != "-":
            return line[len(name):].strip()
    return None


def _requirement_tree(ctx: BuildContext, file: str) -> list[tuple[str, str]]:
    """(file, line) for every line of ``file`` and the files it includes, depth first."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def visit(path: str, depth: int) -> None:
        if path in seen or depth > MAX_DEPTH:
            return
        seen.add(path)
        text = ctx.read_text(path)
        for line in _requirement_lines(text or ""):
            out.append((path, line))
            value = _option(line, PIP_INCLUDE_OPTIONS)
            if value and not _URL.match(value):
                included = _join(posixpath.dirname(path), value)
                if included is not None:
                    visit(included, depth + 1)

    start = clean(file)
    if start is not None:
        visit(start, 0)
    return out


def requirement_includes(ctx: BuildContext, file: str) -> list[str]:
    """Files ``-r``/``-c`` (``--requirement``, ``--constraint``) include, recursively, each
    relative to the file that names it; context-relative, in the order they are met."""
    found: list[str] = []
    for path, line in _requirement_tree(ctx, file):
        value = _option(line, PIP_INCLUDE_OPTIONS)
        if value and not _URL.match(value):
            included = _join(posixpath.dirname(path), value)
            if included is not None and included not in found:
                found.append(included)
    return found


def requirement_local_paths(ctx: BuildContext, file: str) -> list[str]:
    """Local directories and files the requirements (and their includes) install from:
    ``-e .``, ``./pkg``, ``file:...``, ``name @ file:...``, ``--find-links ./wheels``. pip
    reads them relative to where it runs; taken here as the directory of ``file``."""
    start = clean(file)
    if start is None:
        return []
    base = posixpath.dirname(start)
    found: list[str] = []
    for _, line in _requirement_tree(ctx, file):
        value = _option(line, PIP_PATH_OPTIONS)
        if value is None and re.match(r"^-", line):
            continue
        target = value if value is not None else line
        target = re.sub(r"^[A-Za-z0-9._\-\[\], ]+@\s*", "", target) if " @ " in target or "@ file:" in target else target
        target = target.split(";")[0].strip().split(" ")[0]
        if target.startswith("file:"):
            target = re.sub(r"^file:(//)?", "", target)
            if target.startswith("/"):
                continue
        elif not (target in (".", "..") or target.startswith(("./", "../"))):
            continue
        target = re.sub(r"\[[^\]]*\]$", "", target.split("#")[0])
        local = _join(base, target)
        if local is not None and local not in found:
            found.append(local)
    return found


def cargo_members(ctx: BuildContext, crate_dir: str = ".") -> list[str]:
    """Directories (holding Cargo.toml) of the ``[workspace]`` ``members`` globs, less ``exclude``."""
    workspace = _toml(ctx, _child(crate_dir, "Cargo.toml")).get("workspace")
    if not isinstance(workspace, dict):
        return []
    members = workspace.get("members")
    excluded = workspace.get("exclude")
    patterns: list[object] = list(members) if isinstance(members, list) else []
    patterns += ["!" + str(p) for p in excluded] if isinstance(excluded, list) else []
    return _members(ctx, crate_dir, patterns, "Cargo.toml")


_GO_REPLACE = re.compile(r"=>\s*(?P<path>\S+)")


def go_local_replaces(ctx: BuildContext, module_dir: str = ".") -> list[str]:
    """Directories that go.mod's ``replace ... => ./path`` directives point at (context-relative)."""
    text = ctx.read_text(_child(module_dir, "go.mod"))
    if text is None:
        return []
    found: list[str] = []
    in_block = False
    for raw in text.splitlines():
        line = raw.split("//")[0].strip()
        if re.match(r"^replace\s*\($", line):
            in_block = True
            continue
        if in_block and line == ")":
            in_block = False
            continue
        if not (in_block or line.startswith("replace ")):
            continue
        match = _GO_REPLACE.search(line)
        if match and match.group("path").startswith(("./", "../")):
            local = _join(module_dir, match.group("path"))
            if local is not None and local not in found:
                found.append(local)
    return found


def go_has_vendor(ctx: BuildContext, module_dir: str = ".") -> bool:
    """Whether the module's vendor directory (with its ``modules.txt``) reaches the build."""
    return ctx.is_file(_child(module_dir, "vendor/modules.txt"))


def maven_modules(ctx: BuildContext, project_dir: str = ".") -> list[str]:
    """Directories (holding pom.xml) of ``<modules><module>``, recursively, profiles included."""
    found: list[str] = []

    def visit(directory: str, pom: str, depth: int) -> None:
        root = _xml(ctx, _child(directory, pom))
        if root is None or depth > MAX_DEPTH:
            return
        for element in root.iter():
            text = (element.text or "").strip()
            if _local(element.tag) != "module" or not text:
                continue
            module = _join(directory, text)
            if module is None:
                continue
            module_dir, module_pom = module, "pom.xml"
            if module.endswith(".xml"):
                module_dir, module_pom = posixpath.dirname(module) or ".", posixpath.basename(module)
            if module_dir not in found and ctx.is_file(_child(module_dir, module_pom)):
                found.append(module_dir)
                visit(module_dir, module_pom, depth + 1)

    visit(clean(project_dir) or ".", "pom.xml", 0)
    return found


def maven_module_dependency(ctx: BuildContext, modules: list[str]) -> tuple[str, str] | None:
    """A module of a multi-module build that depends on another module of it (``(module,
    other)``): a build run from the poms alone cannot resolve that one, which is not built yet."""
    artifacts: dict[str, str] = {}
    needs: dict[str, set[str]] = {}
    for module in modules:
        root = _xml(ctx, _child(module, "pom.xml"))
        if root is None:
            continue
        wanted: set[str] = set()
        for child in root:
            name = _local(child.tag)
            if name == "artifactId" and child.text:
                artifacts[child.text.strip()] = module
            elif name in ("dependencies", "dependencyManagement", "build", "profiles"):
                for element in child.iter():
                    if _local(element.tag) == "dependency":
                        for part in element:
                            if _local(part.tag) == "artifactId" and part.text:
                                wanted.add(part.text.strip())
        needs[module] = wanted
    for module, wanted in needs.items():
        for artifact in sorted(wanted):
            other = artifacts.get(artifact)
            if other is not None and other != module:
                return module, other
    return None


_GRADLE_INCLUDE = re.compile(r"^\s*include\s*(?:\((?P<call>[^)]*)\)|(?P<args>[^\n(]*))", re.M)


def gradle_projects(ctx: BuildContext, project_dir: str = ".") -> tuple[list[str], list[str], bool]:
    """A Gradle build's subprojects' directories (``include 'app', ':lib:core'`` in
    settings.gradle(.kts), the ones holding a build file), the builds it includes (``includeBuild``,
    ``buildSrc``: build logic, copied whole) and whether the settings move a project's directory
    (``projectDir``), which this reader does not follow."""
    text = ctx.read_text(_child(project_dir, "settings.gradle")) or ctx.read_text(_child(project_dir, "settings.gradle.kts")) or ""
    text = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
    projects: list[str] = []
    for match in _GRADLE_INCLUDE.finditer(text):
        for name in re.findall(r"[\"']([^\"']+)[\"']", match.group("call") or match.group("args") or ""):
            relative = name.strip(":").replace(":", "/")
            directory = _join(project_dir, relative) if relative else None
            if directory is None or directory in projects:
                continue
            if ctx.is_file(_child(directory, "build.gradle")) or ctx.is_file(_child(directory, "build.gradle.kts")):
                projects.append(directory)
    builds: list[str] = []
    for match in re.finditer(r"includeBuild\s*\(?\s*[\"']([^\"']+)[\"']", text):
        directory = _join(project_dir, match.group(1))
        if directory is not None and directory not in builds and ctx.is_dir(directory):
            builds.append(directory)
    build_src = _child(project_dir, "buildSrc")
    if ctx.is_dir(build_src) and build_src not in builds:
        builds.append(build_src)
    return projects, builds, "projectDir" in text


_SLN_PROJECT = re.compile(r'^Project\("[^"]*"\)\s*=\s*"[^"]*",\s*"(?P<path>[^"]+\.(?:cs|fs|vb)proj)"', re.M)


def dotnet_solution_projects(ctx: BuildContext, solution: str) -> list[str]:
    """The project files a solution lists (``Project("{...}") = "Api", "src\\Api\\Api.csproj"``),
    context-relative, existing ones only."""
    text = ctx.read_text(solution)
    if text is None:
        return []
    found: list[str] = []
    base = posixpath.dirname(solution) or "."
    for match in _SLN_PROJECT.finditer(text):
        path = _join(base, match.group("path").replace("\\", "/"))
        if path is not None and path not in found and ctx.is_file(path):
            found.append(path)
    return found


def dotnet_project_references(ctx: BuildContext, project: str) -> list[str]:
    """Project files ``<ProjectReference Include="..\\lib\\lib.csproj">`` names, recursively,
    each relative to the project naming it; context-relative, existing ones only."""
    found: list[str] = []

    def visit(path: str, depth: int) -> None:
        root = _xml(ctx, path)
        if root is None or depth > MAX_DEPTH:
            return
        for element in root.iter():
            include = element.get("Include")
            if _local(element.tag) != "ProjectReference" or not include or "$(" in include:
                continue
            for part in include.split(";"):
                reference = _join(posixpath.dirname(path), part.strip().replace("\\", "/"))
                if reference is not None and reference not in found and ctx.is_file(reference):
                    found.append(reference)
                    visit(reference, depth + 1)

    start = clean(project)
    if start is not None:
        visit(start, 0)
    return found


def composer_scripts(ctx: BuildContext, project_dir: str = ".") -> dict[str, str]:
    """The composer.json scripts ``composer install`` (and its autoload dump) runs; a list of
    commands is joined with `` && ``."""
    manifest = _json(ctx, _child(project_dir, "composer.json"))
    scripts = manifest.get("scripts") if isinstance(manifest, dict) else None
    if not isinstance(scripts, dict):
        return {}
    found: dict[str, str] = {}
    for event in COMPOSER_INSTALL_EVENTS:
        value = scripts.get(event)
        if isinstance(value, str):
            found[event] = value
        elif isinstance(value, list) and value:
            found[event] = " && ".join(str(v) for v in value)
    return found


def missing_ignores(ctx: BuildContext, entries: Sequence[str] = tuple(PRODUCED_BY)) -> list[str]:
    """Which of ``entries`` (``node_modules``, ``.venv``, ``vendor``, ``target``, ``.git``) are
    at the context root, or would be produced there by a manifest it holds (``PRODUCED_BY``),
    and are not excluded by ``.dockerignore``."""
    missing = []
    for entry in entries:
        relative = clean(entry)
        if relative is None or ctx.excluded(relative):
            continue
        present = ctx._real(relative) is not None
        produced = any(ctx.is_file(m) for m in PRODUCED_BY.get(entry, ()))
        if present or produced:
            missing.append(entry)
    return missing
