"""`RequestLimits`: the ASGI middleware that bounds a request before any route sees it.

- the body: at most `MAX_BODY_BYTES` (a declared or a streamed larger one gets a 413 with a
  Twilio-shaped JSON error), received within `BODY_TIMEOUT` seconds (else a 408);
- a client that goes away mid-body costs one log line, never a traceback.

The route then reads the body from memory. (The request head is bounded before: 16 KB and
10 s, by `helpers.webserver.BoundedHttpProtocol`.)
"""

import asyncio
import json
import logging

from .asgi import send_response

MAX_BODY_BYTES = 1024 * 1024
"""A create with a 1600-character body and 10 media URLs of 4096 characters is ~45 KB;
1 MB leaves room for anything a Twilio client sends and bounds what one request costs."""

BODY_TIMEOUT = 10.0
"""Seconds to receive a body once the head has arrived (a real one takes milliseconds)."""

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


class RequestLimits:
    """Bound every HTTP request's body (size and time) before the app does any work."""

    def __init__(self, app, max_body: int | None = None, body_timeout: float | None = None):
        self.app = app
        self._max_body = max_body
        self._body_timeout = body_timeout

    @property
    def max_body(self) -> int:
        return self._max_body or MAX_BODY_BYTES

    @property
    def body_timeout(self) -> float:
        return self._body_timeout or BODY_TIMEOUT

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = f"Request body too large: at most {self.max_body} bytes."
        for key, value in scope["headers"]:
            if key == b"content-length":
                if not value.isdigit() or int(value) > self.max_body:
                    await _answer(send, 413, too_large)
                    return
        try:
            async with asyncio.timeout(self.body_timeout):  # no task per request
                body = await self._read(receive)
        except _TooLarge:
            await _answer(send, 413, too_large)
            return
        except TimeoutError:
            log.warning("%s %s: body not received within %g s; answered 408 and closed.",
                        _client(scope), scope["path"][:80], self.body_timeout)
            await _answer(send, 408, f"Request body not received within {self.body_timeout:g} s.")
            return
        except _Gone:
            log.warning("%s %s: the client went away before sending its body.",
                        _client(scope), scope["path"][:80])
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
            if size > self.max_body:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _client(scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "a client"
