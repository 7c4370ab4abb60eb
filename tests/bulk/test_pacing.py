"""Pacing: a sender never exceeds its rate, checked on the emulator's record of each message."""

from collections import Counter
from email.utils import parsedate_to_datetime

from helpers.bulk import TokenBucket, send_bulk

from .conftest import LONG_CODE, SHORT_CODE, numbers


def created_seconds(emulator, account_sid):
    """Each message's date_created (1 s resolution, as Twilio gives it), oldest first."""
    return sorted(parsedate_to_datetime(m["date_created"]).timestamp()
                  for m in emulator.outbox(account_sid))


class LateClock:
    """A fake clock whose sleeps overshoot, like a busy machine."""

    simulated = True

    def __init__(self, overshoot: float):
        self.t, self.overshoot = 1000.0, overshoot

    def now(self):
        return self.t

    def sleep(self, seconds):
        self.t += seconds + self.overshoot


def test_one_mps_long_code_sends_at_most_one_message_per_second(emulator, client, ledger):
    emulator.set_chaos(latency=0.001)
    result = send_bulk(client, numbers(30), "Hello from Python!", from_=LONG_CODE,
                       ledger=ledger, workers=6, progress=False)
    assert len(result.sent) == 30
    seconds = created_seconds(emulator, client.account_sid)
    assert max(Counter(seconds).values()) == 1
    assert seconds[-1] - seconds[0] >= 29


def test_two_segment_messages_take_two_seconds_each_on_a_long_code(emulator, client, ledger):
    result = send_bulk(client, numbers(10), "x" * 200, from_=LONG_CODE, ledger=ledger,
                       workers=4, progress=False)
    assert len(result.sent) == 10 and result.plan.segments == 2
    seconds = created_seconds(emulator, client.account_sid)
    assert min(b - a for a, b in zip(seconds, seconds[1:], strict=False)) >= 2


def test_short_code_stays_within_100_per_second(emulator, client, ledger):
    emulator.set_chaos(latency=0.0005)
    result = send_bulk(client, numbers(350), "Flash sale!", from_=SHORT_CODE, ledger=ledger,
                       workers=16, progress=False)
    assert len(result.sent) == 350
    per_second = Counter(created_seconds(emulator, client.account_sid))
    assert max(per_second.values()) <= 100
    assert len(per_second) >= 4


def test_bucket_caps_every_sliding_window_even_when_wakeups_are_late():
    clock = LateClock(overshoot=0.003)
    bucket = TokenBucket(100, clock)
    grants = [bucket.acquire(1) for _ in range(1000)]
    for i, start in enumerate(grants):
        in_window = sum(1 for g in grants[i:i + 120] if g < start + 1.0)
        assert in_window <= 100
    # late wake-ups are caught up, not lost: 1,000 at 100/s take about 10 s
    assert grants[-1] - grants[0] < 10.1
