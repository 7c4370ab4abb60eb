"""``Emulator``: one offline Twilio (store, clock, rules, chaos) behind a single ``handle``."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from .api.routing import dispatch, error_response
from .errors import TwilioError
from .rules import accounts, callbacks, inbound, timeline
from .rules.timeline import DEFAULT_QUEUE_WINDOW
from .runtime.chaos import (
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    RETRY_AFTER_SECONDS,
    SERVER_ERROR,
    TOO_MANY_REQUESTS,
    Chaos,
    ChaosSettings,
    ChaosTimeout,
)
from .seed import Account, Learner
from .state.clock import Clock
from .state.store import SqliteStore

MAX_URL_TEXT = 8192
"""Characters in a request URL (query included): more is no Twilio client's request."""

MAX_CREDENTIAL_TEXT = 512
"""Characters in a basic-auth username, password or Authorization header (a SID is 34, an
auth token 32, an API key secret 32)."""


def _refused(url, headers, auth) -> TwilioError | None:
    """Twilio's error for a URL no client sends (longer than any real one, or a host that is
    no host name) or credentials longer than any real ones, before any work (the routing
    caches are keyed on them)."""
    if len(url) > MAX_URL_TEXT:
        return TwilioError(20404, path=f"{url[:60]}... ({len(url)} characters)")
    try:
        urlsplit(url).hostname  # noqa: B018 - raises ValueError for "https://[x.twilio.com/"
    except ValueError:
        return TwilioError(20404, path=url[:200])
    if auth and any(len(str(part)) > MAX_CREDENTIAL_TEXT for part in auth):
        return TwilioError(20003)
    for key, value in (headers or {}).items():
        if len(value) > MAX_CREDENTIAL_TEXT and key.lower() == "authorization":
            return TwilioError(20003)
    return None


