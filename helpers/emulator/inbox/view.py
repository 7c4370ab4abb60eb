"""What the phone inbox shows: every message of a room (sent and received), ready to draw.

The core lists messages in and out with their media URLs (`emulator.messages()`); the inbox
adds the encoding and whether the body was redacted. It must stay cheap: the server asks twice
a second while an inbox is open.
"""

from functools import lru_cache

from helpers.segments import count_segments

from .. import seed
from ..state.sids import sid_row


def conversations(emulator, account_sid: str | None = None,
                  limit: int | None = None) -> list[dict]:
    """Messages in and out (oldest first, the newest `limit` if given) as Twilio JSON plus
    `encoding`, `media_urls` and `redacted`."""
    return [dict(message, encoding=encoding(message["body"] or ""), redacted=is_redacted(message))
            for message in emulator.messages(account_sid, limit=limit)]


def is_redacted(message: dict) -> bool:
    """True when the body was redacted (`update(body="")`): a message with neither text nor
    media. Twilio refuses to send one (21619) and a phone cannot send one. The store keeps no
    copy of a redacted text; a picture-only MMS whose empty body was redacted looks unchanged."""
    return not message["body"] and message["num_media"] == "0"


@lru_cache(maxsize=4096)
def encoding(body: str) -> str:
    """GSM-7 or UCS-2, as Twilio's segment calculator decides."""
    return count_segments(body).encoding


def accounts(emulator=None) -> list[dict]:
    """The accounts the inbox can show, never their tokens: every account of ``emulator``
    (seeded, then learners'), or the seeded ones without one."""
    listed = seed.ACCOUNTS if emulator is None else emulator.accounts()
    return [{"sid": a.sid, "friendly_name": a.friendly_name, "type": a.type} for a in listed]


def media_of(emulator, message_sid: str) -> tuple[str, list[str]] | None:
    """The account and the media URLs of message `message_sid`, or None if there is none."""
    with emulator.store.lock:
        message = emulator.store.get_message(sid_row(message_sid))
        if message is None or message.sid != message_sid:
            return None
        return message.account_sid, emulator.store.media_urls([message_sid]).get(message_sid, [])
