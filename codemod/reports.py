"""What a run did, as reports: plain text, JSON, SARIF 2.1.0, GitHub Actions annotations, and a
Markdown summary for a pull request; and the statistics of a run.

The command line turns each input into a :class:`FileReport` (``from_result`` for a refactored
file, ``failed`` or ``from_error`` for one that could not be read, parsed or refactored), then
calls ``render(reports, fmt, mode)``. Every format is deterministic: files sorted by path, the
changes of a file by line (changes on the same line keep the engine's order), and no colour.

    reports = [from_result("app/Dockerfile", result), failed("bad/Dockerfile", "ENV must ...", 2, 5)]
    print(render(reports, "sarif", "check"))
    print(statistics(reports))
"""

from __future__ import annotations

import collections
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Iterable, Sequence
from urllib.parse import quote

from . import __version__

if TYPE_CHECKING:  # the engine and the passes load when a report needs them
    from .engine import Result

#: The formats ``render`` writes.
FORMATS = ("text", "json", "sarif", "github", "markdown")

#: The version of the JSON document (``render(..., "json", ...)``): raised when a field changes
#: meaning or goes away; fields may be added without raising it.
JSON_VERSION = 1

#: The tool's name in SARIF and in annotation titles.
TOOL = "msb-refactor"

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

#: What stopped a file, as ``FileReport.error_kind`` and as the SARIF rule id of the failure.
PARSE_ERROR = "parse-error"
PASS_ERROR = "pass-error"
READ_ERROR = "read-error"
_FAILURE_RULES = {
    PARSE_ERROR: "The file is not a Dockerfile BuildKit accepts; it was left as it is.",
    PASS_ERROR: "A pass failed on the file (or did not settle); the file was left as it is.",
    READ_ERROR: "The file could not be read, decoded or written.",
}

_CLASSES = ("safe", "review")


@dataclass(frozen=True)
class ChangeRecord:
    """One change made (or that would be made) to a file."""

    pass_name: str
    #: "safe" (same image) or "review" (the image changes on purpose).
    safety: str
    #: Lines of the original file the change is about (1-based, inclusive).
    line: int
    end_line: int
    explanation: str
    #: The change's stable id (``Change.id``): ``--only`` style selection, fingerprints.
    id: str = ""


@dataclass(frozen=True)
class NoteRecord:
    """Something a pass saw and declined, and why."""

    pass_name: str
    line: int
    message: str


@dataclass
class FileReport:
    """What happened to one input."""

    #: The path as shown to the user (as given on the command line, or the stdin name).
    path: str
    #: "changed" (or would change), "unchanged" or "failed".
    status: str
    changes: list[ChangeRecord] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    #: What stopped the file, without its position (None unless failed).
    error: str | None = None
    error_line: int | None = None
    error_column: int | None = None
    #: PARSE_ERROR, PASS_ERROR or READ_ERROR when failed.
    error_kind: str | None = None
    #: Other files the changes write (a .dockerignore), by path.
    other_files: list[str] = field(default_factory=list)


def from_result(path: str, result: Result) -> FileReport:
    """A refactored file's report. A diagnostic of severity "error" (the passes did not settle)
    makes the file failed, with kind PASS_ERROR; the changes made are still listed. Every other
    diagnostic is a note."""
    changes = [ChangeRecord(c.pass_name, c.safety, c.line, c.end_line, c.explanation, c.id) for c in result.changes]
    notes = [NoteRecord(d.pass_name, d.line, d.message) for d in result.diagnostics if d.severity != "error"]
    errors = [d for d in result.diagnostics if d.severity == "error"]
    others = sorted(f.path for f in result.files if f.old != f.new)
    report = FileReport(path, "changed" if result.changed else "unchanged", changes, notes, other_files=others)
    if errors:
        report.status = "failed"
        report.error = "; ".join(f"{d.pass_name}: {d.message}" for d in errors)
        report.error_line = errors[0].line
        report.error_kind = PASS_ERROR
    return report


def failed(path: str, message: str, line: int | None = None, column: int | None = None, *, kind: str = PARSE_ERROR) -> FileReport:
    """A file that could not be refactored: ``message`` without its position, which goes in
    ``line`` and ``column`` (1-based) when known. ``kind``: PARSE_ERROR, PASS_ERROR or READ_ERROR."""
    if kind not in _FAILURE_RULES:
        raise ValueError(f"unknown failure kind {kind!r} (known: {', '.join(_FAILURE_RULES)})")
    return FileReport(path, "failed", error=message, error_line=line, error_column=column, error_kind=kind)


