"""send_bulk(): exactly one message per recipient or a recorded failure, whatever goes wrong."""

from collections import Counter
from email.utils import parsedate_to_datetime

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.http import HttpClient
from twilio.rest import Client

from helpers.bulk import (
    BulkAborted,
    ConfirmationRequired,
    EmulatorClock,
    Ledger,
    LedgerMismatch,
    send_bulk,
)
from helpers.emulator import Emulator, EmulatorHttpClient, seed
from helpers.emulator.state.clock import START

from .conftest import ACCOUNT, LONG_CODE, SHORT_CODE, numbers

BODY = "The Kessel Run, in under twelve parsecs."


def messages_per_recipient(emulator) -> Counter:
    return Counter(m["to"] for m in emulator.outbox(ACCOUNT.sid))


def assert_exactly_once_or_failure(emulator, result, recipients):
    """0 duplicates, 0 lost: a sent outcome has exactly its one message, a failure has none."""
    sent_to = messages_per_recipient(emulator)
    sids = {m["to"]: m["sid"] for m in emulator.outbox(ACCOUNT.sid)}
    outcomes = {o.recipient: o for o in result.outcomes}
    assert set(outcomes) == set(recipients)
    for to in recipients:
        outcome = outcomes[to]
        if outcome.state == "sent":
            assert sent_to[to] == 1, to
            assert outcome.sid == sids[to]
        else:
            assert outcome.state in ("refused", "error", "unknown"), outcome
            assert sent_to[to] == 0, outcome
    assert max(sent_to.values()) == 1


SERVICE = ACCOUNT.messaging_service.sid


@pytest.mark.parametrize(("chaos_seed", "sender"), [
    (1, {"from_": SHORT_CODE}), (2, {"from_": SHORT_CODE}), (3, {"from_": LONG_CODE}),
    (4, {"messaging_service_sid": SERVICE}),
])
def test_chaos_gives_each_recipient_exactly_one_message_or_a_recorded_failure(
        emulator, client, ledger, chaos_seed, sender):
    recipients = numbers(150)
    emulator.set_chaos(latency=0.0005, p429=0.05, p500=0.02, ptimeout=0.05, seed=chaos_seed)
    result = send_bulk(client, recipients, BODY, ledger=ledger, workers=8, progress=False,
                       seed=chaos_seed, **sender)
    assert_exactly_once_or_failure(emulator, result, recipients)
    assert len(result.sent) >= 145
    assert sum(1 for o in result.outcomes if o.attempts > 1) >= 5  # chaos did strike


def test_read_timeouts_are_checked_not_resent_and_a_rerun_finishes_the_job(
        emulator, client, ledger):
    recipients = numbers(40)
    emulator.set_chaos(ptimeout=1.0, seed=7)  # every request times out, before or after Twilio
    first = send_bulk(client, recipients, BODY, from_=SHORT_CODE, ledger=ledger,
                      progress=False, max_attempts=3)
    states = {o.recipient: o.state for o in first.outcomes}
    created = messages_per_recipient(emulator)
    assert created and max(created.values()) == 1  # read timeouts created messages, once each
    assert {states[to] for to in created} == {"unknown"}  # ... and the check could not see them
    assert set(states.values()) <= {"unknown", "error"}  # error: only connect timeouts, no message
    emulator.set_chaos()
    second = send_bulk(client, recipients, BODY, from_=SHORT_CODE, ledger=ledger,
                       progress=False)
    assert_exactly_once_or_failure(emulator, second, recipients)
    assert len(second.sent) == 40
    attempts_before = {o.recipient: o.attempts for o in first.outcomes}
    for outcome in second.outcomes:
        if outcome.recipient in created:  # found by the check, not sent again
            assert outcome.attempts == attempts_before[outcome.recipient]


def test_429_honours_retry_after_then_gives_up_with_the_code(emulator, client, ledger):
    emulator.set_chaos(p429=1.0)
    start = emulator.clock.timestamp()
    result = send_bulk(client, numbers(1), BODY, from_=SHORT_CODE, ledger=ledger,
                       progress=False, max_attempts=4)
    (outcome,) = result.outcomes
    assert (outcome.state, outcome.error_code, outcome.attempts) == ("error", 20429, 4)
    assert "gave up after 4 attempts" in outcome.error_message
    assert emulator.clock.timestamp() - start >= 4 * 1.0  # Retry-After: 1 before each retry
    assert emulator.outbox(ACCOUNT.sid) == []


