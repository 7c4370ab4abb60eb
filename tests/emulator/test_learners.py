"""A workshop room: each learner's own trial and upgraded accounts, numbers and services,
through the real twilio client; learners kept in the state file and shared by processes."""

import sqlite3

import pytest
from twilio.request_validator import RequestValidator

from helpers.emulator import Emulator, seed
from helpers.emulator.errors import TwilioError
from helpers.emulator.inbox.view import accounts as inbox_accounts
from helpers.emulator.rules.timeline import DELIVERY_DELAY, DISPATCH_DELAY
from helpers.emulator.runtime.callbacks import deliver_due_callbacks
from helpers.facts import FAILURE_NUMBERS, MAGIC_FROM, MAGIC_FROM_OK, MAGIC_TO, TRIAL_PREFIX
from helpers.status_receiver import StatusReceiver

from .conftest import make_client
from .helpers_for_tests import rest_error

PHONE = seed.DEFAULT_TO  # a verified phone of the room, shared by every learner


def long_code(account: seed.Account) -> str:
    return account.number("long_code").phone_number


@pytest.fixture
def ada(emulator):
    return emulator.add_learner("Ada")


@pytest.fixture
def bob(emulator):
    return emulator.add_learner("Bob")


def test_a_learners_trial_account_sends_from_its_own_number(emulator, ada):
    client = make_client(emulator, ada.trial)
    message = client.messages.create(body="Hi", from_=long_code(ada.trial), to=PHONE)

    assert (message.account_sid, message.status) == (ada.trial.sid, "queued")
    assert message.body == TRIAL_PREFIX + "Hi"
    statuses = []
    for _ in range(4):
        emulator.clock.advance(DISPATCH_DELAY)
        statuses.append(client.messages(message.sid).fetch().status)
    assert statuses == ["sending", "sent", "sent", "delivered"]


def test_a_learners_trial_account_texts_only_the_rooms_verified_phones(emulator, ada):
    client = make_client(emulator, ada.trial)
    assert rest_error(client.messages.create, body="Hi", from_=long_code(ada.trial),
                      to="+14155559999").code == 21608


@pytest.mark.parametrize("owner", ["other learner", "seeded trial", "seeded upgraded"])
def test_a_learner_cannot_send_from_a_number_of_another_account(emulator, ada, bob, owner):
    account = {"other learner": bob.upgraded, "seeded trial": seed.TRIAL,
               "seeded upgraded": seed.UPGRADED}[owner]
    client = make_client(emulator, ada.upgraded)
    for number in (long_code(account), account.number("short_code").phone_number):
        error = rest_error(client.messages.create, body="Hi", from_=number, to=PHONE)
        assert (error.status, error.code) == (400, 21606)
    assert emulator.outbox() == []


def test_a_learner_cannot_use_another_accounts_messaging_service(emulator, ada, bob):
    client = make_client(emulator, ada.trial)
    error = rest_error(client.messages.create, body="Hi", to=PHONE,
                       messaging_service_sid=bob.trial.messaging_service.sid)
    assert error.code == 21705


def test_a_learners_messaging_service_sends_from_its_own_pool(emulator, ada):
    client = make_client(emulator, ada.upgraded)
    service = ada.upgraded.messaging_service
    message = client.messages.create(body="Hi", to=PHONE, messaging_service_sid=service.sid)
    emulator.clock.advance(DISPATCH_DELAY)

    sender = client.messages(message.sid).fetch().from_
    assert sender in service.senders
    assert sender.startswith("+1629")
    assert [s.sid for s in client.messaging.v1.services.list()] == [service.sid]
    pool = client.messaging.v1.services(service.sid).phone_numbers.list()
    assert [n.phone_number for n in pool] == list(service.senders)


def test_two_learners_bulk_sends_do_not_delay_each_other(emulator, ada, bob):
    ada_client = make_client(emulator, ada.upgraded)
    bob_client = make_client(emulator, bob.upgraded)
    ada_sids = [ada_client.messages.create(body=f"bulk {i}", from_=long_code(ada.upgraded),
                                           to=PHONE).sid for i in range(20)]
    bob_sid = bob_client.messages.create(body="one", from_=long_code(bob.upgraded), to=PHONE).sid

    emulator.clock.advance(DISPATCH_DELAY + 1 + DELIVERY_DELAY)  # one segment, at 1 per second
    assert bob_client.messages(bob_sid).fetch().status == "delivered"
    assert ada_client.messages(ada_sids[-1]).fetch().status == "queued"


