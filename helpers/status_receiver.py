"""A tiny local web app that receives Twilio status callbacks, for notebook 05 and the tests.

    with StatusReceiver() as receiver:
        client.messages.create(..., status_callback=receiver.url)
        ...
        receiver.received   # one dict per POST: url, params, signature

It runs on a loopback port (a free one unless `port` is given) in a background thread. It
records every request as it came, so the notebook can check signatures itself with
`twilio.request_validator.RequestValidator`.

With a real account Twilio must reach it from the internet: start a tunnel such as
`ngrok http 5000` and use `StatusReceiver(port=5000, public_url="https://<id>.ngrok.app")`.
`url` is then the public address, and each request is recorded with the URL Twilio called
(the one it signed), not the local one.
"""

import threading
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .facts import SIGNATURE_HEADER
from .webserver import BackgroundServer


class StatusReceiver:
    """Records the status callbacks POSTed to `self.url`; answers 204 (see `fail_next`)."""

    def __init__(self, path: str = "/status", port: int = 0, public_url: str | None = None):
        self.path = path
        self.public_url = public_url.rstrip("/") if public_url else None
        self.received: list[dict] = []
        self._failures: list[int] = []
        self._arrived = threading.Condition()
        app = Starlette(routes=[Route(path, self._receive, methods=["POST"])])
        self._server = BackgroundServer(app, port=port)

    @property
    def url(self) -> str:
        """The callback URL to pass as `status_callback=`."""
        return (self.public_url or self._server.url) + self.path

    @property
    def local_url(self) -> str:
        """Where it really listens, on this machine (what a tunnel forwards to)."""
        return self._server.url + self.path

    def latest(self) -> dict:
        """The last request received, or a LookupError saying why none has arrived."""
        if not self.received:
            raise LookupError(
                "No status callback has arrived yet. Let time pass (wait) after sending with "
                f"status_callback={self.url!r}. With a real account Twilio cannot reach "
                "127.0.0.1: start a tunnel and pass public_url= (see help(StatusReceiver)).")
        return self.received[-1]

    def fail_next(self, *status_codes: int) -> None:
        """Answer the next requests with these HTTP status codes (to watch Twilio retry)."""
        with self._arrived:
            self._failures.extend(status_codes)

    def statuses(self, message_sid: str) -> list[str]:
        """The MessageStatus values received for one message, in arrival order (a request
        without one, which Twilio never sends, shows as None)."""
        return [r["params"].get("MessageStatus") for r in self.received
                if r["params"].get("MessageSid") == message_sid]

    async def _receive(self, request: Request) -> Response:
        body = (await request.body()).decode("utf-8", "replace")  # record whatever arrives
        with self._arrived:
            status = self._failures.pop(0) if self._failures else 204
            called = request.url
            if self.public_url:  # the address Twilio called (and signed), not the local one
                public = urlsplit(self.public_url)
                called = called.replace(scheme=public.scheme, netloc=public.netloc)
            self.received.append({
                "url": str(called),
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
