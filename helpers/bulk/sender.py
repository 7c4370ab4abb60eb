"""`send_bulk()`: paced, concurrent, resumable, and never twice.

Each recipient goes through one worker thread:

1. If an earlier attempt may have reached Twilio (the ledger says so), look for its message
   first: list messages To that number (and From the sender) and match the body.
2. Write `inflight` to the ledger, wait for the token bucket, send.
3. Record `sent` (SID, status) or `refused` (Twilio's error code). A 429 or a connect
   timeout was never processed: back off (honouring Retry-After) and send again. A 5xx, a read
   timeout or a dropped connection may have created the message: back off, then go to 1.

"Its message" is one with the campaign's body and sender created since the campaign began, by
Twilio's clock: the start is the `Date` header of a Twilio answer received before the first
send (stored in the ledger, so a resumed campaign keeps it), never the computer's clock, which
may be hours off (VMs, WSL) and would then either miss the message and send it twice or match
an older one.
"""

from __future__ import annotations

import math
import random
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from datetime import UTC
from email.utils import parsedate_to_datetime

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import HttpClient
from twilio.rest import Client

from helpers.client import is_emulated
from helpers.facts import TRIAL_PREFIX

from .ledger import DEFAULT_LEDGER, DONE_STATES, Ledger, Outcome, campaign_id
from .pacing import EmulatorClock, RealClock, TokenBucket
from .plan import Plan, plan_bulk
from .report import BulkResult

BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0
MAX_ATTEMPTS = 6
SCAN_LIMIT = 200
DATE_SLACK = 2.0  # Twilio's Date and date_created are whole seconds (and from different hosts)
CLOCK_SLACK = 120.0  # only without a Date header: the start then comes from the local clock
LATENCY_TO_HIDE = 0.4
REQUEST_TIMEOUT = 30.0
MEMORY_LEDGERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# Refusals about one recipient (invalid To, short code To, To = From, Geo permissions,
# unverified on trial, STOP, unreachable, landline); any other 4xx (credentials, From, queue
# full...) would refuse every recipient, so it stops the run.
RECIPIENT_ERRORS = frozenset({21211, 21265, 21266, 21408, 21608, 21610, 21612, 21614})


class ConfirmationRequired(RuntimeError):
    """A live bulk send was asked for without confirm=True; nothing was sent."""


class BulkAborted(RuntimeError):
    """Twilio refused the send itself (not one recipient): fix it and run again to resume."""


class LedgerMismatch(BulkAborted):
    """The ledger records messages this Twilio account does not have; nothing was sent."""


class RecordingHttpClient(HttpClient):
    """Wraps the client's transport: keeps each thread's last response headers (Retry-After)
    and gives every request a timeout, so a stalled connection becomes a checked retry."""

    def __init__(self, inner: HttpClient):
        super().__init__(inner.logger, is_async=False, timeout=inner.timeout or REQUEST_TIMEOUT)
        self.inner = inner
        self._local = threading.local()

    def request(self, method, uri, **kwargs):
        self._local.headers = {}
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        response = self.inner.request(method, uri, **kwargs)
        self._local.headers = response.headers or {}
        return response

    def _header(self, name: str) -> str | None:
        headers = {k.lower(): v for k, v in getattr(self._local, "headers", {}).items()}
        return headers.get(name)

    def retry_after(self) -> float | None:
        """Seconds from the Retry-After header of this thread's last response, if any."""
        try:
            return float(self._header("retry-after"))
        except (TypeError, ValueError):
            return None

    def date(self) -> float | None:
        """Twilio's clock: the Date header of this thread's last response (epoch seconds), if
        it has exactly one valid date (two servers' Dates joined by a comma do not count)."""
        value = self._header("date")
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if value.count(",") > 1:
            return None
        return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def emulator_of(client):
    """The in-process emulator behind `client`, or None."""
    return getattr(client.http_client, "emulator", None)


class Flights:
    """Counts requests in flight; a simulated clock waits for them before moving time on."""

    def __init__(self):
        self._idle = threading.Condition()
        self._count = 0

    def begin(self) -> None:
        with self._idle:
            self._count += 1

    def end(self) -> None:
        with self._idle:
            self._count -= 1
            self._idle.notify_all()

    def settle(self) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._count == 0)


