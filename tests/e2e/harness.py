"""What the real-build tests share: the check that this machine can build, the refactoring
``verify`` computes, the build step of a RUN, and ``verify`` run for its JSON report."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from codemod import parse
from codemod.engine import refactor
from codemod.passes import Context, select


def cannot_build(reason: str) -> None:
    """Skip, saying why; where real builds are required (MSB_REQUIRE_REALBUILD=1, as in CI),
    fail instead: a suite that skipped proves nothing."""
    if os.environ.get("MSB_REQUIRE_REALBUILD") == "1":
        pytest.fail(f"real builds are required here, but {reason}")
    pytest.skip(reason)


def require_real_builds() -> None:
    """buildah and debootstrap are installed, and this is root (chroot isolation, a private store)."""
    if shutil.which("buildah") is None or shutil.which("debootstrap") is None:
        cannot_build("buildah and debootstrap are not installed (apt-get install buildah podman runc debootstrap)")
    if os.geteuid() != 0:
        cannot_build("the real builds need root (buildah's chroot isolation and a private store)")


def refactored(dockerfile: Path, only: str | None = None) -> tuple[str, list[str]]:
    """The refactored text and the passes that changed it, as ``verify`` computes them (the
    Dockerfile's directory is the build context)."""
    result = refactor(dockerfile.read_text(), passes=select([only] if only else None), context=Context(path=str(dockerfile)))
    return result.text, sorted({c.pass_name for c in result.changes})


def run_step(text: str, starts: str) -> tuple[int, int]:
    """(the build step, counted from 1 as buildah prints ``STEP n/N``, of the first RUN whose
    command starts with ``starts``; N). The samples are single-stage: every instruction is a step."""
    instructions = parse(text).instructions
    for number, instruction in enumerate(instructions, start=1):
        command = instruction.command
        if command is not None and command.name == "run" and command.args_text.startswith(starts):
            return number, len(instructions)
    raise AssertionError(f"no RUN {starts!r} in\n{text}")


def verify_report(store: Path, dockerfile: Path, name: str, *args: str) -> tuple[int, dict[str, Any]]:
    """``msb-refactor verify`` with buildah on ``store``: its exit code and JSON report."""
    from click.testing import CliRunner

    from codemod.verify import verify_command

    start = time.monotonic()
    argv = ["--engine", "buildah", "--root", str(store), "--format", "json", *args, str(dockerfile)]
    result = CliRunner().invoke(verify_command, argv)
    if result.exit_code == 2 and "the original does not build" in result.stdout:
        # The samples' originals build: one that did not met the machine (a mirror that did
        # not answer, a RUN that failed at once under load). Built again once, the same way.
        print(f"verify {' '.join(args)} {name}: the original did not build; again\n{result.stderr[-2000:]}")
        result = CliRunner().invoke(verify_command, argv)
    print(f"verify {' '.join(args)} {name}: exit {result.exit_code} in {time.monotonic() - start:.1f} s")
    if result.exit_code != 0:
        print(result.stderr[-4000:])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    try:
        report = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"verify printed no JSON report (exit {result.exit_code}):\n{result.stderr}{result.stdout}")
    return result.exit_code, report
