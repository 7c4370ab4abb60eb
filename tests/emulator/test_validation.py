"""Create-time validation: Twilio's codes, HTTP statuses and message texts."""

import json

import pytest

from helpers.emulator import seed

from .helpers_for_tests import rest_error

FROM = seed.DEFAULT_FROM
TO = seed.DEFAULT_TO
UP_FROM = seed.UPGRADED.number("long_code").phone_number


def test_missing_to_is_21604(client):
    error = rest_error(client.messages.create, body="Hi", from_=FROM, to="")
    assert (error.status, error.code) == (400, 21604)
    assert error.msg == "Unable to create record: A 'To' phone number is required."


def test_missing_from_and_service_is_21603(client):
    error = rest_error(client.messages.create, body="Hi", to=TO)
    assert (error.status, error.code) == (400, 21603)
    assert error.msg.endswith("A 'From' phone number is required.")


def test_no_body_and_no_media_is_21619(client):
    error = rest_error(client.messages.create, from_=FROM, to=TO)
    assert error.code == 21619
    assert error.msg.endswith("A text message body or media urls must be specified.")


def test_body_over_1600_characters_is_21617(client):
    assert client.messages.create(body="a" * 1600, from_=FROM, to=TO).num_segments == "11"
    error = rest_error(client.messages.create, body="a" * 1601, from_=FROM, to=TO)
    assert error.code == 21617
    assert error.msg.endswith("The concatenated message body exceeds the 1600 character limit.")


@pytest.mark.parametrize("to", ["+12", "hello", "+1 (555) 867-53100000", "+999123"])
def test_impossible_to_number_is_21211(client, to):
    error = rest_error(client.messages.create, body="Hi", from_=FROM, to=to)
    assert (error.status, error.code) == (400, 21211)
    assert error.msg.endswith(f"The 'To' number {to} is not a valid phone number.")


def test_possible_but_unassigned_number_is_accepted(client):
    assert client.messages.create(body="Hi", from_=FROM, to="+15558675310").to == "+15558675310"


def test_national_format_to_is_read_as_us_number(upgraded):
    assert upgraded.messages.create(body="Hi", from_=UP_FROM, to="(415) 555-0199").to == (
        "+14155550199"
    )


def test_garbage_from_is_21212(client):
    error = rest_error(client.messages.create, body="Hi", from_="+1-not-a-number!", to=TO)
    assert error.code == 21212
    assert error.msg.endswith(
        "The 'From' number +1-not-a-number! is not a valid phone number, shortcode, "
        "or alphanumeric sender ID."
    )


@pytest.mark.parametrize("from_", ["+14155550100", "+15005550006", "99999", "MyBrand",
                                   seed.VOICE_ONLY.phone_number])
def test_from_not_owned_or_not_sms_capable_is_21606(client, from_):
    error = rest_error(client.messages.create, body="Hi", from_=from_, to=TO)
    assert (error.status, error.code) == (400, 21606)
    assert error.msg.endswith(
        f"The From phone number {from_} is not a valid, SMS-capable inbound phone number "
        "or short code for your account."
    )


def test_trial_to_unverified_number_is_21608(client):
    error = rest_error(client.messages.create, body="Hi", from_=FROM, to="+14155550199")
    assert error.code == 21608
    assert error.msg.startswith("Unable to create record: The number +14155550199 is unverified.")


@pytest.mark.parametrize("to", ["+15558675310", "+14158141829", "+15017122661"])
def test_tutorial_recipients_are_verified_on_trial(client, to):
    assert client.messages.create(body="Hi", from_="+15017122662", to=to).status == "queued"


def test_region_without_geo_permission_is_21408(upgraded):
    error = rest_error(upgraded.messages.create, body="Hi", from_=UP_FROM, to="+8613800138000")
    assert error.code == 21408
    assert error.msg.endswith(
        "Permission to send an SMS has not been enabled for the region indicated by the "
        "'To' number: +8613800138000."
    )


def test_short_code_to_international_number_is_21612(upgraded):
    short_code = seed.UPGRADED.number("short_code").phone_number
    error = rest_error(upgraded.messages.create, body="Hi", from_=short_code,
                       to="+447700900123")
    assert error.code == 21612
    assert error.msg.endswith(
        "The 'To' phone number: +447700900123, is not currently reachable using the 'From' "
        f"phone number: {short_code} via SMS."
    )


def test_long_code_reaches_international_number(upgraded):
    message = upgraded.messages.create(body="Hi", from_=UP_FROM, to="+447700900123")
    assert message.status == "queued"


def test_opted_out_recipient_is_21610(client):
    error = rest_error(client.messages.create, body="Hi", from_=FROM, to=seed.OPTED_OUT_NUMBER)
    assert error.code == 21610
    assert error.msg.endswith("The message From/To pair violates a blacklist rule.")


def test_stop_reply_opts_out_and_start_opts_back_in(emulator, upgraded):
    phone = "+14155550123"
    emulator.inbound(phone, UP_FROM, "  stop ")
    assert rest_error(upgraded.messages.create, body="Hi", from_=UP_FROM, to=phone).code == 21610
    other = seed.UPGRADED.numbers[1].phone_number
    assert upgraded.messages.create(body="Hi", from_=other, to=phone).status == "queued"
    emulator.inbound(phone, UP_FROM, "START")
    assert upgraded.messages.create(body="Hi", from_=UP_FROM, to=phone).status == "queued"


def test_landline_is_21614(client):
    error = rest_error(client.messages.create, body="Hi", from_=FROM, to=seed.LANDLINE_NUMBER)
    assert error.code == 21614
    assert error.msg.endswith(f"To number: {seed.LANDLINE_NUMBER}, is not a mobile number")


def test_invalid_status_callback_is_21609(client):
    error = rest_error(client.messages.create, body="Hi", from_=FROM, to=TO,
                       status_callback="not a url")
    assert error.code == 21609


@pytest.mark.parametrize("seconds", [0, 36001, "ten"])
def test_validity_period_out_of_range_is_21624(client, seconds):
    error = rest_error(client.messages.create, body="Hi", from_=FROM, to=TO,
                       validity_period=seconds)
    assert (error.status, error.code, error.msg) == (
        400, 21624, "Unable to create record: Invalid validity period value")


def test_validity_period_bounds_are_accepted(client):
    for seconds in (1, 36000):
        assert client.messages.create(body="Hi", from_=FROM, to=TO,
                                      validity_period=seconds).status == "queued"


def test_error_body_has_twilios_four_fields(client):
    rest_error(client.messages.create, body="Hi", from_=FROM, to="+12")
    body = json.loads(client.http_client.last_response.text)
    assert body == {
        "code": 21211,
        "message": "The 'To' number +12 is not a valid phone number.",
        "more_info": "https://www.twilio.com/docs/errors/21211",
        "status": 400,
    }


def test_a_rejected_create_stores_nothing(emulator, client):
    rest_error(client.messages.create, body="Hi", from_=FROM, to="+12")
    assert emulator.outbox() == []
