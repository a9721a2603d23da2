"""codemod.files under hostile conditions: special files, permissions, links, signals, kill -9,
a full disk, the names of Dockerfiles, .gitignore.

The permission tests need root (they drop to uid 65534 in a child process); they are skipped,
saying so, otherwise. Every test cleans up what it makes, child processes included."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

import codemod
from codemod import files
from codemod.files import (
    MAX_BYTES,
    FileError,
    create_atomic,
    discover,
    gitignore_matcher,
    is_dockerfile,
    read,
    remove_stale_temps,
    write_atomic,
)

ROOT = Path(__file__).resolve().parents[1]
NOBODY = 65534
OLD = "FROM alpine:3.20 AS runtime\nRUN echo old\n"
NEW = "FROM alpine:3.20 AS runtime\nRUN echo new && echo newer\n"
TEMP = re.compile(r"\A\..+\.[0-9]+\.[0-9a-f]{12}\.tmp\Z")

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="needs root, to make files of another owner and drop to an unprivileged uid",
)


def temps(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if TEMP.match(p.name))


def python(code: str, *args: str, user: int | None = None, memory: int | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with ``files`` imported (then as ``user``, with at
    most ``memory`` bytes of address space); output as text."""
    prelude = "import os, sys, signal, time\nfrom pathlib import Path\nfrom codemod import files\n"
    if user is not None:
        prelude += f"os.setgroups([]); os.setgid({user}); os.setuid({user})\n"

    def limit() -> None:
        if memory is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", prelude + code, *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env, preexec_fn=limit,
    )


TRY_WRITE = """
try:
    files.write_atomic(Path(sys.argv[1]), sys.argv[2])
    print("ok")
except files.FileError as error:
    print("error:", error)
"""


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory under /tmp that uid 65534 can reach (pytest's tmp_path is root's alone);
    removed afterwards whatever it holds."""
    path = Path(tempfile.mkdtemp(prefix="msb-files-safety-"))
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------------------------------
# 1. Only regular files are read


READ = """
try:
    files.read(Path(sys.argv[1]))
    print("read")
except files.FileError as error:
    print("error:", error)
