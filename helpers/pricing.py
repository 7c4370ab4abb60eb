"""Estimated prices for outbound messages, for the forms' cost preview.

Twilio bills SMS per segment and MMS per message; prices vary by country and change over time
(see https://www.twilio.com/en-us/sms/pricing/us). These are US list prices, as an estimate only.
"""

SMS_PER_SEGMENT_USD = 0.0079
MMS_PER_MESSAGE_USD = 0.0200


def estimate_usd(segments: int, media: int = 0) -> float:
    """Estimated cost in USD of one message: per message if it carries media, else per segment."""
    if media:
        return MMS_PER_MESSAGE_USD
    return round(segments * SMS_PER_SEGMENT_USD, 4)
