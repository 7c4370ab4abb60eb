"""Chaos settings: seeded 429/500/timeouts the real client sees as Twilio's failures."""

import json

import pytest
from requests.exceptions import ConnectTimeout, ReadTimeout
from twilio.base.exceptions import TwilioRestException

from helpers.emulator import Emulator, seed

from .conftest import make_client
from .helpers_for_tests import rest_error


def send(client):
    return client.messages.create(body="Hi", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)


def test_429_is_never_processed_and_says_when_to_retry(emulator, client):
    emulator.set_chaos(p429=1.0)
    error = rest_error(send, client)
    assert (error.status, error.code) == (429, 20429)
    response = client.http_client.last_response
    assert response.headers["Retry-After"] == "1"
    assert json.loads(response.text)["message"] == "Too Many Requests"
    emulator.set_chaos()
    assert emulator.outbox() == []
    assert send(client).status == "queued"


def test_500_is_twilios_internal_error(emulator, client):
    emulator.set_chaos(p500=1.0)
    error = rest_error(send, client)
    assert (error.status, error.code) == (500, 20500)


def outcomes(client, count):
    seen = []
    for _ in range(count):
        try:
            send(client)
            seen.append("201")
        except TwilioRestException as error:
            seen.append(str(error.status))
        except ConnectTimeout:
            seen.append("connect-timeout")
        except ReadTimeout:
            seen.append("read-timeout")
    return seen


def test_timeouts_before_and_after_processing(emulator, client):
    emulator.set_chaos(ptimeout=1.0, seed=3)
    seen = outcomes(client, 40)
    assert set(seen) == {"connect-timeout", "read-timeout"}
    emulator.set_chaos()
    assert len(emulator.outbox()) == seen.count("read-timeout")


def test_same_seed_replays_the_same_failures():
    runs = []
    for _ in range(2):
        emulator = Emulator(queue_window=1e6)
        emulator.set_chaos(p429=0.2, p500=0.1, ptimeout=0.1, seed=42)
        runs.append(outcomes(make_client(emulator, seed.TRIAL), 200))
    assert runs[0] == runs[1]
    assert {"201", "429", "500", "connect-timeout", "read-timeout"} == set(runs[0])
    assert 20 < runs[0].count("429") < 60


@pytest.mark.parametrize("settings", [{"p429": 1.5}, {"p500": -0.1}, {"latency": -1},
                                      {"latency": float("nan")}, {"p429": 0.6, "p500": 0.6}])
def test_impossible_settings_are_refused(emulator, settings):
    with pytest.raises(ValueError):
        emulator.set_chaos(**settings)


def test_reset_clears_chaos_messages_and_clock(emulator, client):
    send(client)
    emulator.clock.advance(100)
    emulator.set_chaos(p429=1.0)
    emulator.reset()
    assert emulator.outbox() == []
    assert emulator.clock.now().isoformat() == "2025-01-06T15:00:00+00:00"
    assert send(client).status == "queued"
