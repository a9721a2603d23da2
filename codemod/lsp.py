"""``msb-refactor lsp``: a language server (LSP over stdio) that shows every change the passes
would make as a diagnostic, and offers it as a code action the editor previews and applies.

What the editor is told:

- a diagnostic per change, on the lines the change is about: Hint for a ``safe`` change,
  Information for a ``review`` one; the pass name as code, the explanation (with ``[safe]`` or
  ``[review]``) as message. Published when a document opens and, 150 ms after the last edit,
  when it changes; an empty list once nothing is left to change. A file the parser rejects gets
  one Error diagnostic at the line and column of the problem, and no actions;
- code actions: one per change (``refactor.rewrite``, preferred only when safe), "apply all
  safe changes" (``source.fixAll.msb-refactor``) and "apply all changes"
  (``source.msb-refactor``). Their edits are computed when the editor resolves the action
  (``codeAction/resolve``; at once for a client that cannot resolve) and are minimal: one text
  edit per block of changed lines. A change is applied with the changes it needs, exactly as
  ``refactor(text, only={id})`` applies it; "apply all changes" is what ``msb-refactor --write``
  writes with the same configuration (``safe-only`` included).

The text is the editor's (unsaved buffers included); the path in the document's URI is used
only to find the configuration and the build context, through the same code as the command line
(``settings.settings_for``), and suppression comments are read by the engine as always. Nothing
from the Dockerfile is run, no network connection is opened, and no file is written: the editor
applies the edits (a ``.dockerignore`` entry a change adds is one more edit it applies).

Positions: LSP counts UTF-16 code units unless the client offers utf-8 or utf-32
(``general.positionEncodings``); lines end at CRLF, LF or CR. The engine counts characters and
LF-separated lines; every conversion goes through the text's character offsets, so non-ASCII
text, characters outside the BMP (two UTF-16 units), CRLF and a byte order mark are all exact.
"""

from __future__ import annotations

import asyncio
import bisect
import difflib
import logging
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import click
from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.exceptions import JsonRpcContentModified
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from . import __version__
from .config import ConfigError
from .engine import Change, Result, refactor
from .errors import ParseError, RefactorError
from .passes.base import FileEdit, Offer
from .settings import Settings, forget_files, settings_for

logger = logging.getLogger(__name__)

#: The diagnostics' source.
SOURCE = "msb-refactor"
#: The code action kinds: one change; every safe change; every change.
KIND_CHANGE = types.CodeActionKind.RefactorRewrite.value
KIND_SAFE = "source.fixAll.msb-refactor"
KIND_ALL = "source.msb-refactor"
#: Seconds after the last edit before the diagnostics are computed again.
DEBOUNCE = 0.15
#: Seconds for which what was read from disk (configuration, build context) is trusted.
DISK_TTL = 2.0
#: Code action titles are cut to this many characters.
TITLE_WIDTH = 80

_UTF8 = types.PositionEncodingKind.Utf8.value
_UTF16 = types.PositionEncodingKind.Utf16.value
_UTF32 = types.PositionEncodingKind.Utf32.value


# --- positions ------------------------------------------------------------------------------------

_BREAK = re.compile(r"\r\n|\n|\r")


def _units(text: str, encoding: str) -> int:
    """The length of ``text`` in the code units of ``encoding``."""
    if encoding == _UTF32 or text.isascii():
        return len(text)
    if encoding == _UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


