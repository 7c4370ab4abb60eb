"""The emulator's sqlite store: schema, connection and transactions.

``Store(":memory:")`` is private to one emulator; ``Store("emulator.db")`` is a file in WAL
mode that several processes can share (the HTTP server in one, a notebook kernel in another).
Seeded accounts and numbers are constants (``seed.py``); only what changes lives here.
Times are stored as Unix timestamps (float seconds).

Hot state a create needs (each sender's queue end, opt-outs, the next row numbers, when
the next status change is due) is cached in Python and written to sqlite too: at once in a
file, deferred in memory (see ``Store``). A file store re-reads it whenever
``PRAGMA data_version`` says another process committed; code that changes these tables
with its own SQL calls ``invalidate()`` afterwards.
"""

from __future__ import annotations

import sqlite3
import threading

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after deletes
    sid TEXT NOT NULL,  -- sids.make_sid(prefix, seq): found through seq, no index needed
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
CREATE TABLE IF NOT EXISTS media (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL,
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
    state TEXT NOT NULL DEFAULT 'pending',  -- pending, sending (claimed), delivered, failed
    detail TEXT,
    claimed_at REAL  -- wall-clock time of the claim while sending
);
CREATE INDEX IF NOT EXISTS callbacks_pending ON callbacks (state, due_at);
CREATE TABLE IF NOT EXISTS opt_outs (
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    PRIMARY KEY (sender, recipient)
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value REAL NOT NULL
);
"""

TABLES = ("messages", "media", "senders", "callbacks", "opt_outs", "meta")


INSERT_MESSAGE = (
    "INSERT INTO messages (seq, sid, account_sid, direction, from_number, to_number, body,"
    " status, num_segments, num_media, price, error_code, error_message, messaging_service_sid,"
    " date_created, date_updated, date_sent, status_callback, timeline, next_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
UPSERT_SENDER = "INSERT OR REPLACE INTO senders (number, busy_until) VALUES (?, ?)"
FLUSH_AT = 256  # deferred rows (in-memory store) written together once this many wait


class _Transaction:
    """``Store.transaction()``: a plain class, cheaper than a generator context manager."""

    __slots__ = ("store",)

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> Store:
        self.store._begin()
        return self.store

    def __exit__(self, error_type, error, traceback) -> None:
        self.store._end(committed=error_type is None)


class Store:
    """One sqlite connection, shared by the emulator's threads under a lock.

    In memory (nobody else reads the tables) new messages and sender queue ends are not
    written at once: they wait in a list and go in together (one ``executemany``) the next
    time anything reads ``store.db``, so every reader still sees them. A transaction that
    only defers rows never opens a sqlite transaction; one that fails drops what it deferred.
    """

    def __init__(self, path: str = ":memory:"):
        self.path = path
        self.shared = path != ":memory:"
        self.lock = threading.RLock()
        self._db = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self._db.row_factory = sqlite3.Row
        if self.shared:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._upgrade()

        self._version: int | None = None
        self._busy: dict[str, float] = {}
        self._opt_outs: set[tuple[str, str]] = set()
        self._seq: dict[str, int] = {}
        self._next_due: float | None = None
        # In-memory write-behind: rows not yet written, and how many of them (at the front)
        # were committed before the current transaction began.
        self._pending_messages: list[tuple] = []
        self._pending_senders: list[tuple[str, float]] = []
        self._committed = (0, 0)
        self._in_transaction = False
        self._begun = False  # a sqlite transaction is open

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, with every deferred row written first (use it to read or write)."""
        if self._pending_messages or self._pending_senders or (
            self._in_transaction and not self._begun
        ):
            self._write_deferred()
        return self._db

    def _upgrade(self) -> None:
        """Add what a file made by an older emulator lacks."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(callbacks)")}
        if "claimed_at" not in columns:
            try:
                self._db.execute("ALTER TABLE callbacks ADD COLUMN claimed_at REAL")
            except sqlite3.OperationalError as exc:  # another process added it just now
                if "duplicate column" not in str(exc):
                    raise

    def transaction(self) -> _Transaction:
        """A write transaction (``BEGIN IMMEDIATE``): other processes wait their turn.

        ``with store.transaction():`` commits on success and rolls back on any error.
        """
        return _Transaction(self)

    def _begin(self) -> None:
        self.lock.acquire()
        if self._in_transaction:  # this thread is already inside one
            self.lock.release()
            raise RuntimeError("store transactions do not nest")
        try:
            if self.shared:
                self._db.execute("BEGIN IMMEDIATE")
                self._begun = True
            else:
                self._committed = (len(self._pending_messages), len(self._pending_senders))
                if self._committed[0] >= FLUSH_AT:
                    self._write_deferred()
            self._in_transaction = True
            self._sync()
        except BaseException:
            self._end(committed=False)
            raise

    def _end(self, committed: bool) -> None:
        try:
            if committed:
                try:
                    if self._begun:
                        self._db.execute("COMMIT")
                    return
                except BaseException:
                    self._rollback()
                    raise
            self._rollback()
        finally:
            self._in_transaction = self._begun = False
            self.lock.release()

    def _rollback(self) -> None:
        if self._begun:
            self._db.execute("ROLLBACK")
            self._begun = False
        messages, senders = self._committed
        del self._pending_messages[messages:]
        del self._pending_senders[senders:]
        self.invalidate()  # the cache may hold what the rollback undid

    def _write_deferred(self) -> None:
        """Write the deferred rows: those committed earlier in a transaction of their own,
        then (opening the current transaction if there is one) the current one's."""
        with self.lock:
            if self._in_transaction and not self._begun:
                self._write_rows(*self._committed)
                self._db.execute("BEGIN IMMEDIATE")
                self._begun = True
            self._write_rows(len(self._pending_messages), len(self._pending_senders))

    def _write_rows(self, messages: int, senders: int) -> None:
        """Write the first ``messages`` and ``senders`` deferred rows."""
        if not (messages or senders):
            return
        own = not self._begun
        if own:
            self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(INSERT_MESSAGE, self._pending_messages[:messages])
            self._db.executemany(UPSERT_SENDER, self._pending_senders[:senders])
            if own:
                self._db.execute("COMMIT")
        except BaseException:
            if own:
                self._db.execute("ROLLBACK")
            raise
        del self._pending_messages[:messages]
        del self._pending_senders[:senders]
        committed_messages, committed_senders = self._committed
        self._committed = (max(0, committed_messages - messages),
                           max(0, committed_senders - senders))

    def insert_message(self, values: tuple) -> None:
        """Add a message row (``INSERT_MESSAGE``'s columns, in order), inside a transaction."""
        if self.shared:
            self._db.execute(INSERT_MESSAGE, values)
        else:
            self._pending_messages.append(values)

    def _sync(self) -> None:
        """Reload the cached hot state if another connection committed since we last read."""
        if self.shared:
            version = self.db.execute("PRAGMA data_version").fetchone()[0]
        elif self._version is not None:
            return
        else:
            version = 0
        if version == self._version:
            return
        db = self.db
        self._busy = {n: t for n, t in db.execute("SELECT number, busy_until FROM senders")}
        self._opt_outs = {(s, r) for s, r in db.execute("SELECT sender, recipient FROM opt_outs")}
        self._seq = {table: self._last_row(table) for table in ("messages", "media")}
        self.refresh_due()
        self._version = version

    def _last_row(self, table: str) -> int:
        """The highest row number ever used in ``table`` (deleted rows count: no reuse)."""
        last = self.db.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0]
        if self._has_sequence():
            row = self.db.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
            ).fetchone()
            last = max(last, row[0] if row else 0)
        return last

    def _has_sequence(self) -> bool:
        """False for a file made before the tables used AUTOINCREMENT."""
        return self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
        ).fetchone() is not None

    def next_seq(self, table: str) -> int:
        """The row number the next insert into ``table`` gets (inside a transaction)."""
        self._seq[table] += 1
        return self._seq[table]

    def busy_until(self, number: str) -> float:
        """When ``number`` finishes sending everything already queued on it."""
        return self._busy.get(number, 0.0)

    def set_busy_until(self, number: str, timestamp: float) -> None:
        self._busy[number] = timestamp
        if self.shared:
            self._db.execute(UPSERT_SENDER, (number, timestamp))
        else:
            self._pending_senders.append((number, timestamp))

    def free_senders(self, numbers: list[str]) -> None:
        """Empty the queues of ``numbers``: their next message goes out at once."""
        for number in numbers:
            self._busy.pop(number, None)
        self.db.execute(
            f"DELETE FROM senders WHERE number IN ({','.join('?' * len(numbers))})", numbers
        )

    def is_opted_out(self, sender: str, recipient: str) -> bool:
        return (sender, recipient) in self._opt_outs

    def set_opt_out(self, sender: str, recipient: str, opted_out: bool) -> None:
        """Record a STOP (``opted_out``) or a START from ``recipient`` to ``sender``."""
        if opted_out:
            self._opt_outs.add((sender, recipient))
            self.db.execute("INSERT OR IGNORE INTO opt_outs VALUES (?, ?)", (sender, recipient))
        else:
            self._opt_outs.discard((sender, recipient))
            self.db.execute(
                "DELETE FROM opt_outs WHERE sender = ? AND recipient = ?", (sender, recipient)
            )

    def due(self, now: float) -> bool:
        """Whether some message has a status change scheduled at or before ``now``."""
        return self._next_due is not None and self._next_due <= now

    def schedule(self, timestamp: float | None) -> None:
        """Note a status change scheduled at ``timestamp``."""
        if timestamp is not None and (self._next_due is None or timestamp < self._next_due):
            self._next_due = timestamp

    def refresh_due(self) -> None:
        self._next_due = self.db.execute(
            "SELECT min(next_at) FROM messages WHERE next_at IS NOT NULL"
        ).fetchone()[0]

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
        with self.transaction():
            for table in TABLES:
                self.db.execute(f"DELETE FROM {table}")
            if self._has_sequence():
                self.db.execute("DELETE FROM sqlite_sequence")
        self.invalidate()

    def invalidate(self) -> None:
        """Re-read the cached hot state: call after changing the tables with your own SQL."""
        self._version = None

    def version(self) -> tuple[int, int]:
        """Changes whenever the tables change, by this connection or another process."""
        with self.lock:
            data_version = self.db.execute("PRAGMA data_version").fetchone()[0]
            return data_version, self.db.total_changes

    def close(self) -> None:
        self._db.close()
