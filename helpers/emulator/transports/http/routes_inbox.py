"""The phone inbox over HTTP: its page and static files, message media (offline) and the
server-sent events that keep an open page live."""

import asyncio
import json

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from helpers.facts import is_demo_media

from ...inbox import STATIC, TEMPLATES
from .admin_input import AdminInputError
from .service import EmulatorService, service_of

DEMO_IMAGE = STATIC / "owl.png"
OFFLINE_IMAGE = STATIC / "media-offline.svg"  # for media URLs with no bundled copy
HEARTBEAT_SECONDS = 15.0


async def home(request: Request) -> Response:
    return RedirectResponse("inbox")


async def inbox(request: Request) -> Response:
    return FileResponse(TEMPLATES / "inbox.html", media_type="text/html")


async def media(request: Request) -> Response:
    """A message's picture, offline: the bundled owl for Twilio's demo media, else a
    placeholder saying so (never a redirect: the inbox loads nothing from the internet)."""
    url = request.query_params.get("url", "")
    if is_demo_media(url):
        return FileResponse(DEMO_IMAGE, media_type="image/png")
    if not url.startswith(("http://", "https://")):
        raise AdminInputError("Send ?url=<the media URL of the message> (http or https).")
    return FileResponse(OFFLINE_IMAGE, media_type="image/svg+xml",
                        headers={"X-Emulator-Media": "offline-placeholder"})


async def events(request: Request) -> Response:
    service = service_of(request)
    account = request.query_params.get("account_sid") or None
    queue = await service.subscribe()
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