def from_error(path: str, error: Exception) -> FileReport:
    """``failed`` for an exception the command line catches: a ParseError (PARSE_ERROR), a
    RefactorError (PASS_ERROR) with their line and column, anything else (a FileError: cannot
    read, undecodable) as READ_ERROR with its text."""
    from .errors import ParseError, RefactorError

    if isinstance(error, ParseError):
        return failed(path, error.message, error.line, error.column, kind=PARSE_ERROR)
    if isinstance(error, RefactorError):
        return failed(path, error.message, error.line, error.column, kind=PASS_ERROR)
    return failed(path, str(error), kind=READ_ERROR)


# ----------------------------------------------------------------------------- ordering, counts


def _sorted(reports: Iterable[FileReport]) -> list[FileReport]:
    return sorted(reports, key=lambda r: r.path)


def _changes(report: FileReport) -> list[ChangeRecord]:
    return sorted(report.changes, key=lambda c: c.line)


def _notes(report: FileReport) -> list[NoteRecord]:
    return sorted(report.notes, key=lambda n: n.line)


def _pass_order() -> dict[str, int]:
    from .passes import REGISTRY

    return {p.name: i for i, p in enumerate(REGISTRY)}


def _class_order(safety: str) -> int:
    return _CLASSES.index(safety) if safety in _CLASSES else len(_CLASSES)


def _by_pass(reports: Sequence[FileReport]) -> list[tuple[str, str, int, int]]:
    """(pass, class, changes, files) for every pass and class that changed something, most
    changes first (then registry order, safe before review)."""
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    files: collections.defaultdict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for report in reports:
        for change in report.changes:
            counts[(change.pass_name, change.safety)] += 1
            files[(change.pass_name, change.safety)].add(report.path)
    order = _pass_order()
    keys = sorted(counts, key=lambda k: (-counts[k], order.get(k[0], len(order)), k[0], _class_order(k[1]), k[1]))
    return [(name, safety, counts[(name, safety)], len(files[(name, safety)])) for name, safety in keys]


def _status_counts(reports: Sequence[FileReport]) -> dict[str, int]:
    counts = collections.Counter(r.status for r in reports)
    return {status: counts[status] for status in ("changed", "unchanged", "failed")}


def fold(message: str) -> str:
    """A reason with its variable parts (quoted text) folded to '…', so that the same reason
    about different names is counted once (as scripts/corpus_report.py does)."""
    return re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)


def _declines(reports: Sequence[FileReport]) -> list[tuple[str, int]]:
    """("pass: folded reason", count), most common first, then by text."""
    reasons = collections.Counter(f"{n.pass_name}: {fold(n.message)}" for r in reports for n in r.notes)
    return sorted(reasons.items(), key=lambda item: (-item[1], item[0]))


def _failures(reports: Sequence[FileReport]) -> list[tuple[str, int]]:
    reasons = collections.Counter(f"{r.error_kind or PARSE_ERROR}: {fold(r.error or '')}" for r in reports if r.status == "failed")
    return sorted(reasons.items(), key=lambda item: (-item[1], item[0]))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _verb(mode: str) -> str:
    return "changed" if mode == "write" else "would change"


