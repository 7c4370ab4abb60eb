"""The course and the emulator refuse the same messages with the same Twilio error: the bulk
dry run (`check_message`), the MMS form (`media_problem`) and the emulator's create call all
apply the rules in `helpers.facts.rules`."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.base.exceptions import TwilioRestException

from helpers.bulk import BulkInputError
from helpers.bulk.plan import check_message
from helpers.facts import MAX_BODY, MAX_MEDIA, content_refusal, sender_refusal
from helpers.forms.mms_logic import media_problem

from .conftest import ACCOUNT, LONG_CODE

CONTENT_CODES = {21603, 21619, 21617, 21623, 21620}
TO = "+12025551000"
SERVICE = ACCOUNT.messaging_service.sid
OWL = "https://demo.twilio.com/owl.png"
URLS = [
    OWL, "http://example.com/a.jpg", "https://[::1]:8443/b.png", "https://user@example.com/c",
    "ftp://example.com/owl.png", "owl.png", "https://", "http://exa mple.com/a.png",
    "https://example.com:0/a.png", "https://example.com:99999/a.png", "mailto:owl@example.com",
    "https://exa_mple.com/a.png", " https://example.com/a.png", "",
]


def dry_run_code(body, media, from_, service) -> int | None:
    """The Twilio code the bulk dry run names, or None when it lets the message through."""
    try:
        check_message(body, media, from_, service)
    except BulkInputError as exc:
        return int(re.search(r"Twilio error (\d+)", str(exc)).group(1))
    return None


def emulator_code(client, body, media, from_, service) -> int | None:
    """The code the emulator refuses this create call with, or None when it accepts it."""
    kwargs = {"to": TO, "media_url": media}
    for key, value in (("body", body), ("from_", from_), ("messaging_service_sid", service)):
        if value is not None:
            kwargs[key] = value
    try:
        client.messages.create(**kwargs)
    except TwilioRestException as exc:
        return exc.code
    return None


@pytest.mark.parametrize("url", URLS)
def test_dry_run_form_and_emulator_judge_a_media_url_alike(client, url):
    code = emulator_code(client, "Look", [url], LONG_CODE, None)
    assert code in (None, 21620)
    assert dry_run_code("Look", [url], LONG_CODE, None) == code
    assert (media_problem([url]) is not None) == (code == 21620)
    if code:
        assert "21620" in media_problem([url])


@pytest.mark.parametrize(("body", "media", "from_", "service", "code"), [
    ("Hi", [], None, None, 21603),
    ("", [], LONG_CODE, None, 21619),
    (None, [], None, SERVICE, 21619),
    ("x" * MAX_BODY, [], LONG_CODE, None, None),
    ("x" * (MAX_BODY + 1), [], LONG_CODE, None, 21617),
    ("x" * (MAX_BODY + 1), ["owl.png"], LONG_CODE, None, 21617),
    ("", [OWL] * MAX_MEDIA, LONG_CODE, None, None),
    ("", [OWL] * (MAX_MEDIA + 1), LONG_CODE, None, 21623),
    ("", ["owl.png"] * (MAX_MEDIA + 1), LONG_CODE, None, 21623),
    ("Hi", [OWL, "ftp://example.com/a.png"], None, SERVICE, 21620),
])
def test_dry_run_and_emulator_refuse_with_the_same_code(client, body, media, from_, service, code):
    assert emulator_code(client, body, media, from_, service) == code
    assert dry_run_code(body, media, from_, service) == code


def test_the_dry_run_quotes_twilios_text(client):
    """The dry run's explanation starts with the text the emulator answers with."""
    media = [OWL, "owl.png", "ftp://x"]
    with pytest.raises(TwilioRestException) as refused:
        client.messages.create(to=TO, from_=LONG_CODE, body="Hi", media_url=media)
    with pytest.raises(BulkInputError) as planned:
        check_message("Hi", media, LONG_CODE, None)
    twilio_text = refused.value.msg.removeprefix("Unable to create record: ")
    assert twilio_text == content_refusal("Hi", media).message
    assert str(planned.value).startswith(twilio_text.rstrip("."))


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(st.none(), TEXT, st.integers(MAX_BODY - 2, MAX_BODY + 2).map(lambda n: "é" * n)),
    media=st.lists(st.one_of(st.sampled_from(URLS), TEXT, TEXT.map("https://{}".format)),
                   max_size=MAX_MEDIA + 2),
    from_=st.sampled_from([None, LONG_CODE]),
    service=st.sampled_from([None, SERVICE]),
)
def test_any_message_gets_the_same_verdict_from_both(client, body, media, from_, service):
    """Whatever the body, media, sender: the dry run names the code the emulator answers with
    (and lets through what the emulator accepts, as far as these rules go)."""
    expected = sender_refusal(from_, service) or content_refusal(body, media)
    code = emulator_code(client, body, media, from_, service)
    assert dry_run_code(body, media, from_, service) == (expected and expected.code)
    if expected:
        assert code == expected.code
    else:
        assert code not in CONTENT_CODES
