"""`EmulatorService`: the running emulator behind the app, shared by every route.

It runs the background task (start due status callbacks, publish changes) and fans live
updates out to the inbox pages' event streams. Emulator calls block (sqlite), so they run in
a worker thread (`call`). Callback POSTs run on the dispatcher's own worker threads: the task
only starts them, so a callback URL that stalls never holds up the inbox's updates.
"""

import asyncio
import logging

from anyio import to_thread
from starlette.requests import Request

from ...inbox.view import conversations
from ...runtime.callbacks import dispatcher_for

INBOX_LIMIT = 500  # the inbox follows the newest messages of the room (or of one account)
log = logging.getLogger(__name__)


def service_of(request: Request) -> "EmulatorService":
    """The service of the app answering `request` (set by `create_app`)."""
    return request.app.state.service


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
        self._deliver_now = False
        self._wake = asyncio.Event()

    @staticmethod
    async def call(function, *args):
        """Run a (blocking, sqlite) emulator call in a worker thread."""
        return await to_thread.run_sync(function, *args)

    def serving_at(self, port: int) -> None:
        """The server listens on `port` (UvicornServer says so at startup): callbacks to it, on
        any local address, are refused."""
        self.dispatcher.own_ports.add(port)

    def poke(self, callbacks: bool = False) -> None:
        """Something an inbox shows changed: publish now rather than at the next tick. With
        `callbacks` (the clock moved), look for due callbacks now too. Nobody watching and no
        callbacks to look for: nothing to do, so a request costs nothing more."""
        self._deliver_now = self._deliver_now or callbacks
        if callbacks or self._subscribers:
            self._wake.set()

    async def run(self) -> None:
        """Background task: deliver due callbacks (every `poll_interval`, or at once when the
        clock moved) and publish changes to the inbox streams."""
        loop = asyncio.get_running_loop()
        next_delivery = loop.time()
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), next_delivery - loop.time())
            except TimeoutError:
                pass
            self._wake.clear()
            deliver = self._deliver_now or loop.time() >= next_delivery
            self._deliver_now = False
            if deliver:
                next_delivery = loop.time() + self.poll_interval
            try:
                if deliver and self.deliver_callbacks:
                    await self.call(self.dispatcher.deliver_due, False)  # start, not wait
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
            logged = await self.call(self.emulator.callback_attempts)
            events.append(("attempts", logged))
            new = [a for a in logged if a["seq"] > self._attempt_seq]
        else:
            new = await self.call(self.emulator.callback_attempts, None, self._attempt_seq)
            events += [("attempt", a) for a in new]
        if new:
            self._attempt_seq = new[-1]["seq"]
        for queue in self._subscribers:
            for event in events:
                queue.put_nowait(event)

    async def _current(self) -> dict[str, dict]:
        messages = await self.call(conversations, self.emulator, None, INBOX_LIMIT)
        return {m["sid"]: m for m in messages}

    async def subscribe(self, account: str | None = None) -> asyncio.Queue:
        """A new inbox stream: it starts with a snapshot of messages and attempts (of
        `account`'s newest messages, when it follows one account, however busy the room)."""
        if not self._subscribers:
            self._version = await self.call(self.emulator.state_version)
            self._snapshot = await self._current()
            logged = await self.call(self.emulator.callback_attempts)
            self._attempt_seq = logged[-1]["seq"] if logged else 0
        else:  # up to what the other streams have been sent
            logged = await self.call(self.emulator.callback_attempts, None, 0, self._attempt_seq)
        queue: asyncio.Queue = asyncio.Queue()
        self._subscribers.add(queue)
        snapshot = list(self._snapshot.values()) if account is None else await self.call(
            conversations, self.emulator, account, INBOX_LIMIT)
        queue.put_nowait(("snapshot", snapshot))
        queue.put_nowait(("attempts", logged))
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._subscribers.discard(queue)

    def end_streams(self) -> None:
        """Finish every open event stream (the server is stopping)."""
        for queue in self._subscribers:
            queue.put_nowait(None)
