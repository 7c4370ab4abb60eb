"""Inbound messages: a phone texts a seeded number; STOP/START words update opt-outs."""

from __future__ import annotations

from helpers.segments import count_segments

from ..resources import Message
from ..state.store import Store
from . import media
from .messages import new_message, store_message
from .numbers import OWNERS, parse_number
from .pricing import price

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})


def receive(store: Store, from_: str, to: str, body: str, media_urls, now: float) -> Message:
    """Store the ``received`` message ``from_`` sends to the seeded number ``to``."""
    owned = OWNERS.get(to)
    if owned is None:
        raise ValueError(f"{to} is not a seeded Twilio number; use one from seed.py")
    parsed = parse_number(from_)
    if parsed is None:
        raise ValueError(f"{from_!r} is not a phone number in E.164 format (+15558675310)")
    account, number = owned
    keyword = body.strip().upper()
    if keyword in STOP_WORDS | START_WORDS:
        store.set_opt_out(number.phone_number, parsed[0], keyword in STOP_WORDS)
    urls = tuple(media_urls)
    segments = count_segments(body).segments or 1
    message = new_message(
        store, account, "MM" if urls else "SM", now, direction="inbound",
        from_number=parsed[0], to_number=number.phone_number, body=body, status="received",
        num_segments=str(segments), num_media=str(len(urls)),
        price=price(parsed[1], segments, bool(urls)), date_sent=now,
    )
    store_message(store, message, ())
    media.attach(store, message, urls)
    return message
