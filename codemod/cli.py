"""The command line: ``msb-refactor [--diff | --write | --check] PATH...``.

Exit status: 0 when nothing failed (and, with --check, nothing would change); 1 when --check
finds files that would change; 2 when a file could not be read, parsed or written, a pass
failed on it, or the options are wrong. One bad file never stops the others, and is never written.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import click

from . import __version__

if TYPE_CHECKING:  # the engine and the parser load when a file is processed, not for --help
    from .engine import Result


@dataclass
class _Tally:
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    #: The Context every file starts from (its path is filled in per file).
    context: Any = None
    #: Only the changes of class safe.
    safe_only: bool = False


def _split(values: Sequence[str]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _list_passes() -> str:
    from .passes import REGISTRY

    if not REGISTRY:
        return "no passes yet"
    width = max(len(p.name) for p in REGISTRY)
    return "\n".join(f"{p.name:<{width}}  [{p.safety}]  {p.summary}" for p in REGISTRY)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option("--diff", "mode", flag_value="diff", default=True, help="Print a unified diff; write nothing (default).")
@click.option("--write", "mode", flag_value="write", help="Rewrite the files in place (atomically).")
@click.option("--check", "mode", flag_value="check", help="Write nothing; exit 1 if any file would change.")
@click.option("--select", "selected", multiple=True, metavar="PASS,...", help="Run only these passes.")
@click.option("--skip", "skipped", multiple=True, metavar="PASS,...", help="Do not run these passes.")
@click.option("--explain", is_flag=True, help="Also print why each change was made (on stderr).")
@click.option("--stdin-filename", default="-", metavar="NAME", help="The name to show for standard input.")
@click.option("--list-passes", is_flag=True, help="List the passes and exit.")
@click.option(
    "--context", "build_context", metavar="DIR|none",
    help="The build context of the files (default: a compose or bake file that builds them, else the "
    "Dockerfile's directory when it holds every COPY source; 'none' for none).",
)
@click.option("--safe-only", is_flag=True, help="Make only the changes that keep the image the same (class safe).")
@click.option(
    "--cache-mounts", is_flag=True,
    help="merge-runs: keep package caches in RUN --mount=type=cache (BuildKit) instead of deleting them.",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
@click.version_option(__version__, prog_name="msb-refactor")
def cli(
    paths: tuple[str, ...],
    mode: str,
    selected: tuple[str, ...],
    skipped: tuple[str, ...],
    explain: bool,
    stdin_filename: str,
    list_passes: bool,
    build_context: str | None,
    safe_only: bool,
    cache_mounts: bool,
    quiet: bool,
) -> None:
    """Refactor Dockerfiles into lean, cache-friendly multi-stage builds.

    PATH is a Dockerfile, a directory (searched for Dockerfile, Dockerfile.*, *.Dockerfile,
    *.dockerfile, Containerfile), or - for standard input.
    """
    if list_passes:
        click.echo(_list_passes())
        return
    if not paths:
        raise click.UsageError("give at least one PATH (or - for standard input)")
    from .files import discover
    from .passes import Context, select

    try:
        passes = select(_split(selected) or None, _split(skipped))
    except KeyError as error:
        raise click.BadParameter(str(error.args[0]), param_hint="--select/--skip") from None

    tally = _Tally()
    tally.context = Context(cache_mounts=cache_mounts, build_context=build_context)
    tally.safe_only = safe_only
    would_change = False
    for name in paths:
        if name == "-":
            outcome = _run_stdin(stdin_filename, passes, mode, explain, tally)
        else:
            outcome = False
            targets = list(discover([name]))
            if not targets and Path(name).is_dir():
                continue
            for path in targets:
                outcome = _run_file(path, passes, mode, explain, tally) or outcome
        would_change = would_change or outcome

    if not quiet:
        verb = {"write": "changed", "diff": "would change", "check": "would change"}[mode]
        click.echo(
            f"{tally.changed} file{'s' if tally.changed != 1 else ''} {verb}, "
            f"{tally.unchanged} unchanged, {tally.failed} failed",
            err=True,
        )
    if tally.failed:
        sys.exit(2)
    if mode == "check" and would_change:
        sys.exit(1)


def _refactor(text: str, display: str, passes: Sequence, tally: _Tally) -> Result | None:
    from .engine import refactor
    from .errors import ParseError, RefactorError
    from .passes import Context

    try:
        context = dataclasses.replace(tally.context or Context(), path=display)
        only = (lambda offer: offer.safety == "safe") if tally.safe_only else None
        return refactor(text, passes=passes, context=context, only=only)
    except (ParseError, RefactorError) as error:
        click.echo(f"{display}:{error.line}:{error.column}: {error.message}", err=True)
        tally.failed += 1
        return None


def _report(result: Result, display: str, mode: str, explain: bool) -> None:
    for change in sorted(result.changes, key=lambda c: c.line):
        if mode == "check" or explain:
            click.echo(f"{display}:{change.line}: {change.pass_name}: {change.explanation} [{change.safety}]", err=True)
    for diagnostic in result.diagnostics:
        if diagnostic.severity == "error" or explain:
            click.echo(f"{display}:{diagnostic.line}: {diagnostic.pass_name}: {diagnostic.message}", err=True)


def _run_file(path: Path, passes: Sequence, mode: str, explain: bool, tally: _Tally) -> bool:
    from .files import read, write_atomic

    def write(text: str) -> None:
        write_atomic(path, text)

    return _run(str(path), lambda: read(path), write, passes, mode, explain, tally, always_write=False)


def _run_stdin(display: str, passes: Sequence, mode: str, explain: bool, tally: _Tally) -> bool:
    from .files import decode

    def write(text: str) -> None:
        sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
        sys.stdout.buffer.flush()

    return _run(display, lambda: decode(sys.stdin.buffer.read(), display), write, passes, mode, explain, tally, always_write=True)


def _run(
    display: str,
    load: Callable[[], str],
    write: Callable[[str], None],
    passes: Sequence,
    mode: str,
    explain: bool,
    tally: _Tally,
    *,
    always_write: bool,
) -> bool:
    """Read, refactor, report, then diff or write one input; True when it would change.
    ``always_write``: --write writes even an unchanged text (standard input goes to standard
    output, so that the command works as a filter)."""
    from .files import FileError

    try:
        text = load()
    except FileError as error:
        click.echo(str(error), err=True)
        tally.failed += 1
        return False
    result = _refactor(text, display, passes, tally)
    if result is None:
        return False
    _report(result, display, mode, explain)
    if mode == "write" and (result.changed or always_write):
        try:
            write(result.text)
            _write_files(result)
        except FileError as error:
            click.echo(str(error), err=True)
            tally.failed += 1
            return False
    elif mode == "diff" and result.changed:
        _echo_diff(result, display)
    if result.changed:
        tally.changed += 1
    else:
        tally.unchanged += 1
    return result.changed


def _write_files(result: Result) -> None:
    """The other files the changes write (a new .dockerignore, or entries added to one)."""
    from .files import create_atomic, write_atomic

    for edit in result.files:
        if edit.old is None:
            create_atomic(Path(edit.path), edit.new)
        elif edit.old != edit.new:
            write_atomic(Path(edit.path), edit.new)


def _echo_diff(result: Result, display: str) -> None:
    from .diff import unified_diff

    path = display[2:] if display.startswith("./") else display.lstrip("/")
    patch = unified_diff(result.original, result.text, path)
    for edit in result.files:
        patch += unified_diff(edit.old, edit.new, _shown(edit.path))
    sys.stdout.buffer.write(patch.encode("utf-8", "surrogateescape"))
    sys.stdout.buffer.flush()


def _shown(path: str) -> str:
    """A path for a patch header: relative to the working directory where it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path.lstrip("/")


def main(argv: Sequence[str] | None = None) -> None:
    """The console script: ``msb-refactor verify ...`` builds and compares images (a directory
    named ``verify`` is reached as ``./verify``); anything else refactors."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if args[:1] == ["verify"]:
        from .verify import verify_command

        verify_command.main(args=args[1:], prog_name="msb-refactor verify")
        return
    cli.main(args=args, prog_name="msb-refactor")


if __name__ == "__main__":  # pragma: no cover
    main()
