"""Status callbacks as Twilio sends them: signed POSTs, retried with backoff, every attempt logged.

The emulator records a pending callback for each status change after the first
(`emulator.pending_callbacks()`). `deliver_due_callbacks(emulator)` POSTs the ones that are due
by the emulator's clock, so it works the same from the server's background task and from a
notebook that drives the clock by hand.
"""

import base64
import hmac
import threading
import time
import weakref
from dataclasses import dataclass
from hashlib import sha1

import requests

from ...facts import SIGNATURE_HEADER
from .. import seed
from ..rules.callbacks import CLAIM_LEASE

USER_AGENT = "TwilioProxy/1.1"
TOKENS = {account.sid: account.auth_token for account in seed.ACCOUNTS}  # signing keys


def compute_signature(auth_token: str, url: str, params: dict) -> str:
    """Twilio's request signature: HMAC-SHA1 of the URL plus each `name+value` sorted by name."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed callback is tried again: after `first_delay`, doubling, `attempts` in all."""

    attempts: int = 5
    first_delay: float = 5.0
    max_delay: float = 300.0

    def delay_after(self, attempt: int) -> float | None:
        """Seconds to wait after failed attempt number `attempt` (1-based); None = give up."""
        if attempt >= self.attempts:
            return None
        return min(self.first_delay * 2 ** (attempt - 1), self.max_delay)


class CallbackDispatcher:
    """Delivers one emulator's due status callbacks, logging every attempt in its store."""

    def __init__(self, emulator, policy: RetryPolicy | None = None, timeout: float = 5.0):
        if not 0 < timeout <= CLAIM_LEASE / 4:  # a POST must end well inside its claim's lease
            raise ValueError(f"timeout must be between 0 and {CLAIM_LEASE / 4:g} seconds "
                             f"(a quarter of the callback claim lease), got {timeout}")
        self.emulator = emulator
        self.policy = policy or RetryPolicy()
        self.timeout = timeout
        self._lock = threading.Lock()
        self._session = requests.Session()

    def deliver_due(self) -> list[dict]:
        """POST every callback due by the emulator's clock; return the attempts just made.

        Each callback is claimed first, so processes sharing one state file (the server and a
        notebook kernel) never both send it; a retry goes back to pending with a later due time,
        and a claim whose process died becomes due again after the core's lease.
        """
        with self._lock:
            return [self._attempt(callback) for callback in self.emulator.pending_callbacks()
                    if self.emulator.claim_callback(callback["id"])]

    def _attempt(self, callback: dict) -> dict:
        key = str(callback["id"])
        number = callback["attempts"] + 1  # counted in the store: any process may retry it
        now = self.emulator.clock.timestamp()
        params = {k: str(v) for k, v in callback["params"].items()}
        token = TOKENS[callback["account_sid"]]
        headers = {SIGNATURE_HEADER: compute_signature(token, callback["url"], params),
                   "User-Agent": USER_AGENT}
        http_status, detail = self._post(callback["url"], params, headers)
        delivered = http_status is not None and 200 <= http_status < 300
        delay = None if delivered else self.policy.delay_after(number)
        if delay is None:
            self.emulator.mark_callback(callback["id"], delivered, detail)
            outcome = "delivered" if delivered else "gave up"
        else:
            self.emulator.retry_callback(callback["id"], now + delay, detail)
            outcome = f"retry in {delay:g} s"
        return self.emulator.log_callback_attempt({
            "callback_id": key, "attempt": number,
            "account_sid": callback["account_sid"], "message_sid": callback["message_sid"],
            "message_status": params.get("MessageStatus"), "url": callback["url"],
            "at": now, "http_status": http_status, "outcome": outcome, "detail": detail,
        })

    def _post(self, url: str, params: dict, headers: dict) -> tuple[int | None, str]:
        try:
            response = self._session.post(url, data=params, headers=headers,
                                          timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            return None, f"{type(exc).__name__}: could not reach {url}"
        return response.status_code, f"HTTP {response.status_code} {response.reason or ''}".strip()


_dispatchers: "weakref.WeakKeyDictionary[object, CallbackDispatcher]" = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def dispatcher_for(emulator) -> CallbackDispatcher:
    """The one dispatcher (and attempt log) of `emulator`, created on first use."""
    with _registry_lock:
        if emulator not in _dispatchers:
            _dispatchers[emulator] = CallbackDispatcher(emulator)
        return _dispatchers[emulator]


SETTLE_TIMEOUT = 10.0  # wall-clock seconds deliver_due_callbacks waits for another deliverer
SETTLE_POLL = 0.02


def deliver_due_callbacks(emulator, settle_timeout: float = SETTLE_TIMEOUT) -> list[dict]:
    """POST the status callbacks due by `emulator.clock`; return the attempts made (a log).

    When another process sharing the state file (the server under `make lab`) is delivering
    some of them, wait for it (at most `settle_timeout` wall-clock seconds) and deliver what it
    left, so that on return every callback due by now has had its attempt, whoever made it.
    """
    dispatcher = dispatcher_for(emulator)
    attempts = dispatcher.deliver_due()
    deadline = time.monotonic() + settle_timeout
    while emulator.callbacks_in_flight() and time.monotonic() < deadline:
        time.sleep(SETTLE_POLL)  # another process's POST is under way: it ends within its timeout
        attempts += dispatcher.deliver_due()
    return attempts

