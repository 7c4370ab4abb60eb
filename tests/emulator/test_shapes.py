"""A Message's to_dict() is Twilio's JSON object for it, and its fast path to_json() writes
exactly json.dumps(to_dict()), whatever the stored fields hold; dates are written as the
standard library writes them."""

import json
from datetime import UTC, datetime
from email.utils import format_datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.emulator import fastjson
from helpers.emulator.api.routing import http_date
from helpers.emulator.resources import Message, rfc2822

TEXT = st.text(max_size=200)
SID = st.from_regex(r"[A-Z]{2}[0-9a-f]{32}", fullmatch=True)
DATE = st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False)
MESSAGES = st.builds(
    Message,
    seq=st.integers(1, 2**40), account_sid=SID, sid=SID, body=TEXT,
    direction=st.sampled_from(["outbound-api", "inbound"]),
    status=st.sampled_from(["accepted", "queued", "sending", "sent", "delivered",
                            "undelivered", "failed", "canceled", "received"]),
    date_created=DATE, date_updated=DATE, date_sent=st.none() | DATE,
    error_code=st.none() | st.integers(10000, 99999),
    error_message=st.none() | TEXT, from_number=st.none() | TEXT,
    to_number=TEXT, messaging_service_sid=st.none() | SID,
    num_media=st.from_regex(r"[0-9]{1,2}", fullmatch=True),
    num_segments=st.from_regex(r"[0-9]{1,2}", fullmatch=True),
    price=st.none() | st.from_regex(r"-0\.[0-9]{5}", fullmatch=True),
)


@settings(max_examples=300, deadline=None, database=None)
@given(MESSAGES)
def test_message_json_is_twilios_shape(message):
    shape = message.to_dict()
    assert message.to_json() == json.dumps(shape) == fastjson.dumps(shape)
    assert (shape["body"], shape["from"], shape["to"]) == (
        message.body, message.from_number, message.to_number)
    assert shape["date_sent"] == (rfc2822(message.date_sent) if message.date_sent
                                  is not None else None)
    assert shape["uri"] == f"/2010-04-01/Accounts/{message.account_sid}/Messages/{message.sid}.json"
    assert list(shape) == sorted(shape)  # Twilio's keys, in its order


@settings(max_examples=300, deadline=None, database=None)
@given(DATE)
def test_dates_read_as_the_standard_library_writes_them(timestamp):
    """The cached formatters (one entry per second) against email.utils, in the JSON
    (RFC 2822, `+0000`) and in the `Date` header (RFC 7231, `GMT`): the second a moment
    falls in (1.9999995 is still second 1, where datetime would round up)."""
    moment = datetime.fromtimestamp(int(timestamp), UTC)
    assert rfc2822(timestamp) == format_datetime(moment)
    assert http_date(timestamp) == format_datetime(moment, usegmt=True)
