"""The handlers of Twilio's REST resources: read a ``Request``, call the rules
(``rules/``) with the store, return ``(status, payload)``: a dict, JSON text, or None.

Each takes ``(store, request, *sids in the path)``; ``routing.ROUTES`` says which answers
which method and URL.
"""

from __future__ import annotations

from urllib.parse import urlencode

from helpers.facts import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, is_valid_validity_period

from ..errors import TwilioError
from ..rules import media, messages, numbers, services
from ..rules.messages import NewMessage
from ..state.sids import sid_row
from ..state.store import Store
from . import shapes
from .forms import Form, Request


def _message_path(request: Request, sid: str) -> str:
    return f"{shapes.API}/Accounts/{request.url_account}/Messages/{sid}.json"


def _is_number(text: str) -> bool:
    """ASCII digits only ("²".isdigit() is True, but int("²") fails)."""
    return text.isascii() and text.isdigit() and len(text) < 10


def _flag(value: str | None) -> bool:
    return (value or "").lower() == "true"


def _validity_period(form: Form) -> float | None:
    """``ValidityPeriod`` in seconds (None if not given), else Twilio's 21624."""
    raw = form.get("ValidityPeriod")
    if raw is None:
        return None
    if not _is_number(raw) or not is_valid_validity_period(int(raw)):
        raise TwilioError(21624)
    return float(raw)


def create_message(store: Store, request: Request) -> tuple[int, str]:
    form = request.form
    new = NewMessage(
        to=form.get("To"),
        from_=form.get("From"),
        body=form.get("Body") or "",
        media_urls=tuple(form.getall("MediaUrl")),
        messaging_service_sid=form.get("MessagingServiceSid"),
        status_callback=form.get("StatusCallback"),
        smart_encoded=_flag(form.get("SmartEncoded")),
        validity_period=_validity_period(form),
        schedule_type=form.get("ScheduleType"),
        send_at=form.get("SendAt"),
    )
    message = messages.create(store, request.account, new, request.now, request.queue_window)
    return 201, message.to_json()


def _page_size(form: Form) -> int:
    raw = form.get("PageSize")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not _is_number(raw) or int(raw) < 1:
        raise TwilioError(20001, detail=f"PageSize must be a positive integer, got {raw!r}")
    return min(int(raw), MAX_PAGE_SIZE)


def _page_number(form: Form) -> int:
    return int(form.get("Page")) if _is_number(form.get("Page") or "") else 0


def _filters(form: Form, names: tuple[str, ...]) -> dict[str, str]:
    return {key: form.get(key) for key in names if form.get(key) is not None}


def _payload(path: str, key: str, items: list, query: dict, size: int, page: int,
             next_token: str | None, more: bool, token: str | None = None) -> dict:
    """One page of a 2010-04-01 list, with the URIs of its neighbours (filters kept)."""

    def uri(page_number: int, page_token: str | None = None) -> str:
        params = [*query.items(), ("PageSize", size), ("Page", page_number)]
        if page_token:
            params.append(("PageToken", page_token))
        return f"{path}?{urlencode(params)}"

    return {
        "end": page * size + len(items) - 1 if items else page * size,
        "first_page_uri": uri(0),
        key: items,
        "next_page_uri": uri(page + 1, next_token) if more else None,
        "page": page,
        "page_size": size,
        "previous_page_uri": uri(page - 1) if page > 0 else None,
        "start": page * size,
        "uri": uri(page, token),
    }


def _page(request: Request, key: str, items: list, query: dict | None = None) -> dict:
    """The page of ``items`` (a whole list in memory) that ``PageSize`` and ``Page`` ask for."""
    size, page = _page_size(request.form), _page_number(request.form)
    rows = items[page * size:(page + 1) * size]
    return _payload(request.path, key, rows, query or {}, size, page, None,
                    len(items) > (page + 1) * size)


