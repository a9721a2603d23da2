"""merge-runs with cache mounts (``--cache-mounts``): caches kept in ``RUN --mount=type=cache``
instead of deleted, under the same rules as the cleanup it replaces."""

from __future__ import annotations

from click.testing import CliRunner

import codemod
from codemod.cli import cli
from codemod.engine import refactor
from codemod.passes import Context
from reference import buildkit

MOUNTS = Context(cache_mounts=True)
APT = "--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked"


def _mounted(text: str) -> str:
    result = refactor(text, passes=["merge-runs"], context=MOUNTS)
    assert codemod.parse(result.text).render() == result.text
    assert buildkit(result.text) is not None
    assert not refactor(result.text, passes=["merge-runs"], context=MOUNTS).changed
    return result.text


def test_apt_caches_go_to_locked_mounts_with_docker_clean_off() -> None:
    out = _mounted("FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n")
    assert out == f"FROM debian:bookworm\nRUN {APT} rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install -y curl\n"


def test_docker_clean_already_off_is_not_removed_again() -> None:
    text = "FROM debian:bookworm\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN apt-get update && apt-get install -y curl\n"
    assert _mounted(text) == text.replace("RUN apt-get", f"RUN {APT} apt-get")


def test_pip_and_npm_caches_mounted_under_root() -> None:
    out = _mounted("FROM python:3.12\nRUN pip install flask\n")
    assert out == "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n"
    out = _mounted("FROM node:20\nRUN npm ci\n")
    assert out == "FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n"


def test_a_later_step_that_needs_the_lists_keeps_them_in_the_image() -> None:
    text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n"
    result = refactor(text, passes=["merge-runs"], context=MOUNTS)
    assert result.text == text
    assert any("the mounts take the index out of the image" in d.message for d in result.diagnostics)


def test_non_root_user_gets_no_mount() -> None:
    text = "FROM python:3.12\nUSER app\nRUN pip install --user flask\n"
    result = refactor(text, passes=["merge-runs"], context=MOUNTS)
    assert result.text == text
    assert any("does not run as root" in d.message for d in result.diagnostics)


def test_old_frontend_falls_back_to_deleting_and_says_why() -> None:
    text = "# syntax=docker/dockerfile:1.1\nFROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
    result = refactor(text, passes=["merge-runs"], context=MOUNTS)
    assert "rm -rf /var/lib/apt/lists/*" in result.text and "--mount" not in result.text
    assert any("has no RUN --mount (it came with 1.2)" in d.message for d in result.diagnostics)


def test_existing_syntax_line_stays_first_and_none_is_added() -> None:
    text = "# syntax=docker/dockerfile:1\nFROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
    out = _mounted(text)
    assert out.startswith("# syntax=docker/dockerfile:1\nFROM debian:bookworm\nRUN --mount=")
    assert _mounted("FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n").count("syntax") == 0


def test_apk_keeps_no_cache_in_mount_mode() -> None:
    assert _mounted("FROM alpine:3.19\nRUN apk add curl\n") == "FROM alpine:3.19\nRUN apk add --no-cache curl\n"


def test_cli_option(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.12\nRUN pip install flask\n")
    done = CliRunner().invoke(cli, ["--write", "--cache-mounts", "--select", "merge-runs", str(path)])
    assert done.exit_code == 0, done.output
    assert path.read_text() == "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n"
