"""Twilio on the web: the header that signs its status callbacks, and its public demo media.

Twilio signs each webhook request with ``X-Twilio-Signature`` (HMAC-SHA1 of the URL and the
sorted parameters, keyed with the auth token; ``twilio.request_validator`` checks it).
``demo.twilio.com`` serves the pictures Twilio's docs attach (``owl.png``, ``logo.png``);
offline, the emulator has a copy of them.
"""

from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-Twilio-Signature"
RAW_DLR_DONE_DATE = "%y%m%d%H%M"
"""``RawDlrDoneDate`` of a delivered or undelivered status callback: the carrier's receipt
time as YYMMDDhhmm (https://www.twilio.com/en-us/changelog/addition-of-rawdlrdonedate-to-
delivered-and-undelivered-status-webhooks); the emulator gives it in UTC."""
DEMO_MEDIA_HOST = "demo.twilio.com"


def is_demo_media(url: str) -> bool:
    """True for a picture on Twilio's demo host (the ones the emulator has offline)."""
    return urlsplit(url).hostname == DEMO_MEDIA_HOST
