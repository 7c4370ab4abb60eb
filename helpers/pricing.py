"""Estimated prices for outbound messages, for the forms' cost preview.

Twilio bills SMS per segment and MMS per message; prices vary by country and change over time
(https://www.twilio.com/en-us/sms/pricing/us). The US/Canada list prices are Twilio's facts
(``helpers.facts.sending``), which the emulator charges too, so the estimate matches the
`price` a message gets offline.
"""

from .facts import message_price


def estimate_usd(segments: int, media: int = 0) -> float:
    """Estimated cost in USD of one US/Canada message: per message with media, else per segment."""
    return round(message_price(segments, mms=bool(media)), 4)
