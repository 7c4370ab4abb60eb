"""Twilio's resources as typed objects: ``Message`` (with its ``Step``s still to come) and
``Media``. The rules build and change them, the store keeps them (``state/store.py``), and
``to_dict()`` gives Twilio's JSON shape of each.

Dates are Unix timestamps here and RFC 2822 text in the JSON, as the 2010-04-01 API writes
them. Counts (``num_segments``, ``num_media``) are strings, as Twilio sends them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring_ascii as _encode
from typing import NamedTuple

API = "/2010-04-01"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc2822(timestamp: float | None) -> str | None:
    """``Mon, 06 Jan 2025 15:00:00 +0000``, the date format of the 2010-04-01 API."""
    return None if timestamp is None else _rfc2822_second(int(timestamp))


@lru_cache(maxsize=4096)
def _rfc2822_second(second: int) -> str:
    t = time.gmtime(second)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"
    )


def _json_date(timestamp: float | None) -> str:
    return "null" if timestamp is None else f'"{rfc2822(timestamp)}"'


def _json_text(value: str | None) -> str:
    return "null" if value is None else _encode(value)


class Step(NamedTuple):
    """A status change still to come: at ``at`` the message becomes ``status``, and each
    other field that is set is written too. Stored in the state file as a JSON list."""

    at: float
    status: str
    from_number: str | None = None  # the sender a Messaging Service picked
    date_sent: float | None = None
    price: str | None = None
    num_segments: str | None = None
    error_code: int | None = None
    error_message: str | None = None

    def changes(self) -> dict:
        """The message fields this step sets, ``status`` and ``date_updated`` included."""
        changes = {name: value for name, value in zip(self._fields[2:], self[2:], strict=True)
                   if value is not None}
        changes.update(status=self.status, date_updated=self.at)
        return changes


@dataclass(slots=True, kw_only=True)
class Message:
    """A Message resource (SM... or MM...), as stored: one row of the ``messages`` table."""

    seq: int  # its row number; the SID maps back to it (``state/sids.py``)
    sid: str
    account_sid: str
    to_number: str
    from_number: str | None  # None until a Messaging Service picks the sender
    body: str
    num_segments: str
    num_media: str
    date_created: float
    date_updated: float
    direction: str = "outbound-api"
    status: str = "queued"
    price: str | None = None
    error_code: int | None = None
    error_message: str | None = None
    messaging_service_sid: str | None = None
    date_sent: float | None = None
    status_callback: str | None = None
    timeline: tuple[Step, ...] = ()  # the status changes still to come
    next_at: float | None = None  # when the first of them is due

    def to_dict(self) -> dict:
        """Twilio's JSON object for this message."""
        base = f"{API}/Accounts/{self.account_sid}/Messages/{self.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": self.body,
            "date_created": rfc2822(self.date_created),
            "date_sent": rfc2822(self.date_sent),
            "date_updated": rfc2822(self.date_updated),
            "direction": self.direction,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "from": self.from_number,
            "messaging_service_sid": self.messaging_service_sid,
            "num_media": self.num_media,
            "num_segments": self.num_segments,
            "price": self.price,
            "price_unit": "USD",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {"media": f"{base}/Media.json",
                                 "feedback": f"{base}/Feedback.json"},
            "to": self.to_number,
            "uri": f"{base}.json",
        }

    def to_json(self) -> str:
        """Exactly ``json.dumps(self.to_dict())`` (tests/emulator/test_shapes.py pins it).

        The one fast path: create, fetch and update answer with this text, written directly
        rather than built as a dict and encoded, which saves about 7 us of a create's
        ~150 us (benchmarks/bench_emulator.py). SIDs, direction, status and counts are
        plain ASCII identifiers and go in as they are; everything else is encoded."""
        base = f"{API}/Accounts/{self.account_sid}/Messages/{self.sid}"
        code = self.error_code
        return (
            f'{{"account_sid": "{self.account_sid}", "api_version": "2010-04-01",'
            f' "body": {_encode(self.body)}, "date_created": {_json_date(self.date_created)},'
            f' "date_sent": {_json_date(self.date_sent)},'
            f' "date_updated": {_json_date(self.date_updated)},'
            f' "direction": "{self.direction}",'
            f' "error_code": {"null" if code is None else int(code)},'
            f' "error_message": {_json_text(self.error_message)},'
            f' "from": {_json_text(self.from_number)},'
            f' "messaging_service_sid": {_json_text(self.messaging_service_sid)},'
            f' "num_media": "{self.num_media}", "num_segments": "{self.num_segments}",'
            f' "price": {_json_text(self.price)}, "price_unit": "USD", "sid": "{self.sid}",'
            f' "status": "{self.status}", "subresource_uris": {{"media": "{base}/Media.json",'
            f' "feedback": "{base}/Feedback.json"}}, "to": {_encode(self.to_number)},'
            f' "uri": "{base}.json"}}'
        )


@dataclass(slots=True, kw_only=True)
class Media:
    """A Media resource (ME...): one file of an MMS, one row of the ``media`` table."""

    seq: int
    sid: str
    message_sid: str
    account_sid: str
    content_type: str
    url: str
    date_created: float

    def to_dict(self) -> dict:
        """Twilio's JSON object for this media (it never holds the file's URL)."""
        return {
            "account_sid": self.account_sid,
            "content_type": self.content_type,
            "date_created": rfc2822(self.date_created),
            "date_updated": rfc2822(self.date_created),
            "parent_sid": self.message_sid,
            "sid": self.sid,
            "uri": f"{API}/Accounts/{self.account_sid}/Messages/{self.message_sid}"
            f"/Media/{self.sid}.json",
        }
