"""The real twilio Client over loopback HTTP behaves as it does in-process."""

from email.utils import format_datetime

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from helpers.emulator.seed import (
    DEFAULT_FROM,
    DEFAULT_TO,
    DEMO_MEDIA_URL,
    TEST_CREDENTIALS,
    TRIAL,
    TRIAL_PREFIX,
)
from helpers.emulator.transports.remote import EmulatorServerHttpClient

from .conftest import client_for, start_server

KESSEL = "This is the ship that made the Kessel Run in fourteen parsecs?"


def test_create_returns_twilio_json(client):
    message = client.messages.create(body=KESSEL, from_=DEFAULT_FROM, to=DEFAULT_TO)

    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued"
    assert message.body == TRIAL_PREFIX + KESSEL
    assert message.num_segments == "1"
    assert message.account_sid == TRIAL.sid
    assert message.uri == f"/2010-04-01/Accounts/{TRIAL.sid}/Messages/{message.sid}.json"


def test_status_moves_with_the_emulator_clock(server, client):
    sid = client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO).sid

    server.emulator.clock.advance(30)

    fetched = client.messages(sid).fetch()
    assert fetched.status == "delivered"
    assert fetched.price is not None and fetched.date_sent is not None


def test_list_filters_and_pages(client):
    for n in range(7):
        client.messages.create(body=f"hello {n}", from_=DEFAULT_FROM, to=DEFAULT_TO)
    client.messages.create(body="other", from_=DEFAULT_FROM, to="+14158141829")

    pages = list(client.messages.stream(to=DEFAULT_TO, page_size=3))

    assert len(pages) == 7
    assert {m.to for m in pages} == {DEFAULT_TO}


def test_redact_and_delete(server, client):
    sid = client.messages.create(body="secret", from_=DEFAULT_FROM, to=DEFAULT_TO).sid
    server.emulator.clock.advance(30)  # delivered: only then can it be deleted

    assert client.messages(sid).update(body="").body == ""
    assert client.messages(sid).delete() is True
    with pytest.raises(TwilioRestException) as error:
        client.messages(sid).fetch()
    assert error.value.status == 404 and error.value.code == 20404


def test_mms_media_listed(client):
    message = client.messages.create(body="owl", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                     media_url=[DEMO_MEDIA_URL])

    media = client.messages(message.sid).media.list()

    assert message.num_media == "1"
    assert [m.content_type for m in media] == ["image/png"]


def test_wrong_token_is_20003(server):
    wrong = Client(TRIAL.sid, "0" * 32, http_client=EmulatorServerHttpClient(server.url))
    with pytest.raises(TwilioRestException) as error:
        wrong.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO)
    assert (error.value.status, error.value.code) == (401, 20003)


def test_trial_to_unverified_number_is_21608(client):
    with pytest.raises(TwilioRestException) as error:
        client.messages.create(body="hi", from_=DEFAULT_FROM, to="+14155550199")
    assert (error.value.status, error.value.code) == (400, 21608)


def test_magic_numbers_with_test_credentials(server):
    test_client = client_for(server, TEST_CREDENTIALS)
    with pytest.raises(TwilioRestException) as error:
        test_client.messages.create(body="hi", from_="+15005550006", to="+15005550001")
    assert error.value.code == 21211
    ok = test_client.messages.create(body="hi", from_="+15005550006", to=DEFAULT_TO)
    assert ok.status == "queued"


def test_messaging_service_host_is_served(client):
    services = client.messaging.v1.services.list()
    assert TRIAL.messaging_service.sid in [s.sid for s in services]


def test_accounts_are_isolated(client, upgraded_client):
    sid = client.messages.create(body="mine", from_=DEFAULT_FROM, to=DEFAULT_TO).sid

    with pytest.raises(TwilioRestException) as error:
        upgraded_client.messages(sid).fetch()
    assert error.value.code == 20404
    assert sid not in [m.sid for m in upgraded_client.messages.list()]


def test_state_survives_a_restart(db_path):
    first = start_server(db_path)
    sid = client_for(first).messages.create(body="kept", from_=DEFAULT_FROM, to=DEFAULT_TO).sid
    first.stop()

    second = start_server(db_path)
    try:
        assert client_for(second).messages(sid).fetch().body == TRIAL_PREFIX + "kept"
    finally:
        second.stop()


def test_get_client_uses_the_server_when_its_url_is_set(server, monkeypatch):
    from helpers import get_client, get_emulator

    monkeypatch.setenv("TWILIO_EMULATOR_URL", server.url)
    sid = get_client().messages.create(body="via env", from_=DEFAULT_FROM, to=DEFAULT_TO).sid

    assert get_emulator() is None  # the kernel keeps no emulator of its own
    assert [m["sid"] for m in server.emulator.outbox()] == [sid]


def test_every_answer_is_dated_once_by_the_emulator_s_clock(server, client):
    """Twilio dates its answers; over HTTP the emulator's Date is the only one (uvicorn's wall
    clock would contradict it), so a bulk sender can take a campaign's start from it."""
    server.emulator.clock.advance(3600)
    client.messages.create(body=KESSEL, from_=DEFAULT_FROM, to=DEFAULT_TO)
    response = client.http_client.last_response
    assert response.headers["Date"] == format_datetime(server.emulator.clock.now(), usegmt=True)
    with pytest.raises(TwilioRestException):
        client.messages("SM" + "0" * 32).fetch()
    assert "," not in client.http_client.last_response.headers["Date"].split(",", 1)[1]