def test_server_errors_are_never_resent_blindly(emulator, client, ledger):
    emulator.set_chaos(p500=1.0)  # the create and the check both fail
    result = send_bulk(client, numbers(3), BODY, from_=SHORT_CODE, ledger=ledger,
                       progress=False, max_attempts=2)
    assert {(o.state, o.attempts) for o in result.outcomes} == {("unknown", 1)}
    assert "run again" in result.outcomes[0].error_message


def test_refused_recipients_are_recorded_with_twilios_code_and_not_retried(
        emulator, client, ledger):
    recipients = [seed.OPTED_OUT_NUMBER, seed.LANDLINE_NUMBER, *numbers(2)]
    result = send_bulk(client, recipients, BODY, from_=LONG_CODE, ledger=ledger,
                       progress=False)
    codes = {o.recipient: (o.state, o.error_code, o.attempts) for o in result.outcomes}
    assert codes[seed.OPTED_OUT_NUMBER] == ("refused", 21610, 1)
    assert codes[seed.LANDLINE_NUMBER] == ("refused", 21614, 1)
    assert result.counts == Counter({"queued": 2, "refused": 2})
    assert "21610" in str(result) and "21614" in result._repr_html_()


def test_a_refusal_of_the_sender_stops_the_run_and_is_resumable(emulator, client, ledger):
    not_ours = seed.TRIAL.number("long_code").phone_number  # another account's number
    recipients = numbers(30)
    with pytest.raises(BulkAborted, match=r"error 21606.*run send_bulk again with the same"):
        send_bulk(client, recipients, BODY, from_=not_ours, ledger=ledger, workers=2,
                  progress=False)
    assert emulator.outbox(ACCOUNT.sid) == []
    with pytest.raises(BulkAborted):  # nothing was marked failed: the re-run tries again
        send_bulk(client, recipients, BODY, from_=not_ours, ledger=ledger, workers=2,
                  progress=False)


def test_rerun_with_the_same_ledger_sends_nothing_twice(emulator, client, ledger):
    recipients = numbers(25)
    send_bulk(client, recipients[:10], BODY, from_=SHORT_CODE, ledger=ledger, progress=False)
    reported = []
    again = send_bulk(client, recipients, BODY, from_=SHORT_CODE, ledger=ledger,
                      progress=False, on_outcome=reported.append)
    assert len(reported) == 15  # only the new recipients were sent
    assert_exactly_once_or_failure(emulator, again, recipients)
    other = send_bulk(client, recipients[:3], "A different message", from_=SHORT_CODE,
                      ledger=ledger, progress=False)
    assert len(other.sent) == 3  # another body is another campaign
    assert messages_per_recipient(emulator)[recipients[0]] == 2


