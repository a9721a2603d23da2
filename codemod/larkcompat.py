"""Every use of Lark's internals, in one module.

Lark's public API builds an LALR parser (``Lark(...)``) and saves it (``Lark.save``), but its
public loader (``Lark.load(f)``) takes no options, so a loaded parser cannot be given its
transformer, and Lark offers no switch for its optional lexer collision checks. The parser
needs both, and two speed-ups that reach into the LALR tables (shared rules, and ``Driver``,
which runs the tables without ``Lark.parse``'s per-call set-up). Each of them is here, with
the Lark versions it was checked on and what it relies on.

Each one degrades at run time when its assumption stops holding (build instead of load,
check collisions, skip a speed-up): the output stays correct, only slower. The tests in
``tests/test_parser_cache.py`` and ``tests/test_fast_paths.py`` assert every assumption, so an
upgrade of Lark that breaks one fails there instead of going unnoticed.
"""

from __future__ import annotations

import contextlib
import inspect
from typing import Any, Callable, Iterable, Iterator

import lark.lexer
from lark import Lark
from lark.exceptions import ConfigurationError

#: The Lark versions these functions were checked on; pyproject.toml pins lark to their range
#: (less 1.3.0, whose ``parse`` takes only text, not the line lexer's input).
CHECKED_ON = ("1.2.2", "1.3.1")

#: The keys of the object ``Lark.save`` pickles (lark/lark.py, ``Lark.save`` and ``Lark._load``).
SAVED_KEYS = frozenset({"data", "memo"})


def can_load() -> bool:
    """Whether ``Lark._load_from_dict(data, memo, **options)`` exists with that shape.

    Checked on lark 1.2.2 and 1.3.1. It is the loader behind Lark's own ``cache=`` option and
    its standalone parsers (``Lark_StandAlone(**kwargs)``), and it accepts the options Lark
    allows for a loaded parser (``transformer`` among them).
    """
    loader = getattr(Lark, "_load_from_dict", None)
    if not callable(loader):
        return False
    parameters = inspect.signature(loader).parameters.values()
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def load(saved: object, **options: Any) -> Lark | None:
    """A parser from what ``Lark.save`` pickled (already unpickled), with ``options`` (such as
    ``transformer``) attached as Lark's own cache does; None when this Lark cannot do it.

    Checked on lark 1.2.2 and 1.3.1. Relies on ``Lark.save`` pickling a dict with the keys
    ``data`` and ``memo``, and on ``Lark._load_from_dict`` (see ``can_load``). A custom lexer
    class is saved by reference in the tables and comes back with them.
    """
    if not (isinstance(saved, dict) and saved.keys() == SAVED_KEYS and can_load()):
        return None
    try:
        return Lark._load_from_dict(saved["data"], saved["memo"], **options)  # type: ignore[attr-defined,no-any-return]
    except ConfigurationError:  # this Lark refuses one of the options on a loaded parser
        return None


@contextlib.contextmanager
def without_collision_checks() -> Iterator[None]:
    """Build a parser without Lark's regex collision checks.

    Checked on lark 1.2.2 and 1.3.1. When the optional ``interegular`` package is installed,
    Lark compares every pair of terminals while building a lexer, only to log warnings, which
    makes a build several times slower. The grammar orders colliding terminals by priority on
    purpose, and the tests check the result. Relies on the module flag
    ``lark.lexer.has_interegular``, read by ``BasicLexer`` and ``ContextualLexer`` when they are
    built; if it is gone, the checks just run.
    """
    if not hasattr(lark.lexer, "has_interegular"):
        yield
        return
    saved = lark.lexer.has_interegular
    lark.lexer.has_interegular = False
    try:
        yield
    finally:
        lark.lexer.has_interegular = saved


def lalr_table(parser: Lark) -> Any | None:
    """The LALR ``_Parser`` inside a Lark parser (the object holding ``parse_table`` and
    ``callbacks``), or None when Lark's layout differs.

    Checked on lark 1.2.2 and 1.3.1: ``Lark.parser`` is a ``ParsingFrontend``, its ``parser``
    an ``LALR_Parser``, whose ``parser`` is the ``_Parser``.
    """
    try:
        table = parser.parser.parser.parser
        table.callbacks, table.parse_table.states  # noqa: B018 - both must exist
    except AttributeError:
        return None
    return table


