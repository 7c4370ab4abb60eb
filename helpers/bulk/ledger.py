"""The ledger: every recipient's outcome in sqlite, written before and after each request.

A row is `pending`, then `inflight` (written *before* the request leaves), then `sent` (with the
message SID), `refused` (Twilio refused it: error code), `error` (gave up after retries) or
`unknown` (the request may have created a message and the check could not tell). Invalid numbers
are stored as `invalid`. A run killed at any point leaves at most some rows `inflight`; the next
run checks Twilio for those before sending again. WAL with synchronous=FULL: a committed row
survives a SIGKILL and a power cut.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS campaigns (
    id TEXT PRIMARY KEY, body TEXT, from_number TEXT, messaging_service_sid TEXT,
    media_url TEXT, created REAL);
CREATE TABLE IF NOT EXISTS outcomes (
    campaign TEXT NOT NULL, recipient TEXT NOT NULL, position INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', sid TEXT, status TEXT, error_code INTEGER,
    error_message TEXT, attempts INTEGER NOT NULL DEFAULT 0, updated REAL,
    PRIMARY KEY (campaign, recipient));
"""
DONE_STATES = ("sent", "refused", "invalid")
DEFAULT_LEDGER = "bulk-ledger.sqlite"


@dataclass(frozen=True)
class Outcome:
    """One recipient's outcome, as the ledger holds it."""

    recipient: str
    state: str
    sid: str | None = None
    status: str | None = None
    error_code: int | None = None
    error_message: str | None = None
    attempts: int = 0

    @property
    def label(self) -> str:
        """Twilio's status for sent messages, else the ledger state (refused, invalid, ...)."""
        return self.status if self.state == "sent" and self.status else self.state


def campaign_id(account_sid, body, from_, messaging_service_sid, media_url) -> str:
    """Same message from the same account and sender = same campaign: a re-run resumes it."""
    key = json.dumps([account_sid, body or "", from_, messaging_service_sid,
                      list(media_url or [])])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class Ledger:
    """A sqlite file of outcomes, safe to use from several threads.

    Writes from many threads are group-committed: each call returns once its row is on disk,
    but writes queued while a commit is in progress share the next commit (and its fsync).
    """

    def __init__(self, path: str = DEFAULT_LEDGER):
        self.path = str(path)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                   timeout=30)
        self._lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[list] = []
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, params=()) -> None:
        """Run one statement and return once it is committed (possibly with others)."""
        entry = [sql, params, None]  # the third slot: True once committed, or the error
        with self._queue_lock:
            self._queue.append(entry)
        with self._lock:
            if entry[2] is None:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._commit(batch)
        if entry[2] is not True:
            raise entry[2]

    def _commit(self, batch: list[list]) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for sql, params, _ in batch:
                self._db.execute(sql, params)
            self._db.execute("COMMIT")
            outcome = True
        except sqlite3.Error as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            outcome = error
        for entry in batch:
            entry[2] = outcome

    def campaign_start(self, campaign: str) -> float | None:
        """When the campaign began (by Twilio's clock), None if the ledger has no such campaign."""
        with self._lock:
            row = self._db.execute("SELECT created FROM campaigns WHERE id = ?",
                                   (campaign,)).fetchone()
        return row[0] if row else None

    def open_campaign(self, account_sid, body, from_, messaging_service_sid, media_url,
                      now: float) -> tuple[str, float]:
        """The campaign's id and start time, creating it (begun at `now`, Twilio's time) the
        first time; a campaign already in the ledger keeps its original start."""
        campaign = campaign_id(account_sid, body, from_, messaging_service_sid, media_url)
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO campaigns VALUES (?, ?, ?, ?, ?, ?)",
                (campaign, body, from_, messaging_service_sid,
                 json.dumps(list(media_url or [])), now),
            )
            created = self._db.execute(
                "SELECT created FROM campaigns WHERE id = ?", (campaign,)
            ).fetchone()[0]
        return campaign, created

    def add(self, campaign: str, recipients, state: str = "pending", reasons=None) -> None:
        """Add recipients not yet in the campaign (existing rows keep their outcome)."""
        with self._lock:
            start = self._db.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM outcomes WHERE campaign = ?",
                (campaign,),
            ).fetchone()[0]
            rows = [
                (campaign, recipient, start + i, state, *(reasons[i] if reasons else (None, None)))
                for i, recipient in enumerate(recipients)
            ]
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR IGNORE INTO outcomes (campaign, recipient, position, state, "
                "error_code, error_message) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._db.execute("COMMIT")

    def outcomes(self, campaign: str, recipient: str | None = None) -> dict[str, Outcome]:
        """The campaign's outcomes (or one recipient's), in the order they were added."""
        sql = ("SELECT recipient, state, sid, status, error_code, error_message, attempts "
               "FROM outcomes WHERE campaign = ?")
        params = (campaign,) if recipient is None else (campaign, recipient)
        if recipient is not None:
            sql += " AND recipient = ?"
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY position", params).fetchall()
        return {row[0]: Outcome(*row) for row in rows}

    def start_attempt(self, campaign: str, recipient: str, now: float) -> None:
        """Mark a request as about to leave: from here its outcome is unknown until recorded."""
        self._write(
            "UPDATE outcomes SET state = 'inflight', attempts = attempts + 1, updated = ? "
            "WHERE campaign = ? AND recipient = ?",
            (now, campaign, recipient),
        )

    def record(self, campaign: str, recipient: str, state: str, now: float, sid=None,
               status=None, error_code=None, error_message=None) -> None:
        """Store the outcome of the latest attempt."""
        self._write(
            "UPDATE outcomes SET state = ?, sid = ?, status = ?, error_code = ?, "
            "error_message = ?, updated = ? WHERE campaign = ? AND recipient = ?",
            (state, sid, status, error_code, error_message, now, campaign, recipient),
        )

    def update_status(self, sid: str, status: str, error_code: int | None) -> None:
        """A later status (delivered, undelivered, ...) for a sent message."""
        self._write("UPDATE outcomes SET status = ?, error_code = ? WHERE sid = ?",
                    (status, error_code, sid))
