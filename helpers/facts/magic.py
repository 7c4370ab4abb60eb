"""Test numbers: Twilio's magic numbers, and the recipients whose delivery fails.

With Twilio's test credentials only these numbers do anything: From ``MAGIC_FROM_OK``
passes, the ``MAGIC_FROM`` senders and ``MAGIC_TO`` recipients give their error, any other
From gives 21606 (Twilio's documented behaviour; nothing is sent).
"""

from __future__ import annotations

MAGIC_FROM_OK = "+15005550006"
MAGIC_FROM = {"+15005550001": 21212, "+15005550007": 21606, "+15005550008": 21611}
MAGIC_TO = {
    "+15005550001": 21211,
    "+15005550002": 21612,
    "+15005550003": 21408,
    "+15005550004": 21610,
    "+15005550009": 21614,
}

# Recipients accepted with 201 whose delivery then fails with this error code (``failed``
# for 30034, ``undelivered`` otherwise). Twilio documents no such numbers: this is the
# course's convention, in Twilio's +1500555 test range, which the emulator implements and
# notebook 05 teaches with.
FAILURE_NUMBERS = {
    "+15005553003": 30003,
    "+15005553005": 30005,
    "+15005553006": 30006,
    "+15005553007": 30007,
    "+15005553034": 30034,
}
