"""The command line: modes, exit codes, bad input, directories, standard input."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import cli
from codemod.diff import unified_diff
from codemod.files import discover, is_dockerfile, write_atomic

GOOD = "FROM alpine:3.20 AS runtime\nRUN echo hi\n"
BROKEN = "FROM alpine\nENV PATH\n"


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout_bytes.decode("utf-8", "surrogateescape"), result.stderr


def test_help_lists_the_modes() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for option in ("--diff", "--write", "--check", "--select", "--skip", "--explain"):
        assert option in out


def test_needs_a_path() -> None:
    code, _, err = run()
    assert code == 2 and "PATH" in err


def test_unchanged_file_prints_no_diff(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(GOOD)
    code, out, err = run(str(path))
    assert (code, out) == (0, "")
    assert "0 files would change, 1 unchanged, 0 failed" in err


def test_parse_error_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text(BROKEN)
    before = bad.read_bytes()
    for mode in ("--diff", "--write", "--check"):
        code, out, err = run(mode, str(bad))
        assert code == 2, mode
        assert f"{bad}:2:5: ENV must have two arguments" in err
        assert bad.read_bytes() == before


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text(BROKEN)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "Dockerfile").write_text(GOOD)
    code, _, err = run("--check", str(tmp_path))
    assert code == 2
    assert "0 files would change, 1 unchanged, 1 failed" in err


def test_unreadable_and_undecodable_files_fail_cleanly(tmp_path: Path) -> None:
    missing = tmp_path / "Dockerfile.missing"
    code, _, err = run(str(missing))
    assert code == 2 and str(missing) in err and "cannot read" in err
    utf16 = tmp_path / "Dockerfile.utf16"
    utf16.write_bytes("FROM a\n".encode("utf-16"))
    code, _, err = run(str(utf16))
    assert code == 2 and "UTF-16" in err


def test_unknown_pass_is_a_usage_error() -> None:
    code, _, err = run("--select", "no-such-pass", "-")
    assert code == 2 and "no-such-pass" in err


def test_stdin(tmp_path: Path) -> None:
    code, out, err = run("-", input=GOOD.encode())
    assert (code, out) == (0, "")
    code, out, _ = run("--write", "-", input=b"FROM a AS runtime\r\nRUN x")
    assert (code, out) == (0, "FROM a AS runtime\r\nRUN x")
    code, _, err = run("--stdin-filename", "svc/Dockerfile", "-", input=BROKEN.encode())
    assert code == 2 and "svc/Dockerfile:2:5:" in err


def test_directories_are_walked_for_dockerfiles(tmp_path: Path) -> None:
    names = ["Dockerfile", "Dockerfile.prod", "api.Dockerfile", "web.dockerfile", "Containerfile", "notes.txt", "Dockerfile-old"]
    for name in names:
        (tmp_path / name).write_text(GOOD)
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "Dockerfile").write_text(GOOD)
    found = sorted(p.name for p in discover([str(tmp_path)]))
    assert found == sorted(["Dockerfile", "Dockerfile.prod", "api.Dockerfile", "web.dockerfile", "Containerfile"])
    assert is_dockerfile("Containerfile.dev") and not is_dockerfile("dockerfile.txt")


def test_write_atomic_keeps_mode_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM a\r\n")
    os.chmod(path, 0o640)
    write_atomic(path, "FROM b\r\n\udcff")
    assert path.read_bytes() == b"FROM b\r\n\xff"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]


def test_write_atomic_follows_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real.Dockerfile"
    real.write_text("FROM a\n")
    link = tmp_path / "Dockerfile"
    link.symlink_to(real.name)
    write_atomic(link, "FROM b\n")
    assert link.is_symlink() and real.read_text() == "FROM b\n"


def test_diff_keeps_crlf_and_marks_missing_newline() -> None:
    old = "FROM a\r\nRUN x"
    new = "FROM a\r\nRUN y\r\n"
    patch = unified_diff(old, new, "Dockerfile")
    assert patch.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n")
    assert "-RUN x\n\\ No newline at end of file\n+RUN y\r\n" in patch
    assert " FROM a\r\n" in patch
    assert unified_diff(old, old, "Dockerfile") == ""


def test_console_script_runs_outside_the_checkout(tmp_path: Path) -> None:
    """The installed command works from anywhere (the grammar ships inside the package)."""
    script = Path(sys.executable).parent / "msb-refactor"
    if not script.exists():
        pytest.skip("msb-refactor is not installed in this environment")
    (tmp_path / "Dockerfile").write_text(GOOD)
    env = dict(os.environ, PYTHONPATH="")
    done = subprocess.run([str(script), "--check", "Dockerfile"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20 AS base\nRUN echo hi\nFROM base\n")
    done = subprocess.run([str(script), "--check", "Dockerfile"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Dockerfile:3: name-stages: "), done.stderr


TRANSACTION = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"


def test_check_lists_each_change_with_file_line_pass_and_safety(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(TRANSACTION)
    code, out, err = run("--check", str(path))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert not [line for line in lines if ": name-stages: " in line], "a single-stage file gets no stage name"
    assert any(line.startswith(f"{path}:2: merge-runs: joined 2 RUNs") and line.endswith("[safe]") for line in lines)
    assert any(line.startswith(f"{path}:2: merge-runs: removed apt's package lists") and line.endswith("[review]") for line in lines)
    assert path.read_text() == TRANSACTION


def test_select_and_skip_choose_passes(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:bookworm AS base\nRUN true\n" + TRANSACTION)
    _, out, _ = run("--select", "name-stages", str(path))
    assert "+FROM debian:bookworm AS runtime" in out and "apt-get install -y curl \\" not in out
    _, out, _ = run("--skip", "name-stages", str(path))
    assert "AS runtime" not in out and "+    && apt-get install -y curl \\" in out
    _, out, _ = run("--select", "name-stages,merge-runs", "--skip", "merge-runs", str(path))
    assert "AS runtime" in out and "&& apt-get" not in out


def test_diff_is_a_patch_and_write_applies_it(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(TRANSACTION.replace("\n", "\r\n").encode())
    os.chmod(path, 0o600)
    code, out, _ = run("--diff", str(path))
    assert code == 0 and out.startswith(f"--- a/{str(path).lstrip('/')}\n")
    assert "+RUN apt-get update \\\r\n" in out
    code, _, err = run("--write", str(path))
    assert code == 0 and "1 file changed" in err
    written = path.read_bytes()
    assert written.count(b"\r\n") == written.count(b"\n") == 4
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    code, out, _ = run("--check", str(path))
    assert (code, out) == (0, "")


def test_list_passes() -> None:
    code, out, _ = run("--list-passes")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "[safe / review]" in lines["merge-runs"] and "[safe / review]" in lines["name-stages"]
    assert "[review]" in lines["order-copies"] and "[review]" in lines["split-stages"]


def _unblock_fifo_after(fifo: Path, seconds: float) -> threading.Event:
    """A guard for a test that must not block on a FIFO: if a reader is still stuck in open()
    after ``seconds``, a writer opens and closes it so that the reader sees the end."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(seconds):
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass

    threading.Thread(target=watch, daemon=True).start()
    return done


