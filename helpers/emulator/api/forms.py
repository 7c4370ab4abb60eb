"""A request as the handlers read it: ``Form`` (parameters as Twilio reads them), basic-auth
``credentials`` and ``Request``."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass

from helpers.facts import MAX_MEDIA

from .. import seed
from ..errors import TwilioError
from ..rules.timeline import DEFAULT_QUEUE_WINDOW

_SURROGATE = re.compile("[\ud800-\udfff]")


MAX_PARAMS = 100
"""Distinct parameters in one request. A create has about 20; more is not a Twilio client."""

MAX_VALUES = MAX_MEDIA + 1
"""Values kept for a repeated parameter: enough to see "more than ``MAX_MEDIA``" (21623);
the rest are dropped as they are read, so 500k ``MediaUrl`` cost no more than 11."""

MAX_NUMBER_TEXT = 64
"""Characters in a ``To`` or ``From``: an E.164 number is 16; 64 leaves room for spaces,
dashes, parentheses and an alphanumeric sender ID (11)."""

MAX_URL = 4000
"""Characters in a ``StatusCallback`` or ``MediaUrl``: as ``helpers.facts.is_valid_media_url``
(browsers and proxies stop near 8k; Twilio's own media URLs are under 200)."""

MAX_SID_TEXT = 64
"""Characters in a ``MessagingServiceSid`` (a SID is 34)."""

FIELD_LIMITS: dict[str, tuple[int, int, str]] = {  # parameter: (max length, code, field)
    "To": (MAX_NUMBER_TEXT, 21211, "to"),
    "From": (MAX_NUMBER_TEXT, 21212, "from_"),
    "StatusCallback": (MAX_URL, 21609, "url"),
    "MediaUrl": (MAX_URL, 21620, "url"),
    "MessagingServiceSid": (MAX_SID_TEXT, 21705, "sid"),
}
_SHORTEST_LIMIT = min(limit for limit, _, _ in FIELD_LIMITS.values())


def _too_long(key: str, text: str) -> None:
    """Twilio's error for a ``To``/``From``/URL longer than any real one, before any cache or
    rule sees it (the message echoes only its start)."""
    limit, code, field = FIELD_LIMITS.get(key, (len(text), 0, ""))
    if len(text) > limit:
        raise TwilioError(code, **{field: f"{text[:40]}... ({len(text)} characters)"})


class Form(dict):
    """Request parameters as Twilio reads them: ``form.get(key)`` is a key's first value
    (a string), ``form.getall(key)`` all of them (``MediaUrl`` repeats).

    Read in linear time and bounded before any work: at most ``MAX_PARAMS`` distinct
    parameters (else 20001), ``MAX_VALUES`` values of one, and ``FIELD_LIMITS``.
    """

    __slots__ = ("repeated",)

    def __init__(self, *sources):
        super().__init__()
        self.repeated: dict[str, list[str]] = {}
        for source in sources:
            if source:
                self._add(source.items() if hasattr(source, "items") else source)

    def _add(self, pairs) -> None:
        for key, value in pairs:
            if type(value) is str and type(key) is str and key not in self:  # the usual case
                if len(value) > _SHORTEST_LIMIT:
                    _too_long(key, value)
                if len(self) >= MAX_PARAMS:
                    _too_many()
                self[key] = value if value.isascii() else _wire_text(value)
                continue
            if value is None:
                continue
            key = str(key)
            for item in value if isinstance(value, list | tuple) else (value,):
                if item is not None:
                    self._put(key, item)

    def _put(self, key: str, value) -> None:
        known = self.repeated.get(key)
        if known is not None:
            if len(known) < MAX_VALUES:
                known.append(self._checked(key, value))
        elif key in self:
            self.repeated[key] = [self[key], self._checked(key, value)]
        else:
            if len(self) >= MAX_PARAMS:
                _too_many()
            self[key] = self._checked(key, value)

    @staticmethod
    def _checked(key: str, value) -> str:
        text = _text(value)
        if len(text) > _SHORTEST_LIMIT:
            _too_long(key, text)
        return text

    def getall(self, key: str) -> list[str]:
        if key in self.repeated:
            return self.repeated[key]
        return [self[key]] if key in self else []


def _too_many() -> None:
    raise TwilioError(20001, detail=f"too many parameters (at most {MAX_PARAMS})")


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return _wire_text(str(value))


def _wire_text(text: str) -> str:
    """``text`` as UTF-8 can carry it: a lone surrogate (half an emoji, which no HTTP client
    could send) becomes U+FFFD, as undecodable bytes do on the server, and never reaches
    the store (sqlite cannot encode it)."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


@dataclass(slots=True)
class Request:
    """One request, resolved: its account (credentials checked) and the time it is answered."""

    method: str
    path: str
    form: Form
    account: seed.Account
    now: float
    url_account: str | None = None
    queue_window: float = DEFAULT_QUEUE_WINDOW  # the emulator's, for a create


def credentials(auth, headers: Mapping | None) -> tuple[str | None, str | None]:
    """The (username, password) of HTTP basic auth, from ``auth`` or an Authorization header."""
    if auth:
        return auth[0], auth[1]
    for key, value in (headers or {}).items():
        if key.lower() == "authorization" and value.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(value[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None, None
            return user, password
    return None, None
