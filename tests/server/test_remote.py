"""The one-liner's URL rewriting: Twilio hosts to the local server's paths and back."""

import pytest

from helpers.emulator.transports.remote import EmulatorServerHttpClient, local_path, twilio_url

MESSAGES = "/2010-04-01/Accounts/AC123/Messages.json"


@pytest.mark.parametrize("url", [
    f"https://api.twilio.com{MESSAGES}",
    f"https://api.dublin.ie1.twilio.com{MESSAGES}",
])
def test_api_host_and_edges_keep_the_path(url):
    assert local_path(url) == MESSAGES


def test_other_hosts_move_under_a_prefix_and_back():
    path = local_path("https://messaging.twilio.com/v1/Services?PageSize=5")
    assert path == "/_host/messaging/v1/Services?PageSize=5"
    assert twilio_url("/_host/messaging/v1/Services") == "https://messaging.twilio.com/v1/Services"
    assert twilio_url(MESSAGES) == f"https://api.twilio.com{MESSAGES}"


def test_a_non_twilio_url_is_refused():
    with pytest.raises(ValueError, match="Not a Twilio URL"):
        local_path("https://example.com/2010-04-01/Accounts.json")


def test_repr_shows_the_server_not_secrets():
    assert repr(EmulatorServerHttpClient("http://127.0.0.1:8765/")) == (
        "EmulatorServerHttpClient('http://127.0.0.1:8765')")
