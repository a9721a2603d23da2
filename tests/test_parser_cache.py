"""The parser-table cache, and the Lark internals it relies on (codemod/larkcompat.py).

A new process must load both parsers' tables (file level and instruction level, for both
escape characters) from the cache instead of building them, and must not rewrite them; a
damaged file is rebuilt; tables of other versions are kept; an unwritable cache directory
means no cache, not an error. Each use of Lark's internals is asserted here, so an upgrade of
Lark that breaks one fails these tests (at run time it would only make the tool slower).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any, Iterator

import lark
import lark.lexer
import pytest
from lark import Lark, Token, Transformer
from lark.grammar import Rule
from lark.lexer import Lexer
from packaging.requirements import Requirement

from codemod import Dockerfile, larkcompat, parser

ROOT = Path(__file__).resolve().parent.parent
PARSERS = ("dockerfile-backslash", "dockerfile-backtick", "command-backslash", "command-backtick")

# Parses a file with each escape character, reads every instruction, and prints what it read and
# where the tables came from.
_CHILD = r"""
import json
from codemod import parse, parser
texts = ["FROM alpine AS base\nRUN apk add \\\n  curl\nENV A=1 B=2\nCOPY --from=base /a /b\n",
         "# escape=`\nFROM alpine\nRUN echo `\n  hi\nLABEL a=b\n"]
read = []
for text in texts:
    tree = parse(text)
    assert tree.render() == text
    read.append([[i.command.name, [p.text for p in i.command.args]] for i in tree.instructions])
