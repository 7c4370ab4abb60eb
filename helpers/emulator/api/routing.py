"""The REST layer's entry: method + URL + form -> (status, JSON text, headers).

``dispatch`` (called by ``core.Emulator.handle`` only) checks the credentials, finds the
handler (``handlers.py``) in ``ROUTES``, runs it inside one store transaction and renders
Twilio's JSON. It holds no state of its own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

from helpers.facts import DETAILS

from .. import fastjson, seed
from ..errors import TwilioError
from ..resources import rfc2822
from ..rules.accounts import Directory
from ..rules.timeline import apply_due
from ..state.store import Store
from .forms import Form, Request, credentials
from .handlers import (
    create_message,
    delete_media,
    delete_message,
    fetch_account,
    fetch_incoming_number,
    fetch_media,
    fetch_message,
    fetch_service,
    list_caller_ids,
    list_incoming_numbers,
    list_media,
    list_messages,
    list_service_numbers,
    list_services,
    list_short_codes,
    update_message,
)

log = logging.getLogger(__name__)

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}

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
    ("api", re.compile(_ACCOUNT + rf"/IncomingPhoneNumbers/{_SID}\.json"),
     {"GET": fetch_incoming_number}),
    ("api", re.compile(_ACCOUNT + r"/SMS/ShortCodes\.json"), {"GET": list_short_codes}),
    ("api", re.compile(_ACCOUNT + r"/OutgoingCallerIds\.json"), {"GET": list_caller_ids}),
    ("messaging", re.compile(r"/v1/Services"), {"GET": list_services}),
    ("messaging", re.compile(rf"/v1/Services/{_SID}"), {"GET": fetch_service}),
    ("messaging", re.compile(rf"/v1/Services/{_SID}/PhoneNumbers"),
     {"GET": list_service_numbers}),
]


TEST_CREDENTIAL_HANDLERS = frozenset({create_message})
"""What Twilio's test credentials may do here: create Messages (they may also buy numbers
and make Calls, which the emulator does not serve); anything else is 403, 20008
(https://www.twilio.com/docs/iam/test-credentials)."""


class Route(NamedTuple):
    handler: Callable
    path: str
    query: tuple[tuple[str, str], ...]  # parameters in the URL
    account: str | None  # the account SID in the path
    sids: tuple[str, ...]  # the other SIDs in the path


def _resolve(accounts: Directory, method: str, url: str, username: str | None,
             password: str | None) -> tuple[seed.Account, Route]:
    """(the account these credentials open, the route): Twilio checks credentials first.
    Not cached: a cache keyed on credentials would keep secrets (and guesses) in memory."""
    account = accounts.authenticate(username, password)
    route = _route(method, url)
    if route.account is not None and route.account != account.sid:
        raise TwilioError(20003)
    if account.test_credentials and route.handler not in TEST_CREDENTIAL_HANDLERS:
        raise TwilioError(20008)
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


def http_date(now: float) -> str:
    """``now`` as an HTTP ``Date`` header (RFC 7231: ``Mon, 06 Jan 2025 15:00:00 GMT``)."""
    return rfc2822(now).replace("+0000", "GMT")


def _render(status: int, payload: dict | str | None,
            now: float | None = None) -> tuple[int, str, dict]:
    """Encode a handler's answer; a ``str`` payload is JSON text already. Twilio dates every
    answer by its own clock (``Date``); here that is the emulator's clock, ``now``."""
    if payload is None or isinstance(payload, str):
        text = payload or ""
    else:
        text = fastjson.dumps(payload)
    headers = dict(JSON_HEADERS)
    if now is not None:
        headers["Date"] = http_date(now)
    return status, text, headers


def error_response(error: TwilioError, now: float | None = None) -> tuple[int, str, dict]:
    """Twilio's answer for ``error``: its status, JSON body (with Twilio's ``detail`` for the
    codes that carry one, such as 20003) and headers (``Date`` if ``now``)."""
    body = error.body()
    if error.code in DETAILS:
        body["detail"] = DETAILS[error.code]
    return _render(error.status, body, now)


def dispatch(
    store: Store,
    accounts: Directory,
    clock: Callable[[], float],
    method: str,
    url: str,
    params: Mapping | Iterable | None,
    data: Mapping | Iterable | None,
    headers: Mapping | None,
    auth,
    queue_window: float,
) -> tuple[int, str, dict]:
    """Answer one request exactly as Twilio would (see the module docstring). `clock` gives
    the emulator's time, read inside the transaction (where the shared offset is cached)."""
    now = None
    try:
        method = method.upper()
        account, route = _resolve(accounts, method, url, *credentials(auth, headers))
        form = Form(route.query, params, data)
        with store.transaction():
            now = clock()
            request = Request(method, route.path, form, account, now, route.account,
                              queue_window)
            apply_due(store, now)
            return _render(*route.handler(store, request, *route.sids), now)
    except TwilioError as error:
        return error_response(error, clock() if now is None else now)
    except Exception:  # a bug in the emulator: answer like Twilio's 500, keep the traceback
        log.exception("emulator failed on %s %s", method, url)
        return error_response(TwilioError(20500), clock() if now is None else now)
