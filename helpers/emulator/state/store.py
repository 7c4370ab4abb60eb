"""The emulator's state in sqlite: ``Store``, the contract the rules rely on, and its one
implementation, ``SqliteStore``.

``SqliteStore()`` is sqlite's in-memory database, private to one process (``Emulator()``);
``SqliteStore("emulator.db")`` is a file in WAL mode that several processes share (the HTTP
server in one, a notebook kernel in another). Same SQL, same rules, same rollback (sqlite's
own) in both. Seeded accounts and numbers are constants (``seed.py``); only what changes
(a room's learners too) lives here, in the tables of ``schema.py``. Times are Unix
timestamps (float seconds).

State files of another version are refused, not upgraded. A file records ``FILE_VERSION`` in
``PRAGMA user_version``; opening a file that holds another version (or one older than the
AUTOINCREMENT row numbers) raises ``StateFileError``, which names the fix: delete the file
(``.emulator/emulator.sqlite`` under ``make lab``), and a fresh one is made. Why: the state is
a learner's practice messages, cheap to lose, while every upgrade step is code and a test
kept for good, and must be right for every older format; refusing also stops a file from a
newer emulator being misread. A change to what the file holds bumps ``FILE_VERSION``.

Hot state a create needs (each sender's queue end, opt-outs, the next row numbers, when the
next status change is due) is cached in Python and written to sqlite too. The cache is
re-read after a rollback and whenever ``PRAGMA data_version`` says another process
committed; code that changes these tables with its own SQL calls ``invalidate()`` afterwards.

About 500 lines, over the 400 aimed at: the contract (``Store``, a hundred lines of
signatures and one-line docs) stays beside its one implementation, so a change to one shows
next to the other; splitting them would add a module, not take anything away.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import AbstractContextManager, contextmanager
from operator import attrgetter
from typing import Protocol

from .. import fastjson
from ..resources import Media, Message, Step
from .checkpoints import WRITER_PAGES, Checkpointer
from .schema import (
    ATTEMPT_COLUMNS,
    FILE_VERSION,
    INSERT_ATTEMPT,
    INSERT_MESSAGE,
    LEARNER_COLUMNS,
    MESSAGE_COLUMNS,
    READ_COLUMNS,
    SCHEMA,
    TABLES,
    UPSERT_SENDER,
)

_MESSAGE_VALUES = attrgetter(*MESSAGE_COLUMNS[:-2])  # a Message's columns up to the timeline
_MEDIA_VALUES = attrgetter("seq", "sid", "message_sid", "account_sid", "content_type", "url",
                           "date_created")


PAGE_SIZE = 1024
"""Bytes per page of a new state file. A create changes about five pages (its row, the
due-time index, the row counter, its sender's queue); each is written whole to the log,
so 1 KiB pages write a quarter of the bytes 4 KiB ones do, for the same reads (measured)."""


class StateFileError(RuntimeError):
    """The state file was written by another version of the emulator."""


class Store(Protocol):
    """What the rules (``rules/``) need from a store. Writes happen inside
    ``transaction()``, reads inside it or under ``lock``. Messages and media go in and come
    out as ``resources.Message`` and ``resources.Media``; callbacks and attempts as dicts."""

    lock: AbstractContextManager  # a threading.RLock

    def transaction(self):
        """``with store.transaction():`` keeps every change on success, none on an error."""

    def next_seq(self, table: str) -> int:
        """The row number the next insert into ``table`` (messages, media) gets; never reused."""

    def busy_until(self, number: str) -> float:
        """When ``number`` finishes sending everything already queued on it (0: free)."""

    def set_busy_until(self, number: str, timestamp: float) -> None:
        """Set the end of ``number``'s queue."""

    def is_opted_out(self, sender: str, recipient: str) -> bool:
        """Whether ``recipient`` texted STOP to ``sender`` (and no START since)."""

    def set_opt_out(self, sender: str, recipient: str, opted_out: bool) -> None:
        """Record a STOP (``opted_out``) or a START from ``recipient`` to ``sender``."""

    def insert_message(self, message: Message) -> None:
        """Add a message (every column; ``timeline``: steps to come; ``next_at``: first)."""

    def get_message(self, seq: int | None) -> Message | None:
        """The message numbered ``seq`` (without its timeline), or None."""

    def update_message(self, seq: int, fields: dict) -> None:
        """Change some columns of message ``seq`` (``timeline`` and ``next_at`` too)."""

    def delete_message(self, seq: int) -> None:
        """Delete message ``seq`` and its media."""

    def find_messages(self, account_sid: str | None = None, *, to: str | None = None,
                      from_: str | None = None, sent_from: float | None = None,
                      sent_before: float | None = None, before_seq: int | None = None,
                      outbound_only: bool = False, limit: int | None = None,
                      offset: int = 0) -> list[Message]:
        """Messages newest first: of one account (or all), to/from one number, sent within
        [``sent_from``, ``sent_before``), older than row ``before_seq``, not inbound."""

    def due(self, now: float) -> bool:
        """Whether some message has a status change scheduled at or before ``now``."""

    def due_messages(self, now: float) -> list[Message]:
        """The messages with a status change due by ``now``, oldest first, with their
        ``timeline``."""

    def insert_media(self, media: Media) -> None:
        """Add a media row."""

    def media_of(self, message_sid: str) -> list[Media]:
        """The media of one message, in the order they were sent."""

    def get_media(self, seq: int | None) -> Media | None:
        """The media numbered ``seq``, or None."""

    def delete_media(self, seq: int) -> None:
        """Delete media row ``seq``."""

    def media_urls(self, message_sids: list[str]) -> dict[str, list[str]]:
        """The media URLs of these messages, in the order they were sent."""

    def insert_callback(self, message_sid: str, account_sid: str, url: str, params: dict,
                        due_at: float) -> None:
        """Queue a status callback (pending), due at ``due_at``."""

    def pending_callbacks(self, now: float, stale_before: float,
                          message_sid: str | None = None) -> list[dict]:
        """Pending callbacks due by ``now``, and claims made before ``stale_before`` (of
        ``message_sid`` only, if given), oldest due first, each with ``message_failures``:
        failed attempts so far at all callbacks of its message."""

    def callbacks_in_flight(self, stale_before: float) -> int:
        """How many callbacks are claimed (by any process) since ``stale_before``."""

    def claim_callback(self, callback_id: int, wall_now: float, stale_before: float) -> bool:
        """Take a pending (or stale) callback; False if someone else holds it, or holds
        another callback of the same message."""

    def retry_callback(self, callback_id: int, due_at: float, detail: str) -> None:
        """A delivery attempt failed: pending again at ``due_at``, one more attempt counted."""

    def mark_callback(self, callback_id: int, delivered: bool, detail: str) -> None:
        """A callback was delivered, or given up: it is never due again."""

    def insert_attempt(self, record: dict, keep: int) -> dict:
        """Log one delivery attempt (``ATTEMPT_COLUMNS``); only the newest ``keep`` stay.
        Returns the record with its ``seq``."""

    def attempts(self, account_sid: str | None, since: int, until: int | None) -> list[dict]:
        """Logged attempts, oldest first: of one account (or all), ``since < seq <= until``."""

    def clear(self, account_sid: str | None, numbers: list[str]) -> None:
        """Forget one account's (or everyone's) messages, media, callbacks and logged
        attempts; free the queues of ``numbers``."""

    def learners(self, after: int = 0) -> list[dict]:
        """The learners numbered above ``after`` (``schema.LEARNER_COLUMNS``), in order."""

    def insert_learner(self, record: dict) -> None:
        """Add a learner (``schema.LEARNER_COLUMNS``)."""


class Transaction:
    """``store.transaction()``: a plain class, cheaper than a generator context manager."""

    __slots__ = ("store",)

    def __init__(self, store):
        self.store = store

    def __enter__(self):
        self.store._begin()
        return self.store

    def __exit__(self, error_type, error, traceback) -> None:
        self.store._end(committed=error_type is None)


class SqliteStore(Store):
    """One sqlite connection, shared by the emulator's threads under ``lock``.

    A write transaction is ``BEGIN IMMEDIATE``: other processes on the file wait their turn.
    Rows come back as ``sqlite3.Row``; ``timeline`` is stored as JSON text.
    """

    def __init__(self, path: str = ":memory:"):
        self.path = path
        self.shared = path != ":memory:"
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                  timeout=30.0)
        self.db.row_factory = sqlite3.Row
        self.db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # new files only; kept once made
        if self.shared:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self._create_or_check()
        self._version: int | None = None
        self._busy: dict[str, float] = {}
        self._opt_outs: set[tuple[str, str]] = set()
        self._seq: dict[str, int] = {}
        self._next_due: float | None = None
        self._in_transaction = False
        self._offset = 0.0  # the clock offset as of the last sync (see get_offset)
        self._checkpointer: Checkpointer | None = None

    def _create_or_check(self) -> None:
        """Make the tables in a new file; refuse a file of another version (see the top)."""
        tables = {name for (name,) in self.db.execute("SELECT name FROM sqlite_master")}
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if tables and (version != FILE_VERSION or "sqlite_sequence" not in tables):
            self.db.close()
            age = "a newer" if version > FILE_VERSION else "an older"
            raise StateFileError(
                f"{self.path} holds the state of {age} version of the Twilio emulator, which"
                " this one cannot read. Its messages are practice data: delete the file"
                f" ({self.path}) and start again; a new one is made.")
        self.db.executescript(  # idempotent: processes opening a new file at once take turns
            f"BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {FILE_VERSION}; COMMIT;")

    def transaction(self) -> Transaction:
        return Transaction(self)

    def _begin(self) -> None:
        self.lock.acquire()
        if self._in_transaction:  # this thread is already inside one
            self.lock.release()
            raise RuntimeError("store transactions do not nest")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self._in_transaction = True
            self._sync()
        except BaseException:
            self._end(committed=False)
            raise

    def _end(self, committed: bool) -> None:
        try:
            if self.db.in_transaction:
                if committed:
                    try:
                        self.db.execute("COMMIT")
                        if self._checkpointer is not None:
                            self._checkpointer.wrote()
                        return
                    except BaseException:
                        self.db.execute("ROLLBACK")
                        self.invalidate()
                        raise
                self.db.execute("ROLLBACK")
            self.invalidate()  # the cache may hold what the rollback undid
        finally:
            self._in_transaction = False
            self.lock.release()

    def _sync(self) -> None:
        """Reload the cached hot state if it may be stale: after a rollback or
        ``invalidate()``, or (in a shared file) after another connection committed."""
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
        self._seq = {"messages": 0, "media": 0}  # AUTOINCREMENT: the highest number ever used
        self._seq.update(db.execute("SELECT name, seq FROM sqlite_sequence WHERE name IN"
                                    " ('messages', 'media')").fetchall())
        self._refresh_due()
        self._offset = self._read_offset()
        self._version = version

    def next_seq(self, table: str) -> int:
        self._seq[table] += 1
        return self._seq[table]

    def busy_until(self, number: str) -> float:
        return self._busy.get(number, 0.0)

    def set_busy_until(self, number: str, timestamp: float) -> None:
        self._busy[number] = timestamp
        self.db.execute(UPSERT_SENDER, (number, timestamp))

    def is_opted_out(self, sender: str, recipient: str) -> bool:
        return (sender, recipient) in self._opt_outs

    def set_opt_out(self, sender: str, recipient: str, opted_out: bool) -> None:
        if opted_out:
            self._opt_outs.add((sender, recipient))
            self.db.execute("INSERT OR IGNORE INTO opt_outs VALUES (?, ?)", (sender, recipient))
        else:
            self._opt_outs.discard((sender, recipient))
            self.db.execute(
                "DELETE FROM opt_outs WHERE sender = ? AND recipient = ?", (sender, recipient)
            )

    # -- messages ----------------------------------------------------------------------
    def insert_message(self, message: Message) -> None:
        timeline = fastjson.dumps(message.timeline) if message.timeline else None
        self.db.execute(INSERT_MESSAGE, (*_MESSAGE_VALUES(message), timeline, message.next_at))
        self._schedule(message.next_at)

    def get_message(self, seq: int | None) -> Message | None:
        row = self.db.execute(
            f"SELECT {READ_COLUMNS} FROM messages WHERE seq = ?", (seq,)
        ).fetchone()
        return None if row is None else Message(**row)

    def update_message(self, seq: int, fields: dict) -> None:
        values = dict(fields)
        if "timeline" in values:
            values["timeline"] = fastjson.dumps(values["timeline"]) if values["timeline"] else None
        self.db.execute(
            f"UPDATE messages SET {', '.join(f'{key} = ?' for key in values)} WHERE seq = ?",
            (*values.values(), seq),
        )
        if "next_at" in values:
            self._schedule(values["next_at"])

    def delete_message(self, seq: int) -> None:
        self.db.execute(
            "DELETE FROM media WHERE message_sid = (SELECT sid FROM messages WHERE seq = ?)", (seq,)
        )
        self.db.execute("DELETE FROM messages WHERE seq = ?", (seq,))

    def due(self, now: float) -> bool:
        return self._next_due is not None and self._next_due <= now

    def due_messages(self, now: float) -> list[Message]:
        rows = self.db.execute(
            "SELECT * FROM messages WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY seq",
            (now,),
        ).fetchall()
        self._next_due = self.db.execute(  # when the next change after these is due
            "SELECT min(next_at) FROM messages WHERE next_at > ?", (now,)
        ).fetchone()[0]
        return [Message(**{**dict(row), "timeline": tuple(
            Step(*step) for step in json.loads(row["timeline"]))}) for row in rows]

    def _schedule(self, timestamp: float | None) -> None:
        if timestamp is not None and (self._next_due is None or timestamp < self._next_due):
            self._next_due = timestamp

    def _refresh_due(self) -> None:
        self._next_due = self.db.execute(
            "SELECT min(next_at) FROM messages WHERE next_at IS NOT NULL"
        ).fetchone()[0]

    def find_messages(self, account_sid: str | None = None, *, to: str | None = None,
                      from_: str | None = None, sent_from: float | None = None,
                      sent_before: float | None = None, before_seq: int | None = None,
                      outbound_only: bool = False, limit: int | None = None,
                      offset: int = 0) -> list[Message]:
        where, args = [], []
        for condition, value in (
            ("account_sid = ?", account_sid), ("to_number = ?", to),
            ("from_number = ?", from_), ("date_sent >= ?", sent_from),
            ("date_sent < ?", sent_before), ("seq < ?", before_seq),
        ):
            if value is not None:
                where.append(condition)
                args.append(value)
        if outbound_only:
            where.append("direction != 'inbound'")
        query = f"SELECT {READ_COLUMNS} FROM messages"
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY seq DESC LIMIT ? OFFSET ?"
        rows = self.db.execute(query, (*args, -1 if limit is None else limit, offset))
        return [Message(**row) for row in rows]

    # -- media -------------------------------------------------------------------------
    def insert_media(self, media: Media) -> None:
        self.db.execute(
            "INSERT INTO media (seq, sid, message_sid, account_sid, content_type, url,"
            " date_created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            _MEDIA_VALUES(media),
        )

    def media_of(self, message_sid: str) -> list[Media]:
        rows = self.db.execute(
            "SELECT * FROM media WHERE message_sid = ? ORDER BY seq", (message_sid,))
        return [Media(**row) for row in rows]

    def get_media(self, seq: int | None) -> Media | None:
        row = self.db.execute("SELECT * FROM media WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else Media(**row)

    def delete_media(self, seq: int) -> None:
        self.db.execute("DELETE FROM media WHERE seq = ?", (seq,))

    def media_urls(self, message_sids: list[str]) -> dict[str, list[str]]:
        urls: dict[str, list[str]] = {}
        for start in range(0, len(message_sids), 500):
            chunk = message_sids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for message_sid, url in self.db.execute(
                    f"SELECT message_sid, url FROM media WHERE message_sid IN ({marks})"
                    " ORDER BY seq", chunk):
                urls.setdefault(message_sid, []).append(url)
        return urls

    # -- status callbacks: pending -> sending (claimed) -> delivered / failed ------------
    def insert_callback(self, message_sid: str, account_sid: str, url: str, params: dict,
                        due_at: float) -> None:
        self.db.execute(
            "INSERT INTO callbacks (message_sid, account_sid, url, params, due_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (message_sid, account_sid, url, fastjson.dumps(params), due_at),
        )

    def pending_callbacks(self, now: float, stale_before: float,
                          message_sid: str | None = None) -> list[dict]:
        rows = self.db.execute(
            "SELECT id, message_sid, account_sid, url, params, due_at, attempts,"
            " (SELECT SUM(CASE sibling.state WHEN 'delivered' THEN sibling.attempts - 1"
            "   ELSE sibling.attempts END) FROM callbacks AS sibling"
            "  WHERE sibling.message_sid = callbacks.message_sid) AS message_failures"
            " FROM callbacks WHERE ((state = 'pending' AND due_at <= ?)"
            " OR (state = 'sending' AND claimed_at <= ?)) AND (? IS NULL OR message_sid = ?)"
            " ORDER BY due_at, id",
            (now, stale_before, message_sid, message_sid),
        ).fetchall()
        return [dict(row, params=json.loads(row["params"])) for row in rows]

    def callbacks_in_flight(self, stale_before: float) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM callbacks WHERE state = 'sending' AND claimed_at > ?",
            (stale_before,),
        ).fetchone()[0]

    def claim_callback(self, callback_id: int, wall_now: float, stale_before: float) -> bool:
        return self.db.execute(
            "UPDATE callbacks SET state = 'sending', claimed_at = ? WHERE id = ?"
            " AND (state = 'pending' OR (state = 'sending' AND claimed_at <= ?))"
            " AND NOT EXISTS (SELECT 1 FROM callbacks AS other"
            "  WHERE other.message_sid = callbacks.message_sid AND other.id != callbacks.id"
            "  AND other.state = 'sending' AND other.claimed_at > ?)",
            (wall_now, callback_id, stale_before, stale_before),
        ).rowcount == 1

    def retry_callback(self, callback_id: int, due_at: float, detail: str) -> None:
        self.db.execute(
            "UPDATE callbacks SET state = 'pending', due_at = ?, detail = ?, claimed_at = NULL,"
            " attempts = attempts + 1 WHERE id = ?",
            (due_at, detail, callback_id),
        )

    def mark_callback(self, callback_id: int, delivered: bool, detail: str) -> None:
        self.db.execute(
            "UPDATE callbacks SET state = ?, detail = ?, attempts = attempts + 1 WHERE id = ?",
            ("delivered" if delivered else "failed", detail, callback_id),
        )

    def insert_attempt(self, record: dict, keep: int) -> dict:
        seq = self.db.execute(
            INSERT_ATTEMPT, [record[column] for column in ATTEMPT_COLUMNS]).lastrowid
        self.db.execute("DELETE FROM callback_attempts WHERE seq <= ?", (seq - keep,))
        return {"seq": seq, **record}

    def attempts(self, account_sid: str | None, since: int, until: int | None) -> list[dict]:
        rows = self.db.execute(
            "SELECT * FROM callback_attempts WHERE seq > ? AND (? IS NULL OR seq <= ?)"
            " AND (? IS NULL OR account_sid = ?) ORDER BY seq",
            (since, until, until, account_sid, account_sid),
        ).fetchall()
        return [dict(row) for row in rows]

    def clear(self, account_sid: str | None, numbers: list[str]) -> None:
        where, args = ("WHERE account_sid = ?", (account_sid,)) if account_sid else ("", ())
        for table in ("messages", "media", "callbacks", "callback_attempts"):
            self.db.execute(f"DELETE FROM {table} {where}", args)
        for number in numbers:
            self._busy.pop(number, None)
        self.db.execute(
            f"DELETE FROM senders WHERE number IN ({','.join('?' * len(numbers))})", numbers
        )
        self._refresh_due()

    # -- a room's learners --------------------------------------------------------------
    def learners(self, after: int = 0) -> list[dict]:
        rows = self.db.execute(f"SELECT {', '.join(LEARNER_COLUMNS)} FROM learners"
                               " WHERE number > ? ORDER BY number", (after,))
        return [dict(row) for row in rows]

    def insert_learner(self, record: dict) -> None:
        self.db.execute(f"INSERT INTO learners ({', '.join(LEARNER_COLUMNS)})"
                        f" VALUES ({', '.join('?' * len(LEARNER_COLUMNS))})",
                        [record[column] for column in LEARNER_COLUMNS])

    # -- beyond the rules: the shared clock's offset, the whole state ---------------------
    def get_offset(self) -> float:
        """The clock's offset: inside a transaction, as read when it began (synced with the
        other processes), else read now."""
        with self.lock:
            return self._offset if self._in_transaction else self._read_offset()

    def _read_offset(self) -> float:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'clock_offset'").fetchone()
        return row[0] if row else 0.0

    def add_offset(self, seconds: float) -> None:
        with self.lock:
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES ('clock_offset', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                (seconds,),
            )
            self._offset = self._read_offset()  # our own write: data_version will not say

    def set_offset(self, seconds: float) -> None:
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('clock_offset', ?)", (seconds,)
            )
            self._offset = self._read_offset()  # our own write: data_version will not say

    def reset(self) -> None:
        """Delete every row but the learners': back to the freshly seeded state, the room
        still in it."""
        with self.transaction():
            for table in TABLES:
                self.db.execute(f"DELETE FROM {table}")
            self.db.execute("DELETE FROM sqlite_sequence WHERE name != 'callback_attempts'")
        self.invalidate()

    def invalidate(self) -> None:
        """Re-read the cached hot state: call after changing the tables with your own SQL."""
        self._version = None

    def version(self) -> tuple[int, int]:
        """Changes whenever the tables change, by this connection or another process."""
        with self.lock:
            data_version = self.db.execute("PRAGMA data_version").fetchone()[0]
            return data_version, self.db.total_changes

    @contextmanager
    def checkpoints_in_background(self, writer_pages: int = WRITER_PAGES):
        """Inside: a thread checkpoints the log after commits, and this connection only at
        `writer_pages` (see checkpoints.py). Yields the `Checkpointer` (None in memory)."""
        if not self.shared:
            yield None
            return
        checkpointer = Checkpointer(self.path).start()
        with self.lock:
            self.db.execute(f"PRAGMA wal_autocheckpoint={int(writer_pages)}")
            self._checkpointer = checkpointer
        try:
            yield checkpointer
        finally:
            with self.lock:
                self._checkpointer = None
                self.db.execute("PRAGMA wal_autocheckpoint=1000")  # sqlite's default
            checkpointer.stop()

    def close(self) -> None:
        self.db.close()
