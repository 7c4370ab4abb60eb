"""Messages: create, fetch, list, update, delete through the real twilio Client."""

import json
from datetime import UTC, date, datetime

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

from helpers.emulator import seed

from .helpers_for_tests import rest_error

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


def test_paging_through_next_page_uri(emulator, client):
    sids = [client.messages.create(body=str(i), from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO).sid
            for i in range(7)]
    page = client.messages.page(page_size=3)
    pages = []
    while page is not None:
        pages.append([m.sid for m in page])
        page = page.next_page()
    assert pages == [sids[6:3:-1], sids[3:0:-1], sids[0:1]]
    assert [m.sid for m in client.messages.list(page_size=2)] == sids[::-1]
    assert [m.sid for m in client.messages.stream(page_size=3, limit=5)] == sids[:1:-1]


def test_page_payload_uses_twilios_keys(client):
    for i in range(3):
        client.messages.create(body=str(i), from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    client.messages.page(page_size=2, to=seed.DEFAULT_TO)
    payload = json.loads(client.http_client.last_response.text)
    assert set(payload) == {"end", "first_page_uri", "messages", "next_page_uri", "page",
                            "page_size", "previous_page_uri", "start", "uri"}
    base = f"/2010-04-01/Accounts/{seed.TRIAL.sid}/Messages.json"
    assert payload["first_page_uri"] == f"{base}?To=%2B15558675310&PageSize=2&Page=0"
    assert payload["next_page_uri"].startswith(f"{base}?To=%2B15558675310&PageSize=2&Page=1"
                                               "&PageToken=PASM")
    assert (payload["start"], payload["end"], payload["page"]) == (0, 1, 0)


def test_date_sent_filters(emulator, client):
    early = client.messages.create(body="early", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    emulator.clock.advance(86400)
    late = client.messages.create(body="late", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    unsent = client.messages.create(body="not yet", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    emulator.clock.advance(1.5)  # late is sending, unsent still queued
    day1, day2 = date(2025, 1, 6), date(2025, 1, 7)
    assert [m.sid for m in client.messages.list(date_sent=day1)] == [early.sid]
    assert [m.sid for m in client.messages.list(date_sent=day2)] == [late.sid]
    assert [m.sid for m in client.messages.list(date_sent_before=day1)] == [early.sid]
    assert [m.sid for m in client.messages.list(date_sent_after=day2)] == [late.sid]
    assert unsent.sid not in [m.sid for m in client.messages.list(date_sent_after=day1)]
    moment = datetime(2025, 1, 6, 15, 0, 1, tzinfo=UTC)
    assert [m.sid for m in client.messages.list(date_sent_before=moment)] == [early.sid]


@pytest.mark.parametrize("value", ["yesterday", "9999-12-31"])  # the day ends after year 9999
def test_bad_date_filter_is_rejected_with_twilio_code(client, value):
    with pytest.raises(TwilioException, match="Unable to fetch page"):
        client.messages.list(date_sent_after=value)
    assert json.loads(client.http_client.last_response.text)["code"] == 20001


def test_redact_body(emulator, client):
    message = client.messages.create(body="secret code 1234", from_=seed.DEFAULT_FROM,
                                     to=seed.DEFAULT_TO)
    emulator.clock.advance(10)
    redacted = client.messages(message.sid).update(body="")
    assert redacted.body == ""
    assert client.messages(message.sid).fetch().body == ""
    assert redacted.status == "delivered"


def test_update_needs_an_empty_body_or_canceled_status(client):
    message = client.messages.create(body="x", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    assert rest_error(client.messages(message.sid).update, body="new text").code == 30400
    assert rest_error(client.messages(message.sid).update, status="sent").code == 30400


def test_delete_a_delivered_message(emulator, client):
    message = client.messages.create(body="x", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    error = rest_error(client.messages(message.sid).delete)
    assert (error.status, error.code) == (400, 20009)
    emulator.clock.advance(10)
    assert client.messages(message.sid).delete() is True
    assert client.http_client.last_response.status_code == 204
    assert rest_error(client.messages(message.sid).fetch).code == 20404
    assert client.messages.list() == []


def test_other_accounts_messages_are_not_visible(client, upgraded):
    message = client.messages.create(body="x", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    assert rest_error(upgraded.messages(message.sid).fetch).code == 20404
    assert upgraded.messages.list() == []
