"""Twilio's API paths: each request goes to `emulator.handle`, as api.twilio.com would answer.

`/2010-04-01/...` is api.twilio.com; another Twilio host (messaging.twilio.com...) is served
under `/_host/<product>/...` (see `transports/remote.py`, which rewrites the URLs).
"""

import asyncio
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...runtime.chaos import ChaosTimeout
from ..remote import OTHER_HOSTS_PREFIX, twilio_url
from .service import service_of


async def twilio_api(request: Request) -> Response:
    service = service_of(request)
    emulator = service.emulator
    body = (await request.body()).decode("utf-8", "replace")
    if emulator.chaos.latency:
        await asyncio.sleep(emulator.chaos.latency)
    arguments = (request.method, twilio_url(request.url.path),
                 list(request.query_params.multi_items()),
                 parse_qsl(body, keep_blank_values=True), dict(request.headers), None)
    try:
        if request.method == "GET":  # a page may hold 1000 messages: rendered off the loop
            status, text, headers = await service.call(emulator.handle, *arguments)
        else:  # one small transaction: on the loop, saving a thread hop per create
            status, text, headers = emulator.handle(*arguments)
    except ChaosTimeout as timed_out:
        await asyncio.sleep(request.app.state.timeout_hold)
        return JSONResponse({"error": f"emulated timeout: {timed_out}"}, status_code=504)
    if request.method == "DELETE":
        service.resync()
    elif request.method == "POST":
        service.poke()
    kept = {k: v for k, v in headers.items() if k.lower() != "content-length"}
    return Response(text if status != 204 else b"", status_code=status, headers=kept)


TWILIO_METHODS = ["GET", "POST", "DELETE"]
routes = [
    Route("/2010-04-01/{path:path}", twilio_api, methods=TWILIO_METHODS),
    Route(OTHER_HOSTS_PREFIX + "{path:path}", twilio_api, methods=TWILIO_METHODS),
]
