"""Issue 15, "Faithful past the quickstart": scheduling, cancel, validity, From = To, a
Messaging Service's overflow, redaction, phone numbers, media pages, test credentials, date
filters, channel addresses, delivery receipts and the 401 body, through the real client."""

import json
from datetime import timedelta

import pytest
from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from helpers.emulator import Emulator, EmulatorHttpClient, seed
from helpers.emulator.state.clock import START
from helpers.facts import SCHEDULE_MAX_AHEAD, SCHEDULE_MIN_AHEAD

from .conftest import make_client
from .helpers_for_tests import rest_error

FROM, TO = seed.DEFAULT_FROM, seed.DEFAULT_TO
SERVICE = seed.MESSAGING_SERVICE_SID
HOOK = "https://example.com/status"


def schedule(client, seconds_ahead, **kwargs):
    return client.messages.create(
        body="Reminder", to=TO, messaging_service_sid=SERVICE, schedule_type="fixed",
        send_at=START + timedelta(seconds=seconds_ahead), **kwargs)


def callback_statuses(emulator):
    return [c["params"]["MessageStatus"] for c in emulator.pending_callbacks()]


# -- 1. scheduling ------------------------------------------------------------------------
def test_a_scheduled_message_waits_for_send_at_then_goes_out(emulator, client):
    message = schedule(client, 600, status_callback=HOOK)
    assert (message.status, message.date_sent, message.from_, message.num_segments) == (
        "scheduled", None, None, "0")
    assert json.loads(client.http_client.last_response.text)["date_sent"] is None
    emulator.clock.advance(599)
    assert client.messages(message.sid).fetch().status == "scheduled"
    assert callback_statuses(emulator) == []  # no callback for the initial status
    emulator.clock.advance(30)
    sent = client.messages(message.sid).fetch()
    assert (sent.status, sent.from_, sent.num_segments) == ("delivered", FROM, "1")
    assert sent.date_sent == START + timedelta(seconds=601)
    assert callback_statuses(emulator) == ["accepted", "queued", "sending", "sent", "delivered"]


@pytest.mark.parametrize("seconds", [SCHEDULE_MIN_AHEAD, SCHEDULE_MAX_AHEAD])
def test_send_at_bounds_are_inclusive(client, seconds):
    assert schedule(client, seconds).status == "scheduled"


@pytest.mark.parametrize(("seconds", "code"), [
    (SCHEDULE_MIN_AHEAD - 1, 35114), (SCHEDULE_MAX_AHEAD + 1, 35115)])
def test_send_at_outside_5_minutes_to_35_days_is_refused(client, seconds, code):
    error = rest_error(schedule, client, seconds)
    assert (error.status, error.code) == (400, code)
    assert "between 300 seconds and 35 days" in error.msg


def test_scheduling_needs_a_service_and_a_send_at(client):
    error = rest_error(client.messages.create, body="Hi", from_=FROM, to=TO,
                       schedule_type="fixed", send_at=START + timedelta(hours=1))
    assert (error.code, error.msg) == (
        35118, "Unable to create record: MessagingServiceSid is required to schedule a message")
    error = rest_error(client.messages.create, body="Hi", to=TO, messaging_service_sid=SERVICE,
                       schedule_type="fixed")
    assert error.code == 35111


def test_send_at_that_is_no_time_is_35115(client):
    error = rest_error(client.messages.create, body="Hi", to=TO, messaging_service_sid=SERVICE,
                       schedule_type="fixed", send_at="next tuesday")
    assert error.code == 35115


# -- 2. cancel ----------------------------------------------------------------------------
def test_a_scheduled_message_can_be_canceled_and_never_goes_out(emulator, client):
    message = schedule(client, 900, status_callback=HOOK)
    canceled = client.messages(message.sid).update(status="canceled")
    assert canceled.status == "canceled"
    emulator.clock.advance(2000)
    assert client.messages(message.sid).fetch().status == "canceled"
    assert callback_statuses(emulator) == ["canceled"]
    assert rest_error(client.messages(message.sid).update, status="canceled").code == 30409


# -- 4. From = To -------------------------------------------------------------------------
@pytest.mark.parametrize("account", [seed.TRIAL, seed.UPGRADED])
def test_a_number_cannot_text_itself(emulator, account):
    client = make_client(emulator, account)
    own = account.number("long_code").phone_number
    error = rest_error(client.messages.create, body="Hi", from_=own, to=own)
    assert (error.status, error.code, error.msg) == (
        400, 21266, "Unable to create record: 'To' and 'From' numbers cannot be the same")


# -- 5. a Messaging Service overflows after the create --------------------------------------
def test_an_overloaded_service_accepts_then_fails_with_30001():
    emulator = Emulator(queue_window=10)
    client = make_client(emulator, seed.TRIAL)
    sids = [client.messages.create(body=str(i), to=TO, messaging_service_sid=SERVICE).sid
            for i in range(60)]  # the pool sends 5 segments a second: 50 fit in 10 s
    assert {client.messages(sid).fetch().status for sid in sids} == {"accepted"}
    error = rest_error(client.messages.create, body="x", from_=FROM, to=TO)
    assert error.code == 21611  # its first number, named as From, still refuses at create
    emulator.clock.advance(60)
    final = [client.messages(sid).fetch() for sid in sids]
    failed = [m for m in final if m.status == "failed"]
    assert failed and all((m.error_code, m.error_message) == (30001, "Queue overflow")
                          for m in failed)
    assert {m.status for m in final} == {"delivered", "failed"}


