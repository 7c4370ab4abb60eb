"""EmulatorHttpClient: a genuine twilio HttpClient that records, logs and sleeps like one."""

import base64
import logging

from twilio.http import HttpClient

from helpers.emulator import seed
from helpers.emulator.transports import in_process as transport

from .helpers_for_tests import rest_error


def test_is_a_twilio_http_client_recording_the_last_exchange(client):
    assert isinstance(client.http_client, HttpClient)
    message = client.messages.create(body="Hi", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO,
                                     media_url=[seed.DEMO_MEDIA_URL])
    request = client.http_client.last_request
    assert request.method == "POST"
    assert request.url == (f"https://api.twilio.com/2010-04-01/Accounts/{seed.TRIAL.sid}"
                           "/Messages.json")
    assert request.data["MediaUrl"] == [seed.DEMO_MEDIA_URL]
    response = client.http_client.last_response
    assert response.status_code == 201 and message.sid in response.text
    assert response.headers["Content-Type"].startswith("application/json")


def test_latency_is_slept_in_the_transport(emulator, client, monkeypatch):
    slept = []
    monkeypatch.setattr(transport.time, "sleep", slept.append)
    emulator.set_chaos(latency=0.25)
    client.messages.create(body="Hi", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    client.messages.list()
    assert slept == [0.25, 0.25]


def test_logs_and_errors_never_show_the_auth_token(emulator, client, caplog):
    with caplog.at_level(logging.INFO):
        client.messages.create(body="Hi", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
        error = rest_error(client.messages.create, body="Hi", from_=seed.DEFAULT_FROM, to="+12")
    assert "Messages.json" in caplog.text
    encoded = base64.b64encode(f"{seed.TRIAL.sid}:{seed.TRIAL.auth_token}".encode()).decode()
    for text in (caplog.text, str(error), repr(error), str(client.http_client.last_request),
                 repr(emulator)):
        assert seed.TRIAL.auth_token not in text and encoded not in text


def test_handle_accepts_basic_auth_header_as_the_http_server_sends_it(emulator):
    token = base64.b64encode(f"{seed.UPGRADED.sid}:{seed.UPGRADED.auth_token}".encode())
    url = f"https://api.twilio.com/2010-04-01/Accounts/{seed.UPGRADED.sid}/Messages.json"
    status, body, _ = emulator.handle(
        "POST", url, data=[("To", "+14155550199"), ("From", "+14155550100"), ("Body", "hi"),
                           ("MediaUrl", "https://example.com/a.png"),
                           ("MediaUrl", "https://example.com/b.gif")],
        headers={"Authorization": f"Basic {token.decode()}"})
    assert status == 201 and '"num_media": "2"' in body
    status, _, _ = emulator.handle("GET", url, headers={"Authorization": "Basic !!!"})
    assert status == 401


def test_international_sms_is_priced_per_segment(emulator, upgraded):
    message = upgraded.messages.create(body="a" * 200, from_="+14155550100", to="+447700900123")
    emulator.clock.advance(10)
    assert upgraded.messages(message.sid).fetch().price == "-0.10000"
