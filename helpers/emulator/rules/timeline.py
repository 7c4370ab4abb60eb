"""A message's lifecycle: when it leaves its sender's queue, and the status changes to come.

Times after the create call (documented for learners):

- ``queued`` at once (``accepted`` first with a Messaging Service; it becomes ``queued``
  ``SERVICE_DELAY`` s later, when a sender from the pool is picked).
- ``sending`` when its sender is free: at the earliest ``DISPATCH_DELAY`` s after creation,
  later when earlier messages from the same sender are still going out. A sender sends its
  ``mps`` segments per second (Twilio's speeds, ``helpers.facts.sending``; an MMS counts as 1).
- ``sent`` once all its segments are out (segments / mps seconds later); ``price`` is set.
- ``delivered`` ``DELIVERY_DELAY`` s after ``sent`` (or ``undelivered`` with the failure
  number's error code; ``failed`` with 30034 at dispatch; ``failed`` with 30001 when the
  queue wait exceeds ``ValidityPeriod``).

A sender whose queue would reach past ``queue_window`` seconds (default Twilio's validity
period, 10 hours) refuses new messages with 21611.

The changes still to come are stored with the message (``Message.timeline``, a tuple of
``resources.Step``); ``apply_due`` applies those whose time has come.
"""

from __future__ import annotations

from helpers.facts import DEFAULT_VALIDITY_PERIOD, DELIVERY_ERRORS, FAILURE_NUMBERS

from .. import seed
from ..errors import TwilioError
from ..resources import Message, Step
from ..state.store import Store
from . import callbacks

SERVICE_DELAY = 0.5
DISPATCH_DELAY = 1.0
DELIVERY_DELAY = 2.0
DEFAULT_QUEUE_WINDOW = float(DEFAULT_VALIDITY_PERIOD)

FINAL = frozenset({"delivered", "undelivered", "failed", "canceled", "received", "sent"})
CANCELABLE = frozenset({"queued", "accepted", "scheduled"})


def reserve(store: Store, sender: seed.PhoneNumber, cost: int, now: float,
            queue_window: float) -> tuple[float, float]:
    """Book ``cost`` segments on ``sender``'s queue: (start sending, all sent), else 21611."""
    start = max(now + DISPATCH_DELAY, store.busy_until(sender.phone_number))
    end = start + cost / sender.mps
    if end - now > queue_window:
        raise TwilioError(21611)
    store.set_busy_until(sender.phone_number, end)
    return start, end


def plan(message: Message, sender: seed.PhoneNumber, start: float, end: float, segments: str,
         price: str, validity_period: float | None) -> tuple[Step, ...]:
    """The status changes still to come for a new ``message``, sent from ``start`` to ``end``."""
    steps: tuple[Step, ...] = ()
    now = message.date_created
    if message.status == "accepted":
        steps = (Step(at=now + SERVICE_DELAY, status="queued", from_number=sender.phone_number),)
    if validity_period is not None and start - now > validity_period:
        return (*steps, _failure(now + validity_period, 30001))
    failure = FAILURE_NUMBERS.get(message.to_number)
    if failure == 30034:
        return (*steps, _failure(start, failure))
    if failure:
        delivery = _failure(end + DELIVERY_DELAY, failure, status="undelivered")
    else:
        delivery = Step(at=end + DELIVERY_DELAY, status="delivered")
    return (
        *steps,
        Step(at=start, status="sending", date_sent=start),
        Step(at=end, status="sent", price=price, num_segments=segments),
        delivery,
    )


def _failure(at: float, code: int, status: str = "failed") -> Step:
    return Step(at=at, status=status, error_code=code, error_message=DELIVERY_ERRORS[code])


def apply_due(store: Store, now: float) -> None:
    """Apply every status change scheduled at or before ``now``, recording its callback."""
    if not store.due(now):
        return
    for message in store.due_messages(now):
        steps = list(message.timeline)
        changes = {}
        while steps and steps[0].at <= now:
            step = steps.pop(0)
            for name, value in step.changes().items():
                setattr(message, name, value)
                changes[name] = value
            callbacks.record(store, message, step.at)
        changes.update(timeline=tuple(steps), next_at=steps[0].at if steps else None)
        store.update_message(message.seq, changes)
