"""Fair status callbacks (issue 14, item 6): a stalled callback URL delays neither another
account's callbacks nor the inbox's live updates; a target that always fails gets a bounded
number of POSTs per message; the server never POSTs to itself; each account reads only its
own attempt log."""

import json
import queue
import socket
import threading
import time

import pytest
import requests

from helpers.emulator.runtime.callbacks import CallbackDispatcher, deliver_due_callbacks
from helpers.emulator.seed import DEFAULT_FROM, DEFAULT_TO, TRIAL, UPGRADED
from tests.instructor import BEARER

from .conftest import client_for, start_server

FROM = {TRIAL.sid: DEFAULT_FROM, UPGRADED.sid: "+14155550100"}
SENDERS = [(TRIAL, "+15017122661"), (TRIAL, "+15017122662"), (UPGRADED, "+14155550100"),
           (UPGRADED, "+14155550101")]  # four sender queues: a message `sending` in each

FAIR = 2.0  # wall-clock seconds another account's callback or an inbox event may wait


class StalledServer:
    """A raw TCP server that accepts connections and reads requests but never answers."""

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._held: list[socket.socket] = []
        self.accepted = threading.Event()  # set at its first connection
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/status"

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.accepted.set()
            self._held.append(connection)  # read nothing, answer nothing

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        for connection in self._held:
            connection.close()


@pytest.fixture
def stalled():
    server = StalledServer()
    yield server
    server.close()


def events_of(url: str, into: queue.Queue, stop: threading.Event) -> None:
    """Read the inbox's event stream, putting (time, kind, payload) on `into`."""
    with requests.get(f"{url}/_emulator/events", stream=True, timeout=10,
                      headers=BEARER) as stream:
        kind = None
        for line in stream.iter_lines():
            if stop.is_set():
                return
            if line.startswith(b"event: "):
                kind = line[7:].decode()
            elif line.startswith(b"data: "):
                into.put((time.monotonic(), kind, json.loads(line[6:])))


def test_a_stalled_callback_url_delays_neither_another_account_nor_the_inbox(
        db_path, receiver, stalled):
    server = start_server(db_path, deliver_callbacks=True)
    stop, events = threading.Event(), queue.Queue()
    reader = threading.Thread(target=events_of, args=(server.url, events, stop), daemon=True)
    try:
        reader.start()
        assert events.get(timeout=10)[1] == "snapshot"  # the inbox is connected
        trial = client_for(server, TRIAL)
        for _ in range(12):  # more messages to the stalled URL than there are workers
            trial.messages.create(body="stuck", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                  status_callback=stalled.url)
        server.admin.post(f"{server.url}/_emulator/clock", json={"advance": 2}, timeout=5)
        assert stalled.accepted.wait(FAIR), "no callback POST reached the stalled URL"

        started = time.monotonic()
        sid = client_for(server, UPGRADED).messages.create(
            body="fine", from_=FROM[UPGRADED.sid], to=DEFAULT_TO,
            status_callback=receiver.url).sid
        server.admin.post(f"{server.url}/_emulator/clock", json={"advance": 30}, timeout=5)
        receiver.wait_for(3, timeout=FAIR)
        assert receiver.statuses(sid) == ["sending", "sent", "delivered"]
        assert time.monotonic() - started < FAIR

        texted = time.monotonic()  # an inbound text shows in the open inbox at once
        inbound = server.admin.post(f"{server.url}/_emulator/inbound", timeout=5, json={
            "from": "+15558675310", "to": DEFAULT_FROM, "body": "still live?"}).json()
        deadline = texted + FAIR
        while True:
            at, kind, payload = events.get(timeout=max(0.01, deadline - time.monotonic()))
            if kind == "message" and payload["sid"] == inbound["sid"]:
                break
        assert at - texted < FAIR
    finally:
        stop.set()
        server.stop()