class Text:
    """A document's text, with its lines as LSP counts them (ended by CRLF, LF or CR) and as
    the engine counts them (ended by LF), to convert between LSP positions and offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        #: Offset of the first character of each LSP line.
        self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        self._engine_starts: list[int] | None = None

    def _content_end(self, line: int) -> int:
        """Offset of the end of LSP line ``line`` (0-based), before its line break."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        end = self.starts[line + 1]
        if self.text.startswith("\r\n", end - 2):
            return end - 2
        return end - 1

    def offset(self, position: types.Position, encoding: str) -> int:
        """The character offset of an LSP position (past the end of a line: the line's end;
        past the last line: the end of the text; inside a character: after it)."""
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self._content_end(position.line)
        wanted = max(0, position.character)
        content = self.text[start:end]
        if encoding == _UTF32 or content.isascii():
            return start + min(wanted, len(content))
        count = 0
        for index, char in enumerate(content):
            if count >= wanted:
                return start + index
            count += _units(char, encoding)
        return end

    def position(self, offset: int, encoding: str) -> types.Position:
        """The LSP position of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(line=line, character=_units(self.text[self.starts[line]:offset], encoding))

    def _engine(self) -> list[int]:
        if self._engine_starts is None:
            self._engine_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._engine_starts

    def engine_start(self, line: int) -> int:
        """Offset of the start of the engine's line ``line`` (1-based, LF-separated)."""
        starts = self._engine()
        return starts[max(0, min(line - 1, len(starts) - 1))]

    def engine_end(self, line: int) -> int:
        """Offset of the end of the engine's line ``line`` (1-based), before its line break."""
        starts = self._engine()
        index = max(0, min(line - 1, len(starts) - 1))
        if index + 1 >= len(starts):
            return len(self.text)
        end = starts[index + 1] - 1
        if end > starts[index] and self.text[end - 1] == "\r":
            end -= 1
        return end

    def lines_range(self, first: int, last: int, encoding: str) -> types.Range:
        """The LSP range of the engine's lines ``first`` to ``last`` (1-based, inclusive)."""
        return types.Range(
            start=self.position(self.engine_start(first), encoding),
            end=self.position(self.engine_end(max(first, last)), encoding),
        )

    def apply(self, change: types.TextDocumentContentChangeEvent, encoding: str) -> Text:
        """The text after one change of ``textDocument/didChange``."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = self.offset(change.range.start, encoding)
            end = max(start, self.offset(change.range.end, encoding))
            return Text(self.text[:start] + change.text + self.text[end:])
        return Text(change.text)


def _engine_lines(text: str) -> list[str]:
    """``text`` as LF-ended lines (the last one without LF when the text does not end in one)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def text_edits(old: Text, new: str, encoding: str) -> list[types.TextEdit]:
    """Minimal edits from ``old`` to ``new``: one per block of changed lines (a line diff),
    each replacing only those lines."""
    before = _engine_lines(old.text)
    after = _engine_lines(new)
    offsets = [0]
    for line in before:
        offsets.append(offsets[-1] + len(line))
    edits = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(types.TextEdit(
            range=types.Range(start=old.position(offsets[i1], encoding), end=old.position(offsets[i2], encoding)),
            new_text="".join(after[j1:j2]),
        ))
    return edits


# --- what the engine says about one version of a document ----------------------------------------


@dataclass(frozen=True)
class Failure:
    """Why there is nothing to offer: the parser rejected the text, a pass failed on it, or
    the configuration is wrong. ``line`` and ``column`` are 1-based (the engine's)."""

    line: int
    column: int
    message: str


@dataclass
class Analysis:
    """The engine's Result for one version of one document (or why there is none), and the
    edits computed for it so far."""

    uri: str
    version: int | None
    text: Text
    settings: Settings | None
    result: Result | None
    failure: Failure | None
    #: Refactored text (and other files) by what was asked: ("ids", ...), ("safe",), ("all",).
    outcomes: dict[tuple[str, ...], Result] = field(default_factory=dict)

    def changes_in(self, wanted: types.Range, encoding: str) -> list[Change]:
        if self.result is None:
            return []
        found = []
        for change in self.result.changes:
            span = self.text.lines_range(change.line, change.end_line, encoding)
            if _before(span.start, wanted.end) and _before(wanted.start, span.end):
                found.append(change)
        return found


def _before(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) <= (b.line, b.character)


def _closure(ids: Iterable[str], changes: Sequence[Change]) -> set[str]:
    """``ids`` with every change they need (as the engine's ``only`` adds them)."""
    needs = {c.id: c.requires for c in changes}
    wanted = set(ids)
    frontier = list(wanted)
    while frontier:
        for required in needs.get(frontier.pop(), ()):
            if required not in wanted:
                wanted.add(required)
                frontier.append(required)
    return wanted


def analyze(uri: str, version: int | None, text: Text) -> Analysis:
    """Refactor ``text`` as the command line would refactor the file of ``uri``."""
    path = _path(uri)
    try:
        settings = settings_for(str(path) if path is not None else "-", path)
    except ConfigError as error:
        return Analysis(uri, version, text, None, None, Failure(1, 1, f"msb-refactor: {error}"))
    try:
        result = refactor(text.text, passes=settings.passes, context=settings.context, only=settings.only)
    except (ParseError, RefactorError) as error:
        return Analysis(uri, version, text, settings, None, Failure(error.line, error.column, error.message))
    except Exception as error:  # a bug: say so in the editor, keep serving
        logger.exception("refactoring %s failed", uri)
        return Analysis(uri, version, text, settings, None, Failure(1, 1, f"msb-refactor failed ({type(error).__name__}: {error})"))
    return Analysis(uri, version, text, settings, result, None)