def test_inbound_to_a_learners_number_lands_in_that_account_only(emulator, ada, bob):
    reply = emulator.inbound(PHONE, long_code(ada.trial), "Hello Ada")

    assert reply["account_sid"] == ada.trial.sid
    ada_client = make_client(emulator, ada.trial)
    assert [m.sid for m in ada_client.messages.list()] == [reply["sid"]]
    for other in (ada.upgraded, bob.trial, bob.upgraded, seed.TRIAL):
        assert make_client(emulator, other).messages.list() == []


def test_a_learner_cannot_fetch_another_learners_message(emulator, ada, bob):
    bob_client = make_client(emulator, bob.trial)
    sid = bob_client.messages.create(body="mine", from_=long_code(bob.trial), to=PHONE).sid

    error = rest_error(make_client(emulator, ada.trial).messages(sid).fetch)
    assert (error.status, error.code) == (404, 20404)
    assert bob_client.messages(sid).fetch().body.endswith("mine")


@pytest.mark.parametrize("token", ["wrong", "0" * 32, seed.TRIAL.auth_token])
def test_a_wrong_token_for_a_learner_is_20003(emulator, ada, token):
    client = make_client(emulator, seed.Account(ada.trial.sid, token, "wrong", "Trial"))
    error = rest_error(client.messages.create, body="Hi", from_=long_code(ada.trial), to=PHONE)
    assert (error.status, error.code) == (401, 20003)
    with pytest.raises(TwilioError) as caught:
        emulator.authenticate(ada.trial.sid, token)
    assert caught.value.code == 20003


def test_another_learners_token_opens_nothing(emulator, ada, bob):
    with pytest.raises(TwilioError):
        emulator.authenticate(ada.trial.sid, bob.trial.auth_token)
    assert emulator.authenticate(ada.trial.sid, ada.trial.auth_token) is ada.trial


def test_status_callbacks_are_signed_with_the_learners_token(emulator, ada, bob):
    client = make_client(emulator, ada.upgraded)
    with StatusReceiver() as receiver:
        client.messages.create(body="sign me", from_=long_code(ada.upgraded), to=PHONE,
                               status_callback=receiver.url)
        emulator.clock.advance(30)
        deliver_due_callbacks(emulator)
    received = receiver.received

    assert [r["params"]["MessageStatus"] for r in received] == ["sending", "sent", "delivered"]
    for token, valid in ((ada.upgraded.auth_token, True), (ada.trial.auth_token, False),
                         (bob.upgraded.auth_token, False), (seed.UPGRADED.auth_token, False)):
        validator = RequestValidator(token)
        assert all(validator.validate(r["url"], r["params"], r["signature"]) == valid
                   for r in received)


def test_learners_survive_closing_and_reopening_the_state_file(tmp_path):
    path = str(tmp_path / "room.sqlite")
    first = Emulator(path)
    ada = first.add_learner("Ada")
    first.close()

    again = Emulator(path)
    try:
        [kept] = again.learners()
        assert (kept.number, kept.name, kept.created) == (1, "Ada", ada.created)
        assert kept.trial.sid == ada.trial.sid and kept.upgraded.sid == ada.upgraded.sid
        client = make_client(again, ada.trial)
        assert client.messages.create(body="Hi", from_=long_code(ada.trial), to=PHONE).sid
        assert again.add_learner("Bob").number == 2
    finally:
        again.close()


def test_a_second_emulator_on_the_file_knows_the_learners_the_first_adds(tmp_path):
    path = str(tmp_path / "room.sqlite")
    server, kernel = Emulator(path), Emulator(path)
    try:
        assert kernel.authenticate(seed.TRIAL.sid, seed.TRIAL.auth_token) is seed.TRIAL
        ada = server.add_learner("Ada")
        assert kernel.authenticate(ada.trial.sid, ada.trial.auth_token).sid == ada.trial.sid
        message = make_client(kernel, ada.upgraded).messages.create(
            body="Hi", from_=long_code(ada.upgraded), to=PHONE)
        assert [m["sid"] for m in server.outbox(ada.upgraded.sid)] == [message.sid]
        assert kernel.inbound(PHONE, long_code(ada.trial), "hi")["account_sid"] == ada.trial.sid
        bob = kernel.add_learner("Bob")
        assert bob.number == 2
        assert [one.name for one in server.learners()] == ["Ada", "Bob"]
    finally:
        server.close()
        kernel.close()


def test_a_state_file_from_before_learners_opens_and_takes_them(tmp_path):
    path = str(tmp_path / "old.sqlite")
    Emulator(path).close()
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE learners")
    emulator = Emulator(path)
    try:
        assert emulator.learners() == []
        assert emulator.add_learner("Ada").number == 1
    finally:
        emulator.close()


def test_learners_stay_when_the_emulator_resets(emulator, ada):
    emulator.reset()
    assert [one.trial.sid for one in emulator.learners()] == [ada.trial.sid]


