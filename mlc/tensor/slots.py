"""`SlotState`: pickling for the frontend's `__slots__` classes under every protocol.

Python pickles objects with `__slots__` by itself only from protocol 2 on; protocols 0
and 1 (still Theano code's `pickle.dump(obj, f, 0)` / `cPickle` defaults) need an explicit
`__getstate__` and `__setstate__`. Variables, types, `mlc.In`/`mlc.Out` and shared
variables inherit these two, so every protocol stores the same attributes.
"""

from __future__ import annotations

from typing import Any


def _slot_names(cls: type) -> tuple[str, ...]:
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        slots = klass.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__weakref__", "__dict__") and name not in names:
                names.append(name)
    return tuple(names)


class SlotState:
    """Mixin: the state of an instance is the dict of its set slots."""

    __slots__ = ()

    def __getstate__(self) -> dict[str, Any]:
        return {n: getattr(self, n) for n in _slot_names(type(self)) if hasattr(self, n)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
