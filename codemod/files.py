"""Finding Dockerfiles, reading them without losing a byte, writing them atomically.

Safety rules (each one a bug that was seen):

* Only regular files are read: a FIFO named Dockerfile would block ``open()`` forever, and a
  link to ``/dev/zero`` would be read until memory runs out. ``read()`` opens without blocking,
  looks at what it opened, and refuses anything but a regular file of at most ``MAX_BYTES``.
* A file is written only when the user may write it (as black and ruff do): a read-only file
  or somebody else's file is an error, not silently replaced. The replacement keeps the owner
  and the mode; where a temporary file cannot be made or would change the owner, the file is
  written in place.
* Temporary files are ``.NAME.<pid>.<random>.tmp`` beside the file. They are removed when the
  write fails or the process is stopped by SIGTERM, SIGINT or SIGHUP; those left by a process
  killed outright (SIGKILL, a crash, a power cut) are removed by the next write in that
  directory, once their process is gone.
* A directory walk follows symbolic links only when they stay inside the walked directory, visits
  each file once (by its resolved path), and honours the tree's ``.gitignore`` files.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import functools
import math
import os
import re
import secrets
import signal
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Callable, Iterable, Iterator, Sequence

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

#: The largest Dockerfile read (the largest in the shared real-world corpus is under 20 KiB; BuildKit
#: itself refuses a line over 64 KiB).
MAX_BYTES = 4 * 1024 * 1024

# Names of Dockerfiles, matched case-insensitively against the whole file name. BuildKit reads
# "dockerfile" when there is no "Dockerfile", so the case is not a signal; projects name their
# variants Dockerfile.prod, Dockerfile-dev, Dockerfile_prod, prod.Dockerfile and prod-Dockerfile,
# and Podman's Containerfile the same ways.
PATTERNS = (
    "dockerfile", "dockerfile.*", "dockerfile-*", "dockerfile_*", "*.dockerfile", "*-dockerfile",
    "containerfile", "containerfile.*", "containerfile-*", "containerfile_*", "*.containerfile", "*-containerfile",
)
# Names that match PATTERNS but are not Dockerfiles to rewrite, by what they are instead:
#: templates, rendered into a Dockerfile by another tool (rewriting them would break the template);
TEMPLATE_PATTERNS = (
    "*.j2", "*.jinja", "*.jinja2", "*.tmpl", "*.tpl", "*.template", "*.in", "*.sample", "*.example", "*.dist",
)
#: backups and editors' files, left behind by people and tools (not what is built);
BACKUP_PATTERNS = (
    "*.bak", "*.backup", "*.orig", "*.rej", "*.old", "*-old", "*_old", "*.swp", "*.swo", "*~", "*.tmp",
)
#: files of other formats named after the Dockerfile they go with or handle: its documentation,
#: its ignore file (BuildKit reads Dockerfile.dockerignore beside Dockerfile), scripts, settings,
#: and the sources of programs that read Dockerfiles (dockerfile.go, dockerfile_parser.rs).
OTHER_FORMAT_PATTERNS = (
    "*.md", "*.txt", "*.rst", "*.html", "*.dockerignore", "*.lock", "*.json", "*.yml", "*.yaml", "*.toml",
    "*.xml", "*.ini", "*.sh", "*.py", "*.go", "*.rs", "*.js", "*.mjs", "*.cjs", "*.ts", "*.java", "*.kt",
    "*.rb", "*.c", "*.h", "*.cpp", "*.hs", "*.patch", "*.diff",
)
EXCLUDED_PATTERNS = TEMPLATE_PATTERNS + BACKUP_PATTERNS + OTHER_FORMAT_PATTERNS

#: Directories never walked into.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})

_UNSUPPORTED_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}

_MIB = 1024 * 1024
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)

#: A temporary file of write_atomic or create_atomic: ``.NAME.<pid>.<12 hex digits>.tmp``.
_TEMP_NAME = re.compile(r"\A\.(?P<name>.+)\.(?P<pid>[0-9]{1,10})\.[0-9a-f]{12}\.tmp\Z", re.DOTALL)
#: The longest NAME put in a temporary file's name (the whole must stay under 255 bytes).
_TEMP_STEM = 200
#: The signals that remove a temporary file being written before they stop the process.
_CLEANUP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))


class FileError(Exception):
    """A file that cannot be read, decoded or written; ``str()`` says which and why."""


# --------------------------------------------------------------------------------------------
# Names


def is_dockerfile(name: str) -> bool:
    lower = name.lower()
    return _compiled(PATTERNS).match(lower) is not None and _compiled(EXCLUDED_PATTERNS).match(lower) is None


@functools.lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """fnmatch patterns as one regular expression (a directory walk asks about every file)."""
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns))


# --------------------------------------------------------------------------------------------
# .gitignore


@dataclass(frozen=True)
class _Rule:
    """One line of a .gitignore (or one ``exclude`` pattern)."""

    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    #: Matched against the path below ``base`` (else against the name only).
    anchored: bool
    #: The directory of the .gitignore, relative to the walked root ("" for the root).
    base: str


def _translate(pattern: str) -> str:
    """A gitignore glob as a regular expression matched against a whole path relative to the
    rule's directory: ``*`` and ``?`` stop at ``/``, ``**/`` is any number of directories,
    a trailing ``/**`` everything inside, ``[...]`` a class, ``\\x`` the character x."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        at_segment_start = i == 0 or pattern[i - 1] == "/"
        if at_segment_start and pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if at_segment_start and pattern.startswith("**", i) and i + 2 == n:
            out.append(".*")
            i += 2
            continue
        char = pattern[i]
        if char == "*":
            while i + 1 < n and pattern[i + 1] == "*":  # other runs of stars are one star
                i += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif char == "[":
            end = i + 1
            if end < n and pattern[end] in "!^":
                end += 1
            if end < n and pattern[end] == "]":
                end += 1
            while end < n and pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            if end >= n:  # no closing bracket: a literal [
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                parts: list[str] = []
                j = 0
                while j < len(body):
                    if body[j] == "\\" and j + 1 < len(body):
                        j += 1
                        parts.append(re.escape(body[j]))
                    elif body[j] == "-":
                        parts.append("-")
                    else:
                        parts.append(re.escape(body[j]))
                    j += 1
                out.append("(?!/)[" + ("^" if negate else "") + "".join(parts) + "]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _rule(line: str, base: str) -> _Rule | None:
    """The rule of one .gitignore line, or None for a blank line or a comment."""
    line = line.rstrip("\r\n")
    while line.endswith(" ") and not line.endswith("\\ "):  # trailing spaces, unless escaped
        line = line[:-1]
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    dir_only = line.endswith("/") and not line.endswith("\\/")
    if dir_only:
        line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    try:
        regex = re.compile(_translate(line), re.DOTALL)
    except re.error:  # a class git would read some other way: the line is dropped
        return None
    return _Rule(regex, negated, dir_only, anchored, base)


def _rules(lines: Iterable[str], base: str = "") -> tuple[_Rule, ...]:
    return tuple(rule for line in lines if (rule := _rule(line, base)) is not None)


def _ignored(rules: Sequence[_Rule], rel: str, is_dir: bool) -> bool:
    """Whether the last rule matching ``rel`` (a path relative to the walked root, with ``/``)
    ignores it. Rules come in order: the root's first, then deeper directories', each file's
    lines in order, so that later (deeper, lower) rules win, as in git."""
    ignored = False
    for rule in rules:
        if rule.dir_only and not is_dir:
            continue
        if rule.base:
            if not rel.startswith(rule.base + "/"):
                continue
            below = rel[len(rule.base) + 1 :]
        else:
            below = rel
        subject = below if rule.anchored else below.rpartition("/")[2]
        if rule.regex.fullmatch(subject):
            ignored = not rule.negated
    return ignored


def gitignore_matcher(lines: Iterable[str]) -> Callable[[str, bool], bool]:
    """``matches(path, is_dir)`` for the lines of one .gitignore at the root of the paths
    (exposed for tests and for callers that check a path themselves)."""
    rules = _rules(lines)

    def matches(path: str, is_dir: bool = False) -> bool:
        return _ignored(rules, path, is_dir)

    return matches


# --------------------------------------------------------------------------------------------
# Discovery


def discover(
    paths: Iterable[str],
    *,
    exclude: Iterable[str] = (),
    gitignore: bool = True,
    seen: set[str] | None = None,
) -> Iterator[Path]:
    """The files named, and the Dockerfiles under the directories named, in a stable order.

    A file named is always given (even when ignored, or not a regular file: read() says what is
    wrong with it). Under a directory: regular files with a Dockerfile's name, not ignored by the
    tree's .gitignore files (``gitignore=False`` to read none) nor by ``exclude`` (gitignore
    patterns matched against paths relative to the directory); symbolic links are followed only
    when they lead inside the directory. Each file is given once, however many arguments or
    links reach it: ``seen`` (resolved paths) carries that across calls."""
    seen = set() if seen is None else seen
    patterns = tuple(exclude)
    for name in paths:
        path = Path(name)
        if path.is_dir():
            candidates = _walk(path, _rules(patterns), gitignore)
        else:
            candidates = [(path, os.path.realpath(path))]
        for candidate, real in candidates:
            if real not in seen:
                seen.add(real)
                yield candidate


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _walk(root: Path, exclude: tuple[_Rule, ...], gitignore: bool) -> list[tuple[Path, str]]:
    """The Dockerfiles under ``root`` with their resolved paths, sorted, each resolved path once.
    The real tree is walked first; directories reached through links (inside the root) after,
    and only when not walked already, so that a file has its real path where it has one and a
    loop ends."""
    root_real = os.path.realpath(root)
    visited: set[tuple[int, int]] = set()
    found: dict[str, tuple[bool, Path]] = {}  # resolved path -> (reached through a link, path)
    # (directory, its path below the root, its rules, reached through a link, its resolved path)
    pending: list[tuple[Path, str, tuple[_Rule, ...], bool, str]] = [(root, "", (), False, root_real)]
    linked: list[tuple[Path, str, tuple[_Rule, ...], bool, str]] = []
    while pending or linked:
        if not pending:
            pending, linked = sorted(linked, key=lambda item: item[1], reverse=True), []
        directory, rel, rules, through_link, directory_real = pending.pop()
        try:
            status = os.stat(directory)
            key = (status.st_dev, status.st_ino)
            if key in visited:
                continue
            visited.add(key)
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable, or gone: as os.walk, nothing to report
        if gitignore:
            own = [entry for entry in entries if entry.name == ".gitignore"]
            if own:
                try:
                    text = decode(_read_regular(own[0].path, MAX_BYTES), own[0].path)
                except FileError:
                    text = ""
                rules = rules + _rules(text.splitlines(), rel)
        for entry in entries:
            try:
                is_link = entry.is_symlink()
                if is_link:
                    mode = entry.stat(follow_symlinks=True).st_mode
                    is_dir = stat.S_ISDIR(mode)
                    is_file = stat.S_ISREG(mode) and is_dockerfile(entry.name)
                    real = os.path.realpath(entry.path)
                    if (is_dir or is_file) and not _inside(real, root_real):
                        continue  # black's rule: a link leading out of the tree is not followed
                else:  # the directory listing's file type: no stat() per entry
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_file = not is_dir and is_dockerfile(entry.name) and entry.is_file(follow_symlinks=False)
            except OSError:
                continue  # vanished, or a dangling link
            if not (is_dir or is_file):
                continue  # not a Dockerfile's name, or not a regular file (a FIFO, a device): skipped silently
            child = f"{rel}/{entry.name}" if rel else entry.name
            if not is_link:
                # An entry that is no link resolves to its name in the resolved directory (no
                # realpath(), which looks at every folder of the path, per file).
                real = os.path.join(directory_real, entry.name)
            if is_dir:
                if entry.name in SKIP_DIRS or _ignored(rules, child, True) or _ignored(exclude, child, True):
                    continue
                (linked if is_link else pending).append((Path(entry.path), child, rules, through_link or is_link, real))
            else:
                if _ignored(rules, child, False) or _ignored(exclude, child, False):
                    continue
                path = Path(entry.path)
                choice = (through_link or is_link, path)
                if real not in found or _preferred(choice, found[real]):
                    found[real] = choice
    return sorted(((path, real) for real, (_, path) in found.items()), key=lambda item: item[0])


def _preferred(new: tuple[bool, Path], old: tuple[bool, Path]) -> bool:
    """A path without links before one through a link; else the first in order."""
    return (new[0], new[1].parts) < (old[0], old[1].parts)


# --------------------------------------------------------------------------------------------
# Reading


def decode(data: bytes, name: str) -> str:
    """UTF-8, with stray bytes kept as surrogate escapes so that encode() gives them back."""
    for bom, encoding in _UNSUPPORTED_BOMS.items():
        if data.startswith(bom):
            raise FileError(f"{name}: the file is {encoding}; Dockerfiles are read as UTF-8")
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def read(path: Path, *, max_bytes: int | None = None) -> str:
    """The text of a regular file of at most ``max_bytes`` (default ``MAX_BYTES``)."""
    return decode(_read_regular(path, MAX_BYTES if max_bytes is None else max_bytes), str(path))


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "not a file")


def _mib(size: int) -> str:
    """A size in MiB, rounded up to a tenth (so that a file over the limit never shows as the limit)."""
    return f"{math.ceil(size * 10 / _MIB) / 10:g} MiB"


def _read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file. It is opened without blocking (a FIFO with no writer would
    block ``open()``), and what was opened is checked before a byte is read."""
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC)
    except OSError as error:
        try:  # a socket cannot be opened at all: say what it is rather than ENXIO
            mode = os.stat(path).st_mode
        except OSError:
            mode = stat.S_IFREG
        if not stat.S_ISREG(mode):
            raise FileError(f"{path}: not a regular file ({_kind(mode)})") from None
        raise FileError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise FileError(f"{path}: not a regular file ({_kind(status.st_mode)})")
        if status.st_size > limit:
            raise FileError(f"{path}: {_mib(status.st_size)} is over the {_mib(limit)} limit of a Dockerfile")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew, or its size was not known (as in /proc)
                raise FileError(f"{path}: over the {_mib(limit)} limit of a Dockerfile")
        return b"".join(chunks)
    except OSError as error:
        raise FileError(f"{path}: cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------
# Temporary files


def _alive(pid: int) -> bool:
    """Whether process ``pid`` may exist (anything but a sure no is a yes)."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # PermissionError: somebody else's process
    return True


def _lock(fd: int, *, wait: bool) -> bool:
    """An exclusive lock on an open file (held by a writer on its temporary file until it ends,
    so that a writer whose pid means nothing here, in another pid namespace, is still seen)."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:  # a file system without locks
        return True
    return True


def remove_stale_temps(directory: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files (``.NAME.<pid>.<random>.tmp``) that processes which no longer
    run left in ``directory`` (killed mid-write); the removed paths. A process that runs keeps
    its own: a file is removed only when its pid is not a process and no process holds its lock.
    Nothing else is touched, and no error is raised."""
    removed: list[Path] = []
    try:
        with os.scandir(directory) as listing:
            names = [entry.name for entry in listing if entry.name.endswith(".tmp")]
    except OSError:
        return removed
    for name in sorted(names):
        match = _TEMP_NAME.match(name)
        if match is None or _alive(int(match["pid"])):
            continue
        path = os.path.join(directory, name)
        try:
            fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOFOLLOW | _O_NOCTTY | _O_CLOEXEC)
        except OSError:
            continue  # a link, gone, or not ours to read
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode) or not _lock(fd, wait=False):
                continue
            now = os.lstat(path)
            if (now.st_dev, now.st_ino) != (status.st_dev, status.st_ino):
                continue  # replaced meanwhile
            os.unlink(path)
            removed.append(Path(path))
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def _open_temp(directory: str, name: str) -> tuple[int, str]:
    """A new, locked, empty file ``.NAME.<pid>.<random>.tmp`` in ``directory`` (mode 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC
    for _ in range(100):
        temp = os.path.join(directory, f".{name[:_TEMP_STEM]}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temp, flags, 0o600)
        except FileExistsError:
            continue
        _lock(fd, wait=True)
        return fd, temp
    raise FileExistsError(errno.EEXIST, "no free temporary file name", directory)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _discard(temp: str | None) -> None:
    if temp is not None:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable (best effort: not every system can)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _TempGuard:
    """While a temporary file is written: SIGTERM, SIGINT and SIGHUP remove it first. A signal
    whose handler was the default one then does what it does by default (the handler is put
    back and the signal sent again); a Python handler (KeyboardInterrupt for SIGINT) is called,
    and its exception removes the file on its way out. Signals ignored before stay ignored.
    Handlers can only be set in the main thread; elsewhere this does nothing."""

    def __init__(self) -> None:
        self.temp: str | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _TempGuard:
        if threading.current_thread() is threading.main_thread():
            for signum in _CLEANUP_SIGNALS:
                previous = signal.getsignal(signum)
                if previous is None or previous == signal.SIG_IGN:
                    continue  # set outside Python (cannot be put back), or ignored
                self._previous[signum] = previous
                signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        self._restore()

    def _restore(self) -> None:
        previous, self._previous = self._previous, {}
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        previous = self._previous.get(signum, signal.SIG_DFL)
        if callable(previous):
            previous(signum, frame)  # its exception (if any) cleans up through the writer's except
            return
        _discard(self.temp)
        self.temp = None
        self._restore()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGTERM, SIGINT and SIGHUP back (delivered at the end) while a file is written in
    place, so that they do not leave it half written."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _CLEANUP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# --------------------------------------------------------------------------------------------
# Writing


class _NoTemp(Exception):
    """A temporary file could not be made in the directory (``error`` says why)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


class _OwnerWouldChange(Exception):
    """The replacement could not be given the file's owner or group."""


def _access(path: str, mode: int) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)  # pragma: no cover - every POSIX system has faccessat


def _read_only_fs(path: str) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & getattr(os, "ST_RDONLY", 1))
    except (OSError, AttributeError):
        return False


def _why(error: OSError) -> str:
    return str(error.strerror or error)


def create_atomic(path: Path, text: str) -> None:
    """Write a new file (mode 0666 less the umask) in one step; an existing file is an error
    (it was not there when the change was computed)."""
    data = encode(text)
    directory = os.path.dirname(path) or "."
    remove_stale_temps(directory)
    with _TempGuard() as guard:
        try:
            fd, guard.temp = _open_temp(directory, path.name)
        except OSError as error:
            raise FileError(f"{path}: cannot write: {_why(error)}") from None
        try:
            _write_all(fd, data)
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
            os.fsync(fd)
            os.link(guard.temp, path)  # fails if the file appeared meanwhile
            _fsync_directory(directory)
        except OSError as error:
            raise FileError(f"{path}: cannot write: {_why(error)}") from None
        finally:
            os.close(fd)
            _discard(guard.temp)
            guard.temp = None


def write_atomic(path: Path, text: str) -> None:
    """Replace the file ``path`` with ``text``; a failure leaves it as it was.

    The file must be one the user may write (else FileError "PATH: cannot write: permission
    denied", and it is left alone). It is replaced in one step (a temporary file in the same
    directory, then a rename) with its owner and mode. Where that cannot be done (the directory
    is read-only, or the owner could not be kept) it is written in place instead. A symbolic
    link stays a link: the file it points to is written. Messages name ``path`` as given."""
    data = encode(text)
    target = os.path.realpath(path)
    try:
        status = os.stat(target)
    except OSError as error:
        raise FileError(f"{path}: cannot write: {_why(error)}") from None
    if not stat.S_ISREG(status.st_mode):
        raise FileError(f"{path}: not a regular file ({_kind(status.st_mode)})")
    if not _access(target, os.W_OK):
        why = "read-only file system" if _read_only_fs(target) else "permission denied"
        raise FileError(f"{path}: cannot write: {why}")
    directory = os.path.dirname(target)
    remove_stale_temps(directory)

    directory_problem: str | None = None
    if not _access(directory, os.W_OK | os.X_OK):
        directory_problem = "permission denied"
    elif _owner_can_be_kept(status):
        try:
            _replace(target, data, status)
            return
        except _NoTemp as failure:
            if failure.error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise FileError(f"{path}: cannot write: {_why(failure.error)}") from None
            directory_problem = _why(failure.error)
        except _OwnerWouldChange:
            pass
        except OSError as error:
            raise FileError(f"{path}: cannot write: {_why(error)}") from None
    try:
        _write_in_place(target, data)
    except OSError as error:
        if directory_problem is not None:
            shown = os.path.dirname(path) or "."
            if os.path.realpath(shown) != directory:
                shown = directory
            raise FileError(
                f"{path}: cannot write: no temporary file can be made in the directory {shown} "
                f"({directory_problem.lower()}), and writing the file in place failed ({_why(error)})"
            ) from None
        raise FileError(f"{path}: cannot write: {_why(error)}") from None


def _owner_can_be_kept(status: os.stat_result) -> bool:
    """Whether a new file can be given the owner of the old one (only root gives files away)."""
    return not hasattr(os, "geteuid") or os.geteuid() in (0, status.st_uid)


def _replace(target: str, data: bytes, status: os.stat_result) -> None:
    """``data`` in a temporary file beside ``target``, with its owner and mode, renamed over it."""
    directory = os.path.dirname(target)
    with _TempGuard() as guard:
        try:
            fd, guard.temp = _open_temp(directory, os.path.basename(target))
        except OSError as error:
            raise _NoTemp(error) from None
        try:
            _write_all(fd, data)
            mine = os.fstat(fd)
            if (mine.st_uid, mine.st_gid) != (status.st_uid, status.st_gid):
                try:
                    os.fchown(fd, status.st_uid, status.st_gid)
                except PermissionError:  # a group the user is not in
                    raise _OwnerWouldChange() from None
            os.fchmod(fd, stat.S_IMODE(status.st_mode))  # after chown, which may clear set-id bits
            os.fsync(fd)
            os.replace(guard.temp, target)
            guard.temp = None
            _fsync_directory(directory)
        finally:
            os.close(fd)
            _discard(guard.temp)
            guard.temp = None


def _write_in_place(target: str, data: bytes) -> None:
    """Overwrite the file itself (opened r+b: write, truncate, fsync). Not atomic, so the
    stopping signals are held back meanwhile, and a failure puts the old bytes back."""
    fd = os.open(target, os.O_RDWR | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, f"not a regular file ({_kind(status.st_mode)})")
        old = os.pread(fd, max(status.st_size, 0), 0) if status.st_size else b""
        with _signals_held():
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                _write_all(fd, data)
                os.ftruncate(fd, len(data))
                os.fsync(fd)
            except OSError:
                with contextlib.suppress(OSError):
                    os.lseek(fd, 0, os.SEEK_SET)
                    _write_all(fd, old)
                    os.ftruncate(fd, len(old))
                    os.fsync(fd)
                raise
    finally:
        os.close(fd)