# -- 6. redaction -------------------------------------------------------------------------
def test_only_a_finished_message_can_be_redacted(emulator, client):
    message = client.messages.create(body="secret", from_=FROM, to=TO)
    error = rest_error(client.messages(message.sid).update, body="")
    assert (error.status, error.code) == (400, 30400)
    assert client.messages(message.sid).fetch().body.endswith("secret")
    emulator.clock.advance(30)
    assert client.messages(message.sid).update(body="").body == ""


# -- 7. IncomingPhoneNumbers --------------------------------------------------------------
def test_an_incoming_number_can_be_fetched_at_its_uri(client):
    listed = client.incoming_phone_numbers.list(phone_number=seed.TOLL_FREE.phone_number)[0]
    fetched = client.incoming_phone_numbers(listed.sid).fetch()
    payload = json.loads(client.http_client.last_response.text)
    assert payload["uri"].endswith(f"/IncomingPhoneNumbers/{listed.sid}.json")
    assert (fetched.phone_number, fetched.type) == (seed.TOLL_FREE.phone_number, "tollfree")
    attributes = {name for name in vars(fetched) if not name.startswith("_")}
    assert attributes <= set(payload)  # every field the client reads is there
    short_code = rest_error(client.incoming_phone_numbers(seed.SHORT_CODE.sid).fetch)
    assert short_code.code == 20404


def test_incoming_numbers_filter_and_page(client):
    numbers = client.incoming_phone_numbers
    assert [n.phone_number for n in numbers.list(phone_number="1712266")] == [
        "+15017122661", "+15017122662", "+15017122663", "+15017122664"]
    assert [n.phone_number for n in numbers.list(phone_number="+150171226*3")] == [
        "+15017122663"]
    assert [n.type for n in numbers.list(friendly_name="Trial long code")] == ["local"]
    assert len(numbers.list(page_size=2)) == 5
    page = numbers.page(page_size=2)
    assert len(list(page)) == 2 and page.next_page_url


# -- 8. media pages and dates -------------------------------------------------------------
def test_media_list_pages_and_filters_by_date_created(client):
    urls = [seed.DEMO_MEDIA_URL, "https://demo.twilio.com/logo.png", "https://x.org/a.gif"]
    media = client.messages.create(body="owls", from_=FROM, to=TO, media_url=urls).media
    assert len(media.list(page_size=2)) == 3
    assert len(list(media.page(page_size=2))) == 2
    day = START.date()
    assert len(media.list(date_created=day)) == 3
    assert media.list(date_created_before=day - timedelta(days=1)) == []
    assert media.list(date_created_after=day + timedelta(days=1)) == []


# -- 9. test credentials ------------------------------------------------------------------
def test_test_credentials_may_only_create_messages(test_client):
    assert test_client.messages.create(body="Hi", from_="+15005550006", to=TO).sid
    for call in (test_client.api.v2010.accounts(seed.TEST_CREDENTIALS.sid).fetch,
                 test_client.incoming_phone_numbers.list, test_client.messages.list):
        with pytest.raises(TwilioException):
            call()
        body = json.loads(test_client.http_client.last_response.text)
        assert (body["status"], body["code"], body["message"]) == (
            403, 20008, "Resource not accessible with Test Account Credentials")


# -- 10. DateSent in RFC 2822 -------------------------------------------------------------
def test_date_sent_filters_read_rfc_2822_as_well_as_iso(emulator, client):
    sid = client.messages.create(body="Hi", from_=FROM, to=TO).sid
    emulator.clock.advance(5)
    for value in ("Mon, 06 Jan 2025 15:00:01 +0000", "2025-01-06T15:00:01Z",
                  "Mon, 06 Jan 2025 00:00:00 +0000"):
        assert [m.sid for m in client.messages.list(date_sent=value)] == [sid], value
    assert client.messages.list(date_sent_after="Tue, 07 Jan 2025 00:00:00 +0000") == []


# -- 11. channel addresses ----------------------------------------------------------------
def test_channel_addresses_are_refused_without_a_channel_sender(client):
    error = rest_error(client.messages.create, body="Hi", from_=FROM, to=f"whatsapp:{TO}")
    assert (error.code, error.msg) == (21910, "Unable to create record: Invalid 'From' and "
                                              "'To' pair. 'From' and 'To' should be of the "
                                              "same channel")
    assert rest_error(client.messages.create, body="Hi", to=f"whatsapp:{TO}",
                      messaging_service_sid=SERVICE).code == 21910
    error = rest_error(client.messages.create, body="Hi", from_=f"whatsapp:{FROM}",
                       to=f"whatsapp:{TO}")
    assert error.code == 63007


# -- 12. delivery receipts and the 401 body -----------------------------------------------
def test_delivered_callbacks_carry_raw_dlr_done_date(emulator, client):
    client.messages.create(body="Hi", from_=FROM, to=TO, status_callback=HOOK)
    emulator.clock.advance(120)
    delivered = [c["params"] for c in emulator.pending_callbacks()
                 if c["params"]["MessageStatus"] == "delivered"]
    assert delivered[0]["RawDlrDoneDate"] == "2501061500"  # YYMMDDhhmm, 15:00:04 UTC
    others = [c["params"] for c in emulator.pending_callbacks()
              if c["params"]["MessageStatus"] != "delivered"]
    assert all("RawDlrDoneDate" not in params for params in others)


def test_a_401_carries_twilios_detail(emulator):
    wrong = Client(seed.TRIAL.sid, "0" * 32, http_client=EmulatorHttpClient(emulator))
    rest_error(wrong.messages.create, body="Hi", from_=FROM, to=TO)
    assert json.loads(wrong.http_client.last_response.text) == {
        "code": 20003, "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401,
        "detail": "Your AccountSid or AuthToken was incorrect."}
