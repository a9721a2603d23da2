"""``msb-refactor lsp`` end to end: the server runs as a subprocess (``python -m codemod lsp``)
and pytest-lsp speaks LSP to it over stdio, as an editor would.

The edits the server sends are applied here, by a client-side implementation of LSP positions
written independently of the server's (code units counted by encoding the text), and the result
is compared with what the engine and the command line write.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, AsyncIterator, Sequence

import pytest

pytest.importorskip("pygls", reason="the language server's tests need the lsp extra (pip install '.[test]')")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="the language server's tests need pytest-lsp (pip install '.[test]')")

from lsprotocol import types  # noqa: E402
from pygls.exceptions import JsonRpcException  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

from codemod.engine import refactor  # noqa: E402
from codemod.settings import settings_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30.0
#: Every async test runs in the module's event loop (the shared client lives there).
lsp = pytest.mark.asyncio(loop_scope="module")

NODE_APP = ROOT / "examples" / "node-app"
#: Its apt join needs no other change (node-app's needs order-copies' move first).
FLASK = ROOT / "corpus" / "python" / "flask"
#: Non-ASCII in comments and arguments (accents, CJK, an emoji: two UTF-16 units), and no
#: newline at the end: the last line is where an edit's range ends mid-line.
UNICODE = (
    '# Ünïcödé: café, naïve, 東京, 🚀\n'
    'FROM python:3.12\n'
    'LABEL description="Café 東京 🚀 shop"\n'
    'WORKDIR /app\n'
    'RUN echo "🚀 東京 é" > /etc/motd && apt-get update\n'
    'RUN apt-get install -y --no-install-recommends curl && echo "ok 🚀 東京 é"\n'
    'COPY requirements.txt .\n'
    'RUN pip install -r requirements.txt\n'
    'COPY . .\n'
    'CMD ["python", "app.py", "--greeting=héllo 🚀 東京"]'
)


# --- the client -----------------------------------------------------------------------------------


def _published(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.setdefault(params.uri, []).append(params)  # type: ignore[attr-defined]


def _make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = {}  # type: ignore[attr-defined]
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _published})
    return client


def _server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [extra.pop("PYTHONPATH", ""), str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "codemod", "lsp"], client_factory=_make_client, server_env=_server_env())


def vscode() -> types.ClientCapabilities:
    """VS Code's capabilities (UTF-16 only, documentChanges, codeAction/resolve of edits)."""
    return client_capabilities("visual-studio-code")


@contextlib.asynccontextmanager
async def session(
    capabilities: types.ClientCapabilities, env: dict[str, str] | None = None
) -> AsyncIterator[tuple[LanguageClient, types.InitializeResult]]:
    """A server of its own, initialized with ``capabilities``."""
    config = ClientServerConfig(
        server_command=CONFIG.server_command, client_factory=_make_client, server_env=env or CONFIG.server_env
    )
    client = await config.start()
    try:
        result = await asyncio.wait_for(
            client.initialize_session(types.InitializeParams(capabilities=capabilities)), TIMEOUT
        )
        yield client, result  # type: ignore[misc]
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    finally:
        await client.stop()


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(types.InitializeParams(capabilities=vscode()))
    yield
    await lsp_client.shutdown_session()


# --- LSP positions, client side -------------------------------------------------------------------

_BREAK = re.compile(r"\r\n|\n|\r")


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end of content) of every LSP line."""
    spans, start = [], 0
    for found in _BREAK.finditer(text):
        spans.append((start, found.start()))
        start = found.end()
    spans.append((start, len(text)))
    return spans


def to_offset(text: str, position: types.Position, encoding: str) -> int:
    spans = line_spans(text)
    assert position.line < len(spans), f"position {position} beyond the text"
    start, end = spans[position.line]
    count = 0
    for index in range(start, end + 1):
        if count == position.character:
            return index
        assert count < position.character, f"position {position} inside a character"
        if index == end:
            break
        count += units(text[index], encoding)
    raise AssertionError(f"position {position} beyond its line {text[start:end]!r}")


def to_position(text: str, offset: int, encoding: str) -> types.Position:
    for line, (start, end) in enumerate(line_spans(text)):
        if start <= offset <= end:
            return types.Position(line=line, character=units(text[start:offset], encoding))
    raise AssertionError(f"offset {offset} inside a line break")


def apply_edits(text: str, edits: Sequence[types.TextEdit], encoding: str = "utf-16") -> str:
    spans = sorted(
        ((to_offset(text, e.range.start, encoding), to_offset(text, e.range.end, encoding), e.new_text) for e in edits),
        reverse=True,
    )
    for (start, end, _), (next_start, _, _) in zip(spans[1:], spans):
        assert end <= next_start, "overlapping edits"
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_for(edit: types.WorkspaceEdit | None, uri: str) -> list[types.TextEdit]:
    assert edit is not None, "the action has no edit"
    found: list[types.TextEdit] = []
    for change in edit.document_changes or ():
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            found.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    found.extend((edit.changes or {}).get(uri, ()))
    return found


def lines_range(text: str, first: int, last: int, encoding: str = "utf-16") -> types.Range:
    """The LSP range of the engine's lines first..last (1-based, LF-separated, inclusive)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    end = starts[last] - 1 if last < len(starts) else len(text)
    if last < len(starts) and end > 0 and text[end - 1] == "\r":
        end -= 1
    return types.Range(start=to_position(text, starts[first - 1], encoding), end=to_position(text, end, encoding))


