"""Twilio's API paths: each request goes to `emulator.handle`, as api.twilio.com would answer.

`/2010-04-01/...` is api.twilio.com; another Twilio host (messaging.twilio.com...) is served
under `/_host/<product>/...` (see `transports/remote.py`, which rewrites the URLs).

`TwilioApi` is plain ASGI in front of the router, after the limits and the gate: the busiest
path of a room (every create of a bulk send) skips the routing and request objects the inbox's
pages need (benchmarks/bench_server.py measures it).
"""

import asyncio
import json
from urllib.parse import parse_qsl

from ...runtime.chaos import ChaosTimeout
from ..remote import API_VERSION_PREFIX, OTHER_HOSTS_PREFIX, twilio_url
from .asgi import send_response

METHODS = frozenset({"GET", "POST", "DELETE"})


class TwilioApi:
    """ASGI middleware: answer Twilio's paths with `emulator.handle`; pass the rest on."""

    def __init__(self, app, service, timeout_hold: float):
        self.app = app
        self.service = service
        self.timeout_hold = timeout_hold

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith((API_VERSION_PREFIX,
                                                            OTHER_HOSTS_PREFIX)):
            await self.app(scope, receive, send)
            return
        if scope["method"] not in METHODS:
            await send_response(send, 405, b"Method Not Allowed",
                                [(b"content-type", b"text/plain")])
            return
        status, body, headers = await self.handle(scope, await _body(receive), path)
        await send_response(send, status, body, [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers.items() if name.lower() != "content-length"])

    async def handle(self, scope, body: bytes, path: str) -> tuple[int, bytes, dict]:
        service, method = self.service, scope["method"]
        emulator = service.emulator
        if emulator.chaos.latency:
            await asyncio.sleep(emulator.chaos.latency)
        arguments = (method, twilio_url(path),
                     parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True),
                     parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True),
                     {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]},
                     None)
        try:
            if method == "GET":  # a page may hold 1000 messages: rendered off the loop
                status, text, headers = await service.call(emulator.handle, *arguments)
            else:  # one small transaction: on the loop, saving a thread hop per create
                status, text, headers = emulator.handle(*arguments)
        except ChaosTimeout as timed_out:
            await asyncio.sleep(self.timeout_hold)
            error = json.dumps({"error": f"emulated timeout: {timed_out}"}).encode()
            return 504, error, {"Content-Type": "application/json"}
        if method == "DELETE":
            service.resync()
        elif method == "POST":
            service.poke()
        text = text.encode() if isinstance(text, str) else text
        return status, text if status != 204 else b"", headers


async def _body(receive) -> bytes:
    """The whole body (RequestLimits has read and bounded it: one message)."""
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)
