"""The core's listing and clearing calls the inbox and admin API use."""

from helpers.emulator import seed

UPGRADED_FROM = seed.UPGRADED.number("long_code").phone_number


def backlog(client, from_, count):
    """`count` one-segment messages: `count` seconds of queue on a long code (1 per second)."""
    return [client.messages.create(body=f"backlog {n}", from_=from_, to=seed.DEFAULT_TO).sid
            for n in range(count)]


def test_clearing_one_account_keeps_the_other_accounts_queue(emulator, client, upgraded):
    backlog(client, seed.DEFAULT_FROM, 60)
    upgraded_backlog = backlog(upgraded, UPGRADED_FROM, 60)

    emulator.clear_messages(seed.TRIAL.sid)
    fresh_trial = client.messages.create(body="fresh", from_=seed.DEFAULT_FROM,
                                         to=seed.DEFAULT_TO).sid
    late_upgraded = upgraded.messages.create(body="late", from_=UPGRADED_FROM,
                                             to=seed.DEFAULT_TO).sid
    emulator.clock.advance(5)

    assert [m["sid"] for m in emulator.outbox(seed.TRIAL.sid)] == [fresh_trial]
    assert client.messages(fresh_trial).fetch().status == "delivered"
    # the upgraded long code still has a minute of backlog ahead of its new message
    assert [m["sid"] for m in emulator.outbox(seed.UPGRADED.sid)] == [*upgraded_backlog,
                                                                      late_upgraded]
    assert upgraded.messages(late_upgraded).fetch().status == "queued"
    emulator.clock.advance(60)
    assert upgraded.messages(late_upgraded).fetch().status == "delivered"


def test_clearing_everything_frees_every_queue_and_forgets_callbacks(emulator, client, upgraded):
    backlog(client, seed.DEFAULT_FROM, 30)
    upgraded.messages.create(body="hi", from_=UPGRADED_FROM, to=seed.DEFAULT_TO,
                             status_callback="https://example.com/status")
    emulator.clock.advance(5)
    assert emulator.pending_callbacks() != []

    emulator.clear_messages()
    sid = client.messages.create(body="again", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO).sid
    emulator.clock.advance(5)

    assert emulator.pending_callbacks() == []
    assert [(m["sid"], m["status"]) for m in emulator.outbox()] == [(sid, "delivered")]


def test_messages_lists_replies_and_media_urls_newest_last(emulator, client, upgraded):
    client.messages.create(body="owl", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO,
                           media_url=[seed.DEMO_MEDIA_URL])
    upgraded.messages.create(body="other account", from_=UPGRADED_FROM, to=seed.DEFAULT_TO)
    reply = emulator.inbound(seed.DEFAULT_TO, seed.DEFAULT_FROM, "reply",
                             ["https://example.com/cat.jpg"])

    trial = emulator.messages(seed.TRIAL.sid)
    newest = emulator.messages(limit=1)

    assert [(m["direction"], m["media_urls"]) for m in trial] == [
        ("outbound-api", [seed.DEMO_MEDIA_URL]), ("inbound", ["https://example.com/cat.jpg"])]
    assert [m["sid"] for m in newest] == [reply["sid"]]
    assert len(emulator.messages()) == 3
    assert [m["direction"] for m in emulator.messages(include_inbound=False)] == [
        "outbound-api", "outbound-api"]
    assert emulator.outbox(seed.TRIAL.sid)[0] == {
        k: v for k, v in trial[0].items() if k != "media_urls"}
