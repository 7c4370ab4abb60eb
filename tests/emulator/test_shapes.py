"""The message template writes exactly the text json.dumps writes for the same object."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.emulator.api import shapes

TEXT = st.text(max_size=200)
SID = st.from_regex(r"[A-Z]{2}[0-9a-f]{32}", fullmatch=True)
DATE = st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False)
ROWS = st.fixed_dictionaries({
    "account_sid": SID, "sid": SID, "body": TEXT,
    "direction": st.sampled_from(["outbound-api", "inbound"]),
    "status": st.sampled_from(["accepted", "queued", "sending", "sent", "delivered",
                               "undelivered", "failed", "canceled", "received"]),
    "date_created": DATE, "date_updated": DATE, "date_sent": st.none() | DATE,
    "error_code": st.none() | st.integers(10000, 99999),
    "error_message": st.none() | TEXT, "from_number": st.none() | TEXT,
    "to_number": TEXT, "messaging_service_sid": st.none() | SID,
    "num_media": st.from_regex(r"[0-9]{1,2}", fullmatch=True),
    "num_segments": st.from_regex(r"[0-9]{1,2}", fullmatch=True),
    "price": st.none() | st.from_regex(r"-0\.[0-9]{5}", fullmatch=True),
})


@settings(max_examples=300, deadline=None, database=None)
@given(ROWS)
def test_message_text_is_json_dumps_of_the_message(row):
    text = shapes.message_json(row)
    assert text == json.dumps(json.loads(text))
    message = shapes.message(row)
    assert (message["body"], message["from"], message["to"]) == (
        row["body"], row["from_number"], row["to_number"])
    assert message["date_sent"] == (shapes.rfc2822(row["date_sent"]) if row["date_sent"]
                                    is not None else None)
    assert message["uri"] == f"/2010-04-01/Accounts/{row['account_sid']}/Messages/{row['sid']}.json"