class SettledClock:
    """A simulated clock whose time jumps only once no request is in flight, so a message is
    created at the simulated instant its token was granted."""

    simulated = True

    def __init__(self, clock, flights: Flights):
        self.clock, self.flights = clock, flights

    def now(self) -> float:
        return self.clock.now()

    def sleep(self, seconds: float) -> None:
        self.flights.settle()
        self.clock.sleep(seconds)


class Verdict:
    """What a failed request means: 'retry' (never processed), 'unknown', 'refused' (this
    recipient) or 'fatal' (every recipient would be refused)."""

    def __init__(self, kind: str, code=None, message=None, retry_after=None):
        self.kind, self.code, self.message, self.retry_after = kind, code, message, retry_after


def classify(exc: Exception, retry_after: float | None) -> Verdict | None:
    """Sort an exception from `messages.create`; None for a bug that should propagate."""
    if isinstance(exc, TwilioRestException):
        text = exc.msg
        if exc.status == 429:
            return Verdict("retry", exc.code, text, retry_after)
        if exc.status >= 500:
            return Verdict("unknown", exc.code, text)
        return Verdict("refused" if exc.code in RECIPIENT_ERRORS else "fatal", exc.code, text)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Verdict("retry", None, f"connect timeout: {type(exc).__name__}")
    if isinstance(exc, (requests.exceptions.Timeout, requests.exceptions.ConnectionError)):
        return Verdict("unknown", None, f"no response: {type(exc).__name__}")
    return None


