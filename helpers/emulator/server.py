"""The emulator over HTTP: Twilio's paths, a JSON admin API, the phone inbox and live events.

Twilio's rules stay in the core: every request at Twilio's paths goes to `emulator.handle`.
Start it with `python -m helpers.emulator serve` (see docs/server.md).
"""

import asyncio
import json
import logging
import math
import os
import socket
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qsl

import uvicorn
from anyio import to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .callbacks import dispatcher_for
from .chaos import ChaosTimeout
from .inbox import accounts as seeded_accounts
from .inbox import conversations, is_demo_media
from .remote import OTHER_HOSTS_PREFIX, twilio_url

HERE = Path(__file__).parent
STATIC = HERE / "static"
DEMO_IMAGE = STATIC / "owl.png"
OFFLINE_IMAGE = STATIC / "media-offline.svg"  # for media URLs with no bundled copy
HEARTBEAT_SECONDS = 15.0
INBOX_LIMIT = 500  # the inbox follows the newest messages of the whole room
log = logging.getLogger(__name__)


class AdminInputError(ValueError):
    """Bad input to the admin API: the message says what to send instead."""


class EmulatorService:
    """The running emulator behind the app: live-event fan-out and callback delivery."""

    def __init__(self, emulator, poll_interval: float = 0.5, deliver_callbacks: bool = True):
        self.emulator = emulator
        self.poll_interval = poll_interval
        self.deliver_callbacks = deliver_callbacks
        self.dispatcher = dispatcher_for(emulator)
        self._subscribers: set[asyncio.Queue] = set()
        self._snapshot: dict[str, dict] = {}
        self._attempt_seq = 0
        self._version: tuple[int, int] | None = None
        self._resync = False
        self._wake = asyncio.Event()

    @staticmethod
    async def call(function, *args):
        """Run a (blocking, sqlite) emulator call in a worker thread."""
        return await to_thread.run_sync(function, *args)

    def poke(self) -> None:
        """Something changed: look now rather than at the next tick."""
        self._wake.set()

    async def run(self) -> None:
        """Background task: deliver due callbacks and publish changes to the inbox streams."""
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                if self.deliver_callbacks:
                    await self.call(self.dispatcher.deliver_due)
                if self._subscribers:
                    await self.publish_changes()
            except Exception:  # keep serving; the next tick tries again
                log.exception("emulator server background task failed")

    def resync(self) -> None:
        """Messages were deleted: send every inbox a fresh snapshot rather than changes."""
        self._resync = True
        self.poke()

    async def publish_changes(self) -> None:
        await self.call(self.emulator.apply_due)
        version = await self.call(self.emulator.state_version)
        events: list[tuple[str, object]] = []
        resync = self._resync
        if version != self._version or resync:
            self._version = version
            current = await self._current()
            if resync:
                events.append(("snapshot", list(current.values())))
            else:
                events += [("message", m) for sid, m in current.items()
                           if self._snapshot.get(sid) != m]
            self._snapshot, self._resync = current, False
        if resync:  # cleared messages take their logged attempts with them: send the list
            logged = await self.call(self.dispatcher.attempts_for)
            events.append(("attempts", logged))
            new = [a for a in logged if a["seq"] > self._attempt_seq]
        else:
            new = await self.call(self.dispatcher.attempts_for, None, self._attempt_seq)
            events += [("attempt", a) for a in new]
        if new:
            self._attempt_seq = new[-1]["seq"]
        for queue in self._subscribers:
            for event in events:
                queue.put_nowait(event)

    async def _current(self) -> dict[str, dict]:
        messages = await self.call(conversations, self.emulator, None, INBOX_LIMIT)
        return {m["sid"]: m for m in messages}

    async def subscribe(self) -> asyncio.Queue:
        """A new inbox stream: it starts with a snapshot of messages and attempts."""
        if not self._subscribers:
            self._version = await self.call(self.emulator.state_version)
            self._snapshot = await self._current()
            logged = await self.call(self.dispatcher.attempts_for)
            self._attempt_seq = logged[-1]["seq"] if logged else 0
        else:  # up to what the other streams have been sent
            logged = await self.call(self.dispatcher.attempts_for, None, 0, self._attempt_seq)
        queue: asyncio.Queue = asyncio.Queue()
        self._subscribers.add(queue)
        queue.put_nowait(("snapshot", list(self._snapshot.values())))
        queue.put_nowait(("attempts", logged))
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._subscribers.discard(queue)

    def end_streams(self) -> None:
        """Finish every open event stream (the server is stopping)."""
        for queue in self._subscribers:
            queue.put_nowait(None)


