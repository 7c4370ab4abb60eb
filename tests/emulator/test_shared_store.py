"""A sqlite file shared by two Emulator instances (as the server and a notebook do), and
state files written by another version of the emulator (refused, naming the fix)."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading

import pytest

from helpers.emulator import Emulator, seed
from helpers.emulator.state.store import FILE_VERSION, StateFileError

from .conftest import make_client


def test_two_instances_share_messages_clock_and_queues(tmp_path):
    path = str(tmp_path / "emulator.db")
    server, notebook = Emulator(path), Emulator(path)
    server_client = make_client(server, seed.TRIAL)
    notebook_client = make_client(notebook, seed.TRIAL)

    first = notebook_client.messages.create(body="one", from_=seed.DEFAULT_FROM,
                                            to=seed.DEFAULT_TO)
    second = server_client.messages.create(body="two", from_=seed.DEFAULT_FROM,
                                           to=seed.DEFAULT_TO)
    assert first.sid != second.sid
    assert [m.sid for m in server_client.messages.list()] == [second.sid, first.sid]

    server.clock.advance(2.5)
    assert notebook.clock.now() == server.clock.now()
    # the second message queued behind the first on the same long code (1 segment/s)
    assert notebook_client.messages(first.sid).fetch().status == "sent"
    assert notebook_client.messages(second.sid).fetch().status == "sending"

    notebook.inbound("+15558675310", seed.DEFAULT_FROM, "STOP")
    error_code = None
    try:
        server_client.messages.create(body="x", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    except Exception as error:  # noqa: BLE001 - the assertion below names what we expect
        error_code = getattr(error, "code", error)
    assert error_code == 21610
    server.close()
    notebook.close()


def test_a_request_reads_the_clock_as_either_instance_last_moved_it(tmp_path):
    """Requests read the shared clock inside their transaction (the offset cached at its
    start): a move by this instance or by the other one shows in the very next request."""
    path = str(tmp_path / "emulator.db")
    server, notebook = Emulator(path), Emulator(path)
    clients = {"server": make_client(server, seed.TRIAL),
               "notebook": make_client(notebook, seed.TRIAL)}

    def created(who: str):
        return clients[who].messages.create(body=who, from_=seed.DEFAULT_FROM,
                                            to=seed.DEFAULT_TO).date_created

    before = {who: created(who) for who in clients}
    for mover in (server, notebook):
        mover.clock.advance(3600)
        for who in clients:
            assert (created(who) - before[who]).total_seconds() >= 3600, (who, mover)
        before = {who: created(who) for who in clients}
    server.close()
    notebook.close()


def test_reopening_the_file_keeps_state(tmp_path):
    path = str(tmp_path / "emulator.db")
    first = Emulator(path)
    sid = make_client(first, seed.TRIAL).messages.create(
        body="kept", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO).sid
    first.clock.advance(60)
    first.close()
    again = Emulator(path)
    message = make_client(again, seed.TRIAL).messages(sid).fetch()
    assert (message.body[-4:], message.status) == ("kept", "delivered")
    again.close()


OTHER_VERSIONS = {  # (row numbers declared AUTOINCREMENT, PRAGMA user_version)
    "older": (True, 0),
    "newer": (True, FILE_VERSION + 1),
    "from before AUTOINCREMENT": (False, FILE_VERSION),  # its SIDs could repeat
}


@pytest.mark.parametrize("autoincrement, version", OTHER_VERSIONS.values(),
                         ids=OTHER_VERSIONS.keys())
def test_a_file_of_another_version_is_refused_and_deleting_it_is_the_fix(tmp_path,
                                                                         autoincrement, version):
    path = tmp_path / "emulator.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        f"CREATE TABLE messages (seq INTEGER PRIMARY KEY{' AUTOINCREMENT' * autoincrement},"
        f" body TEXT); INSERT INTO messages VALUES (1, 'practice');"
        f" PRAGMA user_version = {version};")
    old.close()

    with pytest.raises(StateFileError, match=re.escape(f"delete the file ({path})")):
        Emulator(str(path))
    with sqlite3.connect(path) as untouched:
        assert untouched.execute("SELECT body FROM messages").fetchall() == [("practice",)]

    path.unlink()
    fresh = Emulator(str(path))
    assert fresh.outbox() == []
    fresh.close()


def test_twenty_threads_create_without_losing_or_duplicating(emulator):
    """One sqlite connection (in memory here; a file is the same code) under the lock."""
    client = make_client(emulator, seed.TRIAL)
    senders = [n.phone_number for n in seed.TRIAL.numbers if n.sms]
    sids, errors = [], []

    def work(index):
        try:
            for i in range(10):
                sids.append(client.messages.create(
                    body=f"{index}-{i}", from_=senders[index % len(senders)],
                    to=seed.DEFAULT_TO).sid)
        except Exception as error:  # noqa: BLE001 - collected and asserted empty below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(sids) == len(set(sids)) == 200
    assert len(emulator.outbox()) == 200


def test_another_process_sees_and_moves_the_same_world(tmp_path):
    path = str(tmp_path / "shared.db")
    here = Emulator(path)
    client = make_client(here, seed.TRIAL)
    sid = client.messages.create(body="from the notebook", from_=seed.DEFAULT_FROM,
                                 to=seed.DEFAULT_TO).sid
    script = (
        "import sys, json\n"
        "from helpers.emulator import Emulator\n"
        "emu = Emulator(sys.argv[1])\n"
        "emu.clock.advance(10)\n"
        "print(json.dumps([m['sid'] for m in emu.outbox()]))\n"
        "emu.inbound('+15558675310', '+15017122661', 'reply from the phone')\n"
    )
    result = subprocess.run([sys.executable, "-c", script, path], capture_output=True,
                            text=True, check=True, cwd=os.getcwd())
    assert json.loads(result.stdout) == [sid]
    assert client.messages(sid).fetch().status == "delivered"
    assert [m.body for m in client.messages.list(to=seed.DEFAULT_FROM)] == [
        "reply from the phone"]
    here.close()


def test_sids_are_never_reused_after_a_delete(emulator):
    client = make_client(emulator, seed.TRIAL)
    first = client.messages.create(body="one", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    emulator.clock.advance(10)
    client.messages(first.sid).delete()
    again = client.messages.create(body="two", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    assert again.sid != first.sid


def test_invalidate_rereads_tables_changed_with_own_sql(tmp_path):
    emulator = Emulator(str(tmp_path / "edited.db"))
    client = make_client(emulator, seed.TRIAL)
    for i in range(5):
        client.messages.create(body=str(i), from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    with emulator.store.transaction():
        emulator.store.db.execute("DELETE FROM messages")
        emulator.store.db.execute("DELETE FROM senders")
    emulator.store.invalidate()
    message = client.messages.create(body="now", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    emulator.clock.advance(1)
    assert client.messages(message.sid).fetch().status == "sending"
    emulator.close()
