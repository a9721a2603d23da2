"""``msb-refactor verify``: prove a refactoring by building the original and the refactored image.

Both images are built with a container engine (docker, podman or buildah), tagged
``localhost/msb-verify-<id>:original`` and ``:refactored`` (never pushed), and compared:

- configuration: Entrypoint, Cmd, WorkingDir, User, ExposedPorts, Env, Labels, Volumes,
  StopSignal, Healthcheck. Only the Env keys the Dockerfiles set (ENV in the stages the image is
  built from) must be equal; keys that come from the base image are reported apart.
- files: both root filesystems, path by path (kind, mode, owner, content hash or link target).
  Package caches and logs (``CACHE_AREAS``, the same in users' homes, ``*.pyc``) are left out; paths the refactored image
  no longer has under them are reported apart (a `review` change may remove caches on purpose).
  When the refactored image's stage starts from another base image than the original's (a
  split into a builder and a slim runtime stage), the files cannot be the same and are not
  compared: the proof is the configuration and the behaviour, so ``--smoke`` or ``--probe`` is
  required for a SAME verdict (without one: inconclusive), and both sizes are reported. Labels
  then follow Env: only the keys the Dockerfiles set must be equal.
- behaviour: ``--smoke`` runs a command in both (no network) and compares the exit status and
  the output; ``--probe PORT[/PATH]`` starts the image's own command and compares what the port
  answers (HTTP status and body with a path, the first bytes of a TCP connection without one).
  A command still running at the time limit in both images proves nothing: inconclusive.

Exit status: 0 the same configuration, files and behaviour (as far as checked); 1 they differ
(a refactored image that does not build is a difference too, shown with its build log); 2 the
original could not be built (nothing is proved) or the input is wrong; 3 inconclusive (also: a
refactored image on another base image whose behaviour was not checked).

The images and containers made here are removed at the end (``--keep`` keeps the images); the
engine's layer cache is the engine's, as for any build, and nothing else is ever removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Mapping, Sequence

import click

ENGINES = ("docker", "podman", "buildah")
#: Configuration fields compared (names as in the Docker image config).
CONFIG_FIELDS = (
    "Entrypoint", "Cmd", "WorkingDir", "User", "ExposedPorts", "Env", "Labels", "Volumes", "StopSignal", "Healthcheck",
)
#: Package caches and logs: their files are not compared (builds write them differently).
CACHE_AREAS = (
    "/var/lib/apt/lists", "/var/cache", "/root/.cache", "/root/.npm", "/tmp", "/var/log",
    # package managers' download caches: a refactoring may fill or empty them on purpose
    "/root/.composer/cache", "/root/.cargo/registry", "/root/.cargo/git", "/usr/local/cargo/registry",
    "/usr/local/cargo/git", "/root/.m2/repository", "/root/.gradle/caches", "/usr/local/share/.cache",
    "/root/.yarn/berry/cache", "/root/.local/share/pnpm", "/go/pkg/mod", "/root/go/pkg/mod",
)
#: Lines of a failing build's log shown.
LOG_TAIL = 20
#: Differences listed by name in the text report (all of them are in the JSON report).
SHOWN = 12

EXIT_SAME, EXIT_DIFFERENT, EXIT_UNPROVEN, EXIT_INCONCLUSIVE = 0, 1, 2, 3
#: Why the files are not compared when the final image starts from another base image.
SPLIT_FILES_NOTE = "the final image starts from another base image: files are not compared; the proof is the behaviour and the configuration"


class VerifyError(Exception):
    """Wrong input or an engine that cannot be used: exit 2, with this message."""


# --- running programs ---------------------------------------------------------------------------


@dataclass
class Completed:
    argv: list[str]
    returncode: int | None
    stdout: bytes = b""
    stderr: bytes = b""
    seconds: float = 0.0
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace")


class Process:
    """A program started in the background (a server under ``--probe`` with buildah)."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self._popen = popen

    def poll(self) -> int | None:
        return self._popen.poll()

    def stop(self) -> tuple[int | None, bytes]:
        if self._popen.poll() is None:
            _kill_group(self._popen)
        out, _ = self._popen.communicate()
        return self._popen.returncode, out or b""


