"""The JSON admin API under /_emulator/: what tests and instructors drive the emulator with."""

import pytest
from twilio.base.exceptions import TwilioRestException

from helpers.emulator.seed import DEFAULT_FROM, DEFAULT_TO, DEMO_MEDIA_URL, TRIAL, UPGRADED


def admin(server, method, path, **kwargs):
    return server.admin.request(method, f"{server.url}/_emulator/{path}", timeout=5, **kwargs)


def test_list_and_clear_messages_per_account(server, client, upgraded_client):
    client.messages.create(body="trial", from_=DEFAULT_FROM, to=DEFAULT_TO)
    upgraded_client.messages.create(body="full", from_=UPGRADED.number("long_code").phone_number,
                                    to=DEFAULT_TO)

    everything = admin(server, "GET", "messages").json()["messages"]
    trial_only = admin(server, "GET", "messages", params={"account_sid": TRIAL.sid}).json()
    assert len(everything) == 2
    assert [m["account_sid"] for m in trial_only["messages"]] == [TRIAL.sid]

    assert admin(server, "DELETE", "messages", params={"account_sid": TRIAL.sid}).ok
    left = admin(server, "GET", "messages").json()["messages"]
    assert [m["account_sid"] for m in left] == [UPGRADED.sid]


def test_messages_carry_encoding_and_media_for_the_inbox(server, client):
    client.messages.create(body="Price: 5€ 😀", from_=DEFAULT_FROM, to=DEFAULT_TO,
                           media_url=[DEMO_MEDIA_URL])

    [shown] = admin(server, "GET", "messages").json()["messages"]

    assert shown["encoding"] == "UCS-2"
    assert shown["media_urls"] == [DEMO_MEDIA_URL]
    image = admin(server, "GET", "media", params={"sid": shown["sid"], "url": DEMO_MEDIA_URL})
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


OFFLINE_ONLY_URL = "https://c1.staticflickr.com/3/2899/14341091933_1e92e62d12_b.jpg"


def test_media_without_an_offline_copy_is_a_placeholder_never_a_trip_online(server, client):
    sent = client.messages.create(from_=DEFAULT_FROM, to=DEFAULT_TO, media_url=[OFFLINE_ONLY_URL])
    image = admin(server, "GET", "media", params={"sid": sent.sid, "url": OFFLINE_ONLY_URL},
                  allow_redirects=False)

    assert image.status_code == 200 and "location" not in image.headers
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert "Image not available offline" in image.text
    assert "http" not in image.text.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_chaos_makes_the_client_see_429(server, client):
    assert admin(server, "POST", "chaos", json={"p429": 1.0}).ok
    with pytest.raises(TwilioRestException) as error:
        client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO)
    assert error.value.status == 429

    admin(server, "POST", "chaos", json={"p429": 0})
    assert client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO).sid


def test_unknown_chaos_setting_is_a_400_naming_the_fix(server):
    response = admin(server, "POST", "chaos", json={"p_429": 1})
    assert response.status_code == 400
    assert "p429" in response.json()["error"]


def test_simulated_reply_is_listed_as_inbound(server, client):
    reply = admin(server, "POST", "inbound",
                  json={"from": DEFAULT_TO, "to": DEFAULT_FROM, "body": "Got it, thanks!"})

    assert reply.status_code == 201
    listed = client.messages.list(from_=DEFAULT_TO)
    assert [(m.direction, m.body) for m in listed] == [("inbound", "Got it, thanks!")]
    shown = admin(server, "GET", "messages").json()["messages"]
    assert [m["direction"] for m in shown] == ["inbound"]


@pytest.mark.parametrize("payload, expected", [
    ({"from": DEFAULT_TO, "body": "hi"}, "Missing to"),
    ({"from": DEFAULT_TO, "to": "+19999999999", "body": "hi"}, "not a seeded Twilio number"),
    ({"from": DEFAULT_TO, "to": DEFAULT_FROM, "body": 42}, '"body" are strings'),
    ({"from": DEFAULT_TO, "to": DEFAULT_FROM, "body": "hi", "media_urls": "x"}, "a list of URL"),
])
def test_bad_reply_is_a_400_saying_what_to_send(server, payload, expected):
    response = admin(server, "POST", "inbound", json=payload)
    assert response.status_code == 400
    assert expected in response.json()["error"]


def test_clock_advance_moves_messages_along(server, client):
    sid = client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO).sid

    assert admin(server, "POST", "clock", json={"advance": 30}).ok
    assert client.messages(sid).fetch().status == "delivered"
    assert admin(server, "POST", "clock", json={"advance": -1}).status_code == 400
    assert admin(server, "POST", "clock", data='{"advance": NaN}',
                 headers={"Content-Type": "application/json"}).status_code == 400


def test_health_names_the_state_file_and_the_process(server, db_path):
    import os

    health = admin(server, "GET", "health").json()

    assert health == {"ok": True, "service": "twilio-emulator", "state": str(db_path),
                      "pid": os.getpid()}


def test_the_session_lists_accounts_without_tokens(server):
    body = admin(server, "GET", "session").text
    assert TRIAL.sid in body and UPGRADED.sid in body
    assert TRIAL.auth_token not in body and UPGRADED.auth_token not in body


def test_chaos_timeout_is_a_real_read_timeout_and_may_still_have_sent(db_path):
    from requests.exceptions import ReadTimeout
    from twilio.rest import Client

    from helpers.emulator import Emulator
    from helpers.emulator.state.clock import Clock
    from helpers.emulator.transports.http.app import create_app
    from helpers.emulator.transports.remote import EmulatorServerHttpClient
    from helpers.webserver import BackgroundServer
    from tests.instructor import ADMIN_KEY

    emulator = Emulator(str(db_path), clock=Clock())
    emulator.set_chaos(ptimeout=1.0, seed=3)
    app = create_app(emulator, ADMIN_KEY, deliver_callbacks=False, timeout_hold=1.0)
    with BackgroundServer(app) as srv:
        client = Client(TRIAL.sid, TRIAL.auth_token,
                        http_client=EmulatorServerHttpClient(srv.url, timeout=0.2))
        for _ in range(6):
            with pytest.raises(ReadTimeout):
                client.messages.create(body="maybe", from_=DEFAULT_FROM, to=DEFAULT_TO)
    # Some timed out before Twilio processed them, some after: those were sent all the same.
    assert 0 < len(emulator.outbox()) < 6
