"""The original tutorial's three code samples run offline exactly as written: the seed's text is
read at test time and executed unchanged, with `emulate_twilio()` on, as notebook 01 does."""

import re
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioRestException

from helpers import emulate_twilio
from helpers.client import shared_emulator
from helpers.emulator import seed
from helpers.facts import TRIAL_PREFIX
from helpers.offline import DOCS_PLACEHOLDERS

SEED = Path(__file__).resolve().parents[3] / "shared/seed/sending-sms-and-mms-with-python.md"


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def emulator():
    """A fresh in-process emulator behind every `Client()` the samples create."""
    shared_emulator.cache_clear()
    with emulate_twilio():
        yield shared_emulator()
    shared_emulator.cache_clear()


def full_samples(text):
    """The SMS and MMS programs: from the download comment to print(message.sid)."""
    return re.findall(r"^# Download the helper library.*?^print\(message\.sid\)$", text,
                      re.S | re.M)


def run(code, capsys, namespace=None):
    exec(code, namespace if namespace is not None else {})
    return capsys.readouterr().out.split()


def test_the_seed_has_the_three_samples(seed_text):
    sms, mms = full_samples(seed_text)
    assert "media_url" not in sms and "media_url" in mms
    assert "account_sid = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'" in sms
    assert "to = 'number'" in seed_text


def test_the_single_sms_sample(seed_text, emulator, capsys):
    [sms, _] = full_samples(seed_text)
    printed = run(sms, capsys)
    [sent] = emulator.outbox()
    assert printed == [sent["sid"]]
    assert sent["account_sid"] == seed.TRIAL.sid  # the docs' placeholders mean the trial account
    assert sent["body"] == (TRIAL_PREFIX
                            + "This is the ship that made the Kessel Run in fourteen parsecs?")
    assert (sent["from"], sent["to"]) == ("+15017122661", "+15558675310")


def test_the_loop_sample_as_written_sends_to_the_string_number(seed_text, emulator, capsys):
    [sms, _] = full_samples(seed_text)
    loop = re.search(r"^numbers_to_message = .*?^    \)$", seed_text, re.S | re.M).group()
    namespace = {}
    run(sms, capsys, namespace)  # the loop uses the previous sample's client, as the text does
    with pytest.raises(TwilioRestException) as raised:
        run(loop, capsys, namespace)
    assert raised.value.code == 21211 and "'To' number number" in raised.value.msg
    assert len(emulator.outbox()) == 1  # only the first sample's message

    run(loop.replace("to = 'number'", "to = number"), capsys, namespace)
    sent = emulator.outbox()[1:]
    assert [m["to"] for m in sent] == ["+15558675310", "+14158141829", "+15017122661"]
    assert {m["from"] for m in sent} == {"+15017122662"}


def test_the_mms_sample_and_its_media_uri_line(seed_text, emulator, capsys):
    [_, mms] = full_samples(seed_text)
    uri_line = re.search(r"^print\(message\.media\._uri\)$", seed_text, re.M).group()
    printed = run(mms + "\n" + uri_line, capsys)
    [sent] = emulator.outbox()
    assert sent["num_media"] == "1"
    # the library builds `_uri` from the client's own Account SID: here the docs' placeholder
    media_uri = sent["subresource_uris"]["media"].removeprefix("/2010-04-01")
    assert printed == [sent["sid"], media_uri.replace(seed.TRIAL.sid, DOCS_PLACEHOLDERS[0])]


def test_a_client_with_other_credentials_is_refused_offline(emulator):
    from twilio.rest import Client

    with pytest.raises(TwilioRestException) as raised:
        Client("AC" + "0" * 32, "0" * 32).messages.create(body="x", from_="+15017122661",
                                                          to="+15558675310")
    assert raised.value.status == 401 and raised.value.code == 20003
    assert emulator.outbox() == []
