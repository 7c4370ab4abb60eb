"""The phone inbox over HTTP: its page and static files, message media (offline) and the
server-sent events that keep an open page live.

The page itself holds no data: it asks `/_emulator/session` what its viewer may see. Opened as
`inbox?token=<lab token or instructor key>`, it first trades the token for a session cookie
and drops it from the address bar (as Jupyter does)."""

import asyncio
import json

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from helpers.facts import is_demo_media

from ...inbox import STATIC, TEMPLATES
from ...inbox.view import media_of
from .admin_input import AdminInputError
from .auth import ADMIN, LAB, AccessDenied, require
from .service import EmulatorService, service_of

DEMO_IMAGE = STATIC / "owl.png"
OFFLINE_IMAGE = STATIC / "media-offline.svg"  # for media URLs with no bundled copy
HEARTBEAT_SECONDS = 15.0
SESSION_DAYS = 7


async def home(request: Request) -> Response:
    return RedirectResponse("inbox")


async def inbox(request: Request) -> Response:
    token = request.query_params.get("token")
    if token is None:
        return FileResponse(TEMPLATES / "inbox.html", media_type="text/html",
                            headers={"Referrer-Policy": "no-referrer"})
    keys = request.app.state.keys
    scope = ADMIN if keys.is_admin_key(token) else (
        LAB if keys.is_lab_token(token) and not request.app.state.room else None)
    account = request.query_params.get("account")
    answer = RedirectResponse("inbox" + (f"?account={account}" if account else ""), 303)
    if scope:
        sign_in(answer, request, scope)
    return answer


def sign_in(response: Response, request: Request, scope: str) -> None:
    """Give the browser a session cookie over `scope` (only this server's pages send it)."""
    keys = request.app.state.keys
    response.set_cookie(keys.cookie, keys.session(scope), max_age=SESSION_DAYS * 86400,
                        path=request.url.path.rsplit("/", 1)[0] + "/", httponly=True,
                        samesite="strict")


async def media(request: Request) -> Response:
    """A picture of a message the viewer may see, offline: the bundled owl for Twilio's demo
    media, else a placeholder saying so (never a redirect: the inbox loads nothing from the
    internet)."""
    url = request.query_params.get("url", "")
    emulator = service_of(request).emulator
    found = await EmulatorService.call(media_of, emulator, request.query_params.get("sid", ""))
    require(request, found[0] if found else "")
    if found is None or url not in found[1]:
        raise AccessDenied(404, "Send ?sid=<a message you may see>&url=<one of its media URLs>.")
    if is_demo_media(url):
        return FileResponse(DEMO_IMAGE, media_type="image/png")
    if not url.startswith(("http://", "https://")):
        raise AdminInputError("Send ?url=<the media URL of the message> (http or https).")
    return FileResponse(OFFLINE_IMAGE, media_type="image/svg+xml",
                        headers={"X-Emulator-Media": "offline-placeholder"})


async def events(request: Request) -> Response:
    service = service_of(request)
    account = request.query_params.get("account_sid") or None
    require(request, account)
    queue = await service.subscribe(account)
    return StreamingResponse(event_stream(queue, account, service),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def event_stream(queue: asyncio.Queue, account: str | None, service: EmulatorService):
    """Server-sent events for one inbox: snapshot, message, attempts/attempt, and heartbeats."""
    try:
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": heartbeat\n\n"
                continue
            if event is None:
                return
            kind, payload = event
            if account:
                payload = _for_account(payload, account)
                if payload is None:
                    continue
            yield f"event: {kind}\ndata: {json.dumps(payload)}\n\n"
    finally:
        service.unsubscribe(queue)


def _for_account(payload, account: str):
    if isinstance(payload, list):
        return [item for item in payload if item.get("account_sid") == account]
    return payload if payload.get("account_sid") == account else None


routes = [
    Route("/", home),
    Route("/inbox", inbox),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
    Route("/_emulator/media", media),
    Route("/_emulator/events", events),
]
