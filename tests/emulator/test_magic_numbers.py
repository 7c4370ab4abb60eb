"""Twilio's test credentials and magic numbers, exactly as Twilio documents them."""

import pytest

from helpers.emulator import seed
from helpers.facts import MAGIC_FROM_OK

from .helpers_for_tests import rest_error

OK_FROM = MAGIC_FROM_OK


def test_magic_from_passes_and_message_stays_queued(emulator, test_client):
    message = test_client.messages.create(body="Hi", from_=OK_FROM, to=seed.DEFAULT_TO,
                                          status_callback="https://example.com/status")
    assert (message.status, message.from_, message.price) == ("queued", OK_FROM, None)
    assert message.body == "Hi"  # no trial prefix
    emulator.clock.advance(3600)
    assert emulator.outbox(seed.TEST_CREDENTIALS.sid)[0]["status"] == "queued"
    assert emulator.pending_callbacks() == []


@pytest.mark.parametrize(
    ("from_", "code", "text"),
    [
        ("+15005550001", 21212, "The 'From' number +15005550001 is not a valid phone number, "
                                "shortcode, or alphanumeric sender ID."),
        ("+15005550007", 21606, "The From phone number +15005550007 is not a valid, SMS-capable "
                                "inbound phone number or short code for your account."),
        ("+15005550008", 21611, "SMS queue is full."),
        (seed.DEFAULT_FROM, 21606, "The From phone number +15017122661 is not a valid, "
                                   "SMS-capable inbound phone number or short code for your "
                                   "account."),
    ],
)
def test_magic_from_numbers(test_client, from_, code, text):
    error = rest_error(test_client.messages.create, body="Hi", from_=from_, to=seed.DEFAULT_TO)
    assert (error.status, error.code, error.msg) == (400, code, f"Unable to create record: {text}")


@pytest.mark.parametrize(
    ("to", "code", "text"),
    [
        ("+15005550001", 21211, "The 'To' number +15005550001 is not a valid phone number."),
        ("+15005550002", 21612, "The 'To' phone number: +15005550002, is not currently reachable "
                                "using the 'From' phone number: +15005550006 via SMS."),
        ("+15005550003", 21408, "Permission to send an SMS has not been enabled for the region "
                                "indicated by the 'To' number: +15005550003."),
        ("+15005550004", 21610, "The message From/To pair violates a blacklist rule."),
        ("+15005550009", 21614, "To number: +15005550009, is not a mobile number"),
    ],
)
def test_magic_to_numbers(test_client, to, code, text):
    error = rest_error(test_client.messages.create, body="Hi", from_=OK_FROM, to=to)
    assert (error.status, error.code, error.msg) == (400, code, f"Unable to create record: {text}")


def test_messaging_service_is_not_supported_with_test_credentials(test_client):
    error = rest_error(test_client.messages.create, body="Hi", to=seed.DEFAULT_TO,
                       messaging_service_sid=seed.MESSAGING_SERVICE_SID)
    assert error.code == 21603


def test_fetching_with_test_credentials_is_20008(test_client):
    message = test_client.messages.create(body="Hi", from_=OK_FROM, to=seed.DEFAULT_TO)
    error = rest_error(test_client.messages(message.sid).fetch)
    assert (error.status, error.code) == (403, 20008)


def test_magic_numbers_are_plain_numbers_for_live_accounts(upgraded):
    sender = seed.UPGRADED.number("long_code").phone_number
    message = upgraded.messages.create(body="Hi", from_=sender, to="+15005550001")
    assert message.status == "queued"