# --- helpers ---------------------------------------------------------------------------------------


def engine(path: Path, text: str, **only: Any) -> Any:
    """What the command line computes for ``text`` at ``path`` (its configuration, context)."""
    settings = settings_for(str(path), path)
    return refactor(text, passes=settings.passes, context=settings.context, only=only.get("only", settings.only))


def cli_write(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "codemod", "--write", "-q", str(path)], cwd=ROOT, capture_output=True, env=_server_env()
    )
    assert done.returncode == 0, done.stderr.decode()
    return path.read_bytes().decode("utf-8")


def sample(tmp_path: Path, source: Path | None = None, text: str | None = None, name: str = "Dockerfile") -> tuple[Path, str, str]:
    """A Dockerfile in a directory of its own: (path, uri, text)."""
    folder = tmp_path / "project"
    if source is not None:
        shutil.copytree(source, folder)
    folder.mkdir(exist_ok=True)
    path = folder / name
    if text is not None:
        path.write_bytes(text.encode("utf-8"))
    return path, path.as_uri(), path.read_bytes().decode("utf-8")


def open_document(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=version, text=text)
    ))


async def diagnostics(client: LanguageClient, uri: str, version: int) -> Sequence[types.Diagnostic]:
    """The diagnostics published for ``version`` of ``uri`` (waiting for them)."""
    async def wait() -> Sequence[types.Diagnostic]:
        while True:
            found = [p for p in client.published.get(uri, ()) if p.version == version]  # type: ignore[attr-defined]
            if found:
                return found[-1].diagnostics
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(wait(), TIMEOUT)


async def code_actions(
    client: LanguageClient, uri: str, wanted: types.Range | None = None, only: list[str] | None = None
) -> list[types.CodeAction]:
    everything = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=100000, character=0))
    found = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=wanted or everything,
        context=types.CodeActionContext(diagnostics=[], only=only),
    )), TIMEOUT)
    return [a for a in found or () if isinstance(a, types.CodeAction)]


async def resolve(client: LanguageClient, action: types.CodeAction) -> types.CodeAction:
    return await asyncio.wait_for(client.code_action_resolve_async(action), TIMEOUT)


def by_kind(actions: list[types.CodeAction], kind: str) -> list[types.CodeAction]:
    return [a for a in actions if a.kind == kind]


def change_text(client: LanguageClient, uri: str, version: int, changes: list[types.TextDocumentContentChangeEvent]) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=changes
    ))


def as_changes(edits: Sequence[types.TextEdit], text: str) -> list[types.TextDocumentContentChangeEvent]:
    """The edits as incremental changes, each against the text the ones before it left (last
    edit first, so that earlier positions stay valid)."""
    ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
    return [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in ordered]


# --- diagnostics ---------------------------------------------------------------------------------------


@lsp
async def test_diagnostics_on_open(client: LanguageClient, tmp_path: Path) -> None:
    path, uri, text = sample(tmp_path, NODE_APP)
    open_document(client, uri, text)
    found = await diagnostics(client, uri, 1)
    expected = engine(path, text)
    assert len(expected.changes) == 4
    assert [(d.code, d.message, d.range) for d in found] == [
        (c.pass_name, f"{c.explanation} [{c.safety}]", lines_range(text, c.line, c.end_line)) for c in expected.changes
    ]
    for diagnostic, change in zip(found, expected.changes):
        assert diagnostic.source == "msb-refactor"
        wanted = types.DiagnosticSeverity.Hint if change.safety == "safe" else types.DiagnosticSeverity.Information
        assert diagnostic.severity == wanted
    # the join of apt's update and install, on lines 4-5
    join = next(d for d in found if d.message.startswith("joined"))
    assert join.range == types.Range(start=types.Position(line=3, character=0), end=types.Position(line=4, character=51))


@lsp
async def test_close_clears_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    _, uri, text = sample(tmp_path, NODE_APP)
    open_document(client, uri, text)
    assert await diagnostics(client, uri, 1)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))

    async def cleared() -> None:
        while client.published[uri][-1].diagnostics:  # type: ignore[attr-defined]
            await asyncio.sleep(0.01)

    await asyncio.wait_for(cleared(), TIMEOUT)
    assert await code_actions(client, uri) == []


