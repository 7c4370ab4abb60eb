"""uvicorn on a socket we bind ourselves, for any of the course's web apps: `BackgroundServer`
(a daemon thread: the status receiver of notebook 05, tests, benchmarks) and `UvicornServer`
(which `python -m helpers.emulator serve` runs in the foreground)."""

import json
import logging
import socket
import threading
import time

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

REQUEST_TIMEOUT = 10.0
"""Seconds a client may take to send a whole request, head and body, from its first byte (or
from connecting); a real one takes milliseconds. A late head: the connection is closed with
one log line; a late body: a 408, then closed, one log line. uvicorn itself waits forever."""

KEEP_ALIVE = 5.0
"""Seconds an idle keep-alive connection is kept (uvicorn's default)."""

MAX_HEAD_BYTES = 16 * 1024
"""Bytes of request line and headers (a longer head gets a 400)."""

log = logging.getLogger(__name__)


def _late_body_answer(seconds: float) -> bytes:
    body = json.dumps({"code": None, "message": f"Request body not received within {seconds:g} s.",
                       "more_info": None, "status": 408}).encode()
    return (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json; charset=utf-8\r\n"
            b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))


class BoundedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (a C parser), plus bounds on each request: a head of at
    most ``MAX_HEAD_BYTES`` (else a 400), and the whole request within ``REQUEST_TIMEOUT``
    (a half-sent one, slowloris, is closed with one log line, never held forever). One timer
    per request, here, rather than another in the app (it cost a create 11 µs)."""

    request_timeout = REQUEST_TIMEOUT

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._deadline = None
        self._reading = "head"  # "head", "body", or None between requests
        self._head_bytes = 0
        self._arm()

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.request_timeout, self._timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def data_received(self, data: bytes) -> None:
        head_expected = self._reading != "body"
        super().data_received(data)
        if head_expected and self._reading == "head":  # all of it was request head
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
                self.send_400_response(f"Request head larger than {MAX_HEAD_BYTES} bytes.")

    def on_message_begin(self) -> None:
        self._reading, self._head_bytes, self._parsed_head = "head", 0, 0
        self._arm()
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value) + 4)
        super().on_header(name, value)

    def _count_head(self, size: int) -> None:
        self._parsed_head += size
        if self._parsed_head > MAX_HEAD_BYTES:  # the parser answers 400 and closes
            raise ValueError(f"Request head larger than {MAX_HEAD_BYTES} bytes.")

    def on_headers_complete(self) -> None:
        self._reading = "body"
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._reading = None
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc) -> None:
        if self._reading == "body" and self._deadline is not None:
            log.warning("%s %s: the client went away before sending its body.", self._who(),
                        self.scope.get("path", "")[:80])
        self._disarm()
        super().connection_lost(exc)

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._reading == "body" and self.cycle is not None and not self.cycle.response_started:
            log.warning("%s %s: body not received within %g s; answered 408 and closed.",
                        self._who(), self.scope.get("path", "")[:80], self.request_timeout)
            self.transport.write(_late_body_answer(self.request_timeout))
        else:
            log.warning("%s sent no complete request within %g s: connection closed.",
                        self._who(), self.request_timeout)
        self.transport.close()

    def _who(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "a client"


def server_config(app, **options) -> uvicorn.Config:
    """uvicorn's config for the course's servers: bounded requests (head size, time), keep-alive.

    No `Date` header from uvicorn: the emulator's API answers carry their own, by the
    emulator's clock, as Twilio's do (two would contradict; the bulk sender reads it). No
    `Server` header, and no X-Forwarded-* rewriting (nothing here reads the client's address):
    two layers less on every request."""
    return uvicorn.Config(app, http=BoundedHttpProtocol, timeout_keep_alive=KEEP_ALIVE,
                          date_header=False, server_header=False, proxy_headers=False,
                          **options)


def listen_fast(listener: socket.socket) -> None:
    """Options for a socket handed to uvicorn: reusable port, and TCP_NODELAY, which accepted
    connections inherit (without it each small response waits ~40 ms for a delayed ACK)."""
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class UvicornServer(uvicorn.Server):
    """uvicorn that tells the emulator's service the ports it serves (status callbacks to them
    are refused) and, when stopping, first ends the inbox's event streams, so stopping never
    waits on open pages."""

    @property
    def _service(self):
        return getattr(getattr(self.config.app, "state", None), "service", None)

    async def startup(self, sockets=None) -> None:
        if self._service is not None:
            for sock in sockets or ():
                self._service.serving_at(sock.getsockname()[1])
        await super().startup(sockets=sockets)

    async def shutdown(self, sockets=None) -> None:
        if self._service is not None:
            self._service.end_streams()
        await super().shutdown(sockets=sockets)


class BackgroundServer:
    """Serve an ASGI app with uvicorn in a daemon thread on a loopback port (0 = a free one)."""

    def __init__(self, app, port: int = 0, host: str = "127.0.0.1"):
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listen_fast(self._socket)
        try:
            self._socket.bind((host, port))
        except OSError as error:
            self._socket.close()
            raise OSError(error.errno, f"Cannot listen on {host}:{port} ({error.strerror}): "
                                       "pick another port.") from None
        self.host, self.port = self._socket.getsockname()
        config = server_config(app, log_config=None, log_level="warning", access_log=False,
                               timeout_graceful_shutdown=1)
        self.server = UvicornServer(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._socket]},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> "BackgroundServer":
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"The server on {self.url} did not start.")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
