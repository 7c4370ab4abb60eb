"""uvicorn on a socket we bind ourselves, for any of the course's web apps: `BackgroundServer`
(a daemon thread: the status receiver of notebook 05, tests, benchmarks) and `UvicornServer`
(which `python -m helpers.emulator serve` runs in the foreground)."""

import logging
import socket
import threading
import time

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD_TIMEOUT = 10.0
"""Seconds a connection may take to send a complete request head (a real client takes
milliseconds); then it is closed with one log line. uvicorn itself waits forever."""

KEEP_ALIVE = 5.0
"""Seconds an idle keep-alive connection is kept (uvicorn's default)."""

MAX_HEAD_BYTES = 16 * 1024
"""Bytes of request line and headers (a longer head gets a 400)."""

log = logging.getLogger(__name__)


class BoundedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (a C parser), plus bounds on each request head: at most
    ``MAX_HEAD_BYTES`` (else a 400), within ``HEAD_TIMEOUT`` (a half-sent request, slowloris,
    is closed with one log line, never held forever)."""

    head_timeout = HEAD_TIMEOUT

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._head_deadline = None
        self._await_head()

    def _await_head(self) -> None:
        self._head_bytes = 0
        self._head_deadline = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _head_arrived(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def data_received(self, data: bytes) -> None:
        awaiting = self._head_deadline is not None
        super().data_received(data)
        if awaiting and self._head_deadline is not None:  # all of it was request head
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
                self.send_400_response(f"Request head larger than {MAX_HEAD_BYTES} bytes.")

    def on_message_begin(self) -> None:
        self._parsed_head = 0
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
        self._head_arrived()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        waiting = self.cycle is None or self.cycle.response_complete  # no pipelined request
        if waiting and not self.transport.is_closing() and self._head_deadline is None:
            self._await_head()  # the next request on this connection gets its own deadline

    def connection_lost(self, exc) -> None:
        self._head_arrived()
        super().connection_lost(exc)

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            log.warning("%s sent no complete request within %g s: connection closed.",
                        client, self.head_timeout)
            self.transport.close()


def server_config(app, **options) -> uvicorn.Config:
    """uvicorn's config for the course's servers: bounded heads (size and time), keep-alive.

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
    """uvicorn that first ends the inbox's event streams, so stopping never waits on open pages."""

    async def shutdown(self, sockets=None) -> None:
        service = getattr(getattr(self.config.app, "state", None), "service", None)
        if service is not None:
            service.end_streams()
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