class Emulator:
    """An offline Twilio: ``Emulator()`` in memory, ``Emulator("emulator.db")`` shared.

    Both keep the state in sqlite (``state.store.SqliteStore``): in memory, private to this
    process; in a WAL file, shared with other processes (the HTTP server, another kernel).

    Pass it to ``EmulatorHttpClient`` and give that to ``twilio.rest.Client``. Time moves
    only through ``emulator.clock.advance(seconds)`` unless ``clock=Clock(real=True)``.
    ``queue_window`` is how many seconds of backlog a sender accepts: past it a From number
    refuses with 21611, a Messaging Service's message fails with 30001 after its create.
    """

    def __init__(
        self,
        path: str = ":memory:",
        clock: Clock | None = None,
        queue_window: float = DEFAULT_QUEUE_WINDOW,
    ):
        self.store = SqliteStore(path)
        self.directory = accounts.Directory(self.store)
        self.clock = clock or Clock()
        if self.store.shared:
            self.clock.share(self.store)
        self.clock.on_advance(self.apply_due)
        self.queue_window = queue_window
        self.chaos = Chaos()
        self.wall_clock = time.time  # times callback claims (leases), whatever ``clock`` says

    def __repr__(self) -> str:
        return f"Emulator(path={self.store.path!r}, now={self.clock.now().isoformat()})"

    def handle(self, method, url, params=None, data=None, headers=None, auth=None):
        """Answer one HTTP request: ``(status, body text, headers)``.

        Chaos may answer 429 (``Retry-After``) or 500 without processing, or raise
        ``ChaosTimeout`` before (``processed=False``) or after (``processed=True``) processing.
        """
        refused = _refused(url, headers, auth)
        if refused is not None:
            return error_response(refused, self.clock.timestamp())
        outcome = self.chaos.draw()
        if outcome == CONNECT_TIMEOUT:
            raise ChaosTimeout(processed=False)
        if outcome in (TOO_MANY_REQUESTS, SERVER_ERROR):
            status, text, headers_out = error_response(
                TwilioError(20429 if outcome == TOO_MANY_REQUESTS else 20500),
                self.clock.timestamp())
            if outcome == TOO_MANY_REQUESTS:
                headers_out["Retry-After"] = RETRY_AFTER_SECONDS
            return status, text, headers_out
        result = dispatch(self.store, self.directory, self.clock.timestamp, method, url,
                          params, data, headers, auth, self.queue_window)
        if outcome == READ_TIMEOUT:
            raise ChaosTimeout(processed=True)
        return result

    def set_chaos(self, latency=0.0, p429=0.0, p500=0.0, ptimeout=0.0, seed=0) -> None:
        """Add latency (seconds, slept by the transport) and failure probabilities."""
        self.chaos.configure(ChaosSettings(latency, p429, p500, ptimeout, seed))

    def apply_due(self) -> None:
        """Apply every status change due by the clock (requests and ``advance`` do it too)."""
        with self.store.transaction():
            timeline.apply_due(self.store, self.clock.timestamp())

    def outbox(self, account_sid: str | None = None) -> list[dict]:
        """Every message sent (oldest first), as Twilio's JSON, with statuses up to now."""
        self.apply_due()
        with self.store.lock:
            rows = self.store.find_messages(account_sid or None, outbound_only=True)
            return [message.to_dict() for message in reversed(rows)]

    def messages(self, account_sid: str | None = None, include_inbound: bool = True,
                 limit: int | None = None) -> list[dict]:
        """Messages sent and received (oldest first; the newest ``limit`` if given) as
        Twilio's JSON plus ``media_urls``, with statuses up to now."""
        self.apply_due()
        with self.store.lock:
            rows = self.store.find_messages(account_sid or None, outbound_only=not include_inbound,
                                            limit=limit or None)[::-1]
            urls = self.store.media_urls([message.sid for message in rows])
        return [dict(message.to_dict(), media_urls=urls.get(message.sid, []))
                for message in rows]

    def inbound(self, from_: str, to: str, body: str, media_urls=()) -> dict:
        """A phone ``from_`` texts the number ``to`` (seeded or a learner's); returns the
        received message. Raises ValueError for an unknown ``to`` or a bad ``from_``, and
        TwilioError 21620 (a ValueError too) for a media URL Twilio would refuse."""
        with self.store.transaction():
            message = inbound.receive(self.store, self.directory, from_, to, body, media_urls,
                                      self.clock.timestamp())
        return message.to_dict()

    def clear_messages(self, account_sid: str | None = None) -> None:
        """Forget one account's messages (or everyone's), their media, callbacks and logged
        attempts, and free that account's sender queues; other accounts keep their queues."""
        known = self.directory.accounts()
        with self.store.transaction():
            accounts.clear(self.store, account_sid, known)

    # -- a workshop room: learners with accounts of their own ---------------------------
    def add_learner(self, name: str) -> Learner:
        """A new learner with a private trial and upgraded account (``seed.py`` lists their
        numbers). ValueError for a name that is not 1-40 printable characters, or when the
        room already has ``seed.MAX_LEARNERS``."""
        with self.store.transaction():
            number = accounts.add_learner(self.store, name, self.clock.timestamp())
        return self.directory.learner(number)

    def learners(self) -> list[Learner]:
        """Every learner, in the order they joined (by any process sharing the state)."""
        return self.directory.learners()

    def authenticate(self, sid: str | None, token: str | None) -> Account:
        """The account an Account SID and Auth Token open, else TwilioError 20003 (as the API)."""
        return self.directory.authenticate(sid, token)

    def account(self, sid: str) -> Account | None:
        """The account ``sid`` (seeded or a learner's), else None."""
        return self.directory.account(sid)

    def accounts(self) -> list[Account]:
        """Every account: the seeded ones, then each learner's trial and upgraded ones."""
        return self.directory.accounts()

    def state_version(self) -> tuple[int, int]:
        """A value that changes whenever the state changes, in this process or another."""
        return self.store.version()

    def pending_callbacks(self, message_sid: str | None = None) -> list[dict]:
        """Status callbacks due and not yet delivered (of one message, if given), oldest due
        first: id, message_sid, account_sid, url, params, due_at, and attempts (failed
        deliveries so far, by any process).

        Includes claims whose lease (``rules.callbacks.CLAIM_LEASE`` wall-clock seconds) ran out.
        """
        self.apply_due()
        with self.store.lock:
            return callbacks.pending(self.store, self.clock.timestamp(), self.wall_clock(),
                                     message_sid)

    def callbacks_in_flight(self) -> int:
        """Callbacks being delivered right now, by this process or another sharing the state."""
        with self.store.lock:
            return callbacks.in_flight(self.store, self.wall_clock())

    def claim_callback(self, callback_id: int) -> bool:
        """Take a due callback for delivery: True for exactly one claimant, even across
        processes sharing the state file. Finish with ``mark_callback`` or ``retry_callback``."""
        with self.store.transaction():
            return callbacks.claim(self.store, callback_id, self.wall_clock())

    def retry_callback(self, callback_id: int, due_at: float, detail: str = "") -> None:
        """A delivery attempt failed: the callback is pending again, due at ``due_at``."""
        with self.store.transaction():
            self.store.retry_callback(callback_id, due_at, detail)

    def mark_callback(self, callback_id: int, delivered: bool, detail: str = "") -> None:
        """Record the outcome of delivering a status callback (it stops being pending)."""
        with self.store.transaction():
            self.store.mark_callback(callback_id, delivered, detail)

    def log_callback_attempt(self, record: dict) -> dict:
        """Log one delivery attempt (callback_id, attempt, account_sid, message_sid,
        message_status, url, at, http_status, outcome, detail); returns it with ``seq``."""
        with self.store.transaction():
            return self.store.insert_attempt(record, callbacks.ATTEMPT_LOG_SIZE)

    def callback_attempts(self, account_sid: str | None = None, since: int = 0,
                          until: int | None = None) -> list[dict]:
        """Logged delivery attempts by any process sharing the state, oldest first: of one
        account (or all), with ``since < seq <= until``."""
        with self.store.lock:
            return self.store.attempts(account_sid, since, until)

    def reset(self) -> None:
        """Back to the seeded state: no messages, clock at its start, no chaos; the room's
        learners stay."""
        self.store.reset()
        self.clock.reset()
        self.chaos.configure(ChaosSettings())

    def close(self) -> None:
        self.store.close()
