"""Fixtures: a fresh in-memory emulator and real twilio Clients wired to it."""

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
