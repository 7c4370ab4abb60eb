"""``dumps(obj)``: the text ``json.dumps(obj)`` gives, without its per-call setup.

``json.dumps`` builds a new C encoder (and a circular-reference check) on every call; the
emulator encodes a timeline per create (and every JSON answer but a message's), so it keeps
one encoder instead.
Only plain JSON data (dict, list, str, int, float, bool, None, no cycles) may be passed.
"""

from __future__ import annotations

from json import encoder

if encoder.c_make_encoder is None:  # pragma: no cover - CPython always has the C encoder
    raise ImportError("helpers.emulator.fastjson needs CPython's C JSON encoder")


def _unsupported(value):
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_ENCODE = encoder.c_make_encoder(
    None,  # no circular-reference markers: callers pass plain, acyclic data
    _unsupported,
    encoder.encode_basestring_ascii,
    None,  # indent
    ": ",
    ", ",
    False,  # sort_keys
    False,  # skipkeys
    True,  # allow_nan
)


def dumps(obj) -> str:
    """Exactly ``json.dumps(obj)`` for plain JSON data."""
    return "".join(_ENCODE(obj, 0))