def outcome(analysis: Analysis, what: tuple[str, ...]) -> Result:
    """The refactoring an action applies: ("all",) every change the analysis made (what
    ``--write`` writes); ("safe",) the safe ones; ("ids", id...) those changes with the ones
    they need (with ``safe-only`` configured: of those, the safe ones)."""
    assert analysis.result is not None and analysis.settings is not None
    if what == ("all",):
        return analysis.result
    if what in analysis.outcomes:
        return analysis.outcomes[what]
    settings = analysis.settings
    if what == ("safe",):
        if settings.safe_only:
            return analysis.result
        allow: Callable[[Offer], bool] = _safe
    else:
        # The same as refactor(text, only=ids): the engine would run every change first to find
        # what they need, which is the analysis already at hand.
        wanted = _closure(what[1:], analysis.result.changes)
        if settings.safe_only:
            allow = lambda offer: offer.key in wanted and offer.safety == "safe"  # noqa: E731
        else:
            allow = lambda offer: offer.key in wanted  # noqa: E731
    found = refactor(analysis.text.text, passes=settings.passes, context=settings.context, only=allow)
    analysis.outcomes[what] = found
    return found


def _safe(offer: Offer) -> bool:
    return offer.safety == "safe"


def _path(uri: str) -> Path | None:
    """The file a ``file:`` URI names (None for unsaved buffers without a file)."""
    if not uri.startswith("file:"):
        return None
    try:
        found = to_fs_path(uri)
    except Exception:  # a malformed URI: treated as a buffer without a file
        return None
    return Path(found) if found else None


# --- what the editor is sent ------------------------------------------------------------------------


def diagnostics(analysis: Analysis, encoding: str) -> list[types.Diagnostic]:
    text = analysis.text
    if analysis.failure is not None:
        failure = analysis.failure
        start = min(text.engine_start(failure.line) + max(failure.column - 1, 0), text.engine_end(failure.line))
        return [types.Diagnostic(
            range=types.Range(start=text.position(start, encoding), end=text.position(text.engine_end(failure.line), encoding)),
            message=failure.message,
            severity=types.DiagnosticSeverity.Error,
            source=SOURCE,
        )]
    assert analysis.result is not None
    found = [
        types.Diagnostic(
            range=text.lines_range(change.line, change.end_line, encoding),
            message=f"{change.explanation} [{change.safety}]",
            severity=types.DiagnosticSeverity.Hint if change.safety == "safe" else types.DiagnosticSeverity.Information,
            code=change.pass_name,
            source=SOURCE,
            data={"id": change.id},
        )
        for change in analysis.result.changes
    ]
    for note in analysis.result.diagnostics:
        if note.severity == "error":
            found.append(types.Diagnostic(
                range=text.lines_range(note.line, note.end_line, encoding),
                message=note.message,
                severity=types.DiagnosticSeverity.Warning,
                code=note.pass_name,
                source=SOURCE,
            ))
    return found


