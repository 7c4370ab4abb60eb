"""Status callbacks: retried with backoff on the emulator clock, every attempt logged (one
log for every process sharing the state file)."""

import socket
import threading
import time

import pytest
from twilio.rest import Client

from helpers.emulator import Emulator, EmulatorHttpClient
from helpers.emulator.rules.callbacks import CLAIM_LEASE
from helpers.emulator.runtime.callbacks import (
    CallbackDispatcher,
    deliver_due_callbacks,
    dispatcher_for,
)
from helpers.emulator.seed import DEFAULT_FROM, DEFAULT_TO, TRIAL
from helpers.emulator.state.clock import Clock

from .conftest import client_for, start_server

OWN_LOG = {"account_sid": TRIAL.sid}


def in_process(emulator) -> Client:
    return Client(TRIAL.sid, TRIAL.auth_token, http_client=EmulatorHttpClient(emulator))


def attempts_of(emulator, message_sid, status):
    return [(a["attempt"], a["http_status"], a["outcome"])
            for a in emulator.callback_attempts()
            if a["message_sid"] == message_sid and a["message_status"] == status]


def test_failed_callback_is_retried_with_backoff(server, client, receiver):
    emulator = server.emulator
    sid = client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                 status_callback=receiver.url).sid

    emulator.clock.advance(1)  # now `sending`: its callback is due, and the app answers 500
    receiver.fail_next(500)
    assert [a["outcome"] for a in deliver_due_callbacks(emulator)] == ["retry in 5 s"]
    assert deliver_due_callbacks(emulator) == []  # nothing is due before the backoff ends

    emulator.clock.advance(4)  # `sent` and `delivered` are delivered at once
    assert [a["message_status"] for a in deliver_due_callbacks(emulator)] == ["sent", "delivered"]
    emulator.clock.advance(1)  # 5 s after the failure: the retry, failing again
    receiver.fail_next(503)
    assert [a["outcome"] for a in deliver_due_callbacks(emulator)] == ["retry in 10 s"]
    emulator.clock.advance(9)
    assert deliver_due_callbacks(emulator) == []
    emulator.clock.advance(1)
    deliver_due_callbacks(emulator)

    assert attempts_of(emulator, sid, "sending") == [
        (1, 500, "retry in 5 s"), (2, 503, "retry in 10 s"), (3, 204, "delivered")]
    # Like Twilio's, callbacks can arrive out of order when one had to be retried.
    assert receiver.statuses(sid) == ["sending", "sent", "delivered", "sending", "sending"]


def test_a_callback_is_sent_once_when_two_processes_share_the_state(server, client, receiver,
                                                                    db_path):
    kernel = Emulator(str(db_path), clock=Clock())  # e.g. a notebook kernel beside the server
    client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                           status_callback=receiver.url)
    kernel.clock.advance(30)  # the clock offset is shared through the file

    first = deliver_due_callbacks(server.emulator)
    second = deliver_due_callbacks(kernel)

    assert len(first) == 3 and second == []
    assert len(receiver.received) == 3


def test_a_retry_keeps_its_attempt_number_when_another_process_sends_it(server, client,
                                                                        receiver, db_path):
    kernel = Emulator(str(db_path), clock=Clock())
    sid = client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                 status_callback=receiver.url).sid
    server.emulator.clock.advance(1)
    receiver.fail_next(500)
    assert [a["outcome"] for a in deliver_due_callbacks(server.emulator)] == ["retry in 5 s"]

    kernel.clock.advance(5)  # the retry is due; this time the kernel's dispatcher sends it
    retried = [(a["attempt"], a["outcome"]) for a in deliver_due_callbacks(kernel)
               if a["message_status"] == "sending"]

    assert retried == [(2, "delivered")]
    assert receiver.statuses(sid).count("sending") == 2
    # one log for both processes: the server's admin API shows the kernel's attempt too
    logged = server.admin.get(f"{server.url}/_emulator/callbacks", params=OWN_LOG,
                          timeout=5).json()["attempts"]
    assert [(a["attempt"], a["outcome"]) for a in logged
            if a["message_sid"] == sid and a["message_status"] == "sending"] == [
        (1, "retry in 5 s"), (2, "delivered")]
    kernel.close()


def test_clearing_an_account_forgets_its_logged_attempts(server, client, receiver):
    client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                           status_callback=receiver.url)
    server.emulator.clock.advance(30)
    assert len(deliver_due_callbacks(server.emulator)) == 3

    server.admin.delete(f"{server.url}/_emulator/messages", timeout=5)

    assert server.admin.get(f"{server.url}/_emulator/callbacks", params=OWN_LOG,
                        timeout=5).json() == {"attempts": []}


