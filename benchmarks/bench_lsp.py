"""Code-action latency of ``msb-refactor lsp``, measured as an editor sees it: the server runs as
a subprocess and is spoken to over stdio (JSON-RPC included in every figure).

    python benchmarks/bench_lsp.py [--rounds N] [--corpus DIR] [--limit N] [--json]

Files: ``benchmarks/data/lsp-300.Dockerfile`` (300 lines: a Django + React single-stage image
with 16 changes to offer, as projects write them) and every file of DIR (default
``../shared/corpus/dev`` beside the repository, when present). Each file is opened as an
unsaved buffer (a ``file:`` URI in an empty directory: no configuration, no build context),
and the first code-action request is not counted (it loads the passes). Then, per round:

- ``codeAction after an edit``: a comment line at the end of the file is changed
  (``didChange``, incremental) and code actions are asked for at once, so the request itself
  refactors the new text (the diagnostics are debounced, and reuse that result);
- ``codeAction (same text)``: asked again without an edit (the result of that version is cached);
- ``codeAction/resolve``: the edits of the first single-change action (one more refactoring,
  with only that change and the ones it needs, then the line diff).

The 300-line file runs ``--rounds`` rounds; each corpus file one round. Printed: p50, p95 and
the maximum in milliseconds (wall-clock, client side), against the target: p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "benchmarks" / "data" / "lsp-300.Dockerfile"
TARGET_MS = 50.0
SERIES = ("codeAction after an edit", "codeAction (same text)", "codeAction/resolve")


def capabilities() -> types.ClientCapabilities:
    """What VS Code says: code-action literals, resolve of edits, documentChanges; UTF-16."""
    kinds = types.ClientCodeActionKindOptions(value_set=["", "quickfix", "refactor", "refactor.rewrite", "source"])
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(code_action_kind=kinds),
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]),
                data_support=True,
                is_preferred_support=True,
            ),
        ),
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        ),
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[rank]


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("bench-lsp", "1")
        self.samples: dict[str, dict[str, list[float]]] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _published(ls: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            pass

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "codemod", "lsp", cwd=str(ROOT))
        await self.client.initialize_async(types.InitializeParams(capabilities=capabilities(), process_id=None))
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    def record(self, group: str, series: str, seconds: float) -> None:
        self.samples.setdefault(group, {}).setdefault(series, []).append(seconds * 1000)

    async def actions(self, uri: str, line: int, end: int | None = None) -> list[types.CodeAction]:
        here = types.Position(line=line, character=0)
        found = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=here, end=types.Position(line=end, character=0) if end is not None else here),
            context=types.CodeActionContext(diagnostics=[]),
        ))
        return [a for a in found or () if isinstance(a, types.CodeAction)]

    async def file(self, group: str, uri: str, text: str, rounds: int) -> int:
        """Measure one file; returns how many single-change actions it offered."""
        if not text.endswith("\n"):
            text += "\n"
        last = text.count("\n")  # the edited comment line is this (0-based) line
        text += "# edit 0\n"
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)
        ))
        first = await self.actions(uri, 0, last + 1)  # the first request: not counted
        line = _first_change_line(first, text)
        offered = 0
        for round_ in range(1, rounds + 1):
            edit = types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=last, character=0), end=types.Position(line=last + 1, character=0)),
                text=f"# edit {round_}\n",
            )
            started = time.perf_counter()
            self.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=round_ + 1), content_changes=[edit]
            ))
            found = await self.actions(uri, line)
            self.record(group, SERIES[0], time.perf_counter() - started)
            started = time.perf_counter()
            found = await self.actions(uri, line)
            self.record(group, SERIES[1], time.perf_counter() - started)
            single = [a for a in found if a.kind == types.CodeActionKind.RefactorRewrite]
            offered = len(single)
            if single:
                started = time.perf_counter()
                resolved = await self.client.code_action_resolve_async(single[0])
                self.record(group, SERIES[2], time.perf_counter() - started)
                assert resolved.edit is not None
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        return offered


def _first_change_line(actions: list[types.CodeAction], text: str) -> int:
    """The first line a change is about (the cursor of the measured requests), else line 0."""
    for action in actions:
        for diagnostic in action.diagnostics or ():
            return diagnostic.range.start.line
    return 0


async def run(args: argparse.Namespace) -> dict[str, Any]:
    bench = Bench()
    await bench.start()
    report: dict[str, Any] = {"target_p95_ms": TARGET_MS, "groups": {}}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            base = Path(scratch)
            uri = (base / "web" / "Dockerfile").as_uri()
            offered = await bench.file("300-line file", uri, SAMPLE.read_text(encoding="utf-8"), args.rounds)
            report["sample"] = {"lines": SAMPLE.read_text(encoding="utf-8").count("\n"), "actions_at_cursor": offered}
            corpus = Path(args.corpus)
            if corpus.is_dir():
                files = sorted(p for p in corpus.rglob("*") if p.is_file())[: args.limit or None]
                for index, path in enumerate(files):
                    text = path.read_bytes().decode("utf-8", "surrogateescape")
                    await bench.file("dev corpus", (base / f"f{index}" / "Dockerfile").as_uri(), text, 1)
                report["corpus"] = {"path": str(corpus), "files": len(files)}
            else:
                report["corpus"] = {"path": str(corpus), "files": 0, "absent": True}
    finally:
        await bench.stop()
    for group, series in bench.samples.items():
        report["groups"][group] = {
            name: {
                "n": len(values),
                "p50_ms": round(statistics.median(values), 2),
                "p95_ms": round(percentile(values, 95), 2),
                "max_ms": round(max(values), 2),
            }
            for name, values in series.items()
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100, help="rounds on the 300-line file (default 100)")
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "dev"), help="directory of Dockerfiles")
    parser.add_argument("--limit", type=int, default=0, help="at most this many corpus files (0: all)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    if args.json:
        print(json.dumps(report, indent=2))
        return
    sample = report["sample"]
    print(f"msb-refactor lsp: code-action latency over stdio, ms (target: p95 under {TARGET_MS:.0f} ms after the first request)")
    print(f"  300-line file: {sample['lines']} lines, {sample['actions_at_cursor']} single-change actions at the cursor")
    corpus = report["corpus"]
    print(f"  dev corpus: {corpus['path']}: " + ("absent, skipped" if corpus.get("absent") else f"{corpus['files']} files, one round each"))
    print()
    print(f"  {'files':<15} {'request':<26} {'n':>6} {'p50':>8} {'p95':>8} {'max':>8}  target")
    for group, series in report["groups"].items():
        for name in SERIES:
            if name not in series:
                continue
            row = series[name]
            verdict = "met" if row["p95_ms"] < TARGET_MS else "MISSED"
            print(f"  {group:<15} {name:<26} {row['n']:>6} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f}  {verdict}")


if __name__ == "__main__":
    main()