def test_callbacks_of_different_messages_are_posted_concurrently(server):
    dispatcher = CallbackDispatcher(server.emulator, timeout=1.0)
    stalled = [StalledServer() for _ in SENDERS]
    try:
        for (account, from_), target in zip(SENDERS, stalled, strict=True):
            client_for(server, account).messages.create(
                body="hi", from_=from_, to=DEFAULT_TO, status_callback=target.url)
        server.emulator.clock.advance(1)  # four `sending` callbacks are due, to URLs that stall

        started = time.monotonic()
        made = dispatcher.deliver_due()
        took = time.monotonic() - started
    finally:
        for target in stalled:
            target.close()

    assert [a["outcome"] for a in made] == ["retry in 5 s"] * 4
    assert all("timed out" in a["detail"] for a in made)
    assert took < 2.0  # one timeout (1 s), not four one after the other


def test_deliver_due_callbacks_still_sends_each_message_s_callbacks_in_order(server, receiver):
    client = client_for(server)
    sids = [client.messages.create(body=f"hi {n}", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                   status_callback=receiver.url).sid for n in range(6)]
    server.emulator.clock.advance(30)

    made = deliver_due_callbacks(server.emulator)

    assert len(made) == 18 and len(receiver.received) == 18
    for sid in sids:
        assert receiver.statuses(sid) == ["sending", "sent", "delivered"]


def test_a_target_that_always_fails_gets_a_bounded_number_of_posts_per_message(server,
                                                                                 receiver):
    sid = client_for(server).messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                             status_callback=receiver.url).sid
    receiver.fail_next(*[500] * 50)
    for _ in range(200):
        server.emulator.clock.advance(1)
        deliver_due_callbacks(server.emulator)

    posts = [r for r in receiver.received if r["params"]["MessageSid"] == sid]
    # a message's callbacks share one retry budget: at most 5 failures lead to a retry
    assert len(posts) <= 7  # it was 15 (5 tries for each of 3 statuses)
    assert {r["params"]["MessageStatus"] for r in posts} == {"sending", "sent", "delivered"}
    outcomes = [a["outcome"] for a in server.emulator.callback_attempts()
                if a["message_sid"] == sid]
    assert outcomes.count("gave up") == 3  # each status was tried, then given up


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "0.0.0.0"])
def test_a_callback_to_the_server_itself_is_refused(server, host):
    port = server.port
    target = f"http://{host}:{port}/_emulator/clock"
    sid = client_for(server).messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                             status_callback=target).sid
    server.emulator.clock.advance(30)
    before = server.admin.get(f"{server.url}/_emulator/clock", timeout=5).json()

    made = deliver_due_callbacks(server.emulator)

    assert [(a["message_status"], a["http_status"], a["outcome"]) for a in made] == [
        ("sending", None, "refused"), ("sent", None, "refused"), ("delivered", None, "refused")]
    assert "the emulator server itself" in made[0]["detail"]
    assert server.admin.get(f"{server.url}/_emulator/clock", timeout=5).json() == before
    assert server.emulator.pending_callbacks() == []
    assert sid


def test_the_attempt_log_over_http_lists_one_account_s_attempts(server, receiver):
    for account in (TRIAL, UPGRADED):
        client_for(server, account).messages.create(
            body="hi", from_=FROM[account.sid], to=DEFAULT_TO, status_callback=receiver.url)
    server.emulator.clock.advance(30)
    assert len(deliver_due_callbacks(server.emulator)) == 6

    everyone = server.admin.get(f"{server.url}/_emulator/callbacks", timeout=5)
    assert everyone.status_code == 400
    assert "account_sid" in everyone.json()["error"]
    mine = server.admin.get(f"{server.url}/_emulator/callbacks", params={"account_sid": TRIAL.sid},
                        timeout=5).json()["attempts"]
    assert len(mine) == 3 and {a["account_sid"] for a in mine} == {TRIAL.sid}
