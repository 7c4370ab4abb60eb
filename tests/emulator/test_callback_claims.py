"""Status callback claims: one claimant per callback, retries, and leases that run out."""

from helpers.emulator import Emulator, seed
from helpers.emulator.rules.callbacks import CLAIM_LEASE

from .conftest import make_client

URL = "https://example.com/status"


def due_callback(emulator) -> dict:
    """One message with a status callback, moved on until its `sending` callback is due."""
    make_client(emulator, seed.TRIAL).messages.create(body="hi", from_=seed.DEFAULT_FROM,
                                                      to=seed.DEFAULT_TO, status_callback=URL)
    emulator.clock.advance(1)
    [callback] = emulator.pending_callbacks()
    return callback


def test_a_callback_is_claimed_once(emulator):
    callback = due_callback(emulator)

    assert emulator.claim_callback(callback["id"]) is True
    assert emulator.claim_callback(callback["id"]) is False
    assert emulator.pending_callbacks() == []


def test_retry_makes_it_pending_again_at_the_new_time(emulator):
    callback = due_callback(emulator)
    emulator.claim_callback(callback["id"])

    emulator.retry_callback(callback["id"], emulator.clock.timestamp() + 5, "HTTP 500")
    assert emulator.pending_callbacks() == []
    emulator.clock.advance(0.5)  # nothing else due yet: the message is still sending
    assert emulator.pending_callbacks() == []
    emulator.clock.advance(4.5)

    assert callback["id"] in [c["id"] for c in emulator.pending_callbacks()]
    assert emulator.claim_callback(callback["id"]) is True


def test_marked_callback_is_never_due_again(emulator):
    callback = due_callback(emulator)
    emulator.claim_callback(callback["id"])
    emulator.mark_callback(callback["id"], True, "HTTP 204")
    emulator.wall_clock = lambda: 10 ** 10  # long after any lease

    assert callback["id"] not in [c["id"] for c in emulator.pending_callbacks()]
    assert emulator.claim_callback(callback["id"]) is False


def test_a_claim_whose_process_died_is_due_again_after_the_lease(tmp_path):
    path = str(tmp_path / "emulator.db")
    died, survivor = Emulator(path), Emulator(path)
    callback = due_callback(died)
    claimed_at = 1_000_000.0
    died.wall_clock = lambda: claimed_at
    assert died.claim_callback(callback["id"])
    died.close()  # the process ends before it marks or retries the callback

    survivor.wall_clock = lambda: claimed_at + CLAIM_LEASE - 1
    assert survivor.pending_callbacks() == []
    assert survivor.claim_callback(callback["id"]) is False  # still leased: no double send

    survivor.wall_clock = lambda: claimed_at + CLAIM_LEASE
    assert [c["id"] for c in survivor.pending_callbacks()] == [callback["id"]]
    assert survivor.claim_callback(callback["id"]) is True
    assert survivor.claim_callback(callback["id"]) is False
    survivor.close()


def test_the_attempt_log_numbers_keep_rising_across_a_reset(emulator):
    """An open inbox asks for attempts after the last number it saw: a reset must not make
    new attempts reuse old numbers."""
    callback = due_callback(emulator)
    record = {"callback_id": str(callback["id"]), "attempt": 1, "account_sid": seed.TRIAL.sid,
              "message_sid": callback["message_sid"], "message_status": "sending", "url": URL,
              "at": callback["due_at"], "http_status": 204, "outcome": "delivered",
              "detail": "HTTP 204 No Content"}
    first = emulator.log_callback_attempt(record)
    assert emulator.callback_attempts(seed.TRIAL.sid) == [first]

    emulator.reset()
    assert emulator.callback_attempts() == []
    again = emulator.log_callback_attempt(record)

    assert again["seq"] > first["seq"]
    assert emulator.callback_attempts(since=first["seq"]) == [again]


def test_one_callback_per_message_in_flight_so_they_arrive_in_order(emulator):
    make_client(emulator, seed.TRIAL).messages.create(body="hi", from_=seed.DEFAULT_FROM,
                                                      to=seed.DEFAULT_TO, status_callback=URL)
    emulator.clock.advance(10)  # sending, sent and delivered are all due
    sending, sent, delivered = emulator.pending_callbacks()
    assert emulator.claim_callback(sending["id"])  # one deliverer holds `sending`...

    assert emulator.claim_callback(sent["id"]) is False  # ...so nobody may overtake it
    emulator.retry_callback(sending["id"], emulator.clock.timestamp() + 5, "HTTP 500")
    assert emulator.claim_callback(sent["id"])  # a failed one waiting for its retry does not block
    emulator.mark_callback(sent["id"], True, "HTTP 204")
    assert emulator.claim_callback(delivered["id"])


def test_another_message_s_callback_is_not_held_up(emulator):
    client = make_client(emulator, seed.TRIAL)
    for _ in range(2):
        client.messages.create(body="hi", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO,
                               status_callback=URL)
    emulator.clock.advance(10)
    first_of = {}
    for callback in emulator.pending_callbacks():
        first_of.setdefault(callback["message_sid"], callback)
    one, other = first_of.values()
    assert emulator.claim_callback(one["id"])
    assert emulator.claim_callback(other["id"])
