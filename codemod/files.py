"""Finding Dockerfiles, reading them without losing a byte, writing them atomically."""

from __future__ import annotations

import fnmatch
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

#: File names that are Dockerfiles.
PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*")
#: Directories never walked into.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})

_UNSUPPORTED_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


class FileError(Exception):
    """A file that cannot be read, decoded or written; ``str()`` says which and why."""


def is_dockerfile(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in PATTERNS)


def discover(paths: Iterable[str]) -> Iterator[Path]:
    """The files named, and the Dockerfiles under the directories named, in a stable order."""
    seen: set[Path] = set()
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
                found.extend(Path(root) / f for f in files if is_dockerfile(f))
            candidates = sorted(found)
        else:
            candidates = [path]
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                yield candidate


def decode(data: bytes, name: str) -> str:
    """UTF-8, with stray bytes kept as surrogate escapes so that encode() gives them back."""
    for bom, encoding in _UNSUPPORTED_BOMS.items():
        if data.startswith(bom):
            raise FileError(f"{name}: the file is {encoding}; Dockerfiles are read as UTF-8")
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileError(f"{path}: cannot read: {error.strerror or error}") from None
    return decode(data, str(path))


def _temp_beside(path: Path, data: bytes) -> str:
    """A temporary file holding ``data``, flushed to disk, in the folder of ``path`` (so that a
    rename or link puts it in place in one step)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        _discard(temp)
        raise
    return temp


def _discard(temp: str | None) -> None:
    if temp is not None:
        try:
            os.unlink(temp)
        except OSError:
            pass


def create_atomic(path: Path, text: str) -> None:
    """Write a new file (mode 0644 less the umask) in one step; an existing file is an error
    (it was not there when the change was computed)."""
    data = encode(text)
    temp = None
    try:
        temp = _temp_beside(path, data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.link(temp, path)  # fails if the file appeared meanwhile
    except OSError as error:
        raise FileError(f"{path}: cannot write: {error.strerror or error}") from None
    finally:
        _discard(temp)


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (a temporary file in the same directory,
    then a rename), keeping the file's permissions and owner. A symbolic link stays a link:
    the file it points to is replaced. A failure leaves the file as it was."""
    data = encode(text)
    try:
        path = path.resolve(strict=True)
        status = path.stat()
    except OSError as error:
        raise FileError(f"{path}: cannot write: {error.strerror or error}") from None
    temp = None
    try:
        temp = _temp_beside(path, data)
        os.chmod(temp, stat.S_IMODE(status.st_mode))
        if hasattr(os, "chown") and (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(temp, status.st_uid, status.st_gid)
            except PermissionError:
                pass  # not ours to give away: the rewritten file belongs to whoever wrote it
        os.replace(temp, path)
        temp = None
    except OSError as error:
        raise FileError(f"{path}: cannot write: {error.strerror or error}") from None
    finally:
        _discard(temp)
