"""`mlc.config`: the user-facing settings of the frontend (Theano's `theano.config`).

Read once at import from the environment variable `MLC_FLAGS`
(`MLC_FLAGS="floatX=float32,compiledir=/tmp/x"`; quote a value that holds commas:
`MLC_FLAGS="compiledir='/tmp/a,b'"`, or set `MLC_COMPILEDIR`); every assignment is
validated, so a typo fails where it is made. Only the frontend reads this object: passes take explicit
options (DESIGN.md), and `mlc.function` hands them what they need.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Callable


def _choice(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(map(repr, allowed))}, got {value!r}")
        return value
    return check


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"must be a boolean, got {value!r}")


def _positive_int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"must be a positive integer, got {value!r}") from None
    if number < 1 or isinstance(value, bool) or isinstance(value, float) and value != number:
        raise ValueError(f"must be a positive integer, got {value!r}")
    return number


def _path(value: Any) -> str:
    if not isinstance(value, (str, os.PathLike)) or not str(value):
        raise ValueError(f"must be a non-empty path, got {value!r}")
    return os.path.abspath(os.path.expanduser(os.fspath(value)))


def _default_compiledir() -> str:
    from mlc.runtime.compile import default_cache_dir  # $MLC_COMPILEDIR or ~/.cache/mlc/<abi>
    return _path(default_cache_dir())


_OPTIONS: dict[str, tuple[Callable[[Any], Any], Callable[[], Any], str]] = {
    "floatX": (_choice("float64", "float32"), lambda: "float64",
               "dtype of T.scalar()/vector()... and of Python float constants"),
    "compiledir": (_path, _default_compiledir,
                   "where compiled functions are cached (env MLC_COMPILEDIR also sets it)"),
    "mode": (_choice("FAST_RUN", "FAST_COMPILE", "DebugMode"), lambda: "FAST_RUN",
             "default optimization pipeline of mlc.function"),
    "device": (_choice("cpu", "cuda"), lambda: "cpu", "where compiled functions run"),
    "openmp": (_bool, lambda: False, "run parallel loops with OpenMP"),
    "memory_cache_entries": (_positive_int, lambda: 256,
                             "compiled graphs kept loaded in memory (least recently used go)"),
    "memory_cache_bytes": (_positive_int, lambda: 256 * 2**20,
                           "bytes of compiled libraries kept loaded in memory (likewise)"),
}


class Config:
    """Validated settings; `str(config)` lists them with their meaning."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {k: default() for k, (_, default, _) in _OPTIONS.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"mlc.config has no option {name!r}; options are "
                                 f"{', '.join(_OPTIONS)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _OPTIONS:
            raise AttributeError(f"mlc.config has no option {name!r}; options are "
                                 f"{', '.join(_OPTIONS)}")
        try:
            self._values[name] = _OPTIONS[name][0](value)
        except ValueError as e:
            raise ValueError(f"mlc.config.{name} {e}") from None

    def __dir__(self) -> list[str]:
        return list(_OPTIONS)

    def __str__(self) -> str:
        return "\n".join(f"{k} = {self._values[k]!r}  # {doc}" for k, (_, _, doc) in _OPTIONS.items())

    def apply_flags(self, flags: str, source: str = "MLC_FLAGS") -> None:
        """Apply `name=value,name=value`; a value in quotes ("..." or '...') may hold
        commas. Unknown names warn, bad values raise."""
        for item in split_flags(flags, source):
            name, sep, value = item.partition("=")
            name, value = name.strip(), unquote(value.strip())
            if not sep:
                warnings.warn(f"{source}: ignoring {item!r} (expected name=value)", stacklevel=2)
            elif name not in _OPTIONS:
                warnings.warn(f"{source}: unknown flag {name!r} ignored; known flags are "
                              f"{', '.join(_OPTIONS)}", stacklevel=2)
            else:
                setattr(self, name, value)


def split_flags(flags: str, source: str = "MLC_FLAGS") -> list[str]:
    """The comma-separated items of `flags`; commas inside quotes do not separate."""
    items, current, quote = [], [], ""
    for ch in flags:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == ",":
            items.append("".join(current))
            current = []
            continue
        current.append(ch)
    if quote:
        raise ValueError(f"{source}: unterminated {quote} quote in {flags!r}")
    items.append("".join(current))
    return [i.strip() for i in items if i.strip()]


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


config = Config()
config.apply_flags(os.environ.get("MLC_FLAGS", ""))
