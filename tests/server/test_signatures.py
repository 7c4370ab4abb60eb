"""Status callbacks are signed exactly as twilio.request_validator checks them."""

from twilio.request_validator import RequestValidator

from helpers.emulator.runtime.callbacks import compute_signature, deliver_due_callbacks
from helpers.emulator.seed import DEFAULT_FROM, DEFAULT_TO, TRIAL, UPGRADED

from .conftest import client_for


def test_known_vector_from_twilio_docs():
    params = {"CallSid": "CA1234567890ABCDE", "Digits": "1234", "From": "+14158675309",
              "To": "+18005551212", "Caller": "+14158675309"}
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert compute_signature("12345", url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def delivered_callbacks(server, client, receiver, to=DEFAULT_TO, sender=DEFAULT_FROM):
    client.messages.create(body="sign me", from_=sender, to=to, status_callback=receiver.url)
    server.emulator.clock.advance(30)
    deliver_due_callbacks(server.emulator)
    return receiver.received


def test_every_callback_validates_with_the_account_token(server, client, receiver):
    received = delivered_callbacks(server, client, receiver)

    validator = RequestValidator(TRIAL.auth_token)
    assert [r["params"]["MessageStatus"] for r in received] == ["sending", "sent", "delivered"]
    assert all(validator.validate(r["url"], r["params"], r["signature"]) for r in received)


def test_signed_with_the_owning_account_token(server, receiver):
    upgraded = client_for(server, UPGRADED)
    received = delivered_callbacks(server, upgraded, receiver,
                                   sender=UPGRADED.number("long_code").phone_number)

    first = received[0]
    assert RequestValidator(UPGRADED.auth_token).validate(first["url"], first["params"],
                                                          first["signature"])
    assert not RequestValidator(TRIAL.auth_token).validate(first["url"], first["params"],
                                                           first["signature"])


def test_altered_or_forged_requests_fail(server, client, receiver):
    first = delivered_callbacks(server, client, receiver)[0]
    validator = RequestValidator(TRIAL.auth_token)

    altered = dict(first["params"], MessageStatus="delivered")
    forged = compute_signature("not-the-token", first["url"], first["params"])

    assert not validator.validate(first["url"], altered, first["signature"])
    assert not validator.validate(first["url"] + "?x=1", first["params"], first["signature"])
    assert not validator.validate(first["url"], first["params"], forged)