# --- code actions --------------------------------------------------------------------------------------


@lsp
async def test_each_action_kind(client: LanguageClient, tmp_path: Path) -> None:
    path, uri, text = sample(tmp_path, NODE_APP)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    expected = engine(path, text)
    actions = await code_actions(client, uri)
    one = by_kind(actions, "refactor.rewrite")
    assert len(one) == len(expected.changes)
    for action, change in zip(one, expected.changes):
        assert action.data["what"] == ["ids", change.id]
        assert action.data["uri"] == uri and action.data["version"] == 1
        assert action.edit is None, "edits are computed in codeAction/resolve"
        assert bool(action.is_preferred) == (change.safety == "safe")
        assert len(action.title) <= 80
        assert change.explanation.startswith(action.title.rstrip("…"))
        assert action.diagnostics and action.diagnostics[0].code == change.pass_name
    [safe] = by_kind(actions, "source.fixAll.msb-refactor")
    [every] = by_kind(actions, "source.msb-refactor")
    assert safe.edit is None and every.edit is None
    assert "apply all safe changes" in safe.title and "apply all changes" in every.title

    # what the client asks for: a kind, or a range
    assert [a.kind for a in await code_actions(client, uri, only=["source.fixAll"])] == ["source.fixAll.msb-refactor"]
    assert {a.kind for a in await code_actions(client, uri, only=["source"])} == {"source.fixAll.msb-refactor", "source.msb-refactor"}
    assert {a.kind for a in await code_actions(client, uri, only=["refactor"])} == {"refactor.rewrite"}
    on_cmd = types.Range(start=types.Position(line=8, character=0), end=types.Position(line=8, character=0))
    titles = [a.title for a in by_kind(await code_actions(client, uri, on_cmd), "refactor.rewrite")]
    assert len(titles) == 1 and titles[0].startswith("split into a 'builder' stage"), "only the changes about that line"


@lsp
async def test_resolve_each_kind(client: LanguageClient, tmp_path: Path) -> None:
    path, uri, text = sample(tmp_path, NODE_APP)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    expected = engine(path, text)
    actions = await code_actions(client, uri)
    for action, change in zip(by_kind(actions, "refactor.rewrite"), expected.changes):
        resolved = await resolve(client, action)
        edits = edits_for(resolved.edit, uri)
        # the document edit names the version it was computed for
        [document_edit] = [c for c in resolved.edit.document_changes or () if isinstance(c, types.TextDocumentEdit)]
        assert document_edit.text_document.version == 1
        assert apply_edits(text, edits) == refactor(
            text, passes=settings_for(str(path), path).passes, context=settings_for(str(path), path).context, only={change.id}
        ).text
        assert not any(e.range.start == types.Position(line=0, character=0) and e.range.end.line >= 8 for e in edits)
    [safe] = by_kind(actions, "source.fixAll.msb-refactor")
    safe_text = apply_edits(text, edits_for((await resolve(client, safe)).edit, uri))
    assert safe_text == engine(path, text, only=lambda offer: offer.safety == "safe").text
    [every] = by_kind(actions, "source.msb-refactor")
    all_text = apply_edits(text, edits_for((await resolve(client, every)).edit, uri))
    assert all_text == expected.text
    assert path.read_text() == text, "the server never writes the file"
    assert all_text == cli_write(path)


@lsp
async def test_edits_are_minimal(client: LanguageClient, tmp_path: Path) -> None:
    _, uri, text = sample(tmp_path, FLASK)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    join = next(a for a in await code_actions(client, uri) if a.title.startswith("joined"))
    edits = edits_for((await resolve(client, join)).edit, uri)
    # RUN apt-get update / RUN apt-get install... (lines 3-4) become one RUN; nothing else is touched
    assert [(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character) for e in edits] == [(2, 0, 4, 0)]
    assert edits[0].new_text == "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends libpq-dev gcc\n"


@lsp
async def test_apply_one_then_ask_again(client: LanguageClient, tmp_path: Path) -> None:
    path, uri, text = sample(tmp_path, FLASK)
    open_document(client, uri, text)
    before = await diagnostics(client, uri, 1)
    join = next(a for a in await code_actions(client, uri) if a.title.startswith("joined"))
    edits = edits_for((await resolve(client, join)).edit, uri)
    new_text = apply_edits(text, edits)
    change_text(client, uri, 2, as_changes(edits, text))
    after = await diagnostics(client, uri, 2)
    applied = next(d for d in before if d.message.startswith("joined"))
    assert applied.message not in [d.message for d in after], "the applied change is gone"
    assert sorted(d.message for d in after) == sorted(d.message for d in before if d is not applied), "the others remain"
    # the server's text is the client's: what it offers now is what the engine makes of it
    assert [d.message for d in after] == [f"{c.explanation} [{c.safety}]" for c in engine(path, new_text).changes]
    [every] = by_kind(await code_actions(client, uri), "source.msb-refactor")
    assert every.data["version"] == 2
    assert apply_edits(new_text, edits_for((await resolve(client, every)).edit, uri)) == engine(path, new_text).text


