"""A message's lifecycle: when it leaves its sender's queue, and the status changes to come.

Times after the create call (documented for learners):

- ``queued`` at once (``accepted`` first with a Messaging Service; it becomes ``queued``
  ``SERVICE_DELAY`` s later, when a sender from the pool is picked). A scheduled message
  (``ScheduleType=fixed``, ``SendAt``) stays ``scheduled`` until ``SendAt``, then goes the
  way of a service message created at that moment (``accepted``, ``queued``...).
- ``sending`` when its sender is free: at the earliest ``DISPATCH_DELAY`` s after creation,
  later when earlier messages from the same sender are still going out. A sender sends its
  ``mps`` segments per second (Twilio's speeds, ``helpers.facts.sending``; an MMS counts as 1).
  A scheduled message does not queue behind others at ``SendAt``: it goes out as if its
  sender were free (a simplification: its place in a queue is not known 35 days ahead).
- ``sent`` once all its segments are out (segments / mps seconds later); ``price`` is set.
- ``delivered`` ``DELIVERY_DELAY`` s after ``sent`` (or ``undelivered`` with the failure
  number's error code; ``failed`` with 30034 at dispatch; ``failed`` with 30036 when the
  queue wait exceeds ``ValidityPeriod``).

A From number whose queue would reach past ``queue_window`` seconds (default Twilio's
validity period, 10 hours) refuses new messages with 21611; a Messaging Service accepts them
and they fail with 30001 (queue overflow) ``SERVICE_DELAY`` s later, as Twilio documents.

The changes still to come are stored with the message (``Message.timeline``, a tuple of
``resources.Step``); ``apply_due`` applies those whose time has come.
"""

from __future__ import annotations

from helpers.facts import DEFAULT_VALIDITY_PERIOD, DELIVERY_ERRORS, FAILURE_NUMBERS

from .. import seed
from ..resources import Message, Step
from ..state.store import Store
from . import callbacks

SERVICE_DELAY = 0.5
DISPATCH_DELAY = 1.0
DELIVERY_DELAY = 2.0
DEFAULT_QUEUE_WINDOW = float(DEFAULT_VALIDITY_PERIOD)

FINAL = frozenset({"delivered", "undelivered", "failed", "canceled", "received", "sent"})
CANCELABLE = frozenset({"scheduled"})  # https://www.twilio.com/docs/api/errors/30409


def slot(sender: seed.PhoneNumber, cost: int, start: float) -> tuple[float, float]:
    """(start sending, all sent) for ``cost`` segments on ``sender`` from ``start``."""
    return start, start + cost / sender.mps


def reserve(store: Store, sender: seed.PhoneNumber, cost: int, now: float,
            queue_window: float) -> tuple[float, float] | None:
    """Book ``cost`` segments on ``sender``'s queue: (start sending, all sent), or None (and
    nothing booked) when the queue would reach past ``queue_window``."""
    start, end = slot(sender, cost, max(now + DISPATCH_DELAY,
                                        store.busy_until(sender.phone_number)))
    if end - now > queue_window:
        return None
    store.set_busy_until(sender.phone_number, end)
    return start, end


def plan(message: Message, sender: seed.PhoneNumber, start: float, end: float, segments: str,
         price: str, validity_period: float | None, now: float) -> tuple[Step, ...]:
    """The status changes still to come for a new ``message`` that enters its queue at
    ``now`` (its creation, or its ``SendAt``) and is sent from ``start`` to ``end``."""
    steps: tuple[Step, ...] = ()
    if message.status == "scheduled":
        steps = (Step(at=now, status="accepted"),)
    if message.messaging_service_sid:
        steps = (*steps, Step(at=now + SERVICE_DELAY, status="queued",
                              from_number=sender.phone_number))
    if validity_period is not None and start - now > validity_period:
        return (*steps, _failure(now + validity_period, 30036))
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


def overflow(now: float) -> tuple[Step, ...]:
    """A Messaging Service message no pool number can take within the queue window: it
    fails with 30001 (https://www.twilio.com/docs/api/errors/21611)."""
    return (_failure(now + SERVICE_DELAY, 30001),)


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