def statistics(reports: Sequence[FileReport]) -> str:
    """The counts of a run: changes per pass and class, files changed, unchanged and failed,
    declines by reason (quoted text folded to '…'), most common first; failures by reason."""
    reports = list(reports)
    lines = []
    by_pass = _by_pass(reports)
    declines = _declines(reports)
    failures = _failures(reports)
    width = max([5] + [len(str(n)) for _, _, n, _ in by_pass] + [len(str(n)) for _, n in declines + failures])
    total = sum(n for _, _, n, _ in by_pass)
    lines.append(f"changes: {total}")
    for name, safety, count, _ in by_pass:
        lines.append(f"{count:{width}d}  {name} [{safety}]")
    status = _status_counts(reports)
    lines.append(f"files: {status['changed']} changed, {status['unchanged']} unchanged, {status['failed']} failed")
    lines.append(f"declined: {sum(n for _, n in declines)}")
    for reason, count in declines:
        lines.append(f"{count:{width}d}  {reason}")
    if failures:
        lines.append(f"failed: {status['failed']}")
        for reason, count in failures:
            lines.append(f"{count:{width}d}  {reason}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- formats


def render(reports: Sequence[FileReport], fmt: str, mode: str) -> str:
    """The reports in format ``fmt`` (one of FORMATS); ``mode`` is the command line's mode
    ("diff", "write" or "check"): with "write" files are "changed", otherwise they "would change"."""
    renderers = {"text": _text, "json": _json, "sarif": _sarif, "github": _github, "markdown": _markdown}
    if fmt not in renderers:
        raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")
    return renderers[fmt](_sorted(reports), mode)


def _position(report: FileReport) -> str:
    if report.error_line is None:
        return ""
    return f"{report.error_line}:" + (f"{report.error_column}:" if report.error_column is not None else "")


def _text(reports: list[FileReport], mode: str) -> str:
    """``PATH:LINE: PASS: EXPLANATION [CLASS]`` per change; ``PATH:LINE:COLUMN: MESSAGE`` per failure."""
    lines = []
    for report in reports:
        if report.status == "failed":
            lines.append(f"{report.path}:{_position(report)} {_one_line(report.error or '')}")
        for change in _changes(report):
            lines.append(f"{report.path}:{change.line}: {change.pass_name}: {_one_line(change.explanation)} [{change.safety}]")
    return "".join(line + "\n" for line in lines)


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _summary(reports: list[FileReport]) -> dict[str, Any]:
    classes = collections.Counter(c.safety for r in reports for c in r.changes)
    return {
        "files": _status_counts(reports),
        "changes": {"total": sum(classes.values()), **{name: classes[name] for name in _CLASSES}},
        "by_pass": [{"pass_name": n, "safety": s, "changes": c, "files": f} for n, s, c, f in _by_pass(reports)],
        "declined": [{"reason": reason, "count": count} for reason, count in _declines(reports)],
    }


def _json(reports: list[FileReport], mode: str) -> str:
    document = {
        "version": JSON_VERSION,
        "tool": {"name": TOOL, "version": __version__},
        "mode": mode,
        "files": [
            {
                "path": r.path,
                "status": r.status,
                "changes": [
                    {"id": c.id, "pass_name": c.pass_name, "safety": c.safety, "line": c.line, "end_line": c.end_line, "explanation": c.explanation}
                    for c in _changes(r)
                ],
                "notes": [{"pass_name": n.pass_name, "line": n.line, "message": n.message} for n in _notes(r)],
                "other_files": list(r.other_files),
                "error": None if r.status != "failed" else {
                    "kind": r.error_kind or PARSE_ERROR, "message": r.error or "", "line": r.error_line, "column": r.error_column,
                },
            }
            for r in reports
        ],
        "summary": _summary(reports),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def relative_path(path: str) -> str:
    """``path`` with forward slashes, relative to the working directory when it lies below it
    ("./a/Dockerfile" -> "a/Dockerfile"); a path outside it stays absolute; "-" stays "-"."""
    if path == "-":
        return path
    pure = PurePath(path)
    if pure.is_absolute():
        try:
            return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
        except (ValueError, OSError):
            return pure.as_posix()
    return pure.as_posix()


def _uri(path: str) -> str:
    """A SARIF artifact URI: the relative path, percent-encoded; an absolute one as file:///."""
    shown = relative_path(path)
    if PurePath(shown).is_absolute():
        return "file://" + quote(shown if shown.startswith("/") else "/" + shown, safe="/")
    return quote(shown, safe="/")


def _sarif(reports: list[FileReport], mode: str) -> str:
    from .passes import REGISTRY

    rules: list[dict[str, Any]] = []
    for p in REGISTRY:
        rules.append({
            "id": p.name,
            "shortDescription": {"text": p.summary},
            "defaultConfiguration": {"level": _level(p.safety)},
            # The pass's class is the most a change of it can be: a review pass may make safe
            # changes too (merge-runs joins RUNs, which is safe, and adds cleanup, which is not).
            "properties": {"safety": p.safety, "classes": list(_CLASSES[: _class_order(p.safety) + 1])},
        })
    for name, text in _FAILURE_RULES.items():
        rules.append({"id": name, "shortDescription": {"text": text}, "defaultConfiguration": {"level": "error"}})
    index = {rule["id"]: i for i, rule in enumerate(rules)}

    results: list[dict[str, Any]] = []
    for report in reports:
        uri = _uri(report.path)
        if report.status == "failed":
            kind = report.error_kind or PARSE_ERROR
            location: dict[str, Any] = {"artifactLocation": {"uri": uri}}
            if report.error_line is not None:
                region: dict[str, Any] = {"startLine": max(1, report.error_line)}
                if report.error_column is not None:
                    region["startColumn"] = max(1, report.error_column)
                location["region"] = region
            failure: dict[str, Any] = {"ruleId": kind}
            if kind in index:
                failure["ruleIndex"] = index[kind]
            failure.update({"level": "error", "message": {"text": report.error or kind}, "locations": [{"physicalLocation": location}]})
            results.append(failure)
        for change in _changes(report):
            result: dict[str, Any] = {"ruleId": change.pass_name}
            if change.pass_name in index:
                result["ruleIndex"] = index[change.pass_name]
            result.update({
                "level": _level(change.safety),
                "message": {"text": f"{change.explanation} [{change.safety}]"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": max(1, change.line), "endLine": max(1, change.line, change.end_line)},
                }}],
                "properties": {"safety": change.safety},
            })
            if change.id:
                result["properties"]["changeId"] = change.id
            results.append(result)

    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL, "version": __version__, "semanticVersion": __version__, "rules": rules}},
            # ParseError's column counts characters (code points), not UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"mode": mode},
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _level(safety: str) -> str:
    return "note" if safety == "safe" else "warning"


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file=, title=): the message escapes, and : and ,."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: Sequence[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{name} {props}::{escape_data(message)}"


