"""MMS: MediaUrl becomes Media resources you list, fetch and delete through message.media."""

import json

import pytest
from twilio.base.exceptions import TwilioException

from helpers.emulator import seed

from .helpers_for_tests import rest_error

UP_FROM = seed.UPGRADED.number("long_code").phone_number


def send_mms(client, urls, **kwargs):
    kwargs.setdefault("from_", seed.DEFAULT_FROM)
    kwargs.setdefault("to", seed.DEFAULT_TO)
    return client.messages.create(media_url=urls, **kwargs)


def test_media_urls_become_media_resources(client):
    urls = ["https://demo.twilio.com/owl.png", "https://example.com/a/photo.JPG",
            "http://example.com/anim.gif?size=large", "https://example.com/card.vcf",
            "https://example.com/download"]
    message = send_mms(client, urls, body="Look")
    assert message.sid.startswith("MM")
    assert (message.num_media, message.num_segments) == ("5", "1")
    media = message.media.list()
    assert [m.content_type for m in media] == [
        "image/png", "image/jpeg", "image/gif", "text/vcard", "application/octet-stream"]
    assert all(m.sid.startswith("ME") and m.parent_sid == message.sid for m in media)
    fetched = message.media(media[0].sid).fetch()
    assert (fetched.sid, fetched.content_type) == (media[0].sid, "image/png")
    assert fetched.uri == (f"/2010-04-01/Accounts/{seed.TRIAL.sid}/Messages/{message.sid}"
                           f"/Media/{media[0].sid}.json")


def test_media_only_message_needs_no_body(upgraded):
    message = send_mms(upgraded, [seed.DEMO_MEDIA_URL], from_=UP_FROM)
    assert (message.body, message.num_media) == ("", "1")


def test_delete_media(client):
    message = send_mms(client, [seed.DEMO_MEDIA_URL, "https://example.com/b.png"])
    first = message.media.list()[0]
    assert message.media(first.sid).delete() is True
    assert [m.sid for m in message.media.list()] != [first.sid]
    assert len(message.media.list()) == 1
    assert client.messages(message.sid).fetch().num_media == "1"
    assert rest_error(message.media(first.sid).fetch).code == 20404


def test_more_than_ten_media_is_21623(client):
    urls = [f"https://example.com/{i}.png" for i in range(11)]
    error = rest_error(send_mms, client, urls)
    assert (error.status, error.code) == (400, 21623)
    assert send_mms(client, urls[:10]).num_media == "10"


@pytest.mark.parametrize("url", ["ftp://example.com/a.png", "example.com/a.png", "https://",
                                 "https://exa mple.com/a.png", "not a url", "http://[::1"])
def test_bad_media_url_is_21620(client, url):
    error = rest_error(send_mms, client, [seed.DEMO_MEDIA_URL, url])
    assert error.code == 21620
    assert error.msg.endswith(
        f"Media urls: {url} are invalid. Please use only valid http and https urls")


def test_sms_only_sender_cannot_send_media_21621(client):
    error = rest_error(send_mms, client, [seed.DEMO_MEDIA_URL], from_=seed.SMS_ONLY.phone_number)
    assert error.code == 21621
    assert error.msg.endswith(f"The 'From' number {seed.SMS_ONLY.phone_number} is not enabled "
                              "for MMS.")
    text = client.messages.create(body="Hi", from_=seed.SMS_ONLY.phone_number, to=seed.DEFAULT_TO)
    assert text.status == "queued"


def test_mms_outside_north_america_is_converted_to_sms_with_links(upgraded):
    message = send_mms(upgraded, [seed.DEMO_MEDIA_URL], body="Owl", from_=UP_FROM,
                       to="+447700900123")
    assert message.sid.startswith("SM")
    assert message.num_media == "0"
    assert message.body == f"Owl\n{seed.DEMO_MEDIA_URL}"
    assert message.media.list() == []


def test_mms_is_priced_per_message(emulator, upgraded):
    message = send_mms(upgraded, [seed.DEMO_MEDIA_URL], body="x" * 500, from_=UP_FROM)
    emulator.clock.advance(10)
    assert upgraded.messages(message.sid).fetch().price == "-0.02000"


def test_media_of_unknown_message_is_20404(client):
    sid = "MM" + "1" * 32
    with pytest.raises(TwilioException, match="Unable to fetch page"):
        client.messages(sid).media.list()
    assert json.loads(client.http_client.last_response.text)["message"] == (
        f"The requested resource /2010-04-01/Accounts/{seed.TRIAL.sid}/Messages/{sid}/Media.json"
        " was not found")