@lsp
async def test_stale_action_is_refused(client: LanguageClient, tmp_path: Path) -> None:
    _, uri, text = sample(tmp_path, NODE_APP)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)
    [every] = by_kind(await code_actions(client, uri), "source.msb-refactor")
    start = types.Position(line=0, character=0)
    change_text(client, uri, 2, [types.TextDocumentContentChangePartial(range=types.Range(start=start, end=start), text="# a comment\n")])
    with pytest.raises(JsonRpcException, match="changed"):
        await resolve(client, every)


# --- text synchronization ---------------------------------------------------------------------------------


@lsp
async def test_incremental_edits(client: LanguageClient, tmp_path: Path) -> None:
    path, uri, text = sample(tmp_path, text=UNICODE)
    open_document(client, uri, text)
    await diagnostics(client, uri, 1)

    def at(line: int, before: str) -> types.Position:
        """The position just before ``before`` on ``line`` of the client's text (UTF-16)."""
        start, end = line_spans(text)[line]
        return to_position(text, text.index(before, start, end), "utf-16")

    steps: list[tuple[types.Position, types.Position, str]] = []

    def edit(start: types.Position, end: types.Position, new: str) -> types.TextDocumentContentChangePartial:
        nonlocal text
        steps.append((start, end, new))
        text = text[:to_offset(text, start, "utf-16")] + new + text[to_offset(text, end, "utf-16"):]
        return types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text=new)

    version = 1
    # typed one character at a time after the emoji of the LABEL (UTF-16 positions past a
    # surrogate pair), several changes in one notification, a deletion across lines, a
    # replacement of a whole line, an insertion at the very end (no final newline)
    for char in " ✨ ok":
        version += 1
        spot = at(2, ' shop"')
        change_text(client, uri, version, [edit(spot, spot, char)])
    version += 1
    change_text(client, uri, version, [
        edit(at(1, "3.12"), types.Position(line=1, character=at(1, "3.12").character + 4), "3.11"),
        edit(at(0, "東京"), at(0, ", 🚀"), "Kyōto"),
    ])
    version += 1
    change_text(client, uri, version, [edit(at(6, "COPY"), at(8, "COPY"), "")])  # the manifests' COPY and pip's RUN
    version += 1
    end = to_position(text, len(text), "utf-16")
    change_text(client, uri, version, [edit(end, end, "\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1 # ✅\n")])
    found = await diagnostics(client, uri, version)
    expected = engine(path, text)
    assert 'LABEL description="Café 東京 🚀 ✨ ok shop"' in text and "# Ünïcödé: café, naïve, Kyōto, 🚀" in text
    assert [(d.message, d.range) for d in found] == [
        (f"{c.explanation} [{c.safety}]", lines_range(text, c.line, c.end_line)) for c in expected.changes
    ]
    # debounced: the versions typed in a burst are not each refactored and published
    assert len(client.published[uri]) < version  # type: ignore[attr-defined]
    [every] = by_kind(await code_actions(client, uri), "source.msb-refactor")
    assert apply_edits(text, edits_for((await resolve(client, every)).edit, uri)) == expected.text
    # a whole-document change (no range) is understood too
    version += 1
    change_text(client, uri, version, [types.TextDocumentContentChangeWholeDocument(text=UNICODE)])
    assert [d.message for d in await diagnostics(client, uri, version)] == [
        f"{c.explanation} [{c.safety}]" for c in engine(path, UNICODE).changes
    ]


@lsp
async def test_parse_error_then_fixed(client: LanguageClient, tmp_path: Path) -> None:
    broken = 'FROM python:3.12\nRUN echo "🚀 東京" && cat <<EOF\n'
    path, uri, text = sample(tmp_path, text=broken)
    open_document(client, uri, text)
    [error] = await diagnostics(client, uri, 1)
    assert error.severity == types.DiagnosticSeverity.Error
    assert "unterminated heredoc" in error.message
    # the heredoc starts at character 23 of line 2 (the emoji is two UTF-16 units: 24)
    assert error.range.start == types.Position(line=1, character=24)
    assert text.splitlines()[1][23:].startswith("<<EOF")
    assert await code_actions(client, uri) == [], "no action is offered for a file that does not parse"
    # fixed: the changes are offered again
    end = types.Position(line=2, character=0)
    change_text(client, uri, 2, [types.TextDocumentContentChangePartial(range=types.Range(start=end, end=end), text="hi\nEOF\nRUN pip install flask\n")])
    fixed = await diagnostics(client, uri, 2)
    assert fixed and all(d.severity != types.DiagnosticSeverity.Error for d in fixed)
    assert await code_actions(client, uri)
    # refactored: nothing left to change, the diagnostics are cleared
    done = engine(path, broken + "hi\nEOF\nRUN pip install flask\n").text
    change_text(client, uri, 3, [types.TextDocumentContentChangeWholeDocument(text=done)])
    assert list(await diagnostics(client, uri, 3)) == []
    assert await code_actions(client, uri) == []


