"""Status lifecycle driven by the emulator clock: pacing, queue limits, failures, callbacks."""

from datetime import UTC, datetime, timedelta

import pytest

from helpers.emulator import Clock, Emulator, seed
from helpers.emulator.state.clock import START
from helpers.facts import FAILURE_NUMBERS

from .conftest import make_client
from .helpers_for_tests import rest_error

FROM, TO = seed.DEFAULT_FROM, seed.DEFAULT_TO


def statuses(client, sids):
    return [client.messages(sid).fetch().status for sid in sids]


def test_single_message_goes_queued_sending_sent_delivered(emulator, client):
    sid = client.messages.create(body="Hi", from_=FROM, to=TO).sid
    seen = [client.messages(sid).fetch().status]
    for _ in range(4):
        emulator.clock.advance(1)
        seen.append(client.messages(sid).fetch().status)
    assert seen == ["queued", "sending", "sent", "sent", "delivered"]
    message = client.messages(sid).fetch()
    assert message.price == "-0.00790"
    assert message.date_sent == START + timedelta(seconds=1)
    assert message.date_updated == START + timedelta(seconds=4)
    assert message.error_code is None


def test_long_code_sends_one_segment_per_second(emulator, client):
    sids = [client.messages.create(body=str(i), from_=FROM, to=TO).sid for i in range(5)]
    emulator.clock.advance(3)
    assert statuses(client, sids) == ["sent", "sent", "sending", "queued", "queued"]
    emulator.clock.advance(5)
    assert statuses(client, sids) == ["delivered"] * 5


def test_multi_segment_message_holds_the_sender_longer(emulator, client):
    long_sid = client.messages.create(body="a" * 400, from_=FROM, to=TO).sid  # 3 segments
    next_sid = client.messages.create(body="b", from_=FROM, to=TO).sid
    emulator.clock.advance(3.5)
    assert statuses(client, [long_sid, next_sid]) == ["sending", "queued"]
    emulator.clock.advance(1)
    assert statuses(client, [long_sid, next_sid]) == ["sent", "sending"]
    emulator.clock.advance(10)
    assert client.messages(long_sid).fetch().price == "-0.02370"


@pytest.mark.parametrize(("kind", "count", "seconds"),
                         [("toll_free", 6, 3.0), ("short_code", 100, 2.0)])
def test_faster_senders(emulator, client, kind, count, seconds):
    sender = seed.TRIAL.number(kind).phone_number
    sids = [client.messages.create(body="x", from_=sender, to=TO).sid for _ in range(count)]
    emulator.clock.advance(seconds - 0.01)
    assert statuses(client, sids[-1:]) == ["sending"]
    emulator.clock.advance(0.01)
    assert set(statuses(client, sids)) == {"sent"}


def test_burst_past_the_queue_window_gets_21611():
    emulator = Emulator(queue_window=10)
    client = make_client(emulator, seed.TRIAL)
    for i in range(9):
        client.messages.create(body=str(i), from_=FROM, to=TO)
    error = rest_error(client.messages.create, body="one too many", from_=FROM, to=TO)
    assert (error.status, error.code) == (400, 21611)
    assert error.msg == "Unable to create record: SMS queue is full."
    other = client.messages.create(body="other sender", from_="+15017122662", to=TO)
    assert other.status == "queued"
    emulator.clock.advance(5)
    assert client.messages.create(body="room again", from_=FROM, to=TO).status == "queued"


def test_queue_window_is_a_per_instance_setting(emulator):
    emulator.queue_window = 2
    client = make_client(emulator, seed.TRIAL)
    client.messages.create(body="x", from_=FROM, to=TO)
    assert rest_error(client.messages.create, body="x", from_=FROM, to=TO).code == 21611


@pytest.mark.parametrize(("to", "code"), sorted(FAILURE_NUMBERS.items()))
def test_failure_numbers_end_undelivered_or_failed(emulator, client, to, code):
    message = client.messages.create(body="Hi", from_=FROM, to=to)
    assert (message.status, message.error_code) == ("queued", None)
    emulator.clock.advance(60)
    final = client.messages(message.sid).fetch()
    assert final.error_code == code
    assert final.error_message
    if code == 30034:
        assert (final.status, final.price) == ("failed", None)
    else:
        assert (final.status, final.price) == ("undelivered", "-0.00790")


def test_status_callbacks_for_each_change_after_the_first(emulator, client):
    url = "https://example.com/status"
    ok = client.messages.create(body="Hi", from_=FROM, to=TO, status_callback=url)
    bad = client.messages.create(body="Hi", from_=FROM, to="+15005553003", status_callback=url)
    client.messages.create(body="no callback", from_=FROM, to=TO)
    assert emulator.pending_callbacks() == []
    emulator.clock.advance(30)
    pending = emulator.pending_callbacks()
    assert [(c["message_sid"], c["params"]["MessageStatus"]) for c in pending] == [
        (ok.sid, "sending"), (ok.sid, "sent"), (bad.sid, "sending"), (bad.sid, "sent"),
        (ok.sid, "delivered"), (bad.sid, "undelivered")]
    last = pending[-1]
    assert last["url"] == url and last["account_sid"] == seed.TRIAL.sid
    assert last["params"] == {
        "MessageSid": bad.sid, "MessageStatus": "undelivered", "SmsSid": bad.sid,
        "SmsStatus": "undelivered", "AccountSid": seed.TRIAL.sid, "From": FROM,
        "To": "+15005553003", "ApiVersion": "2010-04-01", "ErrorCode": "30003",
        "RawDlrDoneDate": "2501061500"}  # YYMMDDhhmm of the delivery receipt
    assert last["due_at"] == pending[3]["due_at"] + 2.0  # delivery report 2 s after sent
    emulator.mark_callback(pending[0]["id"], True, "HTTP 200")
    emulator.mark_callback(pending[1]["id"], False, "HTTP 500 after 3 attempts")
    assert [c["id"] for c in emulator.pending_callbacks()] == [c["id"] for c in pending[2:]]


