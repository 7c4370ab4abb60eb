"""Numbers: parsing what Twilio would dial (cached, so a create stays cheap), and which of
its own numbers an account may send from (phone numbers, short codes, alphanumeric IDs)."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from .. import seed
from ..errors import TwilioError

SHORT_CODE = re.compile(r"\d{3,8}")
ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
CHANNEL_ADDRESS = re.compile(r"\s*[A-Za-z]+:")  # whatsapp:+1..., messenger:..., rcs:...


MAX_NUMBER_TEXT = 32
"""Longer text is no number (E.164 is 16 characters), and never reaches the cache."""


def parse_number(raw: str) -> tuple[str, str] | None:
    """``(E.164, country)`` for a number Twilio would dial, else None.

    Twilio accepts any *possible* number (``+15558675310`` is possible though not assigned);
    a number without ``+`` is read as a US number, the way Twilio reads it for a US sender.
    """
    return None if len(raw) > MAX_NUMBER_TEXT else _parse_number(raw)


@lru_cache(maxsize=4096)
def _parse_number(raw: str) -> tuple[str, str] | None:
    text = raw.strip()
    if not text or not any(c.isdigit() for c in text):
        return None
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    # The country code's main region: +1 counts as US (Canada is treated alike for
    # permissions, MMS and price), +44 as GB.
    return e164, phonenumbers.region_code_for_country_code(parsed.country_code)


def check_channels(to: str, from_: str | None) -> None:
    """Channel addresses (``whatsapp:+1...``): no account here has a channel sender, so a
    channel From is 63007, and a channel To from an SMS sender (a number, a service's pool)
    is 21910 (https://www.twilio.com/docs/api/errors/63007, .../21910)."""
    if from_ and ":" in from_ and CHANNEL_ADDRESS.match(from_):
        raise TwilioError(63007)
    if ":" in to and CHANNEL_ADDRESS.match(to):
        raise TwilioError(21910)


def recipient(raw: str) -> tuple[str, str]:
    """``(E.164, country)`` of a ``To``, else Twilio's 21211."""
    parsed = parse_number(raw)
    if parsed is None:
        raise TwilioError(21211, to=raw)
    return parsed


def sender(account: seed.Account, raw: str | None) -> seed.PhoneNumber | None:
    """The account's own, SMS-capable number ``raw`` names (None: let the service pick);
    another account's number is 21606, as a number nobody owns."""
    if not raw:
        return None
    owned = account.owned(raw.strip())
    if owned is None:
        parsed = parse_number(raw)
        owned = account.owned(parsed[0]) if parsed else None
        if parsed is None and not (
            SHORT_CODE.fullmatch(raw.strip()) or ALPHANUMERIC_SENDER.fullmatch(raw.strip())
        ):
            raise TwilioError(21212, from_=raw)
    if owned is None or not owned.sms:
        raise TwilioError(21606, from_=raw)
    return owned


def _number_pattern(text: str) -> re.Pattern:
    """Twilio's ``PhoneNumber`` filter: part of a number, ``*`` standing for any digit."""
    wanted = "".join(c for c in text if c.isascii() and (c.isdigit() or c in "*+"))
    return re.compile(re.escape(wanted).replace(r"\*", r"\d"))


def incoming(account: seed.Account, friendly_name: str | None,
             phone_number: str | None) -> list[seed.PhoneNumber]:
    """The account's phone numbers (short codes are another resource), filtered as Twilio's
    IncomingPhoneNumbers list is: ``FriendlyName`` exactly, ``PhoneNumber`` in part."""
    pattern = _number_pattern(phone_number) if phone_number is not None else None
    return [number for number in account.numbers if number.kind != "short_code"
            and friendly_name in (None, number.friendly_name)
            and (pattern is None or pattern.search(number.phone_number))]


def incoming_number(account: seed.Account, sid: str, path: str) -> seed.PhoneNumber:
    """The account's phone number ``sid`` (not a short code), else 20404 for ``path``."""
    found = next((number for number in account.numbers
                  if number.sid == sid and number.kind != "short_code"), None)
    if found is None:
        raise TwilioError(20404, path=path)
    return found
