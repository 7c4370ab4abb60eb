"""SIGKILL under load (issue 14): a room's server, authentication on, is killed while learners
send; every create it acknowledged (201) is in the state file, and the learners still sign in."""

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from twilio.rest import Client

from helpers.emulator import Emulator
from helpers.emulator.transports.remote import EmulatorServerHttpClient
from tests.instructor import ADMIN_KEY, env_of, join_room

REPO = Path(__file__).resolve().parents[2]
LEARNERS = 3
SENDERS_EACH = 2
ACKNOWLEDGED_BEFORE_KILL = 300

pytestmark = pytest.mark.xdist_group("kill_under_load")


def join(url: str, name: str) -> dict[str, str]:
    return env_of(join_room(url, name)[2].text)


def send_until_gone(url: str, learner: dict[str, str], acknowledged: list[str],
                    enough: threading.Event) -> None:
    client = Client(learner["TWILIO_ACCOUNT_SID"], learner["TWILIO_AUTH_TOKEN"],
                    http_client=EmulatorServerHttpClient(url, timeout=5))
    n = 0
    while True:
        try:
            sent = client.messages.create(body=f"load {n}", from_=learner["TWILIO_FROM_NUMBER"],
                                          to=learner["MY_PHONE_NUMBER"])
        except Exception:  # the server is gone (killed): what was acknowledged is counted
            return
        acknowledged.append(sent.sid)
        if len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
            enough.set()
        n += 1


def test_sigkill_under_load_loses_nothing_acknowledged(tmp_path):
    state = tmp_path / "room.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "helpers.emulator", "serve", "--port", "0", "--room",
         "--db", str(state)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, TWILIO_EMULATOR_ADMIN_KEY=ADMIN_KEY))
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline()).group(0)
        learners = [join(url, f"Learner {n}") for n in range(LEARNERS)]
        acknowledged: list[str] = []
        enough = threading.Event()
        senders = [threading.Thread(target=send_until_gone,
                                    args=(url, learner, acknowledged, enough))
                   for learner in learners for _ in range(SENDERS_EACH)]
        for sender in senders:
            sender.start()
        assert enough.wait(60), f"not {ACKNOWLEDGED_BEFORE_KILL} acknowledged creates in 60 s"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        for sender in senders:
            sender.join(30)
    finally:
        process.kill()
        process.wait(10)

    emulator = Emulator(str(state))
    try:
        kept = {m["sid"] for m in emulator.messages()}
        lost = set(acknowledged) - kept
        assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged creates were lost"
        assert [learner.name for learner in emulator.learners()] == [
            f"Learner {n}" for n in range(LEARNERS)]
        for learner in learners:
            assert emulator.authenticate(learner["TWILIO_ACCOUNT_SID"],
                                         learner["TWILIO_AUTH_TOKEN"]).sid == learner[
                "TWILIO_ACCOUNT_SID"]
    finally:
        emulator.close()
