"""Makers of frozen dataclass instances without the dataclass's ``__init__``.

``frozen=True`` makes ``__init__`` set each field through ``object.__setattr__``; the parser,
the shell reader and the step reader make thousands of such objects per file (words, simple
commands, invocations, events, instructions). ``maker(cls)`` returns a function taking the
fields in their declared order (those given to ``maker`` as fixed values excepted) that fills the
instance's ``__dict__`` directly: the same object ``cls(...)`` makes, cheaper. The field names
are read from the dataclass itself, so a field added later cannot be missed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def maker(cls: type[T], **fixed: Any) -> Callable[..., T]:
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    unknown = set(fixed) - set(names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {sorted(unknown)[0]}")
    given = [name for name in names if name not in fixed]
    # Written out as dataclasses writes __init__ (exec of generated source): one dict store per
    # field, as fast as writing the function by hand.
    lines = [f"def make({', '.join(given)}):", "    instance = new(cls)", "    fields = instance.__dict__"]
    lines += [f"    fields[{name!r}] = {name if name not in fixed else '_fixed_' + name}" for name in names]
    lines.append("    return instance")
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, **{"_fixed_" + k: v for k, v in fixed.items()}}
    exec("\n".join(lines), namespace)  # noqa: S102 - generated from the dataclass's own field names
    make: Callable[..., T] = namespace["make"]
    make.__qualname__ = make.__name__ = f"make_{cls.__name__}"
    return make
