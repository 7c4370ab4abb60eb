"""emulate_twilio(): every Client() goes to the emulator in emulator mode, nothing changes live."""

import os

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from helpers import emulate_twilio, get_emulator, get_settings, show_mode
from helpers.emulator import seed
from helpers.offline import emulation_active

LIVE_SID, LIVE_TOKEN = "AC" + "1" * 32, "2" * 32


def test_emulator_mode_wires_every_new_client_and_fills_the_environment():
    with emulate_twilio() as emulated:
        assert emulation_active()
        assert os.environ["TWILIO_ACCOUNT_SID"] == seed.TRIAL.sid
        assert os.environ["TWILIO_AUTH_TOKEN"] == seed.TRIAL.auth_token
        assert os.environ["MY_PHONE_NUMBER"] == seed.DEFAULT_TO
        client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
        message = client.messages.create(body="hi", from_=os.environ["TWILIO_FROM_NUMBER"],
                                         to=os.environ["MY_PHONE_NUMBER"])
        assert message.status == "queued"
        assert "every twilio Client in this kernel" in str(show_mode())
        assert seed.TRIAL.auth_token not in repr(emulated) + str(show_mode())
    assert not emulation_active()
    assert "TWILIO_ACCOUNT_SID" not in os.environ  # put back as it was
    assert isinstance(Client(LIVE_SID, LIVE_TOKEN).http_client, TwilioHttpClient)


def test_live_mode_changes_no_client_and_exports_the_env_file(private_env):
    private_env.write_text(f"TWILIO_MODE=live\nTWILIO_ACCOUNT_SID={LIVE_SID}\n"
                           f"TWILIO_AUTH_TOKEN={LIVE_TOKEN}\nTWILIO_FROM_NUMBER=+14155550100\n"
                           "MY_PHONE_NUMBER=+14155550101\n")
    os.environ.pop("TWILIO_MODE")
    with emulate_twilio():
        assert not emulation_active()
        assert type(Client(LIVE_SID, LIVE_TOKEN).http_client) is TwilioHttpClient
        assert os.environ["TWILIO_ACCOUNT_SID"] == LIVE_SID
        assert os.environ["MY_PHONE_NUMBER"] == "+14155550101"
        assert "every twilio Client" not in str(show_mode())
    assert "TWILIO_AUTH_TOKEN" not in os.environ


def test_a_client_given_its_own_http_client_keeps_it():
    mine = TwilioHttpClient()
    with emulate_twilio():
        assert Client(LIVE_SID, LIVE_TOKEN, http_client=mine).http_client is mine


def test_settings_read_after_it_stay_offline_without_a_mode_set():
    """A learner's plain `jupyter lab`, no `.env`, no TWILIO_MODE: the trial account that
    emulate_twilio() exports is not taken for real credentials by the next get_settings()
    (it was: the banner said LIVE and wait() slept instead of moving the emulator's clock)."""
    os.environ.pop("TWILIO_MODE")
    with emulate_twilio():
        assert os.environ["TWILIO_ACCOUNT_SID"] == seed.TRIAL.sid
        assert get_settings().mode == "emulator"
        assert get_emulator() is not None
        assert "EMULATOR MODE" in str(show_mode())


def test_an_edited_env_file_applies_when_it_is_called_again(private_env):
    os.environ.pop("TWILIO_MODE")
    first = emulate_twilio()
    assert os.environ["TWILIO_ACCOUNT_SID"] == seed.TRIAL.sid
    private_env.write_text(f"TWILIO_ACCOUNT_SID={LIVE_SID}\nTWILIO_AUTH_TOKEN={LIVE_TOKEN}\n"
                           "TWILIO_FROM_NUMBER=+14155550100\nMY_PHONE_NUMBER=+14155550101\n")
    with emulate_twilio():  # the learner added credentials and re-ran the cell
        assert get_settings().mode == "live"
        assert os.environ["TWILIO_ACCOUNT_SID"] == LIVE_SID
        assert not emulation_active()
    first.stop()
