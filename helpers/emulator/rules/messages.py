"""Messages: create (every check Twilio makes before accepting one), fetch, list, redact,
cancel, delete. What Twilio refuses is ``helpers.facts.rules``; the lifecycle after a create
is ``timeline.py``.

MMS goes natively only to US/Canada numbers. Elsewhere the emulator does what Twilio's MMS
Converter does: it sends an SMS whose body ends with the media URLs (``SM`` sid, no Media).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from helpers.facts import (
    MAGIC_FROM,
    MAGIC_FROM_OK,
    MAGIC_TO,
    NORTH_AMERICA,
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

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?)?")


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


# -- create ----------------------------------------------------------------------------
def create(store: Store, account: seed.Account, new: NewMessage, now: float,
           queue_window: float = timeline.DEFAULT_QUEUE_WINDOW) -> Message:
    """Validate like Twilio, then queue the message; returns it as stored."""
    _check_required(account, new)
    if account.test_credentials:
        return _create_test_message(store, account, new, now)
    service, sender, to, region = _destination(
        account, new.to, new.from_, new.messaging_service_sid, bool(new.media_urls))
    urls = new.media_urls if region in NORTH_AMERICA else ()
    body = new.body
    if new.media_urls and not urls:  # Twilio's MMS Converter: an SMS with links
        body = "\n".join(filter(None, (body, *new.media_urls)))
    if service and sender is None:
        sender = services.pick_sender(store, service, bool(urls), now)
    _check_opt_out(store, sender, to)
    if account.is_trial:
        body = TRIAL_PREFIX + body
    segments = 1 if urls else count_segments(body, new.smart_encoded).segments
    start, end = timeline.reserve(store, sender, 1 if urls else segments, now, queue_window)
    message = new_message(
        store, account, "MM" if urls else "SM", now, to_number=to, body=body,
        from_number=None if service else sender.phone_number,
        status="accepted" if service else "queued",
        num_segments="0" if service else str(segments), num_media=str(len(urls)),
        messaging_service_sid=service.sid if service else None,
        status_callback=new.status_callback,
    )
    steps = timeline.plan(message, sender, start, end, str(segments),
                          price(region, segments, bool(urls)), new.validity_period)
    store_message(store, message, steps)
    media.attach(store, message, urls)
    return message


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
    """The account's message ``sid``, else 20404 for ``path`` (20008 with test credentials)."""
    if account.test_credentials:
        raise TwilioError(20008)
    message = store.get_message(sid_row(sid))
    if message is None or message.sid != sid or message.account_sid != account.sid:
        raise TwilioError(20404, path=path)
    return message


def parse_date_filter(value: str) -> tuple[float, float]:
    """A ``DateSent`` filter as a [start, end) range of timestamps.

    ``YYYY-MM-DD`` (or midnight, which is how the twilio library sends a ``date``) means the
    whole day; any other ISO 8601 UTC time means that second.
    """
    match = _DATE.fullmatch(value.strip().lstrip("<>="))
    if not match:
        raise TwilioError(20001, detail=f"DateSent must be YYYY-MM-DD, got {value!r}")
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    length = timedelta(days=1) if (hour, minute, second) == (0, 0, 0) else timedelta(seconds=1)
    try:
        start = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        return start.timestamp(), (start + length).timestamp()
    except (ValueError, OverflowError):  # no such day, or the range ends after year 9999
        raise TwilioError(20001, detail=f"DateSent is not a date: {value!r}") from None


def find(store: Store, account: seed.Account, filters: dict[str, str], page_size: int,
         before_seq, offset) -> list[Message]:
    """Newest first, after ``before_seq`` (a page token) or ``offset``; one extra row
    tells whether there is a next page."""
    if account.test_credentials:
        raise TwilioError(20008)
    sent_from = sent_before = None
    for key in ("DateSent", "DateSent<", "DateSent>"):
        if filters.get(key) is not None:
            start, end = parse_date_filter(filters[key])
            if key != "DateSent<":
                sent_from = start if sent_from is None else max(sent_from, start)
            if key != "DateSent>":
                sent_before = end if sent_before is None else min(sent_before, end)
    return store.find_messages(
        account.sid, to=filters.get("To") or None, from_=filters.get("From") or None,
        sent_from=sent_from, sent_before=sent_before, before_seq=before_seq,
        limit=page_size + 1, offset=offset,
    )


def update(store: Store, account: seed.Account, sid: str, path: str, body, status,
           now: float) -> Message:
    """``Body=""`` redacts, ``Status=canceled`` cancels a message not yet sent."""
    message = get(store, account, sid, path)
    if (body is None) == (status is None):
        raise TwilioError(30400, detail="send either Body=\"\" (redact) or Status=canceled")
    if body is not None:
        if body != "":
            raise TwilioError(30400, detail="Body must be empty to redact a message")
        store.update_message(message.seq, {"body": "", "date_updated": now})
    else:
        if status != "canceled":
            raise TwilioError(30400, detail=f"Status can only be canceled, got {status!r}")
        if message.status not in timeline.CANCELABLE:
            raise TwilioError(30409)
        message = dataclasses.replace(message, status="canceled", date_updated=now)
        store.update_message(message.seq, {
            "status": "canceled", "date_updated": now, "timeline": None, "next_at": None,
        })
        callbacks.record(store, message, now)
    return get(store, account, sid, path)


def delete(store: Store, account: seed.Account, sid: str, path: str) -> None:
    """Delete a message in a final status (else 20009), with its media."""
    message = get(store, account, sid, path)
    if message.status not in timeline.FINAL:
        raise TwilioError(20009)
    store.delete_message(message.seq)
