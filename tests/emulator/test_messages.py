"""Messages: create, fetch, list, update, delete through the real twilio Client."""

import pytest
from twilio.base.exceptions import TwilioRestException

from helpers.emulator import seed

UPGRADED_FROM = seed.UPGRADED.number("long_code").phone_number


def test_tutorial_create_returns_twilios_fields(client, emulator):
    message = client.messages.create(
        body="Join Earth's mightiest heroes. Like Kevin Bacon.",
        from_="+15017122661",
        to="+15558675310",
    )
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued"
    assert message.body == "Sent from your Twilio trial account - Join Earth's mightiest heroes. "\
        "Like Kevin Bacon."
    assert message.num_segments == "1"
    assert message.num_media == "0"
    assert message.direction == "outbound-api"
    assert message.price is None and message.price_unit == "USD"
    assert message.date_sent is None
    assert message.date_created == emulator.clock.now()
    assert message.uri == f"/2010-04-01/Accounts/{seed.TRIAL.sid}/Messages/{message.sid}.json"
    assert message.subresource_uris["media"] == message.uri[:-5] + "/Media.json"
    raw = client.http_client.last_response.text
    assert '"num_segments": "1"' in raw
    assert '"date_created": "Mon, 06 Jan 2025 15:00:00 +0000"' in raw


def test_fetch_returns_the_created_message(client):
    created = client.messages.create(body="Hi", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    fetched = client.messages(created.sid).fetch()
    assert (fetched.sid, fetched.body, fetched.to) == (created.sid, created.body, "+15558675310")


def test_fetch_unknown_sid_is_20404(client):
    sid = "SM" + "0" * 32
    with pytest.raises(TwilioRestException) as error:
        client.messages(sid).fetch()
    assert error.value.status == 404
    assert error.value.code == 20404
    assert error.value.msg == (
        f"Unable to fetch record: The requested resource /2010-04-01/Accounts/{seed.TRIAL.sid}"
        f"/Messages/{sid}.json was not found"
    )


def test_same_calls_replay_the_same_sids(emulator, client):
    first = [client.messages.create(body=str(i), from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO).sid
             for i in range(3)]
    emulator.reset()
    again = [client.messages.create(body=str(i), from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO).sid
             for i in range(3)]
    assert first == again and len(set(first)) == 3


def test_upgraded_account_sends_body_unchanged(upgraded):
    message = upgraded.messages.create(body="Hi", from_=UPGRADED_FROM, to="+14155550199")
    assert message.body == "Hi"


def test_list_newest_first_with_to_and_from_filters(client):
    for to in ("+15558675310", "+14158141829", "+15558675310"):
        client.messages.create(body=to, from_=seed.DEFAULT_FROM, to=to)
    client.messages.create(body="other", from_="+15017122662", to="+15558675310")
    assert [m.to for m in client.messages.list(to="+14158141829")] == ["+14158141829"]
    from_first = client.messages.list(from_=seed.DEFAULT_FROM)
    assert len(from_first) == 3
    assert [m.body[-12:] for m in client.messages.list()] == [
        "ount - other", "+15558675310", "+14158141829", "+15558675310"]
