"""The store keeps a request all or nothing: a failed one leaves nothing behind (sqlite's
rollback, and the cached queues and opt-outs re-read after it)."""

import time

import pytest

from helpers.emulator import seed
from helpers.emulator.rules import accounts, callbacks, media, messages, timeline
from helpers.emulator.rules.messages import NewMessage

from .conftest import make_client

SMS = NewMessage(to=seed.DEFAULT_TO, from_=seed.DEFAULT_FROM, body="hi")
MMS = SMS._replace(media_urls=(seed.DEMO_MEDIA_URL,))


class Boom(Exception):
    """Stands for an unexpected error late in a request."""


def create_then_fail(emulator, new: NewMessage) -> None:
    with pytest.raises(Boom), emulator.store.transaction():
        messages.create(emulator.store, seed.TRIAL, new, emulator.clock.timestamp())
        raise Boom


@pytest.mark.parametrize("new", [SMS, MMS], ids=["sms", "mms"])
def test_a_failed_request_leaves_no_message_and_no_queue(emulator, new):
    client = make_client(emulator, seed.TRIAL)
    kept = client.messages.create(body="kept", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO).sid

    create_then_fail(emulator, new)
    next_sid = client.messages.create(body="next", from_=seed.DEFAULT_FROM,
                                      to=seed.DEFAULT_TO).sid
    emulator.clock.advance(2)

    assert [m["sid"] for m in emulator.outbox()] == [kept, next_sid]
    assert emulator.store.media_urls([kept, next_sid]) == {}
    # the failed message took no place in the queue: `next` sends 1 s after `kept`
    assert client.messages(next_sid).fetch().status == "sending"


def test_a_failure_after_many_creates_keeps_them_all(emulator):
    client = make_client(emulator, seed.UPGRADED)
    sender = seed.UPGRADED.number("short_code").phone_number
    sids = [client.messages.create(body=str(n), from_=sender, to=seed.DEFAULT_TO).sid
            for n in range(300)]

    create_then_fail(emulator, SMS)
    emulator.clock.advance(60)

    listed = emulator.outbox(seed.UPGRADED.sid)
    assert [m["sid"] for m in listed] == sids
    assert {m["status"] for m in listed} == {"delivered"}


def test_transactions_do_not_nest(emulator):
    client = make_client(emulator, seed.TRIAL)
    client.messages.create(body="kept", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    with emulator.store.transaction():
        messages.create(emulator.store, seed.TRIAL, SMS, emulator.clock.timestamp())
        with pytest.raises(RuntimeError, match="do not nest"), emulator.store.transaction():
            pass

    assert [m["body"][-4:] for m in emulator.outbox()] == ["kept", "- hi"]


def test_a_lone_surrogate_is_stored_as_a_replacement_character(emulator):
    """Half an emoji cannot cross HTTP; in process it must not reach the store (sqlite
    cannot encode it)."""
    client = make_client(emulator, seed.TRIAL)
    message = client.messages.create(body="Hi \ud83d", from_=seed.DEFAULT_FROM,
                                     to=seed.DEFAULT_TO,
                                     status_callback="https://example.com/\udc00")
    assert message.body.endswith("Hi \ufffd")
    assert [m.sid for m in client.messages.list()] == [message.sid]


def world(emulator) -> tuple:
    """Everything a learner can observe: messages, their media, callbacks (and their logged
    attempts) and queues."""
    messages = emulator.messages()
    return (messages, emulator.pending_callbacks(), emulator.callback_attempts(),
            [emulator.store.busy_until(n.phone_number) for n in seed.TRIAL.numbers],
            emulator.store.is_opted_out(seed.DEFAULT_FROM, seed.DEFAULT_TO))


CHANGES = {
    "delete": lambda s, sids: messages.delete(s, seed.TRIAL, sids[0], "/"),
    "delete media": lambda s, sids: delete_first_media(s, sids[1]),
    "redact": lambda s, sids: messages.update(s, seed.TRIAL, sids[0], "/", "", None, 100.0),
    "clear one account": lambda s, sids: accounts.clear(s, seed.TRIAL.sid),
    "clear all": lambda s, sids: accounts.clear(s, None),
    "opt out": lambda s, sids: s.set_opt_out(seed.DEFAULT_FROM, seed.DEFAULT_TO, True),
    "claim a callback": lambda s, sids: callbacks.claim(
        s, callbacks.pending(s, float("inf"), 0.0)[0]["id"], time.time()),
    "status changes": lambda s, sids: timeline.apply_due(s, float("inf")),
    "retry a callback": lambda s, sids: s.retry_callback(
        callbacks.pending(s, float("inf"), 0.0)[0]["id"], 500.0, "HTTP 500"),
    "log an attempt (the oldest drops out)": lambda s, sids: s.insert_attempt(
        attempt(sids[1], 3), callbacks.ATTEMPT_LOG_SIZE),
}


def delete_first_media(store, message_sid: str) -> None:
    message = messages.get(store, seed.TRIAL, message_sid, "/")
    media.delete(store, message, media.list_of(store, message)[0].sid, "/")


def attempt(message_sid: str, number: int) -> dict:
    return {"callback_id": "1", "attempt": number, "account_sid": seed.TRIAL.sid,
            "message_sid": message_sid, "message_status": "sent", "url": "https://example.com/s",
            "at": 100.0, "http_status": 500, "outcome": "retry in 5 s", "detail": "HTTP 500"}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_failed_request_undoes_every_kind_of_change(emulator, change, monkeypatch):
    monkeypatch.setattr(callbacks, "ATTEMPT_LOG_SIZE", 2)
    client = make_client(emulator, seed.TRIAL)
    callback = "https://example.com/status"
    sids = [client.messages.create(body="sms", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO,
                                   status_callback=callback).sid,
            client.messages.create(media_url=[seed.DEMO_MEDIA_URL, seed.DEMO_MEDIA_URL],
                                   from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO,
                                   status_callback=callback).sid]
    emulator.clock.advance(20)  # delivered: deletable, with callbacks due
    client.messages.create(body="queued", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    for number in (1, 2):
        emulator.log_callback_attempt(attempt(sids[0], number))
    before = world(emulator)

    with pytest.raises(Boom), emulator.store.transaction():
        change(emulator.store, sids)
        raise Boom

    assert world(emulator) == before