def create_app(emulator, poll_interval: float = 0.5, deliver_callbacks: bool = True,
               timeout_hold: float = 10.0) -> Starlette:
    """The Starlette app serving `emulator` at Twilio's paths, /_emulator/ and /inbox.

    `timeout_hold`: how long a request that chaos times out is held before a 504, so a client
    with a shorter `timeout` sees a real read timeout.
    """
    service = EmulatorService(emulator, poll_interval, deliver_callbacks)

    async def twilio_api(request: Request) -> Response:
        body = (await request.body()).decode("utf-8", "replace")
        if emulator.chaos.latency:
            await asyncio.sleep(emulator.chaos.latency)
        try:
            status, text, headers = await service.call(
                emulator.handle, request.method, twilio_url(request.url.path),
                list(request.query_params.multi_items()),
                parse_qsl(body, keep_blank_values=True), dict(request.headers), None)
        except ChaosTimeout as timed_out:
            await asyncio.sleep(timeout_hold)
            return JSONResponse({"error": f"emulated timeout: {timed_out}"}, status_code=504)
        if request.method == "DELETE":
            service.resync()
        else:
            service.poke()
        kept = {k: v for k, v in headers.items() if k.lower() != "content-length"}
        return Response(text if status != 204 else b"", status_code=status, headers=kept)

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "service": "twilio-emulator",
                             "state": emulator.store.path, "pid": os.getpid()})

    async def messages(request: Request) -> Response:
        account = request.query_params.get("account_sid") or None
        if request.method == "DELETE":
            await service.call(emulator.clear_messages, account)
            service.resync()
            return JSONResponse({"cleared": account or "all"})
        listed = await service.call(conversations, emulator, account)
        return JSONResponse({"messages": listed})

    async def accounts(request: Request) -> Response:
        return JSONResponse({"accounts": seeded_accounts()})

    async def chaos(request: Request) -> Response:
        settings = await json_body(request)
        try:
            emulator.set_chaos(**settings)
        except (TypeError, ValueError) as exc:
            raise AdminInputError(
                f"{exc}. Send JSON with any of: latency (seconds), p429, p500, ptimeout "
                "(probabilities 0-1), seed.") from None
        return JSONResponse({"chaos": settings})

    async def inbound(request: Request) -> Response:
        payload = await json_body(request)
        example = '{"from": "+15558675310", "to": "+15017122661", "body": "Hi!"}'
        missing = [k for k in ("from", "to", "body") if k not in payload]
        if missing:
            raise AdminInputError(f"Missing {', '.join(missing)}: send JSON like {example}.")
        media = payload.get("media_urls", [])
        texts = [payload["from"], payload["to"], payload["body"], *(
            media if isinstance(media, list) else [None])]
        if not all(isinstance(text, str) for text in texts):
            raise AdminInputError('"from", "to" and "body" are strings, "media_urls" a list of '
                                  f"URL strings: send JSON like {example}.")
        try:
            message = await service.call(emulator.inbound, payload["from"], payload["to"],
                                         payload["body"], tuple(media))
        except ValueError as exc:
            raise AdminInputError(str(exc)) from None
        service.poke()
        return JSONResponse(message, status_code=201)

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            seconds = (await json_body(request)).get("advance")
            if (isinstance(seconds, bool) or not isinstance(seconds, int | float)
                    or not 0 <= seconds < math.inf):  # JSON may carry NaN and Infinity
                raise AdminInputError('Send JSON like {"advance": 5}: seconds, a number >= 0.')
            await service.call(emulator.clock.advance, seconds)
            service.poke()
        now = await service.call(emulator.clock.now)
        return JSONResponse({"now": now.isoformat()})

    async def callbacks(request: Request) -> Response:
        account = request.query_params.get("account_sid") or None
        return JSONResponse({"attempts": await service.call(service.dispatcher.attempts_for,
                                                            account)})

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
        account = request.query_params.get("account_sid") or None
        queue = await service.subscribe()
        return StreamingResponse(event_stream(queue, account, service),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    async def inbox(request: Request) -> Response:
        return FileResponse(HERE / "templates" / "inbox.html", media_type="text/html")

    async def home(request: Request) -> Response:
        return RedirectResponse("inbox")

    async def admin_error(request: Request, exc: AdminInputError) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(service.run())
        try:
            yield
        finally:
            task.cancel()

    twilio_methods = ["GET", "POST", "DELETE"]
    routes = [
        Route("/", home),
        Route("/inbox", inbox),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Route("/_emulator/health", health),
        Route("/_emulator/messages", messages, methods=["GET", "DELETE"]),
        Route("/_emulator/accounts", accounts),
        Route("/_emulator/chaos", chaos, methods=["POST"]),
        Route("/_emulator/inbound", inbound, methods=["POST"]),
        Route("/_emulator/clock", clock, methods=["GET", "POST"]),
        Route("/_emulator/callbacks", callbacks),
        Route("/_emulator/media", media),
        Route("/_emulator/events", events),
        Route("/2010-04-01/{path:path}", twilio_api, methods=twilio_methods),
        Route(OTHER_HOSTS_PREFIX + "{path:path}", twilio_api, methods=twilio_methods),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={AdminInputError: admin_error})
    app.state.service = service
    return app


async def json_body(request: Request) -> dict:
    """The request's JSON object, or an AdminInputError saying what to send."""
    try:
        payload = json.loads(await request.body() or b"{}")
    except ValueError:
        raise AdminInputError("The body is not JSON: send a JSON object.") from None
    if not isinstance(payload, dict):
        raise AdminInputError("Send a JSON object (curly braces), not a list or a value.")
    return payload


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