# --- configuration, suppression, context ----------------------------------------------------------------


@lsp
async def test_configuration(client: LanguageClient, tmp_path: Path) -> None:
    path, uri, text = sample(tmp_path, NODE_APP)
    (path.parent / ".msb-refactor.toml").write_text('select = ["merge-runs"]\n')
    open_document(client, uri, text)
    found = await diagnostics(client, uri, 1)
    assert found and {d.code for d in found} == {"merge-runs"}
    [every] = by_kind(await code_actions(client, uri), "source.msb-refactor")
    result = apply_edits(text, edits_for((await resolve(client, every)).edit, uri))
    assert result == cli_write(path), "the command line reads the same configuration"


@lsp
async def test_configuration_safe_only(client: LanguageClient, tmp_path: Path) -> None:
    path, uri, text = sample(tmp_path, NODE_APP)
    (path.parent / "pyproject.toml").write_text("[tool.msb-refactor]\nsafe-only = true\n")
    open_document(client, uri, text)
    found = await diagnostics(client, uri, 1)
    assert [d.message.endswith("[safe]") for d in found] == [True]
    [every] = by_kind(await code_actions(client, uri), "source.msb-refactor")
    assert apply_edits(text, edits_for((await resolve(client, every)).edit, uri)) == cli_write(path)


@lsp
async def test_broken_configuration(client: LanguageClient, tmp_path: Path) -> None:
    path, uri, text = sample(tmp_path, NODE_APP)
    (path.parent / ".msb-refactor.toml").write_text('select = ["no-such-pass"]\n')
    open_document(client, uri, text)
    [error] = await diagnostics(client, uri, 1)
    assert error.severity == types.DiagnosticSeverity.Error
    assert ".msb-refactor.toml" in error.message and "no-such-pass" in error.message
    assert await code_actions(client, uri) == []


@lsp
async def test_suppression_comment(client: LanguageClient, tmp_path: Path) -> None:
    text = NODE_APP.joinpath("Dockerfile").read_text().replace(
        "RUN apt-get update\n", "# msb-refactor: ignore=merge-runs\nRUN apt-get update\n"
    )
    path, uri, text = sample(tmp_path, NODE_APP, text=text)
    open_document(client, uri, text)
    found = await diagnostics(client, uri, 1)
    assert found and "merge-runs" not in {d.code for d in found}
    assert {d.code for d in found} == {c.pass_name for c in engine(path, text).changes}
    skipped = "# msb-refactor: skip-file\n" + text
    change_text(client, uri, 2, [types.TextDocumentContentChangeWholeDocument(text=skipped)])
    assert list(await diagnostics(client, uri, 2)) == []


@lsp
async def test_without_build_context(client: LanguageClient, tmp_path: Path) -> None:
    text = 'FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY config/app.json /etc/app.json\nRUN npm ci\nCMD ["node", "index.js"]\n'
    path, uri, text = sample(tmp_path, text=text)
    open_document(client, uri, text)
    found = await diagnostics(client, uri, 1)
    [order] = [d for d in found if d.code == "order-copies"]
    # config/app.json is not beside the Dockerfile: its directory is not the build context,
    # and the pass says what it assumed instead of reading package.json
    assert "assumed no npm lifecycle script" in order.message
    assert "npm-shrinkwrap.jso[n]" in order.message
    # with the context there, it reads what is there and assumes nothing
    (path.parent / "config").mkdir()
    (path.parent / "config" / "app.json").write_text("{}\n")
    (path.parent / "package.json").write_text('{"name": "app", "version": "1.0.0"}\n')
    (path.parent / "package-lock.json").write_text('{"lockfileVersion": 3}\n')
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    open_document(client, uri, text, version=5)
    [order] = [d for d in await diagnostics(client, uri, 5) if d.code == "order-copies"]
    assert "assumed" not in order.message and "(package.json, package-lock.json)" in order.message