def test_unreachable_url_is_given_up_after_five_failures_of_the_message(server, client):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{probe.getsockname()[1]}/status"
    sid = client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                 status_callback=closed_url).sid

    for _ in range(20):
        server.emulator.clock.advance(5)
        deliver_due_callbacks(server.emulator)

    # A message's callbacks share one budget of 5 failures: once it is spent, each of them
    # gives up at its next failure (7 POSTs, not 5 for each of the 3 statuses).
    assert [(n, outcome) for n, _, outcome in attempts_of(server.emulator, sid, "sending")] == [
        (1, "retry in 5 s"), (2, "retry in 10 s"), (3, "gave up")]
    for status in ("sent", "delivered"):
        assert [(n, outcome) for n, _, outcome in attempts_of(server.emulator, sid, status)] == [
            (1, "retry in 5 s"), (2, "gave up")]
    logged = server.admin.get(f"{server.url}/_emulator/callbacks", params=OWN_LOG,
                          timeout=5).json()["attempts"]
    assert all("could not reach" in a["detail"] for a in logged if a["message_sid"] == sid)


def test_server_delivers_callbacks_in_the_background(db_path, receiver):
    server = start_server(db_path, deliver_callbacks=True)
    try:
        sid = client_for(server).messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                                 status_callback=receiver.url).sid
        server.admin.post(f"{server.url}/_emulator/clock", json={"advance": 30}, timeout=5)

        receiver.wait_for(3)
    finally:
        server.stop()
    assert receiver.statuses(sid) == ["sending", "sent", "delivered"]


def test_a_post_timeout_longer_than_the_claim_lease_allows_is_refused(server):
    with pytest.raises(ValueError, match="a quarter of the callback claim lease"):
        CallbackDispatcher(server.emulator, timeout=600)


def test_a_callback_claimed_by_a_process_that_died_is_sent_after_the_lease(server, client,
                                                                           receiver, db_path):
    kernel = Emulator(str(db_path), clock=Clock())
    sid = client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                 status_callback=receiver.url).sid
    kernel.clock.advance(1)  # `sending`: its callback is due
    [callback] = kernel.pending_callbacks()
    assert kernel.claim_callback(callback["id"])
    kernel.close()  # the kernel dies before it POSTs

    assert deliver_due_callbacks(server.emulator) == []  # still leased to the dead kernel
    after_lease = time.time() + CLAIM_LEASE
    server.emulator.wall_clock = lambda: after_lease

    assert [a["outcome"] for a in deliver_due_callbacks(server.emulator)] == ["delivered"]
    assert deliver_due_callbacks(server.emulator) == []
    assert receiver.statuses(sid) == ["sending"]


def test_a_kernel_waits_for_the_server_s_delivery_then_sends_the_rest(tmp_path, receiver):
    """Under make lab the server may be POSTing a message's first callback when a notebook
    lets time pass: deliver_due_callbacks waits for it, then delivers the later ones in order,
    so the notebook's next look at its receiver finds every callback due by then."""
    path = str(tmp_path / "shared.db")
    server, kernel = Emulator(path), Emulator(path)
    in_process(kernel).messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                       status_callback=receiver.url)
    kernel.clock.advance(10)  # sending, sent and delivered are all due
    [sending, *_] = server.pending_callbacks()
    assert server.claim_callback(sending["id"])  # the server's POST is under way...
    finish = threading.Timer(0.2, server.mark_callback, (sending["id"], True, "HTTP 204"))
    finish.start()  # ...and ends a moment later

    made = deliver_due_callbacks(kernel)
    finish.join()
    assert [a["message_status"] for a in made] == ["sent", "delivered"]
    assert server.pending_callbacks() == [] and kernel.callbacks_in_flight() == 0


def test_the_wait_for_another_deliverer_is_bounded(tmp_path, receiver):
    path = str(tmp_path / "shared.db")
    server, kernel = Emulator(path), Emulator(path)
    in_process(kernel).messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                       status_callback=receiver.url)
    kernel.clock.advance(10)
    [sending, *_] = server.pending_callbacks()
    assert server.claim_callback(sending["id"])  # a server that hangs mid-POST

    assert deliver_due_callbacks(kernel, settle_timeout=0.2) == []  # gives up, sends nothing
    assert receiver.received == []  # and never overtakes the held callback


def test_an_emulator_that_is_gone_takes_its_dispatcher_and_threads_with_it(receiver):
    import gc
    import weakref

    emulator = Emulator()
    in_process(emulator).messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                         status_callback=receiver.url)
    emulator.clock.advance(10)
    assert len(deliver_due_callbacks(emulator)) == 3  # the dispatcher's pool has run
    dispatcher = weakref.ref(dispatcher_for(emulator))
    del emulator
    gc.collect()
    assert dispatcher() is None  # the registry no longer keeps every emulator ever made
