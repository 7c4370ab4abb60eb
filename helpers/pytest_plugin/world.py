"""``TwilioEmulator``: what the ``twilio_emulator`` fixture gives a test, and how it routes clients.

One fresh in-process ``Emulator`` per test. New ``twilio.rest.Client`` objects get the same
HTTP client ``emulate_twilio()`` gives a notebook (``helpers.offline.InProcessClient``: the
in-process emulator, the docs' placeholder credentials meaning the trial account), here bound
to this test's emulator. A plain ``TwilioHttpClient`` made before the test (a module-level
``client = Client(...)`` imported at collection) is routed there too while the test runs, so
no test of yours reaches api.twilio.com.

Permissive (the default): the first request with credentials the emulator does not know makes
them an account of this emulator (type Full: no trial prefix, any number it may text), and
each From number a create names becomes one of that account's numbers. Seeded credentials
keep the seeded rules. Strict (``@pytest.mark.twilio_emulator(strict=True)``): only the seeded
accounts, the room's learners and what the test adds with ``add_account()``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from twilio.base import client_base
from twilio.http.http_client import TwilioHttpClient

from ..emulator import Emulator, seed
from ..emulator.rules import numbers as number_rules
from ..emulator.rules.accounts import Directory
from ..emulator.runtime.callbacks import compute_signature, deliver_due_callbacks
from ..facts import SENDER_MPS, SIGNATURE_HEADER, is_short_code, sender_kind
from ..offline import DOCS_PLACEHOLDERS, InProcessClient

APP_ACCOUNT_NAME = "Your app's account (twilio_emulator)"
CAPTURED = "captured by the twilio_emulator fixture (not POSTed)"
MAX_SID_TEXT = 64  # an Account SID is 34 characters; longer is no account worth adding


# -- the accounts of the code under test -------------------------------------------------
def phone_number(raw: str) -> seed.PhoneNumber | None:
    """The number an account owns when it sends From ``raw``: a phone number (E.164; a
    toll-free one paced like Twilio's toll-free numbers) or a short code; else None."""
    text = raw.strip()
    parsed = None if is_short_code(text) else number_rules.parse_number(text)
    if parsed is None and not is_short_code(text):
        return None
    number = parsed[0] if parsed else text
    kind = sender_kind(number)  # 'long code', 'toll-free' or 'short code'
    return seed.PhoneNumber(number, seed.derived_sid("SC" if parsed is None else "PN", number),
                            kind.replace(" ", "_").replace("-", "_"),
                            f"{number} (your app's {kind})", voice=parsed is not None,
                            mps=SENDER_MPS[kind])


class AppAccounts(Directory):
    """The emulator's accounts (seeded, learners) plus the ones the test's code brings.

    Installed as ``emulator.directory``: ``Emulator.handle``, ``inbound`` and
    ``authenticate`` look accounts up through it.
    """

    def __init__(self, store):
        super().__init__(store)
        self._app_lock = threading.Lock()
        self._apps: dict[str, seed.Account] = {}
        self._app_numbers: dict[str, tuple[seed.Account, seed.PhoneNumber]] = {}

    def account(self, sid: str) -> seed.Account | None:
        return self._apps.get(sid) or super().account(sid)

    def owner(self, number: str) -> tuple[seed.Account, seed.PhoneNumber] | None:
        return super().owner(number) or self._app_numbers.get(number)

    def accounts(self) -> list[seed.Account]:
        return super().accounts() + list(self._apps.values())

    def app_accounts(self) -> list[seed.Account]:
        """The accounts added for the code under test, in the order they came."""
        return list(self._apps.values())

    def add_account(self, sid: str, auth_token: str, numbers: Iterable[str] = (),
                    type: str = "Full") -> seed.Account:
        """Add (or replace) the account ``sid`` opened by ``auth_token``, owning ``numbers``."""
        if super().account(sid) is not None:
            raise ValueError(f"{sid} is already one of the emulator's own accounts")
        if type not in ("Full", "Trial"):
            raise ValueError(f"type is 'Full' or 'Trial', got {type!r}")
        owned = []
        for raw in numbers:
            number = phone_number(raw)
            if number is None:
                raise ValueError(f"{raw!r} is not a phone number in E.164 (+14155550100)"
                                 " or a short code")
            owned.append(number)
        account = seed.Account(sid=sid, auth_token=auth_token, friendly_name=APP_ACCOUNT_NAME,
                               type=type, numbers=tuple(owned),
                               verified=seed.TRIAL.verified if type == "Trial" else ())
        with self._app_lock:
            self._store_account(account)
        return account

    def admit(self, sid: str, auth_token: str, from_: str | None) -> None:
        """Permissive: credentials nobody has become an account; its From becomes its number."""
        if not sid or len(sid) > MAX_SID_TEXT or Directory.account(self, sid) is not None:
            return  # seeded accounts and learners keep their own rules
        with self._app_lock:
            account = self._apps.get(sid)
            if account is None:
                account = seed.Account(sid=sid, auth_token=auth_token,
                                       friendly_name=APP_ACCOUNT_NAME, type="Full")
            elif account.auth_token != auth_token:
                return  # another token for a known SID: Twilio's 20003, as it should be
            number = phone_number(from_) if isinstance(from_, str) else None
            if number is not None and account.owned(number.phone_number) is None:
                account = dataclasses.replace(account, numbers=(*account.numbers, number))
            if self._apps.get(sid) is not account:
                self._store_account(account)

    def add_number(self, account: seed.Account, raw: str) -> seed.Account:
        """``account`` (an app account) owning ``raw`` too; returns the account as it is now."""
        number = phone_number(raw)
        if number is None:
            raise ValueError(f"{raw!r} is not a phone number in E.164 (+14155550100)")
        with self._app_lock:
            current = self._apps[account.sid]
            if current.owned(number.phone_number) is None:
                current = dataclasses.replace(current, numbers=(*current.numbers, number))
                self._store_account(current)
            return current

    def _store_account(self, account: seed.Account) -> None:
        self._apps[account.sid] = account  # a new object: the rules' caches key on identity
        for number in account.numbers:
            self._app_numbers.setdefault(number.phone_number, (account, number))
            if self._app_numbers[number.phone_number][0].sid == account.sid:
                self._app_numbers[number.phone_number] = (account, number)


# -- what a test reads --------------------------------------------------------------------
class Sent(dict):
    """A message as Twilio's JSON (``sid``, ``to``, ``from``, ``body``, ``status``,
    ``error_code``...) plus ``media_urls`` and ``from_``; every key is an attribute too:
    ``message.body``, ``message.from_``."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _sent(message: dict) -> Sent:
    return Sent(message, from_=message.get("from"), media_urls=message.get("media_urls", []))


@dataclass(frozen=True)
class StatusCallback:
    """One status callback as Twilio would POST it: ``url``, the form ``params`` and the
    ``signature`` (``X-Twilio-Signature``, signed with the sending account's Auth Token).

    Hand it to your web app's test client: ``app.test_client().post(path, data=cb.params,
    headers=cb.headers)``; ``RequestValidator(token).validate(cb.url, cb.params,
    cb.signature)`` is True."""

    url: str
    params: dict = field(repr=False)
    signature: str = field(repr=False)

    @property
    def status(self) -> str:
        return self.params["MessageStatus"]

    @property
    def message_sid(self) -> str:
        return self.params["MessageSid"]

    @property
    def headers(self) -> dict[str, str]:
        return {SIGNATURE_HEADER: self.signature}

    def __repr__(self) -> str:
        return f"StatusCallback({self.message_sid} {self.status} -> {self.url})"


class TwilioEmulator:
    """The ``twilio_emulator`` fixture: this test's own offline Twilio.

    ``outbox()``, ``messages()``, ``advance(seconds)``, ``chaos(...)``, ``inbound(...)``,
    ``status_callbacks()``, ``deliver_callbacks()``, ``add_account(...)``; ``emulator`` is
    the ``helpers.emulator.Emulator`` itself, ``trial`` and ``upgraded`` its seeded accounts.
    """

    trial = seed.TRIAL
    upgraded = seed.UPGRADED

    def __init__(self, strict: bool = False):
        self.strict = strict
        self.emulator = Emulator()
        self.directory = AppAccounts(self.emulator.store)
        self.emulator.directory = self.directory
        self._lock = threading.Lock()
        self._chaos_left: int | None = None
        self._captured: list[StatusCallback] = []

    def __repr__(self) -> str:
        world = "strict: seeded accounts only" if self.strict else "permissive"
        return f"<twilio_emulator ({world}), {len(self.outbox())} sent>"

    # -- clients --------------------------------------------------------------------------
    def http_client(self) -> FixtureHttpClient:
        """A ``twilio.http.HttpClient`` answered by this emulator (what new Clients get)."""
        return FixtureHttpClient(self)

    def client(self, account_sid: str | None = None, auth_token: str | None = None):
        """A ``twilio.rest.Client`` of this emulator (default: the seeded trial account)."""
        from twilio.rest import Client

        return Client(account_sid or self.trial.sid, auth_token or self.trial.auth_token,
                      http_client=self.http_client())

    # -- the world ----------------------------------------------------------------------
    def add_account(self, sid: str, auth_token: str, numbers: Iterable[str] = (),
                    type: str = "Full") -> seed.Account:
        """An account of your own, owning ``numbers`` (E.164 or short codes): the way to
        bring your credentials into a strict test. ``type="Trial"`` adds the trial rules."""
        return self.directory.add_account(sid, auth_token, numbers, type)

    def accounts(self) -> list[seed.Account]:
        """The accounts your code brought (permissive) or the test added, in order."""
        return self.directory.app_accounts()

    # -- what was sent --------------------------------------------------------------------
    def outbox(self, account_sid: str | None = None) -> list[Sent]:
        """Every message sent (oldest first), statuses as of the emulator's clock."""
        return [_sent(m) for m in self.emulator.messages(account_sid, include_inbound=False)]

    def messages(self, account_sid: str | None = None) -> list[Sent]:
        """Messages sent and received (``inbound()``), oldest first."""
        return [_sent(m) for m in self.emulator.messages(account_sid)]

    # -- time, failures, replies -----------------------------------------------------------
    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass on the emulator's clock (statuses move; nothing sleeps)."""
        self.emulator.clock.advance(seconds)

    def chaos(self, p429: float = 0.0, p500: float = 0.0, ptimeout: float = 0.0,
              latency: float = 0.0, seed: int = 0, requests: int | None = None) -> None:
        """Make requests fail like a busy Twilio: each request is a 429 (``Retry-After: 1``)
        with probability ``p429``, a 500 with ``p500``, a connect or read timeout with
        ``ptimeout``, after ``latency`` real seconds; ``seed`` replays the same draws.
        ``requests=n``: only the next n requests (``chaos(p429=1, requests=1)``: the next
        request is a 429, the retry goes through). ``chaos()``: back to normal."""
        if requests is not None and (isinstance(requests, bool) or not isinstance(requests, int)
                                     or requests < 1):
            raise ValueError(f"requests is a number of requests (1 or more), got {requests!r}")
        with self._lock:
            self.emulator.set_chaos(latency=latency, p429=p429, p500=p500, ptimeout=ptimeout,
                                    seed=seed)
            self._chaos_left = requests

    def _request_done(self) -> None:
        with self._lock:
            if self._chaos_left is not None:
                self._chaos_left -= 1
                if self._chaos_left <= 0:
                    self._chaos_left = None
                    self.emulator.set_chaos()

    def inbound(self, from_: str, to: str, body: str, media_urls: Iterable[str] = ()) -> Sent:
        """The phone ``from_`` texts your number ``to``; returns the received message.

        ``to`` is a seeded number, one your code sent from, or (permissive, with one account
        of yours) any number, which becomes that account's; else a ValueError. STOP opts
        ``from_`` out of ``to``: your next message there is Twilio's 21610."""
        if self.directory.owner(to) is None and not self.strict:
            apps = self.directory.app_accounts()
            if len(apps) != 1:
                raise ValueError(
                    f"{to} is nobody's number here: send a message from it first, or "
                    "twilio_emulator.add_account(sid, token, numbers=[...]) to say whose it is")
            self.directory.add_number(apps[0], to)
        return _sent(self.emulator.inbound(from_, to, body, tuple(media_urls)))

    # -- status callbacks -----------------------------------------------------------------
    def status_callbacks(self) -> list[StatusCallback]:
        """Every status callback due so far (by the emulator's clock), oldest first, as
        Twilio would POST it, captured without any server: nothing is POSTed."""
        with self._lock:
            for callback in self.emulator.pending_callbacks():  # oldest due first
                if not self.emulator.claim_callback(callback["id"]):
                    break
                params = {name: str(value) for name, value in callback["params"].items()}
                token = self.emulator.account(callback["account_sid"]).auth_token
                self.emulator.mark_callback(callback["id"], True, CAPTURED)
                self._captured.append(StatusCallback(
                    callback["url"], params, compute_signature(token, callback["url"], params)))
            return list(self._captured)

    def deliver_callbacks(self) -> list[dict]:
        """POST the status callbacks due by the emulator's clock to their URLs (a server
        your test runs, e.g. on 127.0.0.1), signed; returns the attempts (``url``,
        ``message_status``, ``http_status``, ``outcome``...). Failures are retried later,
        by the clock, as Twilio does. Use this or ``status_callbacks()`` in one test."""
        return deliver_due_callbacks(self.emulator)

    def close(self) -> None:
        self.emulator.close()


class FixtureHttpClient(InProcessClient):
    """``emulate_twilio()``'s in-process client, on the fixture's emulator; in a permissive
    world it first makes the request's credentials and From number known to the emulator."""

    def __init__(self, world: TwilioEmulator):
        super().__init__(world.emulator)
        self.world = world

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        if not self.world.strict and auth and tuple(auth) != DOCS_PLACEHOLDERS:
            sid, token = (str(part) for part in auth)
            from_ = data.get("From") if isinstance(data, Mapping) else None
            self.world.directory.admit(sid, token, from_)
        try:
            return super().request(method, url, params=params, data=data, headers=headers,
                                   auth=auth, timeout=timeout, allow_redirects=allow_redirects)
        finally:
            self.world._request_done()


def route_clients(world: TwilioEmulator, monkeypatch) -> None:
    """While the test runs: new Clients get ``world``'s HTTP client (the hook
    ``emulate_twilio()`` sets), and a plain ``TwilioHttpClient`` made earlier asks it too."""
    monkeypatch.setattr(client_base, "TwilioHttpClient", world.http_client)
    real_request = TwilioHttpClient.request

    def request(self, method, url, *args, **kwargs):
        if type(self) is not TwilioHttpClient:  # a client of its own kind: leave it be
            return real_request(self, method, url, *args, **kwargs)
        return world.http_client().request(method, url, *args, **kwargs)

    monkeypatch.setattr(TwilioHttpClient, "request", request)