@lsp
async def test_unsaved_buffer_without_a_file(client: LanguageClient) -> None:
    uri = "untitled:Untitled-1"
    text = NODE_APP.joinpath("Dockerfile").read_text()
    open_document(client, uri, text)
    found = await diagnostics(client, uri, 1)
    assert [d.message for d in found] == [f"{c.explanation} [{c.safety}]" for c in refactor(text).changes]
    [every] = by_kind(await code_actions(client, uri), "source.msb-refactor")
    assert apply_edits(text, edits_for((await resolve(client, every)).edit, uri)) == refactor(text).text


# --- positions -------------------------------------------------------------------------------------------


@lsp
async def test_utf16_positions(client: LanguageClient, tmp_path: Path) -> None:
    path, uri, text = sample(tmp_path, text=UNICODE)
    open_document(client, uri, text)
    found = await diagnostics(client, uri, 1)
    expected = engine(path, text)
    assert [(d.message, d.range) for d in found] == [
        (f"{c.explanation} [{c.safety}]", lines_range(text, c.line, c.end_line)) for c in expected.changes
    ]
    join = next(d for d in found if d.message.startswith("joined"))
    line = 'RUN apt-get install -y --no-install-recommends curl && echo "ok 🚀 東京 é"'
    assert join.range.end == types.Position(line=5, character=len(line) + 1), "the emoji is two UTF-16 units"
    split = next(d for d in found if d.code == "split-stages")
    assert split.range.end == types.Position(line=9, character=len('CMD ["python", "app.py", "--greeting=héllo 🚀 東京"]') + 1)
    actions = await code_actions(client, uri)
    for action in actions:
        resolved = await resolve(client, action)
        edits = edits_for(resolved.edit, uri)
        what = action.data["what"]
        if what[0] == "ids":
            wanted = engine(path, text, only={what[1]}).text
        elif what[0] == "safe":
            wanted = engine(path, text, only=lambda offer: offer.safety == "safe").text
        else:
            wanted = expected.text
        assert apply_edits(text, edits) == wanted, action.title
    assert apply_edits(text, edits_for((await resolve(client, by_kind(actions, "source.msb-refactor")[0])).edit, uri)) == cli_write(path)


@pytest.mark.parametrize(("offered", "chosen"), [
    (["utf-8"], "utf-8"),
    (["utf-32", "utf-16"], "utf-32"),
    (["utf-16", "utf-8"], "utf-16"),
    (None, "utf-16"),
])
@lsp
async def test_position_encoding_negotiated(tmp_path: Path, offered: list[str] | None, chosen: str) -> None:
    capabilities = vscode()
    capabilities.general = types.GeneralClientCapabilities(position_encodings=offered)
    path, uri, text = sample(tmp_path, text=UNICODE)
    async with session(capabilities) as (client, initialized):
        assert initialized.capabilities.position_encoding == chosen
        open_document(client, uri, text)
        found = await diagnostics(client, uri, 1)
        expected = engine(path, text)
        assert [d.range for d in found] == [lines_range(text, c.line, c.end_line, chosen) for c in expected.changes]
        # an incremental edit after the emoji, in the negotiated units
        start, end = line_spans(text)[2]
        spot = to_position(text, text.index(" shop", start, end), chosen)
        change_text(client, uri, 2, [types.TextDocumentContentChangePartial(range=types.Range(start=spot, end=spot), text=" ✨")])
        text = text.replace(" shop", " ✨ shop", 1)
        await diagnostics(client, uri, 2)
        [every] = by_kind(await code_actions(client, uri), "source.msb-refactor")
        edits = edits_for((await resolve(client, every)).edit, uri)
        assert apply_edits(text, edits, chosen) == engine(path, text).text


@lsp
async def test_crlf_and_bom(client: LanguageClient, tmp_path: Path) -> None:
    text = "\ufeff" + NODE_APP.joinpath("Dockerfile").read_text().replace("\n", "\r\n")
    path, uri, text = sample(tmp_path, NODE_APP, text=text)
    assert text.startswith("\ufeffFROM") and "\r\n" in text
    open_document(client, uri, text)
    found = await diagnostics(client, uri, 1)
    expected = engine(path, text)
    assert [(d.message, d.range) for d in found] == [
        (f"{c.explanation} [{c.safety}]", lines_range(text, c.line, c.end_line)) for c in expected.changes
    ]
    join = next(d for d in found if d.message.startswith("joined"))
    assert join.range.end == types.Position(line=4, character=51), "a line ends before its CR"
    split = next(d for d in found if d.code == "split-stages")
    assert split.range.start == types.Position(line=0, character=0)
    [every] = by_kind(await code_actions(client, uri), "source.msb-refactor")
    edits = edits_for((await resolve(client, every)).edit, uri)
    result = apply_edits(text, edits)
    assert result.startswith("\ufeffFROM node:20 AS builder\r\n") and "\n" not in result.replace("\r\n", "")
    assert result == cli_write(path)
    # an incremental edit on a CRLF line, and a parse error whose column counts the BOM
    change_text(client, uri, 2, [types.TextDocumentContentChangeWholeDocument(text="\ufeff# escape=x\r\nFROM a\r\n")])
    [error] = await diagnostics(client, uri, 2)
    assert error.severity == types.DiagnosticSeverity.Error
    assert error.range.start == types.Position(line=0, character=10)
    assert error.range.end == types.Position(line=0, character=11)


