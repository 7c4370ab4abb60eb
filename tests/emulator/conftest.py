"""Fixtures: a fresh emulator and real twilio Clients wired to it.

``emulator`` is ``Emulator()``: sqlite in memory. The shared file (``Emulator(path)``, what
the server and a kernel use) runs the same store code; what only a file can show (two
emulators or processes on one file, state files of another version, leases outliving a
process) is tested on files in test_shared_store.py and test_callback_claims.py.
"""

import pytest
from twilio.rest import Client

from helpers.emulator import Emulator, EmulatorHttpClient, seed


@pytest.fixture
def emulator():
    emu = Emulator()
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
