"""get_client(): a genuine twilio Client, offline in emulator mode, the plain one live."""

import pytest
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from helpers import get_client, get_emulator, get_settings, wait
from helpers.emulator import EmulatorHttpClient
from tests.conftest import NetworkBlocked
from tests.test_config import live_env


def test_emulator_mode_gives_a_real_client_wired_to_the_emulator():
    client = get_client()
    assert type(client) is Client
    assert isinstance(client.http_client, EmulatorHttpClient)
    settings = get_settings()
    message = client.messages.create(
        body="Hello", from_=settings.from_number, to=settings.my_phone_number)
    assert message.sid.startswith("SM") and message.status == "queued"


def test_no_socket_leaves_the_machine_even_with_live_credentials(private_env):
    live_env(private_env)  # TWILIO_MODE=emulator is set, as in the test command
    settings = get_settings()
    message = get_client().messages.create(
        body="offline", from_=settings.from_number, to=settings.my_phone_number)
    assert message.body.endswith("offline")


def test_live_mode_uses_the_plain_client_and_the_guard_catches_it(private_env, monkeypatch):
    monkeypatch.delenv("TWILIO_MODE")
    live_env(private_env)
    client = get_client()
    assert isinstance(client.http_client, TwilioHttpClient)
    assert get_emulator() is None
    with pytest.raises(NetworkBlocked):
        client.messages.list(limit=1)


def test_wait_moves_the_emulator_clock_without_sleeping():
    emulator = get_emulator()
    before = emulator.clock.now()
    wait(3600)
    assert (emulator.clock.now() - before).total_seconds() == pytest.approx(3600, abs=1)
