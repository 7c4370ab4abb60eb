"""`create_app(emulator, admin_key)`: the Starlette app serving the emulator over HTTP.

Twilio's rules stay in the core: every request at Twilio's paths goes to `emulator.handle`.
Start it with `python -m helpers.emulator serve` (see docs/server.md and docs/instructor.md).
"""

import asyncio
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware

from . import routes_admin, routes_inbox, routes_room
from .admin_input import AdminInputError, admin_error
from .auth import AccessDenied, Gate, Keys, access_denied
from .limits import RequestLimits
from .routes_twilio import TwilioApi
from .service import EmulatorService


def create_app(emulator, admin_key: str, *, room: bool = False,
               allowed_hosts: frozenset[str] = frozenset(), poll_interval: float = 0.5,
               deliver_callbacks: bool = True, timeout_hold: float = 10.0) -> Starlette:
    """The Starlette app serving `emulator` at Twilio's paths, /_emulator/ and /inbox.

    `admin_key`: the instructor key (see `auth.py`). `room`: learners join at /join and get
    accounts of their own; the lab token (the seeded accounts) is refused. `allowed_hosts`:
    host names served besides loopback, IP addresses and this machine's name.
    `timeout_hold`: how long a request that chaos times out is held before a 504, so a client
    with a shorter `timeout` sees a real read timeout.
    """
    service = EmulatorService(emulator, poll_interval, deliver_callbacks)
    keys = Keys(admin_key)

    @asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(service.run())
        try:
            with emulator.store.checkpoints_in_background():  # requests never wait on syncs
                yield
        finally:
            task.cancel()

    routes = routes_inbox.routes + routes_admin.routes + (routes_room.routes if room else [])
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(RequestLimits),  # the body first, bounded
                                Middleware(Gate, keys=keys, allowed_hosts=allowed_hosts),
                                Middleware(TwilioApi, service=service,
                                           timeout_hold=timeout_hold)],
                    exception_handlers={AdminInputError: admin_error,
                                        AccessDenied: access_denied})
    app.state.service = service
    app.state.keys = keys
    app.state.room = room
    return app
