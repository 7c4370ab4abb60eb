"""Status callbacks as Twilio sends them: signed POSTs, retried with backoff, every attempt logged.

The emulator records a pending callback for each status change after the first
(`emulator.pending_callbacks()`). `deliver_due_callbacks(emulator)` POSTs the ones that are due
by the emulator's clock, so it works the same from the server's background task and from a
notebook that drives the clock by hand.

Fair delivery: POSTs run on a small pool of worker threads (`WORKERS`), one chain per message
(its callbacks in order), at most `PER_TARGET` chains per target host:port, each attempt
within `timeout` seconds (connect + read). A URL that stalls holds two workers for a few
seconds, never the others nor the server's inbox updates. A message's callbacks share one
budget of failures (`RetryPolicy.message_failures`), and a callback to the emulator server's
own address is refused, never POSTed.
"""

import base64
import hmac
import ipaddress
import logging
import socket
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_all
from dataclasses import dataclass
from hashlib import sha1
from urllib.parse import urlsplit

import requests

from ...facts import SIGNATURE_HEADER
from ..rules.callbacks import CLAIM_LEASE

USER_AGENT = "TwilioProxy/1.1"
WORKERS = 8  # callback POSTs in flight at once, per emulator
PER_TARGET = 2  # of which at most this many to one host:port (a stalled URL holds no more)
CONNECT_SHARE = 0.4  # of an attempt's timeout, for the connection; the rest for the answer
log = logging.getLogger(__name__)


def compute_signature(auth_token: str, url: str, params: dict) -> str:
    """Twilio's request signature: HMAC-SHA1 of the URL plus each `name+value` sorted by name."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed callback is tried again: after `first_delay`, doubling, `attempts` in all;
    and no more retries for any callback of a message once its callbacks have failed
    `message_failures` times in all (a target that always fails gets at most
    `message_failures + statuses - 1` POSTs per message, not `attempts` per status)."""

    attempts: int = 5
    first_delay: float = 5.0
    max_delay: float = 300.0
    message_failures: int = 5

    def delay_after(self, attempt: int, message_failures: int = 0) -> float | None:
        """Seconds to wait after failed attempt number `attempt` (1-based) of a callback whose
        message had `message_failures` failed attempts before this one; None = give up."""
        if attempt >= self.attempts or message_failures + 1 >= self.message_failures:
            return None
        return min(self.first_delay * 2 ** (attempt - 1), self.max_delay)


