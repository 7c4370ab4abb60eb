"""The fixture in a project outside this repository: a folder with a tiny app that imports only
`twilio`, its tests using `twilio_emulator`, run by `python -m pytest` with this interpreter.

The package is installed (editable) in the environment, so its pytest11 entry point is there:
nothing is installed, no conftest.py, no plugin option. Any real request would go to a dead
local proxy instead of leaving the machine.
"""

import os
import re
import subprocess
import sys

APP = '''\
import os

from twilio.rest import Client


def send_reminder(to, text):
    client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
    message = client.messages.create(
        body=text,
        from_=os.environ["TWILIO_FROM_NUMBER"],
        to=to,
    )
    return message.sid
'''

TESTS = '''\
import pytest
from twilio.base.exceptions import TwilioRestException

from app import send_reminder


def test_the_reminder_is_sent(twilio_emulator):
    sid = send_reminder("+15558675310", "Dentist at 3pm")
    [sent] = twilio_emulator.outbox()
    assert (sent.sid, sent.to, sent.from_, sent.body) == (
        sid, "+15558675310", "+12025550123", "Dentist at 3pm")


def test_each_test_has_its_own_emulator(twilio_emulator):
    send_reminder("+15558675310", "again")
    assert len(twilio_emulator.outbox()) == 1


def test_a_bad_number_is_refused(twilio_emulator):
    with pytest.raises(TwilioRestException) as refused:
        send_reminder("12", "hi")
    assert refused.value.code == 21211


@pytest.mark.twilio_emulator(strict=True)
def test_strict_knows_only_the_seeded_accounts(twilio_emulator):
    with pytest.raises(TwilioRestException) as refused:
        send_reminder("+15558675310", "hi")
    assert refused.value.code == 20003
'''

FAILING = '''\
from app import send_reminder


def test_nothing_is_sent(twilio_emulator):
    send_reminder("+15558675310", "hi")
    assert twilio_emulator.outbox() == []  # wrong on purpose: one message was sent
'''

DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, nothing leaves


def make_project(folder, tests=TESTS):
    (folder / "app.py").write_text(APP)
    (folder / "test_app.py").write_text(tests)
    (folder / "pytest.ini").write_text("[pytest]\n")  # its own root: no config of ours


def run_pytest(folder, *options):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PYTEST_", "TWILIO_", "TUTORIAL_"))}
    env.update(TWILIO_ACCOUNT_SID="AC" + "5" * 32, TWILIO_AUTH_TOKEN="6" * 32,
               TWILIO_FROM_NUMBER="+12025550123", PYTHONDONTWRITEBYTECODE="1",
               HTTP_PROXY=DEAD_PROXY, HTTPS_PROXY=DEAD_PROXY, NO_PROXY="")
    env.pop("PYTHONPATH", None)
    done = subprocess.run(  # other plugins of this venv that the run needs not (seconds each)
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-p", "no:nbval", "-p", "no:hypothesispytest", *options],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def summary(output):
    """pytest's last line without its timing: '4 passed', '1 failed'."""
    last = output.strip().splitlines()[-1]
    return re.sub(r"\s+in [\d.]+s.*$", "", last.strip("= "))


def test_a_project_outside_this_repository_gets_the_fixture(tmp_path):
    make_project(tmp_path)

    status, output = run_pytest(tmp_path)

    assert status == 0, output
    assert summary(output) == "4 passed", output


def test_a_wrong_assertion_there_fails(tmp_path):
    make_project(tmp_path, FAILING)

    status, output = run_pytest(tmp_path)

    assert status == 1, output
    assert summary(output) == "1 failed", output
    assert "assert [{" in output  # the outbox held the message


def test_without_the_plugin_there_is_no_fixture(tmp_path):
    make_project(tmp_path, FAILING)

    status, output = run_pytest(tmp_path, "-p", "no:twilio_emulator")

    assert status == 1, output
    assert "fixture 'twilio_emulator' not found" in output
