"""The notebook's callback receiver: records what arrived, and the URL Twilio signed."""

from urllib.parse import urlsplit

import pytest
import requests
from twilio.request_validator import RequestValidator

from helpers.emulator.runtime.callbacks import compute_signature
from helpers.facts import SIGNATURE_HEADER
from helpers.status_receiver import StatusReceiver

TOKEN = "12345"
PARAMS = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered"}


def test_behind_a_tunnel_the_public_url_is_recorded_and_validates():
    public = "https://abc123.ngrok.app"
    with StatusReceiver(public_url=public + "/") as receiver:
        assert receiver.url == public + "/status"
        signature = compute_signature(TOKEN, receiver.url, PARAMS)  # what Twilio would send
        requests.post(receiver.local_url, data=PARAMS, headers={SIGNATURE_HEADER: signature},
                      timeout=5)

        got = receiver.latest()
    assert got["url"] == public + "/status"
    assert RequestValidator(TOKEN).validate(got["url"], got["params"], got["signature"])


def test_a_busy_port_says_so():
    with StatusReceiver() as first:
        with pytest.raises(OSError, match="pick another port"):
            StatusReceiver(port=urlsplit(first.local_url).port)


def test_no_callback_yet_is_a_lookup_error_with_the_fix():
    with StatusReceiver() as receiver:
        with pytest.raises(LookupError, match="public_url="):
            receiver.latest()


def test_fail_next_answers_errors_then_204():
    with StatusReceiver() as receiver:
        receiver.fail_next(503)
        codes = [requests.post(receiver.url, data=PARAMS, timeout=5).status_code
                 for _ in range(2)]
    assert codes == [503, 204]
    assert [r["answered"] for r in receiver.received] == [503, 204]
    assert receiver.statuses(PARAMS["MessageSid"]) == ["delivered", "delivered"]


def test_a_body_that_is_not_utf8_is_recorded_not_a_500():
    with StatusReceiver() as receiver:
        answered = requests.post(receiver.url, data=b"MessageSid=SM1&MessageStatus=sent&Body=\xff",
                                 timeout=5).status_code
    assert answered == 204
    assert receiver.latest()["params"]["MessageStatus"] == "sent"


def test_a_callback_without_a_status_is_listed_not_a_crash():
    with StatusReceiver() as receiver:
        requests.post(receiver.url, data={"MessageSid": "SM1"}, timeout=5)
        requests.post(receiver.url, data={"MessageSid": "SM1", "MessageStatus": "sent"},
                      timeout=5)
    assert receiver.statuses("SM1") == [None, "sent"]
