"""uvicorn on a socket we bind ourselves, for any of the course's web apps: `BackgroundServer`
(a daemon thread: the status receiver of notebook 05, tests, benchmarks) and `UvicornServer`
(which `python -m helpers.emulator serve` runs in the foreground)."""

import socket
import threading
import time

import uvicorn


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
        config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False,
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
