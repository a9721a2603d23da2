"""The command line: ``msb-refactor [--diff | --write | --check] PATH...``.

Exit status: 0 when nothing failed (and, with --check, nothing would change); 1 when --check
finds files that would change; 2 when a file could not be read, parsed or written, a pass
failed on it, or the options are wrong. One bad file never stops the others, and is never written.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

import click

from . import __version__

if TYPE_CHECKING:  # the engine and the parser load when a file is processed, not for --help
    from .engine import Result


@dataclass(frozen=True)
class Options:
    """What the command line asked for, as every file's worker needs it (picklable)."""

    diff: bool = True
    write: bool = False
    check: bool = False
    #: From the command line; None when not given (then the configuration decides).
    select: tuple[str, ...] | None = None
    skip: tuple[str, ...] | None = None
    explain: bool = False
    safe_only: bool = False
    cache_mounts: bool = False
    build_context: str | None = None
    config: str | None = None
    isolated: bool = False
    quiet: bool = False
    exclude: tuple[str, ...] = ()
    #: Keep each file's report (for --statistics and --output-format).
    collect: bool = False
    #: The output format: text prints diffs and messages as they come.
    fmt: str = "text"
    #: Colour the diff (ANSI escapes).
    color: bool = False


@dataclass
class FileOutcome:
    """What processing one input produced, printed by the parent in input order."""

    display: str
    status: str  # "changed", "unchanged", "failed", "skipped"
    stdout: bytes = b""
    stderr: list[str] = field(default_factory=list)
    report: Any = None