def list_messages(store: Store, request: Request) -> tuple[int, dict]:
    form = request.form
    size, page = _page_size(form), _page_number(form)
    token = form.get("PageToken")
    before_seq = None
    if token:
        before_seq = sid_row(token[2:]) if token.startswith("PA") else None
        if before_seq is None:
            raise TwilioError(20001, detail=f"PageToken {token!r} is not valid")
    filters = _filters(form, ("To", "From", "DateSent", "DateSent<", "DateSent>"))
    rows = messages.find(store, request.account, filters, size, before_seq,
                         0 if token else page * size)
    more = len(rows) > size
    rows = rows[:size]
    return 200, _payload(f"{shapes.API}/Accounts/{request.url_account}/Messages.json",
                         "messages", [message.to_dict() for message in rows], filters, size,
                         page, "PA" + rows[-1].sid if more else None, more, token)


def fetch_message(store: Store, request: Request, sid: str):
    return 200, messages.get(store, request.account, sid, _message_path(request, sid)).to_json()


def update_message(store: Store, request: Request, sid: str):
    form = request.form
    message = messages.update(
        store, request.account, sid, _message_path(request, sid),
        form.get("Body"), form.get("Status"), request.now,
    )
    return 200, message.to_json()


def delete_message(store: Store, request: Request, sid: str):
    messages.delete(store, request.account, sid, _message_path(request, sid))
    return 204, None


def list_media(store: Store, request: Request, sid: str):
    message = messages.get(store, request.account, sid, request.path)
    filters = _filters(request.form, ("DateCreated", "DateCreated<", "DateCreated>"))
    since, before = messages.date_range(filters, "DateCreated")
    rows = media.list_of(store, message, since, before)
    return 200, _page(request, "media_list", [m.to_dict() for m in rows], filters)


def fetch_media(store: Store, request: Request, sid: str, media_sid: str):
    message = messages.get(store, request.account, sid, request.path)
    return 200, media.get(store, message, media_sid, request.path).to_dict()


def delete_media(store: Store, request: Request, sid: str, media_sid: str):
    message = messages.get(store, request.account, sid, request.path)
    media.delete(store, message, media_sid, request.path)
    return 204, None


def fetch_account(store: Store, request: Request):
    return 200, shapes.account(request.account)


def list_incoming_numbers(store: Store, request: Request):
    filters = _filters(request.form, ("FriendlyName", "PhoneNumber"))
    found = numbers.incoming(request.account, filters.get("FriendlyName"),
                             filters.get("PhoneNumber"))
    items = [shapes.incoming_phone_number(request.account, number) for number in found]
    return 200, _page(request, "incoming_phone_numbers", items, filters)


def fetch_incoming_number(store: Store, request: Request, number_sid: str):
    number = numbers.incoming_number(request.account, number_sid, request.path)
    return 200, shapes.incoming_phone_number(request.account, number)


def list_short_codes(store: Store, request: Request):
    items = [shapes.short_code(request.account, n)
             for n in request.account.numbers if n.kind == "short_code"]
    return 200, _page(request, "short_codes", items)


def list_caller_ids(store: Store, request: Request):
    items = [shapes.outgoing_caller_id(request.account, number)
             for number in request.account.verified]
    return 200, _page(request, "outgoing_caller_ids", items)


def _v1_page(url: str, key: str, items: list) -> dict:
    first = f"{url}?PageSize={DEFAULT_PAGE_SIZE}&Page=0"
    return {
        key: items,
        "meta": {"first_page_url": first, "key": key, "next_page_url": None, "page": 0,
                 "page_size": DEFAULT_PAGE_SIZE, "previous_page_url": None, "url": first},
    }


def list_services(store: Store, request: Request):
    items = [shapes.service(request.account)] if request.account.messaging_service else []
    return 200, _v1_page(shapes.SERVICES_URL, "services", items)


def fetch_service(store: Store, request: Request, service_sid: str):
    services.own_service(request.account, service_sid, request.path)
    return 200, shapes.service(request.account)


def list_service_numbers(store: Store, request: Request, service_sid: str):
    svc = services.own_service(request.account, service_sid, request.path)
    items = [shapes.service_phone_number(request.account, number)
             for number in services.pool(svc)]
    return 200, _v1_page(f"{shapes.SERVICES_URL}/{svc.sid}/PhoneNumbers", "phone_numbers", items)
