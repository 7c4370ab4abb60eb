"""Credentials, the Account resource, phone numbers, caller IDs and Messaging Services."""

import json

import pytest
from twilio.base.exceptions import TwilioException

from helpers.emulator import seed
from helpers.facts import FAILURE_NUMBERS, MAGIC_FROM, MAGIC_FROM_OK, MAGIC_TO

from .conftest import make_client
from .helpers_for_tests import rest_error


def test_fetching_the_account_verifies_credentials(client, upgraded):
    trial = client.api.v2010.accounts(seed.TRIAL.sid).fetch()
    assert (trial.sid, trial.type, trial.status) == (seed.TRIAL.sid, "Trial", "active")
    assert trial.friendly_name == seed.TRIAL.friendly_name
    assert upgraded.api.v2010.accounts(seed.UPGRADED.sid).fetch().type == "Full"


def test_account_resource_never_carries_the_auth_token(client):
    account = client.api.v2010.accounts(seed.TRIAL.sid).fetch()
    assert account.auth_token is None
    assert seed.TRIAL.auth_token not in client.http_client.last_response.text


@pytest.mark.parametrize(("sid", "token"), [
    (seed.TRIAL.sid, "0" * 32),
    ("AC" + "0" * 32, seed.TRIAL.auth_token),
    (seed.TRIAL.sid, seed.UPGRADED.auth_token),
])
def test_wrong_credentials_are_20003(emulator, sid, token):
    client = make_client(emulator, seed.Account(sid, token, "wrong", "Full"))
    error = rest_error(client.messages.create, body="Hi", from_=seed.DEFAULT_FROM,
                       to=seed.DEFAULT_TO)
    assert (error.status, error.code, error.msg) == (401, 20003,
                                                     "Unable to create record: Authenticate")
    assert rest_error(client.api.v2010.accounts(sid).fetch).code == 20003


def test_another_accounts_path_is_20003(client):
    error = rest_error(client.api.v2010.accounts(seed.UPGRADED.sid).fetch)
    assert error.code == 20003


def test_auth_token_is_not_in_any_repr():
    assert seed.TRIAL.auth_token not in repr(seed.TRIAL)
    assert seed.TRIAL.auth_token not in str(seed.ACCOUNTS)


def test_incoming_phone_numbers_with_capabilities(client):
    numbers = {n.phone_number: n.capabilities for n in client.incoming_phone_numbers.list()}
    assert numbers["+15017122661"] == {"fax": False, "mms": True, "sms": True, "voice": True}
    assert numbers[seed.SMS_ONLY.phone_number]["mms"] is False
    assert numbers[seed.VOICE_ONLY.phone_number]["sms"] is False
    assert seed.TOLL_FREE.phone_number in numbers
    assert seed.SHORT_CODE.phone_number not in numbers
    only = client.incoming_phone_numbers.list(phone_number="+15017122662")
    assert [n.sid for n in only] == [seed.TRIAL.numbers[1].sid]


def test_short_codes(client):
    assert [s.short_code for s in client.short_codes.list()] == [seed.SHORT_CODE.phone_number]


def test_outgoing_caller_ids_are_the_verified_numbers(client):
    numbers = [c.phone_number for c in client.outgoing_caller_ids.list()]
    assert numbers == list(seed.VERIFIED_NUMBERS)
    assert {"+15558675310", "+14158141829", "+15017122661"} <= set(numbers)


def test_messaging_services_and_their_numbers(client):
    services = client.messaging.v1.services.list()
    assert [s.sid for s in services] == [seed.MESSAGING_SERVICE_SID]
    service = client.messaging.v1.services(seed.MESSAGING_SERVICE_SID).fetch()
    assert service.friendly_name == "Tutorial Messaging Service"
    numbers = client.messaging.v1.services(seed.MESSAGING_SERVICE_SID).phone_numbers.list()
    assert [n.phone_number for n in numbers] == list(seed.TRIAL.messaging_service.senders)
    assert numbers[0].capabilities == ["SMS", "MMS", "Voice"]


def test_other_accounts_service_is_not_found(client):
    other = seed.UPGRADED.messaging_service.sid
    assert rest_error(client.messaging.v1.services(other).fetch).code == 20404


def test_unknown_route_is_20404(client):
    with pytest.raises(TwilioException):
        client.api.v2010.accounts(seed.TRIAL.sid).calls.list()
    assert client.http_client.last_response.status_code == 404


def test_seeded_numbers_are_documented_in_seed_module():
    doc = seed.__doc__
    for account in (seed.TRIAL, seed.UPGRADED):
        for number in account.numbers:
            assert number.phone_number in doc
    for number in [*FAILURE_NUMBERS, *MAGIC_FROM, *MAGIC_TO, MAGIC_FROM_OK,
                   seed.OPTED_OUT_NUMBER, seed.LANDLINE_NUMBER]:
        assert number in doc


@pytest.mark.parametrize("password", ["pässwörd", "\ud800", "", "x" * 500])
def test_any_password_text_is_a_20003_not_a_crash(emulator, password):
    status, text, _ = emulator.handle(
        "POST", f"https://api.twilio.com/2010-04-01/Accounts/{seed.TRIAL.sid}/Messages.json",
        data={"To": seed.DEFAULT_TO, "From": seed.DEFAULT_FROM, "Body": "hi"},
        auth=(seed.TRIAL.sid, password))
    assert (status, json.loads(text)["code"]) == (401, 20003)