def test_messaging_service_message_starts_accepted(emulator, client):
    message = client.messages.create(body="Hi", to=TO,
                                     messaging_service_sid=seed.MESSAGING_SERVICE_SID,
                                     status_callback="https://example.com/s")
    assert (message.status, message.num_segments, message.from_) == ("accepted", "0", None)
    assert message.messaging_service_sid == seed.MESSAGING_SERVICE_SID
    emulator.clock.advance(0.5)
    queued = client.messages(message.sid).fetch()
    assert (queued.status, queued.from_) == ("queued", FROM)
    emulator.clock.advance(5)
    final = client.messages(message.sid).fetch()
    assert (final.status, final.num_segments) == ("delivered", "1")
    params = emulator.pending_callbacks()[0]["params"]
    assert params["MessageStatus"] == "queued"
    assert params["MessagingServiceSid"] == seed.MESSAGING_SERVICE_SID


def test_service_spreads_a_burst_over_its_sender_pool(emulator, client):
    senders = []
    for _ in range(3):
        sid = client.messages.create(body="Hi", to=TO,
                                     messaging_service_sid=seed.MESSAGING_SERVICE_SID).sid
        emulator.clock.advance(0.5)
        senders.append(client.messages(sid).fetch().from_)
    assert senders == list(seed.TRIAL.messaging_service.senders)


def test_unknown_messaging_service_is_21705(client):
    error = rest_error(client.messages.create, body="Hi", to=TO,
                       messaging_service_sid="MG" + "0" * 32)
    assert error.code == 21705


def test_validity_period_expires_queued_messages_with_30036(emulator, client):
    sids = [client.messages.create(body=str(i), from_=FROM, to=TO, validity_period=2).sid
            for i in range(4)]
    emulator.clock.advance(30)
    messages = [client.messages(sid).fetch() for sid in sids]
    assert [(m.status, m.error_code) for m in messages] == [
        ("delivered", None), ("delivered", None), ("failed", 30036), ("failed", 30036)]
    assert messages[-1].error_message == "Validity Period Expired"


def test_a_message_that_is_not_scheduled_cannot_be_canceled(emulator, client):
    queued = client.messages.create(body="queued", from_=FROM, to=TO,
                                    status_callback="https://example.com/s")
    error = rest_error(client.messages(queued.sid).update, status="canceled")
    assert (error.status, error.code, error.msg) == (
        400, 30409, "Unable to update record: This message cannot be canceled")
    accepted = client.messages.create(body="accepted", to=TO,
                                      messaging_service_sid=seed.MESSAGING_SERVICE_SID)
    assert rest_error(client.messages(accepted.sid).update, status="canceled").code == 30409
    emulator.clock.advance(30)
    assert statuses(client, [queued.sid, accepted.sid]) == ["delivered", "delivered"]


def test_outbox_lists_what_was_sent_with_current_status(emulator, client, upgraded):
    client.messages.create(body="one", from_=FROM, to=TO)
    upgraded.messages.create(body="two", from_="+14155550100", to=TO)
    emulator.inbound("+15558675310", FROM, "a reply")
    emulator.clock.advance(10)
    outbox = emulator.outbox()
    assert [m["body"][-3:] for m in outbox] == ["one", "two"]
    assert {m["status"] for m in outbox} == {"delivered"}
    assert [m["body"] for m in emulator.outbox(seed.UPGRADED.sid)] == ["two"]


def test_inbound_reply_is_a_received_message(emulator, client):
    reply = emulator.inbound("+15558675310", FROM, "Thanks!", media_urls=[seed.DEMO_MEDIA_URL])
    assert (reply["direction"], reply["status"], reply["from"], reply["to"]) == (
        "inbound", "received", "+15558675310", FROM)
    assert reply["sid"].startswith("MM")
    listed = client.messages.list(to=FROM)
    assert [m.sid for m in listed] == [reply["sid"]]
    assert listed[0].media.list()[0].content_type == "image/png"


def test_inbound_to_an_unknown_number_is_refused(emulator):
    with pytest.raises(ValueError, match="not a seeded Twilio number"):
        emulator.inbound("+15558675310", "+19995550100", "hi")


def test_manual_clock_starts_at_a_fixed_instant_and_only_moves_when_told():
    clock = Clock()
    assert clock.now() == datetime(2025, 1, 6, 15, 0, tzinfo=UTC)
    assert clock.advance(90) == datetime(2025, 1, 6, 15, 1, 30, tzinfo=UTC)
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            clock.advance(bad)
    assert clock.now() == datetime(2025, 1, 6, 15, 1, 30, tzinfo=UTC)


def test_real_clock_follows_wall_time_plus_advances():
    clock = Clock(real=True)
    before = datetime.now(UTC)
    clock.advance(3600)
    assert clock.now() - before >= timedelta(seconds=3600)
    assert clock.now() - before < timedelta(seconds=3660)