def _github(reports: list[FileReport], mode: str) -> str:
    """GitHub Actions workflow commands: a notice per safe change, a warning per review change,
    an error per failure."""
    lines = []
    for report in reports:
        path = relative_path(report.path)
        if report.status == "failed":
            properties: list[tuple[str, object]] = [("file", path)]
            if report.error_line is not None:
                properties.append(("line", report.error_line))
                if report.error_column is not None:
                    properties.append(("col", report.error_column))
            properties.append(("title", f"{TOOL} {report.error_kind or PARSE_ERROR}"))
            lines.append(_command("error", properties, report.error or ""))
        for change in _changes(report):
            lines.append(_command(
                "notice" if change.safety == "safe" else "warning",
                [("file", path), ("line", change.line), ("endLine", change.end_line), ("title", f"{TOOL} {change.pass_name} [{change.safety}]")],
                change.explanation,
            ))
    return "".join(line + "\n" for line in lines)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _md(text: str) -> str:
    """Text that Markdown shows as it is (one line)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _one_line(text))


def _code(text: str) -> str:
    """A code span that holds any text (one line)."""
    text = _one_line(text)
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    """A code span in a table cell (GitHub reads | as a column break even inside one)."""
    return _code(text).replace("|", "\\|")


def _lines(start: int, end: int) -> str:
    return f"line {start}" if end <= start else f"lines {start}–{end}"


def _markdown(reports: list[FileReport], mode: str) -> str:
    """A summary for a pull request: headline, changes per pass and class, files changed per
    directory, the files that need review with the reasons, and the failures."""
    status = _status_counts(reports)
    classes = collections.Counter(c.safety for r in reports for c in r.changes)
    total = sum(classes.values())
    out = [
        f"## {TOOL}: {_plural(status['changed'], 'file')} {_verb(mode)}, {status['unchanged']} unchanged, {status['failed']} failed",
        "",
    ]
    if total:
        out.append(f"{_plural(total, 'change')}: {classes['safe']} safe (same image), {classes['review']} to review (the image changes on purpose).")
    else:
        out.append("No changes.")
    out.append("")

    by_pass = _by_pass(reports)
    if by_pass:
        out += ["### Changes by pass", "", "| Pass | Class | Changes | Files |", "| --- | --- | ---: | ---: |"]
        out += [f"| {_cell(name)} | {safety} | {count} | {files} |" for name, safety, count, files in by_pass]
        out.append("")

    directories: dict[str, list[FileReport]] = collections.defaultdict(list)
    for report in reports:
        if report.status == "changed" or (report.status == "failed" and report.changes):
            directories[PurePath(relative_path(report.path)).parent.as_posix()].append(report)
    if directories:
        out += [
            "### Files changed by directory" if mode == "write" else "### Files that would change, by directory", "",
            "| Directory | Files | Changes | To review |", "| --- | ---: | ---: | ---: |",
        ]
        for directory in sorted(directories):
            group = directories[directory]
            changes = [c for r in group for c in r.changes]
            review = sum(1 for c in changes if c.safety == "review")
            out.append(f"| {_cell(directory)} | {len(group)} | {len(changes)} | {review} |")
        out.append("")

    review_files = [r for r in reports if any(c.safety == "review" for c in r.changes)]
    if review_files:
        out += ["### Needs review", ""]
        for report in review_files:
            out.append(f"- {_code(report.path)}")
            for change in _changes(report):
                if change.safety == "review":
                    out.append(f"  - {_lines(change.line, change.end_line)}, {_code(change.pass_name)}: {_md(change.explanation)}")
        out.append("")

    failures = [r for r in reports if r.status == "failed"]
    if failures:
        out += ["### Failures", ""]
        for report in failures:
            where = ""
            if report.error_line is not None:
                where = f" line {report.error_line}" + (f", column {report.error_column}" if report.error_column is not None else "")
            out.append(f"- {_code(report.path)}{where} ({report.error_kind or PARSE_ERROR}): {_md(report.error or '')}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
