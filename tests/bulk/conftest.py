"""An emulator and a genuine twilio Client on the upgraded account (it may text any number)."""

import pytest
from twilio.rest import Client

from helpers.emulator import Emulator, EmulatorHttpClient, seed

ACCOUNT = seed.UPGRADED
LONG_CODE = ACCOUNT.number("long_code").phone_number
TOLL_FREE = ACCOUNT.number("toll_free").phone_number
SHORT_CODE = ACCOUNT.number("short_code").phone_number


def numbers(count: int, start: int = 1000) -> list[str]:
    """`count` distinct valid US mobile-range numbers: +12025551000, +12025551001, ..."""
    return [f"+1202555{start + i:04d}" for i in range(count)]


@pytest.fixture
def emulator():
    emu = Emulator()
    yield emu
    emu.close()


@pytest.fixture
def client(emulator):
    return Client(ACCOUNT.sid, ACCOUNT.auth_token, http_client=EmulatorHttpClient(emulator))


@pytest.fixture
def ledger(tmp_path):
    return str(tmp_path / "bulk-ledger.sqlite")