print(json.dumps({"sources": parser.table_sources(), "read": read}))
"""


def _run_child(cache: Path) -> dict[str, Any]:
    env = {**os.environ, "MSB_REFACTOR_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _files(cache: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache.iterdir()}


def test_a_second_process_loads_every_table_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _run_child(cache)
    assert first["sources"] == dict.fromkeys(PARSERS, "built")
    written = _files(cache)
    assert sorted(re.sub(r"-[0-9a-f]{20}\.lark$", "", name) for name in written) == sorted(PARSERS)

    second = _run_child(cache)
    assert second["sources"] == dict.fromkeys(PARSERS, "cache")
    assert second["read"] == first["read"]
    assert second["read"][0][1] == ["run", ["apk add   curl"]]
    assert _files(cache) == written  # same files, same inodes, not rewritten


def test_an_unwritable_cache_directory_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    for _ in range(2):
        result = _run_child(blocker / "sub")
        assert result["sources"] == dict.fromkeys(PARSERS, "built")
    assert blocker.read_text() == "not a directory\n"


# --- one parser at a time, in this process -------------------------------------------------------

@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory for _build, and a table_sources() record of its own."""
    monkeypatch.setenv("MSB_REFACTOR_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(parser, "_SOURCES", {})
    yield tmp_path


def _build_command_parser() -> Lark:
    return parser._build("\\", "command", lexer="contextual")


def _command_names(built: Lark) -> list[str]:
    tree = built.parse("RUN --mount=type=cache echo hi")
    return [str(t) for t in tree.scan_values(lambda v: isinstance(v, Token))]


def _tables(directory: Path, stem: str = "command-backslash") -> list[Path]:
    return sorted(directory.glob(f"{stem}-*.lark"))


DAMAGE = {
    "empty": lambda data: b"",
    "truncated": lambda data: data[: len(data) // 2],
    "garbage": lambda data: b"\x80\x05garbage" * 100,
    "a flipped byte": lambda data: data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
    "no header": lambda data: data[len(parser._MAGIC) + parser._DIGEST_SIZE :],
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_file_is_rebuilt(cache: Path, damage: str) -> None:
    expected = _command_names(_build_command_parser())
    [path] = _tables(cache)
    path.write_bytes(DAMAGE[damage](path.read_bytes()))

    rebuilt = _build_command_parser()
    assert parser.table_sources() == {"command-backslash": "built"}
    assert _command_names(rebuilt) == expected
    loaded = _build_command_parser()
    assert parser.table_sources() == {"command-backslash": "cache"}
    assert _command_names(loaded) == expected


def test_intact_tables_in_a_shape_lark_cannot_load_are_rebuilt(cache: Path) -> None:
    _build_command_parser()
    [path] = _tables(cache)
    payload = pickle.dumps({"something": "else"})
    path.write_bytes(parser._MAGIC + hashlib.sha256(payload).digest() + payload)
    _build_command_parser()
    assert parser.table_sources() == {"command-backslash": "built"}


def test_an_error_of_our_own_call_is_not_taken_for_a_miss(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build_command_parser()

    def broken(saved: object, **options: Any) -> Lark:
        raise TypeError("load() got an unexpected keyword argument")

    monkeypatch.setattr(larkcompat, "load", broken)
    with pytest.raises(TypeError, match="unexpected keyword"):
        _build_command_parser()


def test_versions_sharing_a_directory_keep_each_others_tables(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser, "project_version", "0.0.1")
    _build_command_parser()
    monkeypatch.setattr(parser, "project_version", "0.0.2")
    _build_command_parser()
    assert len(_tables(cache)) == 2
    for version in ("0.0.1", "0.0.2"):
        monkeypatch.setattr(parser, "project_version", version)
        _build_command_parser()
        assert parser.table_sources() == {"command-backslash": "cache"}
    assert len(_tables(cache)) == 2


def test_the_key_covers_grammar_start_options_and_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    base = parser._cache_key("grammar", "command", {"lexer": "contextual"})
    assert parser._cache_key("grammar", "command", {"lexer": "contextual"}) == base
    changed = {
        parser._cache_key("grammar2", "command", {"lexer": "contextual"}),
        parser._cache_key("grammar", "dockerfile", {"lexer": "contextual"}),
        parser._cache_key("grammar", "command", {"lexer": "basic"}),
    }
    for name, value in (("lark_version", "0.0"), ("project_version", "0.0"), ("sys", types.SimpleNamespace(version="2.7"))):
        with monkeypatch.context() as patch:
            patch.setattr(parser, name, value)
            changed.add(parser._cache_key("grammar", "command", {"lexer": "contextual"}))
    assert base not in changed and len(changed) == 6


def test_only_long_unused_tables_of_the_same_parser_are_pruned(cache: Path) -> None:
    month_ago = time.time() - 40 * 24 * 3600
    stale = cache / "command-backslash-0123456789abcdef0123.lark"
    torn = cache / ".command-backslash-x1y2z3.tmp"
    recent = cache / "command-backslash-fedcba9876543210fedc.lark"
    other = cache / "dockerfile-backslash-0123456789abcdef0123.lark"
    for path in (stale, torn, recent, other):
        path.write_bytes(b"tables of another version")
    for path in (stale, torn, other):
        os.utime(path, (month_ago, month_ago))

    _build_command_parser()
    assert parser.table_sources() == {"command-backslash": "built"}
    assert not stale.exists() and not torn.exists()
    assert recent.exists() and other.exists()
    assert len(_tables(cache)) == 2  # the new tables and the recent ones


def test_a_file_used_lately_is_not_pruned(cache: Path) -> None:
    month_ago = time.time() - 40 * 24 * 3600
    read_today = cache / "command-backslash-0123456789abcdef0123.lark"
    read_today.write_bytes(b"tables of another version")
    os.utime(read_today, (time.time(), month_ago))  # read today, written long ago
    _build_command_parser()
    assert read_today.exists()


def test_a_transformer_and_custom_lexer_come_back_with_cached_file_tables(cache: Path) -> None:
    text = "FROM alpine\nRUN a \\\n  b\n"
    header = parser._Header("", (), 0, "\\")  # no directives
    for expected_source in ("built", "cache"):
        built = parser._build(
            "\\", "dockerfile", lexer=parser.BackslashLineLexer, transformer=parser._FileBuilder("\\")
        )
        assert parser.table_sources() == {"dockerfile-backslash": expected_source}
        tree = built.parse(parser._LexInput(text, header))  # type: ignore[arg-type]
        assert isinstance(tree, Dockerfile)
        assert tree.render() == text


# --- the Lark internals (codemod/larkcompat.py) ---------------------------------------------------

_TOY_GRAMMAR = r"""
start: pair+
pair: WORD "=" WORD
WORD: /[a-z]+/
%ignore " "
"""


class _ToyLexer(Lexer):
    """Reads a list of words: a custom lexer class with custom input, as the file level has."""

    __future_interface__ = 2

    def __init__(self, lexer_conf: Any) -> None:
        self.names = {t.pattern.value: t.name for t in lexer_conf.terminals if t.pattern.type == "str"}

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Token]:
        for word in lexer_state.text:  # the input is a list of words
            yield Token(self.names.get(word, "WORD"), word)


class _Pairs(Transformer):  # type: ignore[type-arg]
    def pair(self, children: list[Token]) -> tuple[str, str]:
        return (str(children[0]), str(children[1]))

    def start(self, children: list[tuple[str, str]]) -> dict[str, str]:
        return dict(children)


def _saved(built: Lark) -> object:
    buffer = io.BytesIO()
    built.save(buffer, exclude_options=("transformer",))
    return pickle.loads(buffer.getvalue())


def test_lark_loads_saved_tables_with_a_transformer_and_custom_lexer() -> None:
    assert larkcompat.can_load()
    built = Lark(_TOY_GRAMMAR, parser="lalr", lexer=_ToyLexer, transformer=_Pairs())
    saved = _saved(built)
    assert isinstance(saved, dict) and saved.keys() == larkcompat.SAVED_KEYS
    loaded = larkcompat.load(saved, transformer=_Pairs())
    assert loaded is not None
    assert loaded.parse(["a", "=", "b", "c", "=", "d"]) == {"a": "b", "c": "d"}
    without = larkcompat.load(_saved(built))
    assert without is not None
    assert without.parse(["a", "=", "b"]).data == "start"  # a plain tree: the transformer is what we pass


def test_load_declines_what_it_cannot_load(monkeypatch: pytest.MonkeyPatch) -> None:
    assert larkcompat.load({"data": {}}) is None
    assert larkcompat.load(["data", "memo"]) is None
    monkeypatch.delattr(Lark, "_load_from_dict")
    assert not larkcompat.can_load()
    built = Lark(_TOY_GRAMMAR, parser="lalr", lexer=_ToyLexer)
    assert larkcompat.load(_saved(built), transformer=_Pairs()) is None


class _FakeComparator:
    def count_marked_pairs(self) -> int:
        return 1000  # "too many to show": Lark stops there


@pytest.fixture
def collision_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lark's collision checks, as if interegular were installed, counted instead of run."""
    calls: list[int] = []

    def from_regexes(regexes: Any) -> _FakeComparator:
        calls.append(len(regexes))
        return _FakeComparator()

    fake = types.SimpleNamespace(Comparator=types.SimpleNamespace(from_regexes=from_regexes))
    monkeypatch.setattr(lark.lexer, "interegular", fake, raising=False)
    monkeypatch.setattr(lark.lexer, "has_interegular", True)  # fails if the flag is gone
    return calls


def test_collision_checks_are_switched_off_while_building(collision_checks: list[int]) -> None:
    Lark(_TOY_GRAMMAR, parser="lalr", lexer="contextual")
    assert collision_checks, "Lark no longer reads lark.lexer.has_interegular"
    collision_checks.clear()
    with larkcompat.without_collision_checks():
        Lark(_TOY_GRAMMAR, parser="lalr", lexer="contextual")
        Lark(_TOY_GRAMMAR, parser="lalr", lexer="basic")
    assert collision_checks == []
    assert lark.lexer.has_interegular is True  # restored


def test_without_the_flag_the_switch_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(lark.lexer, "has_interegular")
    with larkcompat.without_collision_checks():
        assert not hasattr(lark.lexer, "has_interegular")
    assert not hasattr(lark.lexer, "has_interegular")


def _reduce_rules(table: Any) -> list[Rule]:
    return [arg for actions in table.parse_table.states.values() for _, arg in actions.values() if isinstance(arg, Rule)]


def _assert_shared(table: Any) -> None:
    assert table is not None
    keys = {id(rule) for rule in table.callbacks}
    rules = _reduce_rules(table)
    assert rules and all(id(rule) in keys for rule in rules)
    assert all(type(rule.origin.name) is str for rule in table.callbacks)


def test_rules_are_shared_in_built_and_loaded_lalr_tables() -> None:
    with larkcompat.without_collision_checks():
        built = Lark(parser.grammar_text(), start="command", parser="lalr", lexer="contextual")
    table: Any = built.parser.parser.parser  # the path lalr_table() reads
    assert isinstance(table.callbacks, dict) and isinstance(table.parse_table.states, dict)
    assert id(larkcompat.lalr_table(built)) == id(table)
    assert any(type(rule.origin.name) is not str for rule in table.callbacks), "names are plain str now"
    expected = _command_names(built)

    assert larkcompat.share_rules(built)
    _assert_shared(table)
    assert _command_names(built) == expected

    loaded = larkcompat.load(_saved(built))
    assert loaded is not None
    assert larkcompat.share_rules(loaded)
    _assert_shared(larkcompat.lalr_table(loaded))
    assert _command_names(loaded) == expected


def test_share_rules_skips_a_layout_it_does_not_know() -> None:
    assert larkcompat.lalr_table(types.SimpleNamespace(parser=None)) is None  # type: ignore[arg-type]
    assert not larkcompat.share_rules(types.SimpleNamespace(parser=None))  # type: ignore[arg-type]


#: Lark versions in the checked range that cannot run this parser, and why.
BROKEN_LARK = {"1.3.0": "Lark.parse() takes only text, not the line lexer's input"}


def test_the_lark_pin_covers_the_versions_checked() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    [pin] = [Requirement(r) for r in re.findall(r'^ *"(lark\b[^"]*)"', text, re.MULTILINE)]
    assert all(pin.specifier.contains(version) for version in larkcompat.CHECKED_ON)
    assert pin.specifier.contains(lark.__version__), f"lark {lark.__version__} is outside the pin {pin}"
    assert not any(pin.specifier.contains(version) for version in BROKEN_LARK)
