"""The pre-commit hooks: the manifest is what pre-commit itself accepts, and each hook's entry
does what it says on the files its patterns pick."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import cli
from conftest import ROOT

clientlib = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is not installed (pip install '.[test]')")


def _hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}


def test_manifest_is_valid_for_pre_commit() -> None:
    hooks = _hooks()
    assert set(hooks) == {"msb-refactor", "msb-refactor-write"}
    assert all(h["language"] == "python" for h in hooks.values())


@pytest.mark.parametrize("name,picked", [
    ("Dockerfile", True), ("svc/api/Dockerfile", True), ("dockerfile", True), ("Dockerfile.prod", True),
    ("prod.Dockerfile", True), ("Dockerfile-dev", True), ("Containerfile", True),
    ("Dockerfile.md", False), ("Dockerfile.j2", False), ("Dockerfile.bak", False), ("docs/dockerfile-guide.txt", False),
    ("Dockerfile.dockerignore", False), ("README.md", False),
])
def test_file_patterns(name: str, picked: bool) -> None:
    hook = _hooks()["msb-refactor"]
    matched = re.search(hook["files"], name) is not None and re.search(hook["exclude"], name) is None
    assert matched is picked


def test_entries_check_and_write(tmp_path: Path) -> None:
    hooks = _hooks()
    path = tmp_path / "Dockerfile"
    text = "FROM debian:bookworm AS runtime\nRUN apt-get update\nRUN apt-get install -y curl\n"
    path.write_text(text)
    check = shlex.split(hooks["msb-refactor"]["entry"])[1:]
    done = CliRunner().invoke(cli, [*check, str(path)])
    assert done.exit_code == 1 and "+RUN apt-get update" in done.stdout and path.read_text() == text
    write = shlex.split(hooks["msb-refactor-write"]["entry"])[1:]
    done = CliRunner().invoke(cli, [*write, str(path)])
    assert done.exit_code == 0 and path.read_text() != text
    assert CliRunner().invoke(cli, [*check, str(path)]).exit_code == 0
