"""E.164 phone numbers: checking them and suggesting the fix, with `phonenumbers`."""

import phonenumbers

E164_HINT = "E.164 means a plus sign, the country code and the number, with no spaces: +14155550100"


def to_e164(text: str, region: str = "US") -> str:
    """Return `text` as an E.164 number, or raise ValueError saying how to fix it.

    Numbers already in E.164 are returned unchanged. National formats such as
    ``(415) 555-0100`` are read in `region` and the error suggests ``+14155550100``.
    """
    raw = (text or "").strip()
    if not raw:
        raise ValueError(f"The phone number is empty. {E164_HINT}")
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{raw!r} is not a phone number. {E164_HINT}") from None
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(f"{raw!r} has the wrong number of digits for its country. {E164_HINT}")
    if raw != formatted:
        raise ValueError(f"{raw!r} is not in E.164 format; did you mean {formatted}?")
    return formatted


def suggest_e164(text: str, region: str = "US") -> str | None:
    """The E.164 form of `text` when it can be inferred, else None."""
    try:
        parsed = phonenumbers.parse((text or "").strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
