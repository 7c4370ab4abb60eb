"""A request as the handlers read it: ``Form`` (parameters as Twilio reads them), basic-auth
``credentials`` and ``Request``."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .. import seed
from ..rules.timeline import DEFAULT_QUEUE_WINDOW

_SURROGATE = re.compile("[\ud800-\udfff]")


class Form(dict):
    """Request parameters as Twilio reads them: ``form.get(key)`` is a key's first value
    (a string), ``form.getall(key)`` all of them (``MediaUrl`` repeats)."""

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
                self[key] = value if value.isascii() else _wire_text(value)
                continue
            if value is None:
                continue
            if isinstance(value, list | tuple):
                texts = tuple(_text(v) for v in value if v is not None)
            else:
                texts = (_text(value),)
            key = str(key)
            known = self.getall(key)
            if len(known) + len(texts) > 1:
                self.repeated[key] = [*known, *texts]
            if texts and key not in self:
                self[key] = texts[0]

    def getall(self, key: str) -> list[str]:
        if key in self.repeated:
            return self.repeated[key]
        return [self[key]] if key in self else []


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
