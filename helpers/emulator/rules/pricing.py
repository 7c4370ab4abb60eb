"""Prices as Twilio writes them: negative USD strings ("-0.00790") from its list prices
(``helpers.facts.sending.message_price``), set when a message is ``sent`` or received."""

from __future__ import annotations

from functools import lru_cache

from helpers.facts import NORTH_AMERICA, message_price


def price_string(amount: float) -> str:
    return f"{-amount:.5f}"


@lru_cache(maxsize=1024)
def price(region: str, segments: int, mms: bool) -> str:
    """The price of a message of ``segments`` (an MMS counts once) to or from ``region``."""
    return price_string(message_price(segments, mms, region in NORTH_AMERICA))
