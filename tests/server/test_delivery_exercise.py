"""Notebook 05's exercise check: passes the worked solution, catches a trusted forgery."""

import requests
from twilio.request_validator import RequestValidator

from helpers import get_client, get_emulator, get_settings
from helpers.emulator.runtime.callbacks import deliver_due_callbacks
from helpers.emulator.seed import FAILURE_NUMBERS
from helpers.exercises import SOLUTIONS, check_failure_report

SOLUTION = SOLUTIONS["failure_report"]  # what solution("failure_report") reveals


def test_solution_passes_and_a_forged_callback_is_caught(receiver):
    settings, client = get_settings(), get_client()
    client.messages.create(body="fine", from_=settings.from_number, to=settings.my_phone_number,
                           status_callback=receiver.url)
    for number in FAILURE_NUMBERS:
        client.messages.create(body="hello?", from_=settings.from_number, to=number,
                               status_callback=receiver.url)
    get_emulator().clock.advance(60)
    deliver_due_callbacks(get_emulator())
    requests.post(receiver.url, timeout=5, data={
        "MessageSid": "SM" + "0" * 32, "MessageStatus": "undelivered", "ErrorCode": "30005",
        "To": settings.my_phone_number}, headers={"X-Twilio-Signature": "forged"})

    names = {"receiver": receiver, "settings": settings, "RequestValidator": RequestValidator,
             "check_failure_report": check_failure_report}
    exec(SOLUTION, names)  # the very code the notebook reveals

    assert names["failure_report"] == FAILURE_NUMBERS
    assert check_failure_report(names["failure_report"]).passed
    trusting = dict(FAILURE_NUMBERS, **{settings.my_phone_number: 30005})
    verdict = check_failure_report(trusting)
    assert not verdict.passed and "forged" in verdict.message
    assert not check_failure_report({}).passed