"""


def test_read_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "Dockerfile"
    os.mkfifo(fifo)
    try:
        done = python(READ, str(fifo), timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("read() blocked on a FIFO")
    assert done.stdout.strip() == f"error: {fifo}: not a regular file (a FIFO)", done.stderr


def test_read_refuses_a_link_to_a_device(tmp_path: Path) -> None:
    link = tmp_path / "Dockerfile"
    link.symlink_to("/dev/zero")
    try:
        done = python(READ, str(link), memory=1 << 30, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("read() kept reading /dev/zero")
    assert done.stdout.strip() == f"error: {link}: not a regular file (a character device)", done.stderr


def test_read_refuses_a_socket_and_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(FileError) as caught:
            read(path)
        assert str(caught.value) == f"{path}: not a regular file (a socket)"
    finally:
        server.close()
        path.unlink()
    path.mkdir()
    with pytest.raises(FileError, match=re.escape(f"{path}: not a regular file (a directory)")):
        read(path)


def test_read_refuses_files_over_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "Dockerfile"
    with open(big, "wb") as handle:  # sparse: no disk used
        handle.truncate(int(9.5 * 1024 * 1024))
    with pytest.raises(FileError) as caught:
        read(big)
    assert str(caught.value) == f"{big}: 9.5 MiB is over the 4 MiB limit of a Dockerfile"
    just = tmp_path / "Dockerfile.max"
    with open(just, "wb") as handle:
        handle.truncate(MAX_BYTES)
    assert len(read(just)) == MAX_BYTES
    with open(just, "ab") as handle:
        handle.write(b"x")
    with pytest.raises(FileError, match=r"4\.1 MiB is over the 4 MiB limit"):  # rounded up, never "4 MiB"
        read(just)
    assert read(just, max_bytes=MAX_BYTES + 1).endswith("x")


def test_walk_skips_what_is_not_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "Containerfile").write_text(OLD)
    os.mkfifo(tmp_path / "Dockerfile")
    (tmp_path / "zero.Dockerfile").symlink_to("/dev/zero")
    (tmp_path / "Dockerfile.dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "dir.Dockerfile").mkdir()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock.Dockerfile"))
        assert [p.name for p in discover([str(tmp_path)])] == ["Containerfile"]
    finally:
        server.close()


def test_a_special_file_named_explicitly_is_given_to_read(tmp_path: Path) -> None:
    fifo = tmp_path / "Dockerfile"
    os.mkfifo(fifo)
    assert list(discover([str(fifo)])) == [fifo]


# ------------------------------------------------------------------------------------------
# 2. Permissions


@needs_root
def test_read_only_file_is_not_written(shared_dir: Path) -> None:
    os.chown(shared_dir, NOBODY, NOBODY)
    path = shared_dir / "Dockerfile"
    path.write_text(OLD)
    os.chown(path, NOBODY, NOBODY)
    os.chmod(path, 0o444)
    link = shared_dir / "link.Dockerfile"
    link.symlink_to(path.name)
    for given in (path, link):
        done = python(TRY_WRITE, str(given), NEW, user=NOBODY)
        assert done.stdout.strip() == f"error: {given}: cannot write: permission denied", done.stderr
    assert path.read_text() == OLD
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert temps(shared_dir) == []


@needs_root
def test_file_of_another_owner_is_not_replaced(shared_dir: Path) -> None:
    os.chown(shared_dir, NOBODY, NOBODY)  # the directory is writable: a rename would succeed
    path = shared_dir / "Dockerfile"
    path.write_text(OLD)
    os.chmod(path, 0o644)
    before = path.stat()
    done = python(TRY_WRITE, str(path), NEW, user=NOBODY)
    assert done.stdout.strip() == f"error: {path}: cannot write: permission denied", done.stderr
    after = path.stat()
    assert path.read_text() == OLD
    assert (after.st_ino, after.st_uid, after.st_gid) == (before.st_ino, 0, 0)
    assert temps(shared_dir) == []


@needs_root
def test_writable_file_of_another_owner_keeps_its_owner(shared_dir: Path) -> None:
    """Writable by the user but not theirs: a rename would give it to them, so it is written in place."""
    os.chown(shared_dir, NOBODY, NOBODY)
    path = shared_dir / "Dockerfile"
    path.write_text(OLD)
    os.chmod(path, 0o666)
    before = path.stat()
    done = python(TRY_WRITE, str(path), NEW, user=NOBODY)
    assert done.stdout.strip() == "ok", done.stderr
    after = path.stat()
    assert path.read_text() == NEW
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (0, 0, 0o666)
    assert after.st_ino == before.st_ino
    assert temps(shared_dir) == []


@needs_root
def test_writable_file_in_a_read_only_directory_is_written_in_place(shared_dir: Path) -> None:
    path = shared_dir / "Dockerfile"  # the directory is root's, 0755
    path.write_text(OLD)
    os.chown(path, NOBODY, NOBODY)
    os.chmod(path, 0o640)
    before = path.stat()
    done = python(TRY_WRITE, str(path), NEW, user=NOBODY)
    assert done.stdout.strip() == "ok", done.stderr
    after = path.stat()
    assert path.read_text() == NEW
    assert (after.st_ino, after.st_uid, stat.S_IMODE(after.st_mode)) == (before.st_ino, NOBODY, 0o640)
    assert temps(shared_dir) == []


@needs_root
def test_root_replacing_a_file_keeps_its_owner_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(OLD)
    os.chown(path, NOBODY, NOBODY)
    os.chmod(path, 0o640)
    before = path.stat()
    write_atomic(path, NEW)
    after = path.stat()
    assert path.read_text() == NEW
    assert after.st_ino != before.st_ino  # replaced in one step, not rewritten in place
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (NOBODY, NOBODY, 0o640)


def test_when_nothing_can_be_written_the_message_blames_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(OLD)

    def no_temp(directory: str, name: str) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", directory)

    def no_write(target: str, data: bytes) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", target)

    monkeypatch.setattr(files, "_open_temp", no_temp)
    monkeypatch.setattr(files, "_write_in_place", no_write)
    with pytest.raises(FileError) as caught:
        write_atomic(path, NEW)
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot write: ")
    assert f"directory {tmp_path}" in message and "in place" in message
    assert path.read_text() == OLD


def test_messages_name_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    os.mkfifo("fifo.Dockerfile")
    Path("Dockerfile").symlink_to("fifo.Dockerfile")
    for given in ("fifo.Dockerfile", "Dockerfile"):
        with pytest.raises(FileError) as caught:
            write_atomic(Path(given), NEW)
        assert str(caught.value) == f"{given}: not a regular file (a FIFO)"
    assert stat.S_ISFIFO(os.stat("fifo.Dockerfile").st_mode)  # not replaced by a regular file
    with pytest.raises(FileError) as caught:
        write_atomic(Path("missing"), NEW)
    assert str(caught.value).startswith("missing: cannot write: ")


def test_a_link_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "Dockerfile"
    real.write_text(OLD)
    link = tmp_path / "Dockerfile"
    link.symlink_to("real/Dockerfile")
    write_atomic(link, NEW)
    assert link.is_symlink() and real.read_text() == NEW
    assert temps(tmp_path) == temps(tmp_path / "real") == []


def test_in_place_write_that_fails_puts_the_old_bytes_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(OLD)
    real_write = os.write
    calls = []

    def no_temp(directory: str, name: str) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", directory)

    def half_then_full(fd: int, data: bytes) -> int:  # the first call writes half, the second finds the disk full
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(files, "_open_temp", no_temp)
    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(FileError, match=re.escape(f"{path}: cannot write:") + ".*No space left on device"):
        write_atomic(path, NEW)
    monkeypatch.undo()
    assert path.read_text() == OLD


# ------------------------------------------------------------------------------------------
# 3. Links and duplicates


def test_a_file_reached_several_ways_is_found_once(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(OLD)
    (tmp_path / "prod.Dockerfile").symlink_to("Dockerfile")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").symlink_to("../Dockerfile")
    found = list(discover([str(tmp_path), str(tmp_path / "Dockerfile"), str(tmp_path / "sub"), f"{tmp_path}/./Dockerfile"]))
    assert found == [tmp_path / "Dockerfile"]  # the real path, not a link, where there is one
    seen: set[str] = set()  # across calls, as the command line makes one per argument
    assert list(discover([str(tmp_path)], seen=seen)) == [tmp_path / "Dockerfile"]
    assert list(discover([str(tmp_path / "prod.Dockerfile")], seen=seen)) == []


def test_links_are_followed_inside_the_root_only(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "Dockerfile").write_text(OLD)
    (root / "Dockerfile").symlink_to(outside / "Dockerfile")
    (root / "elsewhere").symlink_to(outside)
    (root / "templates").mkdir()
    (root / "templates" / "base").write_text(OLD)  # not a Dockerfile's name, but linked as one
    (root / "api.Dockerfile").symlink_to("templates/base")
    (root / "node_modules" / "pkg").mkdir(parents=True)  # never walked, but reached by a link
    (root / "node_modules" / "pkg" / "Dockerfile").write_text(OLD)
    (root / "vendored").symlink_to("node_modules/pkg")
    found = list(discover([str(root)]))
    assert found == [root / "api.Dockerfile", root / "vendored" / "Dockerfile"]
    # the link's own directory, named as the root, is walked: it is what the user asked for
    assert list(discover([str(root / "elsewhere")])) == [root / "elsewhere" / "Dockerfile"]


def test_link_loops_end(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "Dockerfile").write_text(OLD)
    (tmp_path / "a" / "b" / "up").symlink_to("..")
    (tmp_path / "a" / "self").symlink_to(".")
    (tmp_path / "root").symlink_to(tmp_path)
    (tmp_path / "x").symlink_to("y")
    (tmp_path / "y").symlink_to("x")
    done = threading.Event()
    found: list[Path] = []

    def walk() -> None:
        found.extend(discover([str(tmp_path)]))
        done.set()

    threading.Thread(target=walk, daemon=True).start()
    assert done.wait(20), "the walk did not end"
    assert found == [tmp_path / "a" / "b" / "Dockerfile"]


# ------------------------------------------------------------------------------------------
# 4. Temporary files, signals, kill -9, a full disk


def test_temporary_file_is_named_after_the_file_and_the_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(OLD)
    renamed: list[str] = []
    real_replace = os.replace

    def replace(source: str, target: str) -> None:
        renamed.append(os.path.basename(source))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    write_atomic(path, NEW)
    assert len(renamed) == 1 and re.fullmatch(rf"\.Dockerfile\.{os.getpid()}\.[0-9a-f]{{12}}\.tmp", renamed[0])


def test_signal_handlers_are_restored_after_a_write(tmp_path: Path) -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    path = tmp_path / "Dockerfile"
    path.write_text(OLD)
    write_atomic(path, NEW)
    create_atomic(tmp_path / "new.Dockerfile", NEW)
    with pytest.raises(FileError):
        create_atomic(tmp_path / "new.Dockerfile", NEW)
    assert {s: signal.getsignal(s) for s in before} == before


#: Writes argv[2] to argv[1] and stops (printing "paused") when the temporary file is written,
#: before it is flushed and renamed: a process caught in the middle of a write.
PAUSED_WRITER = """
for signum in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(signum, signal.SIG_DFL)
signal.signal(signal.SIGINT, signal.default_int_handler)
real_fsync = os.fsync
def fsync(fd):
    print("paused", flush=True)
    time.sleep(120)
    real_fsync(fd)
