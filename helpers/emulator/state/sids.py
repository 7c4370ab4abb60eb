"""Deterministic, random-looking SIDs that map back to their row number.

``make_sid("SM", 7)`` always gives the same 34-character SID, so a fresh run replays
exactly; ``sid_row("SM...")`` recovers 7, so the store finds a message by its primary key
without a (slow to update) index on the SID text. The mapping is a bijection on 128-bit
integers: salt by prefix, then multiply-xorshift twice.
"""

from __future__ import annotations

import hashlib
import string

_BITS = 128
_MASK = (1 << _BITS) - 1
_K1 = 0x9E3779B97F4A7C15F39CC0605CEDC835
_K2 = 0xD6E8FEB86659FD93C6A4A7935BD1E995
_K1_INVERSE = pow(_K1, -1, 1 << _BITS)
_K2_INVERSE = pow(_K2, -1, 1 << _BITS)
_HEX = frozenset(string.hexdigits.lower())
_MAX_ROW = 1 << 62


def _salt(prefix: str) -> int:
    return int(hashlib.md5(prefix.encode()).hexdigest(), 16)


_SALTS = {prefix: _salt(prefix) for prefix in ("SM", "MM", "ME")}


def make_sid(prefix: str, row: int) -> str:
    """The SID of row ``row`` of a resource whose SIDs start with ``prefix``."""
    x = (row ^ _SALTS[prefix]) * _K1 & _MASK
    x ^= x >> 64
    x = x * _K2 & _MASK
    x ^= x >> 64
    return f"{prefix}{x:032x}"


def sid_row(sid: str) -> int | None:
    """The row number behind ``sid``, or None when no ``make_sid`` call could produce it."""
    salt = _SALTS.get(sid[:2])
    if salt is None or len(sid) != 34 or not _HEX.issuperset(sid[2:]):
        return None
    x = int(sid[2:], 16)
    x ^= x >> 64
    x = x * _K2_INVERSE & _MASK
    x ^= x >> 64
    row = (x * _K1_INVERSE & _MASK) ^ salt
    return row if 0 < row < _MAX_ROW else None