class CallbackDispatcher:
    """Delivers one emulator's due status callbacks, logging every attempt in its store."""

    def __init__(self, emulator, policy: RetryPolicy | None = None, timeout: float = 5.0,
                 workers: int = WORKERS):
        if not 0 < timeout <= CLAIM_LEASE / 4:  # a POST must end well inside its claim's lease
            raise ValueError(f"timeout must be between 0 and {CLAIM_LEASE / 4:g} seconds "
                             f"(a quarter of the callback claim lease), got {timeout}")
        self._emulator = weakref.ref(emulator)  # the registry must not keep it (or us) alive
        self.policy = policy or RetryPolicy()
        self.timeout = timeout  # per attempt: connect + read
        self.own_ports: set[int] = set()  # the emulator server's ports: never POSTed to
        self._lock = threading.Lock()
        self._running: dict[str, tuple[str, Future]] = {}  # message sid -> (target, chain)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="status-callbacks")
        self._sessions = threading.local()

    @property
    def emulator(self):
        """The emulator whose callbacks this dispatcher delivers (while it lives)."""
        emulator = self._emulator()
        if emulator is None:
            raise ReferenceError("the emulator of this callback dispatcher is gone")
        return emulator

    def deliver_due(self, wait: bool = True) -> list[dict]:
        """POST every callback due by the emulator's clock; return the attempts just made.

        Each message's due callbacks go in order on one worker; messages go concurrently.
        With `wait=False` (the server's background task) start them and return at once.
        Each callback is claimed first, so processes sharing one state file (the server and a
        notebook kernel) never both send it; a retry goes back to pending with a later due time,
        and a claim whose process died becomes due again after the core's lease.
        """
        if not wait:
            self._start_due()
            return []
        made: list[dict] = []
        while True:
            mine = self._start_due()
            with self._lock:
                others = [chain for _, chain in self._running.values() if chain not in mine]
            if not mine and not others:
                break
            wait_for_all(mine + others)
            attempts = [attempt for chain in mine for attempt in chain.result()]
            made += attempts
            if not attempts and not others:  # what is due is held by another process
                break
        return sorted(made, key=lambda attempt: attempt["seq"])

    def _start_due(self) -> list[Future]:
        """Start a chain for each message with a due callback and none running yet (at most
        `PER_TARGET` chains per target host:port)."""
        started: list[Future] = []
        with self._lock:
            busy: dict[str, int] = {}
            for target, _ in self._running.values():
                busy[target] = busy.get(target, 0) + 1
            for callback in self.emulator.pending_callbacks():
                sid, target = callback["message_sid"], _target(callback["url"])
                if sid in self._running or busy.get(target, 0) >= PER_TARGET:
                    continue
                busy[target] = busy.get(target, 0) + 1
                chain = self._pool.submit(self._deliver_message, sid)
                self._running[sid] = (target, chain)
                started.append(chain)
        return started

    def _deliver_message(self, message_sid: str) -> list[dict]:
        """Claim and attempt the due callbacks of one message, oldest first."""
        made: list[dict] = []
        try:
            while True:
                due = self.emulator.pending_callbacks(message_sid)
                if not due or not self.emulator.claim_callback(due[0]["id"]):
                    return made
                callback = due[0]
                made.append(self._attempt(callback))
        except Exception:
            log.exception("delivering the status callbacks of %s failed", message_sid)
            return made
        finally:
            with self._lock:
                self._running.pop(message_sid, None)

    def _attempt(self, callback: dict) -> dict:
        key = str(callback["id"])
        number = callback["attempts"] + 1  # counted in the store: any process may retry it
        now = self.emulator.clock.timestamp()
        params = {k: str(v) for k, v in callback["params"].items()}
        url = callback["url"]
        if self._is_own_address(url):
            http_status, detail = None, f"refused: {url} is the emulator server itself"
            self.emulator.mark_callback(callback["id"], False, detail)
            outcome = "refused"
        else:
            token = self.emulator.account(callback["account_sid"]).auth_token  # signing key
            headers = {SIGNATURE_HEADER: compute_signature(token, url, params),
                       "User-Agent": USER_AGENT}
            http_status, detail = self._post(url, params, headers)
            delivered = http_status is not None and 200 <= http_status < 300
            delay = None if delivered else self.policy.delay_after(
                number, callback.get("message_failures") or 0)
            if delay is None:
                self.emulator.mark_callback(callback["id"], delivered, detail)
                outcome = "delivered" if delivered else "gave up"
            else:
                self.emulator.retry_callback(callback["id"], now + delay, detail)
                outcome = f"retry in {delay:g} s"
        return self.emulator.log_callback_attempt({
            "callback_id": key, "attempt": number,
            "account_sid": callback["account_sid"], "message_sid": callback["message_sid"],
            "message_status": params.get("MessageStatus"), "url": url,
            "at": now, "http_status": http_status, "outcome": outcome, "detail": detail,
        })

    def _is_own_address(self, url: str) -> bool:
        """Does `url` point at the emulator server itself (any local address, its port)?"""
        if not self.own_ports:
            return False
        try:
            host, port = _host_port(url)
            if port not in self.own_ports:
                return False
            try:  # an address as such, or a name to resolve
                literal = ipaddress.ip_address(host.split("%")[0])
                found = [(socket.AF_INET6 if literal.version == 6 else socket.AF_INET, host)]
            except ValueError:
                found = [(family, address[0]) for family, _, _, _, address
                         in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
        except (ValueError, OSError):
            return False  # no address: the POST fails and says so
        return any(_is_local(family, address) for family, address in found)

    def _post(self, url: str, params: dict, headers: dict) -> tuple[int | None, str]:
        session = getattr(self._sessions, "session", None)
        if session is None:  # one per worker thread: Session is not thread-safe
            session = self._sessions.session = requests.Session()
        connect = self.timeout * CONNECT_SHARE
        try:
            with session.post(url, data=params, headers=headers, stream=True,
                              timeout=(connect, self.timeout - connect),
                              allow_redirects=False) as response:  # the body is never read
                return (response.status_code,
                        f"HTTP {response.status_code} {response.reason or ''}".strip())
        except requests.Timeout:
            return None, f"timed out: {url} did not answer within {self.timeout:g} s"
        except requests.RequestException as exc:
            return None, f"{type(exc).__name__}: could not reach {url}"


def _host_port(url: str) -> tuple[str, int]:
    """The host and port a URL reaches (ValueError for a malformed one)."""
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def _target(url: str) -> str:
    """The host:port a callback URL is POSTed to (the unit of `PER_TARGET`)."""
    try:
        host, port = _host_port(url)
    except ValueError:
        return url
    return f"{host}:{port}"


def _is_local(family: int, host: str) -> bool:
    """Is `host` an address of this machine (loopback, any, or one of its interfaces)?"""
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    if address.is_loopback or address.is_unspecified:
        return True
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))  # only this machine's own addresses can be bound
    except OSError:
        return False
    return True


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

