"""``MemoryStore``: the emulator's state in plain Python, private to one process.

``Emulator()`` uses it; ``Emulator("emulator.db")`` uses the sqlite ``SqliteStore`` (in
``store.py``) so several processes can share one world. Both offer the same methods, and
the emulator tests run against both. Rows are dicts keyed like the sqlite columns.

A request that fails half-way leaves nothing behind, as a sqlite ROLLBACK would: rows
numbered after the transaction began are dropped, the sender queues go back to a copy
taken when it began, and every other change made inside ``transaction()`` records how to
undo itself.
"""

from __future__ import annotations

import heapq
import threading


class MemoryStore:
    """Messages, media, callbacks, sender queues and opt-outs in dicts, under one lock."""

    path = ":memory:"
    shared = False

    def __init__(self):
        self.lock = threading.RLock()
        self._in_transaction = False
        self._undo: list = []
        self._changes = 0
        self._reset()

    def _reset(self, last_attempt: int = 0) -> None:
        self._messages: dict[int, dict] = {}  # seq -> row, in seq order
        self._media: dict[int, dict] = {}
        self._media_of: dict[str, list[int]] = {}  # message sid -> media seqs
        self._callbacks: dict[int, dict] = {}
        self._attempts: dict[int, dict] = {}  # seq -> logged delivery attempt
        self._busy: dict[str, float] = {}
        self._opt_outs: set[tuple[str, str]] = set()
        self._seq = {"messages": 0, "media": 0, "callbacks": 0, "attempts": last_attempt}
        self._due: list[tuple[float, int]] = []  # heap of (next_at, seq); stale entries skipped

    # -- transactions ------------------------------------------------------------------
    def transaction(self) -> MemoryStore:
        """``with store.transaction():`` keeps every change on success, undoes all on error."""
        return self

    def __enter__(self) -> MemoryStore:
        self.lock.acquire()
        if self._in_transaction:
            self.lock.release()
            raise RuntimeError("store transactions do not nest")
        self._in_transaction = True
        self._seq_before, self._busy_before = self._seq.copy(), self._busy.copy()
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        try:
            if error_type is not None:
                self._rollback()
        finally:
            self._undo.clear()
            self._in_transaction = False
            self.lock.release()

    def _rollback(self) -> None:
        for undo in reversed(self._undo):
            undo()
        before = self._seq_before
        _drop_after(self._messages, before["messages"])
        for row in _drop_after(self._media, before["media"]):
            self._media_of[row["message_sid"]].remove(row["seq"])
        _drop_after(self._callbacks, before["callbacks"])
        _drop_after(self._attempts, before["attempts"])
        self._seq, self._busy = before, self._busy_before
        self._changes += 1

    def _journal(self, undo) -> None:
        self._changes += 1
        if self._in_transaction:
            self._undo.append(undo)

    def _journal_tables(self) -> None:
        """Journal the tables as they are, before a change that replaces them whole."""
        saved = {name: getattr(self, name) for name in _TABLES}
        self._journal(lambda: vars(self).update(saved))

    # -- hot state ---------------------------------------------------------------------
    def next_seq(self, table: str) -> int:
        """The row number the next insert into ``table`` gets (never reused)."""
        seq = self._seq[table] = self._seq[table] + 1
        return seq

    def busy_until(self, number: str) -> float:
        """When ``number`` finishes sending everything already queued on it."""
        return self._busy.get(number, 0.0)

    def set_busy_until(self, number: str, timestamp: float) -> None:
        self._busy[number] = timestamp
        self._changes += 1

    def free_senders(self, numbers: list[str]) -> None:
        """Empty the queues of ``numbers``: their next message goes out at once."""
        for number in numbers:
            self._busy.pop(number, None)
        self._changes += 1

    def is_opted_out(self, sender: str, recipient: str) -> bool:
        return (sender, recipient) in self._opt_outs

    def set_opt_out(self, sender: str, recipient: str, opted_out: bool) -> None:
        """Record a STOP (``opted_out``) or a START from ``recipient`` to ``sender``."""
        pair, opt_outs = (sender, recipient), self._opt_outs
        if (pair in opt_outs) == opted_out:
            return
        if opted_out:
            opt_outs.add(pair)
            self._journal(lambda: opt_outs.discard(pair))
        else:
            opt_outs.discard(pair)
            self._journal(lambda: opt_outs.add(pair))

    # -- messages ----------------------------------------------------------------------
    def insert_message(self, row: dict) -> None:
        """Add a message row (every column; ``timeline``: steps to come; ``next_at``: first)."""
        seq = row["seq"]
        self._messages[seq] = row
        self._changes += 1
        if row["next_at"] is not None:
            heapq.heappush(self._due, (row["next_at"], seq))

    def get_message(self, seq: int | None) -> dict | None:
        return self._messages.get(seq)

    def update_message(self, seq: int, fields: dict) -> None:
        row = self._messages[seq]
        old = {key: row[key] for key in fields}
        self._journal(lambda: row.update(old))
        row.update(fields)
        if fields.get("next_at") is not None:
            heapq.heappush(self._due, (fields["next_at"], seq))

    def delete_message(self, seq: int) -> None:
        """Delete a message and its media."""
        row = self._messages.pop(seq)
        media = {media_seq: self._media.pop(media_seq)
                 for media_seq in self._media_of.pop(row["sid"], ())}

        def undo():
            self._messages = dict(sorted({**self._messages, seq: row}.items()))
            self._media.update(media)
            if media:
                self._media_of[row["sid"]] = list(media)

        self._journal(undo)

    def due(self, now: float) -> bool:
        """Whether some message may have a status change scheduled at or before ``now``."""
        return bool(self._due) and self._due[0][0] <= now

    def due_messages(self, now: float) -> list[dict]:
        """Copies of the messages with a status change due by ``now``, oldest first."""
        seqs = set()
        while self._due and self._due[0][0] <= now:
            at, seq = heapq.heappop(self._due)
            row = self._messages.get(seq)
            if row is not None and row["next_at"] is not None and row["next_at"] <= now:
                seqs.add(seq)
        rows = [dict(self._messages[seq]) for seq in sorted(seqs)]
        for row in rows:
            row["timeline"] = list(row["timeline"])
        return rows

    def find_messages(self, account_sid: str | None = None, *, to: str | None = None,
                      from_: str | None = None, sent_from: float | None = None,
                      sent_before: float | None = None, before_seq: int | None = None,
                      outbound_only: bool = False, limit: int | None = None,
                      offset: int = 0) -> list[dict]:
        """Messages newest first, filtered like ``SqliteStore.find_messages``."""
        found = []
        for row in reversed(self._messages.values()):
            if (
                (account_sid is not None and row["account_sid"] != account_sid)
                or (to is not None and row["to_number"] != to)
                or (from_ is not None and row["from_number"] != from_)
                or (before_seq is not None and row["seq"] >= before_seq)
                or (outbound_only and row["direction"] == "inbound")
                or (sent_from is not None and (row["date_sent"] is None
                                               or row["date_sent"] < sent_from))
                or (sent_before is not None and (row["date_sent"] is None
                                                 or row["date_sent"] >= sent_before))
            ):
                continue
            if offset:
                offset -= 1
                continue
            found.append(row)
            if limit is not None and len(found) >= limit:
                break
        return found

    # -- media -------------------------------------------------------------------------
    def insert_media(self, row: dict) -> None:
        seq = row["seq"]
        self._media[seq] = row
        self._media_of.setdefault(row["message_sid"], []).append(seq)
        self._changes += 1

    def media_of(self, message_sid: str) -> list[dict]:
        return [self._media[seq] for seq in self._media_of.get(message_sid, ())]

    def get_media(self, seq: int | None) -> dict | None:
        return self._media.get(seq)

    def delete_media(self, seq: int) -> None:
        row = self._media.pop(seq)
        owner = self._media_of[row["message_sid"]]
        owner.remove(seq)

        def undo():
            self._media[seq] = row
            owner.append(seq)
            owner.sort()

        self._journal(undo)

    def media_urls(self, message_sids: list[str]) -> dict[str, list[str]]:
        """The media URLs of these messages, in the order they were sent."""
        return {sid: [self._media[seq]["url"] for seq in self._media_of[sid]]
                for sid in message_sids if self._media_of.get(sid)}

    # -- status callbacks --------------------------------------------------------------
    def insert_callback(self, message_sid: str, account_sid: str, url: str, params: dict,
                        due_at: float) -> None:
        callback_id = self.next_seq("callbacks")
        self._callbacks[callback_id] = {
            "id": callback_id, "message_sid": message_sid, "account_sid": account_sid,
            "url": url, "params": params, "due_at": due_at, "state": "pending",
            "detail": None, "claimed_at": None, "attempts": 0,
        }
        self._changes += 1

    def pending_callbacks(self, now: float, stale_before: float) -> list[dict]:
        """Pending callbacks due by ``now``, and claims made before ``stale_before``."""
        rows = [row for row in self._callbacks.values() if _is_pending(row, now, stale_before)]
        rows.sort(key=lambda row: (row["due_at"], row["id"]))
        return [{key: row[key] for key in ("id", "message_sid", "account_sid", "url", "due_at",
                                           "attempts")}
                | {"params": dict(row["params"])} for row in rows]

    def callbacks_in_flight(self, stale_before: float) -> int:
        """How many callbacks are claimed now and not yet finished."""
        return sum(row["state"] == "sending" and row["claimed_at"] > stale_before
                   for row in self._callbacks.values())

    def claim_callback(self, callback_id: int, wall_now: float, stale_before: float) -> bool:
        row = self._callbacks.get(callback_id)
        if row is None or not _is_pending(row, float("inf"), stale_before):
            return False
        if any(other["message_sid"] == row["message_sid"] and other["id"] != callback_id
               and other["state"] == "sending" and other["claimed_at"] > stale_before
               for other in self._callbacks.values()):
            return False  # one callback per message in flight: they arrive in order
        self._update_callback(row, state="sending", claimed_at=wall_now)
        return True

    def retry_callback(self, callback_id: int, due_at: float, detail: str) -> None:
        row = self._callbacks.get(callback_id)
        if row is not None:
            self._update_callback(row, state="pending", due_at=due_at, detail=detail,
                                  claimed_at=None, attempts=row["attempts"] + 1)

    def mark_callback(self, callback_id: int, delivered: bool, detail: str) -> None:
        row = self._callbacks.get(callback_id)
        if row is not None:
            self._update_callback(row, state="delivered" if delivered else "failed",
                                  detail=detail, attempts=row["attempts"] + 1)

    def _update_callback(self, row: dict, **fields) -> None:
        old = {key: row[key] for key in fields}
        self._journal(lambda: row.update(old))
        row.update(fields)

    def insert_attempt(self, record: dict, keep: int) -> dict:
        """Log one delivery attempt; only the newest ``keep`` stay."""
        seq = self.next_seq("attempts")
        self._attempts[seq] = logged = {"seq": seq, **record}
        self._changes += 1
        dropped = {old: self._attempts.pop(old) for old in list(self._attempts)[:-keep]}

        def undo():  # the oldest go back in front, in order
            self._attempts = dropped | self._attempts

        if dropped:
            self._journal(undo)
        return dict(logged)

    def attempts(self, account_sid: str | None, since: int, until: int | None) -> list[dict]:
        """Logged attempts, oldest first: of one account (or all), ``since < seq <= until``."""
        return [dict(row) for seq, row in self._attempts.items()
                if since < seq and (until is None or seq <= until)
                and account_sid in (None, row["account_sid"])]

    # -- whole state -------------------------------------------------------------------
    def clear(self, account_sid: str | None, numbers: list[str]) -> None:
        """Forget one account's (or everyone's) messages, media, callbacks and logged
        attempts; free the queues of ``numbers``."""
        self._journal_tables()

        def kept(row):
            return account_sid is not None and row["account_sid"] != account_sid

        self._messages = {seq: row for seq, row in self._messages.items() if kept(row)}
        self._media = {seq: row for seq, row in self._media.items() if kept(row)}
        self._media_of = {sid: seqs for sid, seqs in self._media_of.items()
                          if seqs and all(seq in self._media for seq in seqs)}
        self._callbacks = {i: row for i, row in self._callbacks.items() if kept(row)}
        self._attempts = {seq: row for seq, row in self._attempts.items() if kept(row)}
        self._busy = {n: t for n, t in self._busy.items() if n not in numbers}

    def reset(self) -> None:
        """Delete everything: back to the freshly seeded state."""
        with self.transaction():
            self._journal_tables()
            self._reset(last_attempt=self._seq["attempts"])  # inboxes follow the log by number

    def version(self) -> tuple[int, int]:
        """Changes whenever the state changes."""
        return 0, self._changes

    def close(self) -> None:
        """Nothing to release (kept for symmetry with ``SqliteStore``)."""


_TABLES = ("_messages", "_media", "_media_of", "_callbacks", "_attempts", "_busy",
           "_opt_outs", "_seq", "_due")


def _drop_after(table: dict[int, dict], mark: int) -> list[dict]:
    """Remove the rows numbered after ``mark`` (the newest, at the end); return them."""
    dropped = []
    while table and next(reversed(table)) > mark:
        dropped.append(table.popitem()[1])
    return dropped


def _is_pending(row: dict, now: float, stale_before: float) -> bool:
    return (row["state"] == "pending" and row["due_at"] <= now) or (
        row["state"] == "sending" and row["claimed_at"] <= stale_before)