def share_rules(parser: Lark) -> bool:
    """Make each reduce of the LALR table cheap; False if skipped (Lark's layout differs).

    At each reduce the parser looks up the rule's callback (a dict keyed by ``Rule``) and the
    goto of the rule's name (dicts keyed by plain ``str``). Rule names are Lark ``Token``s in a
    parser built by lark 1.2.2 and 1.3.1, and in one loaded by 1.2.2, so every goto lookup ran
    ``Token.__eq__`` in Python; plain-str names keep those lookups in C. The rules in the table
    and the callback keys are made the same objects, so that the callback lookup hits at once
    (they already are in 1.2.2 and 1.3.1). The tables' meaning does not change.

    Checked on lark 1.2.2 and 1.3.1. Relies on the layout ``lalr_table`` reads, on the states
    mapping each state to ``{symbol name: (action, argument)}`` where a reduce's argument is a
    ``Rule``, on the callbacks being a dict keyed by ``Rule``, and on a ``Rule``'s hash being
    computed once (so renaming its origin in place keeps it findable).
    """
    table = lalr_table(parser)
    if table is None:
        return False
    canonical = {rule: rule for rule in table.callbacks}
    for rule in canonical:
        rule.origin.name = str(rule.origin.name)
    for actions in table.parse_table.states.values():
        for key, (action, argument) in list(actions.items()):
            shared = canonical.get(argument)  # a Rule for a reduce, a state number for a shift
            if shared is not None and argument is not shared:
                actions[key] = (action, shared)
    return True


class Unparsed(Exception):
    """The driver met input its tables reject (or a token it cannot read): the caller runs
    Lark's own parser on the same input, which raises Lark's exception with its details."""


class Driver:
    """Lark's LALR loop for one start symbol (``ParserState.feed_token`` with the contextual
    lexer's ``next_token``, fused into one function), over the parser's own tables and
    callbacks, so it builds exactly the tree ``Lark.parse`` builds.

    ``Lark.parse`` spends most of the time of a short input outside the automaton: the front end,
    the lexer thread, the parser state and the line counter are made anew for every call, every
    token is made with its line and column and goes through two generators, and every reduce
    reads the tables through attribute lookups (and compares the rule with the end state in
    Python). Here the tables are read once into plain lists and dicts: a shift is the next state
    (an int), a reduce is (size, rule name, callback). Where the input is not accepted, the
    driver raises ``Unparsed`` and the caller lets Lark parse it (and raise its own error).
    """

    __slots__ = ("_end", "_matchers", "_rows", "_start")

    def __init__(self, rows: list[dict[str, Any]], start: int, end: int, matchers: list[Any] | None) -> None:
        self._rows = rows
        self._start = start
        self._end = end
        self._matchers = matchers

    def parse_tokens(self, tokens: Iterable[Any]) -> Any:
        """The value of the start symbol for ``tokens`` (Lark tokens, as the lexer gives them)."""
        rows = self._rows
        states = [self._start]
        values: list[Any] = []
        row = rows[self._start]
        for token in tokens:
            kind = token.type
            while True:
                action = row.get(kind)
                if action is None:
                    raise Unparsed(kind)
                if action.__class__ is int:
                    states.append(action)
                    values.append(token)
                    row = rows[action]
                    break
                size, origin, callback = action
                if size:
                    children = values[-size:]
                    del values[-size:]
                    del states[-size:]
                else:
                    children = []
                values.append(callback(children))
                state = rows[states[-1]][origin]
                states.append(state)
                row = rows[state]
        return self._finish(states, values, row)

    def parse_text(self, text: str, token: Callable[[str, str, int, int], Any]) -> Any:
        """The value of the start symbol for ``text``, read with the contextual lexer's scanners
        (``token(type, value, start, end)`` makes each token)."""
        matchers = self._matchers
        assert matchers is not None
        rows = self._rows
        state = self._start
        states = [state]
        values: list[Any] = []
        row = rows[state]
        pos = 0
        size = len(text)
        while pos < size:
            match = matchers[state](text, pos)
            if match is None:
                raise Unparsed(pos)
            kind = match.lastgroup
            end = match.end()
            value = token(kind, match.group(), pos, end)
            pos = end
            while True:
                action = row.get(kind)
                if action is None:
                    raise Unparsed(kind)
                if action.__class__ is int:
                    state = action
                    states.append(state)
                    values.append(value)
                    row = rows[state]
                    break
                length, origin, callback = action
                if length:
                    children = values[-length:]
                    del values[-length:]
                    del states[-length:]
                else:
                    children = []
                values.append(callback(children))
                state = rows[states[-1]][origin]
                states.append(state)
                row = rows[state]
        return self._finish(states, values, row)

    def _finish(self, states: list[int], values: list[Any], row: dict[str, Any]) -> Any:
        """Feed the end of the input: reduce until the start symbol is complete."""
        rows = self._rows
        while True:
            action = row.get("$END")
            if action is None or action.__class__ is int:
                raise Unparsed("$END")
            size, origin, callback = action
            if size:
                children = values[-size:]
                del values[-size:]
                del states[-size:]
            else:
                children = []
            values.append(callback(children))
            state = rows[states[-1]][origin]
            states.append(state)
            if state == self._end:
                return values[-1]
            row = rows[state]


