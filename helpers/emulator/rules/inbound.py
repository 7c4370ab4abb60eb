"""Inbound messages: a phone texts an account's number; STOP/START words update opt-outs."""

from __future__ import annotations

from helpers.facts import invalid_media_urls
from helpers.segments import count_segments

from ..errors import TwilioError
from ..resources import Message
from ..state.store import Store
from . import media
from .accounts import Directory
from .messages import new_message, store_message
from .numbers import parse_number
from .pricing import price

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})


def receive(store: Store, accounts: Directory, from_: str, to: str, body: str, media_urls,
            now: float) -> Message:
    """Store the ``received`` message ``from_`` sends to the number ``to`` (seeded or a
    learner's); a media URL Twilio would refuse on a create is 21620 here too."""
    owned = accounts.owner(to)
    if owned is None:
        raise ValueError(f"{to} is not a seeded Twilio number; use one from seed.py"
                         " (or a learner's)")
    parsed = parse_number(from_)
    if parsed is None:
        raise ValueError(f"{from_!r} is not a phone number in E.164 format (+15558675310)")
    urls = tuple(media_urls)
    bad = invalid_media_urls(urls)
    if bad:
        raise TwilioError(21620, url=", ".join(bad))
    account, number = owned
    keyword = body.strip().upper()
    if keyword in STOP_WORDS | START_WORDS:
        store.set_opt_out(number.phone_number, parsed[0], keyword in STOP_WORDS)
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
