"""Every use of Lark's internals, in one module.

Lark's public API builds an LALR parser (``Lark(...)``) and saves it (``Lark.save``), but its
public loader (``Lark.load(f)``) takes no options, so a loaded parser cannot be given its
transformer, and Lark offers no switch for its optional lexer collision checks. The parser
needs both, and one speed-up that reaches into the LALR tables. Each of them is here, with
the Lark versions it was checked on and what it relies on.

Each one degrades at run time when its assumption stops holding (build instead of load,
check collisions, skip a speed-up): the output stays correct, only slower. The tests in
``tests/test_parser_cache.py`` assert every assumption, so an upgrade of Lark that breaks one
fails there instead of going unnoticed.
"""

from __future__ import annotations

import contextlib
import inspect
from typing import Any, Iterator

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
