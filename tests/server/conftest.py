"""Fixtures: the emulator server on a free loopback port (uvicorn in a thread), real clients."""

import pytest
from twilio.rest import Client

from helpers.emulator import Emulator
from helpers.emulator.seed import TRIAL, UPGRADED
from helpers.emulator.state.clock import Clock
from helpers.emulator.transports.http.app import create_app
from helpers.emulator.transports.remote import EmulatorServerHttpClient
from helpers.status_receiver import StatusReceiver
from helpers.webserver import BackgroundServer
from tests.instructor import ADMIN_KEY, admin_session


def start_server(db_path, deliver_callbacks: bool = False) -> BackgroundServer:
    """A server on `db_path` with a manual clock: tests move time, nothing sleeps."""
    emulator = Emulator(str(db_path), clock=Clock())
    server = BackgroundServer(create_app(emulator, ADMIN_KEY,
                                         deliver_callbacks=deliver_callbacks))
    server.emulator = emulator
    server.admin = admin_session()  # the instructor: every /_emulator/ route
    return server.start()


def client_for(server: BackgroundServer, account=TRIAL) -> Client:
    """The real twilio Client, through the documented one-liner."""
    return Client(account.sid, account.auth_token,
                  http_client=EmulatorServerHttpClient(server.url))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "emulator.sqlite"


@pytest.fixture
def server(db_path):
    """A running server whose callbacks the test delivers itself (`deliver_due_callbacks`)."""
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture
def client(server):
    return client_for(server)


@pytest.fixture
def upgraded_client(server):
    return client_for(server, UPGRADED)


@pytest.fixture
def receiver():
    with StatusReceiver() as running:
        yield running
