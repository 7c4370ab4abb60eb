"""The REST layer: method + URL + form -> (status, JSON text, headers).

It parses what the twilio library (or the HTTP server) sends, calls ``models.Messaging``
inside one store transaction, and renders Twilio's JSON. It holds no state of its own.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

from helpers.facts import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    VALIDITY_PERIOD_MAX,
    VALIDITY_PERIOD_MIN,
    is_valid_validity_period,
)

from . import fastjson, shapes
from .errors import TwilioError
from .models import Messaging, NewMessage, authenticate
from .sids import sid_row

log = logging.getLogger(__name__)

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
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
    method: str
    path: str
    form: Form
    account: object
    now: float
    url_account: str | None = None


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


# -- handlers ------------------------------------------------------------------------------
def _message_path(request: Request, sid: str) -> str:
    return f"{shapes.API}/Accounts/{request.url_account}/Messages/{sid}.json"


def _is_number(text: str) -> bool:
    """ASCII digits only ("²".isdigit() is True, but int("²") fails)."""
    return text.isascii() and text.isdigit() and len(text) < 10


def _flag(value: str | None) -> bool:
    return (value or "").lower() == "true"


def create_message(messaging: Messaging, request: Request) -> tuple[int, dict]:
    form = request.form
    validity = form.get("ValidityPeriod")
    if validity is not None:
        if not _is_number(validity) or not is_valid_validity_period(int(validity)):
            raise TwilioError(20001, detail=f"ValidityPeriod must be between "
                              f"{VALIDITY_PERIOD_MIN} and {VALIDITY_PERIOD_MAX} seconds")
    new = NewMessage(  # positional: the order of NewMessage's fields
        form.get("To"),
        form.get("From"),
        form.get("Body") or "",
        tuple(form.getall("MediaUrl")),
        form.get("MessagingServiceSid"),
        form.get("StatusCallback"),
        _flag(form.get("SmartEncoded")),
        float(validity) if validity else None,
    )
    row = messaging.create_message(request.account, new, request.now)
    return 201, shapes.message_json(row)


def _page_size(form: Form) -> int:
    raw = form.get("PageSize")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not _is_number(raw) or int(raw) < 1:
        raise TwilioError(20001, detail=f"PageSize must be a positive integer, got {raw!r}")
    return min(int(raw), MAX_PAGE_SIZE)


def list_messages(messaging: Messaging, request: Request) -> tuple[int, dict]:
    form = request.form
    size = _page_size(form)
    page = int(form.get("Page")) if _is_number(form.get("Page") or "") else 0
    token = form.get("PageToken")
    before_seq = None
    if token:
        before_seq = sid_row(token[2:]) if token.startswith("PA") else None
        if before_seq is None:
            raise TwilioError(20001, detail=f"PageToken {token!r} is not valid")
    filters = {key: form.get(key) for key in ("To", "From", "DateSent", "DateSent<", "DateSent>")
               if form.get(key) is not None}
    rows = messaging.list_messages(request.account, filters, size, before_seq,
                                   0 if token else page * size)
    more = len(rows) > size
    rows = rows[:size]
    base = f"{shapes.API}/Accounts/{request.url_account}/Messages.json"
    query = list(filters.items())

    def uri(page_number: int, page_token: str | None = None) -> str:
        params = [*query, ("PageSize", size), ("Page", page_number)]
        if page_token:
            params.append(("PageToken", page_token))
        return f"{base}?{urlencode(params)}"

    payload = {
        "end": page * size + len(rows) - 1 if rows else page * size,
        "first_page_uri": uri(0),
        "messages": [shapes.message(row) for row in rows],
        "next_page_uri": uri(page + 1, "PA" + rows[-1]["sid"]) if more else None,
        "page": page,
        "page_size": size,
        "previous_page_uri": uri(page - 1) if page > 0 else None,
        "start": page * size,
        "uri": uri(page, token),
    }
    return 200, payload


def fetch_message(messaging, request, sid):
    return 200, shapes.message_json(messaging.get_message(request.account, sid,
                                                          _message_path(request, sid)))


def update_message(messaging, request, sid):
    form = request.form
    row = messaging.update_message(
        request.account, sid, _message_path(request, sid),
        form.get("Body"), form.get("Status"), request.now,
    )
    return 200, shapes.message_json(row)


def delete_message(messaging, request, sid):
    messaging.delete_message(request.account, sid, _message_path(request, sid))
    return 204, None


def list_media(messaging, request, sid):
    rows = messaging.list_media(request.account, sid, request.path)
    return 200, _single_page(f"{shapes.API}/Accounts/{request.url_account}/Messages/{sid}"
                             "/Media.json", "media_list", [shapes.media(r) for r in rows])


def fetch_media(messaging, request, sid, media_sid):
    path = request.path
    return 200, shapes.media(messaging.get_media(request.account, sid, media_sid, path))


def delete_media(messaging, request, sid, media_sid):
    messaging.delete_media(request.account, sid, media_sid, request.path)
    return 204, None


def fetch_account(messaging, request):
    return 200, shapes.account(request.account)


def list_incoming_numbers(messaging, request):
    wanted = request.form.get("PhoneNumber")
    items = [
        shapes.incoming_phone_number(request.account, number)
        for number in request.account.numbers
        if number.kind != "short_code" and (wanted is None or number.phone_number == wanted)
    ]
    return 200, _single_page(request.path, "incoming_phone_numbers", items)


def list_short_codes(messaging, request):
    items = [shapes.short_code(request.account, n)
             for n in request.account.numbers if n.kind == "short_code"]
    return 200, _single_page(request.path, "short_codes", items)


def list_caller_ids(messaging, request):
    items = [shapes.outgoing_caller_id(request.account, number)
             for number in request.account.verified]
    return 200, _single_page(request.path, "outgoing_caller_ids", items)


def _single_page(path: str, key: str, items: list) -> dict:
    first = f"{path}?PageSize={DEFAULT_PAGE_SIZE}&Page=0"
    return {
        "end": max(len(items) - 1, 0),
        "first_page_uri": first,
        key: items,
        "next_page_uri": None,
        "page": 0,
        "page_size": DEFAULT_PAGE_SIZE,
        "previous_page_uri": None,
        "start": 0,
        "uri": first,
    }


def _v1_page(url: str, key: str, items: list) -> dict:
    first = f"{url}?PageSize={DEFAULT_PAGE_SIZE}&Page=0"
    return {
        key: items,
        "meta": {"first_page_url": first, "key": key, "next_page_url": None, "page": 0,
                 "page_size": DEFAULT_PAGE_SIZE, "previous_page_url": None, "url": first},
    }


def _own_service(request, service_sid):
    svc = request.account.messaging_service
    if svc is None or svc.sid != service_sid:
        raise TwilioError(20404, path=request.path)
    return svc


def list_services(messaging, request):
    items = [shapes.service(request.account)] if request.account.messaging_service else []
    return 200, _v1_page(shapes.SERVICES_URL, "services", items)


def fetch_service(messaging, request, service_sid):
    _own_service(request, service_sid)
    return 200, shapes.service(request.account)


def list_service_numbers(messaging, request, service_sid):
    svc = _own_service(request, service_sid)
    items = [shapes.service_phone_number(request.account, messaging.owners[n][1])
             for n in svc.senders]
    return 200, _v1_page(f"{shapes.SERVICES_URL}/{svc.sid}/PhoneNumbers", "phone_numbers", items)


_ACCOUNT = r"/2010-04-01/Accounts/(?P<account>[^/]+)"
_SID = r"([^/]+)"
ROUTES: list[tuple[str, re.Pattern, dict[str, Callable]]] = [
    ("api", re.compile(_ACCOUNT + r"\.json"), {"GET": fetch_account}),
    ("api", re.compile(_ACCOUNT + r"/Messages\.json"),
     {"GET": list_messages, "POST": create_message}),
    ("api", re.compile(_ACCOUNT + rf"/Messages/{_SID}\.json"),
     {"GET": fetch_message, "POST": update_message, "DELETE": delete_message}),
    ("api", re.compile(_ACCOUNT + rf"/Messages/{_SID}/Media\.json"), {"GET": list_media}),
    ("api", re.compile(_ACCOUNT + rf"/Messages/{_SID}/Media/{_SID}\.json"),
     {"GET": fetch_media, "DELETE": delete_media}),
    ("api", re.compile(_ACCOUNT + r"/IncomingPhoneNumbers\.json"),
     {"GET": list_incoming_numbers}),
    ("api", re.compile(_ACCOUNT + r"/SMS/ShortCodes\.json"), {"GET": list_short_codes}),
    ("api", re.compile(_ACCOUNT + r"/OutgoingCallerIds\.json"), {"GET": list_caller_ids}),
    ("messaging", re.compile(r"/v1/Services"), {"GET": list_services}),
    ("messaging", re.compile(rf"/v1/Services/{_SID}"), {"GET": fetch_service}),
    ("messaging", re.compile(rf"/v1/Services/{_SID}/PhoneNumbers"),
     {"GET": list_service_numbers}),
]


class Route(NamedTuple):
    handler: Callable
    path: str
    query: tuple[tuple[str, str], ...]  # parameters in the URL
    account: str | None  # the account SID in the path
    sids: tuple[str, ...]  # the other SIDs in the path


@lru_cache(maxsize=1024)
def _resolve(method: str, url: str, username: str | None,
             password: str | None) -> tuple[object, Route]:
    """(the account these credentials open, the route): Twilio checks credentials first."""
    account = authenticate(username, password)
    route = _route(method, url)
    if route.account is not None and route.account != account.sid:
        raise TwilioError(20003)
    return account, route


@lru_cache(maxsize=1024)
def _route(method: str, url: str) -> Route:
    """Which handler answers ``method url``, and what the URL holds."""
    parts = urlsplit(url)
    product = (parts.hostname or "").split(".", 1)[0]
    query = tuple(parse_qsl(parts.query, keep_blank_values=True))
    for route_product, pattern, methods in ROUTES:
        match = pattern.fullmatch(parts.path)
        if match and route_product == product and method in methods:
            account = match.groupdict().get("account")
            sids = match.groups()[1:] if account is not None else match.groups()
            return Route(methods[method], parts.path, query, account, sids)
    raise TwilioError(20404, path=parts.path)


def _render(status: int, payload: dict | str | None) -> tuple[int, str, dict]:
    """Encode a handler's answer; a ``str`` payload is JSON text already."""
    if payload is None or isinstance(payload, str):
        text = payload or ""
    else:
        text = fastjson.dumps(payload)
    return status, text, dict(JSON_HEADERS)


def error_response(error: TwilioError) -> tuple[int, str, dict]:
    """Twilio's answer for ``error``: its status, JSON body and headers."""
    return _render(error.status, error.body())


def dispatch(
    messaging: Messaging,
    now: float,
    method: str,
    url: str,
    params: Mapping | Iterable | None,
    data: Mapping | Iterable | None,
    headers: Mapping | None,
    auth,
) -> tuple[int, str, dict]:
    """Answer one request exactly as Twilio would (see the module docstring)."""
    try:
        method = method.upper()
        account, route = _resolve(method, url, *credentials(auth, headers))
        request = Request(method, route.path, Form(route.query, params, data), account, now,
                          route.account)
        with messaging.store.transaction():
            messaging.apply_due(now)
            return _render(*route.handler(messaging, request, *route.sids))
    except TwilioError as error:
        return error_response(error)
    except Exception:  # a bug in the emulator: answer like Twilio's 500, keep the traceback
        log.exception("emulator failed on %s %s", method, url)
        return error_response(TwilioError(20500))