class BulkSender:
    """One bulk send: a plan, a ledger, a clock, a pool of workers."""

    def __init__(self, client, plan: Plan, from_, messaging_service_sid, ledger: Ledger,
                 clock, workers: int, max_attempts: int = MAX_ATTEMPTS, seed=None):
        self.http = RecordingHttpClient(client.http_client)
        self.client = Client(client.username, client.password, client.account_sid,
                             region=client.region, edge=client.edge, http_client=self.http,
                             user_agent_extensions=client.user_agent_extensions,
                             credential_provider=client.credential_provider)
        self.plan, self.from_, self.service = plan, from_, messaging_service_sid
        self.ledger, self.workers, self.max_attempts = ledger, workers, max_attempts
        self.flights = Flights()
        self.clock = SettledClock(clock, self.flights) if clock.simulated else clock
        self.bucket = TokenBucket(plan.mps, self.clock)
        self.random = random.Random(seed)
        key = (client.account_sid, plan.body, from_, messaging_service_sid, plan.media_url)
        since = ledger.campaign_start(campaign_id(*key))
        self.slack = DATE_SLACK
        if since is None:
            since = self.twilio_now()
        self.campaign, self.since = ledger.open_campaign(*key, since)

    def twilio_now(self) -> float:
        """Now by Twilio's clock: the Date header of an account fetch, before anything is
        sent, so every message of the campaign is created at or after it. Without a Date
        (unreachable, or a transport that drops it) the local clock, with CLOCK_SLACK."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                self.client.api.v2010.accounts(self.client.account_sid).fetch()
            except (TwilioException, requests.exceptions.RequestException):
                self.clock.sleep(self.backoff(attempt, self.http.retry_after()))
                continue
            date = self.http.date()
            if date is not None:
                return date
            break
        self.slack = CLOCK_SLACK
        return self.clock.now()

    def params(self, to: str) -> dict:
        params = {"to": to}
        if self.plan.body:
            params["body"] = self.plan.body
        if self.from_:
            params["from_"] = self.from_
        if self.service:
            params["messaging_service_sid"] = self.service
        if self.plan.media_url:
            params["media_url"] = self.plan.media_url
        return params

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter, never shorter than Retry-After."""
        delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
        delay = delay / 2 + self.random.uniform(0, delay / 2)
        return max(delay, retry_after or 0.0)

    def record(self, to: str, state: str, **fields) -> Outcome:
        self.ledger.record(self.campaign, to, state, self.clock.now(), **fields)
        return self.ledger.outcomes(self.campaign, to)[to]

    def record_sent(self, to: str, message) -> Outcome:
        return self.record(to, "sent", sid=message.sid, status=message.status,
                           error_code=message.error_code, error_message=message.error_message)

    def matches(self, message) -> bool:
        """Is `message` this campaign's message (same body, sender, created since it began by
        Twilio's clock)? A message without a date counts: better skip a recipient than
        message them twice."""
        body = (message.body or "").removeprefix(TRIAL_PREFIX)
        created = message.date_created
        return (
            body == self.plan.body
            and (not self.service or message.messaging_service_sid == self.service)
            and str(message.direction).startswith("outbound")
            and (created is None or created.timestamp() >= self.since - self.slack)
        )

    def find_existing(self, to: str):
        """This campaign's message to `to` if Twilio has it, False if not, None if unreachable."""
        filters = {"to": to, "page_size": 50, "limit": SCAN_LIMIT}
        if self.from_:
            filters["from_"] = self.from_
        for attempt in range(1, self.max_attempts + 1):
            try:
                return next((m for m in self.client.messages.stream(**filters)
                             if self.matches(m)), False)
            except (TwilioException, requests.exceptions.RequestException):
                self.clock.sleep(self.backoff(attempt, self.http.retry_after()))
        return None

    def check_ledger(self, outcomes: dict[str, Outcome]) -> None:
        """Raise LedgerMismatch if the ledger's latest sent message is unknown to this account
        (a ledger from an earlier emulator session would otherwise skip people)."""
        sent = [o for o in outcomes.values() if o.state == "sent"]
        if not sent:
            return
        for attempt in range(1, self.max_attempts + 1):
            try:
                self.client.messages(sent[-1].sid).fetch()
                return
            except TwilioRestException as exc:
                if exc.status == 404:
                    raise LedgerMismatch(
                        f"Nothing was sent. The ledger {self.ledger.path} says {len(sent)} "
                        f"recipient(s) already have this message, but this account has no "
                        f"message {sent[-1].sid}: the ledger belongs to another account or an "
                        "earlier emulator session, and resuming from it would skip them. Pass "
                        "send_bulk a new ledger= path (or delete that file) and run again."
                    ) from None
            except requests.exceptions.RequestException:
                pass
            self.clock.sleep(self.backoff(attempt, self.http.retry_after()))

    def deliver(self, previous: Outcome) -> Outcome:
        """Bring one recipient to a final outcome without ever creating a second message."""
        to = previous.recipient
        must_check, attempt, last = previous.attempts > 0, 0, Verdict("error")
        while True:
            if must_check:
                found = self.find_existing(to)
                if found is None:
                    return self.record(to, "unknown", error_message=(
                        "could not check whether Twilio created the message; run again"))
                if found:
                    return self.record_sent(to, found)
            if attempt == self.max_attempts:
                return self.record(to, "error", error_code=last.code,
                                   error_message=f"gave up after {attempt} attempts: "
                                                 f"{last.message}")
            attempt += 1
            self.ledger.start_attempt(self.campaign, to, self.clock.now())
            self.bucket.acquire(self.plan.units_per_message, on_grant=self.flights.begin)
            try:
                message = self.client.messages.create(**self.params(to))
            except Exception as exc:
                verdict = classify(exc, self.http.retry_after())
                if verdict is None:
                    raise
            else:
                return self.record_sent(to, message)
            finally:
                self.flights.end()
            if verdict.kind == "refused":
                return self.record(to, "refused", error_code=verdict.code,
                                   error_message=verdict.message)
            if verdict.kind == "fatal":
                self.record(to, "error", error_code=verdict.code, error_message=verdict.message)
                raise BulkAborted(
                    f"Twilio refused the send itself, so the run stopped: error {verdict.code}, "
                    f"{verdict.message} (https://www.twilio.com/docs/errors/{verdict.code}). "
                    "Fix the sender or credentials, then run send_bulk again with the same "
                    f"ledger ({self.ledger.path}): recipients already sent are skipped."
                )
            must_check = must_check or verdict.kind == "unknown"
            last = verdict
            self.clock.sleep(self.backoff(attempt, verdict.retry_after))

    def run(self, on_outcome=None, progress: bool = True) -> list[Outcome]:
        """Send to every recipient not done yet; return all outcomes in recipient order."""
        recipients = self.plan.recipients
        self.ledger.add(self.campaign, recipients.valid)
        self.ledger.add(self.campaign, [bad.raw for bad in recipients.invalid], state="invalid",
                        reasons=[(bad.error_code, bad.reason) for bad in recipients.invalid])
        known = self.ledger.outcomes(self.campaign)
        wanted = recipients.valid + [bad.raw for bad in recipients.invalid]
        outcomes = {to: known[to] for to in wanted}
        todo = [o for o in outcomes.values() if o.state not in DONE_STATES]
        self.check_ledger(outcomes)
        for outcome in outcomes.values():
            if outcome.state == "invalid" and on_outcome:
                on_outcome(outcome)
        bar = progress_bar(len(recipients.valid), len(recipients.valid) - len(todo)) \
            if progress else None
        tally = {"sent": 0, "failed": 0}
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="bulk")
        try:
            futures = [pool.submit(self.deliver, outcome) for outcome in todo]
            for future in as_completed(futures):
                outcome = future.result()
                outcomes[outcome.recipient] = outcome
                tally["sent" if outcome.state == "sent" else "failed"] += 1
                if bar is not None:
                    bar.set_postfix(tally, refresh=False)
                    bar.update(1)
                if on_outcome:
                    on_outcome(outcome)
        except KeyboardInterrupt:
            print(f"Interrupted: the ledger {self.ledger.path} holds every outcome so far; "
                  "run the same send_bulk(...) again to resume without sending twice.")
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            if bar is not None:
                bar.close()
        return list(outcomes.values())

    def refresh(self, outcomes: list[Outcome]) -> list[Outcome]:
        """Fetch the current status of every sent message (concurrently) into the ledger.
        A message that cannot be fetched right now keeps its last known status."""

        def fetch(outcome: Outcome) -> Outcome:
            if outcome.state != "sent":
                return outcome
            try:
                message = self.client.messages(outcome.sid).fetch()
            except (TwilioException, requests.exceptions.RequestException):
                return outcome
            self.ledger.update_status(outcome.sid, message.status, message.error_code)
            return replace(outcome, status=message.status, error_code=message.error_code,
                           error_message=message.error_message)

        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="bulk") as pool:
            return list(pool.map(fetch, outcomes))


