"""What the inbox reads: the newest messages, replies included, changes from any process."""

from twilio.rest import Client

from helpers.emulator import Emulator, EmulatorHttpClient
from helpers.emulator.inbox.view import conversations
from helpers.emulator.seed import DEFAULT_FROM, DEFAULT_TO, DEMO_MEDIA_URL, TRIAL, UPGRADED
from helpers.emulator.state.clock import Clock


def test_newest_messages_oldest_first_with_replies_and_media(db_path):
    emulator = Emulator(str(db_path), clock=Clock())
    client = Client(TRIAL.sid, TRIAL.auth_token, http_client=EmulatorHttpClient(emulator))
    for n in range(4):
        client.messages.create(body=f"sms {n}", from_=DEFAULT_FROM, to=DEFAULT_TO)
    client.messages.create(body="owl", from_=DEFAULT_FROM, to=DEFAULT_TO,
                           media_url=[DEMO_MEDIA_URL])
    emulator.inbound(DEFAULT_TO, DEFAULT_FROM, "reply")

    newest = conversations(emulator, limit=3)

    assert [m["body"][-5:] for m in newest] == ["sms 3", "- owl", "reply"]
    assert [m["media_urls"] for m in newest] == [[], [DEMO_MEDIA_URL], []]
    assert newest[-1]["direction"] == "inbound"


def test_state_version_sees_another_process_and_the_clock(db_path):
    server_side = Emulator(str(db_path), clock=Clock())
    kernel_side = Emulator(str(db_path), clock=Clock())
    client = Client(TRIAL.sid, TRIAL.auth_token, http_client=EmulatorHttpClient(kernel_side))
    before = server_side.state_version()

    client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO)
    after_send = server_side.state_version()
    kernel_side.clock.advance(10)
    conversations(server_side)  # applies the status changes now due
    after_delivery = server_side.state_version()

    assert before != after_send != after_delivery
    assert conversations(server_side)[0]["status"] == "delivered"


def test_clearing_an_account_also_frees_its_senders_queue(db_path):
    emulator = Emulator(str(db_path), clock=Clock())
    client = Client(TRIAL.sid, TRIAL.auth_token, http_client=EmulatorHttpClient(emulator))
    for n in range(60):  # a minute of backlog on the long code (1 segment per second)
        client.messages.create(body=f"backlog {n}", from_=DEFAULT_FROM, to=DEFAULT_TO)

    emulator.clear_messages(TRIAL.sid)
    sid = client.messages.create(body="fresh start", from_=DEFAULT_FROM, to=DEFAULT_TO).sid
    emulator.clock.advance(5)

    assert [(m["sid"], m["status"]) for m in conversations(emulator)] == [(sid, "delivered")]


def test_a_redacted_body_is_flagged_and_a_picture_only_mms_is_not(db_path):
    emulator = Emulator(str(db_path), clock=Clock())
    client = Client(UPGRADED.sid, UPGRADED.auth_token, http_client=EmulatorHttpClient(emulator))
    sender = UPGRADED.number("long_code").phone_number
    secret = client.messages.create(body="code 1234", from_=sender, to=DEFAULT_TO).sid
    kept = client.messages.create(body="keep me", from_=sender, to=DEFAULT_TO).sid
    picture = client.messages.create(from_=sender, to=DEFAULT_TO, media_url=[DEMO_MEDIA_URL]).sid
    emulator.clock.advance(30)
    client.messages(secret).update(body="")

    shown = {m["sid"]: m for m in conversations(emulator)}

    assert (shown[secret]["body"], shown[secret]["redacted"]) == ("", True)
    assert (shown[kept]["body"], shown[kept]["redacted"]) == ("keep me", False)
    assert (shown[picture]["body"], shown[picture]["redacted"]) == ("", False)
