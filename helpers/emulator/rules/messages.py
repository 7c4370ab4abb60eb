"""Messages: create (every check Twilio makes before accepting one), fetch, list, redact,
cancel, delete. What Twilio refuses is ``helpers.facts.rules``; the lifecycle after a create
is ``timeline.py``.

MMS goes natively only to US/Canada numbers. Elsewhere the emulator does what Twilio's MMS
Converter does: it sends an SMS whose body ends with the media URLs (``SM`` sid, no Media).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import NamedTuple

from helpers.facts import (
    MAGIC_FROM,
    MAGIC_FROM_OK,
    MAGIC_TO,
    NORTH_AMERICA,
    SCHEDULE_MAX_AHEAD,
    SCHEDULE_MIN_AHEAD,
    TRIAL_PREFIX,
    content_refusal,
    sender_refusal,
    status_callback_refusal,
)
from helpers.segments import count_segments

from .. import seed
from ..errors import TwilioError
from ..resources import Message, Step
from ..state.sids import make_sid, sid_row
from ..state.store import Store
from . import callbacks, media, numbers, services, timeline
from .pricing import price


class NewMessage(NamedTuple):
    """The parameters of a create call that the rules look at (a tuple: cheap to build)."""

    to: str | None
    from_: str | None = None
    body: str = ""
    media_urls: tuple[str, ...] = ()
    messaging_service_sid: str | None = None
    status_callback: str | None = None
    smart_encoded: bool = False
    validity_period: float | None = None
    schedule_type: str | None = None
    send_at: str | None = None


# -- create ----------------------------------------------------------------------------
def create(store: Store, account: seed.Account, new: NewMessage, now: float,
           queue_window: float = timeline.DEFAULT_QUEUE_WINDOW) -> Message:
    """Validate like Twilio, then queue (or schedule) the message; returns it as stored."""
    _check_required(account, new)
    if account.test_credentials:
        return _create_test_message(store, account, new, now)
    numbers.check_channels(new.to, new.from_)
    send_at = _send_at(new, now)
    service, sender, to, region = _destination(
        account, new.to, new.from_, new.messaging_service_sid, bool(new.media_urls))
    urls = new.media_urls if region in NORTH_AMERICA else ()
    body = new.body
    if new.media_urls and not urls:  # Twilio's MMS Converter: an SMS with links
        body = "\n".join(filter(None, (body, *new.media_urls)))
    if service and sender is None:
        sender = services.pick_sender(store, service, bool(urls), send_at or now)
    _check_opt_out(store, sender, to)
    if account.is_trial:
        body = TRIAL_PREFIX + body
    segments = 1 if urls else count_segments(body, new.smart_encoded).segments
    booked = _book(store, sender, 1 if urls else segments, now, send_at, service, queue_window)
    message = new_message(
        store, account, "MM" if urls else "SM", now, to_number=to, body=body,
        from_number=None if service else sender.phone_number,
        status="scheduled" if send_at else "accepted" if service else "queued",
        num_segments="0" if service else str(segments), num_media=str(len(urls)),
        messaging_service_sid=service.sid if service else None,
        status_callback=new.status_callback,
    )
    steps = timeline.overflow(now) if booked is None else timeline.plan(
        message, sender, *booked, str(segments), price(region, segments, bool(urls)),
        new.validity_period, send_at or now)
    store_message(store, message, steps)
    media.attach(store, message, urls)
    return message


def _send_at(new: NewMessage, now: float) -> float | None:
    """When a scheduled message (``ScheduleType=fixed``) goes out, else None; Twilio's
    35118, 35111, 35114 or 35115 for a schedule it refuses."""
    if new.schedule_type is None:
        return None
    if new.schedule_type != "fixed":
        raise TwilioError(20001, detail=f"ScheduleType must be fixed, got {new.schedule_type!r}")
    if not new.messaging_service_sid:
        raise TwilioError(35118)
    if not new.send_at:
        raise TwilioError(35111)
    moment = parse_time(new.send_at)
    if moment is None:
        raise TwilioError(35115)
    ahead = moment.timestamp() - now
    if ahead < SCHEDULE_MIN_AHEAD:
        raise TwilioError(35114)
    if ahead > SCHEDULE_MAX_AHEAD:
        raise TwilioError(35115)
    return moment.timestamp()


def _book(store: Store, sender: seed.PhoneNumber, cost: int, now: float,
          send_at: float | None, service, queue_window: float) -> tuple[float, float] | None:
    """(start, end) of the sending; None when a service's queue overflows (30001 later);
    Twilio's 21611 when a From number's queue is full."""
    if send_at is not None:
        return timeline.slot(sender, cost, send_at + timeline.DISPATCH_DELAY)
    booked = timeline.reserve(store, sender, cost, now, queue_window)
    if booked is None and service is None:
        raise TwilioError(21611)
    return booked


@lru_cache(maxsize=4096)
def _destination(account: seed.Account, to_raw: str, from_raw: str | None,
                 service_sid: str | None, has_media: bool) -> tuple:
    """(service, sender, To in E.164, To's region), or the error Twilio gives.

    Only the account (its numbers, service, verified caller IDs, which never change) and the
    seeded permissions decide this, so it is cached (an account hashes by identity).
    """
    service = services.service(account, service_sid)
    to, region = numbers.recipient(to_raw)
    sender = numbers.sender(account, from_raw)
    if sender is not None and sender.phone_number == to:
        raise TwilioError(21266)
    if has_media and region in NORTH_AMERICA and sender is not None and not sender.mms:
        raise TwilioError(21621, from_=sender.phone_number)
    if region not in seed.GEO_PERMISSIONS:
        raise TwilioError(21408, to=to)
    if (sender is not None and sender.kind in ("short_code", "toll_free")
            and region not in NORTH_AMERICA):
        raise TwilioError(21612, to=to, from_=sender.phone_number)
    if account.is_trial and to not in account.verified:
        raise TwilioError(21608, to=to)
    if to == seed.LANDLINE_NUMBER:
        raise TwilioError(21614, to=to)
    return service, sender, to, region


def _check_required(account: seed.Account, new: NewMessage) -> None:
    if not new.to:
        raise TwilioError(21604)
    service = None if account.test_credentials else new.messaging_service_sid
    refusal = (sender_refusal(new.from_, service)
               or content_refusal(new.body, new.media_urls)
               or status_callback_refusal(new.status_callback))
    if refusal:
        raise TwilioError(refusal.code, **refusal.fields)


def _check_opt_out(store: Store, sender: seed.PhoneNumber, to: str) -> None:
    if to == seed.OPTED_OUT_NUMBER or store.is_opted_out(sender.phone_number, to):
        raise TwilioError(21610)


def _create_test_message(store: Store, account: seed.Account, new: NewMessage,
                         now: float) -> Message:
    """Twilio's test credentials: only the magic numbers; nothing is sent."""
    from_ = new.from_.strip()
    if from_ != MAGIC_FROM_OK:
        raise TwilioError(MAGIC_FROM.get(from_, 21606), from_=from_)
    to = new.to.strip()
    if to in MAGIC_TO:
        raise TwilioError(MAGIC_TO[to], to=to, from_=from_)
    parsed = numbers.parse_number(to)
    if parsed is None:
        raise TwilioError(21211, to=to)
    segments = 1 if new.media_urls else count_segments(new.body, new.smart_encoded).segments
    message = new_message(
        store, account, "MM" if new.media_urls else "SM", now, from_number=from_,
        to_number=parsed[0], body=new.body, num_segments=str(segments),
        num_media=str(len(new.media_urls)),
    )
    store_message(store, message, ())
    media.attach(store, message, new.media_urls)
    return message


def new_message(store: Store, account: seed.Account, prefix: str, now: float,
                **fields) -> Message:
    """A ``Message`` of ``account`` created at ``now``, with the next row number and its SID
    (``fields``: the other ``Message`` fields, by name)."""
    seq = store.next_seq("messages")
    return Message(seq=seq, sid=make_sid(prefix, seq), account_sid=account.sid,
                   date_created=now, date_updated=now, **fields)


def store_message(store: Store, message: Message, steps: tuple[Step, ...]) -> None:
    """Store ``message`` with the status changes still to come (``timeline.plan``)."""
    if steps:
        message.timeline, message.next_at = steps, steps[0].at
    store.insert_message(message)


# -- fetch, list, update, delete -------------------------------------------------------
def get(store: Store, account: seed.Account, sid: str, path: str) -> Message:
    """The account's message ``sid``, else 20404 for ``path``."""
    message = store.get_message(sid_row(sid))
    if message is None or message.sid != sid or message.account_sid != account.sid:
        raise TwilioError(20404, path=path)
    return message


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time (``2025-01-06``, ``2025-01-06T15:00:00Z``) or an RFC 2822 one
    (``Mon, 06 Jan 2025 15:00:00 +0000``, as Twilio writes dates) in UTC, else None."""
    text = text.strip()
    try:
        if text[:4].isascii() and text[:4].isdigit():
            moment = datetime.fromisoformat(text)
        else:
            moment = parsedate_to_datetime(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def parse_date_filter(value: str, name: str = "DateSent") -> tuple[float, float]:
    """A date filter (``DateSent``, ``DateCreated``) as a [start, end) range of timestamps.

    A date (or midnight, which is how the twilio library sends a ``date``) means the whole
    day; any other time means that second. ISO 8601 and RFC 2822 are both read.
    """
    start = parse_time(value.lstrip("<>="))
    if start is None:
        raise TwilioError(20001, detail=f"{name} must be a date (YYYY-MM-DD), got {value!r}")
    midnight = (start.hour, start.minute, start.second, start.microsecond) == (0, 0, 0, 0)
    length = timedelta(days=1) if midnight else timedelta(seconds=1)
    try:
        return start.timestamp(), (start + length).timestamp()
    except (ValueError, OverflowError):  # the range ends after year 9999
        raise TwilioError(20001, detail=f"{name} is not a date: {value!r}") from None


def date_range(filters: dict[str, str], name: str) -> tuple[float | None, float | None]:
    """[from, before) of the filters ``name``, ``name<`` (on or before) and ``name>`` (on or
    after) given in ``filters``; None where unbounded."""
    since = before = None
    for key in (name, f"{name}<", f"{name}>"):
        if filters.get(key) is not None:
            start, end = parse_date_filter(filters[key], name)
            if key != f"{name}<":
                since = start if since is None else max(since, start)
            if key != f"{name}>":
                before = end if before is None else min(before, end)
    return since, before


def find(store: Store, account: seed.Account, filters: dict[str, str], page_size: int,
         before_seq, offset) -> list[Message]:
    """Newest first, after ``before_seq`` (a page token) or ``offset``; one extra row
    tells whether there is a next page."""
    sent_from, sent_before = date_range(filters, "DateSent")
    return store.find_messages(
        account.sid, to=filters.get("To") or None, from_=filters.get("From") or None,
        sent_from=sent_from, sent_before=sent_before, before_seq=before_seq,
        limit=page_size + 1, offset=offset,
    )


def update(store: Store, account: seed.Account, sid: str, path: str, body, status,
           now: float) -> Message:
    """``Body=""`` redacts a finished message, ``Status=canceled`` cancels a scheduled one."""
    message = get(store, account, sid, path)
    if (body is None) == (status is None):
        raise TwilioError(30400, detail="send either Body=\"\" (redact) or Status=canceled")
    if body is not None:
        _redact(store, message, body, now)
    else:
        _cancel(store, message, status, now)
    return get(store, account, sid, path)


def _redact(store: Store, message: Message, body: str, now: float) -> None:
    """Empty the body of a message that has finished (Twilio redacts "post-flight" records
    only; the code for one still in flight is not documented: 30400 here)."""
    if body != "":
        raise TwilioError(30400, detail="Body must be empty to redact a message")
    if message.status not in timeline.FINAL:
        raise TwilioError(30400, detail=f"a {message.status} message cannot be redacted until"
                                        " it has finished")
    store.update_message(message.seq, {"body": "", "date_updated": now})


def _cancel(store: Store, message: Message, status: str, now: float) -> None:
    """Cancel a ``scheduled`` message (else 30409); its ``canceled`` is called back."""
    if status != "canceled":
        raise TwilioError(30400, detail=f"Status can only be canceled, got {status!r}")
    if message.status not in timeline.CANCELABLE:
        raise TwilioError(30409)
    message = dataclasses.replace(message, status="canceled", date_updated=now)
    store.update_message(message.seq, {
        "status": "canceled", "date_updated": now, "timeline": None, "next_at": None,
    })
    callbacks.record(store, message, now)


def delete(store: Store, account: seed.Account, sid: str, path: str) -> None:
    """Delete a message in a final status (else 20009), with its media."""
    message = get(store, account, sid, path)
    if message.status not in timeline.FINAL:
        raise TwilioError(20009)
    store.delete_message(message.seq)
