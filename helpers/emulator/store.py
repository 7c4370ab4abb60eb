"""The emulator's sqlite store: schema, connection and transactions.

``Store(":memory:")`` is private to one emulator; ``Store("emulator.db")`` is a file in WAL
mode that several processes can share (the HTTP server in one, a notebook kernel in another).
Seeded accounts and numbers are constants (``seed.py``); only what changes lives here.
Times are stored as Unix timestamps (float seconds).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    direction TEXT NOT NULL,
    from_number TEXT,
    to_number TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    num_segments TEXT NOT NULL,
    num_media TEXT NOT NULL,
    price TEXT,
    error_code INTEGER,
    error_message TEXT,
    messaging_service_sid TEXT,
    date_created REAL NOT NULL,
    date_updated REAL NOT NULL,
    date_sent REAL,
    status_callback TEXT,
    timeline TEXT,
    next_at REAL
);
CREATE INDEX IF NOT EXISTS messages_next_at ON messages (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_account ON messages (account_sid, seq);
CREATE TABLE IF NOT EXISTS media (
    seq INTEGER PRIMARY KEY,
    sid TEXT NOT NULL UNIQUE,
    message_sid TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    content_type TEXT NOT NULL,
    url TEXT NOT NULL,
    date_created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS media_message ON media (message_sid, seq);
CREATE TABLE IF NOT EXISTS senders (
    number TEXT PRIMARY KEY,
    busy_until REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY,
    message_sid TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    url TEXT NOT NULL,
    params TEXT NOT NULL,
    due_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    detail TEXT
);
CREATE INDEX IF NOT EXISTS callbacks_pending ON callbacks (state, due_at);
CREATE TABLE IF NOT EXISTS opt_outs (
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    PRIMARY KEY (sender, recipient)
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value REAL NOT NULL
);
"""

TABLES = ("messages", "media", "senders", "callbacks", "opt_outs", "counters", "meta")


class Store:
    """One sqlite connection, shared by the emulator's threads under a lock."""

    def __init__(self, path: str = ":memory:"):
        self.path = path
        self.shared = path != ":memory:"
        self.lock = threading.RLock()
        self.db = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self.db.row_factory = sqlite3.Row
        if self.shared:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): other processes wait their turn."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def next_value(self, name: str) -> int:
        """The next value of counter ``name`` (1, 2, ...); call inside a transaction."""
        row = self.db.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
            (name,),
        ).fetchone()
        return row[0]

    def get_offset(self) -> float:
        with self.lock:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'clock_offset'").fetchone()
        return row[0] if row else 0.0

    def add_offset(self, seconds: float) -> None:
        with self.lock:
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES ('clock_offset', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                (seconds,),
            )

    def set_offset(self, seconds: float) -> None:
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('clock_offset', ?)", (seconds,)
            )

    def clear(self) -> None:
        """Delete every row: back to the freshly seeded state."""
        with self.transaction() as db:
            for table in TABLES:
                db.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        self.db.close()