def test_default_ledger_lives_as_long_as_an_in_memory_emulator(emulator, client, tmp_path,
                                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    send_bulk(client, numbers(4), BODY, from_=SHORT_CODE, progress=False)
    again = send_bulk(client, numbers(6), BODY, from_=SHORT_CODE, progress=False)
    assert max(messages_per_recipient(emulator).values()) == 1  # same emulator: resumed
    assert len(again.sent) == 6 and again.ledger == ":memory:"
    assert not (tmp_path / "bulk-ledger.sqlite").exists()  # nothing stale for the next kernel
    fresh = Emulator()
    fresh_client = Client(ACCOUNT.sid, ACCOUNT.auth_token, http_client=EmulatorHttpClient(fresh))
    assert len(send_bulk(fresh_client, numbers(4), BODY, from_=SHORT_CODE,
                         progress=False).sent) == 4
    assert len(fresh.outbox(ACCOUNT.sid)) == 4  # a new emulator session starts afresh


def test_a_ledger_from_another_emulator_session_is_refused(client, ledger):
    send_bulk(client, numbers(5), BODY, from_=SHORT_CODE, ledger=ledger, progress=False)
    later = Emulator()
    later_client = Client(ACCOUNT.sid, ACCOUNT.auth_token, http_client=EmulatorHttpClient(later))
    with pytest.raises(LedgerMismatch, match=r"Nothing was sent.*new ledger= path"):
        send_bulk(later_client, numbers(8), BODY, from_=SHORT_CODE, ledger=ledger,
                  progress=False)
    assert later.outbox(ACCOUNT.sid) == []


def test_csv_recipients_are_sent_once_each(emulator, client, ledger, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("name,mobile\nAda,(202) 555-0161\nAlan,+1 202 555 0162\n"
                    "Ada again,202.555.0161\nNobody,n/a\n")
    result = send_bulk(client, str(path), BODY, from_=SHORT_CODE, ledger=ledger,
                       progress=False)
    assert messages_per_recipient(emulator) == Counter({"+12025550161": 1, "+12025550162": 1})
    assert result.counts == Counter({"queued": 2, "invalid": 1})
    assert [d.raw for d in result.plan.recipients.duplicates] == ["202.555.0161"]


def test_invalid_numbers_are_reported_before_anything_is_sent(emulator, client, ledger, capsys):
    seen = []
    result = send_bulk(
        client, ["+1 202 555 0100", "555-01", "not a number", "+12025550101"], BODY,
        from_=SHORT_CODE, ledger=ledger, progress=False,
        on_outcome=lambda o: seen.append((o.label, len(emulator.outbox(ACCOUNT.sid)))),
    )
    assert seen[:2] == [("invalid", 0), ("invalid", 0)]
    assert [label for label, _ in seen[2:]] == ["queued", "queued"]
    printed = capsys.readouterr().out
    assert "'555-01': too short for its country (Twilio error 21211)" in printed
    assert "'not a number': not a phone number (Twilio error 21211)" in printed
    assert result.counts["invalid"] == 2


def test_trial_account_warns_about_unverified_numbers(emulator, ledger, capsys):
    trial = Client(seed.TRIAL.sid, seed.TRIAL.auth_token,
                   http_client=EmulatorHttpClient(emulator))
    recipients = [seed.DEFAULT_TO, "+12025550150"]
    result = send_bulk(trial, recipients, "Hi", from_=seed.DEFAULT_FROM, ledger=ledger,
                       progress=False)
    printed = capsys.readouterr().out
    assert "Trial account: 1 recipient(s) are not verified" in printed
    assert "+12025550150" in printed and "21608" in printed
    outcomes = {o.recipient: o for o in result.outcomes}
    assert outcomes["+12025550150"].error_code == 21608
    assert outcomes[seed.DEFAULT_TO].state == "sent"
    assert result.plan.trial is True


class LiveLikeHttpClient(HttpClient):
    """A transport the bulk sender cannot recognise as the emulator's (as in live mode)."""

    def __init__(self, emulator):
        super().__init__(None, is_async=False)
        self._inner = EmulatorHttpClient(emulator)

    def request(self, *args, **kwargs):
        return self._inner.request(*args, **kwargs)


def test_live_send_requires_confirmation_and_shows_the_cost_first(emulator, ledger, capsys):
    live = Client(ACCOUNT.sid, ACCOUNT.auth_token, http_client=LiveLikeHttpClient(emulator))
    with pytest.raises(ConfirmationRequired, match=r"Nothing was sent.*confirm=True"):
        send_bulk(live, numbers(5), BODY, from_=SHORT_CODE, ledger=ledger, progress=False)
    assert "Estimated cost  $0.04" in capsys.readouterr().out
    assert emulator.outbox(ACCOUNT.sid) == []
    result = send_bulk(live, numbers(5), BODY, from_=SHORT_CODE, ledger=ledger,
                       progress=False, confirm=True, clock=EmulatorClock(emulator))
    assert len(result.sent) == 5 == len(emulator.outbox(ACCOUNT.sid))


def test_refresh_reports_delivery_statuses(emulator, client, ledger):
    recipients = [*numbers(3), "+15005553003"]
    result = send_bulk(client, recipients, BODY, from_=SHORT_CODE, ledger=ledger,
                       progress=False)
    assert result.summary().startswith("Twilio accepted 4 of 4 messages (4 queued)")
    assert "have their message" not in result.summary()  # accepted is not received
    emulator.clock.advance(60)
    assert result.refresh().counts == Counter({"delivered": 3, "undelivered": 1})
    assert result.summary().startswith("Twilio accepted 4 of 4 messages (3 delivered, "
                                       "1 undelivered)")
    assert {o.error_code for o in result.outcomes if o.status == "undelivered"} == {30003}


@pytest.mark.parametrize("workers", [0, -1, 2.5, "4"])
def test_a_bad_worker_count_is_refused_before_anything_is_sent(emulator, client, ledger,
                                                                workers):
    with pytest.raises(ValueError, match=r"workers must be a whole number.*Nothing was sent"):
        send_bulk(client, numbers(3), "hi", from_=LONG_CODE, ledger=ledger, workers=workers,
                  progress=False)
    assert emulator.outbox() == []


class SkewedClock(EmulatorClock):
    """The laptop's clock, `skew` seconds off the emulator's (Twilio's); sleeping still moves
    the emulator's clock, as waiting would."""

    def __init__(self, emulator, skew: float):
        super().__init__(emulator)
        self.skew = skew

    def now(self) -> float:
        return super().now() + self.skew


def created_since(emulator, start: float) -> dict[str, list[str]]:
    """Each recipient's messages (SIDs) created at or after `start`, by the emulator's clock."""
    found: dict[str, list[str]] = {}
    for message in emulator.outbox(ACCOUNT.sid):
        if parsedate_to_datetime(message["date_created"]).timestamp() >= start:
            found.setdefault(message["to"], []).append(message["sid"])
    return found


def test_the_emulator_dates_every_answer_by_its_own_clock(emulator, client):
    emulator.clock.advance(3600)
    client.messages.create(to=numbers(1)[0], from_=SHORT_CODE, body=BODY)
    assert client.http_client.last_response.headers["Date"] == "Mon, 06 Jan 2025 16:00:00 GMT"
    with pytest.raises(TwilioRestException):
        client.messages("SM" + "0" * 32).fetch()
    assert client.http_client.last_response.headers["Date"] == "Mon, 06 Jan 2025 16:00:00 GMT"


@pytest.mark.parametrize("skew_hours", [3, -3])
def test_a_laptop_clock_hours_off_never_sends_twice_nor_skips(emulator, client, ledger,
                                                              skew_hours):
    """The campaign's start comes from Twilio's Date header, not the laptop's clock. Ahead, a
    local start would be later than the message a read timeout hid (sent twice); behind, it
    would match last hour's message with the same body after a 500 (recipient skipped)."""
    recipients = numbers(60)
    for to in recipients[::2]:  # an hour ago, the same announcement by a plain loop
        client.messages.create(to=to, from_=SHORT_CODE, body=BODY)
    emulator.clock.advance(3600)
    start = emulator.clock.timestamp()
    clock = SkewedClock(emulator, skew_hours * 3600)
    emulator.set_chaos(p500=0.15, ptimeout=0.3, seed=11)
    first = send_bulk(client, recipients, BODY, from_=SHORT_CODE, ledger=ledger, workers=4,
                      progress=False, seed=11, clock=clock)
    assert sum(1 for o in first.outcomes if o.attempts > 1) >= 10  # chaos did strike
    emulator.set_chaos()
    again = send_bulk(client, recipients, BODY, from_=SHORT_CODE, ledger=ledger,
                      progress=False, clock=clock)
    new = created_since(emulator, start)
    assert {to: len(sids) for to, sids in new.items()} == dict.fromkeys(recipients, 1)
    assert {o.recipient: o.sid for o in again.outcomes} == {to: new[to][0] for to in recipients}
    assert messages_per_recipient(emulator) == Counter(
        {to: 2 if i % 2 == 0 else 1 for i, to in enumerate(recipients)})


def test_a_resumed_campaign_keeps_its_start(emulator, client, ledger):
    recipients = numbers(6)
    send_bulk(client, recipients[:3], BODY, from_=SHORT_CODE, ledger=ledger, progress=False)
    emulator.clock.advance(600)
    book = Ledger(ledger)
    (start,) = book._db.execute("SELECT created FROM campaigns").fetchone()
    assert start == START.timestamp()  # the emulator's time at the first run (its Date header)
    send_bulk(client, recipients, BODY, from_=SHORT_CODE, ledger=book, progress=False)
    assert book._db.execute("SELECT created FROM campaigns").fetchone() == (start,)