@pytest.mark.parametrize(("given", "kept"), [
    ("  Ada   Lovelace \n", "Ada Lovelace"),
    ("Zoë\tO'Brien-Núñez", "Zoë O'Brien-Núñez"),
    ("x" * 40, "x" * 40),
])
def test_names_are_tidied(emulator, given, kept):
    assert emulator.add_learner(given).name == kept


@pytest.mark.parametrize("name", ["", "   ", "x" * 41, "bell\x07", "zero\u200bwidth", None])
def test_names_that_are_not_1_to_40_printable_characters_are_refused(emulator, name):
    with pytest.raises(ValueError, match="1 to 40 printable characters"):
        emulator.add_learner(name)
    assert emulator.learners() == []


def test_the_room_holds_500_learners(emulator):
    for n in range(seed.MAX_LEARNERS):
        emulator.add_learner(f"Learner {n}")
    with pytest.raises(ValueError, match="The room is full"):
        emulator.add_learner("One too many")
    learners = emulator.learners()
    assert [one.number for one in learners] == list(range(1, seed.MAX_LEARNERS + 1))
    last = learners[-1]
    assert make_client(emulator, last.trial).messages.create(
        body="Hi", from_=long_code(last.trial), to=PHONE).from_ == "+16285555001"


def test_learner_numbers_are_unique_and_never_seeded_magic_or_failure_numbers():
    learners = [seed.learner(n, "L", f"AC{n:032x}", "t", f"AC{n + 1000:032x}", "u", 0.0)
                for n in range(1, seed.MAX_LEARNERS + 1)]
    numbers = [number.phone_number for one in learners
               for account in (one.trial, one.upgraded) for number in account.numbers]
    reserved = ({n.phone_number for a in seed.ACCOUNTS for n in a.numbers}
                | set(seed.TRIAL.verified) | set(FAILURE_NUMBERS) | set(MAGIC_FROM)
                | set(MAGIC_TO) | {MAGIC_FROM_OK, seed.OPTED_OUT_NUMBER, seed.LANDLINE_NUMBER})
    assert len(numbers) == len(set(numbers)) == 12 * seed.MAX_LEARNERS
    assert not reserved & set(numbers)
    sids = [number.sid for one in learners for account in (one.trial, one.upgraded)
            for number in account.numbers]
    assert len(set(sids)) == len(sids)


def test_a_learner_mirrors_the_seeded_accounts(ada):
    for mine, seeded in ((ada.trial, seed.TRIAL), (ada.upgraded, seed.UPGRADED)):
        assert mine.type == seeded.type and mine.verified == seeded.verified
        assert [(n.kind, n.sms, n.mms, n.voice, n.mps) for n in mine.numbers] == [
            (n.kind, n.sms, n.mms, n.voice, n.mps) for n in seeded.numbers]
        assert [n.kind for n in mine.messaging_service.pool] == [
            n.kind for n in seeded.messaging_service.pool]
    assert len(ada.trial.sid) == 34 and ada.trial.sid.startswith("AC")
    assert int(ada.trial.sid[2:], 16) >= 0 and ada.trial.sid[2:] == ada.trial.sid[2:].lower()
    assert len({ada.trial.auth_token, ada.upgraded.auth_token}) == 2


def test_accounts_lists_seeded_then_learners_and_never_prints_tokens(emulator, ada, bob):
    assert emulator.accounts() == [*seed.ACCOUNTS, ada.trial, ada.upgraded, bob.trial,
                                   bob.upgraded]
    assert emulator.account(bob.upgraded.sid) is bob.upgraded
    assert emulator.account("AC" + "f" * 32) is None
    listed = inbox_accounts(emulator)
    assert [a["sid"] for a in listed] == [a.sid for a in emulator.accounts()]
    assert [a["sid"] for a in inbox_accounts()] == [a.sid for a in seed.ACCOUNTS]
    text = repr(emulator.learners()) + repr(emulator.accounts()) + repr(listed)
    for learner in (ada, bob):
        for account in (learner.trial, learner.upgraded):
            assert account.auth_token not in text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd",
                                 "data:image/png;base64,AAAA"])
def test_inbound_refuses_a_media_url_twilio_would_refuse(emulator, ada, url):
    with pytest.raises(ValueError) as caught:
        emulator.inbound(PHONE, long_code(ada.trial), "STOP",
                         media_urls=[seed.DEMO_MEDIA_URL, url])
    assert isinstance(caught.value, TwilioError) and caught.value.code == 21620
    assert url in caught.value.message
    assert emulator.messages() == []
    client = make_client(emulator, ada.trial)  # the STOP was not recorded either
    assert client.messages.create(body="Hi", from_=long_code(ada.trial), to=PHONE).sid