# --- the other editors' capabilities ------------------------------------------------------------------------


@lsp
async def test_client_without_resolve_or_document_changes(tmp_path: Path) -> None:
    """Emacs' eglot resolves nothing (the edits come with the actions); a client without
    documentChanges gets ``changes``; Neovim 0.7 declares only that it can create files (which
    only documentChanges can say), and gets documentChanges."""
    path, uri, text = sample(tmp_path, NODE_APP)
    bare = client_capabilities("neovim@v0.7.0")
    bare.workspace = None
    for name, capabilities in (("emacs", client_capabilities("emacs@v29.1")), ("bare", bare), ("neovim", client_capabilities("neovim@v0.7.0"))):
        async with session(capabilities) as (client, _):
            open_document(client, uri, text)
            await diagnostics(client, uri, 1)
            actions = await code_actions(client, uri)
            [every] = by_kind(actions, "source.msb-refactor")
            if name == "emacs":
                assert all(a.edit is not None for a in actions)
                assert every.edit is not None and every.edit.document_changes is not None
                assert apply_edits(text, edits_for(every.edit, uri)) == engine(path, text).text
                continue
            assert all(a.edit is None for a in actions)
            resolved = await resolve(client, every)
            assert resolved.edit is not None
            assert (resolved.edit.document_changes is None) == (name == "bare")
            assert apply_edits(text, edits_for(resolved.edit, uri)) == engine(path, text).text


@lsp
async def test_dockerignore_edits(client: LanguageClient, tmp_path: Path) -> None:
    """A change that adds node_modules to .dockerignore: the file is created (or appended to)
    by the editor, as --write writes it; the server writes nothing."""
    dockerfile = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"
    for existing in (None, ".git"):
        folder = tmp_path / f"with-{existing or 'none'}"
        for name, content in {"package.json": "{}", "package-lock.json": "{}", "node_modules/x/index.js": "", "Dockerfile": dockerfile}.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(content)
        ignore = folder / ".dockerignore"
        if existing is not None:
            ignore.write_text(existing)
        path = folder / "Dockerfile"
        uri = path.as_uri()
        open_document(client, uri, dockerfile)
        found = await diagnostics(client, uri, 1)
        assert any("added node_modules to .dockerignore" in d.message for d in found)
        [every] = by_kind(await code_actions(client, uri), "source.msb-refactor")
        edit = (await resolve(client, every)).edit
        assert edit is not None and edit.document_changes is not None
        creates = [c for c in edit.document_changes if isinstance(c, types.CreateFile)]
        after_server = apply_edits(existing or "", edits_for(edit, ignore.as_uri()))
        result = apply_edits(dockerfile, edits_for(edit, uri))
        assert [c.uri for c in creates] == ([ignore.as_uri()] if existing is None else [])
        assert ignore.exists() == (existing is not None) and path.read_text() == dockerfile, "the server wrote nothing"
        assert result == cli_write(path)
        assert after_server == ignore.read_text() == (existing + "\n" if existing else "") + "node_modules\n"


# --- apply all = msb-refactor --write ------------------------------------------------------------------------


@lsp
async def test_apply_all_equals_cli_write(client: LanguageClient, tmp_path: Path) -> None:
    cases = sorted(p.parent for p in (ROOT / "corpus").glob("*/*/Dockerfile") if p.parent.parent.name != "e2e")
    cases.append(NODE_APP)
    assert len(cases) >= 10
    compared = 0
    for index, case in enumerate(cases):
        folder = tmp_path / f"{index}-{case.name}"
        shutil.copytree(case, folder)
        path = folder / "Dockerfile"
        uri, text = path.as_uri(), path.read_bytes().decode("utf-8")
        open_document(client, uri, text)
        found = await diagnostics(client, uri, 1)
        actions = by_kind(await code_actions(client, uri), "source.msb-refactor")
        result = apply_edits(text, edits_for((await resolve(client, actions[0])).edit, uri)) if actions else text
        assert bool(found) == bool(actions) == (result != text), case
        assert path.read_bytes().decode("utf-8") == text, "the server wrote nothing"
        assert result == cli_write(path), case
        compared += result != text
    assert compared >= 5


# --- what the server does not do -------------------------------------------------------------------------------

