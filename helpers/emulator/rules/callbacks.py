"""Status callbacks as the rules keep them: one recorded per status change of a message
that has a ``StatusCallback``; pending -> sending (claimed) -> delivered / failed.

A claim is a lease of ``CLAIM_LEASE`` wall-clock seconds: a claim its process never
finished (it died mid-POST) becomes due again once the lease has run out. Delivering them
(signed POSTs, retries) is ``runtime/callbacks.py``; retry, mark and the attempt log are
plain store calls (``core.Emulator``).
"""

from __future__ import annotations

import time

from helpers.facts import RAW_DLR_DONE_DATE

from ..resources import Message
from ..state.store import Store

CLAIM_LEASE = 60.0  # wall-clock seconds; far above a callback POST's timeout
ATTEMPT_LOG_SIZE = 2000  # callback delivery attempts kept in the log


def record(store: Store, message: Message, at: float) -> None:
    """Queue the callback of ``message``'s current status (if it asked for callbacks)."""
    url = message.status_callback
    if not url:
        return
    params = {
        "MessageSid": message.sid,
        "MessageStatus": message.status,
        "SmsSid": message.sid,
        "SmsStatus": message.status,
        "AccountSid": message.account_sid,
        "From": message.from_number or "",
        "To": message.to_number,
        "ApiVersion": "2010-04-01",
    }
    if message.messaging_service_sid:
        params["MessagingServiceSid"] = message.messaging_service_sid
    if message.status in ("failed", "undelivered") and message.error_code:
        params["ErrorCode"] = str(message.error_code)
    if message.status in ("delivered", "undelivered"):
        params["RawDlrDoneDate"] = time.strftime(RAW_DLR_DONE_DATE, time.gmtime(at))
    store.insert_callback(message.sid, message.account_sid, url, params, at)


def pending(store: Store, now: float, wall_now: float,
            message_sid: str | None = None) -> list[dict]:
    """Callbacks due by ``now`` (of one message if given), with claims whose lease ran out
    by ``wall_now``."""
    return store.pending_callbacks(now, wall_now - CLAIM_LEASE, message_sid)


def in_flight(store: Store, wall_now: float) -> int:
    """Callbacks claimed and still within their lease."""
    return store.callbacks_in_flight(wall_now - CLAIM_LEASE)


def claim(store: Store, callback_id: int, wall_now: float) -> bool:
    """Take a pending (or stale) callback for delivery; False if someone else holds it.

    One callback per message is in flight at a time, so when a server and a kernel both
    deliver, a message's callbacks still arrive in the order they fell due."""
    return store.claim_callback(callback_id, wall_now, wall_now - CLAIM_LEASE)
