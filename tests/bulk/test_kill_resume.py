"""Kill -9 a bulk send 20 times at random points, resume it, and find every recipient messaged
exactly once in the emulator's record."""

import os
import random
import selectors
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from helpers.bulk import Ledger
from helpers.bulk.ledger import campaign_id
from helpers.emulator import Emulator

from .conftest import ACCOUNT, SHORT_CODE, numbers
from .kill_child import BODY

CHILD = Path(__file__).with_name("kill_child.py")
ROOT = Path(__file__).resolve().parents[2]
COUNT = 150
KILLS = 20
RUN_LIMIT = 60.0  # seconds one child may stay silent before the test fails


def run_child(emulator_db, ledger, kill_after: int | None) -> list[str]:
    """Run the child; SIGKILL it after `kill_after` finished recipients. Returns its lines."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(CHILD), emulator_db, ledger, str(COUNT)],
                             stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    lines, selector = [], selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    try:
        while kill_after is None or len(lines) < kill_after + 1:  # +1: the "ready" line
            assert selector.select(timeout=RUN_LIMIT), f"child silent for {RUN_LIMIT} s"
            line = child.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
        if kill_after is not None and child.poll() is None:
            child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=RUN_LIMIT)
        child.stdout.close()
        selector.close()
    return lines


def test_sigkill_at_random_points_then_resume_sends_everyone_exactly_once(tmp_path):
    emulator_db, ledger = str(tmp_path / "emulator.sqlite"), str(tmp_path / "ledger.sqlite")
    rng = random.Random(20261127)
    campaign = campaign_id(ACCOUNT.sid, BODY, SHORT_CODE, None, [])
    killed_mid_run = created_but_unrecorded = 0
    for _ in range(KILLS):
        lines = run_child(emulator_db, ledger, kill_after=rng.randint(0, 6))
        killed_mid_run += "done" not in lines
        # the dangerous window: Twilio has the message, the ledger only says "inflight"
        created = {m["to"] for m in outbox(emulator_db)}
        created_but_unrecorded += sum(
            1 for to, o in Ledger(ledger).outcomes(campaign).items()
            if o.state == "inflight" and to in created)
    final = run_child(emulator_db, ledger, kill_after=None)
    assert final[-1] == "done"
    assert killed_mid_run == KILLS  # every kill landed before the send was complete
    assert created_but_unrecorded > 0  # and some landed right after Twilio created a message

    messages = outbox(emulator_db)
    assert Counter(m["to"] for m in messages) == Counter({to: 1 for to in numbers(COUNT)})
    outcomes = Ledger(ledger).outcomes(campaign)
    assert {o.state for o in outcomes.values()} == {"sent"}
    assert {to: o.sid for to, o in outcomes.items()} == {m["to"]: m["sid"] for m in messages}


def outbox(emulator_db) -> list[dict]:
    emulator = Emulator(emulator_db)
    try:
        return emulator.outbox(ACCOUNT.sid)
    finally:
        emulator.close()
