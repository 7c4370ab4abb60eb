"""`create_app(emulator)`: the Starlette app serving the emulator over HTTP.

Twilio's rules stay in the core: every request at Twilio's paths goes to `emulator.handle`.
Start it with `python -m helpers.emulator serve` (see docs/server.md).
"""

import asyncio
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware

from . import routes_admin, routes_inbox, routes_twilio
from .admin_input import AdminInputError, admin_error
from .limits import RequestLimits
from .service import EmulatorService


def create_app(emulator, poll_interval: float = 0.5, deliver_callbacks: bool = True,
               timeout_hold: float = 10.0) -> Starlette:
    """The Starlette app serving `emulator` at Twilio's paths, /_emulator/ and /inbox.

    `timeout_hold`: how long a request that chaos times out is held before a 504, so a client
    with a shorter `timeout` sees a real read timeout.
    """
    service = EmulatorService(emulator, poll_interval, deliver_callbacks)

    @asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(service.run())
        try:
            yield
        finally:
            task.cancel()

    routes = routes_inbox.routes + routes_admin.routes + routes_twilio.routes
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(RequestLimits)],
                    exception_handlers={AdminInputError: admin_error})
    app.state.service = service
    app.state.timeout_hold = timeout_hold
    return app
