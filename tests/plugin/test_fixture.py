"""The twilio_emulator fixture, each feature, in this repository's own test run (the plugin
comes from the package's pytest11 entry point)."""

import os

import pytest
from twilio.base import client_base
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from helpers.emulator import seed
from helpers.pytest_plugin.world import TwilioEmulator, route_clients
from helpers.status_receiver import StatusReceiver
from tests.plugin.reminders import send_reminder

APP_SID, APP_TOKEN = "AC" + "0123456789abcdef" * 2, "fedcba9876543210" * 2
APP_NUMBER = "+12025550123"
CUSTOMER = "+15558675310"
MADE_AT_IMPORT = Client(APP_SID, APP_TOKEN)  # a module-level client, made before any test


@pytest.fixture
def app_env(monkeypatch):
    """The app's own .env values, a real-looking account the emulator has never seen."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", APP_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", APP_TOKEN)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", APP_NUMBER)


def test_a_message_the_app_sends_is_in_the_outbox(twilio_emulator, app_env):
    message = send_reminder(CUSTOMER, "Dentist at 3pm")

    [sent] = twilio_emulator.outbox()
    assert (sent.sid, sent.to, sent.from_, sent["from"], sent.body, sent.status) == (
        message.sid, CUSTOMER, APP_NUMBER, APP_NUMBER, "Dentist at 3pm", "queued")
    assert sent["account_sid"] == APP_SID and sent.media_urls == []
    twilio_emulator.advance(30)
    assert twilio_emulator.outbox()[0].status == "delivered"
    assert client_base.TwilioHttpClient is not TwilioHttpClient  # every new Client goes there


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_a_fresh_emulator(twilio_emulator, app_env, run):
    assert twilio_emulator.outbox() == []
    send_reminder(CUSTOMER, f"run {run}")
    assert [m.body for m in twilio_emulator.outbox()] == [f"run {run}"]


def test_a_refused_number_is_twilios_error(twilio_emulator, app_env):
    with pytest.raises(TwilioRestException) as invalid:
        send_reminder("12", "hi")
    with pytest.raises(TwilioRestException) as landline:
        send_reminder(seed.LANDLINE_NUMBER, "hi")

    assert (invalid.value.status, invalid.value.code) == (400, 21211)
    assert landline.value.code == 21614
    assert twilio_emulator.outbox() == []


def test_a_429_is_retried_by_the_app(twilio_emulator, app_env):
    twilio_emulator.chaos(p429=1.0, requests=1)  # the next request only

    message = send_reminder(CUSTOMER, "again", wait=twilio_emulator.advance)

    assert [m.sid for m in twilio_emulator.outbox()] == [message.sid]
    twilio_emulator.chaos(p429=1.0)
    with pytest.raises(TwilioRestException) as busy:
        send_reminder(CUSTOMER, "always busy", wait=twilio_emulator.advance)
    assert (busy.value.status, busy.value.code) == (429, 20429)
    assert len(twilio_emulator.outbox()) == 1
    with pytest.raises(ValueError, match="1 or more"):
        twilio_emulator.chaos(p429=1.0, requests=0)


def test_status_callbacks_are_captured_signed_with_the_apps_token(twilio_emulator, app_env):
    message = send_reminder(CUSTOMER, "track me", status_callback="https://myapp.example/status")
    assert twilio_emulator.status_callbacks() == []  # nothing happened yet: time stands still

    twilio_emulator.advance(30)
    callbacks = twilio_emulator.status_callbacks()

    assert [c.status for c in callbacks] == ["sending", "sent", "delivered"]
    assert {c.message_sid for c in callbacks} == {message.sid}
    assert callbacks[0].params["From"] == APP_NUMBER
    validator = RequestValidator(APP_TOKEN)
    assert all(validator.validate(c.url, c.params, c.headers["X-Twilio-Signature"])
               for c in callbacks)
    assert twilio_emulator.status_callbacks() == callbacks  # each one once


def test_deliver_callbacks_posts_them_to_a_local_server(twilio_emulator, app_env):
    with StatusReceiver() as receiver:
        send_reminder(CUSTOMER, "post me", status_callback=receiver.url)
        twilio_emulator.advance(30)
        attempts = twilio_emulator.deliver_callbacks()

    assert [a["outcome"] for a in attempts] == ["delivered"] * 3
    assert [r["params"]["MessageStatus"] for r in receiver.received] == [
        "sending", "sent", "delivered"]
    assert all(RequestValidator(APP_TOKEN).validate(r["url"], r["params"], r["signature"])
               for r in receiver.received)


def test_a_reply_reaches_the_apps_number_and_stop_opts_out(twilio_emulator, app_env):
    send_reminder(CUSTOMER, "Reply STOP to stop")
    reply = twilio_emulator.inbound(CUSTOMER, APP_NUMBER, "STOP")

    assert (reply.direction, reply.from_, reply.to, reply.status) == (
        "inbound", CUSTOMER, APP_NUMBER, "received")
    assert [m.direction for m in twilio_emulator.messages()] == ["outbound-api", "inbound"]
    with pytest.raises(TwilioRestException) as opted_out:
        send_reminder(CUSTOMER, "still there?")
    assert opted_out.value.code == 21610


def test_permissive_keeps_twilios_rules_for_credentials(twilio_emulator, app_env):
    send_reminder(CUSTOMER, "first use makes the account")
    with pytest.raises(TwilioRestException) as wrong_token:
        Client(APP_SID, "0" * 32).messages.create(body="x", from_=APP_NUMBER, to=CUSTOMER)
    with pytest.raises(TwilioRestException) as not_owned:  # seeded accounts keep their numbers
        Client(seed.TRIAL.sid, seed.TRIAL.auth_token).messages.create(
            body="x", from_=APP_NUMBER, to=CUSTOMER)

    assert (wrong_token.value.code, not_owned.value.code) == (20003, 21606)
    assert [a.sid for a in twilio_emulator.accounts()] == [APP_SID]


def test_the_docs_placeholders_mean_the_trial_account(twilio_emulator):
    client = Client("ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "your_auth_token")
    message = client.messages.create(body="hi", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)

    assert message.account_sid == seed.TRIAL.sid
    assert twilio_emulator.outbox()[0].body == seed.TRIAL_PREFIX + "hi"


def test_a_client_made_before_the_test_talks_to_the_emulator_too(twilio_emulator):
    message = MADE_AT_IMPORT.messages.create(body="made early", from_=APP_NUMBER, to=CUSTOMER)

    assert twilio_emulator.outbox()[0].sid == message.sid


@pytest.mark.twilio_emulator(strict=True)
def test_strict_refuses_unknown_credentials_with_20003(twilio_emulator, app_env):
    with pytest.raises(TwilioRestException) as unknown:
        send_reminder(CUSTOMER, "hi")
    with pytest.raises(TwilioRestException) as not_owned:
        twilio_emulator.client().messages.create(body="x", from_=APP_NUMBER, to=CUSTOMER)

    assert (unknown.value.status, unknown.value.code) == (401, 20003)
    assert not_owned.value.code == 21606
    assert twilio_emulator.accounts() == []
    with pytest.raises(ValueError, match="not a seeded Twilio number"):
        twilio_emulator.inbound(CUSTOMER, APP_NUMBER, "hello?")  # not its number


@pytest.mark.twilio_emulator(strict=True)
def test_strict_takes_the_seeded_accounts_and_the_ones_a_test_adds(twilio_emulator, app_env,
                                                                   monkeypatch):
    twilio_emulator.add_account(APP_SID, APP_TOKEN, numbers=[APP_NUMBER])
    send_reminder(CUSTOMER, "added")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", seed.TRIAL.sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", seed.TRIAL.auth_token)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", seed.DEFAULT_FROM)
    send_reminder(CUSTOMER, "seeded")

    assert [(m.account_sid, m.body) for m in twilio_emulator.outbox()] == [
        (APP_SID, "added"), (seed.TRIAL.sid, seed.TRIAL_PREFIX + "seeded")]


def test_clients_are_themselves_again_after_the_test():
    world = TwilioEmulator()
    with pytest.MonkeyPatch.context() as patch:
        route_clients(world, patch)
        assert type(Client(APP_SID, APP_TOKEN).http_client) is not TwilioHttpClient
    world.close()

    assert client_base.TwilioHttpClient is TwilioHttpClient
    assert type(Client(APP_SID, APP_TOKEN).http_client) is TwilioHttpClient
    assert "TWILIO_ACCOUNT_SID" not in os.environ  # the fixture never touches the environment
