"""Estimated prices for outbound messages, for the forms' cost preview.

Twilio bills SMS per segment and MMS per message; prices vary by country and change over time
(https://www.twilio.com/en-us/sms/pricing/us). The US/Canada figures here are the ones the
emulator charges, so the estimate matches the `price` a message gets offline.
"""

from .emulator.models import PRICE_MMS, PRICE_SMS_NORTH_AMERICA


def estimate_usd(segments: int, media: int = 0) -> float:
    """Estimated cost in USD of one US/Canada message: per message with media, else per segment."""
    if media:
        return PRICE_MMS
    return round(segments * PRICE_SMS_NORTH_AMERICA, 4)
