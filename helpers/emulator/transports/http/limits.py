"""`RequestLimits`: the ASGI middleware that bounds a request before any route sees it.

- the body: at most `MAX_BODY_BYTES` (a declared or a streamed larger one gets a 413 with a
  Twilio-shaped JSON error);
- a client that goes away mid-body ends the request quietly, never with a traceback.

The route then reads the body from memory. The time a request may take, head and body, is
bounded before, with the head's size, by `helpers.webserver.BoundedHttpProtocol` (10 s, then
a 408 for a late body; it logs the late and the vanished clients).
"""

import asyncio
import json
import logging

from .asgi import send_response

MAX_BODY_BYTES = 1024 * 1024
"""A create with a 1600-character body and 10 media URLs of 4096 characters is ~45 KB;
1 MB leaves room for anything a Twilio client sends and bounds what one request costs."""

log = logging.getLogger(__name__)


class _TooLarge(Exception):
    pass


class _Gone(Exception):
    pass


def _error(status: int, message: str) -> bytes:
    return json.dumps({"code": None, "message": message, "more_info": None,
                       "status": status}).encode()


async def _answer(send, status: int, message: str) -> None:
    await send_response(send, status, _error(status, message),
                        [(b"content-type", b"application/json; charset=utf-8"),
                         (b"connection", b"close")])


async def _too_large(send) -> None:
    await _answer(send, 413, f"Request body too large: at most {MAX_BODY_BYTES} bytes.")


class RequestLimits:
    """Bound every HTTP request's body before the app does any work."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope["headers"]:
            if key == b"content-length":
                if not value.isdigit() or int(value) > MAX_BODY_BYTES:
                    await _too_large(send)
                    return
        try:
            body = await self._read(receive)
        except _TooLarge:
            await _too_large(send)
            return
        except _Gone:  # gone, or timed out: the protocol has logged it and answered if it could
            return
        except asyncio.CancelledError:  # the server stops: one line, not a traceback
            log.warning("%s %s: dropped, the server is stopping.", _client(scope),
                        scope["path"][:80])
            return
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Gone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _client(scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "a client"
