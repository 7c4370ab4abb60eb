"""Errors shown as guidance: code, meaning, fix, docs link, instead of a traceback."""

import json

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.response import Response

from helpers.facts import CATALOG, DELIVERY_ERRORS
from helpers.guidance import ERRORS, explain, friendly_errors


def rest_error(code, message, status=400):
    return TwilioRestException(
        status, "/2010-04-01/Accounts/AC1/Messages.json", f"Unable to create record: {message}",
        code=code, method="POST",
    )


def test_a_rest_error_becomes_code_meaning_fix_and_link():
    guide = explain(rest_error(21211, "The 'To' number 555 is not a valid phone number."))
    assert guide.code == 21211
    assert guide.status == 400
    assert guide.twilio_message == "The 'To' number 555 is not a valid phone number."
    assert guide.docs_url == "https://www.twilio.com/docs/errors/21211"
    text = str(guide)
    assert "E.164" in text and "to_e164" in text
    assert "https://www.twilio.com/docs/errors/21211" in guide._repr_html_()


def test_every_code_the_emulator_can_return_has_notes():
    assert set(CATALOG) | set(DELIVERY_ERRORS) <= set(ERRORS)


def test_an_unknown_code_still_links_to_its_page():
    guide = explain(rest_error(99999, "Something new"))
    assert guide.docs_url == "https://www.twilio.com/docs/errors/99999"
    assert "Something new" in str(guide)


def test_a_bare_code_explains_a_delivery_failure():
    guide = explain(30006)
    assert "landline" in guide.meaning.lower()
    assert guide.docs_url.endswith("/30006")


def test_a_list_call_failure_is_read_from_the_response_body():
    body = json.dumps({"code": 20003, "message": "Authenticate", "status": 401})
    guide = explain(TwilioException("Unable to fetch page", Response(401, body)))
    assert guide.code == 20003
    assert "Auth Token" in guide.fix


def test_a_timeout_warns_against_sending_twice():
    guide = explain(requests.exceptions.ReadTimeout("read timed out"))
    assert guide.code is None
    assert "twice" in guide.fix


def test_a_config_error_shows_its_own_message():
    from helpers.config import ConfigError

    guide = explain(ConfigError("TWILIO_AUTH_TOKEN is not set."))
    assert "TWILIO_AUTH_TOKEN is not set." in str(guide)


def test_html_escapes_what_twilio_returned():
    html = explain(rest_error(21211, "<script>alert(1)</script>"))._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_friendly_errors_swallows_twilio_errors_and_keeps_the_guidance(capsys):
    with friendly_errors() as caught:
        raise rest_error(21608, "The number +15551234567 is unverified.")
    assert caught.guidance.code == 21608
    assert "Verified Caller IDs" in capsys.readouterr().out


def test_friendly_errors_lets_bugs_through():
    with pytest.raises(KeyError), friendly_errors(show=False):
        raise KeyError("a bug in the learner's code")


def test_friendly_errors_is_quiet_when_nothing_fails():
    with friendly_errors(show=False) as caught:
        pass
    assert caught.guidance is None


def test_a_connect_timeout_is_safe_to_retry():
    guide = explain(requests.exceptions.ConnectTimeout("connect timed out"))
    assert "nothing was created" in guide.meaning and "Retry" in guide.fix


def test_bad_input_caught_by_the_helpers_becomes_guidance():
    from helpers import to_e164

    with friendly_errors(show=False) as caught:
        to_e164("(555) 867-5310")
    assert "did you mean +15558675310?" in caught.guidance.meaning


def test_a_value_error_from_the_learners_own_code_is_not_hidden():
    with pytest.raises(ValueError), friendly_errors(show=False):
        int("not a number")


def test_a_timeout_from_the_emulator_becomes_guidance(client, emulator, settings):
    emulator.set_chaos(ptimeout=1.0, seed=1)
    with friendly_errors(show=False) as caught:
        client.messages.create(body="Hi", from_=settings.from_number, to=settings.my_phone_number)
    assert caught.guidance.title in ("The request timed out", "Could not connect in time")
