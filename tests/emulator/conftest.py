"""Fixtures: a fresh emulator and real twilio Clients wired to it.

``emulator`` runs each test twice: on the in-memory store (plain Python, what ``Emulator()``
uses) and on a sqlite file (what the server and a shared kernel use), so both keep the
same rules.
"""

import pytest
from twilio.rest import Client

from helpers.emulator import Emulator, EmulatorHttpClient, seed


@pytest.fixture(params=["memory", "file"])
def emulator(request, tmp_path):
    emu = Emulator(":memory:" if request.param == "memory" else str(tmp_path / "emulator.db"))
    yield emu
    emu.close()


def make_client(emulator, account):
    return Client(account.sid, account.auth_token, http_client=EmulatorHttpClient(emulator))


@pytest.fixture
def client(emulator):
    """The default trial account, as in the tutorial."""
    return make_client(emulator, seed.TRIAL)


@pytest.fixture
def upgraded(emulator):
    return make_client(emulator, seed.UPGRADED)


@pytest.fixture
def test_client(emulator):
    """Twilio's test credentials (magic numbers)."""
    return make_client(emulator, seed.TEST_CREDENTIALS)
