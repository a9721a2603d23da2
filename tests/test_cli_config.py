"""The command line over a repository: combined modes, configuration files, suppression
comments, parallel runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import cli
from codemod.config import Config, ConfigError, for_path
from codemod.engine import refactor

SPLIT_RUNS = "FROM debian:bookworm AS runtime\nRUN apt-get update\nRUN apt-get install -y curl\n"
SPLITTABLE = "FROM golang:1.22-bookworm\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n"


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout_bytes.decode("utf-8", "surrogateescape"), result.stderr


def _file(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- modes --------------------------------------------------------------------------------------


def test_check_with_diff_shows_the_diff_and_fails(tmp_path: Path) -> None:
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    code, out, _ = run("--check", "--diff", str(path))
    assert code == 1
    assert out.startswith("--- a/") and "+RUN apt-get update" in out
    code, out, _ = run("--diff", "--check", str(path))
    assert code == 1 and "+RUN apt-get update" in out
    assert path.read_text() == SPLIT_RUNS


def test_write_with_check_is_a_usage_error(tmp_path: Path) -> None:
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    code, _, err = run("--write", "--check", str(path))
    assert code == 2 and "--write cannot be combined" in err
    assert path.read_text() == SPLIT_RUNS


def test_empty_select_and_everything_skipped_are_errors(tmp_path: Path) -> None:
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    code, _, err = run("--select", "", str(path))
    assert code == 2 and "empty" in err
    code, _, err = run("--skip", "name-stages,order-copies,merge-runs,split-stages", str(path))
    assert code == 2 and "nothing to run" in err


def test_standard_input_twice_is_an_error() -> None:
    code, _, err = run("-", "-", input=SPLIT_RUNS.encode())
    assert code == 2 and "only once" in err


def test_quiet_prints_no_summary(tmp_path: Path) -> None:
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    code, out, err = run("-q", "--check", str(path))
    assert code == 1 and err == "" and out == ""


def test_help_documents_exit_codes() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "Exit status" in out and "--check: files would change" in out


# --- configuration ------------------------------------------------------------------------------


def test_closest_configuration_wins(tmp_path: Path) -> None:
    _file(tmp_path, "pyproject.toml", '[tool.msb-refactor]\nselect = ["name-stages"]\n')
    _file(tmp_path, "svc/.msb-refactor.toml", 'select = ["merge-runs"]\n')
    top = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    inner = _file(tmp_path, "svc/Dockerfile", SPLIT_RUNS)
    code, out, _ = run("--check", "--diff", str(tmp_path))
    assert code == 1
    assert "svc/Dockerfile" in out and "+RUN apt-get update" in out
    assert f"a/{str(top).lstrip('/')}" not in out  # name-stages leaves a single-stage file alone
    assert for_path(inner).select == ("merge-runs",)
    assert for_path(top).select == ("name-stages",)


def test_isolated_and_explicit_config(tmp_path: Path) -> None:
    _file(tmp_path, ".msb-refactor.toml", 'select = ["name-stages"]\n')
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    assert run("--check", str(path))[0] == 0
    assert run("--check", "--isolated", str(path))[0] == 1
    other = _file(tmp_path / "elsewhere", "msb.toml", 'select = ["merge-runs"]\n')
    assert run("--check", "--config", str(other), str(path))[0] == 1


def test_command_line_select_overrides_the_file(tmp_path: Path) -> None:
    _file(tmp_path, ".msb-refactor.toml", 'select = ["name-stages"]\n')
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    assert run("--check", "--select", "merge-runs", str(path))[0] == 1


def test_safe_only_from_the_file(tmp_path: Path) -> None:
    _file(tmp_path, ".msb-refactor.toml", "safe-only = true\n")
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    code, out, _ = run("--diff", str(path))
    assert "+RUN apt-get update" in out
    assert "rm -rf /var/lib/apt/lists" not in out  # the cleanup is review


def test_unknown_setting_names_the_file(tmp_path: Path) -> None:
    config = _file(tmp_path, ".msb-refactor.toml", "selct = ['merge-runs']\n")
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    code, _, err = run("--check", str(path))
    assert code == 2 and str(config) in err and "unknown setting 'selct'" in err
    bad = _file(tmp_path / "b", ".msb-refactor.toml", "select = [\n")
    with pytest.raises(ConfigError, match=str(bad)):
        for_path(bad.parent / "Dockerfile")


def test_exclude_and_extend_exclude(tmp_path: Path) -> None:
    _file(tmp_path, ".msb-refactor.toml", 'extend-exclude = ["legacy/**"]\n')
    _file(tmp_path, "legacy/old/Dockerfile", SPLIT_RUNS)
    kept = _file(tmp_path, "app/Dockerfile", SPLIT_RUNS)
    code, out, err = run("--check", "--diff", str(tmp_path))
    assert code == 1 and "app/Dockerfile" in out and "legacy" not in out
    assert "1 file would change, 0 unchanged" in err
    code, out, _ = run("--check", "--exclude", "app", str(tmp_path))
    assert code == 0 and out == ""
    assert kept.exists()


def test_runtime_image_override_reaches_split_stages(tmp_path: Path) -> None:
    _file(tmp_path, ".msb-refactor.toml", '[runtime-images]\n"golang:1.22*" = "gcr.io/distroless/base-debian12"\n')
    path = _file(tmp_path, "Dockerfile", SPLITTABLE)
    code, out, _ = run("--diff", "--select", "split-stages", str(path))
    assert "+FROM gcr.io/distroless/base-debian12 AS runtime" in out


def test_contexts_map_dockerfiles_to_a_directory(tmp_path: Path) -> None:
    config = Config(tmp_path / ".msb-refactor.toml", tmp_path, contexts=(("services/*/Dockerfile", "."),))
    assert config.context_for(tmp_path / "services" / "api" / "Dockerfile") == str(tmp_path.resolve())
    assert config.context_for(tmp_path / "tools" / "Dockerfile") is None


# --- suppression comments -----------------------------------------------------------------------


def test_skip_file_comment() -> None:
    text = "# msb-refactor: skip-file\n" + SPLIT_RUNS
    result = refactor(text)
    assert result.text == text and not result.changes


def test_ignore_comment_for_one_pass_on_one_instruction() -> None:
    text = "FROM debian:bookworm AS runtime\n# msb-refactor: ignore=merge-runs\nRUN apt-get update\nRUN apt-get install -y curl\n"
    result = refactor(text)
    assert result.text == text
    assert any(d.severity == "suppressed" and d.pass_name == "merge-runs" for d in result.diagnostics)
    other = refactor(text.replace("ignore=merge-runs", "ignore=name-stages"))
    assert other.changed


def test_ignore_comment_for_every_pass() -> None:
    text = "FROM golang:1.22-bookworm\n# msb-refactor: ignore\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n"
    assert not refactor(text, passes=["split-stages"]).changed
    assert refactor(text.replace("# msb-refactor: ignore\n", ""), passes=["split-stages"]).changed


def test_a_blank_line_ends_the_comment_block() -> None:
    text = "FROM debian:bookworm AS runtime\n# msb-refactor: ignore\n\nRUN apt-get update\nRUN apt-get install -y curl\n"
    assert refactor(text).changed


# --- parallel -----------------------------------------------------------------------------------


def test_jobs_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    for i in range(40):
        _file(tmp_path, f"s{i:02d}/Dockerfile", SPLIT_RUNS.replace("curl", f"curl{i}"))
    one = run("--check", "--diff", "-j", "1", str(tmp_path))
    two = run("--check", "--diff", "-j", "2", str(tmp_path))
    assert one == two
    assert one[0] == 1 and one[1].count("+++ b/") == 40
    order = [line for line in one[1].splitlines() if line.startswith("+++ b/")]
    assert order == sorted(order)


# --- reports ------------------------------------------------------------------------------------


def test_output_format_json_and_statistics(tmp_path: Path) -> None:
    import json

    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    bad = _file(tmp_path, "x/Dockerfile", "FROM alpine\nENV PATH\n")
    code, out, err = run("--check", "--statistics", "--output-format", "json", str(tmp_path))
    assert code == 2  # one file failed
    document = json.loads(out)
    by_path = {f["path"]: f for f in document["files"]}
    assert by_path[str(path)]["status"] == "changed"
    assert by_path[str(bad)]["status"] == "failed"
    assert any(c["pass_name"] == "merge-runs" for c in by_path[str(path)]["changes"])
    assert "merge-runs" in err and "[safe]" in err


def test_output_format_github_annotations(tmp_path: Path) -> None:
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    code, out, _ = run("--check", "--output-format", "github", str(path))
    assert code == 1
    assert out.startswith("::notice file=") and "merge-runs [safe]" in out


def test_color_always_and_never(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, "Dockerfile", SPLIT_RUNS)
    _, plain, _ = run("--diff", "--color", "never", str(path))
    _, colored, _ = run("--diff", "--color", "always", str(path))
    assert "\x1b[" not in plain
    assert "\x1b[32m+RUN apt-get update" in colored and "\x1b[31m-RUN apt-get update\x1b[0m" in colored
    assert colored.replace("\x1b[1m", "").replace("\x1b[36m", "").replace("\x1b[32m", "").replace("\x1b[31m", "").replace("\x1b[0m", "") == plain
    monkeypatch.setenv("NO_COLOR", "1")
    _, auto, _ = run("--diff", str(path))
    assert "\x1b[" not in auto


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from codemod.cli import Options, _Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.delenv("CI", raising=False)
    progress = _Progress(60, Options())
    for _ in range(60):
        progress.step()
    progress.clear()
    assert "60/60 files" in terminal.getvalue() and terminal.getvalue().endswith("\r\x1b[2K")
    assert not _Progress(60, Options(quiet=True)).on
    monkeypatch.setenv("CI", "true")
    assert not _Progress(60, Options()).on
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    monkeypatch.delenv("CI")
    assert not _Progress(60, Options()).on
