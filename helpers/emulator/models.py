"""Twilio's messaging rules and state: validation, lifecycle, pacing, media, callbacks.

Nothing here knows about HTTP: ``responses.py`` turns requests into these calls and rows
into JSON. Every method runs inside the caller's store transaction, at time ``now``
(a Unix timestamp from the emulator clock).

Lifecycle of an outbound message (times after the create call, documented for learners):

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

Prices are set when a message is ``sent``, as negative USD strings ("-0.00790"), from
Twilio's list prices (``helpers.facts.sending.message_price``). Inbound messages are priced
the same way. What Twilio refuses before accepting a message is ``helpers.facts.rules``.

MMS goes natively only to US/Canada numbers. Elsewhere the emulator does what Twilio's MMS
Converter does: it sends an SMS whose body ends with the media URLs (``SM`` sid, no Media).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from helpers.facts import (
    DEFAULT_VALIDITY_PERIOD,
    DELIVERY_ERRORS,
    FAILURE_NUMBERS,
    MAGIC_FROM,
    MAGIC_FROM_OK,
    MAGIC_TO,
    NORTH_AMERICA,
    TRIAL_PREFIX,
    content_refusal,
    message_price,
    sender_refusal,
    status_callback_refusal,
)
from helpers.segments import count_segments

from . import seed
from .errors import TwilioError
from .numbers import ALPHANUMERIC_SENDER, SHORT_CODE, content_type, parse_number
from .sids import make_sid, sid_row

SERVICE_DELAY = 0.5
DISPATCH_DELAY = 1.0
DELIVERY_DELAY = 2.0
DEFAULT_QUEUE_WINDOW = float(DEFAULT_VALIDITY_PERIOD)
CLAIM_LEASE = 60.0  # wall-clock seconds; far above a callback POST's timeout
ATTEMPT_LOG_SIZE = 2000  # callback delivery attempts kept in the log

FINAL = frozenset({"delivered", "undelivered", "failed", "canceled", "received", "sent"})
CANCELABLE = frozenset({"queued", "accepted", "scheduled"})
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})
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


ACCOUNTS = {account.sid: account for account in seed.ACCOUNTS}


def authenticate(username: str | None, password: str | None) -> seed.Account:
    """The seeded account these HTTP basic-auth credentials open (else Twilio's 20003)."""
    account = ACCOUNTS.get(username or "")
    if account is None or account.auth_token != password:
        raise TwilioError(20003)
    return account


def price_string(amount: float) -> str:
    return f"{-amount:.5f}"


@lru_cache(maxsize=1024)
def _price(region: str, segments: int, mms: bool) -> str:
    return price_string(message_price(segments, mms, region in NORTH_AMERICA))


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


class Messaging:
    """Accounts, numbers and services from ``seed``; messages and media in the store
    (``store.Store``, the methods these rules call)."""

    def __init__(self, store, queue_window: float = DEFAULT_QUEUE_WINDOW):
        self.store = store
        self.queue_window = queue_window
        self.accounts = ACCOUNTS
        self.owners = {
            number.phone_number: (account, number)
            for account in seed.ACCOUNTS
            for number in account.numbers
        }
        self.services = {
            account.messaging_service.sid: account
            for account in seed.ACCOUNTS
            if account.messaging_service
        }
        self._destination = lru_cache(maxsize=4096)(self._check_destination)

    # -- lifecycle ---------------------------------------------------------------------
    def apply_due(self, now: float) -> None:
        """Apply every status change scheduled at or before ``now``."""
        if not self.store.due(now):
            return
        for message in self.store.due_messages(now):
            steps = message["timeline"]
            changes = {}
            while steps and steps[0][0] <= now:
                at, status, *fields = steps.pop(0)
                step = dict(zip(fields[::2], fields[1::2], strict=True), status=status,
                            date_updated=at)
                changes.update(step)
                message.update(step)
                self._record_callback(message, at)
            changes.update(timeline=tuple(steps), next_at=steps[0][0] if steps else None)
            self.store.update_message(message["seq"], changes)

    def _record_callback(self, message: dict, at: float) -> None:
        url = message["status_callback"]
        if not url:
            return
        params = {
            "MessageSid": message["sid"],
            "MessageStatus": message["status"],
            "SmsSid": message["sid"],
            "SmsStatus": message["status"],
            "AccountSid": message["account_sid"],
            "From": message["from_number"] or "",
            "To": message["to_number"],
            "ApiVersion": "2010-04-01",
        }
        if message["messaging_service_sid"]:
            params["MessagingServiceSid"] = message["messaging_service_sid"]
        if message["status"] in ("failed", "undelivered") and message["error_code"]:
            params["ErrorCode"] = str(message["error_code"])
        self.store.insert_callback(message["sid"], message["account_sid"], url, params, at)

    # -- create ------------------------------------------------------------------------
    def create_message(self, account: seed.Account, new: NewMessage, now: float) -> dict:
        """Validate like Twilio, then queue the message; returns the stored row."""
        self._check_required(account, new)
        if account.test_credentials:
            return self._create_test_message(account, new, now)
        service, sender, to, region = self._destination(
            account.sid, new.to, new.from_, new.messaging_service_sid, bool(new.media_urls))
        media = new.media_urls if region in NORTH_AMERICA else ()
        body = new.body
        if new.media_urls and not media:  # Twilio's MMS Converter: an SMS with links
            body = "\n".join(filter(None, (body, *new.media_urls)))
        if service and sender is None:
            sender = self._pick_sender(service, bool(media), now)
        self._check_opt_out(sender, to)
        if account.is_trial:
            body = TRIAL_PREFIX + body
        segments = 1 if media else count_segments(body, new.smart_encoded).segments
        start, end = self._reserve(sender, 1 if media else segments, now)
        row = self._new_row(
            account, "MM" if media else "SM", now, to_number=to, body=body,
            from_number=None if service else sender.phone_number,
            status="accepted" if service else "queued",
            num_segments="0" if service else str(segments), num_media=str(len(media)),
            messaging_service_sid=service.sid if service else None,
            status_callback=new.status_callback,
        )
        timeline = self._timeline(
            row, sender, start, end, str(segments), _price(region, segments, bool(media)), new
        )
        self._insert(row, timeline, media)
        return row

    def _check_destination(self, account_sid: str, to_raw: str, from_raw: str | None,
                           service_sid: str | None, has_media: bool) -> tuple:
        """(service, sender, To in E.164, To's region), or the error Twilio gives.

        Only the seeded world (numbers, services, permissions, verified caller IDs) decides
        this, so ``_destination`` caches it.
        """
        account = self.accounts[account_sid]
        service = self._service(account, service_sid)
        to, region = self._recipient(to_raw)
        sender = self._sender(account, from_raw)
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

    def _check_required(self, account: seed.Account, new: NewMessage) -> None:
        if not new.to:
            raise TwilioError(21604)
        service = None if account.test_credentials else new.messaging_service_sid
        refusal = (sender_refusal(new.from_, service)
                   or content_refusal(new.body, new.media_urls)
                   or status_callback_refusal(new.status_callback))
        if refusal:
            raise TwilioError(refusal.code, **refusal.fields)

    def _create_test_message(self, account: seed.Account, new: NewMessage, now: float) -> dict:
        """Twilio's test credentials: only the magic numbers; nothing is sent."""
        from_ = new.from_.strip()
        if from_ != MAGIC_FROM_OK:
            raise TwilioError(MAGIC_FROM.get(from_, 21606), from_=from_)
        to = new.to.strip()
        if to in MAGIC_TO:
            raise TwilioError(MAGIC_TO[to], to=to, from_=from_)
        parsed = parse_number(to)
        if parsed is None:
            raise TwilioError(21211, to=to)
        segments = 1 if new.media_urls else count_segments(new.body, new.smart_encoded).segments
        row = self._new_row(
            account, "MM" if new.media_urls else "SM", now, from_number=from_,
            to_number=parsed[0], body=new.body, num_segments=str(segments),
            num_media=str(len(new.media_urls)),
        )
        self._insert(row, None, new.media_urls)
        return row

    def _service(self, account: seed.Account, sid: str | None) -> seed.MessagingService | None:
        if not sid:
            return None
        if self.services.get(sid) is not account:
            raise TwilioError(21705, sid=sid)
        return account.messaging_service

    def _recipient(self, raw: str) -> tuple[str, str]:
        parsed = parse_number(raw)
        if parsed is None:
            raise TwilioError(21211, to=raw)
        return parsed

    def _sender(self, account, raw: str | None) -> seed.PhoneNumber | None:
        """The owned, SMS-capable number ``raw`` names (None: let the service pick)."""
        if not raw:
            return None
        owned = self.owners.get(raw.strip())
        if owned is None:
            parsed = parse_number(raw)
            owned = self.owners.get(parsed[0]) if parsed else None
            if parsed is None and not (
                SHORT_CODE.fullmatch(raw.strip()) or ALPHANUMERIC_SENDER.fullmatch(raw.strip())
            ):
                raise TwilioError(21212, from_=raw)
        if owned is None or owned[0] is not account or not owned[1].sms:
            raise TwilioError(21606, from_=raw)
        return owned[1]

    def _pick_sender(self, service, mms: bool, now: float) -> seed.PhoneNumber:
        """The pool number that can send this message soonest (first in the pool on a tie)."""
        capable = [
            self.owners[number][1]
            for number in service.senders
            if not mms or self.owners[number][1].mms
        ]
        return min(capable, key=lambda number: max(self.store.busy_until(number.phone_number), now))

    def _check_opt_out(self, sender: seed.PhoneNumber, to: str) -> None:
        if to == seed.OPTED_OUT_NUMBER or self.store.is_opted_out(sender.phone_number, to):
            raise TwilioError(21610)

    def _reserve(self, sender: seed.PhoneNumber, cost: int, now: float) -> tuple[float, float]:
        """Book ``cost`` segments on ``sender``'s queue: (start sending, all sent)."""
        start = max(now + DISPATCH_DELAY, self.store.busy_until(sender.phone_number))
        end = start + cost / sender.mps
        if end - now > self.queue_window:
            raise TwilioError(21611)
        self.store.set_busy_until(sender.phone_number, end)
        return start, end

    def _timeline(self, row, sender, start, end, segments, price, new: NewMessage) -> tuple:
        """The status changes still to come: ``(at, status, column, value, ...)`` steps.

        Flat tuples of plain values: every stored message keeps one, so they are small, and
        the garbage collector stops tracking them."""
        steps: tuple = ()
        now = row["date_created"]
        if row["status"] == "accepted":
            steps = ((now + SERVICE_DELAY, "queued", "from_number", sender.phone_number),)
        if new.validity_period is not None and start - now > new.validity_period:
            return (*steps, _failure(now + new.validity_period, 30001))
        failure = FAILURE_NUMBERS.get(row["to_number"])
        if failure == 30034:
            return (*steps, _failure(start, failure))
        if failure:
            delivery = _failure(end + DELIVERY_DELAY, failure, status="undelivered")
        else:
            delivery = (end + DELIVERY_DELAY, "delivered")
        return (
            *steps,
            (start, "sending", "date_sent", start),
            (end, "sent", "price", price, "num_segments", segments),
            delivery,
        )

    def _new_row(self, account: seed.Account, prefix: str, now: float, *, to_number: str,
                 body: str, from_number: str | None, num_segments: str, num_media: str,
                 direction: str = "outbound-api", status: str = "queued",
                 messaging_service_sid: str | None = None, price: str | None = None,
                 date_sent: float | None = None, status_callback: str | None = None) -> dict:
        """A message row (every stored column) with the next row number and its SID."""
        seq = self.store.next_seq("messages")
        return {
            "seq": seq, "sid": make_sid(prefix, seq), "account_sid": account.sid,
            "direction": direction, "from_number": from_number, "to_number": to_number,
            "body": body, "status": status, "num_segments": num_segments,
            "num_media": num_media, "price": price, "error_code": None, "error_message": None,
            "messaging_service_sid": messaging_service_sid, "date_created": now,
            "date_updated": now, "date_sent": date_sent, "status_callback": status_callback,
            "timeline": None, "next_at": None,
        }

    def _insert(self, row: dict, timeline: tuple | None, media_urls) -> None:
        """Store ``row`` with the status changes still to come, then its media."""
        if timeline:
            row["timeline"], row["next_at"] = timeline, timeline[0][0]
        self.store.insert_message(row)
        for url in media_urls:
            seq = self.store.next_seq("media")
            self.store.insert_media({
                "seq": seq, "sid": make_sid("ME", seq), "message_sid": row["sid"],
                "account_sid": row["account_sid"], "content_type": content_type(url),
                "url": url, "date_created": row["date_created"],
            })

    # -- read, update, delete ----------------------------------------------------------
    def get_message(self, account: seed.Account, sid: str, path: str):
        if account.test_credentials:
            raise TwilioError(20008)
        row = self.store.get_message(sid_row(sid))
        if row is None or row["sid"] != sid or row["account_sid"] != account.sid:
            raise TwilioError(20404, path=path)
        return row

    def list_messages(self, account, filters: dict[str, str], page_size: int, before_seq, offset):
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
        return self.store.find_messages(
            account.sid, to=filters.get("To") or None, from_=filters.get("From") or None,
            sent_from=sent_from, sent_before=sent_before, before_seq=before_seq,
            limit=page_size + 1, offset=offset,
        )

    def update_message(self, account, sid: str, path: str, body, status, now: float):
        """``Body=""`` redacts, ``Status=canceled`` cancels a message not yet sent."""
        row = self.get_message(account, sid, path)
        if (body is None) == (status is None):
            raise TwilioError(30400, detail="send either Body=\"\" (redact) or Status=canceled")
        if body is not None:
            if body != "":
                raise TwilioError(30400, detail="Body must be empty to redact a message")
            self.store.update_message(row["seq"], {"body": "", "date_updated": now})
        else:
            if status != "canceled":
                raise TwilioError(30400, detail=f"Status can only be canceled, got {status!r}")
            if row["status"] not in CANCELABLE:
                raise TwilioError(30409)
            message = dict(row, status="canceled", date_updated=now)
            self.store.update_message(row["seq"], {
                "status": "canceled", "date_updated": now, "timeline": None, "next_at": None,
            })
            self._record_callback(message, now)
        return self.get_message(account, sid, path)

    def delete_message(self, account, sid: str, path: str) -> None:
        row = self.get_message(account, sid, path)
        if row["status"] not in FINAL:
            raise TwilioError(20009)
        self.store.delete_message(row["seq"])

    def list_media(self, account, message_sid: str, path: str):
        self.get_message(account, message_sid, path)
        return self.store.media_of(message_sid)

    def get_media(self, account, message_sid: str, media_sid: str, path: str):
        self.get_message(account, message_sid, path)
        return self._media_of(message_sid, media_sid, path)

    def _media_of(self, message_sid: str, media_sid: str, path: str):
        row = self.store.get_media(sid_row(media_sid))
        if row is None or row["sid"] != media_sid or row["message_sid"] != message_sid:
            raise TwilioError(20404, path=path)
        return row

    def delete_media(self, account, message_sid: str, media_sid: str, path: str) -> None:
        message = self.get_message(account, message_sid, path)
        row = self._media_of(message_sid, media_sid, path)
        self.store.delete_media(row["seq"])
        self.store.update_message(message["seq"],
                                  {"num_media": str(int(message["num_media"]) - 1)})

    # -- inbound, listing, clearing ----------------------------------------------------
    def inbound(self, from_: str, to: str, body: str, media_urls, now: float) -> dict:
        """A phone texts a seeded number; STOP/START words update the opt-out list."""
        owned = self.owners.get(to)
        if owned is None:
            raise ValueError(f"{to} is not a seeded Twilio number; use one from seed.py")
        parsed = parse_number(from_)
        if parsed is None:
            raise ValueError(f"{from_!r} is not a phone number in E.164 format (+15558675310)")
        account, number = owned
        keyword = body.strip().upper()
        if keyword in STOP_WORDS | START_WORDS:
            self.store.set_opt_out(number.phone_number, parsed[0], keyword in STOP_WORDS)
        media = tuple(media_urls)
        segments = count_segments(body).segments or 1
        row = self._new_row(
            account, "MM" if media else "SM", now, direction="inbound",
            from_number=parsed[0], to_number=number.phone_number, body=body, status="received",
            num_segments=str(segments), num_media=str(len(media)),
            price=_price(parsed[1], segments, bool(media)), date_sent=now,
        )
        self._insert(row, None, media)
        return row

    def messages(self, account_sid: str | None, include_inbound: bool, limit: int | None):
        """Stored messages, oldest first: of one account (or all), the newest ``limit``."""
        rows = self.store.find_messages(account_sid or None, outbound_only=not include_inbound,
                                        limit=limit or None)
        return rows[::-1]

    def media_urls(self, message_sids: list[str]) -> dict[str, list[str]]:
        """The media URLs of these messages, in the order they were sent."""
        return self.store.media_urls(message_sids)

    def clear(self, account_sid: str | None) -> None:
        """Forget one account's (or everyone's) messages, media, callbacks and logged attempts,
        and free the queues on its numbers so a new message goes out at once; other accounts
        keep theirs."""
        self.store.clear(account_sid, [
            number.phone_number
            for account in seed.ACCOUNTS if account_sid in (None, account.sid)
            for number in account.numbers
        ])

    # -- status callbacks: pending -> sending (claimed) -> delivered / failed ------------
    # A claim is a lease of ``CLAIM_LEASE`` wall-clock seconds: a claim its process never
    # finished (it died mid-POST) becomes due again once the lease has run out.
    def pending_callbacks(self, now: float, wall_now: float) -> list[dict]:
        return self.store.pending_callbacks(now, wall_now - CLAIM_LEASE)

    def callbacks_in_flight(self, wall_now: float) -> int:
        return self.store.callbacks_in_flight(wall_now - CLAIM_LEASE)

    def claim_callback(self, callback_id: int, wall_now: float) -> bool:
        """Take a pending (or stale) callback for delivery; False if someone else holds it.

        One callback per message is in flight at a time, so when a server and a kernel both
        deliver, a message's callbacks still arrive in the order they fell due."""
        return self.store.claim_callback(callback_id, wall_now, wall_now - CLAIM_LEASE)

    def retry_callback(self, callback_id: int, due_at: float, detail: str) -> None:
        self.store.retry_callback(callback_id, due_at, detail)

    def mark_callback(self, callback_id: int, delivered: bool, detail: str) -> None:
        self.store.mark_callback(callback_id, delivered, detail)

    def log_attempt(self, record: dict) -> dict:
        """Add a delivery attempt to the log every process shares; returns it with its seq."""
        return self.store.insert_attempt(record, ATTEMPT_LOG_SIZE)

    def attempts(self, account_sid: str | None, since: int, until: int | None) -> list[dict]:
        return self.store.attempts(account_sid, since, until)


def _failure(at: float, code: int, status: str = "failed") -> tuple:
    return at, status, "error_code", code, "error_message", DELIVERY_ERRORS[code]
