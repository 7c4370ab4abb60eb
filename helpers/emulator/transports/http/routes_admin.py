"""The JSON admin API at /_emulator/: health, the caller's session, messages, chaos, inbound,
clock and the log of status-callback attempts (docs/server.md lists them, and who may call
each: an account's own messages and attempts take its credentials or an inbox session over it;
the room-wide ones take the instructor key, see `auth.py`)."""

import os

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from helpers.facts import MAX_BODY, MAX_MEDIA

from ...api.forms import MAX_NUMBER_TEXT, MAX_URL
from ...inbox.view import accounts, conversations
from ...runtime.chaos import MAX_LATENCY
from ...state.clock import MAX_ADVANCE
from .admin_input import AdminInputError, json_body
from .auth import NOBODY, bearer, require, viewer_of
from .service import service_of


async def health(request: Request) -> Response:
    """Public: is an emulator answering here? The instructor also learns its state file."""
    emulator = service_of(request).emulator
    answer = {"ok": True, "service": "twilio-emulator", "pid": os.getpid()}
    if request.app.state.keys.is_admin_key(bearer(request)):
        answer["state"] = emulator.store.path
    return JSONResponse(answer)


async def session(request: Request) -> Response:
    """What the caller may see: the inbox asks first (its accounts, its CSRF token)."""
    viewer = viewer_of(request)
    if viewer is NOBODY:
        require(request)  # the 401 saying how to sign in
    listed = [account for account in accounts(service_of(request).emulator)
              if viewer.may_see(account["sid"])]
    csrf = request.app.state.keys.csrf(viewer.scope) if viewer.scope else None
    return JSONResponse({"instructor": viewer.admin, "accounts": listed, "csrf": csrf})


async def messages(request: Request) -> Response:
    service = service_of(request)
    account = request.query_params.get("account_sid") or None
    require(request, account)
    if request.method == "DELETE":
        await service.call(service.emulator.clear_messages, account)
        service.resync()
        return JSONResponse({"cleared": account or "all"})
    listed = await service.call(conversations, service.emulator, account)
    return JSONResponse({"messages": listed})


async def chaos(request: Request) -> Response:
    require(request)
    settings = await json_body(request)
    try:
        service_of(request).emulator.set_chaos(**settings)
    except (TypeError, ValueError) as exc:
        raise AdminInputError(
            f"{exc}. Send JSON with any of: latency (seconds, 0-{MAX_LATENCY:g}), p429, p500, "
            "ptimeout (probabilities 0-1, summing to at most 1), seed (a whole number "
            "0 to 2**63-1).") from None
    return JSONResponse({"chaos": settings})


async def inbound(request: Request) -> Response:
    require(request)
    service = service_of(request)
    payload = await json_body(request)
    example = '{"from": "+15558675310", "to": "+15017122661", "body": "Hi!"}'
    missing = [k for k in ("from", "to", "body") if k not in payload]
    if missing:
        raise AdminInputError(f"Missing {', '.join(missing)}: send JSON like {example}.")
    media = payload.get("media_urls", [])
    texts = [payload["from"], payload["to"], payload["body"], *(
        media if isinstance(media, list) else [None])]
    if not all(isinstance(text, str) for text in texts):
        raise AdminInputError('"from", "to" and "body" are strings, "media_urls" a list of '
                              f"URL strings: send JSON like {example}.")
    if (max(len(payload["from"]), len(payload["to"])) > MAX_NUMBER_TEXT
            or len(payload["body"]) > MAX_BODY or len(media) > MAX_MEDIA
            or any(len(url) > MAX_URL for url in media)):
        raise AdminInputError(f'"from" and "to" are phone numbers (at most {MAX_NUMBER_TEXT} '
                              f'characters), "body" at most {MAX_BODY} characters, '
                              f'"media_urls" at most {MAX_MEDIA} URLs of at most {MAX_URL}.')
    try:
        message = await service.call(service.emulator.inbound, payload["from"], payload["to"],
                                     payload["body"], tuple(media))
    except ValueError as exc:
        raise AdminInputError(str(exc)) from None
    service.poke()
    return JSONResponse(message, status_code=201)


async def clock(request: Request) -> Response:
    require(request)
    service = service_of(request)
    if request.method == "POST":
        seconds = (await json_body(request)).get("advance")
        if (isinstance(seconds, bool) or not isinstance(seconds, int | float)
                or not 0 <= seconds <= MAX_ADVANCE):  # JSON may carry NaN and Infinity
            raise AdminInputError(f'Send JSON like {{"advance": 5}}: seconds, a number from 0 '
                                  f"to {MAX_ADVANCE:.0f} (10 years).")
        try:
            await service.call(service.emulator.clock.advance, seconds)
        except ValueError as exc:  # the clock would be more than 100 years ahead
            raise AdminInputError(str(exc)) from None
        service.poke(callbacks=True)
    now = await service.call(service.emulator.clock.now)
    return JSONResponse({"now": now.isoformat()})


async def callbacks(request: Request) -> Response:
    service = service_of(request)
    account = request.query_params.get("account_sid")
    if not account:  # one account's attempts only: the log tells which local ports answer
        raise AdminInputError("Send ?account_sid=AC...: the log lists one account's attempts.")
    require(request, account)
    return JSONResponse({"attempts": await service.call(service.emulator.callback_attempts,
                                                        account)})


routes = [
    Route("/_emulator/health", health),
    Route("/_emulator/messages", messages, methods=["GET", "DELETE"]),
    Route("/_emulator/session", session),
    Route("/_emulator/chaos", chaos, methods=["POST"]),
    Route("/_emulator/inbound", inbound, methods=["POST"]),
    Route("/_emulator/clock", clock, methods=["GET", "POST"]),
    Route("/_emulator/callbacks", callbacks),
]