def title(explanation: str, width: int = TITLE_WIDTH) -> str:
    """The explanation, cut at a word to at most ``width`` characters."""
    explanation = " ".join(explanation.split())
    if len(explanation) <= width:
        return explanation
    cut = explanation[: width - 1]
    if " " in cut[width // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:(") + "…"


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether an action of ``kind`` is among the kinds the client asked for."""
    if not only:
        return True
    return any(kind == k or kind.startswith(k + ".") for k in only)


@dataclass(frozen=True)
class Client:
    """What the client said it can do."""

    encoding: str = _UTF16
    document_changes: bool = False
    create_files: bool = False
    resolves_edits: bool = False

    @classmethod
    def of(cls, capabilities: types.ClientCapabilities) -> Client:
        encoding = ServerCapabilitiesBuilder.choose_position_encoding(capabilities)
        workspace_edit = capabilities.workspace.workspace_edit if capabilities.workspace else None
        action = capabilities.text_document.code_action if capabilities.text_document else None
        resolve = action.resolve_support if action else None
        # Resource operations exist only in documentChanges: a client that can create files
        # (Neovim 0.7 says only that) takes documentChanges.
        create_files = bool(workspace_edit and types.ResourceOperationKind.Create in (workspace_edit.resource_operations or ()))
        return cls(
            encoding=str(getattr(encoding, "value", encoding)),
            document_changes=bool(workspace_edit and workspace_edit.document_changes) or create_files,
            create_files=create_files,
            resolves_edits=bool(resolve and "edit" in resolve.properties),
        )


def actions(analysis: Analysis, wanted: types.Range, only: Sequence[str] | None, client: Client) -> list[types.CodeAction]:
    """The code actions for a range of a document (unresolved: their ``data`` says what to
    compute when the editor resolves them)."""
    if analysis.result is None or not analysis.result.changes:
        return []
    base = {"uri": analysis.uri, "version": analysis.version}
    found = []
    if _wanted(KIND_CHANGE, only):
        shown = {d.data["id"]: d for d in diagnostics(analysis, client.encoding) if isinstance(d.data, dict)}
        for change in analysis.changes_in(wanted, client.encoding):
            found.append(types.CodeAction(
                title=title(change.explanation),
                kind=KIND_CHANGE,
                is_preferred=change.safety == "safe",
                diagnostics=[shown[change.id]] if change.id in shown else None,
                data={**base, "what": ["ids", change.id]},
            ))
    changes = analysis.result.changes
    safe = [c for c in changes if c.safety == "safe"]
    if safe and _wanted(KIND_SAFE, only):
        found.append(types.CodeAction(
            title=f"msb-refactor: apply all safe changes ({len(safe)})",
            kind=KIND_SAFE,
            data={**base, "what": ["safe"]},
        ))
    if _wanted(KIND_ALL, only):
        found.append(types.CodeAction(
            title=f"msb-refactor: apply all changes ({len(changes)})",
            kind=KIND_ALL,
            data={**base, "what": ["all"]},
        ))
    if not client.resolves_edits:
        for action in found:
            assert isinstance(action.data, dict)
            action.edit = workspace_edit(analysis, tuple(action.data["what"]), client)
    return found


def workspace_edit(analysis: Analysis, what: tuple[str, ...], client: Client) -> types.WorkspaceEdit:
    """The edits of one action: the document's, then those of the other files it writes."""
    done = outcome(analysis, what)
    edits = text_edits(analysis.text, done.text, client.encoding)
    if not client.document_changes:
        changes: dict[str, Sequence[types.TextEdit]] = {analysis.uri: edits} if edits else {}
        for other in done.files:
            if other.old is not None and other.old != other.new:
                changes[_uri(other.path)] = text_edits(Text(other.old), other.new, client.encoding)
        return types.WorkspaceEdit(changes=changes)
    document: list[Any] = []
    if edits:
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=analysis.uri, version=analysis.version)
        document.append(types.TextDocumentEdit(text_document=identifier, edits=list(edits)))
    for other in done.files:
        document.extend(_file_changes(other, client))
    return types.WorkspaceEdit(document_changes=document)


def _file_changes(edit: FileEdit, client: Client) -> list[Any]:
    """The changes to a file beside the Dockerfile (a ``.dockerignore``) as the editor applies
    them: created (where the client can create files) or edited."""
    uri = _uri(edit.path)
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None)
    if edit.old is None:
        if not client.create_files:
            return []
        start = types.Position(line=0, character=0)
        return [
            types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)),
            types.TextDocumentEdit(text_document=identifier, edits=[types.TextEdit(range=types.Range(start=start, end=start), new_text=edit.new)]),
        ]
    if edit.old == edit.new:
        return []
    return [types.TextDocumentEdit(text_document=identifier, edits=list(text_edits(Text(edit.old), edit.new, client.encoding)))]


def _uri(path: str) -> str:
    return Path(path).resolve().as_uri()


# --- the server -----------------------------------------------------------------------------------


@dataclass
class Document:
    uri: str
    version: int | None
    text: Text