def _split(values: Sequence[str]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _list_passes() -> str:
    from .passes import REGISTRY

    if not REGISTRY:
        return "no passes yet"
    width = max(len(p.name) for p in REGISTRY)
    kinds = {p.name: " / ".join(p.kinds) for p in REGISTRY}
    kind_width = max(len(k) for k in kinds.values()) + 2
    return "\n".join(f"{p.name:<{width}}  {'[' + kinds[p.name] + ']':<{kind_width}}  {p.summary}" for p in REGISTRY)


def _names(values: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    """The pass names of a repeatable --select/--skip; None when the option was not given."""
    if not values:
        return None
    names = _split(values)
    if not names:
        raise click.BadParameter("is empty: name at least one pass (see --list-passes)", param_hint=option)
    from .passes import by_name

    for name in names:
        try:
            by_name(name)
        except KeyError as error:
            raise click.BadParameter(str(error.args[0]), param_hint=option) from None
    return tuple(names)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing (the default). With --check: print it and exit 1 when files would change.")
@click.option("--write", is_flag=True, help="Rewrite the files in place (atomically).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
@click.option("--select", "selected", multiple=True, metavar="PASS,...", help="Run only these passes.")
@click.option("--skip", "skipped", multiple=True, metavar="PASS,...", help="Do not run these passes.")
@click.option("--explain", is_flag=True, help="Also print why each change was made (on stderr).")
@click.option("--stdin-filename", default="-", metavar="NAME", help="The name to show for standard input.")
@click.option("--list-passes", is_flag=True, help="List the passes with the classes of their changes, and exit.")
@click.option(
    "--context", "build_context", metavar="DIR|none",
    help="The build context of the files (default: the configuration's [contexts], a compose or bake file that builds "
    "them, else the Dockerfile's directory when it holds every COPY source; 'none' for none).",
)
@click.option("--safe-only", is_flag=True, help="Make only the changes that keep the image the same (class safe).")
@click.option(
    "--cache-mounts", is_flag=True,
    help="merge-runs: keep package caches in RUN --mount=type=cache (BuildKit) instead of deleting them.",
)
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this configuration file for every input.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--exclude", "excluded", multiple=True, metavar="PATTERN", help="Leave out files matching PATTERN when walking directories (gitignore style).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default="the number of cores", help="Files processed at once (0: one per core).")
@click.option("--statistics", is_flag=True, help="After the run, print changes per pass and class, declines by reason, and failures (on stderr).")
@click.option(
    "--output-format", "fmt", type=click.Choice(["text", "json", "sarif", "github", "markdown"]), default="text", show_default=True,
    help="text: diffs and messages; the others print one report of every change on standard output instead of diffs.",
)
@click.option(
    "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
    help="Colour the diff: auto when standard output is a terminal and NO_COLOR is not set.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (and the diff or report asked for).")
@click.version_option(__version__, prog_name="msb-refactor")
def cli(
    paths: tuple[str, ...],
    show_diff: bool,
    write: bool,
    check: bool,
    selected: tuple[str, ...],
    skipped: tuple[str, ...],
    explain: bool,
    stdin_filename: str,
    list_passes: bool,
    build_context: str | None,
    safe_only: bool,
    cache_mounts: bool,
    config_file: str | None,
    isolated: bool,
    excluded: tuple[str, ...],
    jobs: int,
    statistics: bool,
    fmt: str,
    color: str,
    quiet: bool,
) -> None:
    """Refactor Dockerfiles into lean, cache-friendly multi-stage builds.

    PATH is a Dockerfile, a directory (searched for Dockerfile, dockerfile, Dockerfile.*,
    Dockerfile-*, *.Dockerfile, Containerfile and the like, leaving out templates and backups
    such as Dockerfile.j2 or Dockerfile.bak, what .gitignore, --exclude and the configuration
    exclude, and what is not a regular file), or - for standard input.

    \b
    Exit status:
      0  nothing failed (and, with --check, nothing would change)
      1  --check: files would change
      2  a file could not be read, parsed or written, a pass failed on it, or the options
         or configuration are wrong; such a file is never written
    """
    if list_passes:
        click.echo(_list_passes())
        return
    if write and (check or show_diff):
        raise click.UsageError("--write cannot be combined with --check or --diff (use --check --diff to see what would change and fail)")
    if not paths:
        raise click.UsageError("give at least one PATH (or - for standard input)")
    if paths.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    options = Options(
        diff=show_diff or not (write or check),
        write=write,
        check=check,
        select=_names(selected, "--select"),
        skip=_names(skipped, "--skip"),
        explain=explain and not quiet,
        safe_only=safe_only,
        cache_mounts=cache_mounts,
        build_context=build_context,
        config=config_file,
        isolated=isolated,
        quiet=quiet,
        exclude=tuple(excluded),
        collect=statistics or fmt != "text",
        fmt=fmt,
        color=_use_color(color),
    )
    from .passes import select

    if options.select is not None or options.skip is not None:
        if not select(options.select, options.skip or ()):
            raise click.UsageError("nothing to run: every selected pass is skipped")
    from .config import ConfigError

    try:
        outcomes = _process_all(_inputs(paths, options), options, stdin_filename, jobs)
    except ConfigError as error:
        click.echo(f"msb-refactor: {error}", err=True)
        sys.exit(2)
    _finish(outcomes, options, statistics)


def _inputs(paths: tuple[str, ...], options: Options) -> Iterator[str]:
    """Every file to process, each once (by resolved path), in a stable order; "-" kept. A
    generator: the workers start on the first files while the walk goes on."""
    from .config import for_path
    from .files import discover

    seen: set[str] = set()
    for name in paths:
        if name == "-":
            yield "-"
            continue
        walked = Path(name).is_dir()
        # The walk honours .gitignore and --exclude, skips what is not a regular file, follows
        # links inside the walked directory only, and gives each file once (by its real path).
        for candidate in discover([name], exclude=options.exclude, seen=seen):
            if walked:
                config = for_path(candidate, Path(options.config) if options.config else None, options.isolated)
                if config.excluded(candidate):
                    continue
            yield str(candidate)


class _Progress:
    """A one-line counter on a terminal's standard error for long runs (never in pipes or CI
    logs); cleared before anything else is printed."""

    def __init__(self, total: int, options: Options) -> None:
        import os

        self.total = total
        self.done = 0
        self.shown = False
        self.on = total >= 50 and not options.quiet and sys.stderr.isatty() and not os.environ.get("CI")

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
            self.shown = False

    def step(self) -> None:
        self.done += 1
        if self.on and (self.done % 20 == 0 or self.done == self.total):
            sys.stderr.write(f"\r\x1b[2K{self.done}/{self.total} files")
            sys.stderr.flush()
            self.shown = True


#: Files per task of the process pool.
_CHUNK = 32


def _process_chunk(names: list[str], options: Options) -> list[FileOutcome]:
    return [_process_path(name, options) for name in names]


_frozen = False


def _freeze_loaded() -> None:
    """After the first file: the parser's tables and the modules are loaded for good; the cycle
    collector stops scanning them (a full collection over them cost 0.1 ms a file)."""
    global _frozen
    if not _frozen:
        import gc

        gc.freeze()
        _frozen = True


def _process_all(inputs: Iterable[str], options: Options, stdin_filename: str, jobs: int) -> list[FileOutcome]:
    """Process every input; output in input order. With more than one worker, files go to a
    process pool in chunks as the walk finds them (once there are enough to be worth it)."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = jobs or os.cpu_count() or 1
    # ("stdin", None) | ("file", name) | ("chunk", future): in input order.
    items: list[tuple[str, Any]] = []
    pool: ProcessPoolExecutor | None = None
    waiting: list[str] = []  # files not yet given to the pool
    try:
        for name in inputs:
            if name == "-":
                items.append(("stdin", None))
                continue
            if workers <= 1:
                items.append(("file", name))
                continue
            waiting.append(name)
            if pool is None and len(waiting) >= 4 * workers:
                pool = ProcessPoolExecutor(max_workers=workers)
            if pool is not None and len(waiting) >= _CHUNK:
                items.append(("chunk", (pool.submit(_process_chunk, waiting, options), len(waiting))))
                waiting = []
        if waiting:
            if pool is not None:
                items.append(("chunk", (pool.submit(_process_chunk, waiting, options), len(waiting))))
            else:
                items.extend(("file", n) for n in waiting)
        return _collect(items, options, stdin_filename)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _collect(items: list[tuple[str, Any]], options: Options, stdin_filename: str) -> list[FileOutcome]:
    total = sum(value[1] if kind == "chunk" else 1 for kind, value in items)
    progress = _Progress(total, options)
    outcomes: list[FileOutcome] = []

    def emit(outcome: FileOutcome) -> None:
        if outcome.stdout or outcome.stderr:
            progress.clear()
        _emit(outcome, options)
        progress.step()
        # What the summary needs (the status, the report): the diff and the messages are
        # printed already, and keeping them would make a large run's memory grow with its output.
        outcomes.append(FileOutcome(outcome.display, outcome.status, report=outcome.report))

    for index, (kind, value) in enumerate(items):
        if kind == "stdin":
            emit(_process_stdin(stdin_filename, options))
        elif kind == "file":
            emit(_process_path(value, options))
        else:
            for outcome in value[0].result():
                emit(outcome)
            items[index] = ("done", None)  # the future (holding the chunk's outcomes) is let go
    progress.clear()
    return outcomes


def _use_color(choice: str) -> bool:
    """--color: always, never, or auto (a terminal, and NO_COLOR unset or empty)."""
    import os

    if choice != "auto":
        return choice == "always"
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


#: ANSI colours of a diff's lines, by their first bytes.
_COLORS = ((b"+++", b"\x1b[1m"), (b"---", b"\x1b[1m"), (b"@@", b"\x1b[36m"), (b"+", b"\x1b[32m"), (b"-", b"\x1b[31m"))


def _colored(patch: bytes) -> bytes:
    out = []
    for line in patch.splitlines(keepends=True):
        body = line.rstrip(b"\r\n")
        end = line[len(body):]
        for start, code in _COLORS:
            if body.startswith(start):
                line = code + body + b"\x1b[0m" + end
                break
        out.append(line)
    return b"".join(out)


def _emit(outcome: FileOutcome, options: Options) -> None:
    """Print what one file produced: the diff on stdout (text format), messages on stderr."""
    if options.fmt == "text" and outcome.stdout:
        sys.stdout.buffer.write(_colored(outcome.stdout) if options.color else outcome.stdout)
        sys.stdout.buffer.flush()
    for line in outcome.stderr:
        click.echo(line, err=True)


def _finish(outcomes: list[FileOutcome], options: Options, statistics: bool) -> None:
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in ("changed", "unchanged", "failed", "skipped")}
    if options.collect:
        from . import reports

        records = [o.report for o in outcomes if o.report is not None]
        mode = "write" if options.write else ("check" if options.check else "diff")
        if options.fmt != "text":
            sys.stdout.write(reports.render(records, options.fmt, mode))
            sys.stdout.flush()
        if statistics:
            click.echo(reports.statistics(records), err=True)
    if not options.quiet:
        verb = "changed" if options.write else "would change"
        changed, unchanged = counts["changed"], counts["unchanged"] + counts["skipped"]
        click.echo(f"{changed} file{'s' if changed != 1 else ''} {verb}, {unchanged} unchanged, {counts['failed']} failed", err=True)
    if counts["failed"]:
        sys.exit(2)
    if options.check and counts["changed"]:
        sys.exit(1)


# --- one file -------------------------------------------------------------------------------------


def _context_for(display: str, path: Path | None, options: Options) -> tuple[Any, Any, bool]:
    """(the Context and the passes) for one input, from the options and its configuration."""
    from .settings import settings_for

    settings = settings_for(
        display, path,
        select_passes=options.select, skip_passes=options.skip, safe_only=options.safe_only,
        cache_mounts=options.cache_mounts, build_context=options.build_context,
        config_file=options.config, isolated=options.isolated,
    )
    return settings.context, settings.passes, settings.safe_only


def _process_path(name: str, options: Options) -> FileOutcome:
    from .files import read, write_atomic

    path = Path(name)
    outcome = _process(name, path, lambda: read(path), lambda text: write_atomic(path, text), options)
    _freeze_loaded()
    return outcome


def _process_stdin(display: str, options: Options) -> FileOutcome:
    from .files import MAX_BYTES, decode

    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        outcome = FileOutcome(display, "failed", stderr=[f"{display}: standard input is over the {MAX_BYTES // (1024 * 1024)} MiB limit of a Dockerfile"])
        if options.collect:
            from . import reports

            outcome.report = reports.failed(display, outcome.stderr[0], kind=reports.READ_ERROR)
        return outcome
    written: list[bytes] = []
    outcome = _process(display, None, lambda: decode(data, display), lambda text: written.append(text.encode("utf-8", "surrogateescape")), options, stdin=True)
    if options.write:
        # standard input goes to standard output, so that the command works as a filter
        sys.stdout.buffer.write(written[0] if written else data)
        sys.stdout.buffer.flush()
    return outcome


def _process(
    display: str, path: Path | None, load: Callable[[], str], write: Callable[[str], None], options: Options, stdin: bool = False,
) -> FileOutcome:
    """Read, refactor, then diff or write one input; never raises for a bad file."""
    from .config import ConfigError
    from .engine import refactor
    from .errors import ParseError, RefactorError
    from .files import FileError

    outcome = FileOutcome(display, "unchanged")

    def fail(message: str, line: int | None = None, column: int | None = None) -> FileOutcome:
        outcome.status = "failed"
        outcome.stderr.append(message)
        if options.collect:
            from . import reports

            outcome.report = reports.failed(display, message, line, column)
        return outcome

    try:
        context, passes, safe_only = _context_for(display, path, options)
    except ConfigError as error:
        return fail(f"msb-refactor: {error}")
    try:
        text = load()
    except FileError as error:
        return fail(str(error))
    try:
        only = (lambda offer: offer.safety == "safe") if safe_only else None
        result = refactor(text, passes=passes, context=context, only=only)
    except (ParseError, RefactorError) as error:
        return fail(f"{display}:{error.line}:{error.column}: {error.message}", error.line, error.column)
    if not options.quiet:
        for change in sorted(result.changes, key=lambda c: c.line):
            if (options.check and options.fmt == "text") or options.explain:
                outcome.stderr.append(f"{display}:{change.line}: {change.pass_name}: {change.explanation} [{change.safety}]")
    for diagnostic in result.diagnostics:
        if diagnostic.severity == "error" or options.explain:
            outcome.stderr.append(f"{display}:{diagnostic.line}: {diagnostic.pass_name}: {diagnostic.message}")
    if options.write and (result.changed or stdin):
        try:
            write(result.text)
            _write_files(result)
        except FileError as error:
            return fail(str(error))
    elif options.diff and result.changed:
        outcome.stdout = _diff(result, display)
    outcome.status = "changed" if result.changed else "unchanged"
    if options.collect:
        from . import reports

        outcome.report = reports.from_result(display, result)
    return outcome


def _write_files(result: Result) -> None:
    """The other files the changes write (a new .dockerignore, or entries added to one)."""
    from .files import create_atomic, write_atomic

    for edit in result.files:
        if edit.old is None:
            create_atomic(Path(edit.path), edit.new)
        elif edit.old != edit.new:
            write_atomic(Path(edit.path), edit.new)


def _diff(result: Result, display: str) -> bytes:
    from .diff import unified_diff

    path = display[2:] if display.startswith("./") else display.lstrip("/")
    patch = unified_diff(result.original, result.text, path)
    for edit in result.files:
        patch += unified_diff(edit.old, edit.new, _shown(edit.path))
    return patch.encode("utf-8", "surrogateescape")


def _shown(path: str) -> str:
    """A path for a patch header: relative to the working directory where it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path.lstrip("/")


def main(argv: Sequence[str] | None = None) -> None:
    """The console script: ``msb-refactor verify ...`` builds and compares images, ``msb-refactor
    lsp`` is the language server (directories named ``verify`` or ``lsp`` are reached as
    ``./verify``, ``./lsp``); anything else refactors."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if args[:1] == ["verify"]:
        from .verify import verify_command

        verify_command.main(args=args[1:], prog_name="msb-refactor verify")
        return
    if args[:1] == ["lsp"]:
        try:
            from .lsp import lsp_command
        except ModuleNotFoundError as error:
            if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs"):
                raise
            click.echo(
                f"msb-refactor lsp: the language server needs pygls and lsprotocol ({error.name} is not installed): "
                "pip install 'msb-refactor[lsp]'",
                err=True,
            )
            sys.exit(2)
        lsp_command.main(args=args[1:], prog_name="msb-refactor lsp")
        return
    cli.main(args=args, prog_name="msb-refactor")


if __name__ == "__main__":  # pragma: no cover
    main()