class Runner:
    """Runs the engine's commands. Tests replace it with one that records the argv."""

    def run(self, argv: Sequence[str], *, timeout: float | None = None, on_line: Callable[[str], None] | None = None) -> Completed:
        start = time.monotonic()
        if on_line is not None:
            proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            assert proc.stdout is not None
            chunks = []
            for raw in proc.stdout:
                chunks.append(raw)
                on_line(raw.decode("utf-8", "replace").rstrip("\n"))
            proc.wait()
            return Completed(list(argv), proc.returncode, b"".join(chunks), b"", time.monotonic() - start)
        proc = subprocess.Popen(
            list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, err = proc.communicate()
            return Completed(list(argv), None, out, err, time.monotonic() - start, timed_out=True)
        return Completed(list(argv), proc.returncode, out, err, time.monotonic() - start)

    @contextmanager
    def stream(self, argv: Sequence[str]) -> Iterator[IO[bytes]]:
        """The standard output of a program, read as it is written (an exported file system)."""
        proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert proc.stdout is not None
        try:
            yield proc.stdout
        finally:
            proc.stdout.read()
            proc.stdout.close()
            err = proc.stderr.read() if proc.stderr else b""
            if proc.wait() != 0:
                raise VerifyError(f"{shlex.join(argv)} failed: {err.decode('utf-8', 'replace').strip()}")

    def spawn(self, argv: Sequence[str]) -> Process:
        return Process(
            subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        )

    def which(self, program: str) -> str | None:
        return shutil.which(program)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


# --- engines ------------------------------------------------------------------------------------


def store_args(root: str) -> list[str]:
    """Global options that put podman's or buildah's images in the store ``root``, with a run
    directory of its own (a store must always be opened with the same one)."""
    root = os.path.realpath(root)
    digest = hashlib.sha256(root.encode()).hexdigest()[:16]
    run = f"/run/msb-verify/{digest}" if os.access("/run", os.W_OK) else root.rstrip("/") + ".run"
    return ["--root", root, "--runroot", run]


@dataclass
class Engine:
    """How one engine is called: the program with its global options, and the options every
    build and run gets."""

    name: str
    prefix: list[str]
    build_flags: list[str] = field(default_factory=list)
    run_flags: list[str] = field(default_factory=list)
    #: buildah run's isolation (buildah runs containers itself).
    isolation: str | None = None
    #: How buildah's chroot isolation runs without a network (empty: it cannot).
    unshare: list[str] = field(default_factory=list)

    def build(self, dockerfile: str, context: str, tag: str, *, build_args: Sequence[str] = (), target: str | None = None, platform: str | None = None) -> list[str]:
        argv = [*self.prefix, "bud" if self.name == "buildah" else "build", *self.build_flags, "-f", dockerfile, "-t", tag]
        for pair in build_args:
            argv += ["--build-arg", pair]
        if target:
            argv += ["--target", target]
        if platform:
            argv += ["--platform", platform]
        return [*argv, context]

    def inspect(self, tag: str) -> list[str]:
        if self.name == "buildah":
            return [*self.prefix, "inspect", "--type", "image", tag]
        return [*self.prefix, "image", "inspect", tag]

    def remove_image(self, tag: str) -> list[str]:
        return [*self.prefix, "rmi", tag]

    def remove_container(self, name: str) -> list[str]:
        return [*self.prefix, "rm", name] if self.name == "buildah" else [*self.prefix, "rm", "-f", name]

    # docker and podman
    def run(self, tag: str, name: str, args: Sequence[str], *, network: str = "none", detach: bool = False, publish: str | None = None) -> list[str]:
        argv = [*self.prefix, "run", "--name", name, "--network", network, *self.run_flags]
        if detach:
            argv.append("-d")
        if publish:
            argv += ["-p", publish]
        return [*argv, tag, *args]

    def port(self, name: str, port: str) -> list[str]:
        return [*self.prefix, "port", name, port]

    def state(self, name: str) -> list[str]:
        return [*self.prefix, "container", "inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", name]

    def logs(self, name: str) -> list[str]:
        return [*self.prefix, "logs", name]

    def create(self, tag: str, name: str) -> list[str]:
        # The entrypoint is never run: `create` only needs one when the image has no command.
        return [*self.prefix, "create", "--name", name, "--entrypoint", "/msb-verify-never-run", tag]

    def export(self, name: str) -> list[str]:
        return [*self.prefix, "export", name]

    # buildah
    def from_image(self, tag: str, name: str) -> list[str]:
        return [*self.prefix, "from", "--pull=never", "--name", name, tag]

    def run_in(self, name: str, argv: Sequence[str], *, network: str = "none") -> list[str]:
        isolation = ["--isolation", self.isolation] if self.isolation else []
        if self.isolation != "chroot":
            return [*self.prefix, "run", *isolation, "--network", network, name, "--", *argv]
        # chroot isolation always shares the host's network: a network namespace of its own
        # (unshare --net: only a loopback that is down) is how it runs without one.
        wrapper = self.unshare if network == "none" else []
        return [*wrapper, *self.prefix, "run", *isolation, name, "--", *argv]

    def mount(self, name: str) -> list[str]:
        return [*self.prefix, "mount", name]

    def umount(self, name: str) -> list[str]:
        return [*self.prefix, "umount", name]


def make_engine(
    name: str,
    *,
    root: str | None = None,
    engine_args: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    nofile_hard: int | None = None,
    nproc_hard: int | None = None,
) -> Engine:
    """The engine's command lines. For podman and buildah the defaults this kind of host needs,
    each only when the user did not choose: chroot isolation for builds (BUILDAH_ISOLATION
    chooses otherwise), runc for podman's containers when it is installed (``--runtime``
    chooses otherwise), and ulimits no higher than the hard limits (podman asks for 1048576)."""
    env = os.environ if environ is None else environ
    if root is not None and name == "docker":
        raise VerifyError("--root is for podman and buildah (docker's store is the daemon's)")
    chosen = " ".join(engine_args)
    prefix = [name]
    if name == "podman" and "--runtime" not in chosen and which("runc"):
        prefix += ["--runtime", "runc"]
    if root is not None:
        prefix += store_args(root)[:2] if "--runroot" in chosen else store_args(root)
    engine = Engine(name, [*prefix, *engine_args])
    if name == "docker":
        return engine
    isolation = env.get("BUILDAH_ISOLATION")
    if not isolation:
        engine.build_flags += ["--isolation", "chroot"]
    engine.isolation = isolation or "chroot"
    if which("unshare"):
        engine.unshare = ["unshare", "--net"]
    engine.build_flags.append("--force-rm")  # a failed build leaves no working container
    if name == "buildah" and "BUILDAH_LAYERS" not in env:
        engine.build_flags.append("--layers")  # podman's default; the cache is what --touch measures
    if name == "podman":
        limits = {
            "nofile": nofile_hard if nofile_hard is not None else resource.getrlimit(resource.RLIMIT_NOFILE)[1],
            "nproc": nproc_hard if nproc_hard is not None else resource.getrlimit(resource.RLIMIT_NPROC)[1],
        }
        # podman asks for 1048576 of each, which a host without CAP_SYS_RESOURCE refuses; runc
        # refuses a process count close to the hard limit too: 4096 processes are plenty here.
        for key, hard in limits.items():
            if hard != resource.RLIM_INFINITY and hard < 1048576:
                value = min(hard, 4096) if key == "nproc" else hard
                engine.run_flags += ["--ulimit", f"{key}={value}:{value}"]
    return engine


def detect_engine(runner: Runner) -> str:
    """The first engine that answers: ``docker info`` (a client without a daemon does not
    count), ``podman info``, then buildah when it is installed."""
    for name in ("docker", "podman"):
        if runner.which(name) and runner.run([name, "info"], timeout=30).ok:
            return name
    if runner.which("buildah"):
        return "buildah"
    raise VerifyError("no container engine: docker and podman do not answer (`docker info`, `podman info`) and buildah is not installed")


# --- image facts --------------------------------------------------------------------------------


@dataclass
class ImageFacts:
    config: dict[str, Any]
    size: int | None
    layers: int


def parse_inspect(engine: str, data: Any) -> ImageFacts:
    """Configuration, size and layer count from ``docker/podman image inspect`` (a list) or
    ``buildah inspect --type image`` (an object)."""
    if engine == "buildah":
        docker = data.get("Docker") or {}
        config = dict(docker.get("config") or {})
        oci = data.get("OCIv1") or {}
        if not config:
            config = {k[:1].upper() + k[1:]: v for k, v in (oci.get("config") or {}).items()}
        layers = len(((oci.get("rootfs") or {}).get("diff_ids")) or ((docker.get("rootfs") or {}).get("diff_ids")) or [])
        return ImageFacts(config, None, layers)
    item = data[0] if isinstance(data, list) else data
    config = dict(item.get("Config") or {})
    if not config.get("Healthcheck") and item.get("HealthCheck"):
        config["Healthcheck"] = item["HealthCheck"]
    size = item.get("Size")
    layers = len(((item.get("RootFS") or {}).get("Layers")) or [])
    return ImageFacts(config, int(size) if isinstance(size, (int, float)) else None, layers)


def _norm(value: Any) -> Any:
    if value in (None, "", [], {}):
        return None
    if isinstance(value, dict) and all(v in (None, {}) for v in value.values()):
        return sorted(value)  # ExposedPorts, Volumes: only the keys mean something
    return value


def env_dict(config: Mapping[str, Any]) -> dict[str, str]:
    pairs = {}
    for entry in config.get("Env") or []:
        key, _, value = entry.partition("=")
        pairs[key] = value
    return pairs


@dataclass
class ConfigComparison:
    #: field -> (original, refactored): real differences.
    differences: dict[str, list[Any]]
    #: Env keys from the base image (not set by the Dockerfiles) that differ: reported, not counted.
    base_env: dict[str, list[str | None]]
    #: Env keys the Dockerfiles set.
    set_keys: list[str]
    #: Label keys from the base images that differ (compared key by key only when the images
    #: start from different base images): reported, not counted.
    base_labels: dict[str, list[str | None]] = field(default_factory=dict)
    #: The Label keys the Dockerfiles set (None: Labels were compared as a whole).
    set_labels: list[str] | None = None


def compare_config(
    original: Mapping[str, Any], refactored: Mapping[str, Any], set_keys: Sequence[str], set_labels: Sequence[str] | None = None
) -> ConfigComparison:
    """The configuration fields compared. Env keys the Dockerfiles do not set come from the base
    image: reported apart. So are Labels, key by key, when ``set_labels`` is given (the images
    start from different base images); else Labels are compared as a whole."""
    differences: dict[str, list[Any]] = {}
    for name in CONFIG_FIELDS:
        if name == "Env" or (name == "Labels" and set_labels is not None):
            continue
        a, b = _norm(original.get(name)), _norm(refactored.get(name))
        if a != b:
            differences[name] = [a, b]
    env_a, env_b = env_dict(original), env_dict(refactored)
    base_env: dict[str, list[str | None]] = {}
    for key in sorted(set(env_a) | set(env_b)):
        a, b = env_a.get(key), env_b.get(key)
        if a == b:
            continue
        if key in set_keys:
            differences[f"Env {key}"] = [a, b]
        else:
            base_env[key] = [a, b]
    base_labels: dict[str, list[str | None]] = {}
    if set_labels is not None:
        labels_a, labels_b = dict(original.get("Labels") or {}), dict(refactored.get("Labels") or {})
        for key in sorted(set(labels_a) | set(labels_b)):
            a, b = labels_a.get(key), labels_b.get(key)
            if a == b:
                continue
            if key in set_labels:
                differences[f"Label {key}"] = [a, b]
            else:
                base_labels[key] = [a, b]
    return ConfigComparison(differences, base_env, sorted(set_keys), base_labels, None if set_labels is None else sorted(set_labels))


def env_keys_set(text: str, target: str | None = None) -> set[str]:
    """The keys ENV sets in the stage the image is (``target`` or the last) and the stages it
    is built FROM."""
    from .model import Model
    from .parser import parse

    model = Model.of(parse(text))
    stage = model.by_name(target) if target else model.final
    if stage is None:
        return set()
    return {key for s in model.chain(stage) for i in s.instructions for key in model.env_keys(i)}


def label_keys_set(text: str, target: str | None = None) -> set[str]:
    """The keys LABEL sets in the stage the image is (``target`` or the last) and the stages it
    is built FROM."""
    from .cst import values
    from .model import Model
    from .parser import parse

    model = Model.of(parse(text))
    stage = model.by_name(target) if target else model.final
    if stage is None:
        return set()
    keys: set[str] = set()
    for s in model.chain(stage):
        for instruction in s.instructions:
            command = instruction.command
            if command is not None and command.name == "label":
                # the parser keeps a key's quotes; the build removes them
                keys.update(_unquoted(key) for key in values(command, instruction.escape)[0::2])
    return keys


def _unquoted(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'":
        return word[1:-1]
    return word


def final_base(text: str, target: str | None = None) -> str | None:
    """The base image of the image's stage (``target`` or the last): the FROM image of the first
    stage of its chain (``python:3.11-slim``), variables read with their defaults; None when it
    is not known (no such stage, or a file that does not parse)."""
    from .errors import ParseError
    from .model import Model
    from .parser import parse

    try:
        model = Model.of(parse(text))
    except ParseError:
        return None
    stage = model.by_name(target) if target else model.final
    return model.image(stage) if stage is not None else None


def image_key(name: str) -> str:
    """An image name as the engines read it, for comparing two: ``python`` and
    ``docker.io/library/python:latest`` are one image."""
    name = name.strip()
    for prefix in ("index.docker.io/", "docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    name = name.removeprefix("library/")
    if "@" not in name and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name


# --- files --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    kind: str  # file, dir, link, char, block, fifo, socket
    mode: int
    uid: int
    gid: int
    #: sha256 of a file's content, a link's target, a device's numbers.
    data: str = ""


#: The same caches in any user's home (``/home/app/.npm``): the areas under /root, relative.
HOME_CACHE_AREAS = tuple(area[len("/root/"):] for area in CACHE_AREAS if area.startswith("/root/")) + ("go/pkg/mod",)


def cache_root(path: str) -> str | None:
    """The cache area ``path`` lies in (or is), None when it lies in none."""
    for area in CACHE_AREAS:
        if path == area or path.startswith(area + "/"):
            return area
    parts = path.split("/", 3)  # "", "home", NAME, rest
    if len(parts) == 4 and parts[1] == "home" and parts[2]:
        for area in HOME_CACHE_AREAS:
            if parts[3] == area or parts[3].startswith(area + "/"):
                return f"/home/{parts[2]}/{area}"
    return None


def in_cache_area(path: str) -> bool:
    return cache_root(path) is not None


def excluded(path: str) -> bool:
    return in_cache_area(path) or path.endswith(".pyc")


@dataclass
class FileList:
    entries: dict[str, Entry] = field(default_factory=dict)
    #: Paths under the cache areas (not compared; kept to report what was removed).
    cached: set[str] = field(default_factory=set)

    def add(self, path: str, entry: Entry | None) -> None:
        path = "/" + path.strip("/") if path.strip("/.") else "/"
        if path == "/":
            return
        if in_cache_area(path):
            if path != cache_root(path):
                self.cached.add(path)
        elif not path.endswith(".pyc") and entry is not None:
            self.entries[path] = entry


def _hash_stream(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def files_from_tar(handle: IO[bytes]) -> FileList:
    """The files of an exported root file system (``docker/podman export``), read as a stream."""
    files = FileList()
    with tarfile.open(fileobj=handle, mode="r|") as archive:
        for member in archive:
            path = "/" + member.name.lstrip("./").rstrip("/")
            if excluded(path):
                files.add(path, None)
                continue
            mode = stat.S_IMODE(member.mode)
            if member.isfile():
                reader = archive.extractfile(member)
                data = _hash_stream(reader) if reader else ""
                entry = Entry("file", mode, member.uid, member.gid, data)
            elif member.islnk():
                target = files.entries.get("/" + member.linkname.lstrip("./"))
                entry = Entry("file", mode, member.uid, member.gid, target.data if target else "")
            elif member.issym():
                entry = Entry("link", mode, member.uid, member.gid, member.linkname)
            elif member.isdir():
                entry = Entry("dir", mode, member.uid, member.gid)
            elif member.ischr() or member.isblk():
                entry = Entry("char" if member.ischr() else "block", mode, member.uid, member.gid, f"{member.devmajor}:{member.devminor}")
            else:
                entry = Entry("fifo", mode, member.uid, member.gid)
            files.add(path, entry)
    return files


def files_from_dir(root: str) -> FileList:
    """The files under a mounted root file system (``buildah mount``)."""
    files = FileList()
    for directory, dirs, names in os.walk(root):
        for name in dirs + names:
            full = os.path.join(directory, name)
            path = "/" + os.path.relpath(full, root)
            if excluded(path):
                files.add(path, None)
                continue
            info = os.lstat(full)
            mode = stat.S_IMODE(info.st_mode)
            if stat.S_ISREG(info.st_mode):
                with open(full, "rb") as handle:
                    entry = Entry("file", mode, info.st_uid, info.st_gid, _hash_stream(handle))
            elif stat.S_ISLNK(info.st_mode):
                entry = Entry("link", mode, info.st_uid, info.st_gid, os.readlink(full))
            elif stat.S_ISDIR(info.st_mode):
                entry = Entry("dir", mode, info.st_uid, info.st_gid)
            elif stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
                kind = "char" if stat.S_ISCHR(info.st_mode) else "block"
                entry = Entry(kind, mode, info.st_uid, info.st_gid, f"{os.major(info.st_rdev)}:{os.minor(info.st_rdev)}")
            else:
                entry = Entry("fifo" if stat.S_ISFIFO(info.st_mode) else "socket", mode, info.st_uid, info.st_gid)
            files.add(path, entry)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(directory, d))]
    return files


@dataclass
class FileComparison:
    added: list[str]
    removed: list[str]
    #: path -> what differs ("content", "mode 0644 -> 0755", "owner 0:0 -> 1000:1000", "kind").
    changed: dict[str, str]
    #: Paths under the cache areas the refactored image no longer has (not a difference).
    caches_removed: list[str]
    compared: int
    #: Paths under the cache areas that only the refactored image has (not a difference either).
    caches_added: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changed)


def compare_files(original: FileList, refactored: FileList) -> FileComparison:
    a, b = original.entries, refactored.entries
    changed: dict[str, str] = {}
    for path in sorted(set(a) & set(b)):
        x, y = a[path], b[path]
        if x == y:
            continue
        what = []
        if x.kind != y.kind:
            what.append(f"kind {x.kind} -> {y.kind}")
        elif x.data != y.data:
            what.append("target" if x.kind == "link" else "content")
        if x.mode != y.mode:
            what.append(f"mode {x.mode:04o} -> {y.mode:04o}")
        if (x.uid, x.gid) != (y.uid, y.gid):
            what.append(f"owner {x.uid}:{x.gid} -> {y.uid}:{y.gid}")
        changed[path] = ", ".join(what)
    return FileComparison(
        added=sorted(set(b) - set(a)),
        removed=sorted(set(a) - set(b)),
        changed=changed,
        caches_removed=sorted(original.cached - refactored.cached),
        caches_added=sorted(refactored.cached - original.cached),
        compared=len(set(a) | set(b)),
    )


# --- behaviour ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one image did: ``exited`` (status, output), ``running`` at the time limit (a smoke
    command, or a server that never answered), ``answered`` (a probe: status and body)."""

    state: str
    status: int | None = None
    stdout: str = ""
    stderr: str = ""

    def describe(self) -> str:
        if self.state == "exited":
            return f"exit {self.status}"
        if self.state == "answered":
            return f"answered {self.status if self.status is not None else '(tcp)'}"
        return "still running at the time limit"


def compare_behaviour(original: Outcome, refactored: Outcome) -> tuple[str, str]:
    """("same" | "different" | "inconclusive", why)."""
    if original.state == refactored.state == "running":
        return "inconclusive", "still running at the time limit in both images: nothing compared"
    if original.state != refactored.state or original.status != refactored.status:
        return "different", f"original {original.describe()}, refactored {refactored.describe()}"
    if original.stdout != refactored.stdout:
        return "different", "standard output differs" if original.state == "exited" else "the answer's body differs"
    if original.stderr != refactored.stderr:
        return "different", "standard error differs"
    return "same", original.describe()


def parse_probe(text: str) -> tuple[int, str | None]:
    port, slash, path = text.partition("/")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise VerifyError(f"--probe {text!r}: expected PORT or PORT/PATH")
    return int(port), ("/" + path) if slash else None


def ask(host: str, port: int, path: str | None, timeout: float = 2.0) -> Outcome | None:
    """One probe: None when nothing answers yet."""
    if path is not None:
        try:
            with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=timeout) as response:  # noqa: S310
                return Outcome("answered", response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Outcome("answered", error.code, error.read().decode("utf-8", "replace"))
        except (OSError, urllib.error.URLError, ValueError):
            return None
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.settimeout(1.0)
            try:
                banner = conn.recv(65536)
            except (socket.timeout, OSError):
                banner = b""
            return Outcome("answered", None, banner.decode("utf-8", "replace"))
    except OSError:
        return None


def human_size(value: Any) -> int | None:
    """A size as buildah prints it (``121 MB``, ``1.31 GB``: decimal units, 3 digits), in bytes."""
    if isinstance(value, (int, float)):
        return int(value)
    match = re.fullmatch(r"\s*([0-9.]+)\s*([kKMGTP]?B)\s*", str(value))
    if not match:
        return None
    scale = {"B": 1, "kB": 10**3, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15}[match.group(2)]
    return int(float(match.group(1)) * scale)


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Build:
    ok: bool
    seconds: float
    tag: str
    log_tail: list[str] = field(default_factory=list)
    size: int | None = None
    layers: int | None = None


@dataclass
class Rebuild:
    file: str
    seconds: float
    cached_steps: int
    steps: int | None
    ok: bool


@dataclass
class Report:
    dockerfile: str
    engine: str
    exit_code: int = EXIT_SAME
    verdict: str = ""
    changes: list[str] = field(default_factory=list)
    builds: dict[str, Build] = field(default_factory=dict)
    config: ConfigComparison | None = None
    files: FileComparison | None = None
    behaviour: dict[str, Any] | None = None
    rebuilds: dict[str, Rebuild] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    #: The base image each image's stage starts from (None: not known).
    bases: dict[str, str | None] = field(default_factory=dict)
    #: Why the files were not compared (None: they were, or the builds failed first).
    files_skipped: str | None = None

    @property
    def split(self) -> bool:
        """The refactored image starts from another base image than the original (both known)."""
        a, b = self.bases.get("original"), self.bases.get("refactored")
        return a is not None and b is not None and image_key(a) != image_key(b)

    def as_json(self) -> str:
        data = dataclasses.asdict(self)
        data["split"] = self.split
        return json.dumps(data, indent=2, sort_keys=True, default=str)

    def as_text(self) -> str:
        lines = [f"verify {self.dockerfile} with {self.engine}"]
        for change in self.changes:
            lines.append(f"  change: {change}")
        width = 12
        o, r = self.builds.get("original"), self.builds.get("refactored")

        def row(name: str, a: str, b: str) -> None:
            lines.append(f"  {name:<{width}} {a:>18} {b:>18}")

        row("", "original", "refactored")
        row("build", _build_cell(o), _build_cell(r))
        if o and r and o.ok and r.ok:
            row("size", _size(o.size), _size(r.size))
            row("layers", str(o.layers), str(r.layers))
        if self.split:
            lines.append(f"  base image: {self.bases['original']} -> {self.bases['refactored']} (the final stage starts from another image)")
        for side in ("original", "refactored"):
            rebuild = self.rebuilds.get(side)
            if rebuild is None:
                break
        else:
            a, b = self.rebuilds["original"], self.rebuilds["refactored"]
            row("rebuild", f"{a.seconds:.1f} s", f"{b.seconds:.1f} s")
            row("from cache", _cached(a), _cached(b))
            lines.append(f"  (rebuilt after changing {a.file} in a copy of the context)")
        if self.config is not None:
            labels = self.config.set_labels
            lines.append(f"  configuration: {'same' if not self.config.differences else 'DIFFERENT'}"
                         f" (Env keys set by the Dockerfile: {', '.join(self.config.set_keys) or 'none'}"
                         + ("" if labels is None else f"; Labels set by the Dockerfile: {', '.join(labels) or 'none'}") + ")")
            for name, (a_value, b_value) in self.config.differences.items():
                lines.append(f"    {name}: {json.dumps(a_value)} -> {json.dumps(b_value)}")
            for key, (a_value, b_value) in self.config.base_env.items():
                lines.append(f"    base image Env {key}: {a_value!r} -> {b_value!r} (from the base image, not compared)")
            for key, (a_value, b_value) in self.config.base_labels.items():
                lines.append(f"    base image Label {key}: {a_value!r} -> {b_value!r} (from the base image, not compared)")
        if self.files_skipped is not None:
            lines.append(f"  files: not compared ({self.files_skipped})")
        if self.files is not None:
            f = self.files
            lines.append(f"  files: {'same' if f.same else 'DIFFERENT'} ({f.compared} paths compared; caches and logs left out)")
            for label, paths in (("only in refactored", f.added), ("missing from refactored", f.removed)):
                for path in paths[:SHOWN]:
                    lines.append(f"    {label}: {path}")
                if len(paths) > SHOWN:
                    lines.append(f"    ... {len(paths) - SHOWN} more {label}")
            for path, what in list(f.changed.items())[:SHOWN]:
                lines.append(f"    changed: {path} ({what})")
            if len(f.changed) > SHOWN:
                lines.append(f"    ... {len(f.changed) - SHOWN} more changed")
            if f.caches_removed:
                areas = sorted({a for a in CACHE_AREAS for p in f.caches_removed if p.startswith(a + "/")})
                lines.append(f"    caches removed (not a difference): {len(f.caches_removed)} paths under {', '.join(areas)}")
            if f.caches_added:
                areas = sorted({a for a in CACHE_AREAS for p in f.caches_added if p.startswith(a + "/")})
                lines.append(f"    caches added (not a difference): {len(f.caches_added)} paths under {', '.join(areas)}")
        if self.behaviour is not None:
            lines.append(f"  behaviour ({self.behaviour['check']}): {self.behaviour['result']}: {self.behaviour['why']}")
            for side in ("original", "refactored"):
                outcome = self.behaviour[side]
                if outcome["status"] not in (0, 200) or self.behaviour["result"] != "same":
                    shown = (outcome["stdout"] + outcome["stderr"]).strip().splitlines()[-5:]
                    lines.extend(f"    {side} | {line}" for line in shown)
        elif all(b.ok for b in self.builds.values()):
            required = ": required, the files are not compared" if self.split else ""
            lines.append(f"  behaviour: not checked{required} (give --smoke 'CMD...' or --probe PORT[/PATH])")
        for side in ("original", "refactored"):
            build = self.builds.get(side)
            if build is not None and not build.ok:
                lines.append(f"  {side} build failed; last lines of its log:")
                lines.extend(f"    | {line}" for line in build.log_tail)
        lines.append(f"{self.verdict} (exit {self.exit_code})")
        return "\n".join(lines) + "\n"


def _build_cell(build: Build | None) -> str:
    if build is None:
        return "-"
    return f"{build.seconds:.1f} s" if build.ok else "FAILED"


def _size(size: int | None) -> str:
    return "?" if size is None else f"{size / 1e6:.1f} MB"


def _cached(rebuild: Rebuild) -> str:
    if not rebuild.ok:
        return "FAILED"
    return f"{rebuild.cached_steps}/{rebuild.steps}" if rebuild.steps else str(rebuild.cached_steps)


# --- the verification ---------------------------------------------------------------------------


@dataclass
class Options:
    dockerfile: str
    context: str | None = None
    engine: str | None = None
    smoke: str | None = None
    probe: str | None = None
    touch: str | None = None
    against: str | None = None
    build_args: Sequence[str] = ()
    target: str | None = None
    platform: str | None = None
    select: Sequence[str] = ()
    keep: bool = False
    root: str | None = None
    engine_args: Sequence[str] = ()
    timeout: float = 60.0


_STEP = re.compile(r"^(STEP \d+/\d+|Step \d+/\d+|#\d+ \[)")
_CACHED = re.compile(r"Using cache|^#\d+ CACHED")
_STEPS = re.compile(r"^(?:STEP|Step) \d+/(\d+)")


class Verifier:
    def __init__(self, options: Options, runner: Runner | None = None, progress: Callable[[str], None] | None = None) -> None:
        self.options = options
        self.runner = runner or Runner()
        self.progress = progress or (lambda message: None)
        self.images: list[str] = []
        self.containers: list[str] = []
        self.temp = None  # type: tempfile.TemporaryDirectory[str] | None

    # The steps -------------------------------------------------------------------------------

    def verify(self) -> Report:
        opts = self.options
        path = Path(opts.dockerfile)
        try:
            original_text = path.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError as error:
            raise VerifyError(f"{path}: cannot read: {error.strerror or error}") from None
        context = Path(opts.context) if opts.context else path.parent
        if not context.is_dir():
            raise VerifyError(f"{context}: the build context is not a directory")
        refactored_text, changes = self._refactored(original_text, str(path))
        engine_name = opts.engine or detect_engine(self.runner)
        engine = make_engine(engine_name, root=opts.root, engine_args=opts.engine_args)
        report = Report(str(path), engine_name, changes=changes)
        report.bases = {"original": final_base(original_text, opts.target), "refactored": final_base(refactored_text, opts.target)}
        nonce = hashlib.sha256(f"{path.resolve()}\0{original_text}\0{refactored_text}\0{secrets.token_hex(8)}".encode()).hexdigest()[:12]
        base = f"localhost/msb-verify-{nonce}"
        self.temp = tempfile.TemporaryDirectory(prefix="msb-verify-")
        try:
            refactored_path = self._write_refactored(refactored_text, path)
            dockerfiles = {"original": str(path.resolve()), "refactored": str(refactored_path)}
            for side in ("original", "refactored"):
                build = self._build(engine, dockerfiles[side], str(context.resolve()), f"{base}:{side}", side)
                report.builds[side] = build
                if not build.ok:
                    return self._conclude(report)
            facts = {side: self._inspect(engine, report.builds[side]) for side in ("original", "refactored")}
            set_keys = env_keys_set(original_text, opts.target) | env_keys_set(refactored_text, opts.target)
            set_labels = label_keys_set(original_text, opts.target) | label_keys_set(refactored_text, opts.target) if report.split else None
            report.config = compare_config(
                facts["original"].config, facts["refactored"].config, sorted(set_keys), None if set_labels is None else sorted(set_labels)
            )
            if report.split:
                self.progress(f"not comparing the files: {SPLIT_FILES_NOTE} ({report.bases['original']} -> {report.bases['refactored']})")
                report.files_skipped = SPLIT_FILES_NOTE
            else:
                self.progress("comparing the files of both images")
                lists = {side: self._files(engine, f"{base}:{side}", f"msb-verify-{nonce}-{side}-files") for side in ("original", "refactored")}
                report.files = compare_files(lists["original"], lists["refactored"])
            if opts.smoke is not None or opts.probe is not None:
                report.behaviour = self._behaviour(engine, base, nonce, facts)
            if opts.touch is not None:
                self._rebuild(engine, report, context.resolve(), dockerfiles, base)
            return self._conclude(report)
        finally:
            self._clean(engine)

    def _refactored(self, text: str, display: str) -> tuple[str, list[str]]:
        opts = self.options
        if opts.against is not None:
            try:
                return Path(opts.against).read_text(encoding="utf-8", errors="surrogateescape"), [f"given: {opts.against}"]
            except OSError as error:
                raise VerifyError(f"{opts.against}: cannot read: {error.strerror or error}") from None
        from .engine import refactor
        from .errors import ParseError, RefactorError
        from .passes import Context, select

        try:
            passes = select(list(opts.select) or None)
            result = refactor(text, passes=passes, context=Context(path=display))
        except KeyError as error:
            raise VerifyError(str(error.args[0])) from None
        except (ParseError, RefactorError) as error:
            raise VerifyError(f"{display}:{error.line}:{error.column}: {error.message}") from None
        changes = [f"L{c.line} {c.pass_name} [{c.safety}] {c.explanation}" for c in sorted(result.changes, key=lambda c: c.line)]
        return result.text, changes or ["none: the passes leave this file as it is"]

    def _write_refactored(self, text: str, original: Path) -> Path:
        assert self.temp is not None
        target = Path(self.temp.name) / "refactored" / original.name
        target.parent.mkdir()
        target.write_bytes(text.encode("utf-8", "surrogateescape"))
        ignore = original.with_name(original.name + ".dockerignore")  # a Dockerfile's own ignore file
        if ignore.exists():
            shutil.copyfile(ignore, target.with_name(target.name + ".dockerignore"))
        return target

    def _build(self, engine: Engine, dockerfile: str, context: str, tag: str, side: str) -> Build:
        opts = self.options
        argv = engine.build(dockerfile, context, tag, build_args=opts.build_args, target=opts.target, platform=opts.platform)
        self.progress(f"building the {side} image: {shlex.join(argv)}")

        done = self.runner.run(argv, on_line=self._echo_step(side))
        # The tag exists as soon as the build succeeds; a failed build may still have tagged.
        self.images.append(tag)
        log = done.text().splitlines()
        build = Build(done.ok, done.seconds, tag, log_tail=[] if done.ok else log[-LOG_TAIL:])
        self.progress(f"[{side}] {'built' if done.ok else 'FAILED'} in {done.seconds:.1f} s")
        return build

    def _echo_step(self, label: str) -> Callable[[str], None]:
        def echo(text: str) -> None:
            if _STEP.match(text):
                self.progress(f"[{label}] {text[:160]}")

        return echo

    def _inspect(self, engine: Engine, build: Build) -> ImageFacts:
        done = self.runner.run(engine.inspect(build.tag), timeout=120)
        if not done.ok:
            raise VerifyError(f"cannot inspect {build.tag}: {done.stderr.decode('utf-8', 'replace').strip()}")
        facts = parse_inspect(engine.name, json.loads(done.stdout))
        if facts.size is None and engine.name == "buildah":
            facts.size = self._buildah_size(engine, build.tag)
        build.size, build.layers = facts.size, facts.layers
        return facts

    def _buildah_size(self, engine: Engine, tag: str) -> int | None:
        done = self.runner.run([*engine.prefix, "images", "--json", tag], timeout=120)
        try:
            data = json.loads(done.stdout)
            return human_size(data[0]["size"])
        except (ValueError, LookupError, TypeError):
            return None

    def _files(self, engine: Engine, tag: str, name: str) -> FileList:
        if engine.name == "buildah":
            self._must(engine.from_image(tag, name))
            self.containers.append(name)
            mounted = self._must(engine.mount(name)).text().strip()
            try:
                return files_from_dir(mounted)
            except OSError as error:
                raise VerifyError(f"reading {tag}'s files: {error}") from None
            finally:
                self.runner.run(engine.umount(name), timeout=120)
        self._must(engine.create(tag, name))
        self.containers.append(name)
        with self.runner.stream(engine.export(name)) as handle:
            return files_from_tar(handle)

    def _must(self, argv: list[str], timeout: float = 300) -> Completed:
        done = self.runner.run(argv, timeout=timeout)
        if not done.ok:
            raise VerifyError(f"{shlex.join(argv)} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
        return done

    def _behaviour(self, engine: Engine, base: str, nonce: str, facts: dict[str, ImageFacts]) -> dict[str, Any]:
        opts = self.options
        outcomes = {}
        for side in ("original", "refactored"):
            name = f"msb-verify-{nonce}-{side}-run"
            if opts.probe is not None:
                outcomes[side] = self._probe(engine, f"{base}:{side}", name, facts[side].config)
            else:
                outcomes[side] = self._smoke(engine, f"{base}:{side}", name, facts[side].config)
            self.progress(f"[{side}] {outcomes[side].describe()}")
        result, why = compare_behaviour(outcomes["original"], outcomes["refactored"])
        check = f"--probe {opts.probe}" if opts.probe is not None else f"--smoke {opts.smoke!r}"
        if opts.probe is None and engine.name == "buildah" and engine.isolation == "chroot" and not engine.unshare:
            check += " with the host's network (chroot isolation, no unshare)"
        return {"check": check, "result": result, "why": why, **{side: dataclasses.asdict(o) for side, o in outcomes.items()}}

    def _argv(self, config: Mapping[str, Any], args: Sequence[str]) -> list[str]:
        """What the image runs given ``args`` (as ``docker run IMAGE ARGS`` would)."""
        entrypoint = list(config.get("Entrypoint") or [])
        argv = entrypoint + (list(args) if args else list(config.get("Cmd") or []))
        if not argv:
            raise VerifyError("the image has no command to run and --smoke gives none")
        return argv

    def _smoke(self, engine: Engine, tag: str, name: str, config: Mapping[str, Any]) -> Outcome:
        args = shlex.split(self.options.smoke or "")
        if engine.name == "buildah":
            self._must(engine.from_image(tag, name))
            self.containers.append(name)
            done = self.runner.run(engine.run_in(name, self._argv(config, args)), timeout=self.options.timeout)
        else:
            self.containers.append(name)
            done = self.runner.run(engine.run(tag, name, args), timeout=self.options.timeout)
            if done.returncode == 125:  # docker and podman: the engine failed, not the command
                raise VerifyError(f"{engine.name} could not run {tag}: {done.stderr.decode('utf-8', 'replace').strip()}")
        if done.timed_out:
            return Outcome("running", None, done.text(), done.stderr.decode("utf-8", "replace"))
        return Outcome("exited", done.returncode, done.text(), done.stderr.decode("utf-8", "replace"))

    def _probe(self, engine: Engine, tag: str, name: str, config: Mapping[str, Any]) -> Outcome:
        port, path = parse_probe(self.options.probe or "")
        deadline = time.monotonic() + self.options.timeout
        if engine.name == "buildah":
            # buildah runs the server in the host's network: the port must be free.
            if ask("127.0.0.1", port, None, timeout=1.0) is not None:
                raise VerifyError(f"port {port} already answers on this host; buildah runs the image in the host's network")
            self._must(engine.from_image(tag, name))
            self.containers.append(name)
            process = self.runner.spawn(engine.run_in(name, self._argv(config, ()), network="host"))
            try:
                while time.monotonic() < deadline:
                    answer = ask("127.0.0.1", port, path)
                    if answer is not None:
                        return answer
                    if process.poll() is not None:
                        status, out = process.stop()
                        return Outcome("exited", status, out.decode("utf-8", "replace"))
                    time.sleep(0.5)
                return Outcome("running")
            finally:
                process.stop()
        self.containers.append(name)
        self._must(engine.run(tag, name, (), network="bridge", detach=True, publish=f"127.0.0.1::{port}"))
        mapped = self._must(engine.port(name, f"{port}/tcp")).text().split()
        host, _, host_port = (mapped[0] if mapped else "").rpartition(":")
        if not host_port.isdigit():
            raise VerifyError(f"{engine.name} did not publish port {port} of {tag}")
        while time.monotonic() < deadline:
            answer = ask(host.strip("[]") if host not in ("0.0.0.0", "") else "127.0.0.1", int(host_port), path)
            if answer is not None:
                return answer
            running, _, code = self.runner.run(engine.state(name), timeout=60).text().strip().partition(" ")
            if running == "false":
                logs = self.runner.run(engine.logs(name), timeout=60)
                return Outcome("exited", int(code) if code.lstrip("-").isdigit() else None, logs.text(), logs.stderr.decode("utf-8", "replace"))
            time.sleep(0.5)
        return Outcome("running")

    def _rebuild(self, engine: Engine, report: Report, context: Path, dockerfiles: dict[str, str], base: str) -> None:
        """Change the content of --touch in a copy of the context and build both again."""
        opts = self.options
        assert self.temp is not None and opts.touch is not None
        touched = Path(opts.touch)
        relative = touched.resolve().relative_to(context) if touched.is_absolute() else touched
        if not (context / relative).is_file():
            raise VerifyError(f"--touch {opts.touch}: no such file in the build context {context}")
        copy = Path(self.temp.name) / "context"
        shutil.copytree(context, copy, symlinks=True)
        with open(copy / relative, "ab") as handle:
            handle.write(b"\n")
        for side in ("original", "refactored"):
            dockerfile = Path(dockerfiles[side])
            if dockerfile.is_relative_to(context):
                dockerfile = copy / dockerfile.relative_to(context)
            argv = engine.build(str(dockerfile), str(copy), f"{base}:{side}-touched", build_args=opts.build_args, target=opts.target, platform=opts.platform)
            self.progress(f"[{side}] rebuilding after changing {relative}")
            done = self.runner.run(argv, on_line=self._echo_step(f"{side} rebuild"))
            self.images.append(f"{base}:{side}-touched")
            log = done.text().splitlines()
            steps = [int(m.group(1)) for m in map(_STEPS.match, log) if m]
            report.rebuilds[side] = Rebuild(
                str(relative), done.seconds, sum(1 for line in log if _CACHED.search(line)), max(steps) if steps else None, done.ok
            )

    def _conclude(self, report: Report) -> Report:
        o, r = report.builds.get("original"), report.builds.get("refactored")
        differences = report.differences
        if o is not None and not o.ok:
            report.exit_code, report.verdict = EXIT_UNPROVEN, "the original does not build: nothing is proved"
            return report
        if r is not None and not r.ok:
            differences.append("the refactored Dockerfile does not build")
        if report.config is not None:
            differences.extend(f"configuration {name}" for name in report.config.differences)
        if report.files is not None and not report.files.same:
            f = report.files
            first = (f.added + f.removed + list(f.changed))[:3]
            differences.append(f"files ({len(f.added)} added, {len(f.removed)} missing, {len(f.changed)} changed: {', '.join(first)})")
        if report.behaviour is not None and report.behaviour["result"] == "different":
            differences.append(f"behaviour ({report.behaviour['why']})")
        if any(not rebuild.ok for rebuild in report.rebuilds.values()):
            differences.append("the rebuild after --touch failed")
        if differences:
            report.exit_code, report.verdict = EXIT_DIFFERENT, "DIFFERENT: " + "; ".join(differences)
        elif report.behaviour is not None and report.behaviour["result"] == "inconclusive":
            report.exit_code, report.verdict = EXIT_INCONCLUSIVE, "INCONCLUSIVE: " + report.behaviour["why"]
        elif report.split:
            bases = f"{report.bases['original']} -> {report.bases['refactored']}"
            sizes = f"size {_size(o.size if o else None)} -> {_size(r.size if r else None)}"
            if report.behaviour is None:
                report.exit_code, report.verdict = EXIT_INCONCLUSIVE, (
                    f"INCONCLUSIVE: the final image starts from another base image ({bases}): files are not compared, so the"
                    f" behaviour must be checked (give --smoke 'CMD...' or --probe PORT[/PATH]); configuration same; {sizes}"
                )
            else:
                report.exit_code, report.verdict = EXIT_SAME, (
                    f"SAME: configuration and behaviour (the final image starts from another base image, {bases}:"
                    f" files not compared; {sizes})"
                )
        else:
            checked = "configuration, files" + (" and behaviour" if report.behaviour is not None else " (behaviour not checked)")
            report.exit_code, report.verdict = EXIT_SAME, f"SAME: {checked}"
        return report

    def _clean(self, engine: Engine) -> None:
        for name in reversed(self.containers):
            self.runner.run(engine.remove_container(name), timeout=300)
        self.containers.clear()
        if not self.options.keep:
            for tag in reversed(self.images):
                self.runner.run(engine.remove_image(tag), timeout=300)
        self.images.clear()
        if self.temp is not None:
            self.temp.cleanup()
            self.temp = None


# --- the command --------------------------------------------------------------------------------


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("dockerfile", type=click.Path(dir_okay=False))
@click.option("--context", "context", type=click.Path(file_okay=False), help="The build context (default: the Dockerfile's directory).")
@click.option("--engine", type=click.Choice(ENGINES), help="The engine (default: the first that answers: docker, podman, then buildah).")
@click.option("--smoke", metavar="'CMD...'", help="Run this in both images (no network); compare exit status and output.")
@click.option("--probe", metavar="PORT[/PATH]", help="Start the image's own command; compare what the port answers.")
@click.option("--touch", metavar="FILE", help="Rebuild after changing FILE in a copy of the context: time, steps from cache.")
@click.option("--against", type=click.Path(dir_okay=False, exists=True), help="The refactored Dockerfile (instead of running the passes).")
@click.option("--build-arg", "build_args", multiple=True, metavar="K=V", help="A build argument for both builds.")
@click.option("--target", help="The stage to build.")
@click.option("--platform", help="The platform to build for.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--select", "selected", multiple=True, metavar="PASS,...", help="Run only these passes.")
@click.option("--keep", is_flag=True, help="Keep the images (they are removed by default).")
@click.option("--root", metavar="STORE", help="podman/buildah: the image store to use.")
@click.option("--engine-arg", "engine_args", multiple=True, metavar="ARG", help="A global option for the engine (repeatable).")
@click.option("--timeout", default=60.0, show_default=True, metavar="SECONDS", help="Time limit of --smoke and --probe.")
def verify_command(
    dockerfile: str,
    context: str | None,
    engine: str | None,
    smoke: str | None,
    probe: str | None,
    touch: str | None,
    against: str | None,
    build_args: tuple[str, ...],
    target: str | None,
    platform: str | None,
    fmt: str,
    selected: tuple[str, ...],
    keep: bool,
    root: str | None,
    engine_args: tuple[str, ...],
    timeout: float,
) -> None:
    """Build DOCKERFILE as it is and as refactored, and compare the two images.

    Exit status: 0 the same configuration, files and behaviour; 1 they differ (or the refactored
    Dockerfile does not build); 2 the original does not build (nothing is proved) or the input is
    wrong; 3 inconclusive (the command ran past the time limit in both images).
    """
    if smoke is not None and probe is not None:
        raise click.UsageError("give --smoke or --probe, not both")
    options = Options(
        dockerfile, context, engine, smoke, probe, touch, against, build_args, target, platform,
        [n.strip() for v in selected for n in v.split(",") if n.strip()], keep, root, engine_args, timeout,
    )
    try:
        report = Verifier(options, progress=lambda message: click.echo(message, err=True)).verify()
    except VerifyError as error:
        click.echo(f"msb-refactor verify: {error}", err=True)
        sys.exit(EXIT_UNPROVEN)
    click.echo(report.as_json() if fmt == "json" else report.as_text(), nl=fmt == "json")
    sys.exit(report.exit_code)