def test_special_files_are_skipped_in_a_walk_and_an_error_when_named(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(GOOD)
    fifo = tmp_path / "prod.Dockerfile"
    os.mkfifo(fifo)
    done = _unblock_fifo_after(fifo, 10)
    try:
        code, _, err = run("--check", str(tmp_path))
        assert code == 0 and "0 files would change, 1 unchanged, 0 failed" in err
        code, _, err = run("--check", str(fifo))
        assert code == 2 and f"{fifo}: not a regular file (a FIFO)" in err
    finally:
        done.set()


def test_a_file_over_the_size_limit_fails_cleanly(tmp_path: Path) -> None:
    big = tmp_path / "Dockerfile"
    with open(big, "wb") as handle:  # sparse
        handle.truncate(int(9.5 * 1024 * 1024))
    code, _, err = run("--write", str(tmp_path))
    assert code == 2 and f"{big}: 9.5 MiB is over the 4 MiB limit of a Dockerfile" in err
    assert big.stat().st_size == int(9.5 * 1024 * 1024)


def test_gitignored_files_are_skipped_in_a_walk_but_not_when_named(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("legacy.Dockerfile\n")
    (tmp_path / "Dockerfile").write_text(GOOD)
    (tmp_path / "legacy.Dockerfile").write_text(BROKEN)
    code, _, err = run("--check", str(tmp_path))
    assert code == 0 and "0 files would change, 1 unchanged, 0 failed" in err
    code, _, err = run("--check", str(tmp_path / "legacy.Dockerfile"))
    assert code == 2 and "legacy.Dockerfile:2:5:" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root, to drop to uid 65534")
def test_write_refuses_a_file_the_user_may_not_write() -> None:
    import shutil
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="msb-cli-perm-"))
    try:
        os.chmod(directory, 0o755)
        os.chown(directory, 65534, 65534)
        path = directory / "Dockerfile"
        path.write_text(TRANSACTION)  # root's, 0644: a rename in the user's directory would replace it
        # A first run as root on the same file, writing nothing, loads what the command loads
        # lazily (the interpreter's own library may not be readable by uid 65534).
        code = (
            "import os, sys\nfrom codemod import cli\n"
            "try:\n    cli.main(['--diff', '-q', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print('--- as 65534', file=sys.stderr, flush=True)\n"
            "os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
            "cli.main(['--write', sys.argv[1]])\n"
        )
        root = Path(__file__).resolve().parents[1]
        done = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
            cwd=root, env=dict(os.environ, PYTHONPATH=str(root)),
        )
        assert done.returncode == 2, done.stderr
        assert f"{path}: cannot write: permission denied" in done.stderr.split("--- as 65534")[1]
        assert path.read_text() == TRANSACTION and path.stat().st_uid == 0
        assert sorted(p.name for p in directory.iterdir()) == ["Dockerfile"]
    finally:
        shutil.rmtree(directory, ignore_errors=True)
