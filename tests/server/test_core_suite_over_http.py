"""The emulator core's own API tests, run again through the real TwilioHttpClient over loopback.

Every test function of the listed modules of tests/emulator is collected here a second time,
with `emulator` served by uvicorn and `client`, `upgraded`, `test_client` using
`EmulatorServerHttpClient`: the HTTP transport must give exactly the in-process results.
"""

import pytest

from helpers.emulator import Emulator, seed
from helpers.emulator.transports.http.app import create_app
from helpers.webserver import BackgroundServer
from tests.emulator import (
    test_accounts_and_numbers,
    test_lifecycle,
    test_magic_numbers,
    test_media,
    test_messages,
    test_validation,
)
from tests.instructor import ADMIN_KEY

from .conftest import client_for

SUITES = (test_accounts_and_numbers, test_lifecycle, test_magic_numbers, test_media,
          test_messages, test_validation)

for _suite in SUITES:
    _short = _suite.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    for _name, _test in vars(_suite).items():
        if _name.startswith("test_") and callable(_test):
            globals()[f"test_{_short}__{_name.removeprefix('test_')}"] = _test


@pytest.fixture
def emulator():
    """The same in-memory emulator as the core's fixture, behind a loopback HTTP server."""
    emu = Emulator()
    server = BackgroundServer(create_app(emu, ADMIN_KEY, deliver_callbacks=False)).start()
    emu.served_at = server
    yield emu
    server.stop()
    emu.close()


@pytest.fixture
def client(emulator):
    return client_for(emulator.served_at, seed.TRIAL)


@pytest.fixture
def upgraded(emulator):
    return client_for(emulator.served_at, seed.UPGRADED)


@pytest.fixture
def test_client(emulator):
    return client_for(emulator.served_at, seed.TEST_CREDENTIALS)
