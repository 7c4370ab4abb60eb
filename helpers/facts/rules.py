"""The checks Twilio makes on a new message before it accepts it, as pure functions.

The emulator refuses a create call with the ``Refusal`` these return; the bulk sender's dry
run (``helpers.bulk.plan``) and the send forms call the same functions, so the course never
promises what the emulator (or Twilio) would refuse, nor the other way round.

    >>> content_refusal("", [])
    Refusal(code=21619, fields={})
    >>> content_refusal("Hi", ["ftp://example.com/owl.png"]).message
    'Media urls: ftp://example.com/owl.png are invalid. Please use only valid http and https urls'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from .errors import error_message, error_status
from .limits import MAX_BODY, MAX_MEDIA, VALIDITY_PERIOD_MAX, VALIDITY_PERIOD_MIN

_HOSTNAME = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]")
_NO_FIELDS: Mapping[str, str] = {}


class Refusal(NamedTuple):
    """Twilio's refusal of a request: its error ``code`` and the ``fields`` of its text."""

    code: int
    fields: Mapping[str, str] = _NO_FIELDS

    @property
    def status(self) -> int:
        return error_status(self.code)

    @property
    def message(self) -> str:
        return error_message(self.code, **self.fields)


@lru_cache(maxsize=4096)
def is_valid_media_url(url: str) -> bool:
    """True for an absolute http(s) URL with a plausible host (else Twilio says 21620; the
    same test decides a ``StatusCallback`` URL, else 21609)."""
    if not isinstance(url, str) or len(url) > 4000 or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
        hostname = parts.netloc.rsplit("@", 1)[-1]
        port = parts.port
    except ValueError:
        return False
    host_only = hostname if hostname.startswith("[") else hostname.split(":", 1)[0]
    return (
        parts.scheme in ("http", "https")
        and bool(host_only)
        and _HOSTNAME.fullmatch(host_only) is not None
        and (port is None or port > 0)
    )


def invalid_media_urls(media_urls: Sequence[str]) -> list[str]:
    """The media URLs Twilio would refuse (21620), in order."""
    return [url for url in media_urls if not is_valid_media_url(url)]


def too_many_media(media_urls: Sequence[str]) -> bool:
    """More media than one message carries (21623)."""
    return len(media_urls) > MAX_MEDIA


def body_too_long(body: str | None) -> bool:
    """A body longer than Twilio's limit (21617)."""
    return len(body or "") > MAX_BODY


def sender_refusal(from_: str | None, messaging_service_sid: str | None) -> Refusal | None:
    """21603 when the request names neither a From number nor a Messaging Service."""
    if not from_ and not messaging_service_sid:
        return Refusal(21603)
    return None


def content_refusal(body: str | None, media_urls: Sequence[str]) -> Refusal | None:
    """What Twilio refuses about a message's content, checked in Twilio's order: nothing to
    send (21619), body too long (21617), too many media (21623), invalid media URLs (21620)."""
    if not body and not media_urls:
        return Refusal(21619)
    if body_too_long(body):
        return Refusal(21617)
    if media_urls:
        if too_many_media(media_urls):
            return Refusal(21623)
        bad = invalid_media_urls(media_urls)
        if bad:
            return Refusal(21620, {"url": ", ".join(bad)})
    return None


def status_callback_refusal(url: str | None) -> Refusal | None:
    """21609 for a ``StatusCallback`` that is given but not a valid http(s) URL."""
    if url is not None and not is_valid_media_url(url):
        return Refusal(21609, {"url": url})
    return None


def is_valid_validity_period(seconds: int) -> bool:
    """``ValidityPeriod`` is a whole number of seconds from 1 to 36000."""
    return VALIDITY_PERIOD_MIN <= seconds <= VALIDITY_PERIOD_MAX