def progress_bar(total: int, done: int):
    """tqdm's notebook widget in Jupyter, a text bar elsewhere."""
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=done, desc="Sending", unit="msg")


def open_ledger(ledger, emulator) -> Ledger:
    """The ledger to use. The default file outlives an in-memory emulator, so with one the
    default ledger lives in memory beside it instead (re-running a cell still resumes)."""
    if isinstance(ledger, Ledger):
        return ledger
    if ledger == DEFAULT_LEDGER and emulator is not None and emulator.store.path == ":memory:":
        if emulator not in MEMORY_LEDGERS:
            MEMORY_LEDGERS[emulator] = Ledger(":memory:")
        return MEMORY_LEDGERS[emulator]
    return Ledger(ledger)


def default_workers(mps: float) -> int:
    """Enough requests in flight to hide ~0.4 s of API latency at the sender's rate."""
    return max(2, min(64, math.ceil(mps * LATENCY_TO_HIDE) + 2))


def send_bulk(client, recipients, body, from_=None, messaging_service_sid=None, media_url=None,
              ledger=DEFAULT_LEDGER, confirm=False, workers=None, clock=None,
              progress=True, *, mps=None, on_outcome=None, max_attempts=MAX_ATTEMPTS,
              seed=None) -> BulkResult:
    """Send `body` to every recipient once, paced to the sender's rate, resumable from `ledger`.

    recipients: a list of numbers or a CSV path. Re-running with the same ledger skips everyone
    already sent. A live (non-emulator) send prints the plan and needs confirm=True.
    clock: something with now() and sleep(seconds); by default the emulator's clock (sleeping
    advances it) or the wall clock. on_outcome(outcome) is called as each recipient finishes.
    """
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
    if workers is not None and (type(workers) is not int or workers < 1):
        raise ValueError(f"workers must be a whole number of at least 1, or None to suit the "
                         f"sender's rate; got {workers!r}. Nothing was sent.")
    live = not is_emulated(client)
    plan = plan_bulk(recipients, body, from_, messaging_service_sid, media_url=media_url,
                     client=client, mps=mps)
    if live or progress or plan.recipients.invalid or plan.warnings:
        print(plan)
    if live and not confirm:
        raise ConfirmationRequired(
            f"Nothing was sent. This is a live send of {plan.count} real messages costing about "
            f"${plan.estimated_cost:,.2f}. Check the plan above, then call "
            "send_bulk(..., confirm=True)."
        )
    emulator = emulator_of(client)
    clock = clock or (EmulatorClock(emulator) if emulator is not None else RealClock())
    book = open_ledger(ledger, emulator)
    sender = BulkSender(client, plan, from_, messaging_service_sid, book, clock,
                        workers or default_workers(plan.mps), max_attempts, seed)
    outcomes = sender.run(on_outcome, progress)
    return BulkResult(plan, outcomes, book.path, refresher=sender.refresh)