class _Protocol(LanguageServerProtocol):
    """pygls' protocol without its own copy of the documents: the server keeps them (its
    position arithmetic is the one described above)."""

    def _user(self, method: str, params: Any) -> Any:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        yield from self._user(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        yield from self._user(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        yield from self._user(types.TEXT_DOCUMENT_DID_CLOSE, params)


class _QuietStale(logging.Filter):
    """pygls logs every error answer with its traceback: a stale code action (the document
    changed since) is an ordinary answer, not worth a traceback in the editor's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], JsonRpcContentModified))


class RefactorServer(LanguageServer):
    """The documents the editor has open, the last analysis of each, pending refreshes."""

    def __init__(self) -> None:
        super().__init__("msb-refactor", __version__, protocol_cls=_Protocol)
        self.documents: dict[str, Document] = {}
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.client = Client()
        self._read_at = 0.0

    def report_server_error(self, error: Exception, source: Any) -> None:
        if not isinstance(error, JsonRpcContentModified):
            super().report_server_error(error, source)

    def analysis(self, document: Document) -> Analysis:
        """The analysis of the document's current version (computed once per version)."""
        cached = self.analyses.get(document.uri)
        if cached is not None and cached.version == document.version and cached.text.text == document.text.text:
            return cached
        now = time.monotonic()
        if now - self._read_at > DISK_TTL:
            forget_files()
            self._read_at = now
        found = analyze(document.uri, document.version, document.text)
        self.analyses[document.uri] = found
        return found

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        document = self.documents.get(uri)
        if document is None:
            return
        try:
            found = diagnostics(self.analysis(document), self.client.encoding)
        except Exception:  # never let one document stop the server
            logger.exception("diagnostics for %s failed", uri)
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=document.version)
        )

    def schedule(self, uri: str) -> None:
        """Publish the diagnostics of ``uri`` once no edit has come for DEBOUNCE seconds."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.pending[uri] = asyncio.get_running_loop().call_later(DEBOUNCE, self.publish, uri)

    def forget(self, uri: str) -> None:
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.documents.pop(uri, None)
        self.analyses.pop(uri, None)


def make_server() -> RefactorServer:
    server = RefactorServer()
    quiet = logging.getLogger("pygls.protocol.json_rpc")
    if not any(isinstance(f, _QuietStale) for f in quiet.filters):
        quiet.addFilter(_QuietStale())

    @server.feature(types.INITIALIZE)
    def initialize(ls: RefactorServer, params: types.InitializeParams) -> None:
        ls.client = Client.of(params.capabilities)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RefactorServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.documents[item.uri] = Document(item.uri, item.version, Text(item.text))
        forget_files()  # a file opened: read the configuration and the context afresh
        ls._read_at = time.monotonic()
        ls.publish(item.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RefactorServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.documents.get(uri)
        if document is None:
            return
        text = document.text
        for change in params.content_changes:
            text = text.apply(change, ls.client.encoding)
        document.text = text
        document.version = params.text_document.version
        ls.schedule(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: RefactorServer, params: types.DidChangeConfigurationParams) -> None:
        """The server reads no editor settings; what is on disk is read afresh."""
        ls._read_at = 0.0

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RefactorServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[KIND_CHANGE, KIND_SAFE, KIND_ALL], resolve_provider=True),
    )
    def code_action(ls: RefactorServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            return None
        analysis = ls.analysis(document)
        return actions(analysis, params.range, params.context.only, ls.client)

    @server.feature(types.CODE_ACTION_RESOLVE)
    def resolve(ls: RefactorServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri, version, what = data.get("uri"), data.get("version"), tuple(data.get("what") or ())
        document = ls.documents.get(uri) if isinstance(uri, str) else None
        if document is None or document.version != version or not what:
            raise JsonRpcContentModified("the document changed since the code action was offered: ask again")
        analysis = ls.analysis(document)
        if analysis.result is None:
            raise JsonRpcContentModified("the document no longer parses: nothing to apply")
        action.edit = workspace_edit(analysis, what, ls.client)
        return action

    return server


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--stdio", is_flag=True, help="Speak LSP over standard input and output (the default and only transport).")
def lsp_command(stdio: bool) -> None:
    """The language server: LSP over standard input and output.

    Shows every change msb-refactor would make as a diagnostic and offers it as a code action
    (one per change, all safe changes, all changes). Configuration and suppression comments
    are read as on the command line; the editor's text is used, unsaved changes included.
    """
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="msb-refactor lsp: %(levelname)s: %(message)s")
    make_server().start_io()