GUARD = '''
import os, socket, subprocess, sys
LOG = os.environ["MSB_LSP_GUARD_LOG"]
def _refuse(what):
    def refuse(*args, **kwargs):
        with open(LOG, "a") as log:
            log.write(what + "\\n")
        raise PermissionError(what + " is not allowed in the language server")
    return refuse
socket.socket.connect = _refuse("socket.connect")
socket.socket.connect_ex = _refuse("socket.connect_ex")
socket.create_connection = _refuse("socket.create_connection")
subprocess.Popen.__init__ = _refuse("subprocess.Popen")
os.system = _refuse("os.system")
for name in ("execv", "execve", "execvp", "execvpe", "posix_spawn", "posix_spawnp", "fork"):
    if hasattr(os, name):
        setattr(os, name, _refuse("os." + name))
'''


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


@lsp
async def test_runs_nothing_connects_nowhere_writes_nothing(tmp_path: Path) -> None:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "guard.log"
    env = _server_env(PYTHONPATH=str(guard), MSB_LSP_GUARD_LOG=str(log))
    # the guard works: a process started with it cannot connect (nor start programs)
    probe = "import socket; socket.create_connection(('127.0.0.1', 9))"
    assert subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True).returncode != 0
    assert log.read_text() == "socket.create_connection\n"
    log.unlink()
    path, uri, text = sample(tmp_path, NODE_APP)
    (path.parent / "compose.yaml").write_text("services:\n  app:\n    build: .\n")
    before = _snapshot(tmp_path / "project")
    async with session(vscode(), env) as (client, _):
        open_document(client, uri, text)
        assert await diagnostics(client, uri, 1)
        for action in await code_actions(client, uri):
            assert edits_for((await resolve(client, action)).edit, uri)
        change_text(client, uri, 2, [types.TextDocumentContentChangeWholeDocument(text=text + "RUN curl -fsSL https://example.invalid/x | sh\n")])
        await diagnostics(client, uri, 2)
        await code_actions(client, uri)
    assert not log.exists(), log.read_text()
    assert _snapshot(tmp_path / "project") == before


def test_without_pygls_exits_2() -> None:
    code = "import sys; sys.modules['pygls'] = None; from codemod.cli import main; main(['lsp'])"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=_server_env())
    assert done.returncode == 2
    assert "pip install 'msb-refactor[lsp]'" in done.stderr and "pygls" in done.stderr


def test_help() -> None:
    done = subprocess.run([sys.executable, "-m", "codemod", "lsp", "--help"], cwd=ROOT, capture_output=True, text=True, env=_server_env())
    assert done.returncode == 0 and "Usage: msb-refactor lsp" in done.stdout


# --- the position arithmetic, in process ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_positions_round_trip(encoding: str) -> None:
    from codemod.lsp import Text

    text = "\ufeff# é 東京 🚀\r\nFROM a\rRUN b 🚀x\n\nCMD c 😀"
    model = Text(text)
    for offset in range(len(text) + 1):
        if offset and text[offset - 1] == "\r" and text[offset:offset + 1] == "\n":
            continue  # inside a CRLF: not a position
        position = model.position(offset, encoding)
        assert position == to_position(text, offset, encoding)
        assert model.offset(position, encoding) == offset
    # past a line's end: the line's end; past the last line: the end of the text
    assert model.offset(types.Position(line=1, character=99), encoding) == text.index("\rRUN")
    assert model.offset(types.Position(line=99, character=0), encoding) == len(text)


def test_position_inside_a_surrogate_pair() -> None:
    from codemod.lsp import Text

    model = Text("a🚀b")
    assert model.offset(types.Position(line=0, character=2), "utf-16") == 2  # after the emoji


def test_text_edits_are_line_blocks() -> None:
    from codemod.lsp import Text, text_edits

    old = "A\nB\nC\nD\nE"
    new = "A\nB2\nC\nD\nE\nF\n"
    edits = text_edits(Text(old), new, "utf-16")
    assert [(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text) for e in edits] == [
        (1, 0, 2, 0, "B2\n"),
        (4, 0, 4, 1, "E\nF\n"),
    ]
    assert apply_edits(old, edits) == new
    assert text_edits(Text(old), old, "utf-16") == []


def test_titles() -> None:
    from codemod.lsp import title

    assert title("short") == "short"
    long = "joined 2 RUNs of one apt transaction (update, install) into one layer: apt-get update; apt-get install -y"
    cut = title(long)
    assert len(cut) <= 80 and cut.endswith("…") and long.startswith(cut[:-1])


def test_readme_shows_every_editor() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Editor integration"):]
    section = section[: section.index("\n## ", 1)] if "\n## " in section[1:] else section
    for editor in ("VS Code", "Neovim", "Helix", "Emacs", "languages.toml", "eglot", "lspconfig", "vim.lsp.start"):
        assert editor in section, editor
    assert "msb-refactor lsp" in section
