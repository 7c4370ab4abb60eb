"""A tiny local web app that receives Twilio status callbacks, for notebook 05 and the tests.

    with StatusReceiver() as receiver:
        client.messages.create(..., status_callback=receiver.url)
        ...
        receiver.received   # one dict per POST: url, params, signature

It runs on a free loopback port in a background thread. It records every request as it came,
so the notebook can check signatures itself with `twilio.request_validator.RequestValidator`.
"""

import threading
from collections.abc import Iterable
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .emulator.callbacks import SIGNATURE_HEADER
from .emulator.server import BackgroundServer


class StatusReceiver:
    """Records the status callbacks POSTed to `self.url`; answers 204 (or `fail_with` codes)."""

    def __init__(self, path: str = "/status", fail_with: Iterable[int] = ()):
        self.path = path
        self.received: list[dict] = []
        self._failures = list(fail_with)
        self._arrived = threading.Condition()
        app = Starlette(routes=[Route(path, self._receive, methods=["POST"])])
        self._server = BackgroundServer(app)

    @property
    def url(self) -> str:
        """The callback URL to pass as `status_callback=`."""
        return self._server.url + self.path

    def fail_next(self, *status_codes: int) -> None:
        """Answer the next requests with these HTTP status codes (to watch Twilio retry)."""
        with self._arrived:
            self._failures.extend(status_codes)

    def statuses(self, message_sid: str) -> list[str]:
        """The MessageStatus values received for one message, in arrival order."""
        return [r["params"]["MessageStatus"] for r in self.received
                if r["params"].get("MessageSid") == message_sid]

    async def _receive(self, request: Request) -> Response:
        body = (await request.body()).decode()
        with self._arrived:
            status = self._failures.pop(0) if self._failures else 204
            self.received.append({
                "url": str(request.url),
                "params": dict(parse_qsl(body, keep_blank_values=True)),
                "signature": request.headers.get(SIGNATURE_HEADER, ""),
                "answered": status,
            })
            self._arrived.notify_all()
        return Response(status_code=status)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[dict]:
        """Block until `count` callbacks have arrived in all (for a server on a real clock)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.received) >= count, timeout):
                raise TimeoutError(f"{len(self.received)} of {count} callbacks arrived in "
                                   f"{timeout:g} s; is the emulator server running?")
            return list(self.received)

    def start(self) -> "StatusReceiver":
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> "StatusReceiver":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<StatusReceiver {self.url} received={len(self.received)}>"
