"""The original tutorial's three code samples run against the emulator, unchanged except for the
line that builds the client. The samples are read from the seed markdown at test time."""

import re
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioRestException

from helpers.emulator import Emulator, EmulatorHttpClient, seed

SEED = Path(__file__).resolve().parents[3] / "shared/seed/sending-sms-and-mms-with-python.md"
CLIENT_LINE = re.compile(r"^client = Client\(.*\)$", re.M)
OFFLINE_CLIENT = (
    "client = Client(seed.TRIAL.sid, seed.TRIAL.auth_token, "
    "http_client=EmulatorHttpClient(emulator))"
)


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


def full_samples(text):
    """The SMS and MMS programs: from the download comment to print(message.sid)."""
    return re.findall(r"^# Download the helper library.*?^print\(message\.sid\)$", text,
                      re.S | re.M)


def offline(sample):
    """The sample with only its Client(...) line replaced."""
    changed, count = CLIENT_LINE.subn(OFFLINE_CLIENT, sample)
    assert count == 1
    return changed


def run(code, emulator, capsys, client=None):
    exec(code, {"seed": seed, "EmulatorHttpClient": EmulatorHttpClient, "emulator": emulator,
                "client": client})
    return capsys.readouterr().out.split()


def test_the_seed_has_the_three_samples(seed_text):
    sms, mms = full_samples(seed_text)
    assert "media_url" not in sms and "media_url" in mms
    assert "to = 'number'" in seed_text


def test_the_single_sms_sample(seed_text, capsys):
    emulator = Emulator()
    [sms, _] = full_samples(seed_text)
    printed = run(offline(sms), emulator, capsys)
    [sent] = emulator.outbox()
    assert printed == [sent["sid"]]
    assert sent["body"] == (seed.TRIAL_PREFIX
                            + "This is the ship that made the Kessel Run in fourteen parsecs?")
    assert (sent["from"], sent["to"]) == ("+15017122661", "+15558675310")


def test_the_loop_sample_as_written_sends_to_the_string_number(seed_text, capsys):
    emulator = Emulator()
    loop = re.search(r"^numbers_to_message = .*?^    \)$", seed_text, re.S | re.M).group()
    program = f"from twilio.rest import Client\n{OFFLINE_CLIENT}\n{loop}"  # the loop needs a client
    with pytest.raises(TwilioRestException) as raised:
        run(program, emulator, capsys)
    assert raised.value.code == 21211 and "'To' number number" in raised.value.msg
    assert emulator.outbox() == []

    fixed = program.replace("to = 'number'", "to = number")
    run(fixed, emulator, capsys)
    sent = emulator.outbox()
    assert [m["to"] for m in sent] == ["+15558675310", "+14158141829", "+15017122661"]
    assert {m["from"] for m in sent} == {"+15017122662"}


def test_the_mms_sample_and_its_media_uri_line(seed_text, capsys):
    emulator = Emulator()
    [_, mms] = full_samples(seed_text)
    uri_line = re.search(r"^print\(message\.media\._uri\)$", seed_text, re.M).group()
    printed = run(offline(mms) + "\n" + uri_line, emulator, capsys)
    [sent] = emulator.outbox()
    assert sent["num_media"] == "1"
    assert printed == [sent["sid"], sent["subresource_uris"]["media"].removeprefix("/2010-04-01")]