def _no_match(text: str, pos: int) -> None:
    return None


def driver(parser: Lark, start: str, contextual: bool = False) -> Driver | None:
    """A ``Driver`` over a Lark LALR parser's tables, callbacks and (``contextual``) the
    scanners of its contextual lexer; None when Lark's layout is not the one it reads (then the
    caller keeps calling ``Lark.parse``, only slower).

    Checked on lark 1.2.2 and 1.3.1. Relies on the layout ``lalr_table`` reads; on the tables
    mapping each state to ``{symbol: (action, argument)}`` with ``Shift`` (from
    ``lark.parsers.lalr_analysis``) and the next state, or a reduce and its ``Rule`` (its
    ``expansion`` and ``origin.name``, the callback keyed by the rule), and on the start and
    end states by start symbol; on the callbacks being keyed by rules only (no terminal
    callbacks, which would apply at each shift); for ``contextual``: on ``Lark.parser.lexer``
    being a ``ContextualLexer`` whose ``lexers`` map each state to a ``BasicLexer`` whose
    ``scanner`` holds one compiled pattern (``_mres``) of named groups (the terminal names),
    with no ignored terminals and no lexer callbacks. It mirrors ``ParserState.feed_token``
    (shift, or reduce and goto until a shift; at the end, reduce until the end state) and
    ``BasicLexer.next_token`` (the longest-first alternation of the terminals the state accepts,
    matched at the current position).
    """
    table = lalr_table(parser)
    if table is None:
        return None
    try:
        from lark.parsers.lalr_analysis import Shift

        parse_table = table.parse_table
        callbacks = table.callbacks
        if not isinstance(callbacks, dict) or any(isinstance(key, str) for key in callbacks):
            return None
        numbers = {state: index for index, state in enumerate(parse_table.states)}
        rows: list[dict[str, Any]] = []
        for state, actions in parse_table.states.items():
            row: dict[str, Any] = {}
            for symbol, (action, argument) in actions.items():
                if action is Shift:
                    row[str(symbol)] = numbers[argument]
                else:
                    row[str(symbol)] = (len(argument.expansion), str(argument.origin.name), callbacks[argument])
            rows.append(row)
        start_state = numbers[parse_table.start_states[start]]
        end_state = numbers[parse_table.end_states[start]]
        matchers = None
        if contextual:
            lexer = parser.parser.lexer
            if not isinstance(lexer, lark.lexer.ContextualLexer):
                return None
            matchers = []
            for state in parse_table.states:
                basic: Any = lexer.lexers[state]
                scanner = basic.scanner
                if basic.ignore_types or basic.callback or len(scanner._mres) > 1:
                    return None
                # A state that accepts no terminal (only the end of the input) matches nothing.
                matchers.append(scanner._mres[0].match if scanner._mres else _no_match)
    except (AttributeError, KeyError, TypeError, ImportError):
        return None
    return Driver(rows, start_state, end_state, matchers)
