"""Count SMS segments the way Twilio's message segment calculator does.

The rules (alphabets, 160/153 GSM-7 and 70/67 UCS-2 characters per segment, Smart
Encoding) are Twilio's, in ``helpers.facts.encoding``; this module applies them. A character
(escape pair, surrogate pair, CRLF, an accent combined with its letter, an emoji sequence) is
never split across two segments.

    >>> count_segments("Hello from Python!").segments
    1
    >>> count_segments("Price: 5€").encoding
    'GSM-7'
    >>> count_segments("Ça va? 🙂").ucs2_chars
    ('🙂',)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from .facts.encoding import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    MULTI_SEGMENT,
    SINGLE_SEGMENT,
    SMART_ENCODING,
)

_GSM7 = GSM7_BASIC | GSM7_EXTENSION
# ASCII characters that are not plain GSM-7 (controls, the backtick, extension characters).
_ASCII_NOT_GSM7_BASIC = re.compile(
    "[" + re.escape("".join(c for c in map(chr, range(128)) if c not in GSM7_BASIC)) + "]"
)
_SMART_TABLE = str.maketrans(SMART_ENCODING)

_ZWJ = "\u200d"


class SegmentCount(NamedTuple):
    """How Twilio splits one message body.

    ``segments``: how many SMS segments are billed; ``encoding``: ``"GSM-7"`` or ``"UCS-2"``;
    ``ucs2_chars``: the characters that forced UCS-2 (unique, in order of appearance);
    ``parts``: the text of each segment; ``characters``: code points in ``body``;
    ``units``: septets (GSM-7) or UTF-16 code units (UCS-2); ``body``: the text counted
    (after Smart Encoding when it was asked for).
    """

    segments: int
    encoding: str
    characters: int
    units: int
    ucs2_chars: tuple[str, ...]
    parts: tuple[str, ...]
    body: str


def _extends_cluster(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or 0xE0100 <= code <= 0xE01EF
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _clusters(body: str) -> list[str]:
    """Split into user-perceived characters (a pragmatic subset of Unicode grapheme rules)."""
    clusters: list[str] = []
    join_next = False
    for char in body:
        if clusters and (
            join_next
            or char == _ZWJ
            or (char == "\n" and clusters[-1] == "\r")
            or _extends_cluster(char)
            or (
                _is_regional_indicator(char)
                and len(clusters[-1]) == 1
                and _is_regional_indicator(clusters[-1])
            )
        ):
            clusters[-1] += char
        else:
            clusters.append(char)
        join_next = char == _ZWJ
    return clusters


def _gsm_cost(cluster: str) -> int:
    return sum(2 if char in GSM7_EXTENSION else 1 for char in cluster)


def _ucs2_cost(cluster: str) -> int:
    return len(cluster.encode("utf-16-le", "surrogatepass")) // 2


def _pack(clusters: list[str], costs: list[int], capacity: int) -> tuple[str, ...]:
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for cluster, cost in zip(clusters, costs, strict=True):
        if used + cost > capacity and current:
            parts.append("".join(current))
            current, used = [], 0
        current.append(cluster)
        used += cost
    if current:
        parts.append("".join(current))
    return tuple(parts)


def _split_oversized(clusters: list[str], cost, capacity: int) -> list[str]:
    """A cluster longer than a whole segment (say, stacked accents) is split by code point."""
    if all(cost(cluster) <= capacity for cluster in clusters):
        return clusters
    result: list[str] = []
    for cluster in clusters:
        result.extend(list(cluster) if cost(cluster) > capacity else [cluster])
    return result


def _gsm_tokens(body: str) -> list[str]:
    """GSM-7 characters, with CRLF kept together (the only multi-character GSM-7 unit)."""
    if "\r\n" not in body:
        return list(body)
    return _clusters(body)


def count_segments(body: str, smart_encoding: bool = False) -> SegmentCount:
    """Count the segments Twilio bills for ``body`` (see the module docstring for the rules)."""
    if (len(body) <= SINGLE_SEGMENT["GSM-7"] and not smart_encoding and body.isascii()
            and _ASCII_NOT_GSM7_BASIC.search(body) is None):
        length = len(body)  # the usual text message: one segment of plain ASCII (or none)
        return SegmentCount(1 if body else 0, "GSM-7", length, length, (), (body,) if body else (),
                            body)
    if len(body) > _CACHED_LENGTH:  # a rare long text (an MMS converted to links) stays out
        return _count_segments.__wrapped__(body, smart_encoding)
    return _count_segments(body, smart_encoding)


_CACHED_LENGTH = 2000  # characters: the cache stays under 4096 x 2000 characters


@lru_cache(maxsize=4096)
def _count_segments(body: str, smart_encoding: bool) -> SegmentCount:
    if smart_encoding:
        body = body.translate(_SMART_TABLE)
    if GSM7_BASIC.issuperset(body):
        encoding, ucs2_chars, units = "GSM-7", (), len(body)
    else:
        ucs2_chars = tuple(dict.fromkeys(c for c in body if c not in _GSM7))
        encoding = "UCS-2" if ucs2_chars else "GSM-7"
        units = (
            len(body.encode("utf-16-le", "surrogatepass")) // 2
            if ucs2_chars
            else len(body) + sum(1 for c in body if c in GSM7_EXTENSION)
        )
    if units <= SINGLE_SEGMENT[encoding]:
        parts = (body,) if body else ()
    else:
        cost = _ucs2_cost if ucs2_chars else _gsm_cost
        tokens = _clusters(body) if ucs2_chars else _gsm_tokens(body)
        tokens = _split_oversized(tokens, cost, MULTI_SEGMENT[encoding])
        parts = _pack(tokens, [cost(token) for token in tokens], MULTI_SEGMENT[encoding])
    return SegmentCount(
        segments=len(parts),
        encoding=encoding,
        characters=len(body),
        units=units,
        ucs2_chars=ucs2_chars,
        parts=parts,
        body=body,
    )
