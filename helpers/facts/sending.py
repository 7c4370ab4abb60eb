"""Sending: Twilio's list prices, its senders' speeds, where MMS and US senders reach.

Prices vary by country and change over time (https://www.twilio.com/en-us/sms/pricing/us);
these are the US list prices the course teaches with and the emulator charges. Speeds are
Twilio's documented defaults per sender (segments per second); accounts can buy more.
"""

from __future__ import annotations

# -- prices (USD) --------------------------------------------------------------------------
PRICE_SMS_NORTH_AMERICA = 0.0079
"""One SMS segment to a US or Canadian number."""

PRICE_SMS_INTERNATIONAL = 0.05
"""One SMS segment elsewhere (a round figure: the real price depends on the country)."""

PRICE_MMS = 0.02
"""One MMS to a US or Canadian number, whatever its length: MMS is billed per message."""

NORTH_AMERICA = frozenset({"US", "CA", "PR"})
"""Where MMS is delivered natively, US toll-free numbers and short codes reach, and the
North American SMS price applies (Twilio treats Canada and Puerto Rico like the US)."""


def message_price(segments: int, mms: bool = False, north_america: bool = True) -> float:
    """What Twilio charges for one message (USD): per message with media, else per segment."""
    if mms:
        return PRICE_MMS
    return segments * (PRICE_SMS_NORTH_AMERICA if north_america else PRICE_SMS_INTERNATIONAL)


# -- speeds (segments per second; an MMS counts as one) -----------------------------------
LONG_CODE_MPS = 1.0
TOLL_FREE_MPS = 3.0
SHORT_CODE_MPS = 100.0
ACCOUNT_MMS_MPS = 25.0
"""MMS an account sends per second, over all its senders."""

SENDER_MPS = {"long code": LONG_CODE_MPS, "toll-free": TOLL_FREE_MPS,
              "short code": SHORT_CODE_MPS}
"""Speed by ``sender_kind``."""

TOLL_FREE_PREFIXES = ("+1800", "+1833", "+1844", "+1855", "+1866", "+1877", "+1888")
SHORT_CODE_DIGITS = (5, 6)


def is_short_code(text: str) -> bool:
    """True for a 5- or 6-digit short code such as ``55501``."""
    return text.isdigit() and SHORT_CODE_DIGITS[0] <= len(text) <= SHORT_CODE_DIGITS[1]


def sender_kind(from_: str) -> str:
    """'short code', 'toll-free' or 'long code' (alphanumeric IDs are paced like long codes)."""
    if is_short_code(from_):
        return "short code"
    if from_.startswith(TOLL_FREE_PREFIXES):
        return "toll-free"
    return "long code"
