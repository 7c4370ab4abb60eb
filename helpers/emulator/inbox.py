"""What the phone inbox shows: every message of a room (sent and received), ready to draw.

The core's `outbox()` lists what was sent; the inbox also needs replies, media URLs and the
encoding, so it reads the same store through the core's own row-to-JSON shape. It must stay
cheap: the server asks twice a second while an inbox is open.
"""

from functools import lru_cache
from urllib.parse import urlsplit

from helpers.segments import count_segments

from . import seed, shapes

DEMO_HOST = "demo.twilio.com"


def conversations(emulator, account_sid: str | None = None,
                  limit: int | None = None) -> list[dict]:
    """Messages in and out (oldest first, the newest `limit` if given) as Twilio JSON plus
    `encoding` and `media_urls`."""
    apply_due_changes(emulator)
    query, args = "SELECT * FROM messages", []
    if account_sid:
        query += " WHERE account_sid = ?"
        args.append(account_sid)
    query += " ORDER BY seq DESC"
    if limit:
        query += " LIMIT ?"
        args.append(limit)
    with emulator.store.lock:
        rows = emulator.store.db.execute(query, args).fetchall()[::-1]
        urls = media_urls(emulator, [row["sid"] for row in rows])
    return [dict(shapes.message(row), encoding=encoding(row["body"] or ""),
                 media_urls=urls.get(row["sid"], [])) for row in rows]


def media_urls(emulator, message_sids: list[str]) -> dict[str, list[str]]:
    """The media URLs of these messages, in the order they were sent."""
    urls: dict[str, list[str]] = {}
    for start in range(0, len(message_sids), 500):
        chunk = message_sids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for message_sid, url in emulator.store.db.execute(
                f"SELECT message_sid, url FROM media WHERE message_sid IN ({marks}) ORDER BY seq",
                chunk):
            urls.setdefault(message_sid, []).append(url)
    return urls


@lru_cache(maxsize=4096)
def encoding(body: str) -> str:
    """GSM-7 or UCS-2, as Twilio's segment calculator decides."""
    return count_segments(body).encoding


def apply_due_changes(emulator) -> None:
    """Bring statuses up to the emulator's clock (listing due callbacks does it, cheaply)."""
    emulator.pending_callbacks()


def state_version(emulator) -> tuple[int, int]:
    """Changes whenever the store changes, by this process or another sharing the file."""
    with emulator.store.lock:
        data_version = emulator.store.db.execute("PRAGMA data_version").fetchone()[0]
        return data_version, emulator.store.db.total_changes


def clear_messages(emulator, account_sid: str | None = None) -> None:
    """Forget the messages of one account (or everyone's): their media, callbacks, and the
    queues they left on the account's numbers, so a new message goes out at once."""
    accounts = [a for a in seed.ACCOUNTS if account_sid in (None, a.sid)]
    numbers = [number.phone_number for account in accounts for number in account.numbers]
    where, args = ("WHERE account_sid = ?", (account_sid,)) if account_sid else ("", ())
    with emulator.store.transaction() as db:
        for table in ("messages", "media", "callbacks"):
            db.execute(f"DELETE FROM {table} {where}", args)
        db.execute(f"DELETE FROM senders WHERE number IN ({','.join('?' * len(numbers))})",
                   numbers)
    # The core caches sender queues and row numbers: make it re-read them (no public call yet).
    emulator.store._version = None


def accounts() -> list[dict]:
    """The seeded accounts the inbox can show (never their tokens)."""
    return [{"sid": a.sid, "friendly_name": a.friendly_name, "type": a.type}
            for a in seed.ACCOUNTS]


def is_demo_media(url: str) -> bool:
    """True for the seeded demo media (served from the bundled owl picture, offline)."""
    return urlsplit(url).hostname == DEMO_HOST