os.fsync = fsync
files.write_atomic(Path(sys.argv[1]), sys.argv[2])
print("finished", flush=True)
"""


def start_paused_writer(path: Path, text: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    prelude = "import os, sys, signal, time\nfrom pathlib import Path\nfrom codemod import files\n"
    child = subprocess.Popen(
        [sys.executable, "-c", prelude + PAUSED_WRITER, str(path), text],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    if line.strip() != "paused":
        child.kill()
        _, err = child.communicate()
        pytest.fail(f"the writer did not start: {line!r} {err}")
    return child


def stop(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        child.kill()
    child.communicate(timeout=30)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["TERM", "INT", "HUP"])
def test_a_stopping_signal_removes_the_temporary_file(tmp_path: Path, signum: int) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(OLD)
    child = start_paused_writer(path, NEW)
    try:
        assert len(temps(tmp_path)) == 1
        child.send_signal(signum)
        child.wait(timeout=30)
        assert child.returncode == -signum  # it still dies of the signal
    finally:
        stop(child)
    assert path.read_text() == OLD
    assert temps(tmp_path) == []


def test_temp_of_a_killed_writer_is_removed_by_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(OLD)
    child = start_paused_writer(path, NEW)
    try:
        left = temps(tmp_path)
        assert len(left) == 1 and f".{child.pid}." in left[0]
        child.kill()  # SIGKILL: no handler runs
        child.wait(timeout=30)
    finally:
        stop(child)
    assert temps(tmp_path) == left and path.read_text() == OLD
    other = tmp_path / "prod.Dockerfile"
    other.write_text(OLD)
    write_atomic(other, NEW)
    assert temps(tmp_path) == []
    assert path.read_text() == OLD and other.read_text() == NEW


def test_temps_of_a_running_writer_are_kept(tmp_path: Path) -> None:
    """Two runs at once do not delete each other's temporary files."""
    path = tmp_path / "Dockerfile"
    path.write_text(OLD)
    child = start_paused_writer(path, NEW)
    try:
        left = temps(tmp_path)
        assert remove_stale_temps(tmp_path) == []
        other = tmp_path / "prod.Dockerfile"
        other.write_text(OLD)
        write_atomic(other, NEW)
        create_atomic(tmp_path / "dev.Dockerfile", NEW)
        assert temps(tmp_path) == left
    finally:
        stop(child)
    assert remove_stale_temps(tmp_path) == [tmp_path / left[0]]
    assert temps(tmp_path) == [] and path.read_text() == OLD


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.mark.skipif(files.fcntl is None, reason="no flock on this system")
def test_remove_stale_temps_touches_nothing_else(tmp_path: Path) -> None:
    import fcntl

    pid = dead_pid()
    stale = tmp_path / f".Dockerfile.{pid}.0123456789ab.tmp"
    stale.write_text(OLD)
    kept = [
        tmp_path / "Dockerfile",
        tmp_path / f".Dockerfile.{pid}.xyz.tmp",  # not our random part
        tmp_path / f"Dockerfile.{pid}.0123456789ab.tmp",  # not hidden
        tmp_path / f".Dockerfile.{pid}.0123456789ab.tmp.bak",
        tmp_path / f".Dockerfile.{os.getpid()}.0123456789ab.tmp",  # a live process's (this one)
        tmp_path / f".locked.{pid}.0123456789ab.tmp",  # locked: a writer in another pid namespace
    ]
    for path in kept:
        path.write_text(OLD)
    (tmp_path / f".dir.{pid}.0123456789ab.tmp").mkdir()
    (tmp_path / f".link.{pid}.0123456789ab.tmp").symlink_to("Dockerfile")
    with open(tmp_path / f".locked.{pid}.0123456789ab.tmp", "rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert remove_stale_temps(tmp_path) == [stale]
    assert not stale.exists()
    assert all(path.read_text() == OLD for path in kept)
    assert (tmp_path / f".dir.{pid}.0123456789ab.tmp").is_dir()
    assert (tmp_path / f".link.{pid}.0123456789ab.tmp").is_symlink()
    assert remove_stale_temps(tmp_path / "missing") == []


def test_create_atomic_removes_stale_temps_too(tmp_path: Path) -> None:
    stale = tmp_path / f".new.Dockerfile.{dead_pid()}.0123456789ab.tmp"
    stale.write_text(OLD)
    create_atomic(tmp_path / "new.Dockerfile", NEW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.Dockerfile"]


MANY_WRITES = """
for index, name in enumerate(sys.argv[2:]):
    files.write_atomic(Path(sys.argv[1]) / name, NEW)
    print(index, flush=True)
"""


def test_kill_9_in_the_middle_of_many_writes(tmp_path: Path) -> None:
    """Every file is the old text or the new one, whole; the temporary files left are removed."""
    count = 2000
    names = [f"{i:04}.Dockerfile" for i in range(count)]
    for name in names:
        (tmp_path / name).write_text(OLD)
    code = f"NEW = {NEW!r}\n" + MANY_WRITES
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    prelude = "import os, sys, signal, time\nfrom pathlib import Path\nfrom codemod import files\n"
    child = subprocess.Popen(
        [sys.executable, "-c", prelude + code, str(tmp_path), *names],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert child.stdout is not None
        for _ in range(100):  # let it get going, then kill it wherever it is
            if not child.stdout.readline():
                break
        time.sleep(0.05)
        child.kill()
        child.wait(timeout=30)
    finally:
        stop(child)
    texts = [(tmp_path / name).read_text() for name in names]
    assert set(texts) <= {OLD, NEW}
    assert OLD in texts and NEW in texts, "the writer was not stopped in the middle"
    for text in texts:
        codemod.parse(text)
    remove_stale_temps(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == names


def test_a_full_disk_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(OLD)

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(FileError) as caught:
        write_atomic(path, NEW)
    with pytest.raises(FileError) as created:
        create_atomic(tmp_path / "new.Dockerfile", NEW)
    monkeypatch.undo()
    assert str(caught.value) == f"{path}: cannot write: No space left on device"
    assert str(created.value) == f"{tmp_path / 'new.Dockerfile'}: cannot write: No space left on device"
    assert path.read_text() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


# ------------------------------------------------------------------------------------------
# 5. Names


@pytest.mark.parametrize("name", [
    "Dockerfile", "dockerfile", "DOCKERFILE", "Dockerfile.prod", "Dockerfile-dev", "Dockerfile_prod",
    "prod.Dockerfile", "prod-Dockerfile", "api.dockerfile", "Containerfile", "containerfile",
    "Containerfile.dev", "Containerfile-dev", "Containerfile_ci", "app.Containerfile", "Dockerfile.alpine",
])
def test_dockerfile_names(name: str) -> None:
    assert is_dockerfile(name)


@pytest.mark.parametrize("name", [
    "Dockerfile.md", "Dockerfile.j2", "Dockerfile.jinja", "Dockerfile.jinja2", "Dockerfile.tmpl", "Dockerfile.tpl",
    "Dockerfile.template", "Dockerfile.in", "Dockerfile.bak", "Dockerfile.orig", "Dockerfile.rej", "Dockerfile.swp",
    "Dockerfile~", "Dockerfile.sample", "Dockerfile.example", "Dockerfile.txt", "Dockerfile.sh", "Dockerfile.py",
    "Dockerfile.yml", "Dockerfile.yaml", "Dockerfile.json", "Dockerfile.lock", "Dockerfile.dockerignore",
    "prod.Dockerfile.dockerignore", "Dockerfile.prod.j2", "prod.Dockerfile.bak", "DOCKERFILE.MD", "dockerfile.go",
    "dockerfile_parser.rs", "Dockerfile-old", "Containerfile.tmpl", "Dockerfiles", "notes.txt", "docker-compose.yml",
    ".Dockerfile.123.0123456789ab.tmp",
])
def test_names_that_are_not_dockerfiles(name: str) -> None:
    assert not is_dockerfile(name)


def test_the_name_rules_are_data() -> None:
    for rules in (files.PATTERNS, files.TEMPLATE_PATTERNS, files.BACKUP_PATTERNS, files.OTHER_FORMAT_PATTERNS):
        assert isinstance(rules, tuple) and all(isinstance(p, str) and p == p.lower() for p in rules)


# ------------------------------------------------------------------------------------------
# 6. .gitignore and exclude


@pytest.mark.parametrize(("lines", "path", "is_dir", "ignored"), [
    (["*.Dockerfile"], "a/b/x.Dockerfile", False, True),
    (["Dockerfile.dev"], "svc/Dockerfile.dev", False, True),  # no slash: at any depth
    (["/Dockerfile.dev"], "svc/Dockerfile.dev", False, False),  # anchored
    (["/Dockerfile.dev"], "Dockerfile.dev", False, True),
    (["svc/Dockerfile"], "svc/Dockerfile", False, True),  # a slash inside: anchored
    (["svc/Dockerfile"], "x/svc/Dockerfile", False, False),
    (["build/"], "build", True, True),
    (["build/"], "build", False, False),  # directories only
    (["build/"], "a/build", True, True),
    (["**/gen"], "a/b/gen", True, True),
    (["**/gen"], "gen", True, True),
    (["a/**/Dockerfile"], "a/Dockerfile", False, True),
    (["a/**/Dockerfile"], "a/x/y/Dockerfile", False, True),
    (["a/**"], "a/x/Dockerfile", False, True),
    (["a/**"], "a", True, False),
    (["*.Dockerfile", "!keep.Dockerfile"], "keep.Dockerfile", False, False),
    (["!keep.Dockerfile", "*.Dockerfile"], "keep.Dockerfile", False, True),  # the last match wins
    (["Dockerfile.[ab]"], "Dockerfile.a", False, True),
    (["Dockerfile.[!ab]"], "Dockerfile.a", False, False),
    (["Dockerfile.?"], "Dockerfile.c", False, True),
    (["a*b"], "a/b", False, False),  # * stops at /
    (["# Dockerfile", ""], "# Dockerfile", False, False),
    (["\\#Dockerfile"], "#Dockerfile", False, True),
    (["\\!Dockerfile"], "!Dockerfile", False, True),
    (["Dockerfile   "], "Dockerfile", False, True),  # trailing spaces dropped
    (["Dockerfile\\ "], "Dockerfile ", False, True),
])
def test_gitignore_matcher(lines: list[str], path: str, is_dir: bool, ignored: bool) -> None:
    assert gitignore_matcher(lines)(path, is_dir) is ignored


def make_tree(root: Path, paths: list[str]) -> None:
    for name in paths:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(OLD)


def test_walk_honours_the_gitignore_files_of_the_tree(tmp_path: Path) -> None:
    make_tree(tmp_path, [
        "Dockerfile", "top.Dockerfile", "x/top.Dockerfile", "build/Dockerfile", "a.gen.Dockerfile",
        "keep.gen.Dockerfile", "svc/Dockerfile", "svc/Dockerfile.local", "svc/deep/Dockerfile.local",
        "svc/deep/Dockerfile.dev", "other/Dockerfile.local", "other/Dockerfile.dev",
    ])
    (tmp_path / ".gitignore").write_text("# generated\nbuild/\n*.gen.Dockerfile\n!keep.gen.Dockerfile\n/top.Dockerfile\n")
    (tmp_path / "svc" / ".gitignore").write_text("Dockerfile.local\n/Dockerfile.dev\n")
    (tmp_path / "svc" / "deep" / ".gitignore").write_text("!Dockerfile.local\n")
    found = [p.relative_to(tmp_path).as_posix() for p in discover([str(tmp_path)])]
    assert found == [
        "Dockerfile", "keep.gen.Dockerfile", "other/Dockerfile.dev", "other/Dockerfile.local",
        "svc/Dockerfile", "svc/deep/Dockerfile.dev", "svc/deep/Dockerfile.local", "x/top.Dockerfile",
    ]
    assert len(list(discover([str(tmp_path)], gitignore=False))) == 12
    # a .gitignore of the walked directory applies relative to it, wherever the walk starts
    assert [p.name for p in discover([str(tmp_path / "svc")])] == ["Dockerfile", "Dockerfile.dev", "Dockerfile.local"]


def test_a_special_gitignore_does_not_block_the_walk(tmp_path: Path) -> None:
    make_tree(tmp_path, ["Dockerfile"])
    os.mkfifo(tmp_path / ".gitignore")
    done = threading.Event()
    found: list[Path] = []

    def walk() -> None:
        found.extend(discover([str(tmp_path)]))
        done.set()

    threading.Thread(target=walk, daemon=True).start()
    if not done.wait(20):
        with open(os.open(tmp_path / ".gitignore", os.O_WRONLY | os.O_NONBLOCK), "wb"):
            pass  # let the blocked reader go
        pytest.fail("the walk blocked on a FIFO named .gitignore")
    assert found == [tmp_path / "Dockerfile"]


def test_exclude_patterns_are_relative_to_the_walked_directory(tmp_path: Path) -> None:
    make_tree(tmp_path, ["Dockerfile", "legacy/Dockerfile", "svc/legacy/Dockerfile", "svc/Dockerfile.ci", "ci.Dockerfile"])
    found = [p.relative_to(tmp_path).as_posix() for p in discover([str(tmp_path)], exclude=["/legacy/", "*.ci", "ci.*"])]
    assert found == ["Dockerfile", "svc/legacy/Dockerfile"]
    found = [p.relative_to(tmp_path).as_posix() for p in discover([str(tmp_path)], exclude=["legacy/", "!svc/legacy/"])]
    assert found == ["Dockerfile", "ci.Dockerfile", "svc/Dockerfile.ci", "svc/legacy/Dockerfile"]


def test_files_named_explicitly_are_processed_even_if_ignored(tmp_path: Path) -> None:
    make_tree(tmp_path, ["build/Dockerfile", "Dockerfile.dev"])
    (tmp_path / ".gitignore").write_text("build/\nDockerfile.dev\n")
    assert list(discover([str(tmp_path)])) == []
    named = [str(tmp_path / "build" / "Dockerfile"), str(tmp_path / "Dockerfile.dev")]
    assert list(discover(named, exclude=["*"])) == [Path(name) for name in named]
